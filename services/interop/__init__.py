"""Exchange formats: a whole patient as FHIR R4 (out and in) and lists as spreadsheets.

Reads every clinical room's tables to assemble what leaves CareDesk; writes through the
patients and contacts rooms' own functions when a FHIR file comes in. Uses core, patients,
tasks, scheduling, contacts, intake and care_plans.
"""

"""The Patients page's pieces: search, register, the patient record. Uses the patients
and overview rooms."""

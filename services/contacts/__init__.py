"""Liaison contacts: the directory and its import, family and consent, insurance and prior
authorisations, referrals, the communication log, FHIR. Uses core, patients, tasks,
scheduling."""

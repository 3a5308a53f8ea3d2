"""Liaison contacts: the directory and its import, family and consent, insurance and prior
authorizations, referrals, the communication log, FHIR. Uses core, patients, tasks,
scheduling."""

"""The shared core: identity and roles, domain errors, the audit trail, sign-in, the
clinic's clock, text and contact-detail helpers, backups. Uses only db."""

# Every session in every process checks text lengths before it writes (see lengths.py).
from services.core import lengths as lengths

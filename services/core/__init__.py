"""The shared core: identity and roles, domain errors, the audit trail, sign-in, the
clinic's clock, text and contact-detail helpers, backups. Uses only db."""

"""The database itself refuses to change or remove audit rows (HIPAA audit controls).

The app only ever appends to `audit_event`; these triggers make UPDATE, DELETE (and on
PostgreSQL TRUNCATE) fail inside the database too, so a stray script or a bug cannot
rewrite the trail. Someone who drops the triggers first is caught by the HMAC chain and
by the head kept outside the database (services/core/audit.py).
"""

from __future__ import annotations

MESSAGE = "audit_event is append-only"

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_update",
    "DROP TRIGGER IF EXISTS audit_event_no_delete",
]

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
    BEGIN RAISE EXCEPTION '{MESSAGE}'; END; $$ LANGUAGE plpgsql""",
    """DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event""",
    """CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event""",
    """CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_append_only()",
]


def statements(dialect: str, *, drop: bool = False) -> list[str]:
    if dialect == "postgresql":
        return POSTGRESQL_DROP if drop else POSTGRESQL
    return SQLITE_DROP if drop else SQLITE

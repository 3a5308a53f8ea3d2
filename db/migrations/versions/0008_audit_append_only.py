"""The audit trail is append-only inside the database

Triggers refuse UPDATE and DELETE on audit_event (and TRUNCATE on PostgreSQL); the app
never needs either. See db/append_only.py.

Revision ID: 0008_audit_append_only
Revises: 0007_directory_links
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

from db import append_only

revision: str = "0008_audit_append_only"
down_revision: str | Sequence[str] | None = "0007_directory_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in append_only.statements(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in append_only.statements(op.get_bind().dialect.name, drop=True):
        op.execute(statement)

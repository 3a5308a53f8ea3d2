"""Diagnoses, allergies and medications from other systems' FHIR files, read-only

A new table: nothing existing changes.

Revision ID: 0012_interop
Revises: 0008_audit_append_only
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from db.base import UTCDateTime

revision: str = "0012_interop"
down_revision: str | Sequence[str] | None = "0008_audit_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outside_record_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=True),
        sa.Column("code_system", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=40), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("since", sa.String(length=40), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("imported_at", UTCDateTime(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("replaced_at", UTCDateTime(), nullable=True),
        sa.Column(
            "created_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            UTCDateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["user_account.id"],
            name=op.f("fk_outside_record_item_imported_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_outside_record_item_patient_id_patient")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outside_record_item")),
    )
    with op.batch_alter_table("outside_record_item", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outside_record_item_patient", ["patient_id", "kind"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outside_record_item", schema=None) as batch_op:
        batch_op.drop_index("ix_outside_record_item_patient")
    op.drop_table("outside_record_item")

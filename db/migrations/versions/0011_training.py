"""Training scenarios: each trainee's runs, their patient copies, page visits, and the
administrator's versions of the scenario definitions

Revision ID: 0011_training
Revises: 0008_audit_append_only
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0011_training"
down_revision: str | Sequence[str] | None = "0008_audit_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_TIME = db.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "training_scenario_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("saved_at", UTC_TIME, nullable=False),
        sa.Column("saved_by_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_scenario_version_saved_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_scenario_version")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_training_scenario_version_key")),
    )
    op.create_table(
        "training_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_key", sa.String(length=80), nullable=False),
        sa.Column("scenario_version", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("trainee_id", sa.Integer(), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("ended_at", UTC_TIME, nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ended_by_id"],
            ["user_account.id"],
            name=op.f("fk_training_run_ended_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["trainee_id"],
            ["user_account.id"],
            name=op.f("fk_training_run_trainee_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_run")),
    )
    with op.batch_alter_table("training_run", schema=None) as batch_op:
        batch_op.create_index("ix_training_run_trainee", ["trainee_id", "status"], unique=False)
        batch_op.create_index(
            "uq_training_run_active",
            ["trainee_id", "scenario_key"],
            unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )
    op.create_table(
        "training_run_patient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("patient_key", sa.String(length=40), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_training_run_patient_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["training_run.id"],
            name=op.f("fk_training_run_patient_run_id_training_run"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_run_patient")),
        sa.UniqueConstraint("run_id", "patient_key", name=op.f("uq_training_run_patient_run_id")),
    )
    with op.batch_alter_table("training_run_patient", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_run_patient_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_training_run_patient_run_id"), ["run_id"], unique=False
        )
    op.create_table(
        "training_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("page", sa.String(length=60), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["training_run.id"], name=op.f("fk_training_visit_run_id_training_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_visit")),
    )
    with op.batch_alter_table("training_visit", schema=None) as batch_op:
        batch_op.create_index("ix_training_visit_run", ["run_id", "page"], unique=False)


def downgrade() -> None:
    op.drop_table("training_visit")
    op.drop_table("training_run_patient")
    op.drop_table("training_run")
    op.drop_table("training_scenario_version")

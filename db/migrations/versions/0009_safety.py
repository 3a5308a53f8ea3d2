"""Safety: the urgent safety follow-up and the patient's safety plan

A positive suicide-risk item (PHQ-9 item 9) or interpersonal-safety screen used to raise a
same-day STAT task. It becomes an urgent safety follow-up of its own, completed only with
an outcome. Each open STAT task an intake raised is carried over (one follow-up per patient
and concern, with the task's owner and date) and the task is cancelled with a reason that
says where it went; downgrading reopens those tasks.

Revision ID: 0009_safety
Revises: 0008_audit_append_only
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0009_safety"
down_revision: str | Sequence[str] | None = "0008_audit_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CARRIED_OVER = "Carried on as the patient's urgent safety follow-up."
OPEN_ALERT_TASKS = (
    "source_kind = 'intake' AND priority = 'stat' AND patient_id IS NOT NULL "
    "AND status IN ('requested', 'in progress', 'on hold')"
)
CONCERN = (
    "CASE WHEN lower(title) LIKE '%interpersonal%' THEN 'interpersonal safety' "
    "ELSE 'suicide risk' END"
)


def upgrade() -> None:
    op.create_table(
        "safety_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("warning_signs", sa.Text(), nullable=False),
        sa.Column("coping_strategies", sa.Text(), nullable=False),
        sa.Column("people_and_places", sa.Text(), nullable=False),
        sa.Column("professionals", sa.Text(), nullable=False),
        sa.Column("means_safety", sa.Text(), nullable=False),
        sa.Column("reviewed_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_safety_plan_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["user_account.id"],
            name=op.f("fk_safety_plan_reviewed_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_plan")),
        sa.UniqueConstraint("patient_id", name=op.f("uq_safety_plan_patient_id")),
    )
    op.create_table(
        "safety_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("concern", sa.String(length=40), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("source_kind", sa.String(length=40), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("raised_at", db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=True),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("open_key", sa.String(length=80), nullable=True),
        sa.Column("assessment", sa.JSON(), nullable=True),
        sa.Column("assessed_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_comm_id", sa.Integer(), nullable=True),
        sa.Column("primary_care_comm_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=60), nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("completed_at", db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "created_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            db.base.UTCDateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["user_account.id"],
            name=op.f("fk_safety_follow_up_assessed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["completed_by_id"],
            ["user_account.id"],
            name=op.f("fk_safety_follow_up_completed_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"],
            ["user_account.id"],
            name=op.f("fk_safety_follow_up_owner_user_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patient.id"], name=op.f("fk_safety_follow_up_patient_id_patient")
        ),
        sa.ForeignKeyConstraint(
            ["primary_care_comm_id"],
            ["communication.id"],
            name=op.f("fk_safety_follow_up_primary_care_comm_id_communication"),
        ),
        sa.ForeignKeyConstraint(
            ["raised_by_id"],
            ["user_account.id"],
            name=op.f("fk_safety_follow_up_raised_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["supervisor_comm_id"],
            ["communication.id"],
            name=op.f("fk_safety_follow_up_supervisor_comm_id_communication"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_follow_up")),
        sa.UniqueConstraint("open_key", name=op.f("uq_safety_follow_up_open_key")),
    )
    with op.batch_alter_table("safety_follow_up", schema=None) as batch_op:
        batch_op.create_index(
            "ix_safety_follow_up_owner", ["owner_user_id", "status"], unique=False
        )
        batch_op.create_index("ix_safety_follow_up_patient", ["patient_id", "status"], unique=False)
        batch_op.create_index(
            "ix_safety_follow_up_source", ["source_kind", "source_id"], unique=False
        )

    # Open STAT tasks raised by intakes become follow-ups: the oldest per patient and concern.
    op.execute(
        "INSERT INTO safety_follow_up (patient_id, concern, reason, source_kind, source_id, "
        "raised_at, raised_by_id, owner_user_id, status, open_key, version, created_at, "
        "updated_at) "
        f"SELECT patient_id, {CONCERN}, "
        "CASE WHEN title LIKE 'Same-day: %' THEN substr(title, 11) ELSE title END, "
        "'intake', source_id, created_at, created_by_id, owner_user_id, 'open', "
        f"CAST(patient_id AS VARCHAR(20)) || ':' || {CONCERN}, 1, created_at, created_at "
        f"FROM task WHERE id IN (SELECT MIN(id) FROM task WHERE {OPEN_ALERT_TASKS} "
        f"GROUP BY patient_id, {CONCERN})"
    )
    op.execute(
        sa.text(
            "UPDATE task SET status = 'cancelled', status_reason = :why, version = version + 1 "
            f"WHERE {OPEN_ALERT_TASKS}"
        ).bindparams(why=CARRIED_OVER)
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            "UPDATE task SET status = 'requested', status_reason = NULL, version = version + 1 "
            "WHERE source_kind = 'intake' AND priority = 'stat' AND status_reason = :why"
        ).bindparams(why=CARRIED_OVER)
    )
    with op.batch_alter_table("safety_follow_up", schema=None) as batch_op:
        batch_op.drop_index("ix_safety_follow_up_source")
        batch_op.drop_index("ix_safety_follow_up_patient")
        batch_op.drop_index("ix_safety_follow_up_owner")

    op.drop_table("safety_follow_up")
    op.drop_table("safety_plan")

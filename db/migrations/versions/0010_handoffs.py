"""Nothing lost between pages: what the intake hands on, and what prints for the patient

- intake_suggestion.details: what the nurse settled in the intake summary's preview (the
  goal's words and who said them, priority, target and due dates, a referral's urgency and
  organization, the findings behind a merged suggestion, the draft referral it became);
- referral.organization_id may be empty on a draft whose organization is still to choose;
- communication.consent_basis: what covered a call with a family member (consent on file,
  consent verified at contact, or no PHI shared);
- user_account.phone: a staff member's direct line, printed on the patient's plan;
- plan_print_item: whether a goal or task prints on the patient's plan, and its wording
  there in each language.

Revision ID: 0010_handoffs
Revises: 0008_audit_append_only
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.base

revision: str = "0010_handoffs"
down_revision: str | Sequence[str] | None = "0008_audit_append_only"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "plan_print_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("for_patient", sa.Boolean(), nullable=False),
        sa.Column("wording", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
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
            ["updated_by_id"],
            ["user_account.id"],
            name=op.f("fk_plan_print_item_updated_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_print_item")),
        sa.UniqueConstraint("item_kind", "item_id", name=op.f("uq_plan_print_item_item_kind")),
    )
    with op.batch_alter_table("intake_suggestion", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
    with op.batch_alter_table("communication", schema=None) as batch_op:
        batch_op.add_column(sa.Column("consent_basis", sa.String(length=40), nullable=True))
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone", sa.String(length=32), nullable=True))
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.alter_column("organization_id", existing_type=sa.Integer(), nullable=True)
    _mark_what_already_printed()


def _mark_what_already_printed() -> None:
    """Goals in the patient's words and the patient's or family's own tasks printed on the
    patient's plan before marking existed: they stay on it."""
    items = sa.table(
        "plan_print_item",
        sa.column("item_kind", sa.String),
        sa.column("item_id", sa.Integer),
        sa.column("for_patient", sa.Boolean),
        sa.column("wording", sa.JSON),
        sa.column("version", sa.Integer),
    )
    goal = sa.table(
        "care_goal",
        sa.column("id", sa.Integer),
        sa.column("patients_words", sa.Text),
        sa.column("lifecycle_status", sa.String),
    )
    task = sa.table(
        "task",
        sa.column("id", sa.Integer),
        sa.column("owner_kind", sa.String),
        sa.column("source_kind", sa.String),
        sa.column("priority", sa.String),
    )
    columns = ["item_kind", "item_id", "for_patient", "wording", "version"]
    marked = (sa.true(), sa.cast(sa.literal("{}"), sa.JSON), sa.literal(1))
    op.execute(
        items.insert().from_select(
            columns,
            sa.select(sa.literal("goal"), goal.c.id, *marked).where(
                goal.c.patients_words.is_not(None),
                goal.c.patients_words != "",
                goal.c.lifecycle_status.not_in(("completed", "cancelled")),
            ),
        )
    )
    op.execute(
        items.insert().from_select(
            columns,
            sa.select(sa.literal("task"), task.c.id, *marked).where(
                task.c.owner_kind.in_(("patient", "family member")),
                task.c.source_kind.in_(("goal", "care_plan", "teach_back")),
                task.c.priority != "stat",
            ),
        )
    )


def downgrade() -> None:
    # A draft without its organization cannot be kept under the old rule.
    op.execute(
        "DELETE FROM referral_event WHERE referral_id IN "
        "(SELECT id FROM referral WHERE organization_id IS NULL)"
    )
    op.execute(
        "UPDATE communication SET referral_id = NULL WHERE referral_id IN "
        "(SELECT id FROM referral WHERE organization_id IS NULL)"
    )
    op.execute("DELETE FROM referral WHERE organization_id IS NULL")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.alter_column("organization_id", existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("phone")
    with op.batch_alter_table("communication", schema=None) as batch_op:
        batch_op.drop_column("consent_basis")
    with op.batch_alter_table("intake_suggestion", schema=None) as batch_op:
        batch_op.drop_column("details")
    op.drop_table("plan_print_item")

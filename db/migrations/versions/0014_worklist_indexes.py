"""Indexes for the team's worklist at a large clinic's size

My day's task sections and its tasks-by-week chart ask for open tasks by due date and for
tasks done since a date across the whole team; with 100,000 tasks those were full scans.
The caseload-by-tier chart reads each patient's latest completed intake from an index
that holds the tier, and the intakes to finish are found by status, newest first.

Revision ID: 0014_worklist_indexes
Revises: 0013_join_branches
Create Date: 2026-12-05
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_worklist_indexes"
down_revision: str | Sequence[str] | None = "0013_join_branches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_task_status_due", "task", ["status", "due_on"])
    op.create_index("ix_task_due_on", "task", ["due_on"])
    op.create_index("ix_task_done_at", "task", ["done_at"])
    op.create_index(
        "ix_intake_latest_tier", "intake", ["status", "patient_id", "completed_at", "risk_tier"]
    )
    op.create_index("ix_intake_status_updated", "intake", ["status", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_intake_status_updated", table_name="intake")
    op.drop_index("ix_intake_latest_tier", table_name="intake")
    op.drop_index("ix_task_done_at", table_name="task")
    op.drop_index("ix_task_due_on", table_name="task")
    op.drop_index("ix_task_status_due", table_name="task")

"""Join the four capability branches into one line of history

Revision ID: 0006_join_capabilities
Revises: 0002_intake, 0003_care_plans, 0004_scheduling, 0005_contacts
Create Date: 2026-11-27
"""

from collections.abc import Sequence

revision: str = "0006_join_capabilities"
down_revision: str | Sequence[str] | None = (
    "0002_intake",
    "0003_care_plans",
    "0004_scheduling",
    "0005_contacts",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

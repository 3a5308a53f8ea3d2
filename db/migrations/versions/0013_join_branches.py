"""Join the branches that grew side by side after 0008 into one line of history

Revision ID: 0013_join_branches
Revises: 0009_safety, 0010_handoffs, 0011_training, 0012_interop
Create Date: 2026-12-04
"""

from collections.abc import Sequence

revision: str = "0013_join_branches"
down_revision: str | Sequence[str] | None = (
    "0009_safety",
    "0010_handoffs",
    "0011_training",
    "0012_interop",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

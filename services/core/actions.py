"""The core's user actions (sign-in, staff, audit, backups), each in its own transaction.

See docs/architecture.md: pages and components call these and get plain values back.
"""

from __future__ import annotations

from db.session import read_scope
from services.core import auth
from services.core.identity import Actor


def staff_choices(actor: Actor) -> dict[int, str]:
    """Active staff by id, for owner and case-manager pickers."""
    with read_scope() as s:
        return auth.staff_choices(s)

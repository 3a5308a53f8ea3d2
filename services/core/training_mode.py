"""Is this the training database? One answer for every room.

The training database marks itself (an app setting written when it is first seeded), so
the answer comes from the database itself, not from which file the app happens to use.
Anything that brings records in from outside (a FHIR import, a restore) asks here first:
real patients' data must never land in the training database by accident.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import AppSetting
from services.core.errors import InvalidInput

TRAINING_KEY = "training_database"
SYNTHETIC_FIELD = "synthetic_only"
REAL_DATA_WARNING = (
    "This is the TRAINING database. Bring in only synthetic test records: real patients' "
    "information must never be entered or imported here."
)


def is_training_database(s: Session) -> bool:
    """True when the database of this session is the training database."""
    return s.scalar(select(AppSetting.value).where(AppSetting.key == TRAINING_KEY)) == "yes"


def mark_training_database(s: Session) -> None:
    if not is_training_database(s):
        s.add(AppSetting(key=TRAINING_KEY, value="yes"))
        s.flush()


def require_synthetic(s: Session, confirmed_synthetic: bool) -> None:
    """Refuse an import into the training database until the user has confirmed (a tick
    box under REAL_DATA_WARNING) that the records are synthetic. Anywhere else: no-op.

    Raises InvalidInput keyed SYNTHETIC_FIELD, so the message shows next to the tick box.
    """
    if not confirmed_synthetic and is_training_database(s):
        raise InvalidInput(
            {
                SYNTHETIC_FIELD: "This is the training database: tick the box to confirm "
                "these are synthetic test records, not real patients."
            }
        )

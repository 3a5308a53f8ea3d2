"""The teach-back education log."""

from __future__ import annotations

from db.session import session_scope
from services.care_plans import teaching
from services.care_plans.teaching import TeachBackInput
from services.core.identity import Actor, user_action


@user_action("clinical.edit")
def record_teaching(actor: Actor, patient_id: int, data: TeachBackInput) -> int:
    """What was taught and how it went; a topic to teach again becomes a task."""
    with session_scope() as s:
        return teaching.record_teach_back(s, actor, patient_id, data).id

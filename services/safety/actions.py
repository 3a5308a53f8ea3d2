"""The safety room's user actions, each in its own transaction (docs/architecture.md):
read a patient's safety panel or one follow-up, record the assessment, make or review the
safety plan, log who was told, complete the follow-up with its outcome, print the plan."""

from __future__ import annotations

from dataclasses import dataclass

from db.models import OrgType, Role
from db.session import read_scope, session_scope
from services.contacts.directory_search import organization_choices
from services.core import auth
from services.core.identity import Actor, user_action
from services.safety import followups, printout, views
from services.safety.assessment import AssessmentInput
from services.safety.followups import NotificationInput
from services.safety.plans import SafetyPlanInput, save_plan
from services.safety.views import FollowUpView, SafetyPanel


@dataclass(frozen=True)
class NotifyChoices:
    staff: dict[int, str]  # colleagues who may be told, by id
    supervisor: int | None  # the first administrator: the usual person to tell
    primary_care: dict[int, str]  # primary-care practices in the directory, by id


@user_action("clinical.read")
def safety_panel(actor: Actor, patient_id: int) -> SafetyPanel:
    """The patient's open follow-ups, safety plan and past follow-ups."""
    with read_scope() as s:
        return views.safety_panel(s, patient_id)


@user_action("clinical.read")
def follow_up(actor: Actor, follow_up_id: int) -> FollowUpView:
    with read_scope() as s:
        return views.follow_up_view(s, followups.get_follow_up(s, follow_up_id))


@user_action("clinical.read")
def notify_choices(actor: Actor) -> NotifyChoices:
    with read_scope() as s:
        staff = auth.staff_choices(s)
        admins = [u.id for u in auth.list_users(s) if u.role == Role.ADMIN and u.active]
        return NotifyChoices(
            staff={i: n for i, n in staff.items() if i != actor.id},
            supervisor=next((i for i in admins if i != actor.id), None),
            primary_care=organization_choices(s, OrgType.PRIMARY_CARE.value),
        )


@user_action("clinical.edit")
def record_assessment(
    actor: Actor, follow_up_id: int, data: AssessmentInput, version: int | None
) -> int:
    """Returns the follow-up's new version."""
    with session_scope() as s:
        return followups.record_assessment(s, actor, follow_up_id, data, version).version


@user_action("clinical.edit")
def save_safety_plan(
    actor: Actor, patient_id: int, data: SafetyPlanInput, version: int | None
) -> int:
    """Make or review the plan; returns its new version."""
    with session_scope() as s:
        return save_plan(s, actor, patient_id, data, version).version


@user_action("clinical.edit")
def notify(actor: Actor, follow_up_id: int, data: NotificationInput, version: int | None) -> int:
    """Log who was told in the communication log; returns the follow-up's new version."""
    with session_scope() as s:
        followups.notify(s, actor, follow_up_id, data, version)
        return followups.get_follow_up(s, follow_up_id).version


@user_action("clinical.edit")
def complete_follow_up(
    actor: Actor, follow_up_id: int, outcome: str | None, note: str, version: int | None
) -> None:
    with session_scope() as s:
        followups.complete(s, actor, follow_up_id, outcome, note, version)


@user_action("records.export")
def print_safety_plan(actor: Actor, patient_id: int, language: str = "en") -> bytes:
    """The safety plan as PDF bytes; the printout is recorded in the audit trail."""
    with session_scope() as s:
        return printout.export_plan_pdf(s, actor, patient_id, language)

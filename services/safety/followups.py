"""The urgent safety follow-up: raised once, worked through (assessment, safety plan, who
was notified) and completed only with an outcome. Never closed silently, never duplicated
(one open per patient and concern, on every database), never a routine task.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from db.base import utcnow
from db.models import (
    Channel,
    Communication,
    Direction,
    FollowUpStatus,
    Patient,
    SafetyConcern,
    SafetyFollowUp,
    SafetyOutcome,
    Task,
    TaskStatus,
    User,
    WithKind,
)
from services.contacts.communications import CommunicationInput, log_communication
from services.core import audit
from services.core.audit import Action
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.safety.assessment import AssessmentInput, clean_assessment
from services.safety.plans import plan_of
from services.tasks.tasks import OPEN as OPEN_TASK

ENTITY = "safety follow-up"
OUTCOMES = [o.value for o in SafetyOutcome]
NOTE_MAX = 2000
SUPERVISOR, PRIMARY_CARE = "supervisor", "primary care"
CARRIED_OVER = "Carried on as the patient's urgent safety follow-up."
# Flags of the intake's instruments that raise a follow-up, and the concern each is.
FLAG_CONCERNS = {
    "suicide_risk": SafetyConcern.SUICIDE_RISK,
    "interpersonal_safety": SafetyConcern.INTERPERSONAL,
}


def open_key(patient_id: int, concern: str) -> str:
    return f"{patient_id}:{SafetyConcern(concern).value}"


# ---------------------------------------------------------------- raising


def raise_follow_up(
    s: Session,
    actor: Actor,
    *,
    patient_id: int,
    concern: SafetyConcern,
    reason: str,
    owner_user_id: int | None,
    source_kind: str | None = None,
    source_id: int | None = None,
) -> SafetyFollowUp | None:
    """Raise the patient's follow-up for a concern; returns the new one, or None when this
    source already raised it or one is open (that one stays, with its owner and history)."""
    if source_kind is not None and s.scalar(
        select(SafetyFollowUp.id).where(
            SafetyFollowUp.source_kind == source_kind,
            SafetyFollowUp.source_id == source_id,
            SafetyFollowUp.concern == concern,
        )
    ):
        return None
    key = open_key(patient_id, concern)
    if s.scalar(select(SafetyFollowUp.id).where(SafetyFollowUp.open_key == key)):
        return None
    follow_up = SafetyFollowUp(
        patient_id=patient_id,
        concern=concern,
        reason=reason.strip()[:300],
        source_kind=source_kind,
        source_id=source_id,
        raised_at=utcnow(),
        raised_by_id=actor.id,
        owner_user_id=owner_user_id,
        status=FollowUpStatus.OPEN,
        open_key=key,
    )
    try:
        with s.begin_nested():  # a colleague raising the same one at the same moment
            s.add(follow_up)
            s.flush()
    except IntegrityError:
        return None
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity=ENTITY,
        entity_id=follow_up.id,
        patient_id=patient_id,
        category="safety",
        detail={"concern": concern.value, "source": source_kind},
    )
    return follow_up


def adopt_alert_tasks(s: Session) -> int:
    """Open same-day STAT tasks an intake raised (older databases, the demo's intakes)
    become follow-ups, the oldest per patient and concern; each task is cancelled with a
    reason that says where it went. Returns how many follow-ups were made."""
    stale = s.scalars(
        select(Task)
        .where(
            Task.source_kind == "intake",
            Task.priority == "stat",
            Task.patient_id.is_not(None),
            Task.status.in_(OPEN_TASK),
        )
        .order_by(Task.id)
    ).all()
    made = 0
    for task in stale:
        concern = (
            SafetyConcern.INTERPERSONAL
            if "interpersonal" in task.title.lower()
            else SafetyConcern.SUICIDE_RISK
        )
        key = open_key(task.patient_id, concern)
        if not s.scalar(select(SafetyFollowUp.id).where(SafetyFollowUp.open_key == key)):
            s.add(
                SafetyFollowUp(
                    patient_id=task.patient_id,
                    concern=concern,
                    reason=task.title.removeprefix("Same-day: ")[:300],
                    source_kind="intake",
                    source_id=task.source_id,
                    raised_at=task.created_at,
                    raised_by_id=task.created_by_id,
                    owner_user_id=task.owner_user_id,
                    open_key=key,
                )
            )
            s.flush()
            made += 1
        task.status, task.status_reason = TaskStatus.CANCELLED, CARRIED_OVER
    s.flush()
    return made


# ---------------------------------------------------------------- reading


def get_follow_up(s: Session, follow_up_id: int) -> SafetyFollowUp:
    found = s.get(SafetyFollowUp, follow_up_id)
    if found is None:
        raise NotFound("No such safety follow-up.")
    return found


def open_follow_ups(
    s: Session, *, owner_id: int | None = None, patient_id: int | None = None
) -> list[SafetyFollowUp]:
    """Open follow-ups, oldest first. With owner_id: those the person owns and those of
    their own caseload (whoever screened the patient)."""
    stmt = (
        select(SafetyFollowUp)
        .join(Patient, Patient.id == SafetyFollowUp.patient_id)
        .options(joinedload(SafetyFollowUp.patient), joinedload(SafetyFollowUp.owner))
        .where(SafetyFollowUp.status == FollowUpStatus.OPEN)
        .order_by(SafetyFollowUp.raised_at, SafetyFollowUp.id)
    )
    if owner_id is not None:
        stmt = stmt.where(
            or_(
                SafetyFollowUp.owner_user_id == owner_id,
                Patient.primary_case_manager_id == owner_id,
            )
        )
    if patient_id is not None:
        stmt = stmt.where(SafetyFollowUp.patient_id == patient_id)
    return list(s.scalars(stmt))


def follow_ups_of(s: Session, patient_id: int, limit: int = 20) -> list[SafetyFollowUp]:
    """The patient's follow-ups, open ones first, then the newest."""
    return list(
        s.scalars(
            select(SafetyFollowUp)
            .where(SafetyFollowUp.patient_id == patient_id)
            .order_by(
                (SafetyFollowUp.status == FollowUpStatus.OPEN).desc(),
                SafetyFollowUp.raised_at.desc(),
            )
            .limit(limit)
        )
    )


def patients_with_open_follow_ups(s: Session, patient_ids: list[int]) -> set[int]:
    if not patient_ids:
        return set()
    return set(
        s.scalars(
            select(SafetyFollowUp.patient_id).where(
                SafetyFollowUp.status == FollowUpStatus.OPEN,
                SafetyFollowUp.patient_id.in_(patient_ids),
            )
        )
    )


def plan_reviewed_since(s: Session, follow_up: SafetyFollowUp) -> bool:
    plan = plan_of(s, follow_up.patient_id)
    return plan is not None and plan.reviewed_at >= follow_up.raised_at


def still_needed(
    s: Session, follow_up: SafetyFollowUp, plan_current: bool | None = None
) -> list[str]:
    """What completing the follow-up still needs, in the order it is usually done
    (`plan_current`: plan_reviewed_since, when the caller already asked)."""
    missing = []
    if not follow_up.assessment:
        missing.append("the safety assessment")
    if plan_current is None:
        plan_current = plan_reviewed_since(s, follow_up)
    if not plan_current:
        missing.append("the safety plan (made or reviewed with the patient)")
    if follow_up.supervisor_comm_id is None:
        missing.append("telling the supervisor")
    return missing


# ---------------------------------------------------------------- working on it


def _open_for_change(
    s: Session, actor: Actor, follow_up_id: int, expected_version: int | None
) -> SafetyFollowUp:
    require(actor, "clinical.edit")
    follow_up = get_follow_up(s, follow_up_id)
    if follow_up.status != FollowUpStatus.OPEN:
        raise Conflict("This safety follow-up was completed already; reload to see its outcome.")
    if expected_version is not None and follow_up.version != expected_version:
        raise Conflict("Someone else updated this safety follow-up; reload to see their change.")
    return follow_up


def record_assessment(
    s: Session,
    actor: Actor,
    follow_up_id: int,
    data: AssessmentInput,
    expected_version: int | None = None,
) -> SafetyFollowUp:
    follow_up = _open_for_change(s, actor, follow_up_id, expected_version)
    follow_up.assessment = clean_assessment(follow_up.concern, data)
    follow_up.assessed_at = utcnow()
    follow_up.assessed_by_id = actor.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity=ENTITY,
        entity_id=follow_up.id,
        patient_id=follow_up.patient_id,
        category="safety",
        detail={"assessment": {"risk_level": follow_up.assessment["risk_level"]}},
    )
    return follow_up


@dataclass
class NotificationInput:
    whom: str = SUPERVISOR  # or PRIMARY_CARE
    staff_user_id: int | None = None  # the supervisor
    organization_id: int | None = None  # the primary care practice
    channel: str = Channel.PHONE.value
    summary: str = ""


def notify(
    s: Session,
    actor: Actor,
    follow_up_id: int,
    data: NotificationInput,
    expected_version: int | None = None,
) -> Communication:
    """Log who was told (the supervisor, primary care) in the communication log, and link
    the entry to the follow-up."""
    follow_up = _open_for_change(s, actor, follow_up_id, expected_version)
    if data.whom not in (SUPERVISOR, PRIMARY_CARE):
        raise InvalidInput({"whom": "Choose the supervisor or primary care."})
    summary = (data.summary or "").strip() or (
        f"Told of the urgent safety follow-up ({follow_up.concern}) for this patient."
    )
    comm = log_communication(
        s,
        actor,
        CommunicationInput(
            with_kind=WithKind.STAFF.value
            if data.whom == SUPERVISOR
            else WithKind.ORGANIZATION.value,
            patient_id=follow_up.patient_id,
            staff_user_id=data.staff_user_id,
            organization_id=data.organization_id,
            channel=data.channel,
            direction=Direction.OUTGOING.value,
            occurred_at=utcnow().replace(microsecond=0),
            summary=summary[:NOTE_MAX],
        ),
    )
    if data.whom == SUPERVISOR:
        follow_up.supervisor_comm_id = comm.id
    else:
        follow_up.primary_care_comm_id = comm.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity=ENTITY,
        entity_id=follow_up.id,
        patient_id=follow_up.patient_id,
        category="safety",
        detail={"notified": data.whom, "communication": comm.id},
    )
    return comm


def complete(
    s: Session,
    actor: Actor,
    follow_up_id: int,
    outcome: str | None,
    note: str,
    expected_version: int | None = None,
) -> SafetyFollowUp:
    """Close the follow-up with its outcome. Refused, naming what is missing, until the
    assessment is recorded, the supervisor told and (unless the patient was sent to
    emergency care) the safety plan made or reviewed since the follow-up was raised."""
    follow_up = _open_for_change(s, actor, follow_up_id, expected_version)
    errors = {}
    if outcome not in OUTCOMES:
        errors["outcome"] = "Choose the outcome."
    note = (note or "").strip()
    if not note:
        errors["note"] = "Say what was decided and what happens next."
    elif len(note) > NOTE_MAX:
        errors["note"] = f"Keep the note under {NOTE_MAX} characters."
    if not follow_up.assessment:
        errors["assessment"] = "Record the safety assessment first."
    if outcome != SafetyOutcome.EMERGENCY and not plan_reviewed_since(s, follow_up):
        errors["plan"] = (
            "Make or review the safety plan with the patient first "
            "(not needed when the patient was sent to emergency care)."
        )
    if follow_up.supervisor_comm_id is None:
        errors["notified"] = "Log that you told the supervisor first."
    if errors:
        raise InvalidInput(errors)
    follow_up.status = FollowUpStatus.COMPLETED
    follow_up.open_key = None
    follow_up.outcome = SafetyOutcome(outcome)
    follow_up.outcome_note = note
    follow_up.completed_at = utcnow()
    follow_up.completed_by_id = actor.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity=ENTITY,
        entity_id=follow_up.id,
        patient_id=follow_up.patient_id,
        category="safety",
        detail={
            "changes": audit.changes({"status": "open"}, {"status": "completed"}),
            "outcome": outcome,
        },
    )
    return follow_up


def staff_name(s: Session, user_id: int | None) -> str:
    user = s.get(User, user_id) if user_id else None
    return user.display_name if user else ""

"""The checks that prove a training step done, each a question put to the database.

A check looks only at the trainee's own copy of the scenario's patients, at work done
since the copy was made (and, where the row says who did it, at the trainee's own work),
and answers with the time the work was done, or None. Checks are evaluated afresh every time, so a step undone (a visit
cancelled, a consent revoked, a task reopened) is unticked again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import (
    Appointment,
    AppointmentStatus,
    AssessmentResponse,
    AuditEvent,
    CareTransition,
    Communication,
    Coverage,
    Goal,
    GoalLifecycle,
    Intake,
    IntakeStatus,
    Organization,
    RecordStatus,
    Referral,
    ReferralEvent,
    ReferralStatus,
    RelatedPerson,
    SaidBy,
    ShareConsent,
    Task,
    TaskStatus,
    TeachBack,
    TrainingVisit,
    TransitionStatus,
    TransportBooking,
)
from services.core.audit import Action
from services.core.text import fold

# Where a step is done: page key -> the title its guard gives it (page_setup).
PAGE_TITLES = {
    "my_day": "My day",
    "patients": "Patients",
    "intake": "Intake assessment",
    "care_plan": "Care plan",
    "calendar": "Calendar",
    "contacts": "Contacts",
    "admin": "Admin",
    "training": "Training",
}
PAGE_KEYS = {title: key for key, title in PAGE_TITLES.items()}


@dataclass(frozen=True)
class CheckContext:
    s: Session
    run_id: int
    trainee_id: int
    started_at: datetime
    patients: dict[str, int]  # the scenario's patient key -> this trainee's copy


Evidence = datetime | None


@dataclass(frozen=True)
class Check:
    evaluate: Callable[[CheckContext, dict], Evidence]
    needs: tuple[str, ...] = ("patient",)
    about: str = ""  # what it looks for, for the scenario editor's help


def _pid(ctx: CheckContext, params: dict) -> int:
    return ctx.patients.get(params["patient"], -1)


def _audit_time(ctx: CheckContext, *conditions) -> Evidence:
    return ctx.s.scalar(
        select(func.min(AuditEvent.at)).where(
            AuditEvent.user_id == ctx.trainee_id,
            AuditEvent.at >= ctx.started_at.replace(microsecond=0),
            *conditions,
        )
    )


def page_opened(ctx: CheckContext, params: dict) -> Evidence:
    return ctx.s.scalar(
        select(func.min(TrainingVisit.at)).where(
            TrainingVisit.run_id == ctx.run_id, TrainingVisit.page == params["page"]
        )
    )


def record_viewed(ctx: CheckContext, params: dict) -> Evidence:
    return _audit_time(
        ctx, AuditEvent.action == Action.VIEW, AuditEvent.patient_id == _pid(ctx, params)
    )


def record_updated(ctx: CheckContext, params: dict) -> Evidence:
    conditions = [
        AuditEvent.action == Action.UPDATE,
        AuditEvent.entity == "patient",
        AuditEvent.patient_id == _pid(ctx, params),
    ]
    if params.get("field"):
        conditions.append(AuditEvent.detail.contains(f'"{params["field"]}"'))
    return _audit_time(ctx, *conditions)


def task_completed(ctx: CheckContext, params: dict) -> Evidence:
    q = select(func.min(Task.done_at)).where(
        Task.patient_id == _pid(ctx, params),
        Task.status == TaskStatus.COMPLETED,
        Task.done_at >= ctx.started_at,
    )
    if params.get("title_contains"):
        q = q.where(func.lower(Task.title).contains(params["title_contains"].lower()))
    return ctx.s.scalar(q)


def intake_completed(ctx: CheckContext, params: dict) -> Evidence:
    wanted = set(params.get("instruments") or [])
    rows = ctx.s.execute(
        select(Intake.id, Intake.completed_at).where(
            Intake.patient_id == _pid(ctx, params),
            Intake.status == IntakeStatus.COMPLETED,
            Intake.completed_by_id == ctx.trainee_id,
        )
    ).all()
    for intake_id, completed_at in sorted(rows, key=lambda r: r.completed_at):
        scored = set(
            ctx.s.scalars(
                select(AssessmentResponse.instrument_code).where(
                    AssessmentResponse.intake_id == intake_id
                )
            )
        )
        if wanted <= scored:
            return completed_at
    return None


def goal_added(ctx: CheckContext, params: dict) -> Evidence:
    """A goal on the patient's plan, worked on by the trainee: in the patient's (or a
    caregiver's) words if asked, active if asked. A goal the trainee made active counts
    even when it came from a template."""
    q = select(Goal.id, Goal.created_at, Goal.created_by_id).where(
        Goal.patient_id == _pid(ctx, params),
        Goal.lifecycle_status.not_in([GoalLifecycle.CANCELLED]),
    )
    if params.get("own_words"):
        q = q.where(Goal.patients_words.is_not(None), func.trim(Goal.patients_words) != "")
    if params.get("active"):
        q = q.where(Goal.lifecycle_status == GoalLifecycle.ACTIVE)
    found = []
    for goal_id, created_at, created_by in ctx.s.execute(q):
        if created_by == ctx.trainee_id and created_at >= ctx.started_at:
            found.append(created_at)
            continue
        edited = _audit_time(
            ctx,
            AuditEvent.entity == "care_goal",
            AuditEvent.entity_id == str(goal_id),
            AuditEvent.action.in_([Action.UPDATE, Action.CREATE]),
        )
        if edited:
            found.append(edited)
    return min(found, default=None)


def template_applied(ctx: CheckContext, params: dict) -> Evidence:
    return ctx.s.scalar(
        select(func.min(Goal.created_at)).where(
            Goal.patient_id == _pid(ctx, params),
            Goal.created_by_id == ctx.trainee_id,
            Goal.template_key.startswith(f"{params['template']}:", autoescape=True),
            Goal.lifecycle_status != GoalLifecycle.CANCELLED,
        )
    )


def appointment_booked(ctx: CheckContext, params: dict) -> Evidence:
    q = select(Appointment).where(
        Appointment.patient_id == _pid(ctx, params),
        Appointment.created_by_id == ctx.trainee_id,
        Appointment.status.not_in([AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW]),
    )
    if params.get("appointment_kind"):
        q = q.where(Appointment.kind == params["appointment_kind"])
    if params.get("within_days"):
        q = q.where(Appointment.start_at <= ctx.started_at + timedelta(days=params["within_days"]))
    times = []
    for a in ctx.s.scalars(q):
        if params.get("needs_transport"):
            ride = ctx.s.scalar(
                select(TransportBooking.id).where(TransportBooking.appointment_id == a.id)
            )
            if not (a.needs_transport and ride):
                continue
        times.append(a.created_at)
    return min(times, default=None)


def reminder_logged(ctx: CheckContext, params: dict) -> Evidence:
    q = select(func.min(Appointment.reminder_at)).where(
        Appointment.patient_id == _pid(ctx, params),
        Appointment.reminder_at >= ctx.started_at,
        Appointment.reminder_outcome.is_not(None),
    )
    if params.get("outcome"):
        q = q.where(Appointment.reminder_outcome == params["outcome"])
    return ctx.s.scalar(q)


def ride_confirmed(ctx: CheckContext, params: dict) -> Evidence:
    return ctx.s.scalar(
        select(func.min(TransportBooking.updated_at))
        .join(Appointment, Appointment.id == TransportBooking.appointment_id)
        .where(
            Appointment.patient_id == _pid(ctx, params),
            TransportBooking.confirmed.is_(True),
            TransportBooking.updated_at >= ctx.started_at,
        )
    )


def _person_matches(name: str | None, wanted: str | None) -> bool:
    return not wanted or fold(wanted) in fold(name)


def consent_recorded(ctx: CheckContext, params: dict) -> Evidence:
    rows = ctx.s.execute(
        select(ShareConsent.created_at, RelatedPerson.name)
        .join(RelatedPerson, RelatedPerson.id == ShareConsent.related_person_id)
        .where(
            RelatedPerson.patient_id == _pid(ctx, params),
            ShareConsent.recorded_by_id == ctx.trainee_id,
            ShareConsent.revoked_on.is_(None),
        )
    ).all()
    return min(
        (at for at, name in rows if _person_matches(name, params.get("person"))), default=None
    )


def referral_sent(ctx: CheckContext, params: dict) -> Evidence:
    q = (
        select(func.min(ReferralEvent.at))
        .join(Referral, Referral.id == ReferralEvent.referral_id)
        .join(Organization, Organization.id == Referral.organization_id)
        .where(
            Referral.patient_id == _pid(ctx, params),
            Referral.status.not_in([ReferralStatus.DRAFT, ReferralStatus.CANCELLED]),
            ReferralEvent.to_status == ReferralStatus.REQUESTED,
            ReferralEvent.by_user_id == ctx.trainee_id,
        )
    )
    if params.get("org_type"):
        q = q.where(Organization.org_type == params["org_type"])
    return ctx.s.scalar(q)


def coverage_added(ctx: CheckContext, params: dict) -> Evidence:
    return ctx.s.scalar(
        select(func.min(Coverage.created_at)).where(
            Coverage.patient_id == _pid(ctx, params),
            Coverage.status == RecordStatus.ACTIVE,
            Coverage.created_at >= ctx.started_at,
        )
    )


def teach_back_recorded(ctx: CheckContext, params: dict) -> Evidence:
    q = select(TeachBack.created_at, TeachBack.learner_name).where(
        TeachBack.patient_id == _pid(ctx, params), TeachBack.taught_by_id == ctx.trainee_id
    )
    if params.get("learner"):
        q = q.where(TeachBack.learner == SaidBy(params["learner"]))
    rows = ctx.s.execute(q).all()
    return min(
        (at for at, name in rows if _person_matches(name, params.get("person"))), default=None
    )


def discharge_checklist_closed(ctx: CheckContext, params: dict) -> Evidence:
    return ctx.s.scalar(
        select(func.min(CareTransition.closed_at)).where(
            CareTransition.patient_id == _pid(ctx, params),
            CareTransition.status == TransitionStatus.CLOSED,
            CareTransition.closed_at >= ctx.started_at,
        )
    )


def communication_logged(ctx: CheckContext, params: dict) -> Evidence:
    q = select(Communication.created_at).where(
        Communication.patient_id == _pid(ctx, params),
        Communication.by_user_id == ctx.trainee_id,
    )
    for name, column in (
        ("with", Communication.with_kind),
        ("channel", Communication.channel),
        ("direction", Communication.direction),
    ):
        if params.get(name):
            q = q.where(column == params[name])
    if params.get("with_consent"):
        q = q.where(Communication.disclosed_without_consent.is_(False))
    return min(ctx.s.scalars(q), default=None)


def user_created(ctx: CheckContext, params: dict) -> Evidence:
    conditions = [AuditEvent.action == Action.USER_CHANGE, AuditEvent.detail.contains('"created"')]
    if params.get("role"):
        conditions.append(AuditEvent.detail.contains(f'"role": "{params["role"]}"'))
    return _audit_time(ctx, *conditions)


def export_done(ctx: CheckContext, params: dict) -> Evidence:
    return _audit_time(ctx, AuditEvent.action == Action.EXPORT, AuditEvent.entity == params["what"])


CHECKS: dict[str, Check] = {
    "page_opened": Check(page_opened, needs=("page",), about="the trainee opened a page"),
    "record_viewed": Check(record_viewed, about="the trainee opened the patient's record"),
    "record_updated": Check(record_updated, about="the trainee saved a change to the patient"),
    "task_completed": Check(task_completed, about="a task of the patient is completed"),
    "intake_completed": Check(intake_completed, about="an intake completed with instruments"),
    "goal_added": Check(goal_added, about="a goal (own words, active) on the plan"),
    "template_applied": Check(
        template_applied, needs=("patient", "template"), about="a template's goals were added"
    ),
    "appointment_booked": Check(appointment_booked, about="an appointment (kind, ride, when)"),
    "reminder_logged": Check(reminder_logged, about="a reminder call was logged"),
    "ride_confirmed": Check(ride_confirmed, about="a ride was confirmed"),
    "consent_recorded": Check(consent_recorded, about="a family member's consent on file"),
    "referral_sent": Check(referral_sent, about="a referral sent (to a type of organization)"),
    "coverage_added": Check(coverage_added, about="insurance coverage added"),
    "teach_back_recorded": Check(teach_back_recorded, about="a teach-back (learner, person)"),
    "discharge_checklist_closed": Check(
        discharge_checklist_closed, about="the hospital stay's checklist closed"
    ),
    "communication_logged": Check(communication_logged, about="a call or message logged"),
    "user_created": Check(user_created, needs=(), about="the trainee added a staff account"),
    "export_done": Check(export_done, needs=("what",), about="an export (audit report, backup)"),
}

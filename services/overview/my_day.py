"""My day: the home page's worklist, gathered from every room in one place, by urgency.

Urgent safety follow-ups first, then overdue tasks, today's, tomorrow's; then today's
visits and calls, reminder calls, rides to confirm, reviews due, intakes to finish, prior
authorizations expiring, referrals past their answer date, post-discharge calls due and
patients not contacted in 30 days. What a person sees depends on the role: the front
desk's day is today's appointments, reminder calls and rides; a read-only trainee sees
the team's day and acts on nothing; a nurse or an administrator can look at any
colleague's day or the whole team's (supervising).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Patient, RecordStatus, Role, User
from services.contacts import liaison
from services.core import auth, clock
from services.core.identity import Actor
from services.overview import charts, outreach
from services.overview import day_sections as days
from services.overview.worklist import DaySection, counts_only
from services.safety.followups import open_follow_ups
from services.safety.views import FollowUpView, follow_up_view, when

Section = Callable[[Session, int | None, date, str], DaySection]
CASE_MANAGER_SECTIONS: tuple[Section, ...] = (
    days.overdue_tasks,
    days.tasks_today,
    days.tasks_tomorrow,
    days.visits_today,
    days.reminder_calls,
    days.rides_to_confirm,
    days.reviews_due,
    days.intakes_to_finish,
    outreach.prior_auths_expiring,
    outreach.referrals_past_due,
    outreach.post_discharge_calls,
    outreach.not_contacted,
)
FRONT_DESK_SECTIONS: tuple[Section, ...] = (
    days.visits_today,
    days.reminder_calls,
    days.rides_to_confirm,
)
# each section's key (DaySection.key), to load one section's rows alone
BY_KEY: dict[str, Section] = {
    "overdue": days.overdue_tasks,
    "today": days.tasks_today,
    "tomorrow": days.tasks_tomorrow,
    "visits": days.visits_today,
    "reminders": days.reminder_calls,
    "rides": days.rides_to_confirm,
    "reviews": days.reviews_due,
    "intakes": days.intakes_to_finish,
    "prior_auths": outreach.prior_auths_expiring,
    "referrals": outreach.referrals_past_due,
    "post_discharge": outreach.post_discharge_calls,
    "not_contacted": outreach.not_contacted,
}
CALLING = (days.reminder_calls, days.rides_to_confirm)  # for those who can book and call
TEAM = None  # whose_id for the whole team
SAFETY_CARDS = 3  # the team's day: urgent follow-ups drawn in full; the rest one line each


@dataclass(frozen=True)
class SafetyLine:
    """An urgent follow-up in the team's list beyond the first cards; its card loads when
    it is selected (services.safety.actions.follow_up)."""

    id: int
    patient_name: str
    concern: str
    raised: str


@dataclass(frozen=True)
class MyDayView:
    on: date
    whose_id: int | None  # whose day this is; None: the whole team (or the front desk's)
    whose: str  # "Nora Nurse" / "the whole team"
    front_desk: bool  # the scheduler's day
    can_act: bool  # complete, snooze, reassign; work on a safety follow-up
    choices: dict[int, str]  # colleagues whose day one may look at (empty: no switching)
    task_owners: dict[int, str]  # who a task can be handed to (active staff, not trainees)
    counts: dict[str, int]  # "mine"/"theirs": active patients; "active": the clinic's
    safety: list[FollowUpView] = field(default_factory=list)
    sections: list[DaySection] = field(default_factory=list)
    tiers: list[dict] = field(default_factory=list)
    tasks_by_week: list[dict] = field(default_factory=list)
    referrals: list[dict] = field(default_factory=list)
    by_manager: list[dict] = field(default_factory=list)  # the team's view only
    # The team's day comes as headlines: each section's count without its rows, and no
    # charts; the page loads a section's rows (day_section) and the charts when opened.
    headlines: bool = False
    more_safety: list[SafetyLine] = field(default_factory=list)  # the team's, past the cards


def can_switch(actor: Actor) -> bool:
    return actor.role in (Role.ADMIN, Role.NURSE)


def default_whose(actor: Actor) -> int | None:
    return actor.id if actor.role in (Role.NURSE, Role.SOCIAL_WORKER) else TEAM


def caseload_by_manager(s: Session) -> list[dict]:
    rows = s.execute(
        select(User.display_name, func.count(Patient.id))
        .join(Patient, Patient.primary_case_manager_id == User.id)
        .where(Patient.status == RecordStatus.ACTIVE)
        .group_by(User.display_name)
        .order_by(User.display_name)
    ).all()
    return [{"Case manager": name, "Patients": n} for name, n in rows]


def task_owners(s: Session) -> dict[int, str]:
    rows = s.execute(
        select(User.id, User.display_name)
        .where(User.active, User.role != Role.VIEWER)
        .order_by(User.display_name)
    )
    return {i: name for i, name in rows}


def _caseload(s: Session, whose_id: int | None) -> int:
    stmt = select(func.count(Patient.id)).where(Patient.status == RecordStatus.ACTIVE)
    if whose_id is not None:
        stmt = stmt.where(Patient.primary_case_manager_id == whose_id)
    return s.scalar(stmt) or 0


def _active(s: Session, whose_id: int | None, caseload: int) -> int:
    return caseload if whose_id is None else _caseload(s, None)  # the team's is the clinic's


def sections_for(actor: Actor) -> tuple[Section, ...]:
    if actor.role == Role.SCHEDULER:
        return FRONT_DESK_SECTIONS
    if not actor.can("schedule.edit"):  # a read-only trainee makes no calls
        return tuple(x for x in CASE_MANAGER_SECTIONS if x not in CALLING)
    return CASE_MANAGER_SECTIONS


def my_day_view(
    s: Session,
    actor: Actor,
    on: date,
    whose_id: int | None | str = "default",
    *,
    create_followups: bool = True,
) -> MyDayView:
    """The day of `whose_id` (a colleague, or None for the whole team) when the actor may
    look at others' days; otherwise the actor's own (or the front desk's). With
    `create_followups=False` it only reads (the caller created them first)."""
    # Unanswered referrals get their 7/14/30-day follow-up tasks before the tasks are read.
    if create_followups:
        liaison.create_referral_followups(s, actor, on)
    front_desk = actor.role == Role.SCHEDULER
    staff = auth.staff_choices(s) if can_switch(actor) else {}
    if (
        whose_id == "default"
        or not can_switch(actor)
        or (whose_id is not None and whose_id not in staff)
    ):
        whose_id = default_whose(actor)
    tz = clock.clinic_tz()
    headlines = whose_id is None and not front_desk
    if headlines:
        with counts_only():
            sections = [section(s, whose_id, on, tz) for section in sections_for(actor)]
    else:
        sections = [section(s, whose_id, on, tz) for section in sections_for(actor)]
    view = MyDayView(
        on=on,
        whose_id=whose_id,
        whose="the whole team" if whose_id is None else staff.get(whose_id, actor.display_name),
        front_desk=front_desk,
        can_act=actor.can("patients.edit"),
        choices=staff,
        task_owners=task_owners(s) if actor.can("patients.edit") else {},
        counts={"caseload": (mine := _caseload(s, whose_id)), "active": _active(s, whose_id, mine)},
        sections=sorted(sections, key=lambda x: x.order),
        headlines=headlines,
    )
    if front_desk:
        return view
    found = open_follow_ups(s, owner_id=whose_id)
    cards, rest = (found[:SAFETY_CARDS], found[SAFETY_CARDS:]) if headlines else (found, [])
    return MyDayView(
        **{
            **view.__dict__,
            "safety": [follow_up_view(s, f, tz) for f in cards],
            "more_safety": [
                SafetyLine(f.id, f.patient.display_name, str(f.concern), when(f.raised_at, tz))
                for f in rest
            ],
            **({} if headlines else at_a_glance(s, whose_id, on)),
        }
    )


def at_a_glance(s: Session, whose_id: int | None, on: date) -> dict[str, list[dict]]:
    """The charts' figures, by the MyDayView field each fills."""
    return {
        "tiers": charts.caseload_by_tier(s, whose_id),
        "tasks_by_week": charts.tasks_by_week(s, whose_id, on),
        "referrals": charts.referrals_by_status(s, whose_id, on),
        "by_manager": caseload_by_manager(s) if whose_id is None else [],
    }


def day_section(s: Session, actor: Actor, on: date, key: str) -> DaySection | None:
    """One section of the team's day with its rows (the section the user opened); None
    for a section this person's day does not have."""
    section = BY_KEY.get(key)
    if section is None or section not in sections_for(actor):
        return None
    return section(s, TEAM, on, clock.clinic_tz())


def my_day(s: Session, actor: Actor, on: date) -> list[DaySection]:
    """The actor's own sections, in order (what the page lists below the safety alerts)."""
    return my_day_view(s, actor, on).sections

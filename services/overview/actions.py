"""The overview's user actions: My day, the patient record with its summary, and the
patient header every patient page starts with, each in its own transaction
(docs/architecture.md). My day reads; it writes only when referral follow-up tasks have
fallen due (it creates them first, in a transaction of their own); the header only reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from db.session import read_scope, session_scope
from services.contacts import liaison
from services.core.identity import Actor, user_action
from services.core.sections import SummarySection
from services.overview import charts
from services.overview import header as headers
from services.overview import my_day as worklist
from services.overview import patient_summary as summary
from services.overview.header import PatientHeader
from services.overview.my_day import MyDayView
from services.overview.worklist import DaySection, Link, clinic_today
from services.patients import registry
from services.patients.briefs import PatientRecord, record


@dataclass(frozen=True)
class RecordPage:
    """The Patients page's record: the header, what needs doing, then the rest."""

    record: PatientRecord
    header: PatientHeader
    needs_doing: list[SummarySection] = field(default_factory=list)
    more: list[SummarySection] = field(default_factory=list)


@dataclass(frozen=True)
class TierList:
    """Who is in one risk tier (a bar of the caseload chart, clicked)."""

    rows: list[dict]
    links: list[Link | None]
    total: int


@user_action("patients.read")
def my_day(actor: Actor, whose_id: int | None | str = "default") -> MyDayView:
    """The home page: the safety follow-ups, the worklist by urgency and the charts, for
    the actor's own day, or (nurses and administrators) a colleague's or the team's."""
    on = clinic_today()
    with read_scope() as s:
        due = liaison.referral_followups_due(s)
    if due:  # the write lock only on the run that has follow-ups to create
        with session_scope() as s:
            liaison.create_referral_followups(s, actor, on)
    with read_scope() as s:
        return worklist.my_day_view(s, actor, on, whose_id, create_followups=False)


@user_action("patients.read")
def team_day_section(actor: Actor, key: str) -> DaySection | None:
    """The rows of one section of the whole team's day, when the user opens it."""
    if not _sees_team(actor):
        return None
    with read_scope() as s:
        return worklist.day_section(s, actor, clinic_today(), key)


@user_action("patients.read")
def team_at_a_glance(actor: Actor) -> dict[str, list[dict]]:
    """The whole team's charts, when the user opens them."""
    if not _sees_team(actor):
        return {}
    with read_scope() as s:
        return worklist.at_a_glance(s, worklist.TEAM, clinic_today())


def _sees_team(actor: Actor) -> bool:
    """Those who may look at the team's day: who can switch, and whose own day it is."""
    return worklist.can_switch(actor) or worklist.default_whose(actor) is worklist.TEAM


@user_action("patients.read")
def patients_in_tier(actor: Actor, whose_id: int | None, tier: str) -> TierList:
    with read_scope() as s:
        owner = whose_id if worklist.can_switch(actor) else worklist.default_whose(actor)
        return TierList(*charts.patients_in_tier(s, owner, tier))


@user_action("patients.read")
def patient_header(actor: Actor, patient_id: int) -> PatientHeader:
    with read_scope() as s:
        return headers.patient_header(s, actor, patient_id, clinic_today())


@user_action("patients.read")
def open_record(actor: Actor, patient_id: int) -> RecordPage:
    """The record as the Patients page shows it, leading with what needs doing. Reads only:
    the page records its view once per opening (components.shared.viewed)."""
    with read_scope() as s:
        p = registry.get_patient(s, actor, patient_id, record_view=False)
        lead, rest = summary.needs_doing(s, actor, p), summary.more(s, actor, p)
        return RecordPage(
            record=record(p, lead + rest),
            header=headers.patient_header(s, actor, p.id, clinic_today()),
            needs_doing=lead,
            more=rest,
        )

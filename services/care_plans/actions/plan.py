"""The plan as a whole: opening it, starting it (also from an intake), its details, its
reviews and its printouts."""

from __future__ import annotations

from datetime import date

from db.session import read_scope, session_scope
from services.care_plans import intake_handoff, plans, printouts, reviews, view
from services.care_plans.common import READ
from services.care_plans.plans import PlanInput
from services.care_plans.rows import PlanRow, PlanView
from services.core.identity import Actor, require, user_action


@user_action("clinical.read")
def plan_history(actor: Actor, patient_id: int) -> list[PlanRow]:
    """Every plan the patient has had, newest first, for the plan picker."""
    require(actor, READ)
    with read_scope() as s:
        return [view.plan_row(p) for p in plans.plan_history(s, patient_id)]


@user_action("clinical.read")
def open_plan(actor: Actor, patient_id: int, plan_id: int | None = None) -> PlanView:
    """The living plan (or an earlier one) with everything the page shows."""
    with read_scope() as s:
        return view.load_plan_view(s, actor, patient_id, plan_id)


@user_action("clinical.edit")
def start_plan_from_intake(
    actor: Actor, patient_id: int, intake_id: int | None = None
) -> tuple[int, int]:
    """Take an intake's accepted suggestions into the plan: (plan id, how many were taken)."""
    with session_scope() as s:
        plan, taken = intake_handoff.start_plan_from_intake(s, actor, patient_id, intake_id)
        return plan.id, taken


@user_action("clinical.edit")
def start_plan(actor: Actor, patient_id: int, *, start_on: date | None, title: str) -> int:
    with session_scope() as s:
        return plans.start_plan(s, actor, patient_id, start_on=start_on, title=title).id


@user_action("clinical.edit")
def save_plan_details(
    actor: Actor, plan_id: int, data: PlanInput, expected_version: int | None = None
) -> int:
    with session_scope() as s:
        return plans.update_plan(s, actor, plan_id, data, expected_version=expected_version).id


@user_action("clinical.edit")
def record_review(
    actor: Actor,
    plan_id: int,
    *,
    progress: dict[int, tuple[str, str]],
    next_review_on: date | None,
    note: str = "",
    expected_version: int | None = None,
) -> int:
    """Each goal's progress and the next review date, in one save."""
    with session_scope() as s:
        review = reviews.record_review(
            s,
            actor,
            plan_id,
            progress=progress,
            next_review_on=next_review_on,
            note=note,
            expected_version=expected_version,
        )
        return review.id


@user_action("records.export")
def print_plan(
    actor: Actor, patient_id: int, *, version: str = "patient", language: str = "en"
) -> bytes:
    """A printout as PDF bytes; the export is recorded in the audit trail (so this writes)."""
    with session_scope() as s:
        return printouts.export_plan_pdf(s, actor, patient_id, version=version, language=language)

"""What prints on the patient's own plan: only goals and tasks the nurse marked for the
patient, each in the nurse's plain words for the patient, in each printout language.

Staff work (a PHQ-9 to repeat, a referral to chase) stays off the family's copy unless
someone decides otherwise; an urgent safety follow-up (a STAT task, or one raised by the
intake's alerts) can never be marked.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Goal, PrintItem, Task, TaskPriority
from services.care_plans.common import EDIT, clean, living_plan, record
from services.core.audit import Action
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require

LANGUAGE_CODES = ("en", "es")
WORDING_LIMIT = 500
ALERT_SOURCES = ("intake", "safety")  # urgent follow-ups raised by the intake's alerts


def never_for_patient(task: Task) -> bool:
    """An urgent safety follow-up stays off the family's copy, whoever marks it."""
    return task.priority == TaskPriority.STAT or (task.source_kind or "") in ALERT_SOURCES


def print_items(s: Session, goal_ids: list[int], task_ids: list[int]) -> dict[tuple, PrintItem]:
    """(kind, id) -> its print item, for the plan's goals and tasks."""
    found: dict[tuple, PrintItem] = {}
    for kind, ids in (("goal", goal_ids), ("task", task_ids)):
        if ids:
            rows = s.scalars(
                select(PrintItem).where(PrintItem.item_kind == kind, PrintItem.item_id.in_(ids))
            )
            found |= {(kind, r.item_id): r for r in rows}
    return found


def set_for_patient(
    s: Session,
    actor: Actor,
    kind: str,
    item_id: int,
    *,
    for_patient: bool,
    wording: dict[str, str],
    expected_version: int | None = None,
) -> PrintItem:
    """Mark a goal or task for the patient's plan (or take it off), with its wording for
    the patient in each language (empty: the goal or task as written)."""
    require(actor, EDIT)
    if kind == "goal":
        item = s.get(Goal, item_id)
        plan_id, patient_id = (item.plan_id, item.patient_id) if item else (None, None)
    elif kind == "task":
        item = s.get(Task, item_id)
        patient_id = item.patient_id if item else None
        plan_id = None
    else:
        raise InvalidInput({"kind": "Only goals and tasks print for the patient."})
    if item is None:
        raise NotFound(f"No such {kind}.")
    if plan_id is not None:
        living_plan(s, plan_id)
    errors = {}
    if kind == "task" and for_patient and never_for_patient(item):
        errors["for_patient"] = (
            "An urgent safety follow-up stays with the care team: it never prints on the "
            "patient's plan."
        )
    words = {lang: clean(wording.get(lang)) or "" for lang in LANGUAGE_CODES}
    for lang, text in words.items():
        if len(text) > WORDING_LIMIT:
            errors[f"wording_{lang}"] = f"Keep this under {WORDING_LIMIT} characters."
    if errors:
        raise InvalidInput(errors)
    row = s.scalar(
        select(PrintItem).where(PrintItem.item_kind == kind, PrintItem.item_id == item_id)
    )
    if row is None:
        row = PrintItem(item_kind=kind, item_id=item_id, wording={})
        s.add(row)
    elif expected_version is not None and row.version != expected_version:
        raise Conflict(
            "Someone else changed how this prints for the patient since you opened it.",
            theirs={"for_patient": row.for_patient, **row.wording},
            mine={"for_patient": for_patient, **words},
        )
    before = {"for_patient": row.for_patient, **(row.wording or {})}
    row.for_patient = for_patient
    row.wording = {k: v for k, v in words.items() if v}
    row.updated_by_id = actor.id
    s.flush()
    record(
        s,
        actor,
        Action.UPDATE,
        "plan_print_item",
        row,
        patient_id,
        {"item": f"{kind} {item_id}", "before": before, "for_patient": for_patient},
    )
    return row

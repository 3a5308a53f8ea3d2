"""'My day': each capability contributes sections to the home-page worklist.

A provider takes (session, actor, today) and returns a WorklistSection or None. Add
yours to PROVIDERS; the home page draws them in order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.models import Patient, RecordStatus, User
from services.identity import Actor


@dataclass(frozen=True)
class WorklistSection:
    title: str
    rows: list[dict] = field(default_factory=list)  # plain values, shown as a table
    empty_text: str = "Nothing here today."
    urgent: bool = False  # drawn with an alert colour when it has rows
    order: int = 100


Provider = Callable[[Session, Actor, date], WorklistSection | None]


def caseload_counts(s: Session, actor: Actor) -> dict[str, int]:
    mine = s.scalar(
        select(func.count(Patient.id)).where(
            Patient.primary_case_manager_id == actor.id, Patient.status == RecordStatus.ACTIVE
        )
    )
    active = s.scalar(select(func.count(Patient.id)).where(Patient.status == RecordStatus.ACTIVE))
    return {"mine": mine or 0, "active": active or 0}


def caseload_by_manager(s: Session) -> list[dict]:
    rows = s.execute(
        select(User.display_name, func.count(Patient.id))
        .join(Patient, Patient.primary_case_manager_id == User.id)
        .where(Patient.status == RecordStatus.ACTIVE)
        .group_by(User.display_name)
        .order_by(User.display_name)
    ).all()
    return [{"Case manager": name, "Patients": n} for name, n in rows]


PROVIDERS: list[Provider] = []
# Modules that append their providers to PROVIDERS when imported; one line per capability.
CONTRIBUTORS = (
    "services.tasks",
    "services.intake",
    "services.care_plans",
    "services.reminders",
    "services.liaison",
)


def _load_contributors() -> None:
    for name in CONTRIBUTORS:
        importlib.import_module(name)


def my_day(s: Session, actor: Actor, today: date) -> list[WorklistSection]:
    _load_contributors()
    sections = [p(s, actor, today) for p in PROVIDERS]
    return sorted((x for x in sections if x is not None), key=lambda x: x.order)

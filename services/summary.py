"""The patient summary: each capability contributes sections to one page.

A provider takes (session, actor, patient) and returns a SummarySection or None. Add
yours to PROVIDERS; the Patients page draws them in order.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from db.base import today
from db.models import Patient
from services.identity import Actor


@dataclass(frozen=True)
class SummarySection:
    title: str
    rows: list[dict] = field(default_factory=list)
    empty_text: str = "Nothing recorded yet."
    alert: str | None = None  # an unmissable message shown above the section (e.g. suicide risk)
    order: int = 100
    # Said next to "Archive this patient": what archiving leaves in place here.
    before_archiving: str | None = None


Provider = Callable[[Session, Actor, Patient], SummarySection | None]
PROVIDERS: list[Provider] = []
# Modules that append their providers to PROVIDERS when imported; one line per capability.
CONTRIBUTORS = ("services.intake", "services.care_plans", "services.reminders", "services.liaison")


def _load_contributors() -> None:
    for name in CONTRIBUTORS:
        importlib.import_module(name)


def patient_summary(s: Session, actor: Actor, patient: Patient) -> list[SummarySection]:
    _load_contributors()
    sections = [p(s, actor, patient) for p in PROVIDERS]
    return sorted((x for x in sections if x is not None), key=lambda x: x.order)


def _open_tasks(s: Session, actor: Actor, patient: Patient) -> SummarySection:
    from services.tasks import open_tasks, task_rows

    return SummarySection(
        "Open tasks",
        task_rows(open_tasks(s, patient_id=patient.id), today()),
        empty_text="No open tasks.",
        order=20,
    )


PROVIDERS.append(_open_tasks)

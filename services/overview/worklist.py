"""The shapes My day is drawn from: sections of rows, where each row opens, and the tasks
a row can act on. Plain values only; ids travel beside the rows, never in them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from db.base import today
from db.models import Task
from services.tasks.tasks import asks_for_outcome

PATIENTS = "pages/patients.py"
INTAKE = "pages/intake.py"
CARE_PLAN = "pages/care_plan.py"
CALENDAR = "pages/calendar.py"
CONTACTS = "pages/contacts.py"
ROW_LIMIT = 50  # a section lists at most this many rows; its count says how many there are
# How many rows the section builders load on this read: the team's day first asks only for
# each section's count (its title), and loads a section's rows when the section is opened,
# so the first paint costs the same for a clinic of 50 patients or of 5,000.
_rows_wanted: ContextVar[int] = ContextVar("rows_wanted", default=ROW_LIMIT)


def rows_wanted() -> int:
    return _rows_wanted.get()


@contextmanager
def counts_only() -> Iterator[None]:
    """Section builders called inside count their rows and load none of them."""
    token = _rows_wanted.set(0)
    try:
        yield
    finally:
        _rows_wanted.reset(token)


def clinic_today() -> date:
    """Today where the clinic is (a nurse's evening is not yet tomorrow in UTC)."""
    return today()


@dataclass(frozen=True)
class Link:
    """Where a row opens: a page and the query parameters that name the record."""

    page: str
    params: dict[str, str]
    label: str  # "Open the care plan"


@dataclass(frozen=True)
class TaskRef:
    """What complete, snooze and reassign need to know about a task row."""

    id: int
    version: int
    title: str
    patient: str
    due_on: date
    owner_id: int | None
    asks_for_outcome: bool


@dataclass(frozen=True)
class DaySection:
    key: str
    title: str
    rows: list[dict] = field(default_factory=list)  # what the table shows, no ids
    links: list[Link | None] = field(default_factory=list)  # where each row opens
    tasks: list[TaskRef | None] = field(default_factory=list)  # for task rows
    total: int = 0  # how many there are (rows stop at ROW_LIMIT)
    empty_text: str = "Nothing here today."
    urgent: bool = False
    order: int = 100

    @property
    def count(self) -> int:
        return max(self.total, len(self.rows))


def patient_link(page: str, patient_id: int | None, label: str, **extra: int) -> Link | None:
    if patient_id is None:
        return None
    params = {"patient": str(patient_id)} | {k: str(v) for k, v in extra.items()}
    return Link(page, params, label)


def task_link(task: Task) -> Link | None:
    """A task opens where its work is: the care plan, the patient's contacts, the intake,
    or else the patient's record."""
    source = task.source_kind or ""
    if source in ("goal", "care_plan", "teach_back"):
        return patient_link(CARE_PLAN, task.patient_id, "Open the care plan")
    if source.startswith(("referral follow-up", "communication")):
        return patient_link(CONTACTS, task.patient_id, "Open the patient's contacts")
    if source == "intake":
        return patient_link(INTAKE, task.patient_id, "Open the intake")
    return patient_link(PATIENTS, task.patient_id, "Open the patient")


def task_ref(task: Task) -> TaskRef:
    return TaskRef(
        id=task.id,
        version=task.version,
        title=task.title,
        patient=task.patient.display_name if task.patient else "",
        due_on=task.due_on,
        owner_id=task.owner_user_id,
        asks_for_outcome=asks_for_outcome(task),
    )

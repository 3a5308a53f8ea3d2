"""The care plan as the page and the printouts see it: frozen rows of plain values.

`view.load_plan_view` builds them inside the action's transaction, so nothing on the page
holds a live ORM object that could lazy-load or write after the transaction ended. The
field names are the model's, so the components read a row as they read the model.
Statuses and kinds keep the values the database gave (StrEnum or its str value).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from services.patients.briefs import PatientBrief


@dataclass(frozen=True)
class PlanPatient(PatientBrief):
    """The header's patient, plus the names and case manager the printouts show."""

    given_name: str
    family_name: str
    preferred_name: str | None
    case_manager_name: str | None
    case_manager_phone: str | None = None  # their direct line, for the patient's printout


@dataclass(frozen=True)
class PlanRow:
    id: int
    patient_id: int
    title: str
    status: str
    status_reason: str | None
    is_current: bool
    start_on: date
    end_on: date | None
    next_review_on: date | None
    author_id: int | None
    version: int


@dataclass(frozen=True)
class GoalRow:
    id: int
    plan_id: int
    patient_id: int
    description: str
    patients_words: str | None
    said_by: str
    said_by_name: str | None
    target_on: date | None
    priority_rank: int
    lifecycle_status: str
    achievement_status: str
    status_reason: str | None
    source_kind: str | None
    source_id: int | None
    template_key: str | None
    version: int
    source_label: str = ""  # where it came from, in words ("intake of 2026-12-03: ...")
    for_patient: bool = False  # prints on the patient's own plan
    wording: dict = field(default_factory=dict)  # language -> the patient's wording


@dataclass(frozen=True)
class OptionRow:
    """One options conversation under a goal."""

    id: int
    goal_id: int
    options_discussed: str
    preference: str | None
    reasons: str | None
    decision: str | None
    discussed_on: date


@dataclass(frozen=True)
class ConcernRow:
    """A need, strength or barrier."""

    id: int
    kind: str
    text: str
    goal_id: int | None
    source_kind: str | None
    source_id: int | None
    version: int
    source_label: str = ""


@dataclass(frozen=True)
class TaskRow:
    id: int
    title: str
    description: str | None
    due_on: date
    owner_kind: str
    owner_user_id: int | None
    owner_name: str | None
    status: str
    status_reason: str | None
    repeat_every_days: int | None
    done_at: datetime | None
    source_kind: str | None
    source_id: int | None
    version: int
    priority: str = "routine"
    for_patient: bool = False  # prints on the patient's own plan
    wording: dict = field(default_factory=dict)  # language -> the patient's wording


@dataclass(frozen=True)
class TeamMemberRow:
    id: int
    role: str
    user_id: int | None
    name: str | None
    organisation: str | None
    phone: str | None
    label: str  # the staff member's or outside person's name, with the organization
    version: int


@dataclass(frozen=True)
class ProgressRow:
    goal_id: int
    achievement_status: str
    note: str | None


@dataclass(frozen=True)
class ReviewRow:
    id: int
    reviewed_on: date
    reviewer_id: int | None
    note: str | None
    next_review_on: date
    progress: list[ProgressRow]


@dataclass(frozen=True)
class TeachBackRow:
    id: int
    goal_id: int | None
    taught_on: date
    topic: str
    learner: str
    learner_name: str | None
    learner_label: str  # "patient" or the caregiver's name
    language: str
    interpreter_used: bool
    method: str
    materials: str | None
    result: str
    follow_up_on: date | None
    task_id: int | None


@dataclass(frozen=True)
class ChecklistItemRow:
    id: int
    item_key: str
    label: str
    state: str
    reason: str | None
    version: int


@dataclass(frozen=True)
class TransitionRow:
    """A hospital or facility stay with its discharge checklist."""

    id: int
    facility: str
    admitted_on: date
    discharged_on: date | None
    reason: str | None
    lace_score: int | None
    status: str
    items: list[ChecklistItemRow]
    version: int


@dataclass(frozen=True)
class PlacementRow:
    """A long-term-care application."""

    id: int
    facility: str
    applied_on: date
    status: str
    social_worker_id: int | None
    notes: str | None
    version: int


@dataclass(frozen=True)
class PlanView:
    """Everything the page and the printouts show about one patient's plan."""

    patient: PlanPatient
    plan: PlanRow | None
    goals: list[GoalRow] = field(default_factory=list)
    tasks: list[TaskRow] = field(default_factory=list)
    concerns: list[ConcernRow] = field(default_factory=list)
    team: list[TeamMemberRow] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    options: list[OptionRow] = field(default_factory=list)
    teach_backs: list[TeachBackRow] = field(default_factory=list)
    transitions: list[TransitionRow] = field(default_factory=list)
    placements: list[PlacementRow] = field(default_factory=list)
    history: list[PlanRow] = field(default_factory=list)
    findings: dict[tuple[str, int], str] = field(default_factory=dict)  # assessment results

    def task_goal_map(self) -> dict[int, GoalRow]:
        """Each goal task's goal, by task id."""
        by_id = {g.id: g for g in self.goals}
        return {
            t.id: by_id[t.source_id]
            for t in self.tasks
            if t.source_kind == "goal" and t.source_id in by_id
        }

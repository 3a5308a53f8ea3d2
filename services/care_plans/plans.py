"""The care-plan builder: one living plan per patient, goals first in the patient's words.

Rules (issue 4): only clinical roles change plans; empty goal text, a target date before
the plan start, a task without owner or due date are refused at the field; a save names
the version it edited and is refused with both versions when someone else saved first.
Every change is audited. Templates live in `care_plan_templates`, teach-back in
`teaching`, transitions and placements in `transitions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from db.base import today
from db.models import (
    Achievement,
    CarePlan,
    CarePlanReview,
    CareTeamMember,
    ConcernKind,
    Goal,
    GoalLifecycle,
    GoalOptionDiscussion,
    GoalProgress,
    OwnerKind,
    Patient,
    PlanConcern,
    PlanStatus,
    SaidBy,
    Task,
    TaskPriority,
    TaskStatus,
    TeamRole,
)
from db.models.care_plans import LIVING_PLAN_STATUSES
from services.care_plans import teaching, transitions
from services.care_plans.common import (
    EDIT,
    READ,
    apply_changes,
    check_version,
    clean,
    current_plan,
    get_plan,
    living_plan,
    record,
)
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor, require
from services.core.sections import SummarySection, WorklistSection
from services.tasks import tasks

DEFAULT_REVIEW_DAYS = 30
CLOSED_GOALS = (GoalLifecycle.COMPLETED, GoalLifecycle.CANCELLED)
OPEN_TASK = tasks.OPEN


# ---------------------------------------------------------------- plans


def plan_history(s: Session, patient_id: int) -> list[CarePlan]:
    """Every plan for the patient, newest first (the living one included)."""
    return list(
        s.scalars(
            select(CarePlan)
            .where(CarePlan.patient_id == patient_id)
            .order_by(CarePlan.start_on.desc(), CarePlan.id.desc())
        )
    )


def start_plan(
    s: Session,
    actor: Actor,
    patient_id: int,
    *,
    start_on: date | None = None,
    title: str = "Care plan",
    next_review_on: date | None = None,
    status: PlanStatus = PlanStatus.DRAFT,
) -> CarePlan:
    """Open the patient's living plan; refused while one is draft, active or on hold."""
    require(actor, EDIT)
    if s.get(Patient, patient_id) is None:
        raise NotFound("No such patient.")
    start_on = start_on or today()
    errors = {}
    if current_plan(s, patient_id) is not None:
        errors["plan"] = "This patient already has a living care plan; complete or revoke it first."
    if status not in LIVING_PLAN_STATUSES:
        errors["status"] = "A new plan starts as draft or active."
    if next_review_on is not None and next_review_on < start_on:
        errors["next_review_on"] = "The next review cannot be before the plan starts."
    if errors:
        raise InvalidInput(errors)
    plan = CarePlan(
        patient_id=patient_id,
        title=clean(title) or "Care plan",
        status=status,
        is_current=True,
        start_on=start_on,
        next_review_on=next_review_on or start_on + timedelta(days=DEFAULT_REVIEW_DAYS),
        author_id=actor.id,
    )
    s.add(plan)
    s.flush()
    record(s, actor, Action.CREATE, "care_plan", plan, patient_id, {"status": plan.status})
    return plan


@dataclass
class PlanInput:
    title: str = "Care plan"
    status: str = PlanStatus.DRAFT
    status_reason: str = ""
    start_on: date | None = None
    end_on: date | None = None
    next_review_on: date | None = None

    @classmethod
    def of(cls, plan: CarePlan) -> PlanInput:
        return cls(
            plan.title,
            plan.status,
            plan.status_reason or "",
            plan.start_on,
            plan.end_on,
            plan.next_review_on,
        )


PLAN_FIELDS = ["title", "status", "status_reason", "start_on", "end_on", "next_review_on"]


def update_plan(
    s: Session, actor: Actor, plan_id: int, data: PlanInput, *, expected_version: int | None
) -> CarePlan:
    require(actor, EDIT)
    plan = get_plan(s, plan_id)
    values = {
        "title": clean(data.title) or "Care plan",
        "status": PlanStatus(data.status),
        "status_reason": clean(data.status_reason),
        "start_on": data.start_on,
        "end_on": data.end_on,
        "next_review_on": data.next_review_on,
    }
    check_version(plan, expected_version, "care plan", values, PLAN_FIELDS)
    errors = {}
    if values["start_on"] is None:
        errors["start_on"] = "Give the date the plan starts."
    if values["end_on"] and values["start_on"] and values["end_on"] < values["start_on"]:
        errors["end_on"] = "The plan cannot end before it starts."
    if (
        values["next_review_on"]
        and values["start_on"]
        and values["next_review_on"] < values["start_on"]
    ):
        errors["next_review_on"] = "The next review cannot be before the plan starts."
    if not plan.is_current and values["status"] in LIVING_PLAN_STATUSES:
        errors["status"] = "A completed or revoked plan is kept as history; start a new plan."
    if values["status"] in (PlanStatus.REVOKED, PlanStatus.ON_HOLD) and not values["status_reason"]:
        errors["status_reason"] = "Say why the plan is revoked or on hold."
    goal_before_start = (
        values["start_on"]
        and s.scalar(
            select(Goal.id).where(
                Goal.plan_id == plan.id,
                Goal.target_on < values["start_on"],
                Goal.lifecycle_status.not_in(CLOSED_GOALS),
            )
        )
        is not None
    )
    if goal_before_start:
        errors["start_on"] = "A goal's target date would fall before this start date."
    if errors:
        raise InvalidInput(errors)
    if values["status"] in (PlanStatus.COMPLETED, PlanStatus.REVOKED):
        plan.is_current = False
        values["end_on"] = values["end_on"] or today()
    detail = apply_changes(plan, values)
    s.flush()
    record(s, actor, Action.UPDATE, "care_plan", plan, plan.patient_id, {"changes": detail})
    return plan


# ---------------------------------------------------------------- goals


@dataclass
class GoalInput:
    description: str = ""  # the measurable goal
    patients_words: str = ""
    said_by: str = SaidBy.PATIENT
    said_by_name: str = ""
    target_on: date | None = None
    priority_rank: int = 1
    lifecycle_status: str = GoalLifecycle.PROPOSED
    achievement_status: str = Achievement.IN_PROGRESS
    status_reason: str = ""
    source_kind: str = ""
    source_id: int | None = None

    @classmethod
    def of(cls, goal: Goal) -> GoalInput:
        return cls(
            goal.description,
            goal.patients_words or "",
            goal.said_by,
            goal.said_by_name or "",
            goal.target_on,
            goal.priority_rank,
            goal.lifecycle_status,
            goal.achievement_status,
            goal.status_reason or "",
            goal.source_kind or "",
            goal.source_id,
        )


GOAL_FIELDS = [
    "description",
    "patients_words",
    "said_by",
    "said_by_name",
    "target_on",
    "priority_rank",
    "lifecycle_status",
    "achievement_status",
    "status_reason",
]


def _goal_values(plan: CarePlan, data: GoalInput) -> dict:
    errors: dict[str, str] = {}
    values = {
        "description": clean(data.description),
        "patients_words": clean(data.patients_words),
        "said_by": data.said_by,
        "said_by_name": clean(data.said_by_name),
        "target_on": data.target_on,
        "priority_rank": data.priority_rank,
        "lifecycle_status": data.lifecycle_status,
        "achievement_status": data.achievement_status,
        "status_reason": clean(data.status_reason),
    }
    if not values["description"]:
        errors["description"] = "Write the goal: what will be different, and how you will know."
    try:
        values["said_by"] = SaidBy(values["said_by"])
    except ValueError:
        errors["said_by"] = "Choose patient or caregiver."
    if values["said_by"] == SaidBy.CAREGIVER and not values["said_by_name"]:
        errors["said_by_name"] = "Name the caregiver who said it."
    if values["said_by"] == SaidBy.PATIENT:
        values["said_by_name"] = None
    try:
        values["lifecycle_status"] = GoalLifecycle(values["lifecycle_status"])
    except ValueError:
        errors["lifecycle_status"] = "Choose a status from the list."
    try:
        values["achievement_status"] = Achievement(values["achievement_status"])
    except ValueError:
        errors["achievement_status"] = "Choose a progress status from the list."
    if values["lifecycle_status"] == GoalLifecycle.ACTIVE and not values["patients_words"]:
        errors["patients_words"] = (
            "Before a goal is active, write what the patient (or caregiver) said, in their words."
        )
    if values["lifecycle_status"] == GoalLifecycle.CANCELLED and not values["status_reason"]:
        errors["status_reason"] = "Say why the goal is cancelled."
    if values["target_on"] is not None and values["target_on"] < plan.start_on:
        errors["target_on"] = f"The target date cannot be before the plan starts ({plan.start_on})."
    rank = values["priority_rank"]
    if not isinstance(rank, int) or rank < 1 or rank > 99:
        errors["priority_rank"] = "Rank the goal 1 (matters most) to 99."
    if errors:
        raise InvalidInput(errors)
    return values


def add_goal(
    s: Session,
    actor: Actor,
    plan_id: int,
    data: GoalInput,
    *,
    template_key: str | None = None,
) -> Goal:
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    values = _goal_values(plan, data)
    goal = Goal(
        plan_id=plan.id,
        patient_id=plan.patient_id,
        source_kind=clean(data.source_kind),
        source_id=data.source_id,
        template_key=template_key,
        created_by_id=actor.id,
        **values,
    )
    s.add(goal)
    s.flush()
    record(
        s,
        actor,
        Action.CREATE,
        "care_goal",
        goal,
        plan.patient_id,
        {"plan_id": plan.id, "source": goal.source_kind, "template": template_key},
    )
    return goal


def update_goal(
    s: Session, actor: Actor, goal_id: int, data: GoalInput, *, expected_version: int | None
) -> Goal:
    require(actor, EDIT)
    goal = s.get(Goal, goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    plan = living_plan(s, goal.plan_id)
    values = _goal_values(plan, data)
    check_version(goal, expected_version, "goal", values, GOAL_FIELDS)
    detail = apply_changes(goal, values)
    s.flush()
    record(s, actor, Action.UPDATE, "care_goal", goal, goal.patient_id, {"changes": detail})
    return goal


def goals(s: Session, plan_id: int, *, include_closed: bool = True) -> list[Goal]:
    stmt = select(Goal).where(Goal.plan_id == plan_id)
    if not include_closed:
        stmt = stmt.where(Goal.lifecycle_status.not_in(CLOSED_GOALS))
    return list(s.scalars(stmt.order_by(Goal.priority_rank, Goal.id)))


def record_options(
    s: Session,
    actor: Actor,
    goal_id: int,
    *,
    options_discussed: str,
    preference: str = "",
    reasons: str = "",
    decision: str = "",
    discussed_on: date | None = None,
) -> GoalOptionDiscussion:
    """Write down the options conversation: what was offered, what the patient prefers, why."""
    require(actor, EDIT)
    goal = s.get(Goal, goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    living_plan(s, goal.plan_id)
    errors = {}
    if not clean(options_discussed):
        errors["options_discussed"] = "List the options you discussed, one per line."
    if clean(preference) and not clean(reasons):
        errors["reasons"] = "Write the patient's reasons for their preference."
    if errors:
        raise InvalidInput(errors)
    row = GoalOptionDiscussion(
        goal_id=goal.id,
        options_discussed=options_discussed.strip(),
        preference=clean(preference),
        reasons=clean(reasons),
        decision=clean(decision),
        discussed_on=discussed_on or today(),
        recorded_by_id=actor.id,
    )
    s.add(row)
    s.flush()
    record(s, actor, Action.CREATE, "care_goal_option", row, goal.patient_id, {"goal_id": goal.id})
    return row


def option_discussions(s: Session, goal_ids: list[int]) -> list[GoalOptionDiscussion]:
    if not goal_ids:
        return []
    return list(
        s.scalars(
            select(GoalOptionDiscussion)
            .where(GoalOptionDiscussion.goal_id.in_(goal_ids))
            .order_by(GoalOptionDiscussion.discussed_on.desc(), GoalOptionDiscussion.id.desc())
        )
    )


# ---------------------------------------------------------------- needs, strengths, barriers


def add_concern(
    s: Session,
    actor: Actor,
    plan_id: int,
    kind: str,
    text: str,
    *,
    goal_id: int | None = None,
    source_kind: str | None = None,
    source_id: int | None = None,
    template_key: str | None = None,
) -> PlanConcern:
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    errors = {}
    try:
        kind = ConcernKind(kind)
    except ValueError:
        errors["kind"] = "Choose need, strength or barrier."
    if not clean(text):
        errors["text"] = "Describe the need, strength or barrier."
    if (source_kind is None) != (source_id is None):
        errors["source"] = "Link an assessment result by both its kind and its id."
    if goal_id is not None and (g := s.get(Goal, goal_id)) is not None and g.plan_id != plan.id:
        errors["goal_id"] = "That goal belongs to another plan."
    if errors:
        raise InvalidInput(errors)
    row = PlanConcern(
        plan_id=plan.id,
        kind=kind,
        text=text.strip(),
        goal_id=goal_id,
        source_kind=clean(source_kind),
        source_id=source_id,
        template_key=template_key,
    )
    s.add(row)
    s.flush()
    record(
        s,
        actor,
        Action.CREATE,
        "care_plan_concern",
        row,
        plan.patient_id,
        {"kind": kind, "source": source_kind, "source_id": source_id},
    )
    return row


def archive_concern(
    s: Session, actor: Actor, concern_id: int, reason: str, *, expected_version: int | None
) -> PlanConcern:
    return _retire(
        s, actor, PlanConcern, concern_id, reason, expected_version,
        label="item", fields=["text", "active"], entity="care_plan_concern",
        why="Say why this is no longer on the plan.",
    )  # fmt: skip


def concerns(s: Session, plan_id: int, *, active_only: bool = True) -> list[PlanConcern]:
    stmt = select(PlanConcern).where(PlanConcern.plan_id == plan_id)
    if active_only:
        stmt = stmt.where(PlanConcern.active.is_(True))
    return list(s.scalars(stmt.order_by(PlanConcern.kind, PlanConcern.id)))


# ---------------------------------------------------------------- interventions and tasks


def add_goal_task(
    s: Session,
    actor: Actor,
    goal_id: int,
    *,
    title: str,
    due_on: date | None,
    owner_kind: str = OwnerKind.STAFF,
    owner_user_id: int | None = None,
    owner_name: str | None = None,
    description: str | None = None,
    priority: str = TaskPriority.ROUTINE,
    repeat_every_days: int | None = None,
) -> Task:
    """An intervention under a goal, as a shared Task (source_kind "goal")."""
    require(actor, EDIT)
    goal = s.get(Goal, goal_id)
    if goal is None:
        raise NotFound("No such goal.")
    living_plan(s, goal.plan_id)
    try:
        owner_kind = OwnerKind(owner_kind)
    except ValueError:
        raise InvalidInput({"owner": "Choose who owns this task."}) from None
    return tasks.create_task(
        s,
        actor,
        title=title,
        due_on=due_on,
        patient_id=goal.patient_id,
        owner_kind=owner_kind,
        owner_user_id=owner_user_id,
        owner_name=owner_name,
        description=description,
        priority=TaskPriority(priority),
        repeat_every_days=repeat_every_days,
        source_kind="goal",
        source_id=goal.id,
        permission=EDIT,
    )


def add_plan_task(
    s: Session,
    actor: Actor,
    plan_id: int,
    *,
    title: str,
    due_on: date | None,
    owner_kind: str = OwnerKind.STAFF,
    owner_user_id: int | None = None,
    owner_name: str | None = None,
    description: str | None = None,
    repeat_every_days: int | None = None,
) -> Task:
    """A task for the plan as a whole (e.g. from an intake finding not tied to one goal)."""
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    return tasks.create_task(
        s,
        actor,
        title=title,
        due_on=due_on,
        patient_id=plan.patient_id,
        owner_kind=OwnerKind(owner_kind),
        owner_user_id=owner_user_id,
        owner_name=owner_name,
        description=description,
        repeat_every_days=repeat_every_days,
        source_kind="care_plan",
        source_id=plan.id,
        permission=EDIT,
    )


def plan_tasks(s: Session, plan: CarePlan, *, open_only: bool = False) -> list[Task]:
    """Tasks under the plan's goals, for the plan itself, and from its teach-backs."""
    from db.models import TeachBack

    goal_ids = select(Goal.id).where(Goal.plan_id == plan.id).scalar_subquery()
    teach_ids = select(TeachBack.id).where(TeachBack.plan_id == plan.id).scalar_subquery()
    stmt = select(Task).where(
        or_(
            (Task.source_kind == "goal") & Task.source_id.in_(goal_ids),
            (Task.source_kind == "care_plan") & (Task.source_id == plan.id),
            (Task.source_kind == "teach_back") & Task.source_id.in_(teach_ids),
        )
    )
    if open_only:
        stmt = stmt.where(Task.status.in_(OPEN_TASK))
    return list(s.scalars(stmt.order_by(Task.due_on, Task.id)))


def update_task(
    s: Session,
    actor: Actor,
    task_id: int,
    *,
    title: str,
    due_on: date | None,
    owner_kind: str,
    owner_user_id: int | None,
    owner_name: str | None,
    status: str,
    status_reason: str | None,
    expected_version: int | None,
) -> Task:
    """Edit a plan task's what/who/when/status in one save."""
    require(actor, EDIT)
    task = s.get(Task, task_id)
    if task is None:
        raise NotFound("No such task.")
    mine = {
        "title": clean(title),
        "due_on": due_on,
        "owner_kind": owner_kind,
        "owner_user_id": owner_user_id,
        "owner_name": clean(owner_name),
        "status": status,
        "status_reason": clean(status_reason),
    }
    check_version(task, expected_version, "task", mine, list(mine))
    errors = {}
    if not mine["title"]:
        errors["title"] = "Say what needs doing."
    if due_on is None:
        errors["due_on"] = "Give a due date."
    if owner_kind == OwnerKind.STAFF and owner_user_id is None:
        errors["owner"] = "Choose who owns this task."
    if owner_kind != OwnerKind.STAFF and not mine["owner_name"]:
        errors["owner"] = "Name the person who owns this task."
    if status in (TaskStatus.CANCELLED, TaskStatus.ON_HOLD) and not mine["status_reason"]:
        errors["status_reason"] = "Give a reason for cancelling or holding the task."
    if errors:
        raise InvalidInput(errors)
    status_changed = TaskStatus(status) != task.status
    values = {
        "title": mine["title"],
        "due_on": due_on,
        "owner_kind": OwnerKind(owner_kind),
        "owner_user_id": owner_user_id if owner_kind == OwnerKind.STAFF else None,
        "owner_name": mine["owner_name"] if owner_kind != OwnerKind.STAFF else None,
    }
    detail = apply_changes(task, values)
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="task",
        entity_id=task.id,
        patient_id=task.patient_id,
        category="task",
        detail={"changes": detail},
    )
    if status_changed:
        tasks.set_task_status(s, actor, task.id, TaskStatus(status), reason=mine["status_reason"])
    return task


# ---------------------------------------------------------------- care team


def add_team_member(
    s: Session,
    actor: Actor,
    plan_id: int,
    role: str,
    *,
    user_id: int | None = None,
    name: str | None = None,
    organisation: str | None = None,
    phone: str | None = None,
    contact_kind: str | None = None,
    contact_id: int | None = None,
) -> CareTeamMember:
    """A team member is an internal user or a named outside person (directory link optional)."""
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    errors = {}
    try:
        role = TeamRole(role)
    except ValueError:
        errors["role"] = "Choose a role from the list."
    if user_id is None and not clean(name):
        errors["member"] = "Choose a staff member or write the outside person's name."
    if user_id is not None and clean(name):
        errors["member"] = "Choose a staff member or an outside person, not both."
    if errors:
        raise InvalidInput(errors)
    row = CareTeamMember(
        plan_id=plan.id,
        role=role,
        user_id=user_id,
        name=clean(name),
        organisation=clean(organisation),
        phone=clean(phone),
        contact_kind=clean(contact_kind),
        contact_id=contact_id,
    )
    s.add(row)
    s.flush()
    record(s, actor, Action.CREATE, "care_team_member", row, plan.patient_id, {"role": role})
    return row


def remove_team_member(
    s: Session, actor: Actor, member_id: int, reason: str, *, expected_version: int | None
) -> CareTeamMember:
    return _retire(
        s, actor, CareTeamMember, member_id, reason, expected_version,
        label="team member", fields=["role", "active"], entity="care_team_member",
        why="Say why this person leaves the team.",
    )  # fmt: skip


def _retire(s: Session, actor: Actor, model, row_id: int, reason: str, expected_version: int | None,
            *, label: str, fields: list[str], entity: str, why: str):  # fmt: skip
    """Take a row off the living plan with a reason; it stays as history (never deleted)."""
    require(actor, EDIT)
    row = s.get(model, row_id)
    if row is None:
        raise NotFound(f"No such {label}.")
    plan = living_plan(s, row.plan_id)
    check_version(row, expected_version, label, {"active": False}, fields)
    if not clean(reason):
        raise InvalidInput({"reason": why})
    row.active = False
    row.status_reason = reason.strip()
    s.flush()
    record(s, actor, Action.ARCHIVE, entity, row, plan.patient_id, {"reason": reason})
    return row


def team(s: Session, plan_id: int) -> list[CareTeamMember]:
    return list(
        s.scalars(
            select(CareTeamMember)
            .options(selectinload(CareTeamMember.user))
            .where(CareTeamMember.plan_id == plan_id, CareTeamMember.active.is_(True))
            .order_by(CareTeamMember.id)
        )
    )


def member_label(m: CareTeamMember) -> str:
    who = m.user.display_name if m.user else (m.name or "")
    return f"{who} ({m.organisation})" if m.organisation else who


# ---------------------------------------------------------------- intake suggestions


def start_plan_from_suggestions(
    s: Session, actor: Actor, patient_id: int, suggestions: list[dict]
) -> CarePlan:
    """Accepted intake suggestions arrive as proposed goals, needs and tasks.

    Each suggestion is a plain dict {kind: goal|need|task, text, source_kind, source_id}
    (optionally due_on for a task). Uses the living plan, or starts a draft. A goal or
    need already linked to the same source is not added twice.
    """
    require(actor, EDIT)
    errors = {}
    for i, sug in enumerate(suggestions):
        if sug.get("kind") not in ("goal", "need", "task"):
            errors[f"suggestions.{i}.kind"] = "A suggestion is a goal, a need or a task."
        if not clean(sug.get("text")):
            errors[f"suggestions.{i}.text"] = "A suggestion needs its text."
    if errors:
        raise InvalidInput(errors)
    plan = current_plan(s, patient_id) or start_plan(s, actor, patient_id)
    have_goal = {(g.source_kind, g.source_id) for g in goals(s, plan.id) if g.source_kind}
    have_need = {(c.source_kind, c.source_id) for c in concerns(s, plan.id) if c.source_kind}
    have_task = {t.description for t in plan_tasks(s, plan)}
    for sug in suggestions:
        src = (clean(sug.get("source_kind")), sug.get("source_id"))
        link = src if src[0] else (None, None)
        if sug["kind"] == "goal" and (not link[0] or link not in have_goal):
            add_goal(
                s,
                actor,
                plan.id,
                GoalInput(
                    description=sug["text"],
                    lifecycle_status=GoalLifecycle.PROPOSED,
                    source_kind=link[0] or "",
                    source_id=link[1],
                ),
            )
        elif sug["kind"] == "need" and (not link[0] or link not in have_need):
            add_concern(
                s,
                actor,
                plan.id,
                ConcernKind.NEED,
                sug["text"],
                source_kind=link[0],
                source_id=link[1] if link[0] else None,
            )
        elif sug["kind"] == "task":
            origin = f"From {link[0]} #{link[1]}" if link[0] else None
            if origin and origin in have_task:
                continue
            add_plan_task(
                s,
                actor,
                plan.id,
                title=sug["text"],
                due_on=sug.get("due_on") or today() + timedelta(days=7),
                owner_user_id=actor.id,
                description=origin,
            )
    return plan


# ---------------------------------------------------------------- reviews


def record_review(
    s: Session,
    actor: Actor,
    plan_id: int,
    *,
    progress: dict[int, tuple[str, str]],
    next_review_on: date | None,
    note: str = "",
    reviewed_on: date | None = None,
    expected_version: int | None = None,
) -> CarePlanReview:
    """Per-goal achievement + note; moves each goal's achievement and the plan's next review."""
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    reviewed_on = reviewed_on or today()
    check_version(
        plan, expected_version, "care plan", {"next_review_on": next_review_on}, PLAN_FIELDS
    )
    errors = {}
    if next_review_on is None:
        errors["next_review_on"] = "Set the date of the next review."
    elif next_review_on <= reviewed_on:
        errors["next_review_on"] = "The next review must be after today's review."
    plan_goals = {g.id: g for g in goals(s, plan.id)}
    for goal_id, (status, _note) in progress.items():
        if goal_id not in plan_goals:
            errors[f"goal.{goal_id}"] = "That goal is not on this plan."
        else:
            try:
                Achievement(status)
            except ValueError:
                errors[f"goal.{goal_id}"] = "Choose a progress status from the list."
    if errors:
        raise InvalidInput(errors)
    review = CarePlanReview(
        plan_id=plan.id,
        reviewed_on=reviewed_on,
        reviewer_id=actor.id,
        note=clean(note),
        next_review_on=next_review_on,
    )
    s.add(review)
    s.flush()
    changed = {}
    for goal_id, (status, goal_note) in progress.items():
        goal = plan_goals[goal_id]
        s.add(
            GoalProgress(
                review_id=review.id,
                goal_id=goal_id,
                achievement_status=Achievement(status),
                note=clean(goal_note),
            )
        )
        if goal.achievement_status != status:
            changed[goal_id] = {"before": goal.achievement_status, "after": status}
            goal.achievement_status = Achievement(status)
            if status == Achievement.ACHIEVED and goal.lifecycle_status == GoalLifecycle.ACTIVE:
                goal.lifecycle_status = GoalLifecycle.COMPLETED
    before_review = plan.next_review_on
    plan.next_review_on = next_review_on
    s.flush()
    record(
        s,
        actor,
        Action.CREATE,
        "care_plan_review",
        review,
        plan.patient_id,
        {
            "goals": changed,
            "next_review_on": {"before": audit.plain_value(before_review), "after": next_review_on},
        },
    )
    return review


def reviews(s: Session, plan_id: int) -> list[CarePlanReview]:
    return list(
        s.scalars(
            select(CarePlanReview)
            .options(selectinload(CarePlanReview.progress))
            .where(CarePlanReview.plan_id == plan_id)
            .order_by(CarePlanReview.reviewed_on.desc(), CarePlanReview.id.desc())
        )
    )


# ---------------------------------------------------------------- read model


@dataclass
class PlanView:
    """Everything the page and the printouts show, loaded in a few queries."""

    patient: Patient
    plan: CarePlan | None
    goals: list[Goal] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    concerns: list[PlanConcern] = field(default_factory=list)
    team: list[CareTeamMember] = field(default_factory=list)
    reviews: list[CarePlanReview] = field(default_factory=list)
    options: list[GoalOptionDiscussion] = field(default_factory=list)
    teach_backs: list = field(default_factory=list)
    transitions: list = field(default_factory=list)
    placements: list = field(default_factory=list)
    history: list[CarePlan] = field(default_factory=list)


def load_plan_view(
    s: Session, actor: Actor, patient_id: int, plan_id: int | None = None
) -> PlanView:
    """The living plan (or an earlier one by id) with its goals, tasks, team and logs."""
    require(actor, READ)
    patient = s.get(Patient, patient_id, options=[selectinload(Patient.primary_case_manager)])
    if patient is None:
        raise NotFound("No such patient.")
    plan = get_plan(s, plan_id) if plan_id else current_plan(s, patient_id)
    if plan is not None and plan.patient_id != patient_id:
        raise NotFound("That plan belongs to another patient.")
    view = PlanView(patient=patient, plan=plan, history=plan_history(s, patient_id))
    view.transitions = transitions.transitions_for(s, patient_id)
    view.placements = transitions.placements_for(s, patient_id)
    if plan is None:
        return view
    view.goals = goals(s, plan.id)
    view.tasks = plan_tasks(s, plan)
    view.concerns = concerns(s, plan.id)
    view.team = team(s, plan.id)
    view.reviews = reviews(s, plan.id)
    view.options = option_discussions(s, [g.id for g in view.goals])
    view.teach_backs = teaching.teach_backs(s, plan.id)
    return view


def task_goal_map(view: PlanView) -> dict[int, Goal]:
    by_id = {g.id: g for g in view.goals}
    return {
        t.id: by_id[t.source_id]
        for t in view.tasks
        if t.source_kind == "goal" and t.source_id in by_id
    }


def plans_due_for_review(
    s: Session, on: date, case_manager_id: int | None = None
) -> list[CarePlan]:
    stmt = select(CarePlan).where(
        CarePlan.is_current.is_(True),
        CarePlan.status == PlanStatus.ACTIVE,
        CarePlan.next_review_on <= on,
    )
    if case_manager_id is not None:
        stmt = stmt.join(Patient, Patient.id == CarePlan.patient_id).where(
            Patient.primary_case_manager_id == case_manager_id
        )
    return list(s.scalars(stmt.order_by(CarePlan.next_review_on).limit(200)))


# ---------------------------------------------------------------- home page and patient summary


def plans_due_section(s: Session, actor: Actor, on: date):
    due = plans_due_for_review(s, on + timedelta(days=7), case_manager_id=actor.id)
    patients = {
        p.id: p
        for p in s.scalars(select(Patient).where(Patient.id.in_([p.patient_id for p in due])))
    }
    rows = [
        {
            "Review due": p.next_review_on,
            "When": "OVERDUE" if p.next_review_on < on else "this week",
            "Patient": patients[p.patient_id].display_name,
            "Plan": p.title,
            "patient_id": p.patient_id,
        }
        for p in due
    ]
    return WorklistSection(
        title="Care plans due for review",
        rows=rows,
        empty_text="No care plans due for review this week.",
        urgent=any(r["When"] == "OVERDUE" for r in rows),
        order=30,
    )


def plan_summary_section(s: Session, actor: Actor, patient: Patient):
    plan = current_plan(s, patient.id)
    if plan is None:
        return SummarySection("Care plan", [], empty_text="No living care plan.", order=30)
    rows = [
        {
            "Rank": g.priority_rank,
            "In their words": g.patients_words or "",
            "Goal": g.description,
            "Status": str(g.lifecycle_status),
            "Progress": str(g.achievement_status),
            "Target": g.target_on,
        }
        for g in goals(s, plan.id, include_closed=False)
    ]
    return SummarySection(
        f"Care plan ({plan.status}, next review {plan.next_review_on})",
        rows,
        empty_text="The plan has no open goals yet.",
        order=30,
    )


def start_plan_from_intake(
    s: Session, actor: Actor, patient_id: int, intake_id: int | None = None
) -> tuple[CarePlan, int]:
    """Take an intake's accepted suggestions into the living plan (or a new draft).

    Needs and goals arrive as proposed items, referrals and tasks as tasks for the
    signed-in case manager, each linked to the suggestion it came from. Returns the plan
    and how many suggestions were taken; each is taken only once.
    """
    from services.intake import intake

    rows = intake.accepted_suggestions(s, actor, patient_id=patient_id, intake_id=intake_id)
    suggestions = [
        {
            "kind": "task" if r.kind == "referral" else r.kind,
            "text": f"Refer: {r.text}" if r.kind == "referral" else r.text,
            "source_kind": "intake_suggestion",
            "source_id": r.id,
        }
        for r in rows
    ]
    if not suggestions:
        return current_plan(s, patient_id) or start_plan(s, actor, patient_id), 0
    plan = start_plan_from_suggestions(s, actor, patient_id, suggestions)
    intake.mark_handed_off(s, actor, [r.id for r in rows], plan.id)
    return plan, len(rows)

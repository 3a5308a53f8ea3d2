"""The care plan as FHIR R4: CarePlan (US Core CarePlan, with its narrative), CareTeam,
Goal (with who said it: expressedBy), Condition for each need or barrier (US Core health
concern) and Task for each to-do."""

from __future__ import annotations

from html import escape

from db.models import (
    CarePlan,
    CareTeamMember,
    ConcernKind,
    Goal,
    PlanConcern,
    SaidBy,
    Task,
    TeamRole,
)
from services.core.text import fold
from services.interop.fhir_common import (
    US_CORE_CS,
    Refs,
    coded,
    day,
    drop_empty,
    instant,
    resource_id,
)

PLAN_STATUS = {
    "draft": "draft",
    "active": "active",
    "on hold": "on-hold",
    "completed": "completed",
    "revoked": "revoked",
}
TEAM_STATUS = {
    "draft": "proposed",
    "active": "active",
    "on hold": "suspended",
    "completed": "inactive",
    "revoked": "inactive",
}
GOAL_STATUS = {
    "proposed": "proposed",
    "active": "active",
    "on hold": "on-hold",
    "completed": "completed",
    "cancelled": "cancelled",
}
ACHIEVEMENT = {
    "in progress": ("in-progress", "In Progress"),
    "improving": ("improving", "Improving"),
    "worsening": ("worsening", "Worsening"),
    "no change": ("no-change", "No Change"),
    "achieved": ("achieved", "Achieved"),
    "not achieved": ("not-achieved", "Not Achieved"),
}
TASK_STATUS = {
    "requested": "requested",
    "in progress": "in-progress",
    "on hold": "on-hold",
    "completed": "completed",
    "cancelled": "cancelled",
}


def _base(kind: str, url: str) -> dict:
    return {"resourceType": kind, "id": resource_id(url)}


def family_ref(name: str | None, family: dict[str, int], refs: Refs) -> dict | None:
    """A family member named in the plan: their RelatedPerson when the names match."""
    if not name:
        return None
    person = family.get(fold(name))
    return refs.ref("RelatedPerson", person, name) if person else {"display": name}


def care_team_resource(
    plan: CarePlan, members: list[CareTeamMember], family: dict[str, int], refs: Refs
) -> dict:
    participants = []
    for m in members:
        if not m.active:
            continue
        if m.user_id is not None:
            member = refs.ref("Practitioner", m.user_id, m.user.display_name if m.user else None)
        elif m.role == TeamRole.CAREGIVER:
            member = family_ref(m.name, family, refs)
        else:
            member = refs.ref("Practitioner", f"member-{m.id}", m.name)
        participants.append(
            {
                "role": [{"text": m.role}],
                "member": member,
                "onBehalfOf": {"display": m.organisation} if m.organisation else None,
            }
        )
    data = _base("CareTeam", refs.url("CareTeam", plan.id)) | {
        "status": TEAM_STATUS[plan.status],
        "name": f"Care team: {plan.title}",
        "subject": refs.ref("Patient", plan.patient_id),
        "participant": participants,
    }
    return drop_empty(data)


def _narrative(plan: CarePlan, goals: list[Goal]) -> dict:
    items = "".join(f"<li>{escape(g.description)}</li>" for g in goals)
    body = f"<p><b>{escape(plan.title)}</b> ({escape(plan.status)})</p>"
    if items:
        body += f"<p>Goals:</p><ul>{items}</ul>"
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def care_plan_resource(
    plan: CarePlan,
    goals: list[Goal],
    concerns: list[PlanConcern],
    tasks: list[Task],
    refs: Refs,
) -> dict:
    notes = [{"text": f"Strength: {c.text}"} for c in concerns if c.kind == ConcernKind.STRENGTH]
    if plan.status_reason:
        notes.append({"text": f"Status: {plan.status_reason}"})
    if plan.next_review_on:
        notes.append({"text": f"Next review on {plan.next_review_on.isoformat()}"})
    data = _base("CarePlan", refs.url("CarePlan", plan.id)) | {
        "text": _narrative(plan, goals),
        "status": PLAN_STATUS[plan.status],
        "intent": "plan",
        "category": [coded(f"{US_CORE_CS}/careplan-category", "assess-plan")],
        "title": plan.title,
        "subject": refs.ref("Patient", plan.patient_id),
        "period": {"start": day(plan.start_on), "end": day(plan.end_on)},
        "created": instant(plan.created_at),
        "author": refs.ref("Practitioner", plan.author_id) if plan.author_id else None,
        "careTeam": [refs.ref("CareTeam", plan.id)],
        "addresses": [
            refs.ref("Condition", c.id) for c in concerns if c.kind != ConcernKind.STRENGTH
        ],
        "goal": [refs.ref("Goal", g.id) for g in goals],
        "activity": [{"reference": refs.ref("Task", t.id)} for t in tasks],
        "note": notes,
    }
    return drop_empty(data)


def goal_resource(g: Goal, concerns: list[PlanConcern], family: dict[str, int], refs: Refs) -> dict:
    achievement = ACHIEVEMENT.get(g.achievement_status)
    if g.said_by == SaidBy.CAREGIVER:
        said = family_ref(g.said_by_name, family, refs) or {"display": "caregiver"}
    else:
        said = refs.ref("Patient", g.patient_id)
    priority = {1: ("high-priority", "High Priority"), 2: ("medium-priority", "Medium Priority")}
    code, shown = priority.get(g.priority_rank, ("low-priority", "Low Priority"))
    notes = []
    if g.patients_words:
        who = "the patient's" if g.said_by == SaidBy.PATIENT else "the caregiver's"
        notes.append({"text": f"In {who} own words: {g.patients_words}"})
    data = _base("Goal", refs.url("Goal", g.id)) | {
        "lifecycleStatus": GOAL_STATUS[g.lifecycle_status],
        "achievementStatus": coded(
            "http://terminology.hl7.org/CodeSystem/goal-achievement", *achievement
        )
        if achievement
        else None,
        "priority": coded("http://terminology.hl7.org/CodeSystem/goal-priority", code, shown),
        "description": {"text": g.description},
        "subject": refs.ref("Patient", g.patient_id),
        "startDate": day(g.created_at),
        "target": [{"dueDate": day(g.target_on)}] if g.target_on else None,
        "statusReason": g.status_reason,
        "expressedBy": said,
        "addresses": [refs.ref("Condition", c.id) for c in concerns if c.goal_id == g.id],
        "note": notes,
    }
    return drop_empty(data)


def condition_resource(c: PlanConcern, patient_id: int, refs: Refs) -> dict:
    """A need or barrier from the plan, as a US Core health concern."""
    data = _base("Condition", refs.url("Condition", c.id)) | {
        "clinicalStatus": coded(
            "http://terminology.hl7.org/CodeSystem/condition-clinical",
            "active" if c.active else "resolved",
            "Active" if c.active else "Resolved",
        ),
        "category": [coded(f"{US_CORE_CS}/condition-category", "health-concern", "Health Concern")],
        "code": {"text": c.text},
        "subject": refs.ref("Patient", patient_id),
        "recordedDate": instant(c.created_at),
        "note": [{"text": f"Recorded as a {c.kind} in the care plan"}]
        + ([{"text": c.status_reason}] if c.status_reason else []),
    }
    return drop_empty(data)


def task_resource(t: Task, family: dict[str, int], refs: Refs) -> dict:
    """A to-do (R4 Task): due date as restriction.period.end, the owner as far as known."""
    owner = None
    if t.owner_user_id is not None:
        owner = refs.ref("Practitioner", t.owner_user_id)
    elif t.owner_kind == "patient" and t.patient_id:
        owner = refs.ref("Patient", t.patient_id)
    elif t.owner_kind == "family member":
        owner = family_ref(t.owner_name, family, refs)
    elif t.owner_name:
        owner = {"display": t.owner_name}
    focus = None
    if t.source_kind == "goal" and refs.has("Goal", t.source_id):
        focus = refs.ref("Goal", t.source_id)
    data = _base("Task", refs.url("Task", t.id)) | {
        "status": TASK_STATUS[t.status],
        "statusReason": {"text": t.status_reason} if t.status_reason else None,
        "intent": "plan" if t.source_kind in ("goal", "care_plan", "teach_back") else "order",
        "priority": t.priority,
        "description": t.title,
        "focus": focus,
        "for": refs.ref("Patient", t.patient_id) if t.patient_id else None,
        "executionPeriod": {"end": instant(t.done_at)} if t.done_at else None,
        "authoredOn": instant(t.created_at),
        "owner": owner,
        "note": [{"text": t.description}] if t.description else None,
        "restriction": {"period": {"end": day(t.due_on)}},
    }
    return drop_empty(data)

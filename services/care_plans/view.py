"""Loading the read model: one patient's plan and its logs, copied into frozen rows.

Everything is read here, in the caller's transaction, so the rows carry plain values
only (the team member's name and the teach-back learner are resolved while the session
is still open).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.models import (
    AssessmentResponse,
    CarePlan,
    CarePlanReview,
    CareTeamMember,
    CareTransition,
    Goal,
    GoalOptionDiscussion,
    IntakeSuggestion,
    LtcPlacement,
    Patient,
    PlanConcern,
    PrintItem,
    Task,
    TeachBack,
)
from services.care_plans import teaching, transitions
from services.care_plans.common import READ, current_plan, get_plan
from services.care_plans.concerns import concerns
from services.care_plans.goals import goals, option_discussions
from services.care_plans.intake_handoff import INTAKE_SOURCE
from services.care_plans.interventions import plan_tasks
from services.care_plans.patient_items import never_for_patient, print_items
from services.care_plans.plans import plan_history
from services.care_plans.reviews import reviews
from services.care_plans.rows import (
    ChecklistItemRow,
    ConcernRow,
    GoalRow,
    OptionRow,
    PlacementRow,
    PlanPatient,
    PlanRow,
    PlanView,
    ProgressRow,
    ReviewRow,
    TaskRow,
    TeachBackRow,
    TeamMemberRow,
    TransitionRow,
)
from services.care_plans.team import member_label, team
from services.core.clock import us_date
from services.core.errors import NotFound
from services.core.identity import Actor, require
from services.patients.briefs import brief


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
    shared = {
        "patient": patient_row(patient, team(s, plan.id) if plan is not None else []),
        "plan": plan_row(plan) if plan is not None else None,
        "history": [plan_row(p) for p in plan_history(s, patient_id)],
        "transitions": [transition_row(t) for t in transitions.transitions_for(s, patient_id)],
        "placements": [placement_row(p) for p in transitions.placements_for(s, patient_id)],
    }
    if plan is None:
        return PlanView(**shared)
    plan_goals = goals(s, plan.id)
    tasks = plan_tasks(s, plan)
    plan_concerns = concerns(s, plan.id)
    marks = print_items(s, [g.id for g in plan_goals], [t.id for t in tasks])
    origins = source_labels(s, [*plan_goals, *plan_concerns])
    return PlanView(
        **shared,
        goals=[goal_row(g, marks.get(("goal", g.id)), origins) for g in plan_goals],
        tasks=[task_row(t, marks.get(("task", t.id))) for t in tasks],
        concerns=[concern_row(c, origins) for c in plan_concerns],
        team=[member_row(m) for m in team(s, plan.id)],
        reviews=[review_row(r) for r in reviews(s, plan.id)],
        options=[option_row(o) for o in option_discussions(s, [g.id for g in plan_goals])],
        findings=assessment_choices(s, patient_id),
        teach_backs=[teach_back_row(tb) for tb in teaching.teach_backs(s, plan.id)],
    )


def patient_row(p: Patient, members: list[CareTeamMember] | None = None) -> PlanPatient:
    """The patient, with their case manager's name and direct line (their own, or the one
    the care team lists for them)."""
    manager = p.primary_case_manager
    phone = manager.phone if manager is not None else None
    if manager is not None and not phone:
        phone = next((m.phone for m in members or [] if m.user_id == manager.id and m.phone), None)
    return PlanPatient(
        **vars(brief(p)),
        given_name=p.given_name,
        family_name=p.family_name,
        preferred_name=p.preferred_name,
        case_manager_name=manager.display_name if manager is not None else None,
        case_manager_phone=phone,
    )


def plan_row(p: CarePlan) -> PlanRow:
    return PlanRow(
        id=p.id,
        patient_id=p.patient_id,
        title=p.title,
        status=p.status,
        status_reason=p.status_reason,
        is_current=p.is_current,
        start_on=p.start_on,
        end_on=p.end_on,
        next_review_on=p.next_review_on,
        author_id=p.author_id,
        version=p.version,
    )


def assessment_choices(s: Session, patient_id: int, limit: int = 30) -> dict[tuple, str]:
    """The patient's scored assessments, newest first, for linking a need to one."""
    found = s.scalars(
        select(AssessmentResponse)
        .where(AssessmentResponse.patient_id == patient_id)
        .order_by(AssessmentResponse.assessed_at.desc())
        .limit(limit)
    )
    return {
        ("assessment", r.id): f"{r.instrument_title}: {r.band} ({r.total}), "
        + us_date(r.assessed_at.date())
        for r in found
    }


def source_labels(s: Session, rows: list) -> dict[tuple, str]:
    """(source_kind, source_id) -> where a goal or need came from, in words."""
    wanted = [r.source_id for r in rows if r.source_kind == INTAKE_SOURCE and r.source_id]
    labels: dict[tuple, str] = {}
    assessed = [r.source_id for r in rows if r.source_kind == "assessment" and r.source_id]
    if assessed:
        for a in s.scalars(select(AssessmentResponse).where(AssessmentResponse.id.in_(assessed))):
            labels[("assessment", a.id)] = f"{a.instrument_title}: {a.band} ({a.total})"
    if wanted:
        for sug in s.scalars(select(IntakeSuggestion).where(IntakeSuggestion.id.in_(wanted))):
            when = sug.decided_at.date() if sug.decided_at else ""
            labels[(INTAKE_SOURCE, sug.id)] = f"intake of {when}: {sug.source_finding}"
    for r in rows:
        key = (r.source_kind, r.source_id)
        if r.source_kind and key not in labels:
            labels[key] = "template" if r.source_kind == "template" else r.source_kind
    return labels


def goal_row(
    g: Goal, mark: PrintItem | None = None, origins: dict[tuple, str] | None = None
) -> GoalRow:
    return GoalRow(
        id=g.id,
        plan_id=g.plan_id,
        patient_id=g.patient_id,
        description=g.description,
        patients_words=g.patients_words,
        said_by=g.said_by,
        said_by_name=g.said_by_name,
        target_on=g.target_on,
        priority_rank=g.priority_rank,
        lifecycle_status=g.lifecycle_status,
        achievement_status=g.achievement_status,
        status_reason=g.status_reason,
        source_kind=g.source_kind,
        source_id=g.source_id,
        template_key=g.template_key,
        version=g.version,
        source_label=_origin(g, origins),
        for_patient=bool(mark and mark.for_patient),
        wording=dict(mark.wording or {}) if mark else {},
    )


def _origin(row, origins: dict[tuple, str] | None) -> str:
    if row.source_kind:
        return (origins or {}).get((row.source_kind, row.source_id), "")
    return "template" if getattr(row, "template_key", None) else ""


def option_row(o: GoalOptionDiscussion) -> OptionRow:
    return OptionRow(
        id=o.id,
        goal_id=o.goal_id,
        options_discussed=o.options_discussed,
        preference=o.preference,
        reasons=o.reasons,
        decision=o.decision,
        discussed_on=o.discussed_on,
    )


def concern_row(c: PlanConcern, origins: dict[tuple, str] | None = None) -> ConcernRow:
    return ConcernRow(
        id=c.id,
        kind=c.kind,
        text=c.text,
        goal_id=c.goal_id,
        source_kind=c.source_kind,
        source_id=c.source_id,
        version=c.version,
        source_label=_origin(c, origins),
    )


def task_row(t: Task, mark: PrintItem | None = None) -> TaskRow:
    return TaskRow(
        id=t.id,
        title=t.title,
        description=t.description,
        due_on=t.due_on,
        owner_kind=t.owner_kind,
        owner_user_id=t.owner_user_id,
        owner_name=t.owner_name,
        status=t.status,
        status_reason=t.status_reason,
        repeat_every_days=t.repeat_every_days,
        done_at=t.done_at,
        source_kind=t.source_kind,
        source_id=t.source_id,
        version=t.version,
        priority=str(t.priority),
        for_patient=bool(mark and mark.for_patient) and not never_for_patient(t),
        wording=dict(mark.wording or {}) if mark else {},
    )


def member_row(m: CareTeamMember) -> TeamMemberRow:
    return TeamMemberRow(
        id=m.id,
        role=m.role,
        user_id=m.user_id,
        name=m.name,
        organisation=m.organisation,
        phone=m.phone,
        label=member_label(m),
        version=m.version,
    )


def review_row(r: CarePlanReview) -> ReviewRow:
    return ReviewRow(
        id=r.id,
        reviewed_on=r.reviewed_on,
        reviewer_id=r.reviewer_id,
        note=r.note,
        next_review_on=r.next_review_on,
        progress=[ProgressRow(p.goal_id, p.achievement_status, p.note) for p in r.progress],
    )


def teach_back_row(tb: TeachBack) -> TeachBackRow:
    return TeachBackRow(
        id=tb.id,
        goal_id=tb.goal_id,
        taught_on=tb.taught_on,
        topic=tb.topic,
        learner=tb.learner,
        learner_name=tb.learner_name,
        learner_label=teaching.learner_label(tb),
        language=tb.language,
        interpreter_used=tb.interpreter_used,
        method=tb.method,
        materials=tb.materials,
        result=tb.result,
        follow_up_on=tb.follow_up_on,
        task_id=tb.task_id,
    )


def transition_row(t: CareTransition) -> TransitionRow:
    return TransitionRow(
        id=t.id,
        facility=t.facility,
        admitted_on=t.admitted_on,
        discharged_on=t.discharged_on,
        reason=t.reason,
        lace_score=t.lace_score,
        status=t.status,
        items=[
            ChecklistItemRow(i.id, i.item_key, i.label, i.state, i.reason, i.version)
            for i in t.items
        ],
        version=t.version,
    )


def placement_row(p: LtcPlacement) -> PlacementRow:
    return PlacementRow(
        id=p.id,
        facility=p.facility,
        applied_on=p.applied_on,
        status=p.status,
        social_worker_id=p.social_worker_id,
        notes=p.notes,
        version=p.version,
    )

"""Demo care plans: goals in the patients' own words, tasks (some overdue), team, reviews,
teach-backs, a few hospital stays with discharge checklists and placements. Bulk inserts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select

from db.models import (
    CarePlan,
    CarePlanReview,
    CareTeamMember,
    CareTransition,
    DischargeItem,
    Goal,
    GoalProgress,
    LtcPlacement,
    Organization,
    OrgType,
    Patient,
    PlanConcern,
    Role,
    Task,
    TeachBack,
)
from services.care_plans.templates import file_templates
from services.care_plans.transitions import DISCHARGE_CHECKLIST, lace_score
from services.demo import conditions as cond
from services.demo.context import DemoContext

PLAN_SHARE = 0.6
# (what they said, in their words; the measurable goal; a task for the case manager)
GOALS_EN = [
    (
        "I want to walk my dog around the block again",
        "Walks 15 minutes daily by the target date",
        "Refer to physical therapy",
    ),
    (
        "I don't want to end up back in the hospital",
        "No readmission in the next 30 days",
        "Weekly check-in call",
    ),
    (
        "I want to stay in my own home",
        "Lives safely at home with support in place",
        "Home safety assessment",
    ),
    (
        "I want to be able to cook for myself",
        "Prepares own meals 5 days a week",
        "Refer to occupational therapy",
    ),
    (
        "I want to understand all these pills",
        "Takes medicines as prescribed using a pill box",
        "Medication review with pharmacist",
    ),
    (
        "I'd like to get to church on Sundays",
        "Attends church weekly with arranged transport",
        "Arrange transport",
    ),
    ("I want my sugar numbers to come down", "A1c below 8% at next check", "Order A1c lab"),
    (
        "I want to breathe easier on the stairs",
        "Uses inhalers correctly every day",
        "Inhaler teach-back",
    ),
    (
        "I want to see my grandkids graduate",
        "Keeps all heart-clinic appointments this year",
        "Book cardiology follow-up",
    ),
    (
        "I'm tired all the time and I want to feel like myself",
        "PHQ-9 down by 5 points in 12 weeks",
        "Repeat PHQ-9",
    ),
]
GOALS_ES = [
    ("Quiero volver a caminar al mercado", "Camina 15 minutos al día", "Referir a fisioterapia"),
    ("No quiero volver al hospital", "Sin reingreso en 30 días", "Llamada semanal de seguimiento"),
    (
        "Quiero quedarme en mi casa",
        "Vive seguro en casa con apoyo",
        "Evaluación de seguridad en el hogar",
    ),
    (
        "Quiero entender mis medicinas",
        "Toma sus medicinas con pastillero",
        "Revisión de medicamentos",
    ),
    (
        "Quiero cocinar para mi familia otra vez",
        "Prepara la comida 5 días por semana",
        "Referir a terapia ocupacional",
    ),
]
FAMILY_TASKS = [
    "Buy a bathroom scale",
    "Fill the pill box on Sundays",
    "Drive to the Thursday appointment",
    "Write weights in the log",
]
NEEDS = [
    ("need", "Transport to appointments"),
    ("need", "Home health nurse"),
    ("barrier", "Lives alone"),
    ("barrier", "Low health literacy"),
    ("strength", "Supportive family nearby"),
    ("strength", "Motivated to stay at home"),
]
# outside care-team members by role: (role, name, the kind of directory entry they work at)
OUTSIDE = [
    ("primary care provider", "Dr. Imani Brooks", OrgType.PRIMARY_CARE),
    ("specialist", "Dr. Tomás Ortega", OrgType.SPECIALIST),
    ("home health nurse", "Janet Wu, RN", OrgType.HOME_HEALTH),
    ("pharmacist", "Omar Haddad, PharmD", OrgType.PHARMACY),
]


def _directory(s) -> dict[OrgType, list[tuple[str, str | None]]]:
    """(name, phone) of reachable directory entries by type, partners first."""
    found: dict[OrgType, list[tuple[str, str | None]]] = {}
    rows = s.execute(
        select(Organization.name, Organization.phone, Organization.org_type, Organization.services)
        .where(Organization.phone.is_not(None))
        .order_by(Organization.id)
    )
    for name, phone, org_type, services in rows:
        if OrgType(org_type) == OrgType.HOSPITAL and "inpatient" not in (services or ""):
            continue  # a lab is not where patients stay
        found.setdefault(OrgType(org_type), []).append((name, phone))
    return found


def _goals(rng, condition: str, spanish: bool) -> list[tuple[str, str, str, str | None]]:
    """(their words, measurable goal, a task, template goal key) for the patient's plan."""
    doc = file_templates().get(condition)
    english, spanish_words = cond.WORDS.get(condition, cond.GENERAL_WORDS)
    words = spanish_words if spanish and spanish_words else english
    if doc is None:
        bank = GOALS_ES if spanish else GOALS_EN
        return [(w, m, a, None) for w, m, a in rng.sample(bank, k=rng.randint(1, 3))]
    goals = rng.sample(doc["goals"], k=rng.randint(1, len(doc["goals"])))
    out = []
    for goal in goals:
        tasks = [x["title"] for x in goal.get("tasks", []) if x["owner"] == "case_manager"]
        action = tasks[0] if tasks else "Check in on this goal"
        out.append((rng.choice(words), goal["description"], action, f"{condition}:{goal['key']}"))
    return out


def _next_id(s, model) -> int:
    return (s.scalar(select(func.max(model.id))) or 0) + 1


def seed(ctx: DemoContext) -> None:
    s, rng, on = ctx.s, ctx.rng, ctx.today
    staff = [u for u in ctx.users.values() if u.role in (Role.NURSE, Role.SOCIAL_WORKER)]
    workers = [u for u in ctx.users.values() if u.role == Role.SOCIAL_WORKER] or staff
    if not staff or not ctx.patient_ids:
        return
    info = {
        r.id: r
        for r in s.execute(
            select(
                Patient.id,
                Patient.given_name,
                Patient.family_name,
                Patient.preferred_language,
                Patient.interpreter_needed,
                Patient.primary_case_manager_id,
                Patient.status,
            ).where(Patient.id.in_(ctx.patient_ids))
        )
    }
    ids = {
        m: _next_id(s, m) for m in (CarePlan, Goal, Task, CarePlanReview, TeachBack, CareTransition)
    }
    rows: dict[type, list[dict]] = {
        m: []
        for m in (
            CarePlan,
            Goal,
            Task,
            PlanConcern,
            CareTeamMember,
            CarePlanReview,
            GoalProgress,
            TeachBack,
            CareTransition,
            DischargeItem,
            LtcPlacement,
        )
    }
    stamp = datetime.now(UTC)
    directory = _directory(s)
    hospitals = [n for n, _ in directory.get(OrgType.HOSPITAL, [])][:4] or ["Regional Hospital"]
    ltc_homes = [n for n, _ in directory.get(OrgType.SKILLED_NURSING, [])][:6]

    def new_id(model) -> int:
        ids[model] += 1
        return ids[model] - 1

    def task(
        patient_id,
        title,
        due,
        kind,
        source_id,
        owner_id=None,
        owner_name=None,
        repeat=None,
        done=False,
        owner_kind="staff",
    ):
        rows[Task].append(
            {
                "id": new_id(Task),
                "patient_id": patient_id,
                "title": title,
                "description": None,
                "owner_kind": owner_kind,
                "owner_user_id": owner_id,
                "owner_name": owner_name,
                "due_on": due,
                "priority": "urgent" if rng.random() < 0.08 else "routine",
                "status": "completed" if done else "requested",
                "status_reason": None,
                "done_at": stamp if done else None,
                "repeat_every_days": repeat,
                "source_kind": kind,
                "source_id": source_id,
                "created_by_id": owner_id,
                "version": 1,
            }
        )

    for pid in ctx.patient_ids:
        p = info[pid]
        if p.status != "active" or rng.random() > PLAN_SHARE:
            continue
        manager = p.primary_case_manager_id or rng.choice(staff).id
        start = on - timedelta(days=rng.randint(5, 200))
        status = rng.choices(["active", "draft", "on hold"], weights=[80, 15, 5])[0]
        plan_id = new_id(CarePlan)
        next_review = start + timedelta(days=30 * rng.randint(1, 8))
        rows[CarePlan].append(
            {
                "id": plan_id,
                "patient_id": pid,
                "title": "Care plan",
                "status": status,
                "status_reason": "Patient in hospital" if status == "on hold" else None,
                "is_current": True,
                "start_on": start,
                "end_on": None,
                "next_review_on": next_review,
                "author_id": manager,
                "version": 1,
            }
        )
        condition = ctx.conditions.get(pid, "")
        chosen = _goals(rng, condition, p.preferred_language == "Spanish")
        goal_ids = []
        for rank, (words, measurable, action, template_goal) in enumerate(chosen, 1):
            goal_id = new_id(Goal)
            goal_ids.append(goal_id)
            caregiver = rng.random() < 0.2
            rows[Goal].append(
                {
                    "id": goal_id,
                    "plan_id": plan_id,
                    "patient_id": pid,
                    "patients_words": words,
                    "said_by": "caregiver" if caregiver else "patient",
                    "said_by_name": f"{ctx.fake.first_name()} ({rng.choice(['daughter', 'son'])})"
                    if caregiver
                    else None,
                    "description": measurable,
                    "target_on": start + timedelta(days=rng.randint(30, 180)),
                    "priority_rank": rank,
                    "lifecycle_status": rng.choices(
                        ["active", "proposed", "completed"], weights=[75, 15, 10]
                    )[0],
                    "achievement_status": rng.choice(
                        ["in progress", "improving", "no change", "worsening"]
                    ),
                    "status_reason": None,
                    "source_kind": None,
                    "source_id": None,
                    "template_key": template_goal,
                    "created_by_id": manager,
                    "version": 1,
                }
            )
            due = on + timedelta(days=rng.randint(-20, 30))  # about a third overdue
            task(pid, action, due, "goal", goal_id, owner_id=manager, done=rng.random() < 0.2)
            if rng.random() < 0.35:
                task(
                    pid,
                    "Weekly check-in call",
                    on + timedelta(days=rng.randint(-3, 6)),
                    "goal",
                    goal_id,
                    owner_id=manager,
                    repeat=7,
                )
            if rng.random() < 0.3:
                task(
                    pid,
                    rng.choice(FAMILY_TASKS),
                    on + timedelta(days=rng.randint(-5, 14)),
                    "goal",
                    goal_id,
                    owner_name="Family caregiver",
                    owner_kind="family member",
                )
        for kind, text in rng.sample(NEEDS, k=rng.randint(1, 3)):
            rows[PlanConcern].append(
                {
                    "plan_id": plan_id,
                    "kind": kind,
                    "text": text,
                    "goal_id": None,
                    "source_kind": None,
                    "source_id": None,
                    "template_key": None,
                    "active": True,
                    "status_reason": None,
                    "version": 1,
                }
            )
        rows[CareTeamMember].append(
            {
                "plan_id": plan_id,
                "role": "primary case manager",
                "user_id": manager,
                "name": None,
                "organisation": None,
                "phone": None,
                "contact_kind": None,
                "contact_id": None,
                "active": True,
                "status_reason": None,
                "version": 1,
            }
        )
        for role, name, org_type in rng.sample(OUTSIDE, k=rng.randint(1, 3)):
            org, phone = (directory.get(org_type) or [(None, None)])[
                0 if rng.random() < 0.6 else -1
            ]
            rows[CareTeamMember].append(
                {
                    "plan_id": plan_id,
                    "role": role,
                    "user_id": None,
                    "name": name,
                    "organisation": org,
                    "phone": phone,
                    "contact_kind": None,
                    "contact_id": None,
                    "active": True,
                    "status_reason": None,
                    "version": 1,
                }
            )
        if rng.random() < 0.4 and (on - start).days > 30:
            review_on = start + timedelta(days=30)
            review_id = new_id(CarePlanReview)
            rows[CarePlanReview].append(
                {
                    "id": review_id,
                    "plan_id": plan_id,
                    "reviewed_on": review_on,
                    "reviewer_id": manager,
                    "note": rng.choice(
                        ["Good month", "Struggling with transport", "Family more involved"]
                    ),
                    "next_review_on": next_review,
                }
            )
            for goal_id in goal_ids:
                rows[GoalProgress].append(
                    {
                        "review_id": review_id,
                        "goal_id": goal_id,
                        "achievement_status": rng.choice(["improving", "no change", "in progress"]),
                        "note": None,
                    }
                )
        if rng.random() < 0.5 or not rows[TeachBack]:  # at any size, at least one
            topic, material = rng.choice(cond.TEACHING.get(condition, cond.GENERAL_TEACHING))
            result = rng.choices(
                ["explained back correctly", "demonstrated correctly", "needs reinforcement"],
                weights=[50, 30, 20],
            )[0]
            tb_id = new_id(TeachBack)
            taught = on - timedelta(days=rng.randint(1, 40))
            follow = taught + timedelta(days=7) if result == "needs reinforcement" else None
            task_id = None
            if follow:
                task_id = ids[Task]
                task(pid, f"Teach again: {topic}", follow, "teach_back", tb_id, owner_id=manager)
            rows[TeachBack].append(
                {
                    "id": tb_id,
                    "patient_id": pid,
                    "plan_id": plan_id,
                    "goal_id": goal_ids[0],
                    "taught_on": taught,
                    "topic": topic,
                    "learner": "patient",
                    "learner_name": None,
                    "language": p.preferred_language,
                    "interpreter_used": bool(p.interpreter_needed),
                    "method": rng.choice(["verbal", "demonstration", "written"]),
                    "materials": material,
                    "result": result,
                    "follow_up_on": follow,
                    "note": None,
                    "task_id": task_id,
                    "taught_by_id": manager,
                }
            )
        if rng.random() < cond.STAY_SHARE.get(condition, 0.04) or not rows[CareTransition]:
            admitted = on - timedelta(days=rng.randint(3, 60))
            los = rng.randint(2, 9)
            closed = rng.random() < 0.5
            t_id = new_id(CareTransition)
            rows[CareTransition].append(
                {
                    "id": t_id,
                    "patient_id": pid,
                    "plan_id": plan_id,
                    "facility": rng.choice(hospitals),
                    "admitted_on": admitted,
                    "discharged_on": admitted + timedelta(days=los),
                    "reason": rng.choice(
                        cond.STAY_REASONS.get(condition, cond.GENERAL_STAY_REASONS)
                    ),
                    "lace_score": lace_score(los, True, rng.randint(0, 4), rng.randint(0, 3)),
                    "lace_source": "computed",
                    "status": "closed" if closed else "open",
                    "closed_at": stamp if closed else None,
                    "created_by_id": manager,
                    "version": 1,
                }
            )
            for i, (key, label) in enumerate(DISCHARGE_CHECKLIST):
                state = "done" if closed or rng.random() < 0.5 else "open"
                reason = None
                if closed and key == "equipment" and rng.random() < 0.5:
                    state, reason = "not applicable", "No equipment needed"
                rows[DischargeItem].append(
                    {
                        "transition_id": t_id,
                        "item_key": key,
                        "label": label,
                        "position": i,
                        "state": state,
                        "reason": reason,
                        "updated_at": stamp,
                        "updated_by_id": manager,
                        "version": 1,
                    }
                )
        placement = rng.random() < (0.6 if condition == "ltc_placement" else 0.01)
        if (placement or not rows[LtcPlacement]) and ltc_homes:
            rows[LtcPlacement].append(
                {
                    "patient_id": pid,
                    "facility": rng.choice(ltc_homes),
                    "applied_on": on - timedelta(days=rng.randint(5, 90)),
                    "status": rng.choice(["applied", "waitlisted", "accepted"]),
                    "social_worker_id": rng.choice(workers).id,
                    "notes": None,
                    "version": 1,
                }
            )
    for model, batch in rows.items():
        if batch:
            s.execute(insert(model), batch)

"""The demo seeder's care-plan step: plans for a good share of patients, all kinds of rows."""

from __future__ import annotations

from sqlalchemy import func, select

from db.models import CarePlan, CareTransition, Goal, Task, TeachBack
from services.care_plans import view as plan_view
from services.core.identity import SYSTEM
from services.demo import seed_demo


def test_demo_seeds_living_plans_in_patients_words(s):
    ctx = seed_demo(s, patients=120, seed=7)
    plans = s.scalar(select(func.count(CarePlan.id)))
    assert 0.4 * 120 < plans < 0.8 * 120
    assert s.scalar(select(func.count(Goal.id)).where(Goal.patients_words.is_not(None))) >= plans
    overdue = s.scalar(
        select(func.count(Task.id)).where(Task.due_on < ctx.today, Task.status == "requested")
    )
    assert overdue > 0
    assert s.scalar(select(func.count(TeachBack.id))) > 0
    assert s.scalar(select(func.count(CareTransition.id))) > 0
    plan = s.scalar(select(CarePlan).limit(1))
    view = plan_view.load_plan_view(s, SYSTEM, plan.patient_id)
    assert view.goals and view.tasks and view.team

"""Care-plan service rules (issue 4), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.models import (
    Achievement,
    AuditEvent,
    GoalLifecycle,
    OwnerKind,
    Patient,
    PlanStatus,
    Role,
    Task,
    TaskStatus,
)
from services.care_plans import concerns as plan_concerns
from services.care_plans import goals as plan_goals
from services.care_plans import intake_handoff, interventions
from services.care_plans import plans as care_plans
from services.care_plans import reviews as plan_reviews
from services.care_plans import team as care_team
from services.care_plans import view as plan_view
from services.care_plans.goals import GoalInput
from services.care_plans.plans import PlanInput
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from tests.unit.careplan_factories import make_patient, make_plan, words_goal


def _events(s, entity):
    return list(s.scalars(select(AuditEvent).where(AuditEvent.entity == entity)))


def test_one_living_plan_per_patient_and_history_stays_readable(s, nurse):
    plan = make_plan(s, nurse)
    with pytest.raises(InvalidInput) as err:
        care_plans.start_plan(s, nurse, plan.patient_id)
    assert "plan" in err.value.errors
    data = PlanInput.of(plan)
    data.status = PlanStatus.COMPLETED
    care_plans.update_plan(s, nurse, plan.id, data, expected_version=plan.version)
    assert plan.is_current is False and plan.end_on is not None
    second = care_plans.start_plan(s, nurse, plan.patient_id, start_on=date(2026, 5, 1))
    history = care_plans.plan_history(s, plan.patient_id)
    assert [p.id for p in history] == [second.id, plan.id]
    view = plan_view.load_plan_view(s, nurse, plan.patient_id, plan_id=plan.id)
    assert view.plan.status == PlanStatus.COMPLETED
    # an earlier plan is read only
    with pytest.raises(InvalidInput) as err:
        plan_goals.add_goal(s, nurse, plan.id, words_goal())
    assert "plan" in err.value.errors


def test_history_plan_cannot_be_reopened(s, nurse):
    plan = make_plan(s, nurse)
    data = PlanInput.of(plan)
    data.status, data.status_reason = PlanStatus.REVOKED, "Moved out of area"
    care_plans.update_plan(s, nurse, plan.id, data, expected_version=plan.version)
    data.status = PlanStatus.ACTIVE
    with pytest.raises(InvalidInput) as err:
        care_plans.update_plan(s, nurse, plan.id, data, expected_version=plan.version)
    assert "status" in err.value.errors


def test_revoking_needs_a_reason(s, nurse):
    plan = make_plan(s, nurse)
    data = PlanInput.of(plan)
    data.status = PlanStatus.REVOKED
    with pytest.raises(InvalidInput) as err:
        care_plans.update_plan(s, nurse, plan.id, data, expected_version=plan.version)
    assert "status_reason" in err.value.errors
    assert plan.is_current


def test_only_clinical_roles_change_plans(s, nurse, make_actor):
    plan = make_plan(s, nurse)
    for role in (Role.SCHEDULER, Role.VIEWER):
        other = make_actor(role)
        with pytest.raises(PermissionDenied):
            plan_goals.add_goal(s, other, plan.id, words_goal())
        with pytest.raises(PermissionDenied):
            care_plans.start_plan(s, other, make_patient(s, given=f"X{role}").id)
        # but they read
        assert plan_view.load_plan_view(s, other, plan.patient_id).plan.id == plan.id
    for role in (Role.SOCIAL_WORKER, Role.ADMIN):
        plan_goals.add_goal(s, make_actor(role), plan.id, words_goal())


def test_goal_in_patients_words_is_saved_and_audited(s, nurse):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(
        s,
        nurse,
        plan.id,
        words_goal(said_by="caregiver", said_by_name="María (daughter)", priority_rank=2),
    )
    assert goal.patients_words == "I want to walk to the shop by myself again"
    assert goal.said_by_name == "María (daughter)"
    assert goal.lifecycle_status == GoalLifecycle.ACTIVE
    assert goal.achievement_status == Achievement.IN_PROGRESS
    assert [e.entity_id for e in _events(s, "care_goal")] == [str(goal.id)]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"description": "   "}, "description"),
        ({"target_on": date(2026, 1, 9)}, "target_on"),
        ({"patients_words": ""}, "patients_words"),  # active goal needs their words
        ({"said_by": "caregiver", "said_by_name": ""}, "said_by_name"),
        ({"priority_rank": 0}, "priority_rank"),
        ({"lifecycle_status": "cancelled", "status_reason": ""}, "status_reason"),
        ({"lifecycle_status": "maybe"}, "lifecycle_status"),
    ],
)
def test_bad_goal_refused_at_the_field_nothing_saved(s, nurse, change, field):
    plan = make_plan(s, nurse)
    with pytest.raises(InvalidInput) as err:
        plan_goals.add_goal(s, nurse, plan.id, words_goal(**change))
    assert field in err.value.errors
    assert plan_goals.goals(s, plan.id) == []
    assert _events(s, "care_goal") == []


def test_proposed_goal_may_wait_for_the_patients_words(s, nurse):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(
        s,
        nurse,
        plan.id,
        GoalInput(description="Fewer ER visits", source_kind="intake_finding", source_id=7),
    )
    assert goal.lifecycle_status == GoalLifecycle.PROPOSED
    assert (goal.source_kind, goal.source_id) == ("intake_finding", 7)


def test_goal_edit_conflict_shows_both_versions(s, nurse, make_actor):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(s, nurse, plan.id, words_goal())
    opened = goal.version
    other = make_actor(Role.SOCIAL_WORKER)
    theirs = GoalInput.of(goal)
    theirs.description = "Walk to church on Sunday"
    plan_goals.update_goal(s, other, goal.id, theirs, expected_version=opened)
    mine = GoalInput.of(goal)
    mine.description = "Walk to the park"
    with pytest.raises(Conflict) as err:
        plan_goals.update_goal(s, nurse, goal.id, mine, expected_version=opened)
    assert err.value.theirs["description"] == "Walk to church on Sunday"
    assert err.value.mine["description"] == "Walk to the park"
    assert goal.description == "Walk to church on Sunday"


def test_plan_edit_conflict(s, nurse, make_actor):
    plan = make_plan(s, nurse)
    opened = plan.version
    first = PlanInput.of(plan)
    first.title = "Heart failure plan"
    care_plans.update_plan(s, make_actor(Role.ADMIN), plan.id, first, expected_version=opened)
    second = PlanInput.of(plan)
    second.title = "Diabetes plan"
    with pytest.raises(Conflict) as err:
        care_plans.update_plan(s, nurse, plan.id, second, expected_version=opened)
    assert err.value.theirs["title"] == "Heart failure plan"
    assert plan.title == "Heart failure plan"


def test_plan_start_after_goal_target_refused(s, nurse):
    plan = make_plan(s, nurse)
    plan_goals.add_goal(s, nurse, plan.id, words_goal(target_on=date(2026, 2, 1)))
    data = PlanInput.of(plan)
    data.start_on = date(2026, 2, 15)
    with pytest.raises(InvalidInput) as err:
        care_plans.update_plan(s, nurse, plan.id, data, expected_version=plan.version)
    assert "start_on" in err.value.errors


def test_options_discussion_recorded(s, nurse):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(s, nurse, plan.id, words_goal())
    with pytest.raises(InvalidInput) as err:
        plan_goals.record_options(s, nurse, goal.id, options_discussed=" ")
    assert "options_discussed" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        plan_goals.record_options(
            s, nurse, goal.id, options_discussed="PT at home\nPT at clinic", preference="home"
        )
    assert "reasons" in err.value.errors
    row = plan_goals.record_options(
        s,
        nurse,
        goal.id,
        options_discussed="PT at home\nPT at clinic",
        preference="PT at home",
        reasons="No car; bus stop is far",
        decision="Refer to home health PT",
    )
    assert plan_goals.option_discussions(s, [goal.id]) == [row]
    assert _events(s, "care_goal_option")


def test_needs_linked_to_assessment_and_archived_with_reason(s, nurse):
    plan = make_plan(s, nurse)
    with pytest.raises(InvalidInput) as err:
        plan_concerns.add_concern(s, nurse, plan.id, "need", "Transport", source_kind="phq9")
    assert "source" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        plan_concerns.add_concern(s, nurse, plan.id, "wish", "")
    assert {"kind", "text"} <= set(err.value.errors)
    need = plan_concerns.add_concern(
        s, nurse, plan.id, "need", "Transport to dialysis", source_kind="assessment", source_id=12
    )
    plan_concerns.add_concern(s, nurse, plan.id, "strength", "Daughter visits daily")
    with pytest.raises(InvalidInput):
        plan_concerns.archive_concern(s, nurse, need.id, "", expected_version=need.version)
    plan_concerns.archive_concern(
        s, nurse, need.id, "Ride service set up", expected_version=need.version
    )
    assert [c.kind for c in plan_concerns.concerns(s, plan.id)] == ["strength"]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"due_on": None}, "due_on"),
        ({"owner_user_id": None}, "owner"),
        ({"owner_kind": "family member", "owner_name": " "}, "owner"),
        ({"title": ""}, "title"),
        ({"repeat_every_days": 0}, "repeat_every_days"),
    ],
)
def test_task_without_owner_or_due_date_refused(s, nurse, kw, field):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(s, nurse, plan.id, words_goal())
    args = {"title": "Weekly call", "due_on": date(2026, 1, 20), "owner_user_id": nurse.id}
    args.update(kw)
    with pytest.raises(InvalidInput) as err:
        interventions.add_goal_task(s, nurse, goal.id, **args)
    assert field in err.value.errors
    assert interventions.plan_tasks(s, plan) == []


def test_tasks_under_goals_with_owners_and_repeats(s, nurse):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(s, nurse, plan.id, words_goal())
    weekly = interventions.add_goal_task(
        s,
        nurse,
        goal.id,
        title="Weekly check-in call",
        due_on=date(2026, 1, 20),
        owner_user_id=nurse.id,
        repeat_every_days=7,
    )
    family = interventions.add_goal_task(
        s,
        nurse,
        goal.id,
        title="Buy a scale",
        due_on=date(2026, 1, 15),
        owner_kind=OwnerKind.FAMILY,
        owner_name="Luis (son)",
    )
    assert (weekly.source_kind, weekly.source_id) == ("goal", goal.id)
    assert family.owner_user_id is None and family.owner_name == "Luis (son)"
    interventions.update_task(
        s,
        nurse,
        weekly.id,
        title=weekly.title,
        due_on=weekly.due_on,
        owner_kind="staff",
        owner_user_id=nurse.id,
        owner_name=None,
        status="completed",
        status_reason=None,
        expected_version=weekly.version,
    )
    titles = [(t.title, t.due_on, t.status) for t in interventions.plan_tasks(s, plan)]
    assert ("Weekly check-in call", date(2026, 1, 27), TaskStatus.REQUESTED) in titles
    assert len(interventions.plan_tasks(s, plan, open_only=True)) == 2


def test_task_edit_conflict_and_hold_reason(s, nurse, make_actor):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(s, nurse, plan.id, words_goal())
    task = interventions.add_goal_task(
        s, nurse, goal.id, title="Call pharmacy", due_on=date(2026, 1, 20), owner_user_id=nurse.id
    )
    opened = task.version
    common = {
        "due_on": task.due_on,
        "owner_kind": "staff",
        "owner_user_id": nurse.id,
        "owner_name": None,
        "status_reason": None,
    }
    with pytest.raises(InvalidInput) as err:
        interventions.update_task(
            s,
            nurse,
            task.id,
            title="Call pharmacy",
            status="on hold",
            expected_version=opened,
            **common,
        )
    assert "status_reason" in err.value.errors
    interventions.update_task(
        s,
        make_actor(Role.ADMIN),
        task.id,
        title="Call CVS pharmacy",
        status="requested",
        expected_version=opened,
        **common,
    )
    with pytest.raises(Conflict) as err:
        interventions.update_task(
            s,
            nurse,
            task.id,
            title="Call Walgreens",
            status="requested",
            expected_version=opened,
            **common,
        )
    assert err.value.theirs["title"] == "Call CVS pharmacy"


def test_care_team_internal_or_outside(s, nurse):
    plan = make_plan(s, nurse)
    with pytest.raises(InvalidInput) as err:
        care_team.add_team_member(s, nurse, plan.id, "pharmacist")
    assert "member" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        care_team.add_team_member(s, nurse, plan.id, "wizard", name="X")
    assert "role" in err.value.errors
    mine = care_team.add_team_member(s, nurse, plan.id, "primary case manager", user_id=nurse.id)
    pcp = care_team.add_team_member(
        s,
        nurse,
        plan.id,
        "primary care provider",
        name="Dr. Imani Brooks",
        organisation="Eastside Clinic",
        phone="+1 212 555 0100",
        contact_kind="contact",
        contact_id=4,
    )
    assert care_team.member_label(mine) == "Nora Nurse"
    assert care_team.member_label(pcp) == "Dr. Imani Brooks (Eastside Clinic)"
    care_team.remove_team_member(s, nurse, pcp.id, "Changed doctor", expected_version=pcp.version)
    assert [m.id for m in care_team.team(s, plan.id)] == [mine.id]


def test_review_records_progress_next_date_and_history(s, nurse):
    plan = make_plan(s, nurse)
    g1 = plan_goals.add_goal(s, nurse, plan.id, words_goal())
    g2 = plan_goals.add_goal(s, nurse, plan.id, words_goal(description="Take pills daily"))
    on = date(2026, 2, 1)
    with pytest.raises(InvalidInput) as err:
        plan_reviews.record_review(
            s,
            nurse,
            plan.id,
            progress={g1.id: ("improving", "")},
            next_review_on=on,
            reviewed_on=on,
            expected_version=plan.version,
        )
    assert "next_review_on" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        plan_reviews.record_review(
            s,
            nurse,
            plan.id,
            progress={g1.id: ("great", "")},
            next_review_on=on + timedelta(days=30),
            reviewed_on=on,
            expected_version=plan.version,
        )
    assert f"goal.{g1.id}" in err.value.errors
    plan_reviews.record_review(
        s,
        nurse,
        plan.id,
        progress={g1.id: ("improving", "Walked half way"), g2.id: ("achieved", "Pill box works")},
        next_review_on=on + timedelta(days=30),
        note="Good month",
        reviewed_on=on,
        expected_version=plan.version,
    )
    plan_reviews.record_review(
        s,
        nurse,
        plan.id,
        progress={g1.id: ("no change", "")},
        next_review_on=on + timedelta(days=60),
        reviewed_on=on + timedelta(days=30),
    )
    assert g1.achievement_status == Achievement.NO_CHANGE
    assert g2.achievement_status == Achievement.ACHIEVED
    assert g2.lifecycle_status == GoalLifecycle.COMPLETED
    assert plan.next_review_on == on + timedelta(days=60)
    history = plan_reviews.reviews(s, plan.id)
    assert len(history) == 2 and history[1].progress[0].note == "Walked half way"
    detail = json.loads(_events(s, "care_plan_review")[0].detail)
    assert str(g2.id) in detail["goals"]


def test_review_conflict_when_plan_changed(s, nurse, make_actor):
    plan = make_plan(s, nurse)
    opened = plan.version
    data = PlanInput.of(plan)
    data.title = "Changed"
    care_plans.update_plan(s, make_actor(Role.ADMIN), plan.id, data, expected_version=opened)
    with pytest.raises(Conflict):
        plan_reviews.record_review(
            s,
            nurse,
            plan.id,
            progress={},
            next_review_on=date(2026, 12, 1),
            expected_version=opened,
        )


def test_intake_suggestions_arrive_linked_and_not_twice(s, nurse):
    patient = make_patient(s)
    suggestions = [
        {
            "kind": "goal",
            "text": "Stay out of hospital",
            "source_kind": "intake_finding",
            "source_id": 1,
        },
        {
            "kind": "need",
            "text": "Home health nurse",
            "source_kind": "intake_finding",
            "source_id": 2,
        },
        {
            "kind": "task",
            "text": "Arrange transport for visits",
            "source_kind": "intake_finding",
            "source_id": 3,
            "origin": "From the intake of 2026-12-03: needs transport",
        },
    ]
    plan = intake_handoff.start_plan_from_suggestions(s, nurse, patient.id, suggestions)
    intake_handoff.start_plan_from_suggestions(s, nurse, patient.id, suggestions)
    [goal] = plan_goals.goals(s, plan.id)
    assert goal.lifecycle_status == GoalLifecycle.PROPOSED
    assert (goal.source_kind, goal.source_id) == ("intake_finding", 1)
    [need] = plan_concerns.concerns(s, plan.id)
    assert (need.source_kind, need.source_id) == ("intake_finding", 2)
    [task] = interventions.plan_tasks(s, plan)
    assert task.owner_user_id == nurse.id
    assert task.description == "From the intake of 2026-12-03: needs transport"
    with pytest.raises(InvalidInput) as err:
        intake_handoff.start_plan_from_suggestions(
            s, nurse, patient.id, [{"kind": "goal", "text": ""}]
        )
    assert "suggestions.0.text" in err.value.errors


def test_plans_due_for_review_on_my_day(s, nurse):
    from services.overview import my_day as worklist

    plan = make_plan(s, nurse, start_on=date(2026, 1, 1))
    patient = s.get(Patient, plan.patient_id)
    patient.primary_case_manager_id = nurse.id
    data = PlanInput.of(plan)
    data.status = PlanStatus.ACTIVE
    data.next_review_on = date(2026, 2, 1)
    care_plans.update_plan(s, nurse, plan.id, data, expected_version=plan.version)
    s.flush()
    sections = worklist.my_day(s, nurse, date(2026, 2, 3))
    due = next(x for x in sections if x.title == "Care plans due for review")
    assert due.urgent and due.rows[0]["When"] == "OVERDUE"


def test_every_change_is_audited(s, nurse):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(s, nurse, plan.id, words_goal())
    data = GoalInput.of(goal)
    data.target_on = date(2026, 4, 1)
    plan_goals.update_goal(s, nurse, goal.id, data, expected_version=goal.version)
    [_, update] = _events(s, "care_goal")
    assert json.loads(update.detail)["changes"]["target_on"] == {
        "before": "2026-03-01",
        "after": "2026-04-01",
    }
    assert all(e.category == "care plan" for e in _events(s, "care_plan"))
    assert s.scalar(select(Task).limit(1)) is None

"""Teach-back log, transitions with the discharge checklist, LACE, LTC placement."""

from __future__ import annotations

from datetime import date

import pytest

from db.models import ChecklistState, Role, TaskStatus, TeachResult, TransitionStatus
from services.care_plans import goals as plan_goals
from services.care_plans import interventions, teaching, transitions
from services.care_plans.teaching import TeachBackInput
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from tests.unit.careplan_factories import make_plan, words_goal


def _teach(**kw) -> TeachBackInput:
    base = {
        "topic": "Daily weights",
        "learner": "caregiver",
        "learner_name": "María (daughter)",
        "language": "Spanish",
        "interpreter_used": True,
        "method": "demonstration",
        "materials": "Weight log sheet (Spanish)",
        "result": "explained back correctly",
        "taught_on": date(2026, 1, 12),
    }
    base.update(kw)
    return TeachBackInput(**base)


def test_teach_back_recorded_with_every_field(s, nurse):
    plan = make_plan(s, nurse)
    goal = plan_goals.add_goal(s, nurse, plan.id, words_goal())
    row = teaching.record_teach_back(s, nurse, plan.patient_id, _teach(goal_id=goal.id))
    assert (row.plan_id, row.goal_id, row.interpreter_used, row.learner_name) == (
        plan.id,
        goal.id,
        True,
        "María (daughter)",
    )
    assert row.task_id is None
    assert teaching.teach_backs(s, plan.id) == [row]


def test_needs_reinforcement_becomes_a_task(s, nurse):
    plan = make_plan(s, nurse)
    row = teaching.record_teach_back(
        s,
        nurse,
        plan.patient_id,
        _teach(result=TeachResult.REINFORCE, follow_up_on=date(2026, 1, 19)),
    )
    [task] = interventions.plan_tasks(s, plan)
    assert task.id == row.task_id
    assert task.title == "Teach again: Daily weights"
    assert task.due_on == date(2026, 1, 19) and task.status == TaskStatus.REQUESTED


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"topic": ""}, "topic"),
        ({"learner_name": ""}, "learner_name"),
        ({"method": "telepathy"}, "method"),
        ({"result": "needs reinforcement", "follow_up_on": None}, "follow_up_on"),
        ({"follow_up_on": date(2026, 1, 1)}, "follow_up_on"),
        ({"language": " "}, "language"),
    ],
)
def test_bad_teach_back_refused(s, nurse, kw, field):
    plan = make_plan(s, nurse)
    with pytest.raises(InvalidInput) as err:
        teaching.record_teach_back(s, nurse, plan.patient_id, _teach(**kw))
    assert field in err.value.errors
    assert teaching.teach_backs(s, plan.id) == []


def test_lace_score():
    assert transitions.lace_score(0, False, 0, 0) == 0
    assert transitions.lace_score(5, True, 2, 1) == 4 + 3 + 2 + 1
    assert transitions.lace_score(20, True, 6, 9) == 7 + 3 + 5 + 4 == 19


def test_transition_closes_only_when_checklist_done(s, nurse, make_actor):
    plan = make_plan(s, nurse)
    t = transitions.record_transition(
        s,
        nurse,
        plan.patient_id,
        facility="St. Jude Hospital",
        admitted_on=date(2026, 1, 2),
        reason="Heart failure exacerbation",
        lace=transitions.lace_score(5, True, 2, 1),
    )
    assert t.plan_id == plan.id and len(t.items) == 7 and t.lace_source == "computed"
    with pytest.raises(InvalidInput) as err:
        transitions.close_transition(s, nurse, t.id, discharged_on=date(2026, 1, 7))
    assert "checklist" in err.value.errors and "Transport arranged" in err.value.errors["checklist"]
    assert t.status == TransitionStatus.OPEN
    equipment = next(i for i in t.items if i.item_key == "equipment")
    with pytest.raises(InvalidInput) as err:
        transitions.set_checklist_item(s, nurse, equipment.id, "not applicable", reason=" ")
    assert "item.equipment" in err.value.errors
    transitions.set_checklist_item(
        s, nurse, equipment.id, "not applicable", reason="No equipment needed"
    )
    for item in t.items:
        if item.state == ChecklistState.OPEN:
            transitions.set_checklist_item(s, nurse, item.id, "done")
    with pytest.raises(InvalidInput) as err:
        transitions.close_transition(s, nurse, t.id, discharged_on=date(2026, 1, 1))
    assert "discharged_on" in err.value.errors
    transitions.close_transition(s, nurse, t.id, discharged_on=date(2026, 1, 7))
    assert t.status == TransitionStatus.CLOSED
    with pytest.raises(InvalidInput):
        transitions.set_checklist_item(s, nurse, equipment.id, "open")
    with pytest.raises(PermissionDenied):
        transitions.record_transition(
            s,
            make_actor(Role.SCHEDULER),
            plan.patient_id,
            facility="X",
            admitted_on=date(2026, 1, 1),
        )


def test_transition_validation(s, nurse):
    plan = make_plan(s, nurse)
    with pytest.raises(InvalidInput) as err:
        transitions.record_transition(
            s,
            nurse,
            plan.patient_id,
            facility="",
            admitted_on=date(2026, 1, 5),
            discharged_on=date(2026, 1, 1),
            lace=25,
        )
    assert {"facility", "discharged_on", "lace"} <= set(err.value.errors)


def test_ltc_placement_tracker(s, nurse, make_actor):
    plan = make_plan(s, nurse)
    sw = make_actor(Role.SOCIAL_WORKER)
    viewer = make_actor(Role.VIEWER)
    with pytest.raises(InvalidInput) as err:
        transitions.add_placement(
            s, sw, plan.patient_id, facility="", applied_on=None, social_worker_id=viewer.id
        )
    assert {"facility", "applied_on", "social_worker_id"} <= set(err.value.errors)
    row = transitions.add_placement(
        s,
        sw,
        plan.patient_id,
        facility="Maple Grove Care Home",
        applied_on=date(2026, 1, 5),
        social_worker_id=sw.id,
    )
    opened = row.version
    transitions.update_placement(
        s, sw, row.id, status="waitlisted", notes="Number 4 on list", expected_version=opened
    )
    with pytest.raises(Conflict):
        transitions.update_placement(s, nurse, row.id, status="declined", expected_version=opened)
    assert transitions.placements_for(s, plan.patient_id)[0].status == "waitlisted"

"""Templates: data files valid against the schema, preview/apply, no duplicates, admin edits."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from sqlalchemy import select

from db.models import AuditEvent, GoalLifecycle, OwnerKind, Role
from services.care_plans import concerns as plan_concerns
from services.care_plans import goals as plan_goals
from services.care_plans import interventions
from services.care_plans import templates as tpl
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from tests.unit.careplan_factories import make_plan

EXPECTED = {
    "heart_failure_discharge",
    "diabetes",
    "copd",
    "falls_risk",
    "depression",
    "caregiver_strain",
    "ltc_placement",
    "home_health_start",
}


def test_every_shipped_template_is_valid():
    assert set(tpl.file_templates()) == EXPECTED
    for doc in tpl.file_templates().values():
        assert tpl.validate(doc) == {}


@pytest.mark.parametrize(
    ("doc", "where"),
    [
        ({"key": "x1", "title": "Bad"}, "template"),
        (
            {"key": "Bad Key", "title": "Ok title", "goals": [{"key": "a1", "description": "abc"}]},
            "key",
        ),
        (
            {
                "key": "ok",
                "title": "Ok title",
                "goals": [
                    {
                        "key": "a1",
                        "description": "abc",
                        "tasks": [{"title": "Call", "owner": "robot", "due_days": 1}],
                    }
                ],
            },
            "goals.0.tasks.0.owner",
        ),
    ],
)
def test_schema_names_the_bad_value(doc, where):
    assert where in tpl.validate(doc)


def test_preview_then_apply_with_one_item_left_out_and_one_edited(s, nurse):
    plan = make_plan(s, nurse, start_on=date(2026, 1, 10))
    items = tpl.preview(s, nurse, plan.id, "heart_failure_discharge", on=date(2026, 1, 10))
    goals = [i for i in items if i["kind"] == "goal"]
    assert len(goals) == 3 and all(i["include"] for i in items)
    items[0]["text"] = "Weighs every morning (edited)"
    low_salt = next(i for i in items if i["ref"].endswith(":low_salt"))
    low_salt["include"] = False
    added = tpl.apply_template(s, nurse, plan.id, "heart_failure_discharge", items)
    assert added["goals"] == 2
    assert added["tasks"] == 5  # the low-salt goal's task goes with it
    texts = [g.description for g in plan_goals.goals(s, plan.id)]
    assert "Weighs every morning (edited)" in texts
    assert not any("salt" in t for t in texts)
    assert all(g.lifecycle_status == GoalLifecycle.PROPOSED for g in plan_goals.goals(s, plan.id))
    tasks = interventions.plan_tasks(s, plan)
    family = next(t for t in tasks if t.owner_kind == OwnerKind.FAMILY)
    assert family.owner_name == "Family caregiver"
    weekly = next(t for t in tasks if t.repeat_every_days == 7)
    assert weekly.owner_user_id == nurse.id and weekly.due_on == date(2026, 1, 13)


def test_applying_twice_adds_no_duplicate_goals(s, nurse):
    plan = make_plan(s, nurse)
    first = tpl.apply_template(
        s, nurse, plan.id, "diabetes", tpl.preview(s, nurse, plan.id, "diabetes")
    )
    again = tpl.preview(s, nurse, plan.id, "diabetes")
    assert all(i["already_on_plan"] and not i["include"] for i in again)
    for i in again:  # even if the user ticks them all again
        i["include"] = True
    second = tpl.apply_template(s, nurse, plan.id, "diabetes", again)
    assert first["goals"] == 3 and second["goals"] == 0 and second["tasks"] == 0
    assert len(plan_goals.goals(s, plan.id)) == 3
    assert len(plan_concerns.concerns(s, plan.id)) == 1


def test_apply_refuses_blank_item_and_saves_nothing(s, nurse):
    plan = make_plan(s, nurse)
    items = tpl.preview(s, nurse, plan.id, "copd")
    items[1]["text"] = "  "
    with pytest.raises(InvalidInput) as err:
        tpl.apply_template(s, nurse, plan.id, "copd", items)
    assert f"item.{items[1]['ref']}" in err.value.errors
    assert plan_goals.goals(s, plan.id) == []


def test_apply_refuses_goal_target_before_plan_start(s, nurse):
    plan = make_plan(s, nurse, start_on=date(2026, 1, 10))
    items = tpl.preview(s, nurse, plan.id, "copd")
    items[0]["date"] = date(2026, 1, 1)
    with pytest.raises(InvalidInput) as err:
        tpl.apply_template(s, nurse, plan.id, "copd", items)
    assert f"item.{items[0]['ref']}" in err.value.errors


def test_viewer_cannot_apply(s, nurse, make_actor):
    plan = make_plan(s, nurse)
    with pytest.raises(PermissionDenied):
        tpl.preview(s, make_actor(Role.VIEWER), plan.id, "copd")


def test_admin_edit_is_validated_versioned_and_audited(s, make_actor):
    admin = make_actor(Role.ADMIN)
    body, version = tpl.template_text(s, "copd")
    assert version == 0
    with pytest.raises(InvalidInput) as err:
        tpl.save_template(s, admin, "key: copd\ntitle: COPD\n", expected_version=0)
    assert "goals" in err.value.errors["body"] or "template" in err.value.errors["body"]
    with pytest.raises(InvalidInput):
        tpl.save_template(s, admin, "key: [unclosed", expected_version=0)
    doc = yaml.safe_load(body)
    doc["title"] = "COPD (clinic version)"
    row = tpl.save_template(s, admin, yaml.safe_dump(doc), expected_version=0, note="Our wording")
    assert row.version == 1
    assert tpl.template(s, "copd")[0]["title"] == "COPD (clinic version)"
    doc["title"] = "COPD v2"
    tpl.save_template(s, admin, yaml.safe_dump(doc), expected_version=1)
    with pytest.raises(Conflict):
        tpl.save_template(s, admin, yaml.safe_dump(doc), expected_version=1)
    assert [v.version for v in tpl.template_versions(s, "copd")] == [2, 1]
    events = list(s.scalars(select(AuditEvent).where(AuditEvent.entity == "care_plan_template")))
    assert [e.entity_id for e in events] == ["copd@1", "copd@2"]


def test_only_admin_edits_templates(s, nurse):
    body, _ = tpl.template_text(s, "copd")
    with pytest.raises(PermissionDenied):
        tpl.save_template(s, nurse, body, expected_version=0)

"""Scenario definitions: the schema and the checks behind it, and the administrator's
versions (a run keeps the version it started with)."""

from __future__ import annotations

import copy

import pytest
import yaml
from sqlalchemy import select

from db.models import AuditEvent, Role, User
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from services.core.identity import Actor
from services.demo import seed_demo
from services.training import runs, scenarios


def shipped(key: str = "first_morning") -> dict:
    return copy.deepcopy(scenarios.file_scenarios()[key])


def test_every_shipped_scenario_is_valid_and_reads_well():
    for key, doc in scenarios.file_scenarios().items():
        assert scenarios.validate(doc) == {}, key
        assert doc["story"].strip() and doc["summary"].strip()
        assert all(step["hint"].strip() for step in doc["steps"])


@pytest.mark.parametrize(
    "change,where,words",
    [
        (
            lambda d: d["steps"][0]["check"].update(kind="telepathy"),
            "steps.0.check.kind",
            "telepathy",
        ),
        (lambda d: d["steps"][1]["check"].update(patient="nobody"), "steps.1.check", "nobody"),
        (lambda d: d["steps"][1]["check"].pop("patient"), "steps.1.check", "needs 'patient'"),
        (lambda d: d["steps"].append(copy.deepcopy(d["steps"][0])), "steps", "its own key"),
        (lambda d: d["patients"][0].update(age=12), "patients.0.age", "less than the minimum"),
        (lambda d: d.update(roles=["janitor"]), "roles.0", "janitor"),
        (lambda d: d.pop("story"), "scenario", "story"),
    ],
)
def test_a_bad_scenario_is_refused_with_where_and_why(change, where, words):
    doc = shipped()
    change(doc)
    problems = scenarios.validate(doc)
    assert where in problems and words in problems[where], problems


def test_text_that_is_not_a_scenario_is_refused_plainly():
    with pytest.raises(InvalidInput) as refused:
        scenarios.parse("key: [unclosed")
    assert "not valid YAML" in refused.value.errors["body"]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdef", "bcdefg", strict=True)
    )
    with pytest.raises(InvalidInput) as refused:
        scenarios.parse(bomb)
    assert "aliases" in refused.value.errors["body"]


@pytest.fixture
def demo(s):
    seed_demo(s, patients=3, seed=2)
    return s


def actor(s, username):
    user = s.scalar(select(User).where(User.username == username))
    return Actor(user.id, user.username, user.display_name, Role(user.role))


def test_an_administrators_edit_is_a_new_version_and_runs_keep_theirs(demo):
    s = demo
    admin, trainee = actor(s, "admin"), actor(s, "trainee1")
    before = runs.start(s, trainee, "first_morning")
    doc = shipped()
    doc["title"] = "Your very first morning"
    doc["steps"] = doc["steps"][:3]
    row = scenarios.save_scenario(
        s, admin, yaml.safe_dump(doc, allow_unicode=True), expected_version=0, note="shorter"
    )
    assert row.version == 1
    assert scenarios.scenario(s, "first_morning")[0]["title"] == "Your very first morning"
    assert len(runs.state(s, before).steps) == 6  # started before the edit: unchanged
    after = runs.start(s, actor(s, "trainee2"), "first_morning")
    assert after.scenario_version == 1 and len(runs.state(s, after).steps) == 3
    event = s.scalar(select(AuditEvent).where(AuditEvent.entity == "training_scenario"))
    assert event.entity_id == "first_morning@1" and event.user_id == admin.id
    with pytest.raises(Conflict):  # someone saved in between
        scenarios.save_scenario(s, admin, yaml.safe_dump(doc), expected_version=0)
    with pytest.raises(InvalidInput) as refused:  # a "new" one may not take an existing key
        scenarios.save_scenario(s, admin, yaml.safe_dump(doc), expected_version=None, new=True)
    assert "its own key" in refused.value.errors["body"]
    with pytest.raises(PermissionDenied):
        scenarios.save_scenario(s, trainee, yaml.safe_dump(doc), expected_version=1)


def test_a_new_scenario_from_an_administrator_can_be_started(demo):
    s = demo
    doc = shipped("admin_week")
    doc["key"], doc["title"], doc["roles"] = "evening_shift", "The evening shift", ["nurse"]
    doc["steps"] = [st for st in doc["steps"] if st["check"]["kind"] == "record_viewed"]
    scenarios.save_scenario(
        s, actor(s, "admin"), yaml.safe_dump(doc), expected_version=None, new=True
    )
    run = runs.start(s, actor(s, "trainee3"), "evening_shift")
    assert [st.title for st in runs.state(s, run).steps] == [doc["steps"][0]["title"]]

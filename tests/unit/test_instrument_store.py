"""Admin-added instruments and risk rules: validated, versioned, audited; the intake uses them."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from sqlalchemy import func, select

from db.models import AuditEvent, ClinicDefinition, Role
from services.core.errors import InvalidInput, NotFound, PermissionDenied
from services.intake import draft as drafts
from services.intake import history as records
from services.intake import instrument_store as store
from services.intake import intake
from services.intake import summary as summaries
from services.patients import registry as patients

CLINIC_FALLS = """
code: clinic_falls
title: Clinic falls screen
version: "2026-1"
citation: Our clinic's falls committee, 2026.
licence: The clinic's own questions.
items:
  - id: falls
    text: How many times have you fallen in the past year?
    number: {min: 0, max: 20, unit: falls}
  - id: afraid
    text: Are you afraid of falling?
    options: [{label: "No", value: 0}, {label: "Yes", value: 1}]
scoring: {method: sum}
bands:
  - {label: low, min: 0, max: 1}
  - {label: high, min: 2, max: 21}
positive: {total_at_least: 2}
flags: []
suggestions:
  - {when: {positive: true}, kind: referral, text: Falls prevention class.}
"""


@pytest.fixture
def admin(make_actor):
    return make_actor(Role.ADMIN)


def count(s):
    return s.scalar(select(func.count(ClinicDefinition.id)))


def test_upload_a_clinic_instrument_and_use_it_in_an_intake(s, admin, nurse):
    row = store.save_instrument(s, admin, CLINIC_FALLS, note="committee decision")
    assert (row.code, row.revision) == ("clinic_falls", 1)
    active = store.active_instruments(s)
    assert active["clinic_falls"].source == "clinic" and active["phq9"].source == "shipped"
    event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "instrument")).one()
    assert event.entity_id == "clinic_falls@1" and event.action == "create"
    p = patients.register_patient(
        s,
        nurse,
        patients.PatientInput(given_name="Li", family_name="Wu", birth_date=date(1940, 1, 1)),
    )
    draft = drafts.start_intake(s, nurse, p.id)
    values = {"instruments": ["clinic_falls"], "answers": {"clinic_falls": [3, 1]}}
    drafts.save_step(s, nurse, draft.id, "screening", values, draft.version)
    drafts.save_step(s, nurse, draft.id, "matters", {"what_matters": "Stay home"}, draft.version)
    result = summaries.summarize(s, nurse, draft)
    assert (result.results["clinic_falls"].total, result.results["clinic_falls"].band) == (
        4,
        "high",
    )
    assert "Falls prevention class." in {x.text for x in result.suggestions}
    intake.complete_intake(s, nurse, draft.id, {}, draft.version)
    saved = records.history(s, nurse, p.id)
    assert {r.instrument_code: r.definition_revision for r in saved}["clinic_falls"] == 1


def test_replacing_a_shipped_instrument_makes_a_new_revision(s, admin):
    text = store.definition_text(s, "instrument", "phq2")
    data = yaml.safe_load(text)
    data["suggestions"].append(
        {"when": {"positive": True}, "kind": "referral", "text": "Clinic BH"}
    )
    store.save_instrument(s, admin, yaml.safe_dump(data))
    store.save_instrument(s, admin, yaml.safe_dump(data), note="again")
    assert [r["Revision"] for r in store.revisions(s)] == [2, 1]
    active = store.active_instruments(s)["phq2"]
    assert active.revision == 2 and active.source == "clinic"
    assert store.revert_to_shipped(s, admin, "instrument", "phq2", "back to standard") == 2
    assert store.active_instruments(s)["phq2"].source == "shipped"
    with pytest.raises(NotFound):
        store.revert_to_shipped(s, admin, "instrument", "phq2", "again")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("code: [unclosed", "not readable YAML"),
        (CLINIC_FALLS.replace("citation: Our clinic's falls committee, 2026.\n", ""), "citation"),
        (CLINIC_FALLS.replace("max: 21", "max: 20"), "no band covers totals 21 to 21"),
        (CLINIC_FALLS.replace("{positive: true}", "{flag: faller}"), "no flag named 'faller'"),
    ],
)
def test_a_bad_upload_is_refused_clearly_and_nothing_saved(s, admin, text, message):
    with pytest.raises(InvalidInput) as err:
        store.save_instrument(s, admin, text)
    assert message in err.value.errors["definition"]
    assert count(s) == 0
    assert not s.scalars(select(AuditEvent).where(AuditEvent.entity == "instrument")).all()


@pytest.mark.parametrize("role", [Role.NURSE, Role.SCHEDULER, Role.VIEWER, Role.SOCIAL_WORKER])
def test_only_admins_upload(s, make_actor, role):
    with pytest.raises(PermissionDenied):
        store.save_instrument(s, make_actor(role), CLINIC_FALLS)
    assert count(s) == 0


def test_risk_rules_upload(s, admin):
    rules = yaml.safe_load(store.definition_text(s, "risk_tiers", "risk_tiers"))
    rules["tiers"][0]["rules"].append(
        {"reason": "Any LACE", "instrument": "lace", "positive": True}
    )
    store.save_risk_rules(s, admin, yaml.safe_dump(rules))
    assert store.active_risk_rules(s)["tiers"][0]["rules"][-1]["reason"] == "Any LACE"
    with pytest.raises(InvalidInput) as err:
        store.save_risk_rules(s, admin, "tiers: [{tier: catastrophic, rules: []}]")
    assert "not valid" in err.value.errors["definition"]
    assert count(s) == 1

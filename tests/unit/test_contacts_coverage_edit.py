"""Correcting and ending coverage, and correcting a prior authorization's details."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from db.models import AuditEvent
from services.contacts import coverage, prior_auths
from services.contacts.coverage import CoverageInput
from services.contacts.prior_auths import PriorAuthInput
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from tests.unit.contacts_helpers import org, patient
from tests.unit.test_contacts_family import _coverage


def test_a_mistyped_member_id_is_corrected_and_audited(s, nurse):
    cov = _coverage(s, nurse, patient(s))
    fixed = replace(coverage.coverage_input(cov), member_id=" XYZ123465 ", group_number="G-9")
    coverage.correct_coverage(s, nurse, cov.id, fixed, cov.version)
    assert (cov.member_id, cov.group_number) == ("XYZ123465", "G-9")
    event = s.scalars(select(AuditEvent).where(AuditEvent.entity == "coverage")).all()[-1]
    assert event.action == "update"
    assert json.loads(event.detail)["changes"]["member_id"] == {
        "before": "XYZ123456",
        "after": "XYZ123465",
    }


def test_a_correction_is_checked_like_a_new_entry_and_changes_nothing_when_bad(s, nurse):
    p = patient(s)
    cov = _coverage(s, nurse, p)
    coverage.add_coverage(
        s, nurse, p.id,
        CoverageInput(payer_id=cov.payer_id, plan_name="Medigap", member_id="2", order=2),
    )  # fmt: skip
    bad = replace(coverage.coverage_input(cov), member_id="", end_on=date(2025, 1, 1))
    with pytest.raises(InvalidInput) as exc:
        coverage.correct_coverage(s, nurse, cov.id, bad, cov.version)
    assert set(exc.value.errors) == {"member_id", "end_on"}
    clash = replace(coverage.coverage_input(cov), order=2)
    with pytest.raises(InvalidInput) as exc:
        coverage.correct_coverage(s, nurse, cov.id, clash, cov.version)
    assert "already has secondary" in exc.value.errors["order"]
    same_order = coverage.coverage_input(cov)  # its own row is not a clash
    coverage.correct_coverage(s, nurse, cov.id, same_order, cov.version)
    assert (cov.member_id, cov.order, cov.end_on) == ("XYZ123456", 1, None)


def test_a_stale_form_is_refused_not_merged(s, nurse):
    cov = _coverage(s, nurse, patient(s))
    opened = cov.version
    coverage.correct_coverage(
        s, nurse, cov.id, replace(coverage.coverage_input(cov), plan_name="PPO"), opened
    )
    with pytest.raises(Conflict):
        coverage.correct_coverage(
            s, nurse, cov.id, replace(coverage.coverage_input(cov), plan_name="HMO"), opened
        )
    assert cov.plan_name == "PPO"


def test_ending_coverage_frees_the_order_for_the_new_plan(s, nurse):
    p = patient(s)
    cov = _coverage(s, nurse, p)
    new_plan = CoverageInput(
        payer_id=org(s, nurse, name="Harbor Health Plan", org_type="insurer").id,
        plan_name="Harbor Complete", member_id="H-1", start_on=date(2026, 7, 1),
    )  # fmt: skip
    with pytest.raises(InvalidInput):
        coverage.add_coverage(s, nurse, p.id, new_plan)
    with pytest.raises(InvalidInput) as exc:
        coverage.end_coverage(s, nurse, cov.id, date(2025, 12, 31))
    assert "before it starts" in exc.value.errors["end_on"]
    coverage.end_coverage(s, nurse, cov.id, date(2026, 6, 30))
    assert coverage.add_coverage(s, nurse, p.id, new_plan).order == 1


def test_prior_auth_details_are_corrected_but_not_its_status(s, nurse, make_actor):
    cov = _coverage(s, nurse, patient(s))
    pa = prior_auths.request_prior_auth(
        s, nurse, cov.id, PriorAuthInput("Home health vists", date(2026, 3, 1))
    )
    fixed = replace(
        prior_auths.prior_auth_input(pa), service="Home health visits", notes="8 visits"
    )
    prior_auths.correct_prior_auth(s, nurse, pa.id, fixed, pa.version)
    assert (pa.service, pa.notes, pa.status) == ("Home health visits", "8 visits", "draft")
    with pytest.raises(InvalidInput) as exc:
        prior_auths.correct_prior_auth(s, nurse, pa.id, replace(fixed, service=" "), pa.version)
    assert "service" in exc.value.errors
    with pytest.raises(Conflict):
        prior_auths.correct_prior_auth(s, nurse, pa.id, fixed, pa.version - 1)
    from db.models import Role

    with pytest.raises(PermissionDenied):
        prior_auths.correct_prior_auth(s, make_actor(Role.SCHEDULER), pa.id, fixed, pa.version)


def test_an_ended_coverage_can_be_corrected_after_the_new_plan_is_added(s, nurse):
    p = patient(s)
    old = _coverage(s, nurse, p)  # primary from 2026-01-01
    coverage.end_coverage(s, nurse, old.id, date(2026, 6, 30))
    new_plan = CoverageInput(
        payer_id=old.payer_id, plan_name="New HMO", member_id="N-1", start_on=date(2026, 7, 1)
    )
    coverage.add_coverage(s, nurse, p.id, new_plan)
    fixed = replace(coverage.coverage_input(old), member_id="XYZ123465")
    coverage.correct_coverage(s, nurse, old.id, fixed, old.version)  # no overlap: allowed
    assert old.member_id == "XYZ123465"
    overlapping = replace(coverage.coverage_input(old), end_on=date(2026, 8, 31))
    with pytest.raises(InvalidInput) as exc:
        coverage.correct_coverage(s, nurse, old.id, overlapping, old.version)
    assert "already has primary" in exc.value.errors["order"]


def test_an_archived_insurer_stays_on_its_coverage_but_is_not_chosen_anew(s, nurse):
    from services.contacts import directory

    p = patient(s)
    cov = _coverage(s, nurse, p)
    assert directory.remove_organization(s, nurse, cov.payer_id, "Left the market") == "archived"
    fixed = replace(coverage.coverage_input(cov), group_number="G-1")
    coverage.correct_coverage(s, nurse, cov.id, fixed, cov.version)
    assert cov.group_number == "G-1"
    again = CoverageInput(payer_id=cov.payer_id, plan_name="X", member_id="1", order=2)
    with pytest.raises(InvalidInput) as exc:
        coverage.add_coverage(s, nurse, p.id, again)
    assert "archived" in exc.value.errors["payer_id"]


def test_ending_a_coverage_changed_by_someone_else_is_refused(s, nurse):
    cov = _coverage(s, nurse, patient(s))
    opened = cov.version
    coverage.correct_coverage(
        s, nurse, cov.id, replace(coverage.coverage_input(cov), plan_name="PPO"), opened
    )
    with pytest.raises(Conflict):
        coverage.end_coverage(s, nurse, cov.id, date(2026, 6, 30), opened)
    assert cov.end_on is None

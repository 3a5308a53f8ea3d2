"""Family and caregivers, consent to share, coverage and prior-authorization expiry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from db.models import Role
from services.contacts import coverage, family, prior_auths
from services.contacts.communications import CommunicationInput, log_communication
from services.contacts.coverage import CoverageInput
from services.contacts.family import ConsentInput, ConsentNeeded, RelatedPersonInput
from services.contacts.prior_auths import PriorAuthInput
from services.core.errors import InvalidInput, PermissionDenied
from tests.unit.contacts_helpers import org, patient

TODAY = date(2026, 11, 27)


def _daughter(s, nurse, p, **kw):
    return family.add_related_person(
        s,
        nurse,
        p.id,
        RelatedPersonInput(name="Lucía Pérez", relationship="daughter", phone="617-555-0120", **kw),
        region="US",
    )


def test_related_person_fields_checked(s, nurse):
    p = patient(s)
    with pytest.raises(InvalidInput) as exc:
        family.add_related_person(
            s,
            nurse,
            p.id,
            RelatedPersonInput(
                name=" ", relationship="cousin twice", email="x@", emergency_contact=True
            ),
            region="US",
        )
    assert {"name", "relationship", "email", "phone"} <= set(exc.value.errors)
    d = _daughter(s, nurse, p, primary_caregiver=True, health_care_proxy=True)
    rows = family.family_rows(family.family_of(s, nurse, p.id), TODAY)
    assert rows[0]["Roles"] == "primary caregiver, health-care proxy"
    assert rows[0]["Consent to share"] == "NO CONSENT on file"
    assert d.phone == "+16175550120"


def test_consent_problem_none_current_expired_revoked_and_scope(s, nurse):
    p = patient(s)
    d = _daughter(s, nurse, p)
    assert "no current consent" in family.consent_problem(s, d.id, on=TODAY)
    with pytest.raises(InvalidInput) as exc:
        family.record_consent(
            s,
            nurse,
            d.id,
            ConsentInput(given_on=TODAY + timedelta(days=1), document_reference=""),
            on=TODAY,
        )
    assert {"given_on", "document_reference"} <= set(exc.value.errors)
    c = family.record_consent(
        s,
        nurse,
        d.id,
        ConsentInput(
            scope="care coordination",
            given_on=date(2026, 1, 1),
            expires_on=date(2026, 12, 31),
            document_reference="Scan 2026-01-01 #44",
        ),
        on=TODAY,
    )
    s.refresh(d)
    assert family.consent_problem(s, d.id, on=TODAY) is None
    assert family.consent_problem(s, d.id, purpose="care coordination", on=TODAY) is None
    assert "does not cover" in family.consent_problem(
        s, d.id, purpose="billing and insurance", on=TODAY
    )
    expired = family.consent_problem(s, d.id, on=date(2027, 1, 1))
    assert "expired on dec 31, 2026" in expired
    family.revoke_consent(s, nurse, c.id, on=date(2026, 12, 1))
    s.refresh(d)
    assert family.consent_problem(s, d.id, on=TODAY) is None  # revoked later, still valid today
    assert "revoked" in family.consent_problem(s, d.id, on=date(2026, 12, 2))


def test_logging_a_call_with_family_without_consent_warns_first(s, nurse):
    p = patient(s)
    d = _daughter(s, nurse, p)
    data = CommunicationInput(
        with_kind="family member", related_person_id=d.id, summary="Discussed discharge plan"
    )
    with pytest.raises(ConsentNeeded):
        log_communication(s, nurse, data)
    comm = log_communication(s, nurse, data, acknowledged_consent=True)
    assert comm.disclosed_without_consent and comm.patient_id == p.id
    assert comm.consent_basis == "consent verified at contact"
    # a call that shared nothing about the patient is logged as such, no disclosure
    quiet = log_communication(s, nurse, data, no_phi_shared=True)
    assert quiet.consent_basis == "no PHI shared" and not quiet.disclosed_without_consent
    family.record_consent(
        s, nurse, d.id, ConsentInput(given_on=date(2026, 1, 1), document_reference="chart")
    )
    s.refresh(d)
    covered = log_communication(s, nurse, data)
    assert not covered.disclosed_without_consent and covered.consent_basis == "consent on file"


def test_scheduler_cannot_edit_family(s, nurse, make_actor):
    p = patient(s)
    with pytest.raises(PermissionDenied):
        _daughter(s, make_actor(Role.SCHEDULER), p)


def _coverage(s, nurse, p):
    payer = org(s, nurse, name="Bay State Health Plan", org_type="insurer")
    return coverage.add_coverage(
        s,
        nurse,
        p.id,
        CoverageInput(
            payer_id=payer.id,
            plan_name="Medicare Advantage HMO",
            member_id="XYZ123456",
            start_on=date(2026, 1, 1),
        ),
    )


def test_coverage_payer_must_be_an_insurer_and_one_primary(s, nurse):
    p = patient(s)
    agency = org(s, nurse, name="Not An Insurer")
    with pytest.raises(InvalidInput) as exc:
        coverage.add_coverage(s, nurse, p.id, CoverageInput(payer_id=agency.id))
    assert {"payer_id", "plan_name", "member_id"} <= set(exc.value.errors)
    cov = _coverage(s, nurse, p)
    with pytest.raises(InvalidInput) as exc:
        coverage.add_coverage(
            s,
            nurse,
            p.id,
            CoverageInput(
                payer_id=cov.payer_id, plan_name="Other", member_id="1", start_on=date(2026, 2, 1)
            ),
        )
    assert "already has primary" in exc.value.errors["order"]
    second = coverage.add_coverage(
        s,
        nurse,
        p.id,
        CoverageInput(payer_id=cov.payer_id, plan_name="Medigap", member_id="2", order=2),
    )
    assert [c.order for c in coverage.coverages_of(s, nurse, p.id)] == [1, 2] and second.id


def test_prior_auth_statuses_and_expiry_on_the_worklist(s, nurse, make_actor):
    p = patient(s)
    p.primary_case_manager_id = nurse.id
    cov = _coverage(s, nurse, p)
    pa = prior_auths.request_prior_auth(
        s,
        nurse,
        cov.id,
        PriorAuthInput(service="Home health visits", requested_on=date(2026, 11, 1)),
    )
    assert pa.status == "draft"
    with pytest.raises(InvalidInput) as exc:
        prior_auths.set_prior_auth_status(s, nurse, pa.id, "approved")
    assert "cannot become approved" in exc.value.errors["status"]
    with pytest.raises(InvalidInput):
        prior_auths.set_prior_auth_status(s, nurse, pa.id, "submitted")  # needs a reference
    prior_auths.set_prior_auth_status(s, nurse, pa.id, "submitted", reference_number="PA-77")
    with pytest.raises(InvalidInput) as exc:
        prior_auths.set_prior_auth_status(
            s, nurse, pa.id, "approved", decision_on=date(2026, 11, 5)
        )
    assert "expires_on" in exc.value.errors
    prior_auths.set_prior_auth_status(
        s,
        nurse,
        pa.id,
        "approved",
        decision_on=date(2026, 11, 5),
        approved_units=12,
        expires_on=TODAY + timedelta(days=10),
    )
    later = prior_auths.request_prior_auth(
        s,
        nurse,
        cov.id,
        PriorAuthInput(service="Wheelchair", requested_on=TODAY, reference_number="PA-78"),
    )
    prior_auths.set_prior_auth_status(
        s, nurse, later.id, "approved", decision_on=TODAY, expires_on=TODAY + timedelta(days=60)
    )
    assert [x.id for x in prior_auths.expiring_prior_auths(s, TODAY)] == [pa.id]
    assert prior_auths.expiring_prior_auths(s, TODAY + timedelta(days=11)) == []  # expired by then
    assert prior_auths.effective_status(pa, TODAY + timedelta(days=11)) == "expired"
    rows = prior_auths.prior_auth_rows([pa], TODAY)
    assert rows[0]["Check"] == "EXPIRES SOON - renew"

    from services.contacts.liaison import prior_auths_expiring_section

    section = prior_auths_expiring_section(s, nurse, TODAY)
    assert [r["Service"] for r in section.rows] == ["Home health visits"]
    assert section.rows[0]["In days"] == 10
    assert (
        prior_auths_expiring_section(s, make_actor(Role.NURSE), TODAY).rows == []
    )  # not their patient
    assert len(prior_auths_expiring_section(s, make_actor(Role.ADMIN), TODAY).rows) == 1

"""Contacts page in AppTest: every role opens it; editors add; viewers only read."""

from __future__ import annotations

from datetime import date

import pytest

from db.base import today as clinic_today
from db.models import Organization, Patient, Role
from db.session import session_scope
from services.contacts.directory import OrgInput, create_organization
from services.core.identity import Actor
from tests.apptest import signed_in, texts

PAGE = "pages/contacts.py"
ROLES = ["admin", "nurse", "socialworker", "scheduler", "viewer"]
SYSTEM_NURSE = Actor(id=None, username="setup", display_name="Setup", role=Role.NURSE)


@pytest.fixture
def seeded(app_env):
    with session_scope(app_env) as s:
        create_organization(
            s,
            SYSTEM_NURSE,
            OrgInput(
                name="Clínica Harbor",
                org_type="primary care",
                services="checkups",
                phone="617-555-0150",
            ),
            region="US",
        )
        s.add(
            Patient(
                mrn="M1",
                given_name="Ana",
                family_name="Pérez",
                birth_date=date(1950, 1, 2),
                search_name="ana perez",
            )
        )
    return app_env


def _buttons(at):
    return {b.label for b in at.button}


def _tab(at, label):
    """Open a tab of the patient's contacts (stateful tabs: only the open one runs)."""
    at.session_state["contacts_patient_tab"] = label
    at.run()
    assert not at.exception, at.exception


@pytest.mark.parametrize("user", ROLES)
def test_every_role_opens_the_directory(seeded, user):
    at = signed_in(user, PAGE)
    assert not at.exception, at.exception
    assert "Contacts" in texts(at)
    assert "1 organization(s)" in texts(at)
    can_edit = user != "viewer"
    assert ("Add an organization" in _buttons(at)) is can_edit
    views = at.segmented_control[0].options
    assert ("Import" in views) is can_edit


@pytest.mark.parametrize("user", ROLES)
def test_every_role_opens_board_and_patient_view(seeded, user):
    at = signed_in(user, PAGE)
    at.segmented_control[0].set_value("Referral board").run()
    assert not at.exception, at.exception
    assert "0 open referral(s)" in texts(at)
    at.segmented_control[0].set_value("Patient contacts").run()
    next(t for t in at.text_input if t.label == "Find a patient").input("perez").run()
    next(b for b in at.selectbox if b.label == "Patient").select_index(0).run()
    assert not at.exception, at.exception
    assert "MRN M1" in texts(at)
    _tab(at, "Referrals")
    labels = {e.label for e in at.expander}
    assert ("New referral" in labels) is (user in ("admin", "nurse", "socialworker"))
    _tab(at, "Communication log")
    labels = {e.label for e in at.expander}
    assert ("Log a call, e-mail or visit" in labels) is (user != "viewer")


def test_search_is_accent_insensitive_and_bad_phone_shown_at_field(seeded):
    at = signed_in("scheduler", PAGE)
    next(t for t in at.text_input if t.label == "Search the directory").input("CLINICA").run()
    assert "1 organization(s)" in texts(at)
    next(b for b in at.button if b.label == "Add an organization").click().run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Name"].input("Ride Right")
    inputs["Phone"].input("12345")
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception
    assert any("phone number" in e.value for e in at.error)
    inputs = {t.label: t for t in at.text_input}
    inputs["Phone"].input("617-555-0151")
    next(b for b in at.button if b.label == "Save").click().run()
    assert "Organization saved." in texts(at)
    assert "Ride Right" in [t.value for t in at.text]


@pytest.fixture
def with_referral(seeded):
    from services.contacts import referrals
    from services.contacts.referrals import ReferralInput

    with session_scope(seeded) as s:
        pid = s.query(Patient.id).filter_by(mrn="M1").scalar()
        org_id = s.query(Organization.id).scalar()
        referrals.create_referral(
            s,
            SYSTEM_NURSE,
            pid,
            ReferralInput(
                organization_id=org_id,
                service="Checkup",
                reason_text="overdue",
                consent_recorded=True,
            ),
            send=True,
        )
    return seeded


@pytest.mark.parametrize("user", ["nurse", "viewer"])
def test_board_opens_a_referral_and_moves_it(with_referral, user):
    at = signed_in(user, PAGE)
    at.segmented_control[0].set_value("Referral board").run()
    at.toggle[0].set_value(False).run()  # the whole clinic, not only mine
    assert "1 open referral(s)" in texts(at)
    next(b for b in at.selectbox if b.label == "Referral").select_index(0).run()
    assert not at.exception, at.exception
    assert "Clínica Harbor · Checkup · requested" in [t.value for t in at.text]
    buttons = {b.label for b in at.button}
    if user == "viewer":
        assert "Save status" not in buttons
        return
    status = next(b for b in at.selectbox if b.label == "New status")
    status.set_value("received").run()
    next(b for b in at.button if b.label == "Save status").click().run()
    assert not at.exception, at.exception
    assert "Referral is now received." in texts(at)


@pytest.fixture
def insured(seeded):
    from services.contacts.coverage import CoverageInput, add_coverage

    with session_scope(seeded) as s:
        payer = create_organization(
            s, SYSTEM_NURSE, OrgInput(name="Bay State Health Plan", org_type="insurer"),
            region="US",
        )  # fmt: skip
        pid = s.query(Patient.id).filter_by(mrn="M1").scalar()
        cov = add_coverage(
            s, SYSTEM_NURSE, pid,
            CoverageInput(payer_id=payer.id, plan_name="Medicare Advantage HMO",
                          member_id="XYZ123456", start_on=date(2026, 1, 1)),
        )  # fmt: skip
        return seeded, cov.id


def _insurance_tab(url):
    at = signed_in("nurse", PAGE)
    at.segmented_control[0].set_value("Patient contacts").run()
    next(t for t in at.text_input if t.label == "Find a patient").input("perez").run()
    next(b for b in at.selectbox if b.label == "Patient").select_index(0).run()
    assert not at.exception, at.exception
    _tab(at, "Insurance and prior authorizations")
    return at


def _member_box(at):
    return [t for t in at.text_input if t.label == "Member id"][-1]  # the correction form's


def test_coverage_is_corrected_then_ended(insured):
    from db.models import Coverage

    url, cov_id = insured
    at = _insurance_tab(url)
    assert _member_box(at).value == "XYZ123456"
    _member_box(at).input("XYZ123465")
    next(b for b in at.button if b.label == "Save corrections").click().run()
    assert not at.exception, at.exception
    assert "Coverage corrected." in texts(at)
    next(b for b in at.button if b.label == "End this coverage").click().run()
    assert not at.exception, at.exception
    assert "Coverage ended." in texts(at)
    assert "Someone else changed" not in texts(at)  # our own writes are not a conflict
    with session_scope(url) as s:
        cov = s.get(Coverage, cov_id)
        assert (cov.member_id, cov.end_on) == ("XYZ123465", clinic_today())


def test_a_coverage_changed_by_someone_else_is_refused_and_can_be_reloaded(insured):
    from db.models import Coverage

    url, cov_id = insured
    at = _insurance_tab(url)
    with session_scope(url) as s:  # someone else corrects the same field meanwhile
        s.get(Coverage, cov_id).member_id = "THEIRS-2"
    _member_box(at).input("MINE-1")
    next(b for b in at.button if b.label == "Save corrections").click().run()
    assert not at.exception, at.exception
    assert "Someone else changed this coverage" in texts(at)
    assert _member_box(at).value == "MINE-1"  # what was typed is still there
    with session_scope(url) as s:
        assert s.get(Coverage, cov_id).member_id == "THEIRS-2"
    next(b for b in at.button if b.label == "Start again from the saved version").click().run()
    assert not at.exception, at.exception
    assert _member_box(at).value == "THEIRS-2"


def test_a_prior_authorization_is_corrected(insured):
    from db.models import PriorAuthorization
    from services.contacts.prior_auths import PriorAuthInput, request_prior_auth

    url, cov_id = insured
    with session_scope(url) as s:
        pa_id = request_prior_auth(
            s, SYSTEM_NURSE, cov_id, PriorAuthInput("Home health vists", date(2026, 3, 1))
        ).id
    at = _insurance_tab(url)
    box = [t for t in at.text_input if t.label == "Service"][-1]
    assert box.value == "Home health vists"
    box.input("Home health visits")
    [b for b in at.button if b.label == "Save corrections"][-1].click().run()
    assert not at.exception, at.exception
    assert "Prior authorization corrected." in texts(at)
    with session_scope(url) as s:
        assert s.get(PriorAuthorization, pa_id).service == "Home health visits"


def test_an_organization_shows_what_is_coming_up_with_it(seeded):
    from datetime import UTC, datetime, timedelta

    from services.scheduling.appointments import AppointmentInput, book_appointment

    with session_scope(seeded) as s:
        clinic = s.query(Organization).filter_by(name="Clínica Harbor").one()
        pid = s.query(Patient.id).filter_by(mrn="M1").scalar()
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
        book_appointment(
            s, SYSTEM_NURSE,
            AppointmentInput(kind="medical appointment", patient_id=pid, title="Check-up",
                             start=start, end=start + timedelta(hours=1),
                             provider_contact_id=clinic.id),
        )  # fmt: skip
    at = signed_in("viewer", PAGE)
    next(b for b in at.selectbox if b.label == "Open organization").select_index(0).run()
    assert not at.exception, at.exception
    assert "Coming up with them" in texts(at)
    shown = " ".join(str(d.value) for d in at.dataframe)
    assert "Pérez, Ana" in shown and "Check-up" in shown

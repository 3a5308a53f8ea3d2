"""Contacts keeps its place: after sending a referral or logging a call the same tab is
open, a successful form starts empty, a refused one keeps what was typed; the consent of
a family member shows as soon as they are chosen."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from db.models import Communication, Organization, Patient, Referral, Role
from db.session import session_scope
from services.contacts import family, referrals
from services.contacts.directory import OrgInput, create_organization
from services.contacts.referrals import ReferralInput
from services.core.identity import Actor
from tests.apptest import signed_in, texts

PAGE = "pages/contacts.py"
SETUP = Actor(id=None, username="setup", display_name="Setup", role=Role.NURSE)


@pytest.fixture
def patient_with_draft(app_env):
    with session_scope(app_env) as s:
        rides = create_organization(
            s, SETUP,
            OrgInput(name="Bellchester Rides", org_type="transport vendor", phone="617-555-0150"),
            region="US",
        )  # fmt: skip
        p = Patient(
            mrn="M1", given_name="Ana", family_name="Pérez", birth_date=date(1950, 1, 2),
            search_name="ana perez",
        )  # fmt: skip
        s.add(p)
        s.flush()
        referrals.create_referral(
            s, SETUP, p.id,
            ReferralInput(service="transportation to appointments", reason_text="needs rides"),
            organization_later=True,
        )  # fmt: skip
        family.add_related_person(
            s, SETUP, p.id,
            family.RelatedPersonInput(name="Luz Pérez", relationship="daughter"), region="US",
        )  # fmt: skip
        return app_env, p.id, rides.id


def _open(at, tab):
    at.segmented_control[0].set_value("Patient contacts").run()
    next(t for t in at.text_input if t.label == "Find a patient").input("perez").run()
    next(b for b in at.selectbox if b.label == "Patient").select_index(0).run()
    at.session_state["contacts_patient_tab"] = tab
    at.run()
    assert not at.exception, at.exception


def test_sending_a_draft_referral_stays_on_the_referrals_tab(patient_with_draft):
    url, pid, rides = patient_with_draft
    at = signed_in("nurse", PAGE)
    _open(at, "Referrals")
    send_to = next(b for b in at.selectbox if b.label == "Send to")
    assert send_to.value == rides  # proposed from the directory by the draft's service
    urgency = next(b for b in at.selectbox if b.label == "Urgency")
    assert urgency.options == ["routine", "urgent"]  # a transport vendor answers in days
    next(c for c in at.checkbox if c.label.startswith("Patient consented")).check()
    next(b for b in at.button if b.label == "Send referral").click().run()
    assert not at.exception, at.exception
    assert "Referral sent." in texts(at)
    assert at.session_state["contacts_patient_tab"] == "Referrals"
    with session_scope(url) as s:
        ref = s.scalars(select(Referral)).one()
        assert (ref.status, ref.organization_id) == ("requested", rides)


def test_a_family_members_consent_shows_at_once_and_no_phi_can_be_logged(patient_with_draft):
    url, pid, _ = patient_with_draft
    at = signed_in("nurse", PAGE)
    _open(at, "Communication log")
    next(r for r in at.radio if r.label == "With").set_value("family member").run()
    assert at.session_state["contacts_patient_tab"] == "Communication log"
    assert any("No current consent to share" in w.value for w in at.warning)  # before typing
    summary = next(t for t in at.text_area if t.label == "Summary")
    summary.input("Asked Luz to call back about the ride")
    next(b for b in at.button if b.label == "Log communication").click().run()
    buttons = {b.label for b in at.button}
    assert {"Consent verified — share", "No PHI shared", "Cancel (keep what I typed)"} <= buttons
    next(b for b in at.button if b.label == "Cancel (keep what I typed)").click().run()
    assert next(t for t in at.text_area if t.label == "Summary").value.startswith("Asked Luz")
    with session_scope(url) as s:
        assert s.scalars(select(Communication)).all() == []
    next(b for b in at.button if b.label == "Log communication").click().run()
    next(b for b in at.button if b.label == "No PHI shared").click().run()
    assert not at.exception, at.exception
    assert "Communication logged." in texts(at)
    assert next(t for t in at.text_area if t.label == "Summary").value == ""  # starts clean
    assert at.session_state["contacts_patient_tab"] == "Communication log"
    with session_scope(url) as s:
        comm = s.scalars(select(Communication)).one()
        assert comm.consent_basis == "no PHI shared" and not comm.disclosed_without_consent


def test_a_refused_family_form_keeps_what_was_typed(patient_with_draft):
    at = signed_in("nurse", PAGE)
    _open(at, "Family and consent")
    next(t for t in at.text_input if t.label == "Phone").input("12345")
    next(t for t in at.text_input if t.label == "Name").input("Mario Pérez")
    next(b for b in at.button if b.label == "Add").click().run()
    assert any("phone" in e.value.lower() for e in at.error)
    assert next(t for t in at.text_input if t.label == "Name").value == "Mario Pérez"
    next(t for t in at.text_input if t.label == "Phone").input("617-555-0199")
    next(b for b in at.button if b.label == "Add").click().run()
    assert "Family member added." in texts(at)
    assert next(t for t in at.text_input if t.label == "Name").value == ""
    with session_scope(patient_with_draft[0]) as s:
        assert s.scalar(select(Organization.name)) == "Bellchester Rides"

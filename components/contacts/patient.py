"""Around one patient: family and consent, insurance and prior auths, referrals, the log."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from components.contacts.common import NO_PHI, attempt, pending_prompts, pick, table
from components.contacts.coverage import coverage_section
from components.contacts.forms import communication_form
from components.contacts.referral_forms import new_referral_form, send_draft_form
from components.contacts.referrals import move_referral_form
from components.interop.fhir import fhir_download
from components.shared.conflict import seen_version
from components.shared.forms import DATE_INPUT, field_errors, form_key, section, show_field_error
from components.shared.text import isolate
from components.shared.viewed import patient_viewed
from db.base import today
from services.contacts.actions import communications as calls
from services.contacts.actions import directory as directory_actions
from services.contacts.actions import patient as patient_actions
from services.contacts.actions.patient import PatientContacts
from services.contacts.communications import CommunicationInput
from services.contacts.family import RELATIONSHIPS, SCOPES, ConsentInput, RelatedPersonInput
from services.core.clock import clinic_tz
from services.core.identity import Actor
from services.core.text import us_spelling
from services.patients import actions as patients

state = st.session_state


def patient_view(actor: Actor, region: str) -> None:
    query = st.text_input("Find a patient", placeholder="Name, date of birth or MRN", max_chars=100)
    if query:
        found = {p.id: p.label for p in patients.find_patients(actor, query).rows}
        if not found:
            st.caption("No patient matches.")
        choice = pick("Patient", found, index=None, placeholder="Choose the patient")
        if choice is not None:
            state["contacts_patient_id"] = choice
    pid = state.get("contacts_patient_id")
    if not pid:
        st.caption("Find a patient to see their family, insurance, referrals and calls.")
        return
    d = patient_actions.patient_contacts(actor, pid)
    patient_viewed(actor, pid, "Contacts")
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.text(f"{isolate(d.name)} · MRN {d.mrn}")
    with c2:  # the whole patient, one FHIR version (R4) everywhere
        fhir_download(actor, pid, d.mrn, key="contacts_fhir")
    # Keyed and stateful: an action (send a referral, log a call) returns to this tab, and
    # only the open tab's body runs.
    tabs = st.tabs(TABS, key="contacts_patient_tab", on_change="rerun")
    for tab, draw in zip(tabs, (_family, _coverage, _referrals, _log), strict=True):
        if tab.open:
            with tab:
                draw(actor, region, pid, d)


TABS = [
    "Family and consent",
    "Insurance and prior authorizations",
    "Referrals",
    "Communication log",
]


def _coverage(actor: Actor, region: str, pid: int, d: PatientContacts) -> None:
    coverage_section(actor, pid, d)


def _family(actor: Actor, region: str, pid: int, d: PatientContacts) -> None:
    table(d.family, alt="Family members and caregivers") if d.family else st.caption(
        "No family members or caregivers recorded."
    )
    missing = [r["Name"] for r in d.family if not r["Consent to share"].startswith("yes")]
    if missing:
        st.warning(
            "No current consent to share health information with some family members. "
            "Check before discussing the patient.",
            icon=":material/privacy_tip:",
        )
    if not actor.can("referrals.edit"):
        return
    with section("Add a family member or caregiver", "family_open"):
        errors = field_errors("family")
        with st.form(form_key("family_form")):
            c1, c2, c3 = st.columns(3)
            name = c1.text_input("Name", max_chars=200)
            with c1:
                show_field_error(errors, "name")
            relationship = c2.selectbox("Relationship", RELATIONSHIPS, format_func=us_spelling)
            language = c3.text_input("Language", "English", max_chars=40)
            c1, c2, c3 = st.columns(3)
            phone = c1.text_input("Phone", max_chars=40)
            with c1:
                show_field_error(errors, "phone")
            mobile = c2.text_input("Mobile phone", max_chars=40)
            with c2:
                show_field_error(errors, "mobile_phone")
            email = c3.text_input("Email", max_chars=254)
            with c3:
                show_field_error(errors, "email")
            flags = st.columns(5)
            labels = [
                "Lives with patient",
                "Primary caregiver",
                "Emergency contact",
                "Health-care proxy",
                "Power of attorney",
            ]
            values = [f.checkbox(label) for f, label in zip(flags, labels, strict=True)]
            if st.form_submit_button("Add", type="primary"):
                data = RelatedPersonInput(
                    name, relationship, phone, mobile, email, language, *values
                )
                attempt(
                    "family",
                    lambda _a: patient_actions.add_family(actor, pid, data, region),
                    "Family member added.",
                    clear="family_form",
                )
    if d.family:
        with section("Record consent to share (signed authorization)", "consent_open"):
            errors = field_errors("consent")
            people = {r["id"]: r["Name"] for r in d.family}
            with st.form(form_key("consent_form")):
                who = pick("Family member", people)
                scope = st.selectbox("What may be shared", SCOPES)
                c1, c2 = st.columns(2)
                given = c1.date_input("Signed on", today(), format=DATE_INPUT)
                with c1:
                    show_field_error(errors, "given_on")
                expires = c2.date_input(
                    "Expires on", today() + timedelta(days=365), format=DATE_INPUT
                )
                with c2:
                    show_field_error(errors, "expires_on")
                doc = st.text_input(
                    "Where the signed form is", placeholder="Scan name or file no.", max_chars=200
                )
                show_field_error(errors, "document_reference")
                if st.form_submit_button("Record consent", type="primary"):
                    data = ConsentInput(scope, given, expires, doc)
                    attempt(
                        "consent",
                        lambda _a: patient_actions.add_consent(actor, who, data),
                        "Consent recorded.",
                        clear="consent_form",
                    )
        _archive_family(actor, d)


def _archive_family(actor: Actor, d: PatientContacts) -> None:
    """Someone who no longer belongs on the list (moved away, died, entered twice) is
    archived with the reason, never deleted: calls logged with them keep their name."""
    with section("Take someone off the list", "family_archive_open"):
        pending_prompts("family_archive")
        errors = field_errors("family_archive")
        people = {r["id"]: f"{r['Name']} ({r['Relationship']})" for r in d.family}
        who = pick("Family member or caregiver", people, key="family_archive_pick")
        shown = seen_version(
            f"family_{who}", next(r["version"] for r in d.family if r["id"] == who)
        )
        with st.form(form_key("family_archive_form")):
            why = st.text_input(
                "Reason", placeholder="e.g. moved away, entered twice", max_chars=500
            )
            show_field_error(errors, "reason")
            if st.form_submit_button("Take off the list"):
                attempt(
                    "family_archive",
                    lambda _a: patient_actions.archive_family(actor, who, why, shown),
                    "Taken off the list. Nothing was deleted.",
                    clear="family_archive_form",
                )


def _referrals(actor: Actor, region: str, pid: int, d: PatientContacts) -> None:
    table(d.referrals, alt="The patient's referrals") if d.referrals else st.caption(
        "No referrals yet."
    )
    if not actor.can("referrals.edit"):
        return
    drafts = [r for r in d.referrals if r["Status"] == "draft"]
    if drafts:
        with section("Send a draft referral", "ref_send_open", expanded=True):
            send_draft_form(actor, drafts)
    with section("New referral", "ref_new_open", expanded=not d.referrals):
        new_referral_form(actor, pid, d.reasons)
    open_refs = [r for r in d.referrals if r["next"]]
    if open_refs:
        with section("Move a referral along", "ref_move_open"):
            move_referral_form(actor, open_refs, "pt")


def _log(actor: Actor, region: str, pid: int, d: PatientContacts) -> None:
    table(d.communications, alt="Calls and messages") if d.communications else st.caption(
        "Nothing logged yet."
    )
    if not actor.can("contacts.edit"):
        return
    with section("Log a call, e-mail or visit", "pt_comm_open", expanded=not d.communications):
        pending_prompts("pt_comm")
        choices = {"patient": {pid: d.name}}
        fam = {r["id"]: f"{r['Name']} ({r['Relationship']})" for r in d.family}
        if fam:
            choices["family member"] = fam
        refs = {r["id"]: r["To"] for r in d.referrals}
        find = st.text_input("Organization (search)", key="pt_comm_org_query", max_chars=100)
        if find:
            choices["organization"] = directory_actions.org_options(actor, find)
        referral = pick(
            "About referral (optional)",
            refs,
            index=None,
            key="pt_comm_ref",
            placeholder="Not about a referral",
        )
        if referral and "organization" not in choices:
            choices["organization"] = {}
        data = communication_form(
            "pt_comm_form",
            field_errors("pt_comm"),
            with_choices=choices,
            base=CommunicationInput(patient_id=pid, referral_id=referral),
            tz=clinic_tz(),
            consent={r["id"]: r["Consent to share"] for r in d.family},
        )
        if data is not None:
            attempt(
                "pt_comm",
                lambda ack: calls.log_communication(
                    actor, data, acknowledged_consent=ack is True, no_phi_shared=ack == NO_PHI
                ),
                "Communication logged.",
                clear="pt_comm_form",
                no_phi=True,
            )

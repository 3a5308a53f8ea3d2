"""Around one patient: family and consent, insurance and prior auths, referrals, the log."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from components.contacts.common import attempt, pending_prompts, pick, table
from components.contacts.coverage import coverage_section
from components.contacts.forms import communication_form
from components.contacts.referrals import move_referral_form
from components.interop.fhir import fhir_download
from components.shared.forms import field_errors, show_field_error
from db.base import today
from services.contacts.actions import communications as calls
from services.contacts.actions import directory as directory_actions
from services.contacts.actions import patient as patient_actions
from services.contacts.actions import referrals as referral_actions
from services.contacts.actions.patient import PatientContacts
from services.contacts.communications import CommunicationInput
from services.contacts.family import RELATIONSHIPS, SCOPES, ConsentInput, RelatedPersonInput
from services.contacts.referrals import REASON_KINDS, URGENCIES, ReferralInput
from services.core.identity import Actor
from services.patients import actions as patients

state = st.session_state


def patient_view(actor: Actor, region: str) -> None:
    query = st.text_input("Find a patient", placeholder="Name, date of birth or MRN")
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
    c1, c2 = st.columns([4, 1], vertical_alignment="center")
    c1.text(f"{d.name} · MRN {d.mrn}")
    with c2:  # the whole patient, one FHIR version (R4) everywhere
        fhir_download(actor, pid, d.mrn, key="contacts_fhir")
    tabs = st.tabs(
        [
            "Family and consent",
            "Insurance and prior authorisations",
            "Referrals",
            "Communication log",
        ]
    )
    with tabs[0]:
        _family(actor, region, pid, d)
    with tabs[1]:
        coverage_section(actor, pid, d)
    with tabs[2]:
        _referrals(actor, pid, d)
    with tabs[3]:
        _log(actor, pid, d)


def _family(actor: Actor, region: str, pid: int, d: PatientContacts) -> None:
    table(d.family) if d.family else st.caption("No family members or caregivers recorded.")
    missing = [r["Name"] for r in d.family if not r["Consent to share"].startswith("yes")]
    if missing:
        st.warning(
            "No current consent to share health information with some family members. "
            "Check before discussing the patient.",
            icon=":material/privacy_tip:",
        )
    if not actor.can("referrals.edit"):
        return
    with st.expander("Add a family member or caregiver"):
        errors = field_errors("family")
        with st.form("family_form"):
            c1, c2, c3 = st.columns(3)
            name = c1.text_input("Name")
            with c1:
                show_field_error(errors, "name")
            relationship = c2.selectbox("Relationship", RELATIONSHIPS)
            language = c3.text_input("Language", "English")
            c1, c2, c3 = st.columns(3)
            phone = c1.text_input("Phone")
            with c1:
                show_field_error(errors, "phone")
            mobile = c2.text_input("Mobile phone")
            with c2:
                show_field_error(errors, "mobile_phone")
            email = c3.text_input("Email")
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
                )
    if d.family:
        with st.expander("Record consent to share (signed authorisation)"):
            errors = field_errors("consent")
            people = {r["id"]: r["Name"] for r in d.family}
            with st.form("consent_form"):
                who = pick("Family member", people)
                scope = st.selectbox("What may be shared", SCOPES)
                c1, c2 = st.columns(2)
                given = c1.date_input("Signed on", today(), format="YYYY-MM-DD")
                with c1:
                    show_field_error(errors, "given_on")
                expires = c2.date_input(
                    "Expires on", today() + timedelta(days=365), format="YYYY-MM-DD"
                )
                with c2:
                    show_field_error(errors, "expires_on")
                doc = st.text_input("Where the signed form is", placeholder="Scan name or file no.")
                show_field_error(errors, "document_reference")
                if st.form_submit_button("Record consent", type="primary"):
                    data = ConsentInput(scope, given, expires, doc)
                    attempt(
                        "consent",
                        lambda _a: patient_actions.add_consent(actor, who, data),
                        "Consent recorded.",
                    )


def _referrals(actor: Actor, pid: int, d: PatientContacts) -> None:
    table(d.referrals) if d.referrals else st.caption("No referrals yet.")
    if not actor.can("referrals.edit"):
        return
    with st.expander("New referral", expanded=not d.referrals):
        pending_prompts("referral")
        errors = field_errors("referral")
        find = st.text_input(
            "Find the organization", key="ref_org_query", placeholder="Name, service or type"
        )
        orgs = directory_actions.org_options(actor, find) if find else {}
        with st.form("referral_form"):
            org = pick("Refer to", orgs, index=None, placeholder="Search above, then choose")
            show_field_error(errors, "organization_id")
            c1, c2 = st.columns(2)
            service = c1.text_input("Service requested")
            with c1:
                show_field_error(errors, "service")
            urgency = c2.selectbox("Urgency", URGENCIES)
            reason = st.text_area("Reason", height=68)
            show_field_error(errors, "reason_text")
            c1, c2 = st.columns(2)
            kind = c1.selectbox("Answers (optional)", REASON_KINDS, index=None)
            reason_id = c2.number_input("Finding or goal number", min_value=1, value=None)
            with c2:
                show_field_error(errors, "reason_id")
            c1, c2 = st.columns(2)
            consent = c1.checkbox("Patient consented to share with this organization")
            expected = c2.date_input(
                "Answer expected by (blank: by urgency)", None, format="YYYY-MM-DD"
            )
            with c2:
                show_field_error(errors, "expected_response_by")
            b1, b2 = st.columns(2)
            send = b1.form_submit_button("Send referral", type="primary")
            draft = b2.form_submit_button("Save as draft")
            if send or draft:
                data = ReferralInput(
                    org, service, reason, kind or "", reason_id, urgency, consent, expected
                )
                attempt(
                    "referral",
                    lambda ack: referral_actions.create_referral(
                        actor, pid, data, send=send, acknowledged_consent=ack
                    ),
                    "Referral sent." if send else "Draft saved.",
                )
    open_refs = [r for r in d.referrals if r["next"]]
    if open_refs:
        with st.expander("Move a referral along"):
            move_referral_form(actor, open_refs, "pt")


def _log(actor: Actor, pid: int, d: PatientContacts) -> None:
    table(d.communications) if d.communications else st.caption("Nothing logged yet.")
    if not actor.can("contacts.edit"):
        return
    with st.expander("Log a call, e-mail or visit", expanded=not d.communications):
        pending_prompts("pt_comm")
        choices = {"patient": {pid: d.name}}
        fam = {r["id"]: f"{r['Name']} ({r['Relationship']})" for r in d.family}
        if fam:
            choices["family member"] = fam
        refs = {r["id"]: r["To"] for r in d.referrals}
        find = st.text_input("Organization (search)", key="pt_comm_org_query")
        if find:
            choices["organization"] = directory_actions.org_options(actor, find)
        referral = pick(
            "About referral (optional)",
            refs,
            index=None,
            key="pt_comm_ref",
        )
        if referral and "organization" not in choices:
            choices["organization"] = {}
        data = communication_form(
            "pt_comm_form",
            field_errors("pt_comm"),
            with_choices=choices,
            base=CommunicationInput(patient_id=pid, referral_id=referral),
        )
        if data is not None:
            attempt(
                "pt_comm",
                lambda ack: calls.log_communication(actor, data, acknowledged_consent=ack),
                "Communication logged.",
            )

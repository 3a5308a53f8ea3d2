"""Forms of the Contacts page. They only collect input; the page saves it."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import streamlit as st

from components.contacts.common import pick
from components.shared.forms import DATE_INPUT, fit, form_key, show_field_error
from db.base import utcnow
from services.contacts.communications import CHANNELS, DIRECTIONS, CommunicationInput
from services.contacts.directory import CONTACT_METHODS, ORG_TYPES, OrgInput, PersonInput
from services.core.clock import local_to_utc, utc_to_local
from services.core.text import us_spelling

ORG_LABELS = {
    "name": "Name",
    "org_type": "Type",
    "services": "Services offered",
    "phone": "Phone",
    "fax": "Fax",
    "email": "Email",
    "address": "Address",
    "website": "Website",
    "hours": "Hours",
    "languages": "Languages",
    "eligibility_notes": "Eligibility notes",
    "accepted_insurers": "Accepted insurers",
    "last_verified_on": "Last verified on",
}


def org_form(key: str, values: OrgInput, errors: dict, submit: str) -> OrgInput | None:
    with st.form(key):
        c1, c2 = st.columns(2)
        name = c1.text_input("Name", values.name, max_chars=fit(200, values.name))
        show_field_error(errors, "name")
        org_type = c2.selectbox(
            "Type",
            ORG_TYPES,
            index=ORG_TYPES.index(values.org_type) if values.org_type in ORG_TYPES else 0,
            format_func=us_spelling,
        )
        show_field_error(errors, "org_type")
        services = st.text_area(
            "Services offered", values.services, height=80, max_chars=fit(2000, values.services)
        )
        c1, c2, c3 = st.columns(3)
        phone = c1.text_input("Phone", values.phone, max_chars=fit(40, values.phone))
        with c1:
            show_field_error(errors, "phone")
        fax = c2.text_input("Fax", values.fax, max_chars=fit(40, values.fax))
        with c2:
            show_field_error(errors, "fax")
        email = c3.text_input("Email", values.email, max_chars=fit(254, values.email))
        with c3:
            show_field_error(errors, "email")
        c1, c2 = st.columns(2)
        address = c1.text_input("Address", values.address, max_chars=fit(300, values.address))
        website = c2.text_input("Website", values.website, max_chars=fit(300, values.website))
        show_field_error(errors, "website")
        c1, c2 = st.columns(2)
        hours = c1.text_input(
            "Hours", values.hours, placeholder="Mon-Fri 9-5", max_chars=fit(200, values.hours)
        )
        languages = c2.text_input(
            "Languages",
            values.languages,
            placeholder="English; Spanish",
            max_chars=fit(200, values.languages),
        )
        eligibility = st.text_area(
            "Eligibility notes",
            values.eligibility_notes,
            height=68,
            max_chars=fit(2000, values.eligibility_notes),
        )
        insurers = st.text_input(
            "Accepted insurers",
            values.accepted_insurers,
            max_chars=fit(2000, values.accepted_insurers),
        )
        verified = st.date_input("Last verified on", values.last_verified_on, format=DATE_INPUT)
        show_field_error(errors, "last_verified_on")
        if st.form_submit_button(submit, type="primary"):
            return OrgInput(
                name=name,
                org_type=org_type,
                services=services,
                phone=phone,
                fax=fax,
                email=email,
                address=address,
                website=website,
                hours=hours,
                languages=languages,
                eligibility_notes=eligibility,
                accepted_insurers=insurers,
                last_verified_on=verified,
            )
    return None


def person_form(key: str, errors: dict) -> PersonInput | None:
    with st.form(key, clear_on_submit=False):
        c1, c2 = st.columns(2)
        name = c1.text_input("Person's name", max_chars=200)
        with c1:
            show_field_error(errors, "person_name")
        role = c2.text_input("Role", placeholder="Intake coordinator", max_chars=120)
        c1, c2, c3 = st.columns(3)
        phone = c1.text_input("Direct phone", max_chars=40)
        with c1:
            show_field_error(errors, "person_phone")
        email = c2.text_input("Person's email", max_chars=254)
        with c2:
            show_field_error(errors, "person_email")
        method = c3.selectbox("Preferred contact", CONTACT_METHODS, index=None)
        if st.form_submit_button("Add person"):
            return PersonInput(name, role, phone, email, method or "")
    return None


def communication_form(
    key: str,
    errors: dict,
    *,
    with_choices: dict[str, dict[int, str]],
    base: CommunicationInput,
    tz: str,
    consent: dict[int, str] | None = None,
) -> CommunicationInput | None:
    """`with_choices`: kind -> {id: label} of whom the user may pick for that kind;
    `consent`: a family member's id -> their consent to share, shown as soon as they are
    chosen (before anything is typed). Times are the clinic's (`tz`)."""
    kinds = list(with_choices)
    c1, c2 = st.columns([1, 2])
    kind = c1.radio("With", kinds, horizontal=True, key=f"{key}_kind")
    choices = with_choices[kind]
    picked = None
    if choices:
        with c2:
            picked = pick("Who", choices, key=f"{key}_who_{kind}")
    for field in ("organization_id", "contact_person_id", "related_person_id", "patient_id"):
        show_field_error(errors, field)
    slot = st.empty()  # always drawn: the form below keeps its place
    if kind == "family member" and picked is not None and consent is not None:
        state = consent.get(picked, "")
        if state.startswith("yes"):
            slot.success(f"Consent to share on file: {state}.", icon=":material/verified_user:")
        else:
            slot.warning(
                f"No current consent to share health information ({state}). Share nothing "
                "about the patient unless consent is verified, or log that no PHI was shared.",
                icon=":material/privacy_tip:",
            )
    now = utc_to_local(utcnow(), tz)
    with st.form(form_key(key)):
        c1, c2, c3, c4 = st.columns(4)
        channel = c1.selectbox("How", CHANNELS)
        direction = c2.selectbox("Direction", DIRECTIONS)
        when_date = c3.date_input("Date", now.date(), format=DATE_INPUT)
        when_time = c4.time_input("Time", value=time(now.hour, 0), step=timedelta(minutes=5))
        show_field_error(errors, "occurred_at")
        summary = st.text_area(
            "Summary", placeholder="What was said or agreed", height=80, max_chars=4000
        )
        show_field_error(errors, "summary")
        outcome = st.text_input(
            "Outcome", placeholder="e.g. left voicemail, intake booked", max_chars=500
        )
        c1, c2 = st.columns(2)
        follow_up = c1.date_input("Follow-up date (becomes a task)", value=None, format=DATE_INPUT)
        with c1:
            show_field_error(errors, "follow_up_on")
        follow_title = c2.text_input(
            "Follow-up task", placeholder="Call back about intake date", max_chars=200
        )
        if st.form_submit_button("Log communication", type="primary"):
            data = CommunicationInput(**{**base.__dict__})
            data.with_kind = kind
            if kind == "organization":
                data.organization_id = picked or base.organization_id
            elif kind == "contact person":
                data.contact_person_id = picked
            elif kind == "family member":
                data.related_person_id = picked
            data.channel, data.direction = channel, direction
            data.occurred_at = local_to_utc(datetime.combine(when_date, when_time), tz)
            data.summary, data.outcome = summary, outcome
            data.follow_up_on, data.follow_up_title = follow_up, follow_title
            return data
    return None

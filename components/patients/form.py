"""The register/edit patient form. Returns what was typed; never touches the database."""

from __future__ import annotations

import streamlit as st

from components.shared.forms import DATE_INPUT, fit, show_field_error
from db.base import today as clinic_today
from services.patients.registry import LIVING_SITUATIONS, MAX_AGE_YEARS, SEXES, PatientInput

LANGUAGES = [
    "English",
    "Spanish",
    "Vietnamese",
    "Cantonese",
    "Mandarin",
    "Haitian Creole",
    "Russian",
    "Arabic",
    "Tagalog",
    "Portuguese",
    "French",
    "Korean",
    "Polish",
    "Somali",
    "Other",
]


def _select(label: str, options: list, value, key: str, **kw):
    options = list(options)
    if value not in options:
        options = [value, *options] if value else options
    return st.selectbox(
        label, options, index=options.index(value) if value in options else 0, key=key, **kw
    )


def patient_form(
    form_key: str,
    initial: PatientInput,
    staff: dict[int, str],
    errors: dict[str, str],
    submit_label: str,
) -> PatientInput | None:
    """Draw the form; return the typed values when submitted, else None."""
    today = clinic_today()
    with st.form(form_key, clear_on_submit=False):
        st.markdown("**Name and identity**")
        c1, c2, c3 = st.columns(3)
        given = c1.text_input(
            "Given name",
            value=initial.given_name,
            max_chars=fit(100, initial.given_name),
            key=f"{form_key}_given",
        )
        with c1:
            show_field_error(errors, "given_name")
        family = c2.text_input(
            "Family name",
            value=initial.family_name,
            max_chars=fit(100, initial.family_name),
            key=f"{form_key}_family",
        )
        with c2:
            show_field_error(errors, "family_name")
        preferred = c3.text_input(
            "Preferred name (optional)",
            value=initial.preferred_name,
            max_chars=fit(100, initial.preferred_name),
            key=f"{form_key}_preferred",
        )
        with c3:
            show_field_error(errors, "preferred_name")
        c1, c2, c3, c4 = st.columns(4)
        birth = c1.date_input(
            "Date of birth",
            value=initial.birth_date,
            format=DATE_INPUT,
            min_value=today.replace(year=today.year - MAX_AGE_YEARS - 5),
            # Later dates are allowed here so the form can say plainly why they are wrong.
            max_value=today.replace(year=today.year + 5),
            key=f"{form_key}_dob",
        )
        with c1:
            show_field_error(errors, "birth_date")
        with c2:
            sex = _select("Sex", ["", *SEXES], initial.sex, f"{form_key}_sex")
        pronouns = c3.text_input(
            "Pronouns (optional)",
            value=initial.pronouns,
            key=f"{form_key}_pronouns",
            max_chars=fit(40, initial.pronouns),
        )
        mrn = c4.text_input(
            "MRN (blank: assign one)",
            value=initial.mrn,
            key=f"{form_key}_mrn",
            max_chars=fit(32, initial.mrn),
        )
        with c4:
            show_field_error(errors, "mrn")

        st.markdown("**Language and contact**")
        c1, c2, c3, c4 = st.columns(4)
        with c1:
            language = _select(
                "Preferred language",
                LANGUAGES,
                initial.preferred_language or "English",
                f"{form_key}_language",
            )
        interpreter = c2.checkbox(
            "Needs an interpreter", value=initial.interpreter_needed, key=f"{form_key}_interpreter"
        )
        phone = c3.text_input(
            "Phone", value=initial.phone, key=f"{form_key}_phone", max_chars=fit(40, initial.phone)
        )
        with c3:
            show_field_error(errors, "phone")
        email = c4.text_input(
            "Email", value=initial.email, key=f"{form_key}_email", max_chars=fit(254, initial.email)
        )
        with c4:
            show_field_error(errors, "email")

        st.markdown("**Where the patient lives**")
        c1, c2, c3, c4 = st.columns([3, 2, 1, 1])
        address = c1.text_input(
            "Street address",
            value=initial.address_line,
            key=f"{form_key}_address",
            max_chars=fit(200, initial.address_line),
        )
        city = c2.text_input(
            "City", value=initial.city, key=f"{form_key}_city", max_chars=fit(100, initial.city)
        )
        state = c3.text_input(
            "State",
            value=initial.state,
            key=f"{form_key}_state",
            max_chars=fit(50, initial.state),
            placeholder="MA",
        )
        with c3:
            show_field_error(errors, "state")
        postal = c4.text_input(
            "ZIP code",
            value=initial.postal_code,
            key=f"{form_key}_zip",
            max_chars=fit(20, initial.postal_code),
        )
        with c4:
            show_field_error(errors, "postal_code")
        c1, c2 = st.columns(2)
        with c1:
            living = _select(
                "Living situation",
                ["", *LIVING_SITUATIONS],
                initial.living_situation,
                f"{form_key}_living",
            )
            show_field_error(errors, "living_situation")
        manager_ids = [None, *staff]
        with c2:
            manager = st.selectbox(
                "Primary case manager",
                manager_ids,
                index=manager_ids.index(initial.primary_case_manager_id)
                if initial.primary_case_manager_id in manager_ids
                else 0,
                format_func=lambda i: "— not assigned —" if i is None else staff[i],
                key=f"{form_key}_manager",
            )
            show_field_error(errors, "primary_case_manager_id")
        submitted = st.form_submit_button(submit_label, type="primary")
    if not submitted:
        return None
    return PatientInput(
        given_name=given,
        family_name=family,
        preferred_name=preferred,
        birth_date=birth,
        sex=sex or "",
        pronouns=pronouns,
        preferred_language=language,
        interpreter_needed=interpreter,
        phone=phone,
        email=email,
        address_line=address,
        city=city,
        state=state,
        postal_code=postal,
        living_situation=living or "",
        primary_case_manager_id=manager,
        mrn=mrn,
    )

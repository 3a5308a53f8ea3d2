"""Patients page: registering a patient, with the duplicate check before saving."""

from __future__ import annotations

import streamlit as st

from components.flash import flash
from components.forms import field_errors
from components.patient_form import patient_form
from components.patient_views import open_patient
from db.session import session_scope
from services import patients
from services.errors import InvalidInput
from services.identity import Actor
from services.patients import PatientInput, PossibleDuplicate

state = st.session_state


def register_view(actor: Actor, staff: dict[int, str], region: str) -> None:
    st.title("Register a patient")
    st.button("← Back to search", on_click=open_patient, args=(None, "search"))
    errors = field_errors("register")
    dupes = state.get("patient_dupes")
    if dupes:
        st.warning(
            "A patient with the same name and date of birth is already registered. "
            "Open that record, or register anyway if this is a different person."
        )
        for p in dupes:
            st.button(
                f"Open existing record: MRN {p['mrn']}, born {p['birth_date']}",
                key=f"dupe_{p['id']}",
                on_click=open_patient,
                args=(p["id"],),
            )
    data = patient_form(
        "register_form",
        state.get("register_data", PatientInput()),
        staff,
        errors,
        "Register anyway" if dupes else "Register patient",
    )
    if data is not None:
        state["register_data"] = data
        try:
            with session_scope() as s:
                p = patients.register_patient(
                    s, actor, data, region=region, confirmed_not_duplicate=bool(dupes)
                )
                new_id, mrn = p.id, p.mrn
        except PossibleDuplicate as exc:
            state["patient_dupes"] = exc.matches
        except InvalidInput as exc:
            field_errors("register", exc.errors)
        else:
            state.pop("register_data", None)
            flash(f"Patient registered (MRN {mrn}).")
            open_patient(new_id)
        st.rerun()

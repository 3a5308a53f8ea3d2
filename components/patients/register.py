"""Registering a patient, with the duplicate check before saving: on the Patients page, and
inline on the Intake page for a patient seen for the first time."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.patients.form import patient_form
from components.patients.views import open_patient
from components.shared.flash import flash
from components.shared.forms import field_errors
from services.core.clock import us_date
from services.core.errors import InvalidInput
from services.core.identity import Actor
from services.core.text import fold
from services.patients import actions
from services.patients.registry import PatientInput, PossibleDuplicate

state = st.session_state


def register_view(actor: Actor, staff: dict[int, str], region: str) -> None:
    st.title("Register a patient")
    st.button("← Back to search", on_click=open_patient, args=(None, "search"))
    register_form(actor, staff, region, key="register", on_open=open_patient)


def _identity(data: PatientInput) -> tuple:
    return fold(data.given_name or ""), fold(data.family_name or ""), data.birth_date


def forget(key: str) -> None:
    """Drop a registration form's warning and typed values (another patient was chosen)."""
    state.pop(f"{key}_dupes", None)
    state.pop(f"{key}_data", None)


def register_form(
    actor: Actor,
    staff: dict[int, str],
    region: str,
    *,
    key: str,
    on_open: Callable[[int], None],
    initial: PatientInput | None = None,
) -> None:
    """The registration form; `on_open(patient_id)` runs for the new record, or for the
    existing one the user chose after the duplicate warning."""
    dupes_key, data_key = f"{key}_dupes", f"{key}_data"

    def open_record(patient_id: int) -> None:
        state.pop(dupes_key, None)
        state.pop(data_key, None)
        on_open(patient_id)

    # The warning belongs to the name and birth date that raised it: "Register anyway"
    # confirms those only, and a changed name or date is checked again.
    warned = state.get(dupes_key)
    dupes = warned["matches"] if warned else None
    if dupes:
        st.warning(
            "A patient with the same name and date of birth is already registered. "
            "Open that record, or register anyway if this is a different person."
        )
        for p in dupes:
            st.button(
                f"Open existing record: MRN {p['mrn']}, born {us_date(p['birth_date'])}",
                key=f"{key}_dupe_{p['id']}",
                on_click=open_record,
                args=(p["id"],),
            )
    data = patient_form(
        f"{key}_form",
        state.get(data_key, initial or PatientInput()),
        staff,
        field_errors(key),
        "Register anyway" if dupes else "Register patient",
    )
    if data is None:
        return
    state[data_key] = data  # what was typed survives a refusal
    confirmed = bool(warned) and warned["for"] == _identity(data)
    try:
        p = actions.register_patient(actor, data, region=region, confirmed_not_duplicate=confirmed)
    except PossibleDuplicate as exc:
        state[dupes_key] = {"matches": exc.matches, "for": _identity(data)}
    except InvalidInput as exc:
        field_errors(key, exc.errors)
    else:
        flash(f"Patient registered (MRN {p.mrn}).")
        open_record(p.id)
    st.rerun()

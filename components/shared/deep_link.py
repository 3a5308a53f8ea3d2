"""Links between pages carry the patient as ?patient=…; the value is user input.

A link may be typed, edited or stale, so every page reads it here: a value that is not
one of the clinic's patients gets a plain "No such patient." and nothing else.
"""

from __future__ import annotations

import re

import streamlit as st

from services.core.identity import Actor
from services.patients.actions import patient_brief

_ID = re.compile(r"[0-9]{1,18}")  # a row id; anything else (abc, 1.5, -3, 10**30) is not


def linked_id(name: str) -> int | None:
    """A numeric query parameter taken once, or None when absent or malformed."""
    raw = st.query_params.get(name)
    if raw is None:
        return None
    del st.query_params[name]
    return int(raw) if _ID.fullmatch(raw) else None


def linked_patient(actor: Actor) -> int | None:
    """The patient a link opened this page on, once; stops the page for a bad value."""
    raw = st.query_params.get("patient")
    if raw is None:
        return None
    patient_id = int(raw) if _ID.fullmatch(raw) else None
    if patient_id is None or patient_brief(actor, patient_id) is None:
        st.error("No such patient.", icon=":material/person_off:")
        st.stop()
    del st.query_params["patient"]
    return patient_id

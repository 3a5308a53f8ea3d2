"""Every page that shows a patient's data records one "view" in the audit trail per opening:
when the user arrives on the page, or turns it to another patient — not on each rerun
(a rerun happens on every click, and a trail full of repeats hides what was looked at)."""

from __future__ import annotations

import streamlit as st

from services.core.identity import Actor
from services.patients.actions import record_patient_view

_KEY = "_viewed"


def patient_viewed(actor: Actor, patient_id: int | None, where: str) -> None:
    """Call where the page shows the patient; `where` names the page in the trail."""
    if patient_id is None:
        return
    seen = st.session_state.setdefault(_KEY, {})
    if st.session_state.get("_arrived") or seen.get(where) != patient_id:
        record_patient_view(actor, patient_id, where)
        seen[where] = patient_id

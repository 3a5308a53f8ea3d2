"""The patient's FHIR download: one click makes the file (and records it in the audit trail)."""

from __future__ import annotations

import streamlit as st

from services.core.identity import Actor
from services.interop import actions


def fhir_download(actor: Actor, patient_id: int, mrn: str, *, key: str = "fhir") -> None:
    """A button that downloads the whole patient as FHIR R4 (nothing for read-only roles)."""
    if not actor.can("records.export"):
        return
    st.download_button(
        "Download FHIR record",
        data=lambda: actions.download_fhir(actor, patient_id),
        file_name=f"patient-{mrn}.fhir.json",
        mime="application/fhir+json",
        icon=":material/download:",
        key=f"{key}_{patient_id}",
        on_click="ignore",
        help="The whole patient as a FHIR R4 file for a hospital, agency or EHR: details, "
        "family and consent, insurance, care plan, referrals, appointments, calls and "
        "screening scores. It leaves CareDesk: the download is recorded.",
    )

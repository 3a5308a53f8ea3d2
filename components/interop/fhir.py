"""The patient's FHIR download (one click makes the file and records it in the audit trail),
and what came in from other systems' FHIR files, read only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.shared.text import esc, show_table
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


def patient_exchange(actor: Actor, patient_id: int, mrn: str) -> None:
    """On the patient's page: the FHIR download, and the conditions, allergies and
    medications that other systems' files brought (read only, never edited here)."""
    fhir_download(actor, patient_id, mrn)
    record = actions.outside_record(actor, patient_id)
    if record.empty:
        return
    with st.expander("From other records (read only)", key=f"outside_{patient_id}"):
        st.caption(
            f"From {esc(record.came_from)}. CareDesk keeps these as they came and does not "
            "change them: check with the patient and their doctor before relying on them."
        )
        for heading, rows in record.lists.items():
            if rows:
                st.subheader(heading)
                show_table(pd.DataFrame(rows), alt=f"{heading} from other records")

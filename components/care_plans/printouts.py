"""Printable plans: the patient/family version (English or Spanish) and the clinician one."""

from __future__ import annotations

import streamlit as st

from services.care_plans.actions import plan as plan_actions
from services.care_plans.patient_printout import LANGUAGES
from services.care_plans.rows import PlanView
from services.core.identity import Actor


def print_section(actor: Actor, view: PlanView) -> None:
    st.subheader("Print the plan")
    if not actor.can("records.export"):
        st.caption("Your role reads on screen only: no printouts or files leave CareDesk.")
        return
    st.caption(
        "Each printout is recorded in the audit trail. The patient version is in large type "
        "and plain words; the clinician version has everything."
    )
    key = f"_cp_pdf_{view.patient.id}"
    c1, c2 = st.columns(2)
    language = c1.radio(
        "Patient version language",
        list(LANGUAGES),
        format_func=lambda code: LANGUAGES[code],
        horizontal=True,
        key="cp_pdf_lang",
    )
    if c1.button("Prepare patient and family version", key="cp_pdf_patient"):
        data = plan_actions.print_plan(actor, view.patient.id, version="patient", language=language)
        st.session_state[f"{key}_patient"] = (data, language)
    if c2.button("Prepare clinician version", key="cp_pdf_clinician"):
        st.session_state[f"{key}_clinician"] = (
            plan_actions.print_plan(actor, view.patient.id, version="clinician"),
            "en",
        )
    for which, column in (("patient", c1), ("clinician", c2)):
        ready = st.session_state.get(f"{key}_{which}")
        if ready:
            column.download_button(
                f"Download {which} version (PDF)",
                data=ready[0],
                file_name=f"care-plan-{view.patient.mrn}-{which}-{ready[1]}.pdf",
                mime="application/pdf",
                key=f"cp_dl_{which}",
            )

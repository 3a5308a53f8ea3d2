"""Printable plans: the patient/family version (English or Spanish) and the clinician one.

Each download is made when its button is pressed, in the language chosen at that moment:
one click, never a stale file. Every printout is recorded in the audit trail.
"""

from __future__ import annotations

import streamlit as st

from components.shared.text import esc
from services.care_plans.actions import plan as plan_actions
from services.care_plans.patient_printout import (
    LANGUAGES,
    printed_goals,
    printed_tasks,
    untranslated,
)
from services.care_plans.rows import PlanView
from services.core.identity import Actor


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def print_section(actor: Actor, view: PlanView) -> None:
    st.header("Print the plan")
    if not actor.can("records.export"):
        st.caption("Your role reads on screen only: no printouts or files leave CareDesk.")
        return
    st.caption(
        "Each printout is recorded in the audit trail. The patient version is in large type "
        "and plain words and prints only what is marked for the patient; the clinician "
        "version has everything."
    )
    patient_id, mrn = view.patient.id, view.patient.mrn
    c1, c2 = st.columns(2)
    with c1:
        language = st.radio(
            "Patient version language",
            list(LANGUAGES),
            format_func=lambda code: LANGUAGES[code],
            horizontal=True,
            key="cp_pdf_lang",
        )
        goals, tasks = printed_goals(view), printed_tasks(view)
        st.caption(
            f"On the patient's plan: {_count(len(goals), 'goal')} and "
            f"{_count(len(tasks), 'task')} (mark more under Goals and Tasks), who to call "
            "with the 988 crisis line, appointments and what was taught."
        )
        missing = untranslated(view, language)
        if missing:
            st.warning(
                f"{_count(len(missing), 'item')} on the patient's plan "
                f"{'has' if len(missing) == 1 else 'have'} no {LANGUAGES[language]} wording "
                "yet and will print as written: " + esc("; ".join(missing)),
                icon=":material/translate:",
            )
        st.download_button(
            f"Download patient version in {LANGUAGES[language]} (PDF)",
            data=lambda: plan_actions.print_plan(
                actor, patient_id, version="patient", language=language
            ),
            file_name=f"care-plan-{mrn}-patient-{language}.pdf",
            mime="application/pdf",
            key="cp_dl_patient",
            on_click="ignore",
            icon=":material/print:",
            type="primary",
        )
    with c2:
        st.download_button(
            "Download clinician version (PDF)",
            data=lambda: plan_actions.print_plan(actor, patient_id, version="clinician"),
            file_name=f"care-plan-{mrn}-clinician.pdf",
            mime="application/pdf",
            key="cp_dl_clinician",
            on_click="ignore",
            icon=":material/print:",
        )

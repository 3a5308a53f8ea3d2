"""Patients page: find a patient (my caseload first), page through, open one."""

from __future__ import annotations

import streamlit as st

from components.patients import views
from components.patients.views import open_patient
from components.shared.text import isolate
from services.core.identity import Actor
from services.patients import actions

state = st.session_state


def search_view(actor: Actor, staff: dict[int, str]) -> None:
    can_edit = actor.can("patients.edit")
    st.title("Patients")
    c1, c2, c4 = st.columns([3, 2.2, 1.3], vertical_alignment="bottom")
    query = c1.text_input(
        "Find a patient", placeholder="Name, date of birth (MM/DD/YYYY) or MRN", max_chars=100
    )
    # The toggles take the width their labels need (never cut off), side by side.
    with c2, st.container(horizontal=True, gap="medium"):
        mine = st.toggle("Only my patients", value=actor.role in ("nurse", "social_worker"))
        archived = st.toggle("Include archived")
    if can_edit:
        c4.button(
            "Register a patient",
            icon=":material/person_add:",
            on_click=open_patient,
            args=(None, "register"),
        )
    if actor.can("referrals.edit"):  # family and insurance come in too: clinical roles
        st.button(
            "Import patients from a FHIR file",
            icon=":material/upload_file:",
            type="tertiary",
            on_click=open_patient,
            args=(None, "fhir_import"),
        )
    if state.get("patient_query") != (query, mine, archived):
        state["patient_query"], state["patient_page"] = (query, mine, archived), 1
    result = actions.search_patients(
        actor, query, only_mine=mine, include_archived=archived, page=state["patient_page"]
    )
    found = result.found
    if result.widened:  # not in my caseload: the matches are clinic-wide
        st.info("No match in your caseload; showing matches from the whole clinic.")
    rows = [
        {
            "Name": p.display_name,
            "Born": p.birth_date,
            "MRN": p.mrn,
            "Language": p.preferred_language,
            "Case manager": staff.get(p.primary_case_manager_id, ""),
            "Status": p.status,
        }
        for p in found.rows
    ]
    ids = [p.id for p in found.rows]
    st.caption(
        f"{found.total} patient(s) found · page {found.page} of {found.pages} · "
        "click a row, or choose below, to open the patient"
    )
    if rows:
        # Fresh widget keys after each opening, so coming back shows no stale choice.
        generation = state.get("results_generation", 0)
        clicked = views.results_table(rows, key=f"results_{generation}")
        picked = st.selectbox(
            "Open patient",
            range(len(ids)),
            index=None,
            key=f"pick_{generation}",
            placeholder="Choose from this page",
            format_func=lambda i: f"{isolate(rows[i]['Name'])} · {rows[i]['MRN']}",
        )
        chosen = clicked if clicked is not None else picked
        if chosen is not None:
            state["results_generation"] = generation + 1
            open_patient(ids[chosen])
            st.rerun()
    p1, p2, _ = st.columns([1, 1, 6])
    if p1.button("← Previous", disabled=found.page <= 1):
        state["patient_page"] = found.page - 1
        st.rerun()
    if p2.button("Next →", disabled=found.page >= found.pages):
        state["patient_page"] = found.page + 1
        st.rerun()

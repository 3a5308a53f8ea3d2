"""Pieces of the Intake page that are not steps: patient picker, history, conflicts."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.patients.register import forget
from components.shared.text import esc, isolate, show_table

PATIENT_KEY = "intake_patient_id"
REGISTER_KEY = "intake_register"  # the inline registration form's state
CONFLICT_KEY = "_intake_conflict"
CARE_PLAN_PAGE = "pages/care_plan.py"


def care_plan_page() -> str:
    return CARE_PLAN_PAGE


def patient_picker(
    search: Callable[[str], list[tuple[int, str]]],
    drafts: Callable[[], list[dict]],
    register: Callable[[], None] | None = None,
) -> int | None:
    """Choose the patient (search by name, date of birth or MRN, or resume a draft);
    `register` draws the form for a patient seen for the first time."""
    chosen = st.session_state.get(PATIENT_KEY)
    if chosen:
        forget(REGISTER_KEY)  # whoever was being registered, a patient is now chosen
        if st.sidebar.button("Choose another patient", icon=":material/person_search:"):
            st.session_state.pop(PATIENT_KEY, None)
            st.rerun()
        return chosen
    query = st.text_input(
        "Find a patient", placeholder="Name, date of birth (MM/DD/YYYY) or MRN", max_chars=100
    )
    if query.strip():
        found = search(query)
        if found:
            labels = dict(found)
            pick = st.selectbox(
                "Patient",
                list(labels),
                index=None,
                format_func=labels.get,
                placeholder="Choose the patient",
            )
            if pick is not None:
                st.session_state[PATIENT_KEY] = pick
                st.rerun()
        elif register:
            st.info("No patient found. A new patient? Register them below.")
        else:
            st.info("No patient found. New patients are registered on the Patients page.")
            st.page_link("pages/patients.py", label="Go to Patients", icon=":material/group:")
    if register:
        with st.expander("Register a new patient and start the intake"):
            register()
    rows = drafts()
    if rows:
        st.header("Intakes in progress")
        st.dataframe(
            pd.DataFrame(rows).drop(columns=["patient_id", "updated_by_id"]),
            hide_index=True,
            width="stretch",
            alt="Intakes in progress",
        )
        labels = {
            r["patient_id"]: f"{isolate(r['Patient'])} · {r['MRN']} · {r['Step']}" for r in rows
        }
        resume = st.selectbox(
            "Resume the intake for",
            list(labels),
            index=None,
            format_func=labels.get,
            placeholder="Choose a draft",
        )
        if resume is not None:
            st.session_state[PATIENT_KEY] = resume
            st.rerun()
    return None


def history(intakes: list[dict], rows: list[dict], trend: dict[str, list[dict]]) -> None:
    """Every past assessment and a trend chart per instrument."""
    if intakes:
        st.header("Intakes")
        st.dataframe(
            pd.DataFrame(intakes).drop(columns=["id"]),
            hide_index=True,
            width="stretch",
            alt="Intakes",
        )
    if not rows:
        st.caption("No scored assessments yet.")
        return
    st.header("Scores over time")
    charted = {title: points for title, points in trend.items() if len(points) > 1}
    columns = st.columns(2)
    for n, (title, points) in enumerate(charted.items()):
        with columns[n % 2]:
            st.caption(esc(title))
            st.line_chart(pd.DataFrame(points), x="Date", y="Score", height=180)
    if not charted:
        st.caption("Charts appear once an instrument has been scored twice.")
    st.header("Every assessment")
    show_table(pd.DataFrame(rows), alt="Every assessment")


def show_conflict(step_key: str) -> None:
    item = st.session_state.pop(CONFLICT_KEY, None)
    if not item:
        return
    message, theirs, mine = item
    st.error(esc(message), icon=":material/sync_problem:")
    saved = theirs.get(step_key) or {}
    yours = mine.get(step_key) or {}
    fields = sorted(set(saved) | set(yours))
    if fields:
        show_table(
            pd.DataFrame(
                {
                    "Field": fields,
                    "Saved by them": [str(saved.get(f, "")) for f in fields],
                    "Yours (not saved)": [str(yours.get(f, "")) for f in fields],
                }
            ).set_index("Field"),
            alt="The step as saved by someone else and as you changed it",
        )

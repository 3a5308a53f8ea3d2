"""Care plan: goals first in the patient's words, tasks, team, reviews, teaching, discharge."""

import streamlit as st

from components.care_plans import goals as goals_ui
from components.care_plans import header as header_ui
from components.care_plans import printouts as print_ui
from components.care_plans import reviews as reviews_ui
from components.care_plans import tasks as tasks_ui
from components.care_plans import teaching as teaching_ui
from components.care_plans import team as team_ui
from components.care_plans import transitions as transitions_ui
from components.overview.header import patient_header
from components.shared.deep_link import linked_patient
from components.shared.guard import page_setup
from components.shared.viewed import patient_viewed
from services.care_plans.actions import plan as plan_actions
from services.core.actions import staff_choices
from services.core.clock import us_date
from services.core.text import us_spelling
from services.patients.actions import find_patients, patient_brief

actor = page_setup("Care plan", "clinical.read")
st.title("Care plan")
can_edit = actor.can("clinical.edit")
if not can_edit:
    st.caption("Read only for your role.")

# Arriving from "Start care plan from this intake": take its accepted suggestions once.
handoff = st.session_state.pop("care_plan_from_intake", None)
if handoff and can_edit:
    _, taken = plan_actions.start_plan_from_intake(
        actor, handoff["patient_id"], handoff.get("intake_id")
    )
    st.session_state["cp_patient"] = handoff["patient_id"]
    added = (
        f"{taken} item{'s' if taken != 1 else ''} from the intake (goals, needs and tasks) "
        f"{'was' if taken == 1 else 'were'} added to the plan as proposed."
        if taken
        else "Nothing from the intake was left to add to the plan."
    )
    st.success(f"{handoff.get('done', '')} {added}".strip())

# Patient: from the Patients page (?patient=ID or session), or search here.
if (linked := linked_patient(actor)) is not None:  # taken once; the search can move on
    st.session_state["cp_patient"] = linked
query = st.text_input("Find a patient (name, MRN or date of birth)", key="cp_query", max_chars=100)
found = find_patients(actor, query, page_size=25).rows
current = st.session_state.get("cp_patient")
current = patient_brief(actor, current) if current else None
chosen = header_ui.pick_patient(found, query, current)
if chosen is None:
    st.stop()
if chosen != st.session_state.get("cp_patient"):
    st.session_state["cp_patient"] = chosen
    st.session_state.pop("cp_plan_id", None)
patient_viewed(actor, chosen, "Care plan")

patient_header(actor, chosen, here="pages/care_plan.py")
history = plan_actions.plan_history(actor, chosen)
users = staff_choices(actor)
plan_id = None
if len(history) > 1 or (history and not history[0].is_current):
    labels = {p.id: f"{us_date(p.start_on)} · {p.title} ({us_spelling(p.status)})" for p in history}
    plan_id = st.selectbox(
        "Plan",
        list(labels),
        format_func=lambda i: labels[i],
        key="cp_plan_id",
        help="Earlier plans are kept as history and can be read here.",
    )
view = plan_actions.open_plan(actor, chosen, plan_id)

header_ui.header(view, users)
if view.plan is None:
    if can_edit:
        header_ui.start_plan_form(actor, chosen)
    else:
        st.info("This patient has no care plan yet.")
    transitions_ui.transitions_section(actor, view, users, can_edit)
    st.stop()
if can_edit and view.plan.is_current:
    header_ui.edit_plan_form(actor, view)

# Keyed and stateful: a save returns to the same tab, and only the open tab's body runs.
TABS = ["Goals", "Tasks", "Needs and team", "Reviews", "Teach-back", "Transitions", "Print"]
tabs = st.tabs(TABS, key="cp_tabs", on_change="rerun")
sections = [
    lambda: goals_ui.goals_section(actor, view, can_edit),
    lambda: tasks_ui.tasks_section(actor, view, users, can_edit),
    lambda: (
        team_ui.needs_section(actor, view, can_edit),
        team_ui.team_section(actor, view, users, can_edit),
    ),
    lambda: reviews_ui.reviews_section(actor, view, users, can_edit),
    lambda: teaching_ui.teaching_section(actor, view, can_edit),
    lambda: transitions_ui.transitions_section(actor, view, users, can_edit),
    lambda: print_ui.print_section(actor, view),
]
for tab, draw in zip(tabs, sections, strict=True):
    if tab.open:
        with tab:
            draw()

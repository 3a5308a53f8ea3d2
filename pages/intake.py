"""Intake assessment: pick a patient, walk the eight steps (each saved as a draft), summary."""

import streamlit as st

from components.intake import flow, page
from components.intake import steps as ui
from components.overview.header import patient_header
from components.patients.register import register_form
from components.shared.deep_link import linked_patient
from components.shared.forms import field_errors, section
from components.shared.guard import page_setup
from components.shared.text import esc, isolate, show_table
from components.shared.viewed import patient_viewed
from db import config
from services.core.actions import staff_choices
from services.core.clock import us_date
from services.intake import actions
from services.intake.steps import STEP_KEYS, STEPS
from services.patients.actions import find_patients

actor = page_setup("Intake assessment", "clinical.read")
if (linked := linked_patient(actor)) is not None:  # opened from a patient's page
    st.session_state[page.PATIENT_KEY] = linked
st.title("Intake assessment")
if st.session_state.pop("_intake_go_care_plan", None) and page.care_plan_page():
    st.switch_page(page.care_plan_page())


def search(query: str) -> list[tuple[int, str]]:
    found = find_patients(actor, query, page_size=20).rows
    return [
        (p.id, f"{isolate(p.display_name)} · born {us_date(p.birth_date)} · {p.mrn}") for p in found
    ]


def drafts() -> list[dict]:
    return actions.intake_drafts(actor)


def register() -> None:
    staff = staff_choices(actor)

    def start_intake(new_id: int) -> None:
        st.session_state[page.PATIENT_KEY] = new_id

    register_form(actor, staff, config.load().region, key=page.REGISTER_KEY, on_open=start_intake)


can_register = actor.can("patients.edit") and actor.can("clinical.edit")  # then the intake
patient_id = page.patient_picker(search, drafts, register if can_register else None)
if patient_id is None:
    st.stop()
view = actions.open_intake(actor, patient_id)
patient_viewed(actor, patient_id, "Intake assessment")
p, draft, active = view.patient, view.draft, view.instruments

header = patient_header(actor, patient_id, here="pages/intake.py")
if view.alert and not header.safety:  # an open follow-up's alert is in the header
    st.error(esc(view.alert), icon=":material/emergency:")
# Keyed and stateful: the open tab stays open across saves, and only it runs.
work, past_tab = st.tabs(["Intake", "History and trends"], key="intake_tab", on_change="rerun")
if past_tab.open:
    with past_tab:
        page.history(view.intakes, view.history, view.trends)
    st.stop()
if not actor.can("clinical.edit"):
    work.info("Your role can read assessments but cannot start or edit an intake.")
    st.stop()
with work:
    if draft is None:
        if view.handoff:
            st.caption("Accepted suggestions waiting for the care plan:")
            show_table(view.handoff, alt="Accepted suggestions waiting for the care plan")
            if st.button("Start care plan from this intake", type="primary"):
                st.session_state["care_plan_from_intake"] = {"patient_id": patient_id}
                if page.care_plan_page():
                    st.switch_page(page.care_plan_page())
                st.info("They are saved with the intake; the care-plan builder picks them up.")
        st.page_link(
            "pages/contacts.py",
            label="Family, insurance and draft referrals in Contacts",
            icon=":material/contacts:",
            query_params={"patient": str(patient_id)},
        )
        if st.button("Start a new intake", icon=":material/assignment_add:"):
            started = actions.start_intake(actor, patient_id)
            st.session_state[f"intake_step_{started.id}"] = started.current_step
            st.rerun()
        st.stop()
    intake_id = draft.id
    save = flow.saver(actor, intake_id)
    # The form shows, and the save names, the version first opened (DESIGN.md §3.5).
    version, data, p = st.session_state.setdefault(
        f"intake_seen_{intake_id}", (draft.version, draft.data, p)
    )
    step = st.session_state.setdefault(f"intake_step_{intake_id}", draft.current_step)
    st.caption(f"Draft last saved {us_date(draft.saved_at)} by {esc(draft.saved_by)}.")
    ui.progress(step)
    key = STEP_KEYS[step - 1]
    page.show_conflict(key)
    form = f"intake_{intake_id}_{step}"
    errors = field_errors(form)
    saved = data.get(key) or {}
    if key == "identity" and (got := ui.identity(p, errors, form)):
        save(form, actions.save_identity_step, intake_id, got.values, p["version"], version, step=2)
    elif key in ("living", "supports", "services"):
        if got := getattr(ui, key)(saved, errors, form):
            save(form, actions.save_step, intake_id, key, got.values, version, step=step + got.move)
    elif (
        key == "insurance"
        and (got := ui.insurance(saved, errors, form, view.insurers))
        or key == "matters"
        and (got := ui.matters(saved, p, errors, form))
    ):
        save(form, actions.save_step, intake_id, key, got.values, version, step=step + got.move)
    elif key == "screening":
        flow.screening_step(save, intake_id, version, step, saved, active, errors, form)
    elif key == "summary":
        flow.summary_step(save, view, patient_id, intake_id, version, errors, form)
    with section("Jump to another step, or discard this draft", "intake_jump_open"):
        jump = st.selectbox(
            "Go to step",
            range(1, 9),
            index=step - 1,
            format_func=lambda n: f"{n}. {STEPS[n - 1][1]}",
        )
        if jump != step:
            st.session_state[f"intake_step_{intake_id}"] = jump
            st.session_state.pop(f"intake_seen_{intake_id}", None)
            st.rerun()
        reason = st.text_input("Reason for discarding", max_chars=2000)
        if st.button("Discard draft"):
            save("discard", actions.discard_draft, intake_id, reason, version, step=1)

"""Intake assessment: pick a patient, walk the eight steps (each saved as a draft), summary."""

import streamlit as st

from components.intake import page
from components.intake import steps as ui
from components.patients.register import register_form
from components.shared.flash import flash
from components.shared.forms import field_errors
from components.shared.guard import page_setup
from components.shared.text import show_table
from db import config
from db.session import session_scope
from services.core import auth
from services.core.clock import utc_to_local
from services.core.errors import Conflict, InvalidInput
from services.intake import draft as intake_draft
from services.intake import history as records
from services.intake import instrument_store
from services.intake import intake as svc
from services.intake.steps import PATIENT_FIELDS, STEP_KEYS, STEPS
from services.intake.summary import summarize
from services.patients import registry as patients

actor = page_setup("Intake assessment", "clinical.read")
if st.query_params.get("patient", "").isdigit():  # opened from a patient's page
    st.session_state[page.PATIENT_KEY] = int(st.query_params.pop("patient"))
st.title("Intake assessment")
if st.session_state.pop("_intake_go_care_plan", None) and page.care_plan_page():
    st.switch_page(page.care_plan_page())


def search(query: str) -> list[tuple[int, str]]:
    with session_scope() as s:
        found = patients.search_patients(s, actor, query, page_size=20).rows
        return [(p.id, f"{p.display_name} · born {p.birth_date} · {p.mrn}") for p in found]


def drafts() -> list[dict]:
    with session_scope() as s:
        return intake_draft.draft_rows(s, actor)


def save(form: str, fn, *args, step: int, then_care_plan: bool = False) -> None:
    """One save in one transaction; errors go next to the fields, conflicts above the form.

    Saves name the version the form was first shown with (kept in session state), so a
    colleague's save in between is refused with both versions shown (DESIGN.md §3.5).
    """
    try:
        with session_scope() as s:
            fn(s, actor, *args)
    except InvalidInput as exc:
        if step < st.session_state.get(f"intake_step_{intake_id}", step):  # going back
            st.session_state[f"intake_step_{intake_id}"] = step
            st.session_state.pop(f"intake_seen_{intake_id}", None)
            flash("That step was not saved: some answers need fixing.", icon="⚠️")
        else:
            field_errors(form, exc.errors)
    except Conflict as exc:
        st.session_state["_intake_conflict"] = (str(exc), exc.theirs, exc.mine)
        st.session_state.pop(f"intake_seen_{intake_id}", None)
    else:
        st.session_state[f"intake_step_{intake_id}"] = step
        st.session_state.pop(f"intake_seen_{intake_id}", None)
        flash("Intake completed." if step == 9 else "Saved.")
        if then_care_plan:
            st.session_state["_intake_go_care_plan"] = True
    st.rerun()


def register() -> None:
    with session_scope() as s:
        staff = auth.staff_choices(s)

    def start_intake(new_id: int) -> None:
        st.session_state[page.PATIENT_KEY] = new_id

    register_form(actor, staff, config.load().region, key=page.REGISTER_KEY, on_open=start_intake)


can_register = actor.can("patients.edit") and actor.can("clinical.edit")  # then the intake
patient_id = page.patient_picker(search, drafts, register if can_register else None)
if patient_id is None:
    st.stop()
with session_scope() as s:
    patient = patients.get_patient(s, actor, patient_id)
    p = {c: getattr(patient, c) for c in PATIENT_FIELDS} | {"name": patient.display_name}
    draft = intake_draft.open_draft(s, patient_id)
    summary = summarize(s, actor, draft) if draft else None
    caregiver_note = svc.caregiver_outcome(s, actor, draft)[0] if draft else None
    who = draft.updated_by.display_name if draft and draft.updated_by else ""
    active = instrument_store.active_instruments(s)
    past = records.history(s, actor, patient_id)
    intakes = records.patient_intakes(s, actor, patient_id)
    alert = records.suicide_risk_alert(s, patient_id)
    accepted = svc.accepted_suggestions(s, actor, patient_id=patient_id)
    handoff = [{"Kind": a.kind, "Text": a.text, "From": a.source_finding} for a in accepted]

st.subheader(p["name"])
if alert:
    st.error(alert, icon=":material/emergency:")
work, past_tab = st.tabs(["Intake", "History and trends"])
with past_tab:
    page.history(intakes, records.history_rows(past), records.trends(past))
if not actor.can("clinical.edit"):
    work.info("Your role can read assessments but cannot start or edit an intake.")
    st.stop()
with work:
    if draft is None:
        if handoff:
            st.caption("Accepted suggestions waiting for the care plan:")
            show_table(handoff)
            if st.button("Start care plan from this intake", type="primary"):
                st.session_state["care_plan_from_intake"] = {"patient_id": patient_id}
                if page.care_plan_page():
                    st.switch_page(page.care_plan_page())
                st.info("They are saved with the intake; the care-plan builder picks them up.")
        if st.button("Start a new intake", icon=":material/assignment_add:"):
            with session_scope() as s:
                started = intake_draft.start_intake(s, actor, patient_id)
                st.session_state[f"intake_step_{started.id}"] = started.current_step
            st.rerun()
        st.stop()
    intake_id = draft.id
    # The form shows, and the save names, the version first opened (DESIGN.md §3.5).
    version, data, p = st.session_state.setdefault(
        f"intake_seen_{intake_id}", (draft.version, draft.data, p)
    )
    step = st.session_state.setdefault(f"intake_step_{intake_id}", draft.current_step)
    saved_at = utc_to_local(draft.updated_at, config.load().timezone)
    st.caption(f"Draft last saved {saved_at:%d %b %Y %H:%M} by {who}.")
    ui.progress(step)
    key = STEP_KEYS[step - 1]
    page.show_conflict(key)
    form = f"intake_{intake_id}_{step}"
    errors = field_errors(form)
    saved = data.get(key) or {}
    if key == "identity" and (got := ui.identity(p, errors, form)):
        save(form, intake_draft.save_identity, intake_id, got.values, p["version"], version, step=2)
    elif key in ("living", "insurance", "supports", "services"):
        if got := getattr(ui, key)(saved, errors, form):
            save(
                form,
                intake_draft.save_step,
                intake_id,
                key,
                got.values,
                version,
                step=step + got.move,
            )
    elif key == "matters" and (got := ui.matters(saved, p, errors, form)):
        save(
            form, intake_draft.save_step, intake_id, key, got.values, version, step=step + got.move
        )
    elif key == "screening":
        chosen = [c for c in saved.get("instruments", []) if c in active]
        names = {c: a.definition.title for c, a in active.items() if c != "literacy"}
        picked = ui.choose_instruments(names, chosen, f"{form}_pick")
        answers = saved.get("answers", {})
        if picked is not None:
            values = {"instruments": picked, "answers": answers}
            save(form, intake_draft.save_step, intake_id, key, values, version, step=step)
        defs = {c: active[c].definition for c in chosen}
        if got := ui.screening(defs, answers, errors, form):
            values = {"instruments": chosen, **got.values}
            save(
                form, intake_draft.save_step, intake_id, key, values, version, step=step + got.move
            )
    elif key == "summary":
        ui.summary_view(summary)
        if caregiver_note:
            st.caption(caregiver_note)
        decided = ui.decisions(summary, f"{form}_decisions")
        for message in errors.values():
            st.error(message)
        back, done, plan = st.columns(3)
        if back.button("Back to services"):
            st.session_state[f"intake_step_{intake_id}"] = 7
            st.rerun()
        ready = not summary.incomplete
        if done.button("Complete intake", disabled=not ready):
            save(form, svc.complete_intake, intake_id, decided, version, step=9)
        if plan.button("Start care plan from this intake", type="primary", disabled=not ready):
            st.session_state["care_plan_from_intake"] = {
                "patient_id": patient_id,
                "intake_id": intake_id,
            }
            save(
                form, svc.complete_intake, intake_id, decided, version, step=9, then_care_plan=True
            )
    with st.expander("Jump to another step, or discard this draft"):
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
        reason = st.text_input("Reason for discarding")
        if st.button("Discard draft"):
            save("discard", intake_draft.discard_draft, intake_id, reason, version, step=1)

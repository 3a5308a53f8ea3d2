"""The safety plan: made or reviewed with the patient, saved with the patient's record, and
printed for the patient to keep (its own printout, chosen here)."""

from __future__ import annotations

import streamlit as st

from components.shared.forms import field_errors, fit, show_field_error
from components.shared.text import esc
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor
from services.safety import actions as safety
from services.safety.plans import FIELD_MAX, PLAN_FIELDS, REQUIRED, SafetyPlanInput
from services.safety.printout import LANGUAGES
from services.safety.views import SafetyPanel

state = st.session_state


def plan_form(actor: Actor, panel: SafetyPanel, key: str, on_saved) -> None:
    """The five steps of the plan; `on_saved(message)` runs after a save."""
    pid = panel.patient_id
    plan = panel.plan
    version_key = f"sp_v_{pid}"
    version = state.setdefault(version_key, plan.version if plan else None)
    values = plan.values if plan else SafetyPlanInput()
    if not values.professionals and panel.staff:
        values.professionals = f"My case manager: {panel.staff}"
    if plan:
        st.caption(f"Last reviewed {esc(plan.reviewed)}.")
    conflict = state.pop(f"{key}_plan_conflict", None)
    if conflict:
        st.error(esc(conflict), icon=":material/sync_problem:")
    errors = field_errors(f"{key}_plan")
    with st.form(f"{key}_plan_form"):
        typed = {}
        for name, (label, hint) in PLAN_FIELDS.items():
            typed[name] = st.text_area(
                label + ("" if name in REQUIRED else " (optional)"),
                value=getattr(values, name),
                max_chars=fit(FIELD_MAX, getattr(values, name)),
                help=hint,
                height=80,
                key=f"{key}_plan_{name}_{version}",
            )
            show_field_error(errors, name)
        st.caption("The 988 Suicide & Crisis Lifeline and 911 are printed on every plan.")
        saved = st.form_submit_button(
            "Save the safety plan (reviewed with the patient)", type="primary"
        )
    if saved:
        try:
            new_version = safety.save_safety_plan(actor, pid, SafetyPlanInput(**typed), version)
        except InvalidInput as exc:
            field_errors(f"{key}_plan", exc.errors)
        except Conflict as exc:
            state[f"{key}_plan_conflict"] = f"{exc} Their version is shown now; add yours again."
            state.pop(version_key, None)
        else:
            state[version_key] = new_version
            on_saved("Safety plan saved.")
        st.rerun()


def print_plan(actor: Actor, panel: SafetyPanel, key: str) -> None:
    """Prepare the printout (recorded in the audit trail), then download it."""
    if panel.plan is None:
        st.caption("Save the plan first; then it can be printed for the patient.")
        return
    if not actor.can("records.export"):
        st.caption("Your role reads on screen only: no printouts leave CareDesk.")
        return
    ready_key = f"{key}_pdf"
    c1, c2 = st.columns([2, 3], vertical_alignment="bottom")
    language = c1.radio(
        "Print in",
        list(LANGUAGES),
        format_func=lambda code: LANGUAGES[code],
        horizontal=True,
        key=f"{key}_pdf_lang",
    )
    if c2.button("Prepare the printout", key=f"{key}_pdf_make", icon=":material/print:"):
        state[ready_key] = (safety.print_safety_plan(actor, panel.patient_id, language), language)
    ready = state.get(ready_key)
    if ready:
        st.download_button(
            "Download the safety plan (PDF)",
            data=ready[0],
            file_name=f"safety-plan-{ready[1]}.pdf",
            mime="application/pdf",
            key=f"{key}_pdf_get",
            icon=":material/download:",
        )

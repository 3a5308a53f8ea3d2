"""The safety part of the patient's page: each open urgent safety follow-up with its work
area open, and the safety plan (read, revised, printed) once the patient has one."""

from __future__ import annotations

import streamlit as st

from components.safety.followup import follow_up_card
from components.safety.plan import plan_form, print_plan
from components.shared.flash import flash
from components.shared.text import esc
from services.core.identity import Actor
from services.safety import actions as safety
from services.safety.plans import PLAN_FIELDS


def safety_panel(actor: Actor, patient_id: int) -> None:
    if not actor.can("clinical.read"):
        return
    panel = safety.safety_panel(actor, patient_id)
    for f in panel.open:
        follow_up_card(actor, f, key=f"pp_safety_{f.id}", on_my_day=False, expanded=True)
    if panel.open or panel.plan is None:
        return  # an open follow-up holds the plan; no plan and no concern: nothing to show
    with st.expander(
        "Safety plan", icon=":material/health_and_safety:", key=f"pp_plan_{patient_id}"
    ):
        if actor.can("clinical.edit"):
            plan_form(actor, panel, f"pp_plan_{patient_id}", flash)
        else:
            st.caption(f"Last reviewed {esc(panel.plan.reviewed)}.")
            for name, (label, _) in PLAN_FIELDS.items():
                st.markdown(f"**{label}**")
                st.text(getattr(panel.plan.values, name) or "—")
        print_plan(actor, panel, f"pp_plan_{patient_id}")

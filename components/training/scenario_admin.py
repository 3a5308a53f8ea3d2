"""The scenario editor: read a scenario's YAML, change it or paste a new one; every save is
checked against the schema and kept as a new version (the shipped file is version 0)."""

from __future__ import annotations

import streamlit as st

from components.shared.flash import flash
from components.shared.forms import field_errors, fit, show_field_error
from components.shared.text import esc, show_table
from services.core.clock import us_date
from services.core.definitions import MAX_BYTES
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor
from services.training import actions
from services.training.checks import CHECKS

NEW = "__new__"


def scenario_admin(actor: Actor) -> None:
    found = {d.key: d for d in actions.scenario_definitions(actor)}
    show_table(
        [
            {
                "Scenario": d.title,
                "Key": d.key,
                "Patients": d.patients,
                "Steps": d.steps,
                "Version": d.version,
            }
            for d in found.values()
        ],
        alt="Training scenarios",
    )
    key = st.selectbox(
        "Scenario to edit",
        [*found, NEW],
        format_func=lambda k: (
            "A new scenario (start from a copy of the first one)" if k == NEW else found[k].title
        ),
        key="trn_pick",
    )
    opened = actions.open_scenario(actor, key if key != NEW else next(iter(found)))
    version = None if key == NEW else opened.version
    form = f"trn_edit_{key}"
    errors = field_errors(form)
    conflict = st.session_state.pop(f"_conflict_{form}", None)
    if conflict:
        st.error(esc(conflict), icon=":material/sync_problem:")
    st.caption(
        "A scenario has a key, a title, a summary, the story read out, the roles that may "
        "take it, its patients and its steps. Each step names the page, a hint and a check. "
        "Checks: "
        + ", ".join(f"`{k}`" for k in sorted(CHECKS))
        + ". A new scenario needs its own key."
    )
    with st.form(form):
        body = st.text_area(
            "Scenario (YAML)",
            value=opened.body,
            height=420,
            max_chars=fit(MAX_BYTES, opened.body),
            key=f"{form}_body",
        )
        show_field_error(errors, "body")
        note = st.text_input("What changed (for the history)", max_chars=200, key=f"{form}_note")
        if st.form_submit_button("Save as a new version", type="primary"):
            try:
                saved = actions.save_scenario(
                    actor, body, expected_version=version, note=note, new=key == NEW
                )
            except InvalidInput as exc:
                field_errors(form, exc.errors)
                st.rerun()
            except Conflict as exc:
                st.session_state[f"_conflict_{form}"] = str(exc)
                st.rerun()
            flash(
                f"Scenario saved as version {saved}. New starts use it; runs in progress keep theirs."
            )
            st.rerun()
    if opened.history and key != NEW:
        st.caption(f"Versions saved (0 is the file shipped with CareDesk; now at {version})")
        show_table(
            [
                {
                    "Version": r.version,
                    "Saved": f"{us_date(r.saved_at)} UTC",
                    "Note": r.note or "",
                }
                for r in opened.history
            ],
            alt="Saved versions of the scenario",
        )

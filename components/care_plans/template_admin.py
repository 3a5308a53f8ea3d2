"""Admin: care-plan templates. Edit the YAML, validated against the schema; every save
is a new version in the audit trail. The shipped files stay as version 0."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.care_plans.common import opened_version, show_conflict, submit
from components.shared.forms import field_errors, fit, show_field_error
from services.care_plans.actions import templates as template_actions
from services.core.actions import staff_choices
from services.core.identity import Actor


def template_admin(actor: Actor) -> None:
    """The Templates tab of the Admin page."""
    found = {t.key: t for t in template_actions.list_templates(actor)}
    rows = [
        {"Template": t.title, "Key": t.key, "Goals": t.goals, "Version": t.version}
        for t in found.values()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", alt="Care-plan templates")
    keys = list(found)
    key = st.selectbox(
        "Template to edit", keys, format_func=lambda k: found[k].title, key="tpl_admin_pick"
    )
    opened = template_actions.open_template(actor, key)
    body, version = opened.body, opened.version
    history = [
        {"Version": r.version, "Saved": r.saved_at, "By": r.saved_by_id, "Note": r.note or ""}
        for r in opened.history
    ]
    users = staff_choices(actor)
    vkey = f"tpl_{key}"
    expected = opened_version(vkey, version)
    form = f"tpl_admin_{key}"
    show_conflict(form, vkey)
    errors = field_errors(form)
    st.caption(
        "Goals need a key and a description; tasks need a title, an owner "
        "(case_manager, patient, family or outside) and due_days. Saving checks the template "
        "and keeps every earlier version."
    )
    with st.form(form):
        text = st.text_area(
            "Template (YAML)",
            value=body,
            height=420,
            key=f"{form}_body",
            max_chars=fit(65536, body),
        )
        show_field_error(errors, "body")
        note = st.text_input("What changed (for the history)", key=f"{form}_note", max_chars=1000)
        if st.form_submit_button("Save new version", type="primary"):
            submit(
                form,
                template_actions.save_template,
                actor,
                text,
                expected_version=expected,
                note=note,
                version_key=vkey,
                success="Template saved as a new version.",
            )
    for row in history:
        row["By"] = users.get(row["By"], row["By"])
    st.caption(f"Version history (0 = the file shipped with CareDesk; now at {version})")
    if history:
        st.dataframe(pd.DataFrame(history), hide_index=True, width="stretch", alt="Version history")

"""Admin: care-plan templates. Edit the YAML, validated against the schema; every save
is a new version in the audit trail. The shipped files stay as version 0."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.care_plans.common import opened_version, show_conflict, submit
from components.shared.forms import field_errors, show_field_error
from db.session import session_scope
from services.care_plans import templates as tpl
from services.core import auth
from services.core.identity import Actor


def _act(actor: Actor):
    def act(fn, *args, **kwargs):
        with session_scope() as s:
            return fn(s, actor, *args, **kwargs)

    return act


def template_admin(actor: Actor) -> None:
    """The Templates tab of the Admin page."""
    act = _act(actor)
    with session_scope() as s:
        found = tpl.templates(s)
        rows = [
            {"Template": doc["title"], "Key": key, "Goals": len(doc["goals"]), "Version": v}
            for key, (doc, v) in found.items()
        ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    keys = list(found)
    key = st.selectbox(
        "Template to edit", keys, format_func=lambda k: found[k][0]["title"], key="tpl_admin_pick"
    )
    with session_scope() as s:
        body, version = tpl.template_text(s, key)
        history = [
            {"Version": r.version, "Saved": r.saved_at, "By": r.saved_by_id, "Note": r.note or ""}
            for r in tpl.template_versions(s, key)
        ]
        users = auth.staff_choices(s)
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
        text = st.text_area("Template (YAML)", value=body, height=420, key=f"{form}_body")
        show_field_error(errors, "body")
        note = st.text_input("What changed (for the history)", key=f"{form}_note")
        if st.form_submit_button("Save new version", type="primary"):
            submit(
                form,
                act,
                tpl.save_template,
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
        st.dataframe(pd.DataFrame(history), hide_index=True, width="stretch")

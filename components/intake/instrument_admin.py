"""Admin section: screening instruments and risk-tier rules (upload or edit, validated,
versioned, audited). The Admin page calls `instrument_admin(actor)`.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.shared.flash import flash
from components.shared.forms import field_errors, fit, show_field_error
from components.shared.text import esc
from services.core.errors import InvalidInput, NotFound
from services.core.identity import Actor
from services.intake import actions
from services.intake import instrument_store as store

NEW = "__new__"
TEMPLATE = """code: clinic_example
title: Clinic example screen
version: "1"
citation: Where the questions come from.
licence: Under what terms the clinic uses them.
items:
  - id: q1
    text: First question
    options: [{label: "No", value: 0}, {label: "Yes", value: 1}]
scoring: {method: sum}
bands:
  - {label: negative, min: 0, max: 0}
  - {label: positive, min: 1, max: 1}
positive: {total_at_least: 1}
flags: []
suggestions:
  - {when: {positive: true}, kind: need, text: What the clinic should consider.}
"""


def _editor(actor: Actor, kind: str, code: str, starting_text: str) -> None:
    form = f"instrument_admin_{kind}_{code}"
    errors = field_errors(form)
    upload = st.file_uploader(
        "Upload a definition file (.yaml)", type=["yaml", "yml"], key=f"{form}_upload"
    )
    text = upload.getvalue().decode("utf-8", errors="replace") if upload else starting_text
    with st.form(form):
        edited = st.text_area(
            "Definition (YAML)", value=text, height=360, max_chars=fit(65536, text)
        )
        show_field_error(errors, "definition")
        note = st.text_input("What changed and why", max_chars=1000)
        check, save = st.columns(2)
        checking = check.form_submit_button("Check only")
        saving = save.form_submit_button("Save as a new revision", type="primary")
    if checking:
        found = actions.check_definition(actor, kind, edited)
        if found:
            st.error("Not valid:\n\n" + "\n".join(f"- {esc(p)}" for p in found))
        else:
            st.success("Valid. Nothing saved yet.")
    if saving:
        try:
            if kind == store.INSTRUMENT:
                row = actions.save_instrument(actor, edited, note)
            else:
                row = actions.save_risk_rules(actor, edited, note)
            saved = f"{row.code} revision {row.revision}"
        except InvalidInput as exc:
            field_errors(form, exc.errors)
        else:
            flash(f"Saved {saved}. New intakes use it now.")
        st.rerun()


def _withdraw(actor: Actor, kind: str, code: str) -> None:
    with st.form(f"withdraw_{kind}_{code}"):
        reason = st.text_input("Reason for going back to the shipped version", max_chars=1000)
        go = st.form_submit_button("Use the shipped version again")
    if go:
        try:
            actions.use_shipped_version(actor, kind, code, reason)
        except (InvalidInput, NotFound) as exc:
            st.error(esc(str(exc)))
        else:
            flash("The clinic's version is withdrawn (kept in the history).")
            st.rerun()


def instrument_admin(actor: Actor) -> None:
    """Instruments and risk-tier rules: list, edit or upload, check, save, withdraw."""
    if not actor.can("admin"):
        st.info("Only administrators manage instruments.")
        return
    st.header("Screening instruments")
    st.caption(
        "Each instrument is a definition file checked against the CareDesk schema. Saving makes a "
        "new revision; old revisions stay in the history and in the audit trail. Do not upload "
        "licensed instruments unless the clinic holds the licence."
    )
    view = actions.instrument_admin_view(actor)
    active, history, texts = view.instruments, view.revisions, view.texts
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "Code": c,
                    "Title": a.definition.title,
                    "Version": a.definition.version,
                    "Items": len(a.definition.items),
                    "Source": "shipped" if a.revision is None else f"clinic, revision {a.revision}",
                }
                for c, a in active.items()
            ]
        ),
        hide_index=True,
        width="stretch",
        alt="Screening instruments in use",
    )
    labels = {NEW: "New instrument…"} | {c: a.definition.title for c, a in active.items()}
    code = st.selectbox("Edit", list(labels), format_func=labels.get, key="instrument_admin_pick")
    _editor(actor, store.INSTRUMENT, code, TEMPLATE if code == NEW else texts[code])
    if code != NEW and active[code].revision is not None and code in view.shipped_codes:
        _withdraw(actor, store.INSTRUMENT, code)
    st.header("Risk-tier rules")
    st.caption("The first tier (urgent, high, moderate) with a matching rule wins; else low.")
    with st.expander("Edit the risk-tier rules"):
        _editor(actor, store.RISK_TIERS, store.RISK_CODE, view.rules_text)
    if history:
        st.header("Saved revisions")
        st.dataframe(
            pd.DataFrame(history).drop(columns=["id"]),
            hide_index=True,
            width="stretch",
            alt="Saved revisions",
        )

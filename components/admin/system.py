"""Admin: audit report, backups, settings and training mode."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pandas as pd
import streamlit as st

from components.shared.flash import flash
from components.shared.forms import DATE_INPUT, show_field_error
from components.shared.text import esc
from db import config
from db.base import today
from services.core import actions, audit, spreadsheet
from services.core.backup import BackupError
from services.core.errors import InvalidInput
from services.core.identity import Actor


def audit_report(actor: Actor) -> None:
    c1, c2, c3, c4, c5 = st.columns(5)
    start = c1.date_input("From", value=today() - timedelta(days=7), format=DATE_INPUT)
    end = c2.date_input("To", value=today(), format=DATE_INPUT)
    user = c3.text_input("User (username)", max_chars=64)
    patient = c4.text_input("Patient MRN", max_chars=32)
    action = c5.selectbox("Action", ["(any)", *audit.ACTIONS])
    try:
        found = actions.audit_report(
            actor,
            start=start,
            end=end,
            username=user.strip().lower() or None,
            patient_mrn=patient,
            action=None if action == "(any)" else action,
        )
    except InvalidInput as exc:
        with c4:
            show_field_error(exc.errors, "patient_mrn")
        return
    rows, chain = found.rows, found.chain
    st.caption(f"{len(rows)} event(s), newest first; click a column heading to sort.")
    frame = pd.DataFrame(rows)
    st.dataframe(frame, hide_index=True, width="stretch", alt="Audit events, newest first")
    st.download_button(
        "Download CSV",
        spreadsheet.to_csv(spreadsheet.frame(rows)),  # a typed username cannot be a formula
        file_name="caredesk-audit.csv",
        mime="text/csv",
        on_click=actions.record_export,
        args=(actor, "audit report", len(rows)),
        disabled=not rows,
    )
    if chain.ok:
        st.success(f"Audit chain intact ({chain.count} events).")
    else:
        st.error(f"Audit chain broken at event {chain.bad_id}: {chain.reason}.")


def backups(actor: Actor) -> None:
    st.write(
        "A backup is a consistent copy of the database taken while CareDesk runs. "
        "Keep copies off this machine. Restore with `python manage.py restore PATH`."
    )
    if st.button("Back up now", type="primary", icon=":material/backup:"):
        with st.spinner("Backing up…"):
            try:
                target = actions.back_up_now(actor)
            except BackupError as exc:
                st.error(f"The backup failed: {exc}")
                return
        st.session_state["_last_backup"] = target
    last = st.session_state.get("_last_backup")
    if last and Path(last).is_file():
        st.success(f"Backup written to {last}")
        st.download_button(
            "Download this backup",
            Path(last).read_bytes(),
            file_name=Path(last).name,
            on_click=actions.record_export,
            args=(actor, "backup download"),
        )


def settings_overview(actor: Actor) -> None:
    settings = config.load()
    rows = {
        "Database in use": actions.database_in_use(actor),
        "Mode": "TRAINING (synthetic patients)" if settings.demo_mode else "Clinic",
        "Data folder": str(settings.data_dir),
        "Sign out after idle (minutes)": str(settings.idle_minutes),
        "Phone region": settings.region,
        "Clinic time zone": settings.timezone,
        "Audit key": "set in configuration"
        if settings.secret_key_configured
        else "generated in the data folder",
    }
    st.table(pd.DataFrame({"Setting": list(rows), "Value": [esc(v) for v in rows.values()]}))
    st.caption(
        "Change these with CAREDESK_* environment variables or .streamlit/secrets.toml (see README)."
    )
    if settings.demo_mode:
        st.header("Training mode")
        st.write(
            "Leaving training mode switches CareDesk to your clinic's own database; the training "
            "database is kept and can be reopened with `python manage.py seed-demo`."
        )
        if st.button("Leave training mode and set up my clinic"):
            actions.leave_training_mode(actor)
            st.session_state.clear()
            flash("Training mode is off.")
            st.rerun()

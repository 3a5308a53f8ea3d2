"""The calendar page's work lists: reminder calls, rides to confirm, and .ics export."""

from __future__ import annotations

import streamlit as st

from components.scheduling import appointment_extras as extras
from components.shared.conflict import both_versions
from components.shared.flash import flash
from components.shared.text import esc
from db.base import today
from services.core.errors import Conflict, DomainError, InvalidInput
from services.core.identity import Actor
from services.scheduling import actions


def reminder_calls(actor: Actor, due: list[dict], can_edit: bool) -> None:
    calls = f"{len(due)} call{'s' if len(due) != 1 else ''}" if due else "No calls"
    st.caption(
        f"{calls} to make: appointments in the next 48 hours not yet confirmed with the patient."
    )

    def log_call(outcome: str):
        def _log(row: dict) -> None:
            actions.record_reminder_call(actor, row["id"], outcome)
            flash(f"Call logged: {outcome}.")

        return _log

    buttons = {"Confirmed": log_call("confirmed"), "Left message": log_call("left message")}
    extras.call_list(due, buttons, "rem", can_edit)
    if not due:
        st.info("No reminder calls waiting.")


def rides_to_confirm(actor: Actor, todo: list[dict], can_edit: bool) -> None:
    rides = f"{len(todo)} ride{'s' if len(todo) != 1 else ''}" if todo else "No rides"
    st.caption(
        f"{rides} to confirm: rides in the next two weeks the vendor has not confirmed, "
        "with its phone."
    )

    def confirm_ride(row: dict) -> None:
        try:  # the ride as this list showed it: someone may have changed it since
            actions.confirm_ride(actor, row["id"], row["version"])
        except Conflict as exc:
            st.session_state["_ride_conflict"] = (str(exc), exc.theirs, exc.mine)
        else:
            flash("Ride marked as confirmed.")

    if problem := st.session_state.pop("_ride_conflict", None):
        both_versions(*problem)
    extras.call_list(todo, {"Vendor confirmed": confirm_ride}, "ride", can_edit)
    if not todo:
        st.info("Every ride in the next two weeks is confirmed.")


def ics_export(actor: Actor, patient_id: int | None, staff_id: int | None) -> None:
    if not actor.can("records.export"):
        st.caption("Your role reads on screen only: no printouts or files leave CareDesk.")
        return
    what, week_of, opts, prepare = extras.export_choice(today())
    if prepare:
        try:
            if what.startswith("Patient"):
                if patient_id is None:
                    raise InvalidInput({"patient": "Choose a patient in the filter above."})
                data = actions.download_patient_schedule(actor, patient_id, opts)
            else:
                who = staff_id or actor.id
                data = actions.download_staff_week(actor, who, week_of, opts)
            st.session_state["cal_ics_file"] = data
        except DomainError as exc:
            st.error(esc(str(exc)))
    if st.session_state.get("cal_ics_file"):
        data = st.session_state["cal_ics_file"]
        st.download_button("Download .ics", data, "caredesk.ics", "text/calendar")

"""The calendar page's dialogs: book, open (edit, status, ride, cancel, .ics) and move.

`open_from_callback` turns a calendar callback into the dialog to show; `show_dialog`
shows it. Every save is one call to services.scheduling.actions (one transaction) and
keeps the dialog open on a refusal, with the message next to the field (DESIGN.md §3.5).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pandas as pd
import streamlit as st

from components.scheduling import appointment_extras as extras
from components.scheduling.appointment_form import appointment_form
from components.shared.flash import flash
from components.shared.forms import field_errors
from components.shared.text import esc, show_table
from db.base import utcnow
from services.core import clock
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor
from services.scheduling import actions
from services.scheduling import feed as calendar_feed
from services.scheduling.validation import RIDE_KINDS, AppointmentInput, DoubleBooking

state = st.session_state


@dataclass(frozen=True)
class Desk:
    """Who is scheduling, in which time zone, with which staff to choose from."""

    actor: Actor
    tz: str
    staff: dict[int, str]

    @property
    def can_edit(self) -> bool:
        return self.actor.can("schedule.edit")

    def find_patients(self, query: str, chosen: int | None, mine: bool = False) -> dict[int, str]:
        """Patients matching the search, keeping the one already chosen; with `mine` and no
        search, the signed-in case manager's caseload."""
        return actions.patient_choices(self.actor, query, include=(chosen,), mine=mine)


def close_dialog() -> None:
    # A fresh widget: a refused drag goes back, and the same event can be clicked again.
    state["cal_rev"] = state.get("cal_rev", 0) + 1
    for k in ("cal_dialog", "cal_conflicts", "cal_conflict"):
        state.pop(k, None)


def _save(action: Callable[[], object], done: str, form: str) -> None:
    try:
        action()
    except DoubleBooking as exc:
        state["cal_conflicts"] = exc.conflicts
    except InvalidInput as exc:
        field_errors(form, exc.errors)
    except Conflict as exc:
        state["cal_conflict"] = {"message": str(exc), "theirs": exc.theirs, "mine": exc.mine}
    else:
        close_dialog()
        flash(done)
    st.rerun()


def _pickers(
    desk: Desk, key: str, initial: AppointmentInput
) -> tuple[dict[int, str], dict[int, str]]:
    """Search boxes for the patient and the provider; their matches feed the form's pickers."""
    c1, c2 = st.columns(2)
    who = c1.text_input(
        "Find another patient",
        key=f"{key}_q",
        placeholder="Name or MRN (not in your caseload)",
        max_chars=100,
    )
    where = c2.text_input(
        "Find provider or facility in Contacts",
        key=f"{key}_org_q",
        placeholder="Name or service",
        max_chars=100,
    )
    found = actions.provider_choices(desk.actor, where, include=(initial.provider_contact_id,))
    return desk.find_patients(who, initial.patient_id, mine=True), found


@st.dialog("New appointment", width="large", on_dismiss=close_dialog)
def _new(desk: Desk, d: dict) -> None:
    tz = desk.tz
    start = (
        calendar_feed.parse_calendar_time(d["start"], tz, coerced=True) if d.get("start") else None
    )
    start = start or clock.local_to_utc(  # the next whole hour
        clock.utc_to_local(utcnow(), tz).replace(minute=0, second=0, microsecond=0)
        + timedelta(hours=1),
        tz,
    )
    end = calendar_feed.parse_calendar_time(d["end"], tz, coerced=True) if d.get("end") else None
    mine = desk.actor.id if desk.actor.id in desk.staff else None
    initial = AppointmentInput(
        patient_id=d.get("patient_id"),
        start=start,
        end=end if end and end > start else start + timedelta(hours=1),
        staff_id=d.get("staff_id") or mine,
        source_kind="task" if d.get("task") else None,
        source_id=int(d["task"]) if d.get("task") else None,
    )
    rev = state.get("cal_rev", 0)  # a new dialog starts from fresh fields
    patients, places = _pickers(desk, f"cal_new_{rev}", initial)
    result = appointment_form(
        f"cal_new_form_{rev}", initial, tz=tz, staff=desk.staff, patients=patients,
        providers=places, errors=field_errors("cal_new"), conflicts=state.get("cal_conflicts"),
        allow_repeat=True, submit_label="Book appointment",
        vendors=actions.vendor_choices(desk.actor),
    )  # fmt: skip
    if result:
        _save(
            lambda: actions.book_appointment(
                desk.actor, result.data, repeat=result.repeat,
                override_reason=result.override_reason, tz=tz, ride=result.ride,
            ),
            "Appointment booked." + (" Ride confirmed." if result.ride and result.ride.confirmed
                                     else " Ride to confirm." if result.ride else ""),
            "cal_new",
        )  # fmt: skip


@st.dialog("Appointment", width="large", on_dismiss=close_dialog)
def _edit(desk: Desk, d: dict) -> None:
    actor, tz = desk.actor, desk.tz
    view = actions.open_appointment(actor, d["id"], tz=tz)
    d.setdefault("version", view.version)  # the version this dialog opened on (DESIGN §3.5)
    initial = view.initial
    show_table(pd.DataFrame(view.details), alt="The appointment's details")
    if view.in_series:
        st.caption(f"Repeats {view.repeats}")
    if conflict := state.get("cal_conflict"):
        st.error(esc(conflict["message"] + " Close and open it again to see the saved version."))
    if not desk.can_edit:
        return
    if status := extras.status_buttons(initial.status):
        _save(
            lambda: actions.set_status(actor, d["id"], status, version=d["version"]),
            f"Marked {status}.", "cal_status",
        )  # fmt: skip
    errors, conflicts = field_errors("cal_edit"), state.get("cal_conflicts")
    rev = state.get("cal_rev", 0)
    with st.expander(
        "Change details or time", expanded=bool(errors or conflicts), key=f"cal_edit_open_{rev}"
    ):
        scope = extras.scope_choice("cal_edit_scope", view.in_series)
        patients, places = _pickers(desk, f"cal_edit_{rev}", initial)
        result = appointment_form(
            f"cal_edit_form_{d['id']}_{rev}", initial, tz=tz, staff=desk.staff,
            patients=patients, providers=places, errors=errors, conflicts=conflicts,
            allow_repeat=False, submit_label="Save changes",
        )  # fmt: skip
    if result:
        _save(
            lambda: actions.edit_appointment(
                actor, d["id"], result.data, d["version"], scope=scope,
                override_reason=result.override_reason, tz=tz,
            ),
            "Appointment saved.", "cal_edit",
        )  # fmt: skip
    ride_data = None
    if initial.kind in RIDE_KINDS and initial.patient_id is not None:
        ride_data = extras.ride_form(
            f"cal_ride_{rev}", view.ride, initial.start, tz, field_errors("cal_ride"), view.vendors
        )
    if ride_data:
        _save(lambda: actions.save_ride(actor, d["id"], ride_data), "Ride saved.", "cal_ride")
    if cancel := extras.cancel_box("cal_cancel", view.in_series, field_errors("cal_cancel")):
        _save(
            lambda: actions.cancel_appointment(
                actor, d["id"], cancel[0], scope=cancel[1], version=d["version"]
            ),
            "Appointment canceled.", "cal_cancel",
        )  # fmt: skip
    if actor.can("records.export"):
        opts = extras.ics_options("cal_ics_one")
        data = actions.appointment_ics(actor, d["id"], opts, tz=tz)
        if st.download_button("Download .ics", data, "appointment.ics", "text/calendar"):
            actions.download_appointment_ics(actor, d["id"], opts)


@st.dialog("Move appointment?", on_dismiss=close_dialog)
def _move(desk: Desk, d: dict) -> None:
    tz = desk.tz
    start, end = (
        calendar_feed.parse_calendar_time(d[k], tz, coerced=True) for k in ("start", "end")
    )
    local = [clock.utc_to_local(x, tz) for x in (start, end)]
    answer = extras.move_question(*local, d["series"], state.get("cal_conflicts"))
    if answer and answer[0] == "move":
        _save(
            lambda: actions.move_appointment(
                desk.actor, d["id"], start, end, d["version"], scope=answer[1],
                override_reason=answer[2], tz=tz,
            ),
            "Appointment moved.", "cal_move",
        )  # fmt: skip
    elif answer:
        close_dialog()
        st.rerun()


def open_from_callback(action: dict | None, desk: Desk, patient_id: int | None) -> None:
    """A click on a slot books, a click on an event opens it, a drag or resize asks first."""
    kind = action["callback"] if action else None
    if kind in ("select", "dateClick") and desk.can_edit:
        body = action[kind]
        first = body.get("start") or body["date"]
        if body.get("allDay"):
            first = first[:10] + "T09:00:00"
        end = None if body.get("allDay") else body.get("end")
        state["cal_dialog"] = {"kind": "new", "start": first, "end": end, "patient_id": patient_id}
    elif kind == "eventClick":
        ev = action["eventClick"]["event"]
        ident = ev.get("extendedProps", {}).get("appointment") or int(ev["id"])
        state.pop("cal_conflicts", None), state.pop("cal_conflict", None)
        state["cal_dialog"] = {"kind": "edit", "id": int(ident)}
    elif kind == "eventChange" and desk.can_edit:
        ev = action["eventChange"]["event"]
        props = ev.get("extendedProps", {})
        state["cal_dialog"] = {"kind": "move", "id": int(ev["id"]), "start": ev["start"],
                               "end": ev["end"], "version": props.get("version"),
                               "series": bool(props.get("series"))}  # fmt: skip


def show_dialog(desk: Desk) -> None:
    if dialog := state.get("cal_dialog"):
        {"new": _new, "edit": _edit, "move": _move}[dialog["kind"]](desk, dialog)

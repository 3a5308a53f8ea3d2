"""Calendar: appointments, home visits, transport and calls; reminder calls; .ics export."""

from datetime import timedelta

import pandas as pd
import streamlit as st

from components import appointment_extras as extras
from components.appointment_form import appointment_form
from components.calendar_view import calendar_view, current_view, legend
from components.flash import flash
from components.forms import field_errors
from components.guard import page_setup
from components.text import show_table
from db import config
from db.base import today, utcnow
from db.session import session_scope
from services import auth, calendar_export, calendar_feed, recurrence, reminders, scheduling
from services import transport as rides
from services.errors import Conflict, DomainError, InvalidInput
from services.scheduling import AppointmentInput, DoubleBooking, Filters

actor = page_setup("Calendar", "patients.read")
tz, state, KEY = config.load().timezone, st.session_state, "cal"
can_edit = actor.can("schedule.edit")
with session_scope() as s:
    staff = auth.staff_choices(s)
if "patient" in st.query_params and "cal_dialog" not in state:  # "schedule for this patient"
    pid = int(st.query_params.pop("patient"))
    with session_scope() as s:
        state["cal_patient"] = pid if scheduling.patient_choices(s, include=(pid,)) else None
    task = st.query_params.pop("task", None)  # booked from a care-plan task: keep the link
    state["cal_dialog"] = (
        {"kind": "new", "patient_id": state["cal_patient"], "task": task} if can_edit else None
    )


def find_patients(key: str, chosen: int | None) -> dict[int, str]:
    """A name/MRN search box; the matches (and the chosen patient) for the picker below it."""
    query = st.text_input("Find patient", key=key, placeholder="Name or MRN")
    return find_patients_for(query, chosen)


def close_dialog() -> None:
    # A fresh widget: a refused drag goes back, and the same event can be clicked again.
    state["cal_rev"] = state.get("cal_rev", 0) + 1
    for k in ("cal_dialog", "cal_conflicts", "cal_conflict"):
        state.pop(k, None)


def save(action, done: str, form: str) -> None:
    """Run one service call in one transaction; keep the dialog open on a refusal."""
    try:
        with session_scope() as s:
            action(s)
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


@st.dialog("New appointment", width="large", on_dismiss=close_dialog)
def new_dialog(d: dict) -> None:
    start = (
        calendar_feed.parse_calendar_time(d["start"], tz, coerced=True) if d.get("start") else None
    )
    start = start or recurrence.local_to_utc(
        recurrence.utc_to_local(utcnow(), tz).replace(minute=0, second=0, microsecond=0)
        + timedelta(hours=1),
        tz,
    )
    end = calendar_feed.parse_calendar_time(d["end"], tz, coerced=True) if d.get("end") else None
    initial = AppointmentInput(
        patient_id=d.get("patient_id"),
        start=start,
        end=end if end and end > start else start + timedelta(hours=1),
        staff_id=state.get("cal_staff") or (actor.id if actor.id in staff else None),
        source_kind="task" if d.get("task") else None,
        source_id=int(d["task"]) if d.get("task") else None,
    )
    patients = find_patients("cal_new_q", initial.patient_id)
    result = appointment_form(
        "cal_new_form", initial, tz=tz, staff=staff, patients=patients,
        errors=field_errors("cal_new"), conflicts=state.get("cal_conflicts"),
        allow_repeat=True, submit_label="Book appointment",
    )  # fmt: skip
    if result:
        save(
            lambda s: scheduling.book_appointment(
                s, actor, result.data, repeat=result.repeat,
                override_reason=result.override_reason, tz=tz,
            ),
            "Appointment booked.", "cal_new",
        )  # fmt: skip


@st.dialog("Appointment", width="large", on_dismiss=close_dialog)
def edit_dialog(d: dict) -> None:
    with session_scope() as s:
        a = scheduling.get_appointment(s, d["id"])
        d.setdefault("version", a.version)  # the version this dialog opened on (DESIGN §3.5)
        initial, rows = AppointmentInput.from_appointment(a), scheduling.details(a, tz)
        series = scheduling.series_of(s, a)
        ride = rides.ride_values(a)
    show_table(pd.DataFrame(rows))
    if series:
        st.caption(f"Repeats {recurrence.describe(series.rrule)}")
    if conflict := state.get("cal_conflict"):
        st.error(conflict["message"] + " Close and open it again to see the saved version.")
    if not can_edit:
        return
    if status := extras.status_buttons(initial.status):
        save(
            lambda s: scheduling.set_status(s, actor, d["id"], status, version=d["version"]),
            f"Marked {status}.", "cal_status",
        )  # fmt: skip
    errors, conflicts = field_errors("cal_edit"), state.get("cal_conflicts")
    with st.expander("Change details or time", expanded=bool(errors or conflicts)):
        scope = extras.scope_choice("cal_edit_scope", series is not None)
        patients = find_patients("cal_edit_q", initial.patient_id)
        result = appointment_form(
            "cal_edit_form", initial, tz=tz, staff=staff, patients=patients, errors=errors,
            conflicts=conflicts, allow_repeat=False, submit_label="Save changes",
        )  # fmt: skip
    if result:
        save(
            lambda s: scheduling.update_appointment(
                s, actor, d["id"], result.data, d["version"], scope=scope,
                override_reason=result.override_reason, tz=tz,
            ),
            "Appointment saved.", "cal_edit",
        )  # fmt: skip
    if ride_data := extras.ride_form("cal_ride", ride, initial.start, tz, field_errors("cal_ride")):
        save(
            lambda s: rides.save_transport(s, actor, d["id"], ride_data), "Ride saved.", "cal_ride"
        )
    errors = field_errors("cal_cancel")
    if cancel := extras.cancel_box("cal_cancel", series is not None, errors):
        save(
            lambda s: scheduling.cancel_appointment(
                s, actor, d["id"], cancel[0], scope=cancel[1], version=d["version"]
            ),
            "Appointment cancelled.", "cal_cancel",
        )  # fmt: skip
    opts = extras.ics_options("cal_ics_one")
    with session_scope() as s:
        data = calendar_export.to_ics([scheduling.get_appointment(s, d["id"])], opts, tz)
    if st.download_button("Download .ics", data, "appointment.ics", "text/calendar"):
        with session_scope() as s:
            calendar_export.export_appointment(s, actor, d["id"], opts)


@st.dialog("Move appointment?", on_dismiss=close_dialog)
def move_dialog(d: dict) -> None:
    start, end = (
        calendar_feed.parse_calendar_time(d[k], tz, coerced=True) for k in ("start", "end")
    )
    local = [recurrence.utc_to_local(x, tz) for x in (start, end)]
    answer = extras.move_question(*local, d["series"], state.get("cal_conflicts"))
    if answer and answer[0] == "move":
        save(
            lambda s: scheduling.reschedule(
                s, actor, d["id"], start, end, d["version"], scope=answer[1],
                override_reason=answer[2], tz=tz,
            ),
            "Appointment moved.", "cal_move",
        )  # fmt: skip
    elif answer:
        close_dialog()
        st.rerun()


def find_patients_for(query: str, chosen: int | None) -> dict[int, str]:
    with session_scope() as s:
        return scheduling.patient_choices(s, query, include=(chosen,))


st.title("Calendar")
mine = actor.role in ("nurse", "social_worker") and actor.id in staff  # front desk sees all
staff_id, patient_id, kinds, statuses = extras.filters_row(
    staff, find_patients_for, actor.id if mine else None
)
filters = Filters(staff_id, patient_id, kinds, statuses)

with session_scope() as s:
    due = reminders.reminder_rows(reminders.reminders_due(s, staff_id=staff_id), tz)
    todo = [rides.ride_row(t, tz) for t in rides.unconfirmed_transport(s)]
tab_cal, tab_calls, tab_rides, tab_ics = st.tabs(
    [
        "Calendar",
        f"Reminder calls ({len(due)})",
        f"Transport to confirm ({len(todo)})",
        "Export .ics",
    ]
)
with tab_cal:  # the widget must stay in the first tab (DESIGN.md §3.8)
    c1, c2 = st.columns([5, 1], vertical_alignment="center")
    with c1:
        legend()
    if can_edit and c2.button("New appointment", icon=":material/add:"):
        state["cal_dialog"] = {"kind": "new", "patient_id": patient_id}
    rev = state.get("cal_rev", 0)
    start, end = calendar_feed.visible_range(current_view(KEY, rev), tz, today())
    with session_scope() as s:
        items = scheduling.appointments_between(s, start, end, filters)
        events = calendar_feed.events(items, tz, editable=can_edit)
    action = calendar_view(events, key=KEY, revision=rev, tz=tz, editable=can_edit)
    kind = action["callback"] if action else None
    if kind in ("select", "dateClick") and can_edit:
        body = action[kind]
        first = body.get("start") or body["date"]
        if body.get("allDay"):
            first = first[:10] + "T09:00:00"
        state["cal_dialog"] = {"kind": "new", "start": first, "patient_id": patient_id,
                               "end": None if body.get("allDay") else body.get("end")}  # fmt: skip
    elif kind == "eventClick":
        ev = action["eventClick"]["event"]
        ident = ev.get("extendedProps", {}).get("appointment") or int(ev["id"])
        state.pop("cal_conflicts", None), state.pop("cal_conflict", None)
        state["cal_dialog"] = {"kind": "edit", "id": int(ident)}
    elif kind == "eventChange" and can_edit:
        ev = action["eventChange"]["event"]
        props = ev.get("extendedProps", {})
        state["cal_dialog"] = {"kind": "move", "id": int(ev["id"]), "start": ev["start"],
                               "end": ev["end"], "version": props.get("version"),
                               "series": bool(props.get("series"))}  # fmt: skip

with tab_calls:
    st.caption("Appointments in the next 48 hours not yet confirmed with the patient.")

    def log_call(outcome: str):
        def _log(appointment_id: int) -> None:
            with session_scope() as s:
                reminders.record_reminder(s, actor, appointment_id, outcome)
            flash(f"Call logged: {outcome}.")

        return _log

    extras.call_list(
        due, {"Confirmed": log_call("confirmed"), "Left message": log_call("left message")},
        "rem", can_edit,
    )  # fmt: skip
    if not due:
        st.info("No reminder calls waiting.")

with tab_rides:

    def confirm_ride(booking_id: int) -> None:
        with session_scope() as s:
            rides.set_confirmed(s, actor, booking_id, True)
        flash("Ride marked as confirmed.")

    extras.call_list(todo, {"Vendor confirmed": confirm_ride}, "ride", can_edit)
    if not todo:
        st.info("Every ride in the next two weeks is confirmed.")

with tab_ics:
    what, week_of, opts, prepare = extras.export_choice(today())
    if prepare:
        try:
            with session_scope() as s:
                if what.startswith("Patient"):
                    if patient_id is None:
                        raise InvalidInput({"patient": "Choose a patient in the filter above."})
                    data = calendar_export.export_patient_schedule(s, actor, patient_id, opts)
                else:
                    who = staff_id or actor.id
                    data = calendar_export.export_staff_week(s, actor, who, week_of, opts)
            state["cal_ics_file"] = data
        except DomainError as exc:
            st.error(str(exc))
    if state.get("cal_ics_file"):
        st.download_button("Download .ics", state["cal_ics_file"], "caredesk.ics", "text/calendar")

dialog = state.get("cal_dialog")
if dialog:
    {"new": new_dialog, "edit": edit_dialog, "move": move_dialog}[dialog["kind"]](dialog)

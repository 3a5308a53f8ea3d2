"""Smaller pieces of the appointment dialogs: scope, cancel, ride, .ics options, call lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

import pandas as pd
import streamlit as st

from components.scheduling.appointment_form import directory_picker
from components.shared.forms import DATE_INPUT, fit, show_field_error
from components.shared.text import isolate, show_table
from db.models import AppointmentKind, AppointmentStatus
from services.core import clock
from services.core.clock import us_date
from services.core.text import us_spelling
from services.scheduling.appointments import Scope
from services.scheduling.ics import IcsOptions
from services.scheduling.transport import TransportInput


def scope_choice(key: str, in_series: bool, verb: str = "Change") -> Scope:
    if not in_series:
        return Scope.THIS
    return Scope(
        st.radio(
            f"{verb} which appointments of the series?",
            [x.value for x in Scope],
            key=key,
            horizontal=True,
        )
    )


def cancel_box(key: str, in_series: bool, errors: dict[str, str]) -> tuple[str, Scope] | None:
    with st.expander("Cancel this appointment", key=f"{key}_open"):
        reason = st.text_input(
            "Reason for canceling",
            key=f"{key}_reason",
            placeholder="e.g. patient in hospital",
            max_chars=1000,
        )
        show_field_error(errors, "reason")
        scope = scope_choice(f"{key}_scope", in_series, "Cancel")
        if st.button("Cancel appointment", key=f"{key}_go", icon=":material/event_busy:"):
            return reason, scope
    return None


def ride_form(
    key: str, ride: dict | None, start: datetime, tz: str, errors, vendors: dict[int, str]
) -> TransportInput | None:
    """Pick-up before the appointment, return trip, vendor (from Contacts), confirmed."""
    ride = ride or {}
    pickup = clock.utc_to_local(ride.get("pickup_at") or start - timedelta(hours=1), tz)
    back = ride.get("return_pickup_at")
    with (
        st.expander("Transport", expanded=bool(ride), key=f"{key}_open"),
        st.form(key, border=False),
    ):
        c1, c2 = st.columns(2)
        at = c1.time_input("Pick-up time", pickup.time(), step=timedelta(minutes=5))
        show_field_error(errors, "pickup_at")
        with c2:
            vendor = directory_picker(
                "Transport vendor", vendors, ride.get("vendor_contact_id"), ride.get("vendor"),
                "Choose from Contacts, or type a name",
            )  # fmt: skip
            show_field_error(errors, "vendor")
        address = st.text_input(
            "Pick-up address (the patient's home)",
            ride.get("pickup_address") or "",
            max_chars=fit(300, ride.get("pickup_address") or ""),
        )
        c1, c2, c3 = st.columns(3)
        return_trip = c1.checkbox("Return trip", ride.get("return_trip", True))
        back_local = clock.utc_to_local(back, tz).time() if back else None
        back_at = c2.time_input("Return pick-up", back_local, step=timedelta(minutes=5))
        show_field_error(errors, "return_pickup_at")
        wheelchair = c3.checkbox("Wheelchair van", ride.get("wheelchair", False))
        confirmed = st.checkbox("Vendor confirmed the ride", ride.get("confirmed", False))
        if not st.form_submit_button("Save transport"):
            return None
    day = pickup.date()
    return TransportInput(
        pickup_at=clock.local_to_utc(datetime.combine(day, at), tz),
        pickup_address=address,
        return_trip=return_trip,
        return_pickup_at=clock.local_to_utc(datetime.combine(day, back_at), tz)
        if return_trip and back_at
        else None,
        vendor=vendor if isinstance(vendor, str) else None,
        vendor_contact_id=vendor if isinstance(vendor, int) else None,
        wheelchair=wheelchair,
        confirmed=confirmed,
    )


def ics_options(key: str) -> IcsOptions:
    st.caption(
        "A calendar file leaves CareDesk. It holds the type, time and staff member; "
        "tick what else it may carry."
    )
    c = st.columns(4)
    return IcsOptions(
        title=c[0].checkbox("Title", key=f"{key}_title"),
        patient_name=c[1].checkbox("Patient name", key=f"{key}_patient"),
        location=c[2].checkbox("Location", key=f"{key}_location"),
        notes=c[3].checkbox("Notes", key=f"{key}_notes"),
    )


def call_list(
    rows: list[dict], actions: dict[str, Callable[[dict], None]], key: str, can_act: bool
) -> None:
    """One line per row (plain text: names and phones are PHI) with one-click actions. An
    action gets the row as it was drawn (its version included: what the user saw)."""
    for row in rows:
        cols = st.columns([5, *([1.3] * len(actions))], vertical_alignment="center")
        shown = (isolate(v) for k, v in row.items() if k not in ("id", "version") and v != "")
        cols[0].text(" · ".join(shown))
        for col, (label, act) in zip(cols[1:], actions.items(), strict=True):
            col.button(
                label,
                key=f"{key}_{label}_{row['id']}",
                on_click=act,
                args=(row,),
                disabled=not can_act,
            )


def conflict_table(conflicts: list[dict]) -> None:
    st.warning("This overlaps other appointments of the same patient or staff member:")
    show_table(pd.DataFrame(conflicts).drop(columns=["id"]), alt="Overlapping appointments")


def move_question(
    start_local: datetime, end_local: datetime, in_series: bool, conflicts: list[dict] | None
) -> tuple[str, Scope, str | None] | None:
    """Ask before a drag or resize is saved: ("move", scope, reason), ("leave", ...) or None."""
    st.text(f"New time: {us_date(start_local, weekday=True)}–{end_local:%H:%M}")
    scope = scope_choice("cal_move_scope", in_series, "Move")
    if conflicts:
        conflict_table(conflicts)
    reason = st.text_input("Reason to book anyway", max_chars=1000) if conflicts else None
    c1, c2 = st.columns(2)
    if c1.button("Move it", type="primary"):
        return "move", scope, reason
    if c2.button("Leave it where it was"):
        return "leave", scope, None
    return None


def status_buttons(current: str) -> str | None:
    """One click for the usual status changes of the day."""
    cols = st.columns(4)
    for col, status in zip(cols, ("confirmed", "arrived", "completed", "no-show"), strict=True):
        if col.button(status.capitalize(), disabled=current == status, width="stretch"):
            return status
    return None


def export_choice(today: date) -> tuple[str, date, IcsOptions, bool]:
    what = st.radio("Export", ["Staff member's week", "Patient's upcoming schedule"])
    week_of = st.date_input("Week of", today, format=DATE_INPUT)
    opts = ics_options("cal_ics")
    return what, week_of, opts, st.button("Prepare calendar file")


def filters_row(
    staff: dict[int, str], find: Callable[[str, int | None], dict[int, str]], default_staff
) -> tuple[tuple[int, ...], int | None, tuple[str, ...], tuple[str, ...]]:
    """Staff (several at once: the team week; default: me for a case manager, everyone for
    the front desk), patient (searched by name or MRN), types and statuses."""
    state = st.session_state
    f = st.columns([1.6, 1, 1.2, 1, 1])
    state.setdefault("cal_staff_ids", [default_staff] if default_staff in staff else [])
    staff_ids = f[0].multiselect(
        "Staff",
        list(staff),
        key="cal_staff_ids",
        format_func=lambda i: staff.get(i, str(i)),
        placeholder="Everyone",
    )
    query = f[1].text_input(
        "Find patient", key="cal_patient_q", placeholder="Name or MRN", max_chars=100
    )
    patients = find(query, state.get("cal_patient"))
    patient_id = f[2].selectbox(
        "Patient",
        [None, *patients],
        key="cal_patient",
        format_func=lambda i: patients.get(i, "All patients"),
    )
    kinds = f[3].multiselect("Type", [k.value for k in AppointmentKind], placeholder="All types")
    statuses = f[4].multiselect(
        "Status",
        [x.value for x in AppointmentStatus],
        placeholder="All",
        format_func=us_spelling,
    )
    return tuple(staff_ids), patient_id, tuple(kinds), tuple(statuses)

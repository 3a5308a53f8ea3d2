"""Smaller pieces of the appointment dialogs: scope, cancel, ride, .ics options, call lists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import streamlit as st

from components.forms import show_field_error
from services import recurrence
from services.calendar_export import IcsOptions
from services.scheduling import Scope
from services.transport import TransportInput


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
    with st.expander("Cancel this appointment"):
        reason = st.text_input(
            "Reason for cancelling", key=f"{key}_reason", placeholder="e.g. patient in hospital"
        )
        show_field_error(errors, "reason")
        scope = scope_choice(f"{key}_scope", in_series, "Cancel")
        if st.button("Cancel appointment", key=f"{key}_go", icon=":material/event_busy:"):
            return reason, scope
    return None


def ride_form(
    key: str, ride: dict | None, start: datetime, tz: str, errors
) -> TransportInput | None:
    """Pick-up before the appointment, return trip, vendor, confirmed."""
    ride = ride or {}
    pickup = recurrence.utc_to_local(ride.get("pickup_at") or start - timedelta(hours=1), tz)
    back = ride.get("return_pickup_at")
    with st.expander("Transport", expanded=bool(ride)), st.form(key, border=False):
        c1, c2 = st.columns(2)
        at = c1.time_input("Pick-up time", pickup.time(), step=timedelta(minutes=5))
        show_field_error(errors, "pickup_at")
        vendor = c2.text_input("Transport vendor", ride.get("vendor") or "")
        address = st.text_input("Pick-up address", ride.get("pickup_address") or "")
        c1, c2, c3 = st.columns(3)
        return_trip = c1.checkbox("Return trip", ride.get("return_trip", True))
        back_local = recurrence.utc_to_local(back, tz).time() if back else None
        back_at = c2.time_input("Return pick-up", back_local, step=timedelta(minutes=5))
        show_field_error(errors, "return_pickup_at")
        wheelchair = c3.checkbox("Wheelchair van", ride.get("wheelchair", False))
        confirmed = st.checkbox("Vendor confirmed the ride", ride.get("confirmed", False))
        if not st.form_submit_button("Save transport"):
            return None
    day = pickup.date()
    return TransportInput(
        pickup_at=recurrence.local_to_utc(datetime.combine(day, at), tz),
        pickup_address=address,
        return_trip=return_trip,
        return_pickup_at=recurrence.local_to_utc(datetime.combine(day, back_at), tz)
        if return_trip and back_at
        else None,
        vendor=vendor,
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
    rows: list[dict], actions: dict[str, Callable[[int], None]], key: str, can_act: bool
) -> None:
    """One line per row (plain text: names and phones are PHI) with one-click actions."""
    for row in rows:
        cols = st.columns([5, *([1.3] * len(actions))], vertical_alignment="center")
        cols[0].text(" · ".join(str(v) for k, v in row.items() if k != "id" and v != ""))
        for col, (label, act) in zip(cols[1:], actions.items(), strict=True):
            col.button(
                label,
                key=f"{key}_{label}_{row['id']}",
                on_click=act,
                args=(row["id"],),
                disabled=not can_act,
            )

"""The appointment form (inside a dialog): returns plain values, never touches the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from components.shared.forms import DATE_INPUT, fit, show_field_error
from components.shared.text import show_table
from db.models import AppointmentKind, AppointmentStatus
from services.core import clock
from services.scheduling import recurrence
from services.scheduling.recurrence import WEEKDAY_LABELS, Frequency, Repeat
from services.scheduling.transport import RideRequest
from services.scheduling.validation import RIDE_KINDS, AppointmentInput

NO_REPEAT = "Does not repeat"


@dataclass
class FormResult:
    data: AppointmentInput
    repeat: Repeat | None
    override_reason: str | None
    ride: RideRequest | None = None  # a new booking's ride: vendor and confirmation


NO_RIDE, RIDE_TO_ARRANGE, RIDE_CONFIRMED = "No ride", "Needs a ride", "Ride confirmed"
RIDE_CHOICES = [NO_RIDE, RIDE_TO_ARRANGE, RIDE_CONFIRMED]


def _quarter(t: time) -> time:
    return time(t.hour, t.minute - t.minute % 15)


def appointment_form(
    key: str,
    initial: AppointmentInput,
    *,
    tz: str,
    staff: dict[int, str],
    patients: dict[int, str],
    providers: dict[int, str],
    errors: dict[str, str],
    conflicts: list[dict] | None,
    allow_repeat: bool,
    submit_label: str,
    vendors: dict[int, str] | None = None,
) -> FormResult | None:
    """Type, patient, time, staff and place; the ride (vendor, confirmed) only for an
    appointment away from home, the repeat fields only when it repeats. No st.form: each
    answer shows what it needs at once (inside a dialog only the dialog reruns).

    `vendors` (a new booking) offers the ride's vendor and confirmation right here;
    without it the form only says whether a ride is needed (the Transport section has
    the rest)."""
    start_local = clock.utc_to_local(initial.start, tz)
    minutes = int((initial.end - initial.start).total_seconds() // 60) if initial.end else 60
    kinds = [k.value for k in AppointmentKind]
    c1, c2 = st.columns(2)
    kind = c1.selectbox("Type", kinds, index=kinds.index(initial.kind), key=f"{key}_kind")
    with c1:
        show_field_error(errors, "kind")
    pid = c2.selectbox(
        "Patient",
        list(patients),
        index=list(patients).index(initial.patient_id) if initial.patient_id in patients else None,
        format_func=patients.get,
        placeholder="Type a name (not needed for a case conference)",
        key=f"{key}_patient",
    )
    with c2:
        show_field_error(errors, "patient_id")
    c1, c2, c3, c4 = st.columns([1.2, 1, 0.8, 1.4])
    day = c1.date_input("Date", start_local.date(), format=DATE_INPUT, key=f"{key}_day")
    at = c2.time_input(
        "Start", _quarter(start_local.time()), step=timedelta(minutes=15), key=f"{key}_at"
    )
    length = c3.number_input("Minutes", 5, 720, minutes, step=15, key=f"{key}_len")
    staff_ids = list(staff)
    staff_id = c4.selectbox(
        "Staff member",
        staff_ids,
        index=staff_ids.index(initial.staff_id) if initial.staff_id in staff else None,
        format_func=staff.get,
        key=f"{key}_staff",
    )
    show_field_error(errors, "start")
    show_field_error(errors, "end")
    provider = None
    if kind not in (AppointmentKind.FOLLOW_UP_CALL, AppointmentKind.CASE_CONFERENCE):
        provider = directory_picker(
            "Provider or facility", providers, initial.provider_contact_id, initial.provider,
            "Find it in Contacts above, or type a name", key=f"{key}_provider",
        )  # fmt: skip
        show_field_error(errors, "provider")
    ride = _ride_fields(key, kind, initial, vendors, errors)
    with st.expander("Title, place, notes and status", key=f"{key}_more"):
        title = st.text_input(
            "Title",
            initial.title,
            placeholder="Empty: the type",
            max_chars=fit(200, initial.title),
            key=f"{key}_t",
        )
        show_field_error(errors, "title")
        location = st.text_input(
            "Location or address",
            initial.location or "",
            placeholder="Empty: the provider's address, or the patient's for a home visit",
            max_chars=fit(300, initial.location or ""),
            key=f"{key}_loc",
        )
        notes = st.text_area(
            "Notes",
            initial.notes or "",
            height=80,
            key=f"{key}_notes",
            max_chars=fit(4000, initial.notes or ""),
        )
        statuses = [x.value for x in AppointmentStatus if x != AppointmentStatus.CANCELLED]
        status = st.selectbox(
            "Status",
            statuses,
            index=statuses.index(initial.status) if initial.status in statuses else 1,
            key=f"{key}_status",
        )
    repeat = _repeat_fields(key, day, errors) if allow_repeat else None
    override = None
    if conflicts:
        st.warning("This overlaps other appointments of the same patient or staff member:")
        show_table(pd.DataFrame(conflicts).drop(columns=["id"]), alt="Overlapping appointments")
        override = st.text_input(
            "Reason to book anyway (leave empty to change the time)",
            max_chars=2000,
            key=f"{key}_override",
        )
    if not st.button(submit_label, type="primary", key=f"{key}_go"):
        return None
    data = AppointmentInput(
        kind=kind,
        patient_id=pid,
        title=title,
        start=clock.local_to_utc(datetime.combine(day, at), tz),
        end=recurrence.end_for(datetime.combine(day, at), int(length), tz),
        location=location,
        provider=provider if isinstance(provider, str) else None,
        provider_contact_id=provider if isinstance(provider, int) else None,
        staff_id=staff_id,
        status=status,
        notes=notes,
        needs_transport=ride is not None,
        source_kind=initial.source_kind,
        source_id=initial.source_id,
    )
    return FormResult(data, repeat, override, ride if vendors is not None else None)


def _ride_fields(
    key: str, kind: str, initial: AppointmentInput, vendors: dict[int, str] | None, errors
) -> RideRequest | None:
    """The ride: only for an appointment away from home; it starts at the patient's home."""
    if kind not in RIDE_KINDS:
        return None
    choices = RIDE_CHOICES if vendors is not None else RIDE_CHOICES[:2]
    choice = st.segmented_control(
        "Ride",
        choices,
        default=RIDE_TO_ARRANGE if initial.needs_transport else NO_RIDE,
        key=f"{key}_ride",
        help="From the patient's home an hour before, with a return trip.",
    )
    show_field_error(errors, "needs_transport")
    if choice in (None, NO_RIDE):
        return None
    request = RideRequest(confirmed=choice == RIDE_CONFIRMED)
    if vendors is not None:
        picked = directory_picker(
            "Transport vendor", vendors, next(iter(vendors), None), None,
            "Choose from Contacts, or type a name", key=f"{key}_vendor",
        )  # fmt: skip
        show_field_error(errors, "vendor")
        request.vendor_contact_id = picked if isinstance(picked, int) else None
        request.vendor = picked if isinstance(picked, str) else None
        st.caption("Pick-up from the patient's home an hour before, with a return trip.")
    return request


def directory_picker(
    label: str,
    choices: dict[int, str],
    linked: int | None,
    typed: str | None,
    placeholder: str,
    key: str | None = None,
) -> int | str | None:
    """A Contacts directory entry (its id), or a name typed for someone not in the directory.

    The widget maps a shown label back to one option, so every label is made unique."""
    labels: dict[int | str, str] = {}
    for ident, text in choices.items():
        labels[ident] = f"{text} #{ident}" if text in labels.values() else text
    chosen: int | str | None = linked if linked is not None else typed
    if isinstance(chosen, str):
        same = [k for k, v in labels.items() if v == chosen]
        chosen = same[0] if same else chosen
        labels.setdefault(chosen, str(chosen))
    options = list(labels)
    return st.selectbox(
        label,
        options,
        index=options.index(chosen) if chosen in options else None,
        format_func=lambda v: labels.get(v, str(v)),
        accept_new_options=True,
        placeholder=placeholder,
        key=key,
    )


def _repeat_fields(key: str, day: date, errors: dict[str, str]) -> Repeat | None:
    """How it repeats; the rest of the questions only once it does."""
    choice = st.selectbox("Repeat", [NO_REPEAT, *[f.value for f in Frequency]], key=f"{key}_repeat")
    if choice == NO_REPEAT:
        return None
    c1, c2, c3 = st.columns(3)
    every = c1.number_input("Every (days / weeks / months)", 1, 52, 1, key=f"{key}_every")
    show_field_error(errors, "interval")
    ends = c2.radio("Ends", ["after", "on date"], horizontal=True, key=f"{key}_ends")
    count = until = None
    if ends == "after":
        count = c3.number_input(
            "Number of times", 1, recurrence.MAX_OCCURRENCES, 6, key=f"{key}_count"
        )
    else:
        until = c3.date_input(
            "Last date", day + timedelta(weeks=12), format=DATE_INPUT, key=f"{key}_until"
        )
    days = ()
    if choice == Frequency.WEEKLY:
        days = st.multiselect(
            "On weekdays",
            list(WEEKDAY_LABELS),
            format_func=WEEKDAY_LABELS.get,
            placeholder="The appointment's own weekday",
            key=f"{key}_days",
        )
    show_field_error(errors, "repeat_end")
    return Repeat(
        Frequency(choice),
        int(every),
        tuple(days),
        until=until,
        count=int(count) if count else None,
    )

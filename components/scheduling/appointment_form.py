"""The appointment form (inside a dialog): returns plain values, never touches the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from components.shared.forms import show_field_error
from components.shared.text import show_table
from db.models import AppointmentKind, AppointmentStatus
from services.core import clock
from services.scheduling import recurrence
from services.scheduling.recurrence import WEEKDAY_LABELS, Frequency, Repeat
from services.scheduling.validation import AppointmentInput

NO_REPEAT = "Does not repeat"


@dataclass
class FormResult:
    data: AppointmentInput
    repeat: Repeat | None
    override_reason: str | None


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
) -> FormResult | None:
    start_local = clock.utc_to_local(initial.start, tz)
    minutes = int((initial.end - initial.start).total_seconds() // 60) if initial.end else 60
    kinds = [k.value for k in AppointmentKind]
    with st.form(key, border=False):
        c1, c2 = st.columns(2)
        kind = c1.selectbox("Type", kinds, index=kinds.index(initial.kind))
        show_field_error(errors, "kind")
        pid = c2.selectbox(
            "Patient",
            list(patients),
            index=list(patients).index(initial.patient_id)
            if initial.patient_id in patients
            else None,
            format_func=patients.get,
            placeholder="Choose (not needed for a case conference)",
        )
        show_field_error(errors, "patient_id")
        title = st.text_input("Title", initial.title, placeholder="e.g. Cardiology follow-up")
        show_field_error(errors, "title")
        c1, c2, c3 = st.columns(3)
        day = c1.date_input("Date", start_local.date(), format="YYYY-MM-DD")
        at = c2.time_input("Start", _quarter(start_local.time()), step=timedelta(minutes=15))
        length = c3.number_input("Minutes", 5, 720, minutes, step=15)
        show_field_error(errors, "start")
        show_field_error(errors, "end")
        c1, c2 = st.columns(2)
        staff_ids = list(staff)
        staff_id = c1.selectbox(
            "Staff member",
            staff_ids,
            index=staff_ids.index(initial.staff_id) if initial.staff_id in staff else None,
            format_func=staff.get,
        )
        statuses = [x.value for x in AppointmentStatus if x != AppointmentStatus.CANCELLED]
        status = c2.selectbox(
            "Status",
            statuses,
            index=statuses.index(initial.status) if initial.status in statuses else 1,
        )
        provider = directory_picker(
            "Provider or facility", providers, initial.provider_contact_id, initial.provider,
            "Find it in Contacts above, or type a name",
        )  # fmt: skip
        show_field_error(errors, "provider")
        location = st.text_input(
            "Location or address",
            initial.location or "",
            placeholder="Empty: the provider's address, or the patient's for a home visit",
        )
        notes = st.text_area("Notes", initial.notes or "", height=80)
        transport = st.checkbox("Needs transport", initial.needs_transport)
        repeat = None
        if allow_repeat:
            repeat = _repeat_fields(day, errors)
        override = None
        if conflicts:
            st.warning("This overlaps other appointments of the same patient or staff member:")
            show_table(pd.DataFrame(conflicts).drop(columns=["id"]))
            override = st.text_input("Reason to book anyway (leave empty to change the time)")
        if not st.form_submit_button(submit_label, type="primary"):
            return None
    start = clock.local_to_utc(datetime.combine(day, at), tz)
    data = AppointmentInput(
        kind=kind,
        patient_id=pid,
        title=title,
        start=start,
        end=recurrence.end_for(datetime.combine(day, at), int(length), tz),
        location=location,
        provider=provider if isinstance(provider, str) else None,
        provider_contact_id=provider if isinstance(provider, int) else None,
        staff_id=staff_id,
        status=status,
        notes=notes,
        needs_transport=transport,
        source_kind=initial.source_kind,
        source_id=initial.source_id,
    )
    return FormResult(data, repeat, override)


def directory_picker(
    label: str, choices: dict[int, str], linked: int | None, typed: str | None, placeholder: str
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
    )


def _repeat_fields(day: date, errors: dict[str, str]) -> Repeat | None:
    choice = st.selectbox("Repeat", [NO_REPEAT, *[f.value for f in Frequency]])
    c1, c2, c3 = st.columns(3)
    every = c1.number_input("Every (days / weeks / months)", 1, 52, 1)
    show_field_error(errors, "interval")
    ends = c2.radio("Ends", ["after", "on date"], horizontal=True)
    count = c3.number_input("Number of times", 1, recurrence.MAX_OCCURRENCES, 6)
    until = c3.date_input("Last date", day + timedelta(weeks=12), format="YYYY-MM-DD")
    days = st.multiselect(
        "On weekdays (weekly)",
        list(WEEKDAY_LABELS),
        format_func=WEEKDAY_LABELS.get,
        placeholder="The appointment's own weekday",
    )
    show_field_error(errors, "repeat_end")
    if choice == NO_REPEAT:
        return None
    return Repeat(
        Frequency(choice),
        int(every),
        tuple(days),
        until=until if ends == "on date" else None,
        count=int(count) if ends == "after" else None,
    )

"""The Calendar page's user actions, each in its own transaction (docs/architecture.md).

Reads open `read_scope` and build their plain result inside it; anything that writes a
row or an audit event (an .ics download is recorded) opens `session_scope`. Refusals come
out as the domain raised them: InvalidInput, Conflict, DoubleBooking, NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from db.base import today
from db.session import read_scope, session_scope
from services.core.identity import Actor, require, user_action
from services.scheduling import (
    agenda,
    appointments,
    feed,
    ics,
    providers,
    recurrence,
    reminders,
    transport,
)
from services.scheduling.agenda import Filters
from services.scheduling.appointments import Scope
from services.scheduling.ics import IcsOptions
from services.scheduling.recurrence import Repeat
from services.scheduling.transport import RideRequest, TransportInput
from services.scheduling.validation import AppointmentInput

READ = "patients.read"


@dataclass(frozen=True)
class AppointmentView:
    """What the appointment dialog shows, and the values its forms start from."""

    version: int
    initial: AppointmentInput  # a name typed before its entry was in Contacts is the entry
    details: list[dict]
    repeats: str | None  # the series' rule in words; None outside a series
    ride: dict | None  # the ride's values (see transport.ride_values), or None
    vendors: dict[int, str]  # transport vendors to pick from

    @property
    def in_series(self) -> bool:
        return self.repeats is not None


# ---------------------------------------------------------------- pickers


@user_action("patients.read")
def patient_choices(
    actor: Actor, query: str = "", *, include: tuple[int | None, ...] = (), mine: bool = False
) -> dict[int, str]:
    """Active patients matching a name or MRN: id -> "Family, Given · MRN"; with no words
    and `mine`, the signed-in case manager's caseload (else the first ones by name)."""
    require(actor, READ)
    with read_scope() as s:
        if mine and not query.strip():
            found = agenda.patient_choices(s, include=include, caseload_of=actor.id)
            if len(found) > len([i for i in include if i is not None]):
                return found
        return agenda.patient_choices(s, query, include=include)


@user_action("patients.read")
def provider_choices(
    actor: Actor, query: str = "", *, include: tuple[int | None, ...] = ()
) -> dict[int, str]:
    """Providers and facilities from Contacts: the usual ones, or those matching the words."""
    require(actor, READ)
    with read_scope() as s:
        return providers.provider_choices(s, query, include=include)


# ---------------------------------------------------------------- reading the calendar


@user_action("patients.read")
def visible_events(
    actor: Actor,
    view: dict | None,
    filters: Filters,
    *,
    tz: str,
    editable: bool,
    staff_order: tuple[int, ...] = (),
) -> list[dict]:
    """The widget's events for the range it shows (`view` as it last reported it); with
    `staff_order` (the team week) each staff member's events in their own color."""
    require(actor, READ)
    start, end = feed.visible_range(view, tz, today())
    colors = feed.staff_colors(list(staff_order)) if staff_order else None
    with read_scope() as s:
        items = agenda.appointments_between(s, start, end, filters)
        return feed.events(items, tz, editable=editable, colors=colors)


@user_action("patients.read")
def reminder_calls_due(actor: Actor, *, staff_id: int | None, tz: str) -> list[dict]:
    """Appointments in the next 48 hours not yet confirmed with the patient, as rows."""
    require(actor, READ)
    with read_scope() as s:
        return reminders.reminder_rows(reminders.reminders_due(s, staff_id=staff_id), tz)


@user_action("patients.read")
def rides_to_confirm(actor: Actor, *, tz: str) -> list[dict]:
    """Rides in the next two weeks the vendor has not confirmed, as rows."""
    require(actor, READ)
    with read_scope() as s:
        return [transport.ride_row(t, tz) for t in transport.unconfirmed_transport(s)]


@user_action("patients.read")
def open_appointment(actor: Actor, appointment_id: int, *, tz: str) -> AppointmentView:
    """One appointment for its dialog: details, series, ride and the vendors to choose."""
    require(actor, READ)
    with read_scope() as s:
        a = agenda.get_appointment(s, appointment_id)
        initial = AppointmentInput.from_appointment(a)
        series = agenda.series_of(s, a)
        ride = transport.ride_values(a)
        # A name typed before its entry was in the directory is offered as that entry.
        if initial.provider_contact_id is None:
            initial.provider_contact_id = providers.entry_named(
                s, initial.provider, providers.is_provider
            )
        if ride and ride["vendor_contact_id"] is None:
            ride["vendor_contact_id"] = providers.entry_named(
                s, ride["vendor"], providers.is_vendor
            )
        return AppointmentView(
            version=a.version,
            initial=initial,
            details=agenda.details(a, tz),
            repeats=recurrence.describe(series.rrule) if series else None,
            ride=ride,
            vendors=providers.vendor_choices(s, include=((ride or {}).get("vendor_contact_id"),)),
        )


@user_action("patients.read")
def appointment_ics(actor: Actor, appointment_id: int, opts: IcsOptions, *, tz: str) -> bytes:
    """The file the download button offers (recorded only when downloaded)."""
    require(actor, READ)
    with read_scope() as s:
        return ics.to_ics([agenda.get_appointment(s, appointment_id)], opts, tz)


# ---------------------------------------------------------------- booking and changing


@user_action("schedule.edit")
def book_appointment(
    actor: Actor,
    data: AppointmentInput,
    *,
    repeat: Repeat | None = None,
    override_reason: str | None = None,
    tz: str | None = None,
    ride: RideRequest | None = None,
) -> int:
    """Book one appointment or a series (with its ride when asked); the id of the first."""
    with session_scope() as s:
        booked = appointments.book_appointment(
            s, actor, data, repeat=repeat, override_reason=override_reason, tz=tz, ride=ride
        )
        return booked.appointment.id


@user_action("patients.read")
def vendor_choices(actor: Actor) -> dict[int, str]:
    """Transport vendors from Contacts, the clinic's usual one first."""
    require(actor, READ)
    with read_scope() as s:
        return providers.vendor_choices(s, usual_first=True)


@user_action("schedule.edit")
def edit_appointment(
    actor: Actor,
    appointment_id: int,
    data: AppointmentInput,
    version: int | None,
    *,
    scope: Scope = Scope.THIS,
    override_reason: str | None = None,
    tz: str | None = None,
) -> int:
    """Save the dialog's changes (to this, the following or all occurrences); how many."""
    with session_scope() as s:
        rows = appointments.update_appointment(
            s, actor, appointment_id, data, version, scope=scope,
            override_reason=override_reason, tz=tz,
        )  # fmt: skip
        return len(rows)


@user_action("schedule.edit")
def move_appointment(
    actor: Actor,
    appointment_id: int,
    start: datetime,
    end: datetime,
    version: int | None,
    *,
    scope: Scope = Scope.THIS,
    override_reason: str | None = None,
    tz: str | None = None,
) -> int:
    """A drag or resize the user confirmed; how many occurrences moved."""
    with session_scope() as s:
        rows = appointments.reschedule(
            s, actor, appointment_id, start, end, version, scope=scope,
            override_reason=override_reason, tz=tz,
        )  # fmt: skip
        return len(rows)


@user_action("schedule.edit")
def cancel_appointment(
    actor: Actor,
    appointment_id: int,
    reason: str,
    *,
    scope: Scope = Scope.THIS,
    version: int | None = None,
) -> int:
    """Cancel with a reason (this one, the following ones or the series); how many."""
    with session_scope() as s:
        rows = appointments.cancel_appointment(
            s, actor, appointment_id, reason, scope=scope, version=version
        )
        return len(rows)


@user_action("schedule.edit")
def set_status(actor: Actor, appointment_id: int, status: str, *, version: int | None) -> None:
    """One click: confirmed, arrived, completed, no-show."""
    with session_scope() as s:
        appointments.set_status(s, actor, appointment_id, status, version=version)


# ---------------------------------------------------------------- rides and calls


@user_action("schedule.edit")
def save_ride(actor: Actor, appointment_id: int, data: TransportInput) -> int:
    """The ride to (and back from) the appointment; the booking's id."""
    with session_scope() as s:
        return transport.save_transport(s, actor, appointment_id, data).id


@user_action("schedule.edit")
def confirm_ride(actor: Actor, booking_id: int, version: int | None = None) -> None:
    """The vendor confirmed the ride on the phone (the ride as the list showed it)."""
    with session_scope() as s:
        transport.set_confirmed(s, actor, booking_id, True, version=version)


@user_action("schedule.edit")
def record_reminder_call(actor: Actor, appointment_id: int, outcome: str) -> None:
    """Log a reminder call; "confirmed" also confirms the appointment."""
    with session_scope() as s:
        reminders.record_reminder(s, actor, appointment_id, outcome)


# ---------------------------------------------------------------- .ics downloads (recorded)


@user_action("records.export")
def download_appointment_ics(actor: Actor, appointment_id: int, opts: IcsOptions) -> bytes:
    with session_scope() as s:
        return ics.export_appointment(s, actor, appointment_id, opts)


@user_action("records.export")
def download_patient_schedule(actor: Actor, patient_id: int, opts: IcsOptions) -> bytes:
    """The patient's upcoming appointments as one file."""
    with session_scope() as s:
        return ics.export_patient_schedule(s, actor, patient_id, opts)


@user_action("records.export")
def download_staff_week(actor: Actor, staff_id: int, week_of: date, opts: IcsOptions) -> bytes:
    """A staff member's week (Monday to Sunday around `week_of`) as one file."""
    with session_scope() as s:
        return ics.export_staff_week(s, actor, staff_id, week_of, opts)

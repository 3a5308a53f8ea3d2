"""`.ics` export (RFC 5545, icalendar library): one appointment, a patient's schedule, a week.

A calendar file leaves the building, so by default it carries only the type, time and
staff member; the title, patient name, place and notes go in only when the user ticks them.

A recurring series leaves as one VEVENT with its RRULE, bounded to what is exported
(DTSTART at the first exported occurrence, UNTIL at the last): every occurrence of the rule
in between that is not in the export (cancelled, or outside what was asked for) is an
EXDATE, and an occurrence moved or edited on its own is a RECURRENCE-ID event. Occurrences
that no longer fit the rule leave as events of their own. Each VTIMEZONE transition is an
RDATE property of its own (ics_timezone).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vRecur
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import Appointment, AppointmentSeries, AppointmentStatus
from services.core import audit, clock
from services.core.audit import Action
from services.core.clock import clinic_tz
from services.core.identity import Actor, require
from services.scheduling import recurrence
from services.scheduling.agenda import (
    Filters,
    appointments_between,
    get_appointment,
    upcoming_for_patient,
)
from services.scheduling.ics_timezone import vtimezone

PRODID = "-//CareDesk//Scheduling//EN"
HOST = "caredesk.local"


@dataclass(frozen=True)
class IcsOptions:
    title: bool = False
    patient_name: bool = False
    location: bool = False
    notes: bool = False


def _content(a: Appointment, opts: IcsOptions) -> dict[str, str]:
    """What an event says about the appointment, as the options allow."""
    summary = str(a.kind).capitalize()
    if opts.title and a.title:
        summary += f": {a.title}"
    if opts.patient_name and a.patient is not None:
        summary += f" — {a.patient.display_name}"
    lines = []
    if a.staff is not None:
        lines.append(f"Staff: {a.staff.display_name}")
    if opts.notes and a.notes:
        lines.append(a.notes)
    status = {
        AppointmentStatus.CANCELLED: "CANCELLED",
        AppointmentStatus.PROPOSED: "TENTATIVE",
    }.get(AppointmentStatus(a.status), "CONFIRMED")
    return {
        "summary": summary,
        "location": a.location if opts.location and a.location else "",
        "description": "\n".join(lines),
        "status": status,
    }


def _event(uid: str, a: Appointment, zone: ZoneInfo, content: dict[str, str]) -> Event:
    ev = Event()
    ev.add("uid", uid)
    ev.add("dtstamp", utcnow().replace(microsecond=0))
    ev.add("dtstart", a.start_at.astimezone(zone))
    ev.add("dtend", a.end_at.astimezone(zone))
    for key, value in content.items():
        if value:
            ev.add(key, value)
    ev.add("sequence", max(a.version - 1, 0))
    return ev


def _series_events(
    series: AppointmentSeries, rows: list[Appointment], opts: IcsOptions
) -> tuple[list[Event], list[Appointment]]:
    """The series' rows as a master (RRULE, EXDATE) and RECURRENCE-ID events; the rows that
    fit no occurrence of the rule are handed back to leave as events of their own."""
    tz = series.timezone
    zone = ZoneInfo(tz)
    slots = [
        local
        for local, _ in recurrence.expand(
            series.rrule, datetime.fromisoformat(series.dtstart_local), tz
        )
    ]
    slot_set = set(slots)
    length = timedelta(minutes=series.duration_minutes)
    keyed: dict[datetime, Appointment] = {}
    moved: set[datetime] = set()
    alone: list[Appointment] = []
    for a in sorted(rows, key=lambda r: r.start_at):
        start = clock.utc_to_local(a.start_at, tz)
        on_rule = (
            start in slot_set
            and not a.is_exception
            and clock.utc_to_local(a.end_at, tz) - start == length
        )
        original = clock.utc_to_local(a.recurrence_id, tz) if a.recurrence_id else None
        key = start if on_rule else (original if original in slot_set else None)
        if key is None or key in keyed:
            alone.append(a)
            continue
        keyed[key] = a
        if not on_rule:
            moved.add(key)
    if len(keyed) < 2:
        return [], rows
    first, last = min(keyed), max(keyed)
    regular = [keyed[k] for k in sorted(keyed) if k not in moved]
    model = regular[0] if regular else keyed[first]
    master_content = _content(model, opts)
    uid = f"series-{series.id}@{HOST}"
    master = Event()
    master.add("uid", uid)
    master.add("dtstamp", utcnow().replace(microsecond=0))
    master.add("dtstart", first.replace(tzinfo=zone))
    master.add("dtend", (first + length).replace(tzinfo=zone))
    for key, value in master_content.items():
        if value:
            master.add(key, value)
    master.add("sequence", max([a.version - 1 for a in regular] or [0]))
    rule = vRecur.from_ical(
        ";".join(p for p in series.rrule.split(";") if not p.startswith(("UNTIL=", "COUNT=")))
    )
    rule["UNTIL"] = [clock.local_to_utc(last, tz)]
    master.add("rrule", rule)
    for slot in slots:  # one EXDATE per property: some clients read only the first value
        if first <= slot <= last and slot not in keyed:
            master.add("exdate", slot.replace(tzinfo=zone))
    events = [master]
    for key in sorted(keyed):
        a = keyed[key]
        content = _content(a, opts)
        if key in moved or content != master_content:
            ev = _event(uid, a, zone, content)
            ev.add("recurrence-id", key.replace(tzinfo=zone))
            events.append(ev)
    return events, alone


def to_ics(
    items: list[Appointment],
    opts: IcsOptions,
    tz: str | None = None,
    name: str = "CareDesk",
    series: dict[int, AppointmentSeries] | None = None,
) -> bytes:
    """The appointments as a calendar; with `series`, each series' rows as one recurring event."""
    tz = tz or clinic_tz()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    groups: dict[int, list[Appointment]] = {}
    alone = []
    for a in items:
        if series and a.series_id in series:
            groups.setdefault(a.series_id, []).append(a)
        else:
            alone.append(a)
    events: list[Event] = []
    for series_id, rows in groups.items():
        found, left = _series_events(series[series_id], rows, opts)
        events += found
        alone += left
    zone = ZoneInfo(tz)
    events += [
        _event(f"appointment-{a.id}@{HOST}", a, zone, _content(a, opts))
        for a in sorted(alone, key=lambda r: r.start_at)
    ]
    tzids = {tz} | {series[i].timezone for i in groups} if items else set()
    if items:
        first = min(a.start_at for a in items).date()
        last = max(a.end_at for a in items).date()
        for tzid in sorted(tzids):
            cal.add_component(vtimezone(tzid, first, last))
    for ev in events:
        cal.add_component(ev)
    return cal.to_ical()


def _series_of(s: Session, items: list[Appointment]) -> dict[int, AppointmentSeries]:
    ids = {a.series_id for a in items if a.series_id is not None}
    return {i: s.get(AppointmentSeries, i) for i in ids}


def _audit(s: Session, actor: Actor, what: str, items: list[Appointment], opts: IcsOptions, pid):
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="appointment",
        entity_id=items[0].id if len(items) == 1 else None,
        patient_id=pid,
        category="schedule",
        detail={"export": what, "count": len(items), "included": opts.__dict__},
    )


def export_appointment(s: Session, actor: Actor, appointment_id: int, opts: IcsOptions) -> bytes:
    require(actor, "patients.read")
    a = get_appointment(s, appointment_id)
    _audit(s, actor, "one appointment", [a], opts, a.patient_id)
    return to_ics([a], opts)


def export_patient_schedule(s: Session, actor: Actor, patient_id: int, opts: IcsOptions) -> bytes:
    require(actor, "patients.read")
    items = upcoming_for_patient(s, patient_id, limit=500)
    _audit(s, actor, "patient schedule", items, opts, patient_id)
    return to_ics(items, opts, name="Upcoming appointments", series=_series_of(s, items))


def export_staff_week(
    s: Session, actor: Actor, staff_id: int, week_of: date, opts: IcsOptions
) -> bytes:
    """Monday to Sunday of the week containing week_of, in the clinic's time zone."""
    require(actor, "patients.read")
    tz = clinic_tz()
    monday = week_of - timedelta(days=week_of.weekday())
    start, _ = clock.day_bounds_utc(monday, tz)
    end, _ = clock.day_bounds_utc(monday + timedelta(days=7), tz)
    items = [
        a
        for a in appointments_between(s, start, end, Filters(staff_id=staff_id))
        if a.status != AppointmentStatus.CANCELLED
    ]
    _audit(s, actor, f"staff week of {monday}", items, opts, None)
    return to_ics(items, opts, name=f"Week of {monday:%d %b %Y}", series=_series_of(s, items))


def _when(ev, key: str) -> datetime | None:
    return ev.decoded(key) if ev.get(key) is not None else None


def parse_ics(data: bytes) -> list[dict]:
    """Read events back (used by tests and for a quick check of an exported file)."""
    cal = Calendar.from_ical(data)
    out = []
    for ev in cal.walk("VEVENT"):
        start: datetime = ev.decoded("dtstart")
        exdates = ev.get("exdate") or []
        exdates = exdates if isinstance(exdates, list) else [exdates]
        out.append(
            {
                "uid": str(ev.get("uid")),
                "summary": str(ev.get("summary")),
                "start": start,
                "end": ev.decoded("dtend"),
                "tzid": ev["dtstart"].params.get("TZID"),
                "location": str(ev.get("location")) if ev.get("location") else None,
                "description": str(ev.get("description")) if ev.get("description") else None,
                "status": str(ev.get("status")),
                "rrule": ev["rrule"].to_ical().decode() if ev.get("rrule") else None,
                "exdates": [d.dt for prop in exdates for d in prop.dts],
                "exdate_properties": [len(prop.dts) for prop in exdates],
                "recurrence_id": _when(ev, "recurrence-id"),
            }
        )
    return out

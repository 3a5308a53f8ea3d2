"""What the calendar widget shows and sends back: events, colors, times, visible range.

The widget (FullCalendar) is given the clinic's named time zone and no time-zone plugin,
so it works in wall-clock time (FullCalendar's "UTC-coercion"): we send events as
local wall-clock strings without offset, and the times it sends back are wall-clock
times too. Strings with an explicit offset ("...-04:00") are real instants; a "Z" from
the widget's own Date objects (select, dateClick, view range) is a coerced wall time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from db.models import Appointment, AppointmentKind, AppointmentStatus
from services.core import clock

# (Streamlit badge color for the legend, the matching strong color for the event). Every
# strong color carries the event's white text at 4.5:1 or more (WCAG 2.1 AA), checked by
# tests/unit/test_contrast.py; the README lists the ratios.
EVENT_TEXT = "#ffffff"
PALETTE = {
    AppointmentKind.MEDICAL: ("blue", "#1c6fc4"),
    AppointmentKind.HOME_VISIT: ("green", "#1b7d41"),
    AppointmentKind.TRANSPORT: ("yellow", "#806300"),
    AppointmentKind.TELEHEALTH: ("violet", "#7a3de0"),
    AppointmentKind.FOLLOW_UP_CALL: ("orange", "#ad5700"),
    AppointmentKind.CASE_CONFERENCE: ("red", "#c62828"),
    AppointmentKind.OTHER: ("gray", "#5f6673"),
}
COLORS = {kind: strong for kind, (_, strong) in PALETTE.items()}
# Canceled and no-show: pale, with dark text, the type's color as the border, and the
# status in words at the start of the title (never told by color alone).
MUTED, MUTED_TEXT = "#eceff1", "#37474f"
STATUS_WORDS = {AppointmentStatus.CANCELLED: "Canceled", AppointmentStatus.NO_SHOW: "No-show"}
THEME_PRIMARY = "#0c256e"  # .streamlit/config.toml primaryColor: the "primary" badge's color
# One color per staff member when several are shown (Streamlit badge name, strong color).
STAFF_PALETTE = [
    ("blue", "#1c6fc4"),
    ("orange", "#ad5700"),
    ("green", "#1b7d41"),
    ("violet", "#7a3de0"),
    ("red", "#c62828"),
    ("primary", THEME_PRIMARY),
    ("gray", "#5f6673"),
    ("yellow", "#806300"),
]
# What an event says it is, short enough for a narrow column.
SHORT = {
    AppointmentKind.MEDICAL: "appt",
    AppointmentKind.HOME_VISIT: "home visit",
    AppointmentKind.TRANSPORT: "ride",
    AppointmentKind.TELEHEALTH: "telehealth",
    AppointmentKind.FOLLOW_UP_CALL: "call",
    AppointmentKind.CASE_CONFERENCE: "conference",
    AppointmentKind.OTHER: "other",
}


def staff_colors(staff_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each staff member shown gets a color of their own, in the order given."""
    return {ident: STAFF_PALETTE[n % len(STAFF_PALETTE)] for n, ident in enumerate(staff_ids)}


def _plain(text: str | None) -> str:
    return "".join(ch for ch in (text or "").lower() if ch.isalnum())


def short_name(a: Appointment) -> str:
    """The patient as a crowded week can show them: "R. Diaz"."""
    p = a.patient
    if p is None:
        return ""
    first = (p.preferred_name or p.given_name or "").strip()
    return f"{first[:1]}. {p.family_name}" if first else p.family_name


def parse_calendar_time(value: str, tz: str, *, coerced: bool = False) -> datetime:
    """A time string from the widget, as an aware UTC datetime.

    "2026-03-08T14:00:00Z" and "2026-03-08T10:00:00-04:00" are instants; a string with
    no offset is wall-clock time in the clinic's zone. With coerced=True (a Date from a
    widget running on a named zone without plugin) the "Z" is dropped: it is wall time.
    """
    parsed = datetime.fromisoformat(value)
    if coerced and parsed.tzinfo is not None and parsed.utcoffset() == timedelta(0):
        parsed = parsed.replace(tzinfo=None)
    if parsed.tzinfo is None:
        return clock.local_to_utc(parsed, tz)
    return parsed.astimezone(UTC)


def wall_string(value: datetime, tz: str) -> str:
    """A UTC instant as the clinic's wall-clock time, the way the widget wants it."""
    return clock.utc_to_local(value, tz).isoformat(timespec="seconds")


def visible_range(view: dict | None, tz: str, today: date) -> tuple[datetime, datetime]:
    """The UTC range to load for a view {activeStart, activeEnd}; a week around today if none.

    A day is added on each side: the widget's range strings are wall-clock dates, and an
    extra day costs nothing but closes any off-by-zone gap.
    """
    if view and view.get("activeStart") and view.get("activeEnd"):
        first = date.fromisoformat(view["activeStart"][:10]) - timedelta(days=1)
        last = date.fromisoformat(view["activeEnd"][:10]) + timedelta(days=1)
    else:
        first = today - timedelta(days=today.weekday() + 1)
        last = first + timedelta(days=9)
    return clock.day_bounds_utc(first, tz)[0], clock.day_bounds_utc(last, tz)[0]


def event_for(
    a: Appointment, tz: str, *, editable: bool, colors: dict[int, tuple[str, str]] | None = None
) -> dict:
    """The event: the patient's short name and the type ("R. Diaz · home visit"), in the
    type's color, or in its staff member's color when `colors` (the team week) is given."""
    kind = AppointmentKind(a.kind)
    muted = a.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
    label = a.title
    if a.patient is not None:
        label = f"{short_name(a)} · {SHORT[kind]}"
        if _plain(a.title) not in (_plain(kind.value), _plain(SHORT[kind]), ""):
            label += f": {a.title}"  # what the booker wrote, when it says more than the type
    if muted:
        label = f"{STATUS_WORDS[AppointmentStatus(a.status)]}: {label}"
    color = COLORS[kind]
    if colors is not None:
        color = colors.get(a.staff_id, ("gray", "#5f6673"))[1]
    return {
        "id": str(a.id),
        "title": label,
        "start": wall_string(a.start_at, tz),
        "end": wall_string(a.end_at, tz),
        "backgroundColor": MUTED if muted else color,
        "borderColor": color,
        "textColor": MUTED_TEXT if muted else EVENT_TEXT,
        "editable": editable and not muted and a.status != AppointmentStatus.COMPLETED,
        "extendedProps": {
            "version": a.version,
            "kind": kind.value,
            "status": str(a.status),
            "series": a.series_id is not None,
        },
    }


def transport_event(a: Appointment, tz: str) -> dict | None:
    """The ride as its own (read-only) block, so a driver's pick-up shows on the day."""
    t = a.transport
    if t is None or not a.needs_transport or a.status == AppointmentStatus.CANCELLED:
        return None
    mark = "confirmed" if t.confirmed else "to confirm"
    return {
        "id": f"t{t.id}",
        "title": f"Ride {short_name(a)} · {t.vendor or 'vendor not set'} ({mark})",
        "start": wall_string(t.pickup_at, tz),
        "end": wall_string(a.start_at, tz),
        "backgroundColor": COLORS[AppointmentKind.TRANSPORT],
        "borderColor": COLORS[AppointmentKind.TRANSPORT],
        "textColor": EVENT_TEXT,
        "editable": False,
        "extendedProps": {"appointment": a.id, "kind": "ride"},
    }


def events(
    items: list[Appointment],
    tz: str,
    *,
    editable: bool,
    colors: dict[int, tuple[str, str]] | None = None,
) -> list[dict]:
    out = []
    for a in items:
        out.append(event_for(a, tz, editable=editable, colors=colors))
        ride = transport_event(a, tz)
        if ride:
            out.append(ride)
    return out


def change_signature(value: dict) -> str:
    """A callback's identity, so a sticky return value is acted on once (DESIGN.md §3.8)."""
    kind = value.get("callback", "")
    body = value.get(kind) or {}
    if kind == "eventChange":
        ev = body.get("event", {})
        old = body.get("oldEvent", {})
        return f"{kind}|{ev.get('id')}|{old.get('start')}|{ev.get('start')}|{ev.get('end')}"
    if kind == "eventClick":
        ev = body.get("event", {})
        return f"{kind}|{ev.get('id')}|{ev.get('start')}|{body.get('view', {}).get('activeStart')}"
    if kind == "select":
        return f"{kind}|{body.get('start')}|{body.get('end')}"
    if kind == "dateClick":
        return f"{kind}|{body.get('date')}"
    return f"{kind}|{sorted(body.get('view', {}).items())}"

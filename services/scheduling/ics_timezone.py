"""VTIMEZONE definitions every calendar client reads the same.

icalendar builds the definition from the zone database, but lists a rule's transitions as
many dates in one RDATE property. That is valid RFC 5545, yet clients that use the embedded
definition and read only an RDATE's first value (Mozilla's ical.js, used by several web
calendars) then miss every later transition and show daylight-saving-time events an hour
off. Here each transition date gets an RDATE property of its own.
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from icalendar import Timezone

MARGIN = timedelta(days=366)


def vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """The zone's definition covering first..last (a year's margin each side)."""
    zone = Timezone.from_tzinfo(ZoneInfo(tzid), tzid, first - MARGIN, last + MARGIN)
    for observance in zone.subcomponents:
        values = observance.pop("RDATE", None)
        if values is None:
            continue
        dates = [
            d.dt for prop in (values if isinstance(values, list) else [values]) for d in prop.dts
        ]
        for when in sorted(set(dates)):
            observance.add("rdate", when)
    return zone

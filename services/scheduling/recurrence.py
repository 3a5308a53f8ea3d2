"""Recurring appointments: RFC 5545 RRULEs built and expanded with python-dateutil.

Rules are expanded in the clinic's wall-clock time and each occurrence is then
converted to UTC, so "every Tuesday 09:00" stays 09:00 local across a DST change.
Monthly rules on the 29th-31st fall back to the month's last day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from dateutil.rrule import rrulestr

from services.core.clock import local_to_utc
from services.core.errors import InvalidInput

MAX_OCCURRENCES = 400  # a series must end; this also bounds an end date years away
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_LABELS = dict(zip(WEEKDAYS, ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), strict=True))


class Frequency(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class Repeat:
    """What the user chose in the form: how often, and until when."""

    frequency: Frequency = Frequency.WEEKLY
    interval: int = 1  # every N days/weeks/months
    weekdays: tuple[str, ...] = field(default_factory=tuple)  # weekly only: "MO".."SU"
    until: date | None = None  # last day (inclusive), or
    count: int | None = None  # number of occurrences

    def errors(self) -> dict[str, str]:
        errs: dict[str, str] = {}
        if not 1 <= self.interval <= 52:
            errs["interval"] = "Repeat every 1 to 52."
        if (self.until is None) == (self.count is None):
            errs["repeat_end"] = "Choose an end date or a number of times."
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            errs["repeat_end"] = f"Between 1 and {MAX_OCCURRENCES} times."
        if any(d not in WEEKDAYS for d in self.weekdays):
            errs["weekdays"] = "Unknown weekday."
        return errs


def build_rule(repeat: Repeat, first_local: datetime) -> str:
    """The RRULE text (without the "RRULE:" prefix) for a series starting at first_local."""
    errs = repeat.errors()
    if errs:
        raise InvalidInput(errs)
    parts = [f"FREQ={repeat.frequency.value.upper()}"]
    if repeat.interval != 1:
        parts.append(f"INTERVAL={repeat.interval}")
    if repeat.frequency == Frequency.WEEKLY:
        days = repeat.weekdays or (WEEKDAYS[first_local.weekday()],)
        parts.append("BYDAY=" + ",".join(d for d in WEEKDAYS if d in days))
    elif repeat.frequency == Frequency.MONTHLY and first_local.day > 28:
        # The 31st every month: RFC 5545 would skip short months; clinics mean "month end".
        parts.append("BYMONTHDAY=" + ",".join(str(d) for d in range(28, first_local.day + 1)))
        parts.append("BYSETPOS=-1")
    if repeat.count is not None:
        parts.append(f"COUNT={repeat.count}")
    else:
        parts.append(f"UNTIL={repeat.until:%Y%m%d}T235959")
    return ";".join(parts)


def with_until(rule: str, last_local: datetime) -> str:
    """The same rule ending at last_local (wall time) — for "this and following" splits."""
    kept = [p for p in rule.split(";") if not p.startswith(("UNTIL=", "COUNT="))]
    return ";".join([*kept, f"UNTIL={last_local:%Y%m%dT%H%M%S}"])


def expand(
    rule: str, first_local: datetime, tz: str, limit: int = MAX_OCCURRENCES
) -> list[tuple[datetime, datetime]]:
    """Occurrences as (local wall time, UTC start), at most `limit`."""
    out: list[tuple[datetime, datetime]] = []
    for occ in rrulestr(rule, dtstart=first_local):
        out.append((occ, local_to_utc(occ, tz)))
        if len(out) >= limit:
            break
    return out


def end_for(start_local: datetime, minutes: int, tz: str) -> datetime:
    """End in UTC: the same wall-clock length as the first occurrence."""
    return local_to_utc(start_local + timedelta(minutes=minutes), tz)


def describe(rule: str) -> str:
    """A plain-words summary of a rule, e.g. "every 8 weeks on Tue, 6 times"."""
    parts = dict(p.split("=", 1) for p in rule.split(";"))
    n = int(parts.get("INTERVAL", "1"))
    unit = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month"}[parts["FREQ"]]
    text = f"every {unit}" if n == 1 else f"every {n} {unit}s"
    if "BYDAY" in parts:
        text += " on " + ", ".join(WEEKDAY_LABELS[d] for d in parts["BYDAY"].split(","))
    if "BYSETPOS" in parts:
        text += " (month end in short months)"
    if "COUNT" in parts:
        text += f", {parts['COUNT']} times"
    elif "UNTIL" in parts:
        until = datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()
        text += f", until {until.isoformat()}"
    return text

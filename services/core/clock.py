"""The clinic's clock: times are stored in UTC and shown and entered in the clinic's zone.

The zone is one setting (CAREDESK_TIMEZONE); every capability converts through here so a
nurse never sees or types a UTC time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from db import config


def utcnow() -> datetime:
    return datetime.now(UTC)


def clinic_tz() -> str:
    return config.load().timezone


def local_to_utc(local: datetime, tz: str) -> datetime:
    """A wall-clock time in tz to UTC. A time skipped by DST moves forward (fold=0)."""
    # zoneinfo reads a skipped wall time (fold=0) with the offset before the change,
    # so 02:30 on spring-forward night becomes 03:30 daylight time.
    aware = local.replace(tzinfo=ZoneInfo(tz))
    return aware.astimezone(UTC)


def utc_to_local(value: datetime, tz: str) -> datetime:
    return value.astimezone(ZoneInfo(tz)).replace(tzinfo=None)


def day_bounds_utc(day: date, tz: str) -> tuple[datetime, datetime]:
    """The UTC instants at which a local calendar day starts and ends."""
    start = local_to_utc(datetime.combine(day, time.min), tz)
    end = local_to_utc(datetime.combine(day + timedelta(days=1), time.min), tz)
    return start, end


def us_date(value: date | datetime | None, *, weekday: bool = False, year: bool = True) -> str:
    """A date as a US clinic reads it, the one way CareDesk shows dates: "Dec 4, 2026";
    with `weekday` "Fri Dec 4, 2026"; a datetime (already in the clinic's zone) adds its
    time, "Dec 4, 2026 14:30"; without `year`, "Fri Dec 4 14:30". Empty for no date.
    Never the ISO form (2026-12-04) or the day before the month (04 Dec 2026)."""
    if value is None:
        return ""
    text = f"{value:%b} {value.day}"
    if year:
        text += f", {value.year}"
    if weekday:
        text = f"{value:%a} {text}"
    if isinstance(value, datetime):
        text += f" {value:%H:%M}"
    return text

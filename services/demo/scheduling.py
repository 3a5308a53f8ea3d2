"""Demo appointments: a realistic calendar around today, scaled to the number of patients.

Per patient, about four appointments between eight weeks ago and twelve weeks ahead:
outside medical appointments (a third with a ride), home-health visits and follow-up
calls by the case manager, telehealth, and a weekly case conference per team member;
about one patient in ten has a recurring home-health series. No staff member or patient
is double-booked. Past appointments are mostly completed, some no-shows and cancellations.
Outside appointments and rides link to the clinic's partners in the demo directory
(the directory step runs first).

`CAREDESK_DEMO_APPOINTMENTS=50000` (or `seed(ctx, target=...)`) adds older history
until the database holds that many appointments, for the calendar benchmark.
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from db import config
from db.models import (
    Appointment,
    AppointmentSeries,
    Organization,
    Patient,
    Role,
    TransportBooking,
)
from services.core.clock import local_to_utc
from services.demo.conditions import EVERYONE_VISITS
from services.demo.conditions import VISITS as CONDITION_VISITS
from services.demo.contacts import VENDORS
from services.demo.context import DemoContext

PAST_WEEKS, AHEAD_WEEKS = 8, 12
HISTORY_PER_PATIENT = 10  # appointments per patient with --history full
SLOT = 30  # minutes; the day runs 08:00-17:00
SLOTS_PER_DAY = 18
# Outside appointments: what the patient's condition takes them to, and what everyone has
# (titles and the directory partners they are with: demo/conditions.py, demo/contacts.py).
VISITS = sorted({v for visits in CONDITION_VISITS.values() for v in visits} | set(EVERYONE_VISITS))
CANCEL_REASONS = ["Patient in hospital", "Provider rescheduled", "Patient declined", "No ride"]


class _Book:
    """Free 30-minute slots per staff member and per patient and day."""

    def __init__(self):
        self.taken: set[tuple] = set()

    def free(self, who: list[tuple], day: date, first: int, n: int) -> bool:
        return all((w, day, first + i) not in self.taken for w in who if w[1] for i in range(n))

    def take(self, who: list[tuple], day: date, first: int, n: int) -> None:
        for w in who:
            if w[1]:
                self.taken.update((w, day, first + i) for i in range(n))


def _weekday(rng, first: date, days: int) -> date:
    while True:
        d = first + timedelta(days=rng.randrange(days))
        if d.weekday() < 5:
            return d


def seed(ctx: DemoContext, target: int | None = None) -> None:
    if target is None and os.environ.get("CAREDESK_DEMO_APPOINTMENTS"):
        target = int(os.environ["CAREDESK_DEMO_APPOINTMENTS"])
    if target is None and ctx.history:  # a large clinic's past (services/demo/history)
        target = HISTORY_PER_PATIENT * ctx.size
    tz = config.load().timezone
    rng, s = ctx.rng, ctx.s
    staff = {u.id: u for u in ctx.staff(Role.NURSE, Role.SOCIAL_WORKER)}
    patients = s.execute(
        select(
            Patient.id,
            Patient.primary_case_manager_id,
            Patient.address_line,
            Patient.city,
            Patient.state,
        ).where(Patient.id.in_(ctx.patient_ids), Patient.status == "active")
    ).all()
    next_id = (s.scalar(select(func.max(Appointment.id))) or 0) + 1
    next_series = (s.scalar(select(func.max(AppointmentSeries.id))) or 0) + 1
    book, rows, rides, series_rows = _Book(), [], [], []
    visits, vendors = _partners(s)
    by_title = {(v[0], v[1]): v for v in visits}
    start_day = ctx.today - timedelta(weeks=PAST_WEEKS)
    span = (PAST_WEEKS + AHEAD_WEEKS) * 7
    now = datetime.combine(ctx.today, time(12))
    creator = ctx.users["scheduler"].id if "scheduler" in ctx.users else None

    def add(kind, pid, staff_id, day, slot, n, title, location=None, provider=None, **extra):
        nonlocal next_id
        local = datetime.combine(day, time(8)) + timedelta(minutes=SLOT * slot)
        past = local < now
        if past:
            status = rng.choices(["completed", "no-show", "cancelled"], [85, 7, 8])[0]
        else:
            status = rng.choices(["booked", "confirmed", "proposed"], [60, 30, 10])[0]
        row = {
            "id": next_id,
            "kind": kind,
            "patient_id": pid,
            "title": title,
            "start_at": local_to_utc(local, tz),
            "end_at": local_to_utc(local + timedelta(minutes=SLOT * n), tz),
            "location": location,
            "provider": provider,
            "staff_id": staff_id,
            "status": status,
            "status_reason": rng.choice(CANCEL_REASONS) if status == "cancelled" else None,
            "needs_transport": False,
            "is_exception": False,
            "reminder_attempts": 0,
            "created_by_id": creator,
            "version": 1,
        } | extra
        rows.append(row)
        next_id += 1
        return row

    def place(who, n, first_day=start_day, days=span, tries=12):
        for _ in range(tries):
            day = _weekday(rng, first_day, days)
            slot = rng.randrange(SLOTS_PER_DAY - n + 1)
            if book.free(who, day, slot, n):
                book.take(who, day, slot, n)
                return day, slot
        return None

    # a weekly interdisciplinary case conference for every team member, Thursday 15:00
    thursday = start_day + timedelta(days=(3 - start_day.weekday()) % 7)
    for w in range(PAST_WEEKS + AHEAD_WEEKS):
        day = thursday + timedelta(weeks=w)
        for sid in staff:
            if book.free([("s", sid)], day, 14, 2):
                book.take([("s", sid)], day, 14, 2)
                add("case conference", None, sid, day, 14, 2, "Team case conference", "Room 2")
    for p in patients:
        home = ", ".join(x for x in (p.address_line, p.city, p.state) if x) or None
        manager = p.primary_case_manager_id if p.primary_case_manager_id in staff else None
        if manager and rng.random() < 0.1:  # a recurring home-health series
            every = rng.choice([1, 2])
            count = rng.randint(4, 10)
            first = _weekday(rng, start_day, 21)
            slot = rng.randrange(SLOTS_PER_DAY - 2)
            sid, days = next_series, [first + timedelta(weeks=every * i) for i in range(count)]
            free = [d for d in days if book.free([("s", manager), ("p", p.id)], d, slot, 2)]
            for d in free:
                book.take([("s", manager), ("p", p.id)], d, slot, 2)
                row = add("home-health visit", p.id, manager, d, slot, 2, "Home health visit", home)
                row |= {"series_id": sid, "recurrence_id": row["start_at"]}
            wd = ["MO", "TU", "WE", "TH", "FR"][first.weekday()]
            series_rows.append(
                {
                    "id": sid,
                    "rrule": f"FREQ=WEEKLY;INTERVAL={every};BYDAY={wd};COUNT={count}"
                    if every > 1
                    else f"FREQ=WEEKLY;BYDAY={wd};COUNT={count}",
                    "timezone": tz,
                    "dtstart_local": (
                        datetime.combine(first, time(8)) + timedelta(minutes=SLOT * slot)
                    ).isoformat(),
                    "duration_minutes": 2 * SLOT,
                    "created_by_id": creator,
                    "version": 1,
                }
            )
            next_series += 1
        for _ in range(rng.randint(1, 6)):
            kind = rng.choices(
                [
                    "medical appointment",
                    "home-health visit",
                    "follow-up call",
                    "telehealth",
                    "other",
                ],
                [45, 15, 20, 12, 3],
            )[0]
            if kind == "medical appointment":
                own = [by_title[v] for v in CONDITION_VISITS.get(ctx.conditions.get(p.id, ""), [])]
                title, provider, org_id, where = rng.choice(
                    own if own and rng.random() < 0.6 else [by_title[v] for v in EVERYONE_VISITS]
                )
                spot = place([("p", p.id)], 2)
                if spot:
                    row = add(kind, p.id, None, *spot, 2, title, where, provider)
                    row["provider_contact_id"] = org_id
                    if not rides or rng.random() < 0.33:  # a ride at any clinic size
                        row["needs_transport"] = True
                        rides.append((row, home))  # picked up at home
                continue
            n = {"follow-up call": 1, "telehealth": 1}.get(kind, 2)
            who = manager or rng.choice(list(staff))
            spot = place([("s", who), ("p", p.id)], n)
            if spot:
                title = {"other": "Benefits paperwork"}.get(kind, kind.capitalize())
                add(kind, p.id, who, *spot, n, title, home if kind == "home-health visit" else None)
    if target and len(rows) < target and patients:
        _history(ctx, rows, add, visits, patients, target - len(rows))
    if series_rows:
        s.execute(insert(AppointmentSeries), series_rows)
    for chunk in range(0, len(rows), 5000):
        s.execute(insert(Appointment), _uniform(rows[chunk : chunk + 5000]))
    ride_rows = []
    for r, home in rides:
        vendor, vendor_id = rng.choice(vendors)
        back = rng.random() < 0.85
        ride_rows.append(
            {
                "appointment_id": r["id"],
                "pickup_at": r["start_at"] - timedelta(minutes=rng.choice([45, 60, 90])),
                "pickup_address": home,
                "return_trip": back,
                "return_pickup_at": r["end_at"] + timedelta(minutes=15) if back else None,
                "vendor": vendor,
                "vendor_contact_id": vendor_id,
                "wheelchair": rng.random() < 0.2,
                "confirmed": r["start_at"] < local_to_utc(now, tz) or rng.random() < 0.6,
                "version": 1,
            }
        )
    if ride_rows:
        s.execute(insert(TransportBooking), ride_rows)


def _history(ctx, rows, add, visits, patients, extra: int) -> None:
    """Older outside appointments, about as dense per week as the current window."""
    per_week = max(1, len(rows) // (PAST_WEEKS + AHEAD_WEEKS))
    weeks = extra // per_week + 1
    first = ctx.today - timedelta(weeks=PAST_WEEKS + weeks)
    for i in range(extra):
        p = patients[i % len(patients)]
        title, provider, org_id, where = ctx.rng.choice(visits)
        day = first + timedelta(days=(i // per_week) * 7 + ctx.rng.randrange(5))
        day -= timedelta(days=day.weekday() % 7 if day.weekday() > 4 else 0)
        slot = ctx.rng.randrange(16)
        row = add("medical appointment", p.id, None, day, slot, 2, title, where, provider)
        row["provider_contact_id"] = org_id


def _partners(s) -> tuple[list[tuple], list[tuple]]:
    """(title, provider, directory id, address) per visit and (vendor, id) per ride vendor,
    linked to the directory's partner entries; plain names if the directory has none."""
    names = [n for _, n in VISITS] + [n for n, _ in VENDORS]
    found = {
        name: (org_id, address)
        for org_id, name, address in s.execute(
            select(Organization.id, Organization.name, Organization.address)
            .where(Organization.name.in_(names))
            .order_by(Organization.id)
        )
    }
    visits = [(t, n, *found.get(n, (None, None))) for t, n in VISITS]
    return visits, [(n, found.get(n, (None,))[0]) for n, _ in VENDORS]


def _uniform(rows: list[dict]) -> list[dict]:
    """Every row with the same keys, so executemany sends one statement."""
    keys = {"series_id": None, "recurrence_id": None, "provider_contact_id": None}
    return [keys | r for r in rows]

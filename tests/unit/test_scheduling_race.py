"""Three processes booking the same slots at once: no double bookings (DESIGN.md §3.4),
neither for one staff member (three patients) nor for one patient (three staff members,
with weekly series and reschedules into taken slots mixed in).

Runs on a temporary SQLite file always, and on PostgreSQL whenever
CAREDESK_TEST_DATABASE_URL is set (in a schema of its own).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import types
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from db.models import Appointment, Base, Patient, Role, User
from db.session import make_engine
from services.core.identity import Actor

PG_URL = os.environ.get("CAREDESK_TEST_DATABASE_URL")
WORKERS, SLOTS = 3, 40
FIRST = datetime(2026, 9, 1, 13, tzinfo=UTC)


def _engine(url: str, schema: str | None):
    engine = make_engine(url)
    if schema:

        @event.listens_for(engine, "connect")
        def _path(dbapi_conn, _record):
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET search_path TO {schema}")
            dbapi_conn.commit()

    return engine


def _worker(url: str, schema: str | None, mode: str, n: int, start_gate, results) -> None:
    """mode "staff": one staff member, a patient per worker; "patient": the other way round,
    and every fifth try books a weekly series, every fifth moves an own visit instead."""
    from services.scheduling import appointments as scheduling
    from services.scheduling.recurrence import Repeat
    from services.scheduling.validation import AppointmentInput, DoubleBooking

    engine = _engine(url, schema)
    with Session(engine) as s:
        racer = "racer" if mode == "staff" else f"racer{n}"
        staff = s.scalar(select(User).where(User.username == racer))
        patient_id = s.scalar(
            select(Patient.id).where(Patient.mrn == (f"R{n}" if mode == "staff" else "R0"))
        )
        actor = Actor(staff.id, staff.username, staff.display_name, Role(staff.role))
    booked = refused = 0
    mine: list[int] = []
    start_gate.wait()
    for i in range(SLOTS):
        # Slots of 60 minutes every 45: each overlaps its neighbors as well.
        start = FIRST + timedelta(minutes=45 * (i // 2))
        data = AppointmentInput(
            kind="home-health visit",
            patient_id=patient_id,
            title=f"worker {n} slot {i}",
            start=start,
            end=start + timedelta(minutes=60),
            staff_id=actor.id,
        )
        try:
            with Session(engine) as s, s.begin():
                if mode == "patient" and i % 5 == 3 and mine:
                    a = s.get(Appointment, mine[-1])  # a move into a slot others want
                    scheduling.reschedule(
                        s, actor, a.id, start, start + timedelta(minutes=60), a.version,
                        tz="America/New_York",
                    )  # fmt: skip
                    added = 0
                else:
                    repeat = Repeat(count=3) if mode == "patient" and i % 5 == 4 else None
                    done = scheduling.book_appointment(
                        s, actor, data, repeat=repeat, tz="America/New_York"
                    )
                    mine.append(done.occurrences[0].id)
                    added = len(done.occurrences)
            booked += added
        except DoubleBooking:
            refused += 1
    engine.dispose()
    results.put((n, booked, refused))


def _count_overlaps(s: Session, by: str) -> int:
    a, b = Appointment.__table__.alias("a"), Appointment.__table__.alias("b")
    return s.scalar(
        select(func.count())
        .select_from(a.join(b, a.c.id < b.c.id))
        .where(a.c[by] == b.c[by], a.c.start_at < b.c.end_at, a.c.end_at > b.c.start_at)
    )


def _race(url: str, schema: str | None, mode: str = "staff") -> tuple[int, int, int]:
    engine = _engine(url, schema)
    Base.metadata.create_all(engine)
    with Session(engine) as s, s.begin():
        s.add(User(username="racer", display_name="Racer", role=Role.NURSE, password_hash="x"))
        for n in range(WORKERS):
            s.add(
                User(username=f"racer{n}", display_name=f"Racer {n}", role=Role.NURSE,
                     password_hash="x")
            )  # fmt: skip
        for n in range(WORKERS):
            s.add(
                Patient(
                    mrn=f"R{n}",
                    given_name="Race",
                    family_name=f"P{n}",
                    birth_date=date(1960, 1, 1),
                    search_name="race",
                )
            )
    ctx = mp.get_context("spawn")
    # A spawned child re-runs the parent's __main__ file; under pytest that may be a
    # temporary AppTest script, so hand the children a plain module instead.
    saved_main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    gate, results = ctx.Barrier(WORKERS), ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(url, schema, mode, n, gate, results))
        for n in range(WORKERS)
    ]
    try:
        for p in procs:
            p.start()
    finally:
        sys.modules["__main__"] = saved_main
    outcomes = [results.get(timeout=180) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    with Session(engine) as s:
        overlaps = _count_overlaps(s, "staff_id") + _count_overlaps(s, "patient_id")
        rows = s.scalar(select(func.count(Appointment.id)))
    engine.dispose()
    booked = sum(o[1] for o in outcomes)
    if mode == "staff":
        assert booked + sum(o[2] for o in outcomes) == WORKERS * SLOTS
    return overlaps, rows, booked


@pytest.mark.parametrize("mode", ["staff", "patient"])
def test_three_process_race_sqlite(tmp_path, mode):
    overlaps, rows, booked = _race(f"sqlite:///{tmp_path / 'race.sqlite3'}", None, mode)
    assert overlaps == 0
    assert rows == booked
    # every other slot pair can hold one visit; series and moves take slots from later tries
    assert booked >= (SLOTS // 4 if mode == "staff" else 5)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="CAREDESK_TEST_DATABASE_URL not set")
@pytest.mark.parametrize("mode", ["staff", "patient"])
def test_three_process_race_postgresql(mode):
    schema = f"caredesk_race_{os.getpid()}_{mode}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        overlaps, rows, booked = _race(PG_URL, schema, mode)
        assert overlaps == 0
        assert rows == booked and booked >= (SLOTS // 4 if mode == "staff" else 5)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()

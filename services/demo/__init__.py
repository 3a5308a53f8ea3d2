"""The demo and training database: synthetic staff and patients, deterministic per seed.

Every capability adds a step to _steps() so the demo shows it, at any --patients size.
A step receives the DemoContext and adds its rows with bulk inserts.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from faker import Faker
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.base import today
from db.models import User
from services.core.training_mode import is_training_database, mark_training_database
from services.demo import care_plans, contacts, handoffs, intake, people, safety, staff, trainees
from services.demo import history as demo_history
from services.demo import interop as demo_interop
from services.demo import scheduling as demo_scheduling
from services.demo.context import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoContext, Step

__all__ = ["DEMO_ACCOUNTS", "DEMO_PASSWORD", "DemoContext", "seed_demo"]


class NotADemoDatabase(RuntimeError):
    pass


class AlreadySeeded(RuntimeError):
    """Seeding twice would double every patient's appointments and every staff member's day."""


def _steps(history: bool = False) -> list[tuple[str, Step]]:
    past: list[tuple[str, Step]] = [
        ("The people in the directory's agencies", demo_history.seed_directory_people),
        ("Two years of finished tasks", demo_history.seed_tasks),
        ("Two years of the audit trail", demo_history.seed_audit),
    ]
    return [
        ("Staff accounts", staff.seed_staff),
        ("Patients", people.seed_patients),
        ("Directory of agencies and providers", contacts.seed_directory),
        ("Intake assessments", intake.seed),
        ("Care plans", care_plans.seed),
        ("Appointments", demo_scheduling.seed),
        # the past goes before the steps below, whose audit events are today's
        *(past if history else []),
        ("Family, coverage and referrals", contacts.seed),
        ("Trainee accounts", trainees.seed_trainees),
        ("What crosses between pages", handoffs.seed),
        ("Urgent safety follow-ups", safety.seed),
        ("Records from other systems", demo_interop.seed),
    ]


def _sync_id_sequences(s: Session) -> None:
    """Steps bulk-insert with explicit ids; move PostgreSQL's id sequences past them."""
    if s.get_bind().dialect.name != "postgresql":
        return
    from db.models import Base

    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            s.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
                )
            )


def seed_demo(
    s: Session,
    patients: int = 200,
    seed: int = 42,
    progress: Callable[[float, str], None] | None = None,
    history: bool = False,
) -> DemoContext:
    """Fill an empty training database (or a new, empty one) with synthetic data."""
    if is_training_database(s) and s.scalar(select(func.count(User.id))):  # seeded before
        raise AlreadySeeded("The training database already holds demo data.")
    if not is_training_database(s):
        if s.scalar(select(func.count(User.id))):
            raise NotADemoDatabase(
                "This database has real accounts; demo data only goes into a training database."
            )
        mark_training_database(s)
    fake = Faker("en_US")
    fake.seed_instance(seed)
    ctx = DemoContext(
        s=s,
        rng=random.Random(seed),
        fake=fake,
        size=patients,
        today=today(),
        seed=seed,
        history=history,
    )
    steps = _steps(history)
    for i, (label, step) in enumerate(steps):
        if progress:
            progress(i / len(steps), label)
        step(ctx)
        s.flush()
        _sync_id_sequences(s)
    if progress:
        progress(1.0, "Done")
    return ctx

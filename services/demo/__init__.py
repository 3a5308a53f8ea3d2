"""The demo and training database: synthetic staff and patients, deterministic per seed.

Every capability adds a step to STEPS so the demo shows it, at any --patients size.
A step receives the DemoContext and adds its rows with bulk inserts.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from faker import Faker
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from db.base import today
from db.models import AppSetting, Role, User

DEMO_PASSWORD = "demo"
# username, display name, role
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", "Alex Admin (demo)", Role.ADMIN.value),
    ("nurse", "Nora Nurse, RN (demo)", Role.NURSE.value),
    ("socialworker", "Sam Social Worker, LCSW (demo)", Role.SOCIAL_WORKER.value),
    ("scheduler", "Riley Front Desk (demo)", Role.SCHEDULER.value),
    ("viewer", "Val Trainee (demo)", Role.VIEWER.value),
]
TRAINING_KEY = "training_database"


class NotADemoDatabase(RuntimeError):
    pass


class AlreadySeeded(RuntimeError):
    """Seeding twice would double every patient's appointments and every staff member's day."""


@dataclass
class DemoContext:
    s: Session
    rng: random.Random
    fake: Faker
    size: int  # number of patients asked for
    today: date
    users: dict[str, User] = field(default_factory=dict)  # by username
    patient_ids: list[int] = field(default_factory=list)

    def staff(self, *roles: Role) -> list[User]:
        return [u for u in self.users.values() if u.role in roles]


Step = Callable[[DemoContext], None]


def _steps() -> list[tuple[str, Step]]:
    # Imported here so each capability's seeder can import this module's types.
    from services.demo import care_plans, contacts, intake, people
    from services.demo import scheduling as demo_scheduling

    return [
        ("Staff accounts", people.seed_staff),
        ("Patients", people.seed_patients),
        ("Intake assessments", intake.seed),
        ("Care plans", care_plans.seed),
        ("Directory of agencies and providers", contacts.seed_directory),
        ("Appointments", demo_scheduling.seed),
        ("Family, coverage and referrals", contacts.seed),
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


def is_training_database(s: Session) -> bool:
    return s.scalar(select(AppSetting.value).where(AppSetting.key == TRAINING_KEY)) == "yes"


def seed_demo(
    s: Session,
    patients: int = 200,
    seed: int = 42,
    progress: Callable[[float, str], None] | None = None,
) -> DemoContext:
    """Fill an empty training database (or a new, empty one) with synthetic data."""
    if is_training_database(s) and s.scalar(select(func.count(User.id))):  # seeded before
        raise AlreadySeeded("The training database already holds demo data.")
    if not is_training_database(s):
        if s.scalar(select(func.count(User.id))):
            raise NotADemoDatabase(
                "This database has real accounts; demo data only goes into a training database."
            )
        s.add(AppSetting(key=TRAINING_KEY, value="yes"))
        s.flush()
    fake = Faker("en_US")
    fake.seed_instance(seed)
    ctx = DemoContext(s=s, rng=random.Random(seed), fake=fake, size=patients, today=today())
    steps = _steps()
    for i, (label, step) in enumerate(steps):
        if progress:
            progress(i / len(steps), label)
        step(ctx)
        s.flush()
        _sync_id_sequences(s)
    if progress:
        progress(1.0, "Done")
    return ctx

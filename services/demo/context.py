"""What every demo step shares: the demo accounts and the context a step receives."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from faker import Faker
from sqlalchemy.orm import Session

from db.models import Role, User
from services.demo.region import Places, Region, current_region

DEMO_PASSWORD = "demo"
SUPERVISOR = "supervisor"  # a nurse manager: no caseload of her own, looks at the team's day
# username, display name, role
DEMO_ACCOUNTS: list[tuple[str, str, str]] = [
    ("admin", "Alex Admin (demo)", Role.ADMIN.value),
    ("nurse", "Nora Nurse, RN (demo)", Role.NURSE.value),
    ("socialworker", "Sam Social Worker, LCSW (demo)", Role.SOCIAL_WORKER.value),
    ("scheduler", "Riley Front Desk (demo)", Role.SCHEDULER.value),
    ("viewer", "Val Trainee (demo)", Role.VIEWER.value),
    (SUPERVISOR, "Dana Whitfield, RN, Nurse Manager (demo)", Role.NURSE.value),
]


@dataclass
class DemoContext:
    s: Session
    rng: random.Random
    fake: Faker
    size: int  # number of patients asked for
    today: date
    seed: int = 42
    history: bool = False  # --history full: a large clinic's past (services/demo/history)
    users: dict[str, User] = field(default_factory=dict)  # by username
    patient_ids: list[int] = field(default_factory=list)
    # each patient's main condition (a care-plan template key, or "" for none): the
    # steps after the patients make plans, visits and teaching that fit it
    conditions: dict[int, str] = field(default_factory=dict)
    region: Region = field(default_factory=current_region)

    def places(self) -> Places:
        """Towns, addresses and phones in the clinic's region, drawn from this seed."""
        return Places(self.region, self.rng)

    def staff(self, *roles: Role) -> list[User]:
        return [u for u in self.users.values() if u.role in roles]

    def case_managers(self) -> list[User]:
        """Nurses and social workers who carry a caseload (the supervisor carries none)."""
        return [u for u in self.staff(Role.NURSE, Role.SOCIAL_WORKER) if u.username != SUPERVISOR]


Step = Callable[[DemoContext], None]

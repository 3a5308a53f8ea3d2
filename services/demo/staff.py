"""The demo clinic's staff, sized to its patients the way case-management teams are.

About one nurse case manager per 70 active patients (caseloads run 60-80), a social
worker per three nurses (they carry the patients whose needs are mostly social), a
scheduler at the front desk per ten case managers, and a nurse manager who carries no
caseload and supervises the team's day. The named demo accounts (nurse, socialworker,
scheduler, supervisor, ...) come first; the rest get synthetic names from the clinic's
region. Deterministic per seed, and drawn apart from the patients' random stream so a
bigger team does not change who the patients are.
"""

from __future__ import annotations

import math
import random

from faker import Faker
from sqlalchemy import insert, select

from db.models import Role, User
from services.core.auth import hash_password
from services.demo.context import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoContext
from services.demo.names import Namer
from services.demo.people import ascii_slug

CASELOAD = 70  # active patients per nurse case manager
NURSE_SHARE = 0.9  # the rest are on a social worker's caseload
NAMED_STAFF = [
    ("nurse.okafor", "Grace Okafor, RN (demo)", Role.NURSE),
    ("nurse.tran", "Minh Tran, RN (demo)", Role.NURSE),
    ("sw.delgado", "Luis Delgado, MSW (demo)", Role.SOCIAL_WORKER),
]
# role -> (username prefix, credential after the name)
TITLES = {
    Role.NURSE: ("nurse", ", RN"),
    Role.SOCIAL_WORKER: ("sw", ", LCSW"),
    Role.SCHEDULER: ("desk", ""),
}


def team_size(patients: int) -> dict[Role, int]:
    """How many nurses, social workers and schedulers a clinic of this size has."""
    nurses = max(3, round(patients * NURSE_SHARE / CASELOAD))
    return {
        Role.NURSE: nurses,
        Role.SOCIAL_WORKER: max(2, round(nurses / 3)),
        Role.SCHEDULER: max(1, math.ceil(nurses / 10)),
    }


def _generated(ctx: DemoContext, wanted: dict[Role, int], taken: set[str]) -> list[tuple]:
    rng = random.Random(f"staff:{ctx.seed}")
    fake = Faker("en_US")
    fake.seed_instance(ctx.seed + 1)
    namer = Namer(rng, fake)
    languages = [(lang, share) for lang, share, _ in ctx.region.languages]
    out = []
    for role, n in wanted.items():
        prefix, credential = TITLES[role]
        for _ in range(n):
            sex = rng.choices(["female", "male"], weights=[82, 18])[0]  # as nursing is
            language = rng.choices([x[0] for x in languages], [x[1] for x in languages])[0]
            given, family, _ = namer.patient(language, sex, rng.randint(1962, 1998))
            username = f"{prefix}.{ascii_slug(family)}"
            if username in taken:
                username = f"{prefix}.{ascii_slug(given)[:1]}{ascii_slug(family)}"
            k = 2
            while username in taken:
                username, k = f"{prefix}.{ascii_slug(family)}{k}", k + 1
            taken.add(username)
            out.append((username, f"{given} {family}{credential} (demo)", role.value))
    return out


def seed_staff(ctx: DemoContext) -> None:
    named = DEMO_ACCOUNTS + [(u, d, r.value) for u, d, r in NAMED_STAFF]
    have = {role: sum(1 for _, _, r in named if r == role.value) for role in TITLES}
    # the supervisor is a nurse without a caseload: not counted among the case managers
    have[Role.NURSE] -= 1
    wanted = {role: max(0, n - have[role]) for role, n in team_size(ctx.size).items()}
    existing = {u.username: u for u in ctx.s.scalars(select(User))}
    accounts = named + _generated(ctx, wanted, set(existing) | {u for u, _, _ in named})
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow on purpose
    rows = [
        {
            "username": username,
            "display_name": display_name,
            "role": role,
            "password_hash": password_hash,
            "active": True,
            "failed_sign_ins": 0,
        }
        for username, display_name, role in accounts
        if username not in existing
    ]
    if rows:
        ctx.s.execute(insert(User), rows)
    names = [a[0] for a in accounts]
    found = {u.username: u for u in ctx.s.scalars(select(User).where(User.username.in_(names)))}
    for username in names:  # in the order above: the named accounts first
        ctx.users[username] = found[username]

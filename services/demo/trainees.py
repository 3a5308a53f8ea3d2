"""Trainee accounts for a training session: trainee1 ... trainee12, password `demo`.

Each trainee works on their own copy of a scenario's patients (services.training), so a
room of trainees never trips over each other; the trainer hands out one number each.
"""

from __future__ import annotations

from sqlalchemy import insert, select

from db.models import Role, User
from services.core.auth import hash_password
from services.demo.context import DEMO_PASSWORD, DemoContext

TRAINEES = 12


def trainee_username(n: int) -> str:
    return f"trainee{n}"


def seed_trainees(ctx: DemoContext) -> None:
    taken = set(ctx.s.scalars(select(User.username).where(User.username.like("trainee%"))))
    demo = ctx.users.get("nurse")  # one argon2 hash serves every demo account (slow on purpose)
    password_hash = demo.password_hash if demo is not None else hash_password(DEMO_PASSWORD)
    rows = [
        {
            "username": trainee_username(n),
            "display_name": f"Trainee {n} (demo)",
            "role": Role.NURSE.value,
            "password_hash": password_hash,
            "active": True,
            "failed_sign_ins": 0,
        }
        for n in range(1, TRAINEES + 1)
        if trainee_username(n) not in taken
    ]
    if rows:
        ctx.s.execute(insert(User), rows)

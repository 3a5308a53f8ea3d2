"""Demo staff and synthetic patients."""

from __future__ import annotations

from datetime import timedelta

from faker import Faker
from sqlalchemy import insert, select

from db.models import LivingSituation, Patient, Role, User
from services.core.auth import hash_password
from services.core.text import fold
from services.demo.context import DEMO_ACCOUNTS, DEMO_PASSWORD, DemoContext

# (language, share of the caseload, needs an interpreter most of the time)
LANGUAGES = [
    ("English", 0.66, False),
    ("Spanish", 0.18, True),
    ("Vietnamese", 0.04, True),
    ("Cantonese", 0.03, True),
    ("Haitian Creole", 0.03, True),
    ("Russian", 0.02, True),
    ("Arabic", 0.02, True),
    ("Tagalog", 0.02, False),
]
LIVING = [
    (LivingSituation.HOME, 0.38),
    (LivingSituation.HOME_WITH_FAMILY, 0.34),
    (LivingSituation.ASSISTED_LIVING, 0.1),
    (LivingSituation.SKILLED_NURSING, 0.06),
    (LivingSituation.HOMELESS, 0.05),
    (LivingSituation.OTHER, 0.07),
]
# Case-management caseloads skew old: mostly 65+, some younger adults with complex needs.
AGE_BANDS = [((18, 44), 0.12), ((45, 64), 0.28), ((65, 79), 0.38), ((80, 99), 0.22)]
EXTRA_STAFF = [
    ("nurse.okafor", "Grace Okafor, RN (demo)", Role.NURSE),
    ("nurse.tran", "Minh Tran, RN (demo)", Role.NURSE),
    ("sw.delgado", "Luis Delgado, MSW (demo)", Role.SOCIAL_WORKER),
]
PRONOUNS = {"female": "she/her", "male": "he/him", "other": "they/them"}


def seed_staff(ctx: DemoContext) -> None:
    password_hash = hash_password(DEMO_PASSWORD)  # one hash: argon2 is slow on purpose
    for username, display_name, role in DEMO_ACCOUNTS + [
        (u, d, r.value) for u, d, r in EXTRA_STAFF
    ]:
        user = ctx.s.scalar(select(User).where(User.username == username))
        if user is None:
            user = User(
                username=username,
                display_name=display_name,
                role=Role(role),
                password_hash=password_hash,
            )
            ctx.s.add(user)
        ctx.users[username] = user
    ctx.s.flush()


def _pick(rng, weighted):
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def seed_patients(ctx: DemoContext) -> None:
    rng, fake = ctx.rng, ctx.fake
    spanish = Faker("es_MX")  # names with accents, as a real caseload has
    spanish.seed_instance(rng.randint(0, 2**31))
    managers = [u.id for u in ctx.staff(Role.NURSE, Role.SOCIAL_WORKER)]
    start = (ctx.s.scalar(select(Patient.id).order_by(Patient.id.desc()).limit(1)) or 0) + 1
    rows = []
    for n in range(ctx.size):
        sex = rng.choices(["female", "male", "other"], weights=[54, 44, 2])[0]
        namer = spanish if rng.random() < 0.25 else fake
        given = {"female": namer.first_name_female, "male": namer.first_name_male}.get(
            sex, namer.first_name
        )()
        family = namer.last_name()
        low, high = _pick(rng, AGE_BANDS)
        birth = ctx.today - timedelta(days=rng.randint(low * 365, high * 365 + 364))
        language = _pick(rng, [(lang, share) for lang, share, _ in LANGUAGES])
        needs_interpreter = (
            dict((lang, i) for lang, _, i in LANGUAGES)[language] and rng.random() < 0.8
        )
        living = _pick(rng, LIVING)
        preferred = rng.choice([None] * 9 + [given[:3]])
        rows.append(
            {
                "id": start + n,
                "mrn": f"CD{start + n:06d}",
                "given_name": given,
                "family_name": family,
                "preferred_name": preferred,
                "birth_date": birth,
                "sex": sex,
                "pronouns": PRONOUNS[sex] if rng.random() < 0.6 else None,
                "preferred_language": language,
                "interpreter_needed": bool(needs_interpreter),
                # 555-01xx numbers are reserved for fiction in the North American plan.
                "phone": f"+1{rng.choice(['212', '312', '617', '718', '415'])}55501{rng.randint(0, 99):02d}",
                "email": f"{fold(given).replace(' ', '')}.{fold(family).replace(' ', '')}{n}@example.org"
                if rng.random() < 0.55
                else None,
                "address_line": None
                if living == LivingSituation.HOMELESS
                else fake.street_address(),
                "city": fake.city(),
                "state": fake.state_abbr(),
                "postal_code": fake.postcode(),
                "living_situation": living.value,
                "primary_case_manager_id": managers[n % len(managers)],
                "search_name": fold(" ".join(x for x in (given, family, preferred) if x)),
                "status": "active" if rng.random() > 0.02 else "archived",
                "status_reason": None,
                "version": 1,
            }
        )
        if rows[-1]["status"] == "archived":
            rows[-1]["status_reason"] = rng.choice(
                ["Moved out of the area", "Transferred to hospice"]
            )
    if rows:
        ctx.s.execute(insert(Patient), rows)
    ctx.patient_ids.extend(r["id"] for r in rows)

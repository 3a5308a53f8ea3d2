"""Demo staff and synthetic patients who look like a real caseload in the clinic's region.

Ages skew old as case-management caseloads do; languages follow the region; living
situations follow age (nursing homes at 80, not at 30); each patient gets a main
condition from the care-plan templates, weighted by age, that the later steps build on.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from db.models import LivingSituation, Patient, Role
from services.core.text import fold
from services.demo.context import DemoContext
from services.demo.names import Namer

# Case-management caseloads skew old: mostly 65+, some younger adults with complex needs.
AGE_BANDS = [((18, 44), 0.12), ((45, 64), 0.28), ((65, 79), 0.38), ((80, 99), 0.22)]
H = LivingSituation
# living situation by age band (low end of the band)
LIVING = {
    18: [(H.HOME, 0.42), (H.HOME_WITH_FAMILY, 0.36), (H.HOMELESS, 0.14), (H.OTHER, 0.08)],
    45: [
        (H.HOME, 0.42),
        (H.HOME_WITH_FAMILY, 0.36),
        (H.HOMELESS, 0.09),
        (H.ASSISTED_LIVING, 0.02),
        (H.SKILLED_NURSING, 0.03),
        (H.OTHER, 0.08),
    ],
    65: [
        (H.HOME, 0.40),
        (H.HOME_WITH_FAMILY, 0.34),
        (H.ASSISTED_LIVING, 0.10),
        (H.SKILLED_NURSING, 0.06),
        (H.HOMELESS, 0.03),
        (H.OTHER, 0.07),
    ],
    80: [
        (H.HOME, 0.30),
        (H.HOME_WITH_FAMILY, 0.34),
        (H.ASSISTED_LIVING, 0.18),
        (H.SKILLED_NURSING, 0.13),
        (H.HOMELESS, 0.01),
        (H.OTHER, 0.04),
    ],
}
# Main condition by age band, as care-plan template keys ("" = none of them).
CONDITIONS = {
    18: [
        ("depression", 0.34),
        ("diabetes", 0.24),
        ("home_health_start", 0.12),
        ("copd", 0.05),
        ("heart_failure_discharge", 0.03),
        ("", 0.22),
    ],
    45: [
        ("diabetes", 0.30),
        ("depression", 0.17),
        ("copd", 0.15),
        ("heart_failure_discharge", 0.12),
        ("home_health_start", 0.10),
        ("caregiver_strain", 0.02),
        ("", 0.14),
    ],
    65: [
        ("heart_failure_discharge", 0.22),
        ("diabetes", 0.21),
        ("copd", 0.16),
        ("falls_risk", 0.12),
        ("depression", 0.08),
        ("home_health_start", 0.10),
        ("caregiver_strain", 0.05),
        ("", 0.06),
    ],
    80: [
        ("heart_failure_discharge", 0.21),
        ("falls_risk", 0.22),
        ("ltc_placement", 0.09),
        ("diabetes", 0.12),
        ("copd", 0.09),
        ("caregiver_strain", 0.09),
        ("home_health_start", 0.12),
        ("", 0.06),
    ],
}
PRONOUNS = {"female": "she/her", "male": "he/him", "other": "they/them"}


def ascii_slug(name: str) -> str:
    """'Nguyễn' -> 'nguyen', 'Stanisław' -> 'stanislaw': for e-mail addresses."""
    folded = fold(name).replace("đ", "d").replace("ł", "l")
    return "".join(c for c in folded if "a" <= c <= "z")


def pick(rng, weighted):
    return rng.choices([w[0] for w in weighted], weights=[w[1] for w in weighted])[0]


def band_of(age: int) -> int:
    return max(low for low in (18, 45, 65, 80) if age >= low)


# Patients whose needs are mostly social are on a social worker's caseload.
SOCIAL_CONDITIONS = {"caregiver_strain", "ltc_placement"}


def _manager(nurses: list[int], social: list[int], turns: dict, condition: str, living) -> int:
    """Round robin within each caseload kind, so caseloads come out even."""
    kind = (
        "social"
        if condition in SOCIAL_CONDITIONS or living == LivingSituation.HOMELESS
        else "nurse"
    )
    pool = social if kind == "social" else nurses
    turns[kind] += 1
    return pool[(turns[kind] - 1) % len(pool)]


def seed_patients(ctx: DemoContext) -> None:
    rng = ctx.rng
    namer, places, region = Namer(rng, ctx.fake), ctx.places(), ctx.region
    interpreter = {lang: needs for lang, _, needs in region.languages}
    languages = [(lang, share) for lang, share, _ in region.languages]
    nurses = [u.id for u in ctx.case_managers() if u.role == Role.NURSE]
    social = [u.id for u in ctx.case_managers() if u.role == Role.SOCIAL_WORKER] or nurses
    turns = {"nurse": 0, "social": 0}
    start = (ctx.s.scalar(select(Patient.id).order_by(Patient.id.desc()).limit(1)) or 0) + 1
    rows = []
    for n in range(ctx.size):
        sex = rng.choices(["female", "male", "other"], weights=[54, 45, 1])[0]
        low, high = pick(rng, AGE_BANDS)
        birth = ctx.today - timedelta(days=rng.randint(low * 365, high * 365 + 364))
        age = (ctx.today - birth).days // 365
        language = pick(rng, languages)
        given, family, preferred = namer.patient(language, sex, birth.year)
        living = pick(rng, LIVING[band_of(age)])
        home = places.home()
        if living == LivingSituation.HOMELESS:  # a shelter's town, no street address
            home["address_line"] = None
            home["postal_code"] = None
        pid = start + n
        ctx.conditions[pid] = pick(rng, CONDITIONS[band_of(age)])
        rows.append(
            {
                "id": pid,
                "mrn": f"CD{pid:06d}",
                "given_name": given,
                "family_name": family,
                "preferred_name": preferred,
                "birth_date": birth,
                "sex": sex,
                "pronouns": PRONOUNS[sex] if rng.random() < 0.6 else None,
                "preferred_language": language,
                "interpreter_needed": bool(interpreter[language] and rng.random() < 0.8),
                "email": f"{ascii_slug(given)}.{ascii_slug(family)}{n}@example.org"
                if rng.random() < (0.6 if age < 65 else 0.3)
                else None,
                **home,
                "living_situation": living.value,
                "primary_case_manager_id": _manager(
                    nurses, social, turns, ctx.conditions[pid], living
                ),
                "search_name": fold(" ".join(x for x in (given, family, preferred) if x)),
                "status": "active" if rng.random() > 0.02 else "archived",
                "status_reason": None,
                "version": 1,
            }
        )
        if rows[-1]["status"] == "archived":
            rows[-1]["status_reason"] = rng.choice(
                ["Moved out of the area", "Transferred to hospice", "Died at home"]
            )
    if rows:
        ctx.s.execute(insert(Patient), rows)
    ctx.patient_ids.extend(r["id"] for r in rows)

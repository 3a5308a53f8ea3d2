"""Demo intakes: completed intakes with realistic scores for most patients, some drafts,
and a few PHQ-9 item 9 (suicide risk) alerts with their same-day tasks.

Scores are generated from a latent severity per patient so PHQ-9 and GAD-7 agree the way
they do in a clinic, and scored through the real definitions (never hand-set).
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert, select

from db.base import utcnow
from db.models import (
    AssessmentResponse,
    Intake,
    IntakeSuggestion,
    Patient,
    Task,
    TaskPriority,
    TaskStatus,
)
from services.demo.context import DemoContext
from services.intake import instruments as assessments
from services.intake import scoring
from services.intake.risk import risk_tier
from services.intake.steps import SERVICES, TRANSPORT

COMPLETED_SHARE = 0.6
DRAFT_SHARE = 0.06
SUICIDE_SHARE = 0.01
PAYERS = ["Medicare", "Blue Cross Blue Shield", "Aetna", "UnitedHealthcare", "Humana"]
# the intake's "setting" from the patient's living situation
SETTINGS = {"home with family": "home"}
WHAT_MATTERS = [
    "Staying in my own home",
    "Being able to walk to church again",
    "Seeing my grandchildren graduate",
    "Not going back to the hospital",
    "Cooking for myself again",
    "Getting my sugar under control",
    "Sleeping through the night",
    "Keeping my job",
    "Less pain when I walk",
    "Not being a burden on my daughter",
]
PHQ_BANDS = [((0, 4), 0.42), ((5, 9), 0.27), ((10, 14), 0.16), ((15, 19), 0.1), ((20, 24), 0.05)]


def _pick(rng, weighted):
    r, acc = rng.random(), 0.0
    for value, weight in weighted:
        acc += weight
        if r < acc:
            return value
    return weighted[-1][0]


def _spread(rng, total: int, n: int, top: int) -> list[int]:
    values = [0] * n
    while total > 0:
        i = rng.randrange(n)
        if values[i] < top:
            values[i] += 1
            total -= 1
    return values


def _answers(rng, severity: int, suicide: bool, homeless: bool, age: int) -> dict[str, list]:
    phq = _spread(rng, severity, 8, 3) + [rng.choice([1, 1, 2]) if suicide else 0]
    gad_total = max(0, min(21, round(severity * 0.75 + rng.gauss(0, 2.5))))
    food = 0 if rng.random() > 0.22 else rng.choice([1, 2])
    unsafe = rng.random() < 0.03
    safety = [rng.randint(2, 4) for _ in range(4)] if unsafe else [1, 1, rng.choice([1, 1, 2]), 1]
    living = 2 if homeless else _pick(rng, [(0, 0.86), (1, 0.14)])
    los = min(30, int(rng.expovariate(1 / 3)))
    found = {
        "phq9": phq,
        "gad7": _spread(rng, gad_total, 7, 3),
        "ahc_hrsn": [living]
        + [1 if rng.random() < 0.015 else 0 for _ in range(7)]
        + [food, food if rng.random() < 0.7 else 0]
        + [1 if rng.random() < 0.12 else 0, _pick(rng, [(0, 0.9), (1, 0.08), (2, 0.02)])]
        + safety,
        "lace": [
            los,
            int(rng.random() < 0.6),
            min(8, int(rng.expovariate(1 / 2))),
            min(6, int(rng.expovariate(1 / 1.2))),
        ],
        "literacy": [_pick(rng, [(0, 0.45), (1, 0.3), (2, 0.13), (3, 0.08), (4, 0.04)])],
    }
    if rng.random() > 0.35:  # LACE only after a recent hospital stay
        del found["lace"]
    if age >= 70:
        dependent = _pick(rng, [(0, 0.55), (1, 0.2), (2, 0.12), (4, 0.08), (6, 0.05)])
        katz = [1] * 6
        for i in rng.sample(range(6), dependent):
            katz[i] = 0
        found["katz_adl"] = katz
        found["lawton_iadl"] = [0 if rng.random() < 0.1 + dependent * 0.12 else 1 for _ in range(8)]
        if rng.random() < 0.35:
            found["mcsi"] = _spread(rng, rng.randint(2, 22), 13, 2)
    return found


def _steps(rng, answers: dict, p, payers: list[str]) -> dict:
    living = p.living_situation or "home"
    return {
        "identity": {"confirmed": True},
        "living": {
            "setting": SETTINGS.get(living, living),
            "setting_other": "Lives with a friend" if living == "other" else "",
            "lives_alone": living == "home" and rng.random() < 0.6,
            "stairs": rng.random() < 0.4,
            "household": "",
            "distance_miles": round(rng.uniform(0.5, 25), 1),
            "transport": _pick(rng, list(zip(TRANSPORT, [0.5, 0.25, 0.13, 0.12], strict=True))),
        },
        "insurance": {
            "uninsured": False,
            "payer": rng.choice(payers),
            "member_id": f"M{rng.randint(10**7, 10**8 - 1)}",
            "group": "",
        },
        "supports": {
            "caregiver_name": "",
            "caregiver_relationship": "",
            "caregiver_phone": None,
            "involvement": "",
            "other_supports": "Neighbor checks in",
        },
        "matters": {
            "what_matters": rng.choice(WHAT_MATTERS),
            "preferences": "",
            "cultural_needs": "",
            "language": p.preferred_language,
            "interpreter": bool(p.interpreter_needed),
            "literacy": answers["literacy"][0],
        },
        "screening": {
            "instruments": [c for c in answers if c != "literacy"],
            "answers": {c: v for c, v in answers.items() if c != "literacy"},
        },
        "services": {"needed": rng.sample(SERVICES[:-1], rng.randint(0, 2)), "other": ""},
    }


def seed(ctx: DemoContext) -> None:
    rng, s = ctx.rng, ctx.s
    defs = assessments.shipped()
    people = (
        s.execute(
            select(
                Patient.id,
                Patient.birth_date,
                Patient.living_situation,
                Patient.primary_case_manager_id,
                Patient.preferred_language,
                Patient.interpreter_needed,
            ).where(Patient.id.in_(ctx.patient_ids))
        ).all()
        if ctx.patient_ids
        else []
    )
    fallback = ctx.users["nurse"].id if "nurse" in ctx.users else None
    payers = [*PAYERS, ctx.region.medicaid]
    next_id = (s.scalar(select(func.max(Intake.id))) or 0) + 1
    intakes, responses, suggestions, tasks = [], [], [], []
    at_risk = set(
        rng.sample(range(len(people)), min(len(people), max(3, round(len(people) * SUICIDE_SHARE))))
    )
    for n, p in enumerate(people):
        roll = rng.random() * COMPLETED_SHARE if n in at_risk else rng.random()
        if roll > COMPLETED_SHARE + DRAFT_SHARE:
            continue
        manager = p.primary_case_manager_id or fallback
        age = (ctx.today - p.birth_date).days // 365
        homeless = p.living_situation == "homeless"
        severity = rng.randint(*_pick(rng, PHQ_BANDS))
        if ctx.conditions.get(p.id) == "depression":  # their screens show it
            severity = max(severity, rng.randint(10, 22))
        draft = roll > COMPLETED_SHARE
        visits = 1 if draft else _pick(rng, [(1, 0.55), (2, 0.3), (3, 0.15)])
        if ctx.history:  # a large clinic's past: earlier intakes, all completed
            visits += rng.choice([1, 1, 2])
        suicide_at = visits - 1 if n in at_risk else -1
        for v in range(visits):
            days_ago = (visits - 1 - v) * rng.randint(80, 120) + rng.randint(0, 20)
            when = datetime.combine(ctx.today - timedelta(days=days_ago), time(15), tzinfo=UTC)
            when += timedelta(minutes=rng.randint(0, 300))
            when = min(when, utcnow() - timedelta(minutes=rng.randint(5, 90)))  # never ahead
            severity = max(0, min(24, severity + rng.randint(-4, 2) if v else severity))
            suicide = v == suicide_at
            answers = _answers(rng, severity, suicide, homeless, age)
            data = _steps(rng, answers, p, payers)
            intake_id = next_id
            next_id += 1
            is_draft = draft and v == visits - 1
            if is_draft:
                step = 7 if suicide else rng.randint(2, 7)
                for key in ("services", "screening", "matters", "supports", "insurance", "living"):
                    if [
                        "identity",
                        "living",
                        "insurance",
                        "supports",
                        "matters",
                        "screening",
                        "services",
                    ].index(key) >= step - 1:
                        data.pop(key, None)
            results = (
                {} if is_draft else {c: scoring.evaluate(defs[c], a) for c, a in answers.items()}
            )
            tier = risk_tier(results) if results else None
            intakes.append(
                {
                    "id": intake_id,
                    "patient_id": p.id,
                    "status": "draft" if is_draft else "completed",
                    "current_step": step if is_draft else 8,
                    "data": data,
                    "risk_tier": tier.tier if tier else None,
                    "risk_reasons": "; ".join(tier.reasons) if tier else None,
                    "suicide_alert": suicide,
                    "started_by_id": manager,
                    "updated_by_id": manager,
                    "completed_by_id": None if is_draft else manager,
                    "completed_at": None if is_draft else when,
                    "version": 1,
                    "created_at": when - timedelta(minutes=25),
                    "updated_at": when,
                }
            )
            for code, r in results.items():
                responses.append(
                    {
                        "intake_id": intake_id,
                        "patient_id": p.id,
                        "instrument_code": code,
                        "instrument_title": defs[code].title,
                        "instrument_version": defs[code].version,
                        "definition_revision": None,
                        "answers": answers[code],
                        "total": r.total,
                        "band": r.band,
                        "positive": r.positive,
                        "flags": list(r.flags),
                        "assessed_at": when,
                        "assessed_by_id": manager,
                        "created_at": when,
                        "updated_at": when,
                    }
                )
            if results and v == visits - 1:
                for code in results:
                    for sug in scoring.suggestions_for(defs[code], answers[code], results[code]):
                        suggestions.append(
                            {
                                "intake_id": intake_id,
                                "patient_id": p.id,
                                "kind": sug.kind,
                                "text": sug.text,
                                "suggested_text": sug.text,
                                "source_instrument": code,
                                "source_finding": sug.source_finding,
                                "status": "accepted" if rng.random() < 0.85 else "dismissed",
                                "decided_by_id": manager,
                                "decided_at": when,
                                "created_at": when,
                                "updated_at": when,
                            }
                        )
            if suicide:
                recent = days_ago <= 14
                tasks.append(
                    {
                        "patient_id": p.id,
                        "title": "Same-day: " + defs["phq9"].flag_labels["suicide_risk"],
                        "description": "Raised by the PHQ-9 during intake.",
                        "owner_kind": "staff",
                        "owner_user_id": manager,
                        "due_on": when.date(),
                        "priority": TaskPriority.STAT.value,
                        "status": (TaskStatus.REQUESTED if recent else TaskStatus.COMPLETED).value,
                        "done_at": None if recent else when + timedelta(hours=3),
                        "source_kind": "intake",
                        "source_id": intake_id,
                        "created_by_id": manager,
                        "version": 1,
                        "created_at": when,
                        "updated_at": when,
                    }
                )
    for table, rows in (
        (Intake, intakes),
        (AssessmentResponse, responses),
        (IntakeSuggestion, suggestions),
        (Task, tasks),
    ):
        for start in range(0, len(rows), 2000):
            s.execute(insert(table.__table__), rows[start : start + 2000])

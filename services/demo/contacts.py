"""Demo directory and liaison work: agencies, insurers, family with consent, coverage,
prior authorizations (some expiring soon), referrals in every status and a call log.

Synthetic only: e-mail and web addresses under example.org / .test and 555-01xx phones,
every address and phone number in the clinic's region (services/demo/region.py).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import (
    Communication,
    Coverage,
    Organization,
    OrgType,
    Patient,
    PriorAuthorization,
    Referral,
    ReferralEvent,
    RelatedPerson,
    Role,
    ShareConsent,
)
from services.contacts.directory import dedupe_key, search_text
from services.core.text import fold
from services.demo.context import DemoContext
from services.demo.liaison import CALLS, communication_row, prior_auth_row, referral_rows
from services.demo.names import Namer

TEMPLATES: dict[OrgType, tuple[list[str], list[str]]] = {
    OrgType.HUMAN_SERVICE: (
        ["{town} Council on Aging", "{town} Family Services", "{town} Elder Services"],
        ["case management; benefits counseling", "protective services; respite", "SNAP help"],
    ),
    OrgType.INSURER: (
        ["{brand} Health Plan", "{brand} Medicare Advantage", "{brand} Community Care"],
        ["Medicare Advantage; Medicaid managed care", "commercial and Medigap plans"],
    ),
    OrgType.HOME_HEALTH: (
        ["{town} Visiting Nurse Association", "{brand} Home Health", "{town} Home Care"],
        ["skilled nursing visits; PT/OT at home", "home health aides; wound care"],
    ),
    OrgType.HOSPITAL: (
        ["{town} General Hospital", "{brand} Medical Center", "{town} Rehabilitation Hospital"],
        ["inpatient; emergency; discharge planning", "inpatient rehabilitation"],
    ),
    OrgType.SKILLED_NURSING: (
        ["{town} Nursing and Rehabilitation", "{brand} Care Center"],
        ["short-term rehab; long-term care", "memory care; long-term care"],
    ),
    OrgType.ASSISTED_LIVING: (
        ["{brand} Assisted Living", "The Residences at {town}"],
        ["assisted living; medication management"],
    ),
    OrgType.TRANSPORT: (
        ["{town} Ride Service", "{brand} Medical Transport"],
        ["wheelchair van; rides to appointments", "non-emergency medical transport"],
    ),
    OrgType.PHARMACY: (
        ["{town} Community Pharmacy", "{brand} Pharmacy"],
        ["blister packs; home delivery", "medication synchronisation; delivery"],
    ),
    OrgType.EQUIPMENT: (
        ["{brand} Medical Supply", "{town} Home Medical Equipment"],
        ["hospital beds; wheelchairs; oxygen", "walkers; shower chairs; CPAP supplies"],
    ),
    OrgType.FOOD: (
        ["{town} Meals on Wheels", "{town} Community Food Pantry", "{brand} Comidas a Domicilio"],
        ["home-delivered meals; medically tailored meals", "food pantry; grocery delivery"],
    ),
    OrgType.HOUSING: (
        ["{town} Housing Authority", "{brand} Housing Partnership"],
        ["senior housing; rental assistance", "emergency shelter; housing search"],
    ),
    OrgType.BEHAVIOURAL_HEALTH: (
        ["{town} Counseling Center", "{brand} Behavioral Health"],
        ["counseling; psychiatry; crisis line", "substance use treatment; peer support"],
    ),
    OrgType.PRIMARY_CARE: (
        ["{town} Family Medicine", "Clínica {brand}", "{town} Community Health Center"],
        ["primary care; chronic disease management", "primary care; medicina familiar"],
    ),
    OrgType.SPECIALIST: (
        ["{brand} Cardiology", "{town} Wound Care Clinic", "{brand} Neurology Associates"],
        ["cardiology; heart failure clinic", "wound care; vascular", "neurology; memory clinic"],
    ),
    OrgType.COMMUNITY: (
        ["{town} Senior Center", "{town} Library Outreach", "{brand} Caregiver Network"],
        ["social activities; exercise classes", "caregiver support groups; respite"],
    ),
    OrgType.OTHER: (["{brand} Legal Aid"], ["elder law; benefits appeals"]),
}
WEIGHTS = {OrgType.INSURER: 0.6, OrgType.OTHER: 0.3}
# The clinic's usual partners, always in the directory: the demo calendar books outside
# appointments with the first group and rides with the second; stays are at the hospital.
PROVIDERS = [
    ("Harborview General Hospital", OrgType.HOSPITAL, "inpatient; emergency; discharge planning"),
    ("Riverside Heart Associates", OrgType.SPECIALIST, "cardiology; heart failure clinic"),
    ("Eastside Family Medicine", OrgType.PRIMARY_CARE, "primary care"),
    ("Harbor Dialysis Center", OrgType.SPECIALIST, "dialysis"),
    ("Lakeview Diabetes Clinic", OrgType.SPECIALIST, "endocrinology; diabetes education"),
    ("Bayside Pulmonary Associates", OrgType.SPECIALIST, "pulmonology; COPD clinic"),
    ("Harbor Counseling Center", OrgType.BEHAVIOURAL_HEALTH, "counseling; psychiatry"),
    ("St. Brigid Wound Care", OrgType.SPECIALIST, "wound care"),
    ("ClearSight Ophthalmology", OrgType.SPECIALIST, "eye care; diabetic eye exams"),
    ("MoveWell PT", OrgType.SPECIALIST, "physical therapy"),
    ("Community Lab Services", OrgType.HOSPITAL, "lab draws; imaging"),
]
VENDORS = [
    ("Blue Van Medical Transport", "wheelchair van; rides to appointments"),
    ("CityRide Paratransit", "paratransit; shared rides"),
    ("Comfort Wheels", "wheelchair and stretcher transport"),
    ("MedCab", "non-emergency medical transport"),
]
BRANDS = [
    "Harbor",
    "Bayview",
    "Summit",
    "Riverside",
    "Northfield",
    "Maple",
    "Cedar",
    "Lakeside",
    "Pioneer",
    "Beacon",
    "Evergreen",
    "Liberty",
    "San José",
    "Crescent",
]
LANGS = [
    "English",
    "English; Spanish",
    "English; Vietnamese",
    "English; Haitian Creole",
    "English; Spanish; Portuguese",
]
RELATIONSHIPS = [
    "daughter",
    "son",
    "spouse/partner",
    "sibling",
    "grandchild",
    "friend",
    "neighbour",
    "paid caregiver",
]
SCOPES = ["all health information", "care coordination", "appointments and scheduling"]
REFERRAL_NEEDS = [
    (OrgType.FOOD, "Home-delivered meals", "Food insecurity found at intake"),
    (OrgType.TRANSPORT, "Rides to dialysis", "Missed appointments: no transport"),
    (OrgType.HOME_HEALTH, "Skilled nursing visits", "Wound care after discharge"),
    (OrgType.HOUSING, "Senior housing application", "Unsafe housing found at intake"),
    (OrgType.BEHAVIOURAL_HEALTH, "Counseling", "Depression screen positive"),
    (OrgType.EQUIPMENT, "Hospital bed", "Cannot manage stairs to bedroom"),
    (OrgType.HUMAN_SERVICE, "Benefits counseling", "Cannot afford medications"),
    (OrgType.COMMUNITY, "Caregiver support group", "Caregiver strain"),
]
REFERRAL_STATUS_MIX = [
    ("draft", 6),
    ("requested", 22),
    ("received", 10),
    ("accepted", 12),
    ("rejected", 6),
    ("in progress", 14),
    ("on hold", 5),
    ("completed", 18),
    ("cancelled", 7),
]
PLANS = ["Medicare Advantage HMO", "Medigap Plan G", "Medicare Advantage PPO"]


def _slug(name: str) -> str:
    return "".join(c for c in fold(name) if c.isalnum())[:40]


def _names(ctx: DemoContext, n: int) -> list[tuple[str, OrgType, str | None]]:
    """n directory names, no two alike: every type first, then a realistic mix."""
    rng, region = ctx.rng, ctx.region
    towns = sorted({t.name for t in region.towns})
    types = list(TEMPLATES)
    weights = [WEIGHTS.get(t, 1.0) for t in types]
    seen: set[str] = set()
    out = []
    tries = 0
    while len(out) < n and tries < n * 20:
        tries += 1
        k = len(out)
        org_type = types[k] if k < len(types) else rng.choices(types, weights)[0]
        patterns, services = TEMPLATES[org_type]
        i = rng.randrange(len(patterns))
        name = patterns[i].format(town=rng.choice(towns), brand=rng.choice(BRANDS))
        if fold(name) in seen:
            continue
        seen.add(fold(name))
        # One service line per name pattern: they go together (no "Neurology: cardiology").
        paired = len(services) == len(patterns)
        out.append((name, org_type, services[i] if paired else rng.choice(services)))
    return out


def directory_size(patients: int, history: bool = False) -> int:
    """A clinic's directory: a few hundred entries, growing slowly with the caseload; with
    years of history, as many as the region's names allow (about 800 in Greater Boston)."""
    if history:
        return max(120, patients // 6)
    return max(120, min(400, patients // 12))


def seed_directory(ctx: DemoContext) -> None:
    """The agency directory, all in the clinic's region; before the calendar, whose
    appointments link to it. No two entries share a name."""
    rng, places, region = ctx.rng, ctx.places(), ctx.region
    start = (
        ctx.s.scalar(select(Organization.id).order_by(Organization.id.desc()).limit(1)) or 0
    ) + 1
    partners = [(n, t, svc) for n, t, svc in PROVIDERS]
    partners += [(region.medicaid, OrgType.INSURER, "Medicaid; long-term services and supports")]
    partners += [(n, OrgType.TRANSPORT, svc) for n, svc in VENDORS]
    taken = {fold(n) for n, _, _ in partners}
    others = [
        x for x in _names(ctx, directory_size(ctx.size, ctx.history)) if fold(x[0]) not in taken
    ]
    rows = []
    for n, (name, org_type, svc) in enumerate(partners + others):
        address, town = places.one_line()
        # A few entries nobody can reach (referrals to them are refused); never a partner.
        reachable = n < len(partners) or rng.random() > 0.03
        verified = ctx.today - timedelta(days=rng.randint(5, 700)) if rng.random() > 0.08 else None
        slug = _slug(name)
        rows.append(
            {
                "id": start + len(rows),
                "name": name,
                "org_type": org_type.value,
                "services": svc,
                "phone": places.phone(town) if reachable else None,
                "fax": places.phone(town) if reachable and rng.random() < 0.5 else None,
                "email": f"intake@{slug}.example.org" if reachable and rng.random() < 0.7 else None,
                "address": address,
                "website": f"https://{slug}.example.org",
                "hours": rng.choice(
                    ["Mon-Fri 8:30-4:30", "Mon-Fri 9-5", "24 hours", "Mon-Sat 8-6"]
                ),
                "languages": rng.choice(LANGS),
                "eligibility_notes": rng.choice(
                    [
                        "60 and over",
                        f"{region.medicaid} members",
                        "Any adult",
                        f"Residents of {region.county} County",
                        None,
                    ]
                ),
                "accepted_insurers": rng.choice(
                    [f"Medicare; {region.medicaid}", "Most plans", None]
                ),
                "last_verified_on": verified,
                "search_text": search_text(name, org_type.value, svc),
                "name_key": fold(name)[:200],
                "dedupe_key": dedupe_key(name, address),
                "status": "active",
                "version": 1,
            }
        )
    ctx.s.execute(Organization.__table__.insert(), rows)


def _reachable_by_type(ctx: DemoContext) -> dict[OrgType, list[int]]:
    by_type: dict[OrgType, list[int]] = {t: [] for t in TEMPLATES}
    reachable = (
        Organization.phone.is_not(None)
        | Organization.fax.is_not(None)
        | Organization.email.is_not(None)
    )
    q = select(Organization.id, Organization.org_type).where(reachable).order_by(Organization.id)
    for org_id, org_type in ctx.s.execute(q):
        by_type[OrgType(org_type)].append(org_id)
    return by_type


def _medicaid_id(ctx: DemoContext) -> int | None:
    return ctx.s.scalar(select(Organization.id).where(Organization.name == ctx.region.medicaid))


def seed(ctx: DemoContext) -> None:
    """Family with consent, coverage, prior authorizations, referrals and the call log."""
    rng, s, today = ctx.rng, ctx.s, ctx.today
    namer, places = Namer(rng, ctx.fake), ctx.places()
    by_type = _reachable_by_type(ctx)
    medicaid = _medicaid_id(ctx)
    insurers = [i for i in by_type[OrgType.INSURER] if i != medicaid]
    org_names = dict(s.execute(select(Organization.id, Organization.name)).all())
    staff = [u.id for u in ctx.staff(Role.NURSE, Role.SOCIAL_WORKER)]
    info = {
        r.id: r
        for r in s.execute(
            select(
                Patient.id,
                Patient.given_name,
                Patient.family_name,
                Patient.preferred_name,
                Patient.sex,
                Patient.birth_date,
                Patient.preferred_language,
                Patient.living_situation,
            ).where(Patient.id.in_(ctx.patient_ids))
        )
    }
    people, consents, coverages, pas, refs, events, comms = [], [], [], [], [], [], []
    rp_id = s.scalar(select(RelatedPerson.id).order_by(RelatedPerson.id.desc()).limit(1)) or 0
    cov_id = s.scalar(select(Coverage.id).order_by(Coverage.id.desc()).limit(1)) or 0
    ref_id = s.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1)) or 0
    statuses = [x for x, _ in REFERRAL_STATUS_MIX]
    status_weights = [w for _, w in REFERRAL_STATUS_MIX]
    forced = iter(statuses)  # the first referrals cover every status
    unseen = list(CALLS)
    for i, pid in enumerate(ctx.patient_ids):
        p = info[pid]
        owner = staff[i % len(staff)]
        family = []  # (id, name, relationship)
        for _ in range(rng.choices([0, 1, 2, 3], [20, 45, 25, 10])[0]):
            rp_id += 1
            rel = rng.choice(RELATIONSHIPS)
            if rel == "spouse/partner" and any(r == rel for _, _, r in family):
                rel = rng.choice(["daughter", "son"])
            name = namer.relative(
                rel, p.family_name, p.preferred_language, p.sex or "female", p.birth_date.year
            )
            family.append((rp_id, name, rel))
            first = len(family) == 1
            people.append(
                {
                    "id": rp_id,
                    "patient_id": pid,
                    "name": name,
                    "relationship": rel,
                    "phone": places.phone(),
                    "mobile_phone": places.phone() if rng.random() < 0.5 else None,
                    "email": f"family{rp_id}@example.test" if rng.random() < 0.4 else None,
                    "language": p.preferred_language
                    if rel in ("spouse/partner", "sibling") or rng.random() < 0.4
                    else "English",
                    "lives_with_patient": rel == "spouse/partner"
                    or (p.living_situation == "home with family" and first),
                    "primary_caregiver": first and rng.random() < 0.7,
                    "emergency_contact": first,
                    "health_care_proxy": first and rng.random() < 0.4,
                    "power_of_attorney": first and rng.random() < 0.2,
                    "status": "active",
                    "version": 1,
                }
            )
            if rng.random() < 0.7:  # current consent; some expired, some none
                given = today - timedelta(days=rng.randint(10, 500))
                expires = given + timedelta(days=rng.choice([365, 730]))
                consents.append(
                    {
                        "related_person_id": rp_id,
                        "scope": rng.choice(SCOPES),
                        "given_on": given,
                        "expires_on": expires,
                        "document_reference": f"Scanned form HIPAA-{rp_id:05d}",
                        "recorded_by_id": owner,
                    }
                )
        payer = None
        if insurers and rng.random() < 0.9:
            for order in (1, 2) if rng.random() < 0.3 else (1,):
                cov_id += 1
                on_medicaid = medicaid is not None and rng.random() < 0.3
                payer = medicaid if on_medicaid else rng.choice(insurers)
                coverages.append(
                    {
                        "id": cov_id,
                        "patient_id": pid,
                        "payer_id": payer,
                        "plan_name": ctx.region.medicaid + " Standard"
                        if on_medicaid
                        else rng.choice(PLANS),
                        "member_id": f"M{rng.randint(10**7, 10**8 - 1)}",
                        "group_number": f"G{rng.randint(1000, 9999)}"
                        if rng.random() < 0.5
                        else None,
                        "start_on": today - timedelta(days=rng.randint(30, 1500)),
                        "end_on": None,
                        "order": order,
                        "status": "active",
                        "version": 1,
                    }
                )
                if order == 1 and (rng.random() < 0.3 or not pas):  # at least one, any size
                    pas.append(prior_auth_row(rng, today, cov_id, pid))
        referral_org = None
        if rng.random() < 0.35 or len(refs) < min(3, i + 1):  # a few at any size
            org_type, service, reason = rng.choice(REFERRAL_NEEDS)
            targets = by_type[org_type] or by_type[OrgType.COMMUNITY]
            status = next(forced, None) or rng.choices(statuses, status_weights)[0]
            ref_id += 1
            referral_org = rng.choice(targets)
            ref, history = referral_rows(rng, today, ref_id, pid, referral_org, owner, status)
            ref |= {"service": service, "reason_text": reason}
            refs.append(ref)
            events.extend(history)
        for _ in range(rng.choices([0, 1, 2, 3], [30, 35, 25, 10])[0]):
            args = (rng, today, p, family, payer, referral_org, org_names)
            # the first calls the log holds show every kind once, then a realistic mix
            comm = next(filter(None, (communication_row(*args, c) for c in unseen)), None)
            if comm is not None:
                unseen.remove(next(c for c in unseen if c[0] == comm["summary"]))
            else:
                comm = communication_row(*args)
            if comm is not None:
                comms.append(comm | {"patient_id": pid, "by_user_id": owner})
    for model, rows in (
        (RelatedPerson, people),
        (ShareConsent, consents),
        (Coverage, coverages),
        (PriorAuthorization, pas),
        (Referral, refs),
        (ReferralEvent, events),
        (Communication, comms),
    ):
        for start in range(0, len(rows), 5000):
            s.execute(model.__table__.insert(), rows[start : start + 5000])
    s.flush()
    from services.contacts.referrals import create_due_followups

    create_due_followups(s, today)

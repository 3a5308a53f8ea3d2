"""Demo directory and liaison work: agencies, insurers, family with consent, coverage,
prior authorisations (some expiring soon), referrals in every status and a call log.

Synthetic only: e-mail and web addresses under example.org / .test and 555-01xx phones.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from db.models import (
    Communication,
    Coverage,
    Organization,
    OrgType,
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

AREA_CODES = ["617", "508", "781", "413", "978", "212", "312"]
# type -> (name patterns, services); equally long lists pair a name with its services
TEMPLATES: dict[OrgType, tuple[list[str], list[str]]] = {
    OrgType.HUMAN_SERVICE: (
        ["{town} Council on Aging", "{town} Family Services", "{town} Elder Services"],
        ["case management; benefits counselling", "protective services; respite", "SNAP help"],
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
        ["counselling; psychiatry; crisis line", "substance use treatment; peer support"],
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
# appointments with the first group and rides with the second.
PROVIDERS = [
    ("Riverside Heart Associates", OrgType.SPECIALIST, "200 River St, Suite 4", "cardiology"),
    ("Eastside Family Medicine", OrgType.PRIMARY_CARE, "14 Market Sq", "primary care"),
    ("Harbor Dialysis Center", OrgType.SPECIALIST, "88 Harbor Way", "dialysis"),
    ("Lakeview Diabetes Clinic", OrgType.SPECIALIST, "3 Lakeview Dr", "endocrinology"),
    ("St. Brigid Wound Care", OrgType.SPECIALIST, "510 Chapel Rd", "wound care"),
    ("ClearSight Ophthalmology", OrgType.SPECIALIST, "77 Elm Ave", "eye care"),
    ("MoveWell PT", OrgType.SPECIALIST, "19 Station Rd", "physical therapy"),
    ("Community Lab Services", OrgType.HOSPITAL, "1 Hospital Plaza", "lab draws; imaging"),
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
PA_SERVICES = [
    "Home health visits",
    "Physical therapy at home",
    "Hospital bed",
    "Power wheelchair",
    "Skilled nursing facility stay",
    "Oxygen concentrator",
]
REFERRAL_NEEDS = [
    (OrgType.FOOD, "Home-delivered meals", "Food insecurity found at intake"),
    (OrgType.TRANSPORT, "Rides to dialysis", "Missed appointments: no transport"),
    (OrgType.HOME_HEALTH, "Skilled nursing visits", "Wound care after discharge"),
    (OrgType.HOUSING, "Senior housing application", "Unsafe housing found at intake"),
    (OrgType.BEHAVIOURAL_HEALTH, "Counselling", "Depression screen positive"),
    (OrgType.EQUIPMENT, "Hospital bed", "Cannot manage stairs to bedroom"),
    (OrgType.HUMAN_SERVICE, "Benefits counselling", "Cannot afford medications"),
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
CALL_SUMMARIES = [
    ("Called intake to check on referral", "Left voicemail"),
    ("Confirmed start date for services", "Start date agreed"),
    ("Daughter asked about discharge plan", "Explained next steps"),
    ("Insurer asked for clinical notes for prior authorisation", "Notes faxed"),
    ("Patient called about ride to appointment", "Ride booked"),
    ("Agency asked for updated medication list", "Sent via portal"),
]


def _phone(rng) -> str:
    return f"+1{rng.choice(AREA_CODES)}55501{rng.randint(0, 99):02d}"


def _slug(name: str) -> str:
    return "".join(c for c in fold(name) if c.isalnum())[:40]


class _Pools:
    """Faker is slow per call; draw a few hundred values once and pick from them."""

    def __init__(self, ctx: DemoContext):
        fake = ctx.fake
        self.rng = ctx.rng
        self.towns = [fake.city() for _ in range(150)]
        self.streets = [fake.street_name() for _ in range(300)]
        self.first = [fake.first_name() for _ in range(300)]
        self.last = [fake.last_name() for _ in range(300)]

    def town(self) -> str:
        return self.rng.choice(self.towns)

    def address(self) -> str:
        return f"{self.rng.randint(1, 999)} {self.rng.choice(self.streets)}, {self.town()}, MA"

    def name(self) -> str:
        return f"{self.rng.choice(self.first)} {self.rng.choice(self.last)}"


def seed_directory(ctx: DemoContext) -> None:
    """The agency directory; before the calendar, whose appointments link to it."""
    rng, pools = ctx.rng, _Pools(ctx)
    n_orgs = max(120, min(3000, ctx.size // 2))
    types = list(TEMPLATES)
    weights = [WEIGHTS.get(t, 1.0) for t in types]
    start = (
        ctx.s.scalar(select(Organization.id).order_by(Organization.id.desc()).limit(1)) or 0
    ) + 1
    partners = [(n, t, f"{a}, {pools.town()}, MA", svc) for n, t, a, svc in PROVIDERS]
    partners += [(n, OrgType.TRANSPORT, pools.address(), svc) for n, svc in VENDORS]
    rows, keys = [], set()
    for n in range(len(partners) + n_orgs):
        if n < len(partners):
            name, org_type, address, svc = partners[n]
        else:  # every type at least once, then a realistic mix
            k = n - len(partners)
            org_type = types[k] if k < len(types) else rng.choices(types, weights)[0]
            patterns, services = TEMPLATES[org_type]
            k = rng.randrange(len(patterns))
            name = patterns[k].format(town=pools.town(), brand=rng.choice(BRANDS))
            # One service line per name pattern: they go together (no "Neurology: cardiology").
            paired = len(services) == len(patterns)
            address, svc = pools.address(), services[k] if paired else rng.choice(services)
        key = dedupe_key(name, address)
        if key in keys:
            continue
        keys.add(key)
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
                "phone": _phone(rng) if reachable else None,
                "fax": _phone(rng) if reachable and rng.random() < 0.5 else None,
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
                        "MassHealth members",
                        "Any adult",
                        "Residents of the county",
                        None,
                    ]
                ),
                "accepted_insurers": rng.choice(["Medicare; Medicaid", "Most plans", None]),
                "last_verified_on": verified,
                "search_text": search_text(name, org_type.value, svc),
                "name_key": fold(name)[:200],
                "dedupe_key": key,
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


def seed(ctx: DemoContext) -> None:
    """Family with consent, coverage, prior authorisations, referrals and the call log."""
    rng, s, today = ctx.rng, ctx.s, ctx.today
    pools = _Pools(ctx)
    by_type = _reachable_by_type(ctx)
    insurers = by_type[OrgType.INSURER]
    staff = [u.id for u in ctx.staff(Role.NURSE, Role.SOCIAL_WORKER)]
    people, consents, coverages, pas, refs, events, comms = [], [], [], [], [], [], []
    rp_id = s.scalar(select(RelatedPerson.id).order_by(RelatedPerson.id.desc()).limit(1)) or 0
    cov_id = s.scalar(select(Coverage.id).order_by(Coverage.id.desc()).limit(1)) or 0
    ref_id = s.scalar(select(Referral.id).order_by(Referral.id.desc()).limit(1)) or 0
    statuses = [x for x, _ in REFERRAL_STATUS_MIX]
    status_weights = [w for _, w in REFERRAL_STATUS_MIX]
    forced = iter(statuses)  # the first referrals cover every status
    for i, pid in enumerate(ctx.patient_ids):
        owner = staff[i % len(staff)]
        family_ids = []
        for _ in range(rng.choices([0, 1, 2, 3], [20, 45, 25, 10])[0]):
            rp_id += 1
            family_ids.append(rp_id)
            rel = rng.choice(RELATIONSHIPS)
            people.append(
                {
                    "id": rp_id,
                    "patient_id": pid,
                    "name": pools.name(),
                    "relationship": rel,
                    "phone": _phone(rng),
                    "mobile_phone": _phone(rng) if rng.random() < 0.5 else None,
                    "email": f"family{rp_id}@example.test" if rng.random() < 0.4 else None,
                    "language": rng.choice(["English", "English", "Spanish", "Vietnamese"]),
                    "lives_with_patient": rel == "spouse/partner" or rng.random() < 0.15,
                    "primary_caregiver": len(family_ids) == 1 and rng.random() < 0.7,
                    "emergency_contact": len(family_ids) == 1,
                    "health_care_proxy": len(family_ids) == 1 and rng.random() < 0.4,
                    "power_of_attorney": len(family_ids) == 1 and rng.random() < 0.2,
                    "status": "active",
                    "version": 1,
                }
            )
            roll = rng.random()
            if roll < 0.7:  # current consent; some expired, some none
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
        if insurers and rng.random() < 0.9:
            for order in (1, 2) if rng.random() < 0.3 else (1,):
                cov_id += 1
                coverages.append(
                    {
                        "id": cov_id,
                        "patient_id": pid,
                        "payer_id": rng.choice(insurers),
                        "plan_name": rng.choice(
                            [
                                "Medicare Advantage HMO",
                                "MassHealth Standard",
                                "Medigap Plan G",
                                "Senior Care Options",
                            ]
                        ),
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
                if order == 1 and rng.random() < 0.3:
                    status = rng.choices(
                        ["approved", "submitted", "denied", "appealed", "draft", "expired"],
                        [50, 15, 8, 5, 7, 15],
                    )[0]
                    requested = today - timedelta(days=rng.randint(5, 120))
                    approved = status in ("approved", "expired")
                    expires = None
                    if status == "approved":
                        # a share expire within 14 days: they reach the worklist
                        expires = today + timedelta(days=rng.choice([3, 9, 13, 30, 60, 90]))
                    elif status == "expired":
                        expires = today - timedelta(days=rng.randint(1, 60))
                    pas.append(
                        {
                            "coverage_id": cov_id,
                            "patient_id": pid,
                            "service": rng.choice(PA_SERVICES),
                            "requested_on": requested,
                            "reference_number": None
                            if status == "draft"
                            else f"PA-{rng.randint(10**5, 10**6)}",
                            "status": status,
                            "decision_on": requested + timedelta(days=5)
                            if status not in ("draft", "submitted")
                            else None,
                            "approved_units": rng.choice([6, 12, 20]) if approved else None,
                            "expires_on": expires,
                            "version": 1,
                        }
                    )
        if rng.random() < 0.35:
            org_type, service, reason = rng.choice(REFERRAL_NEEDS)
            targets = by_type[org_type] or by_type[OrgType.COMMUNITY]
            status = next(forced, None) or rng.choices(statuses, status_weights)[0]
            ref_id += 1
            sent = None if status == "draft" else today - timedelta(days=rng.randint(1, 45))
            closed = status in ("completed", "cancelled", "rejected")
            refs.append(
                {
                    "id": ref_id,
                    "patient_id": pid,
                    "organization_id": rng.choice(targets),
                    "service": service,
                    "reason_text": reason,
                    "reason_kind": "intake finding" if rng.random() < 0.5 else None,
                    "reason_id": rng.randint(1, 5000),
                    "urgency": rng.choices(["routine", "urgent", "asap"], [80, 15, 5])[0],
                    "consent_recorded": rng.random() < 0.85,
                    "status": status,
                    "status_reason": "Waiting for patient's insurance approval"
                    if status == "on hold"
                    else None,
                    "sent_on": sent,
                    "expected_response_by": sent + timedelta(days=14) if sent else None,
                    "answered_on": sent + timedelta(days=rng.randint(1, 6))
                    if sent and status not in ("requested", "received")
                    else None,
                    "outcome": {
                        "completed": "Services started",
                        "cancelled": "Patient declined",
                        "rejected": "Not eligible: outside service area",
                    }.get(status),
                    "closed_on": today - timedelta(days=rng.randint(0, 3)) if closed else None,
                    "owner_user_id": owner,
                    "version": 1,
                }
            )
            events.append(
                {
                    "referral_id": ref_id,
                    "from_status": None,
                    "to_status": "draft",
                    "by_user_id": owner,
                }
            )
            if status != "draft":
                events.append(
                    {
                        "referral_id": ref_id,
                        "from_status": "draft",
                        "to_status": "requested",
                        "by_user_id": owner,
                    }
                )
            if status not in ("draft", "requested"):
                events.append(
                    {
                        "referral_id": ref_id,
                        "from_status": "requested",
                        "to_status": status,
                        "by_user_id": owner,
                        "reason": refs[-1]["outcome"] or refs[-1]["status_reason"],
                    }
                )
        for _ in range(rng.choices([0, 1, 2, 3], [30, 35, 25, 10])[0]):
            summary, outcome = rng.choice(CALL_SUMMARIES)
            when = datetime.combine(
                today - timedelta(days=rng.randint(0, 60)),
                time(rng.randint(13, 21), rng.choice([0, 15, 30, 45])),
                tzinfo=UTC,
            )
            if family_ids and "Daughter" in summary:
                kind, name, rp = "family member", "Family member", rng.choice(family_ids)
            else:
                kind, name, rp = "patient", "Patient", None
            comms.append(
                {
                    "patient_id": pid,
                    "with_kind": kind,
                    "related_person_id": rp,
                    "with_name": name,
                    "channel": rng.choice(["phone", "phone", "email", "fax", "portal"]),
                    "direction": rng.choice(["outgoing", "incoming"]),
                    "occurred_at": when,
                    "summary": summary,
                    "outcome": outcome,
                    "by_user_id": owner,
                    "disclosed_without_consent": False,
                }
            )
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

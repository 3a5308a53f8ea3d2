"""Demo data for the exchange formats: some directory entries reached through an extension,
and some patients with conditions, allergies and medications that came in from a hospital's
FHIR file (read-only on the patient's page). Synthetic only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert, select

from db.base import utcnow
from db.models import Organization, OrgType, OutsideRecordItem, Patient, Role
from services.demo.context import DemoContext

SOURCES = ["Riverside General Hospital discharge summary", "Eastside Family Medicine record"]
CONDITIONS = [
    "Type 2 diabetes mellitus",
    "Essential hypertension",
    "Chronic heart failure",
    "Chronic obstructive pulmonary disease",
    "Chronic kidney disease stage 3",
    "Osteoarthritis of knee",
    "Major depressive disorder, recurrent",
]
ALLERGIES = [
    ("Penicillin", "criticality high; hives"),
    ("Sulfonamide antibiotics", "rash"),
    ("Latex", "itching"),
    ("Shellfish", "criticality high; swelling of the throat"),
]
MEDICATIONS = [
    ("Metformin 500 mg tablet", "1 tablet by mouth twice a day with meals"),
    ("Lisinopril 10 mg tablet", "1 tablet by mouth once a day"),
    ("Furosemide 40 mg tablet", "1 tablet by mouth every morning"),
    ("Atorvastatin 20 mg tablet", "1 tablet by mouth at bedtime"),
    ("Albuterol inhaler", "2 puffs every 4 hours as needed for shortness of breath"),
    ("Sertraline 50 mg tablet", "1 tablet by mouth once a day"),
]
WITH_EXTENSION = (OrgType.INSURER, OrgType.HOSPITAL, OrgType.HUMAN_SERVICE)


def seed(ctx: DemoContext) -> None:
    rng, s = ctx.rng, ctx.s
    for org_id, phone in s.execute(
        select(Organization.id, Organization.phone).where(
            Organization.org_type.in_(WITH_EXTENSION), Organization.phone.is_not(None)
        )
    ):
        if rng.random() < 0.5:
            s.execute(
                Organization.__table__.update()
                .where(Organization.id == org_id)
                .values(phone=f"{phone};ext={rng.randint(100, 4999)}")
            )
    nurses = [u.id for u in ctx.staff(Role.NURSE, Role.SOCIAL_WORKER)] or [None]
    start = (s.scalar(select(OutsideRecordItem.id).order_by(OutsideRecordItem.id.desc())) or 0) + 1
    now = utcnow().replace(microsecond=0)
    rows = []
    patients = s.scalars(select(Patient.id).where(Patient.status == "active").order_by(Patient.id))
    for pid in patients:
        if rng.random() > 0.2:
            continue
        source = rng.choice(SOURCES)
        imported = now - timedelta(days=rng.randint(1, 200))
        by = rng.choice(nurses)
        items = [("condition", c, "", "active") for c in rng.sample(CONDITIONS, rng.randint(1, 3))]
        items += [("allergy", a, d, "active") for a, d in rng.sample(ALLERGIES, rng.randint(0, 2))]
        items += [
            ("medication", m, d, "active") for m, d in rng.sample(MEDICATIONS, rng.randint(1, 4))
        ]
        for kind, text, detail, status in items:
            since = (ctx.today - timedelta(days=rng.randint(60, 3000))).isoformat()
            rows.append(
                {
                    "id": start + len(rows),
                    "patient_id": pid,
                    "kind": kind,
                    "text": text,
                    "status": status,
                    "detail": detail or None,
                    "since": since,
                    "source": source,
                    "imported_at": imported,
                    "imported_by_id": by,
                    "created_at": imported,
                    "updated_at": imported,
                }
            )
    for first in range(0, len(rows), 5000):
        s.execute(insert(OutsideRecordItem), rows[first : first + 5000])

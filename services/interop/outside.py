"""Diagnoses, allergies and medications that came in from other systems' FHIR files: kept
read-only beside the patient. A later file for the same patient replaces the list (the
earlier items stay in the database, marked replaced); CareDesk never edits them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.base import utcnow
from db.models import OutsideKind, OutsideRecordItem, User
from services.core import audit
from services.core.audit import Action
from services.core.identity import Actor, require

HEADINGS = {
    OutsideKind.CONDITION: "Conditions",
    OutsideKind.ALLERGY: "Allergies",
    OutsideKind.MEDICATION: "Medications",
}


@dataclass(frozen=True)
class OutsideRecord:
    """What the patient page shows: the lists by heading, and where they came from."""

    lists: dict[str, list[dict]]  # heading -> rows
    came_from: str  # "file.json, imported 2026-12-04 by Nora Nurse"

    @property
    def empty(self) -> bool:
        return not any(self.lists.values())


def replace_items(s: Session, actor: Actor, patient_id: int, items: list[dict], source: str) -> int:
    """The patient's outside lists become these items (the earlier ones are marked replaced)."""
    now = utcnow()
    s.execute(
        update(OutsideRecordItem)
        .where(OutsideRecordItem.patient_id == patient_id, OutsideRecordItem.replaced_at.is_(None))
        .values(replaced_at=now)
    )
    s.add_all(
        OutsideRecordItem(
            patient_id=patient_id,
            source=source[:200],
            imported_at=now,
            imported_by_id=actor.id,
            **{k: (v or None) for k, v in item.items()},
        )
        for item in items
    )
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="outside_record_item",
        patient_id=patient_id,
        category="fhir",
        detail={"items": len(items)},
    )
    return len(items)


def outside_record(s: Session, actor: Actor, patient_id: int) -> OutsideRecord:
    require(actor, "patients.read")
    rows = list(
        s.scalars(
            select(OutsideRecordItem)
            .where(
                OutsideRecordItem.patient_id == patient_id,
                OutsideRecordItem.replaced_at.is_(None),
            )
            .order_by(OutsideRecordItem.kind, OutsideRecordItem.text)
        )
    )
    lists: dict[str, list[dict]] = {heading: [] for heading in HEADINGS.values()}
    for r in rows:
        lists[HEADINGS[OutsideKind(r.kind)]].append(
            {
                "What": r.text,
                "Status": r.status or "",
                "Since": r.since or "",
                "Detail": r.detail or "",
            }
        )
    came_from = ""
    if rows:
        latest = max(rows, key=lambda r: r.imported_at)
        who = s.get(User, latest.imported_by_id) if latest.imported_by_id else None
        came_from = (
            f"{latest.source or 'a FHIR file'}, imported {latest.imported_at.date().isoformat()}"
            + (f" by {who.display_name}" if who else "")
        )
    return OutsideRecord(lists, came_from)

"""What came in from other systems' FHIR files and is kept read-only beside the patient:
diagnoses (Condition), allergies (AllergyIntolerance) and medications (MedicationStatement,
or an active MedicationRequest). CareDesk never edits them; a later file for the same
patient replaces them (the earlier ones are kept, marked replaced)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db.base import Base, Timestamps, utcnow


class OutsideKind(StrEnum):
    CONDITION = "condition"
    ALLERGY = "allergy"
    MEDICATION = "medication"


class OutsideRecordItem(Timestamps, Base):
    __tablename__ = "outside_record_item"
    __table_args__ = (Index("ix_outside_record_item_patient", "patient_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patient.id"))
    kind: Mapped[OutsideKind] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)  # as the file names it
    code: Mapped[str | None] = mapped_column(String(64))
    code_system: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(40))  # active, on hold ...
    detail: Mapped[str | None] = mapped_column(Text)  # reaction, dose ...
    since: Mapped[str | None] = mapped_column(String(40))  # the date as the file gives it
    source: Mapped[str | None] = mapped_column(String(200))  # who sent it, as far as known
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    replaced_at: Mapped[datetime | None]  # a later file for the patient replaced it

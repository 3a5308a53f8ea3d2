"""The patient registry's user actions, each in its own transaction (docs/architecture.md).

Every page that lets a user pick a patient finds them through `find_patients` and shows
the one chosen through `patient_brief`; both hand back plain values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from db.models import Patient
from db.session import read_scope
from services.core.identity import Actor, require
from services.patients import registry


@dataclass(frozen=True)
class PatientBrief:
    """What a picker or a header shows about one patient."""

    id: int
    mrn: str
    display_name: str
    birth_date: date
    preferred_language: str | None
    interpreter_needed: bool
    status: str

    @property
    def label(self) -> str:
        return f"{self.display_name} · MRN {self.mrn} · born {self.birth_date}"


@dataclass(frozen=True)
class PatientList:
    rows: list[PatientBrief]
    total: int
    page: int
    pages: int


def brief(p: Patient) -> PatientBrief:
    return PatientBrief(
        id=p.id,
        mrn=p.mrn,
        display_name=p.display_name,
        birth_date=p.birth_date,
        preferred_language=p.preferred_language,
        interpreter_needed=bool(p.interpreter_needed),
        status=str(p.status),
    )


def find_patients(
    actor: Actor,
    query: str = "",
    *,
    include_archived: bool = False,
    case_manager_id: int | None = None,
    page: int = 1,
    page_size: int = registry.PAGE_SIZE,
) -> PatientList:
    """Find by name (accent/case-insensitive, any order), date of birth or MRN."""
    with read_scope() as s:
        found = registry.search_patients(
            s,
            actor,
            query,
            include_archived=include_archived,
            case_manager_id=case_manager_id,
            page=page,
            page_size=page_size,
        )
        return PatientList([brief(p) for p in found.rows], found.total, found.page, found.pages)


def patient_brief(actor: Actor, patient_id: int) -> PatientBrief | None:
    """One patient for a picker or header (no view is recorded: nothing clinical is shown)."""
    require(actor, "patients.read")
    with read_scope() as s:
        p = s.get(Patient, patient_id)
        return brief(p) if p is not None else None

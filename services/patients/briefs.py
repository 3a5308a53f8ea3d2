"""The plain shapes the patient registry hands to pages: a brief for pickers and
headers, a list of them, and the record the Patients page shows and edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from db.models import Patient, RecordStatus
from services.core.clock import us_date
from services.core.sections import SummarySection
from services.core.text import isolate
from services.patients import registry
from services.patients.registry import PatientInput


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
    primary_case_manager_id: int | None

    @property
    def label(self) -> str:
        return f"{isolate(self.display_name)} · MRN {self.mrn} · born {us_date(self.birth_date)}"


@dataclass(frozen=True)
class PatientList:
    rows: list[PatientBrief]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class PatientRecord:
    """One patient as the record view shows them: the form's values, the version they
    were read at (for the stale-form check), and the summary's sections if asked for."""

    id: int
    display_name: str
    values: PatientInput
    version: int
    archived: bool
    status_reason: str | None
    sections: list[SummarySection] = field(default_factory=list)


def brief(p: Patient) -> PatientBrief:
    return PatientBrief(
        id=p.id,
        mrn=p.mrn,
        display_name=p.display_name,
        birth_date=p.birth_date,
        preferred_language=p.preferred_language,
        interpreter_needed=bool(p.interpreter_needed),
        status=str(p.status),
        primary_case_manager_id=p.primary_case_manager_id,
    )


def listing(found: registry.SearchPage) -> PatientList:
    return PatientList([brief(p) for p in found.rows], found.total, found.page, found.pages)


def record(p: Patient, sections: list[SummarySection] | None = None) -> PatientRecord:
    return PatientRecord(
        id=p.id,
        display_name=p.display_name,
        values=PatientInput.from_patient(p),
        version=p.version,
        archived=p.status == RecordStatus.ARCHIVED,
        status_reason=p.status_reason,
        sections=list(sections or []),
    )

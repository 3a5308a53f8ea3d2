"""The patient registry's user actions, each in its own transaction (docs/architecture.md).

Every page that lets a user pick a patient finds them through `find_patients` and shows
the one chosen through `patient_brief`; both hand back plain values. The Patients page
searches, registers, edits, archives and restores here; the record with its summary
comes from services.overview.actions (it gathers every room).
"""

from __future__ import annotations

from dataclasses import dataclass

from db.models import Patient
from db.session import read_scope, session_scope
from services.core.identity import Actor, require, user_action
from services.patients import registry
from services.patients.briefs import (
    PatientBrief,
    PatientList,
    PatientRecord,
    brief,
    listing,
    record,
)
from services.patients.registry import PatientInput


@user_action("patients.read")
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
        return listing(found)


@user_action("patients.read")
def record_patient_view(actor: Actor, patient_id: int, where: str) -> None:
    """Write "viewed this patient" to the audit trail, naming the page (or printout) that
    showed them. Pages call it once per opening (components.shared.viewed), not per rerun."""
    with session_scope() as s:
        registry.get_patient(s, actor, patient_id, record_view=True, where=where)


@user_action("patients.read")
def patient_brief(actor: Actor, patient_id: int) -> PatientBrief | None:
    """One patient for a picker or header (no view is recorded: nothing clinical is shown)."""
    require(actor, "patients.read")
    with read_scope() as s:
        p = s.get(Patient, patient_id)
        return brief(p) if p is not None else None


# ---------------------------------------------------------------- the Patients page


@dataclass(frozen=True)
class SearchResult:
    found: PatientList
    widened: bool  # nothing in my caseload matched, so these matches are clinic-wide


@user_action("patients.read")
def search_patients(
    actor: Actor,
    query: str = "",
    *,
    only_mine: bool = False,
    include_archived: bool = False,
    page: int = 1,
) -> SearchResult:
    """The Patients page's search: my caseload when asked, and the whole clinic when
    nothing in my caseload matches what was typed."""
    with read_scope() as s:
        found = registry.search_patients(
            s,
            actor,
            query,
            include_archived=include_archived,
            page=page,
            case_manager_id=actor.id if only_mine else None,
        )
        widened = bool(only_mine and query and found.total == 0)
        if widened:
            found = registry.search_patients(s, actor, query, include_archived=include_archived)
        return SearchResult(listing(found), widened)


@user_action("patients.edit")
def register_patient(
    actor: Actor,
    data: PatientInput,
    *,
    region: str = "US",
    confirmed_not_duplicate: bool = False,
) -> PatientBrief:
    """Register a patient; raises registry.PossibleDuplicate (plain matches) unless the
    user confirmed this is a different person, and InvalidInput per field."""
    with session_scope() as s:
        p = registry.register_patient(
            s, actor, data, region=region, confirmed_not_duplicate=confirmed_not_duplicate
        )
        return brief(p)


@user_action("patients.read")
def patient_details(actor: Actor, patient_id: int) -> PatientRecord:
    """The patient's details for the edit form, without the summary; no view is recorded."""
    with read_scope() as s:
        return record(registry.get_patient(s, actor, patient_id, record_view=False))


@user_action("patients.edit")
def update_patient(
    actor: Actor,
    patient_id: int,
    data: PatientInput,
    expected_version: int,
    *,
    region: str = "US",
) -> None:
    """Save an edit made on `expected_version`; raises Conflict (both versions, plain) if
    someone saved since, InvalidInput per field."""
    with session_scope() as s:
        registry.update_patient(s, actor, patient_id, data, expected_version, region=region)


@user_action("patients.edit")
def archive_patient(actor: Actor, patient_id: int, reason: str, version: int | None = None) -> None:
    """Archive (never delete) the patient as the screen showed them; raises InvalidInput
    (field `reason`), or Conflict when someone changed the record meanwhile."""
    with session_scope() as s:
        registry.archive_patient(s, actor, patient_id, reason, version=version)


@user_action("patients.edit")
def restore_patient(actor: Actor, patient_id: int, version: int | None = None) -> None:
    with session_scope() as s:
        registry.restore_patient(s, actor, patient_id, version=version)

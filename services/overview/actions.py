"""The overview's user actions: My day and the patient record with its summary, each in
its own transaction (docs/architecture.md). Both write: My day first creates the
referral follow-up tasks that are due, and opening a record records the view."""

from __future__ import annotations

from dataclasses import dataclass

from db.base import today
from db.session import session_scope
from services.core.identity import Actor, user_action
from services.core.sections import WorklistSection
from services.overview import my_day as worklist
from services.overview import patient_summary as summary
from services.patients import registry
from services.patients.briefs import PatientRecord, record


@dataclass(frozen=True)
class MyDay:
    counts: dict[str, int]  # "mine": my active patients, "active": the clinic's
    sections: list[WorklistSection]  # in the order the page draws them
    by_manager: list[dict]  # {"Case manager": name, "Patients": n}


@user_action("patients.read")
def my_day(actor: Actor) -> MyDay:
    """The home page: caseload counts, today's worklist, and caseloads by case manager."""
    with session_scope() as s:
        return MyDay(
            counts=worklist.caseload_counts(s, actor),
            sections=worklist.my_day(s, actor, today()),
            by_manager=worklist.caseload_by_manager(s),
        )


@user_action("patients.read")
def view_patient(actor: Actor, patient_id: int) -> PatientRecord:
    """Open a patient's record: details and every room's summary section; the view is
    recorded in the audit trail."""
    with session_scope() as s:
        p = registry.get_patient(s, actor, patient_id, record_view=True)
        return record(p, summary.patient_summary(s, actor, p))

"""Printing a care plan: the patient/family version or the clinician one, recorded in
the audit trail. Upcoming appointments on the patient version come from the calendar.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from db.models import User
from services.care_plans.clinician_printout import clinician_pdf
from services.care_plans.common import READ
from services.care_plans.patient_printout import WORDING, patient_pdf
from services.care_plans.view import load_plan_view
from services.core import audit, clock
from services.core.audit import Action
from services.core.identity import Actor, require
from services.scheduling import appointments as scheduling


def _appointments(s: Session | None, patient_id: int) -> list[tuple[datetime, str, str, str]]:
    """Upcoming appointments from the calendar as (when, kind, title, where), clinic time."""
    if s is None:
        return []
    tz = clock.clinic_tz()
    return [
        (
            clock.utc_to_local(a.start_at, tz),
            str(a.kind),
            a.title or "",
            a.location or a.provider or "",
        )
        for a in scheduling.upcoming_for_patient(s, patient_id, limit=10)
        if a.kind != "case conference"
    ]


def export_plan_pdf(
    s: Session, actor: Actor, patient_id: int, *, version: str = "patient", language: str = "en"
) -> bytes:
    """Build a printout and record the export in the audit trail."""
    require(actor, READ)
    if version not in ("patient", "clinician") or language not in WORDING:
        raise ValueError("version is patient or clinician; language en or es")
    view = load_plan_view(s, actor, patient_id)
    users = {u.id: u.display_name for u in s.query(User).all()}
    if version == "patient":
        data = patient_pdf(view, language=language, appointments=_appointments(s, patient_id))
    else:
        data = clinician_pdf(view, users=users)
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="care_plan",
        entity_id=view.plan.id if view.plan else None,
        patient_id=patient_id,
        category="care plan",
        detail={"version": version, "language": language},
    )
    return data

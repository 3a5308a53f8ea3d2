"""The guided intake's draft: started or resumed, saved after every step, discarded.

A patient has at most one draft intake; anyone on the care team (clinical.edit) resumes it.
Each save names the version the form was rendered with and is refused when someone saved
since (DESIGN.md §3.5). Saving the screening step raises its urgent alerts at once
(`services.intake.alerts`); completing the draft is `services.intake.intake`.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import config
from db.models import Intake, IntakeStatus, Patient
from services.core import audit
from services.core.audit import Action
from services.core.clock import us_date, utc_to_local
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.intake import instrument_store
from services.intake.alerts import raise_urgent_alerts
from services.intake.steps import CLEANERS, DEFAULT_INSTRUMENTS, STEP_KEYS, STEPS, clean_screening
from services.patients import registry as patients

# ---------------------------------------------------------------- reading


def get_intake(s: Session, actor: Actor, intake_id: int) -> Intake:
    require(actor, "clinical.read")
    intake = s.get(Intake, intake_id)
    if intake is None:
        raise NotFound("No such intake.")
    return intake


def open_draft(s: Session, patient_id: int) -> Intake | None:
    return s.scalar(
        select(Intake)
        .where(Intake.patient_id == patient_id, Intake.status == IntakeStatus.DRAFT)
        .order_by(Intake.id.desc())
        .limit(1)
    )


def draft_rows(s: Session, actor: Actor, limit: int = 50) -> list[dict]:
    """Unfinished intakes across the clinic, most recently touched first."""
    require(actor, "clinical.read")
    rows = s.scalars(
        select(Intake)
        .where(Intake.status == IntakeStatus.DRAFT)
        .order_by(Intake.updated_at.desc())
        .limit(limit)
    ).all()
    return [
        {
            "Patient": i.patient.display_name,
            "MRN": i.patient.mrn,
            "Step": f"{i.current_step} of {len(STEPS)}: {STEPS[i.current_step - 1][1]}",
            "Last saved": us_date(utc_to_local(i.updated_at, config.load().timezone)),
            "By": i.updated_by.display_name if i.updated_by else "",
            "patient_id": i.patient_id,
            "updated_by_id": i.updated_by_id,
        }
        for i in rows
    ]


# ---------------------------------------------------------------- starting and saving steps


def start_intake(s: Session, actor: Actor, patient_id: int) -> Intake:
    """Resume the patient's draft, or start a new one."""
    require(actor, "clinical.edit")
    patient = s.get(Patient, patient_id)
    if patient is None:
        raise NotFound("No such patient.")
    existing = open_draft(s, patient_id)
    if existing is not None:
        return existing
    intake = Intake(
        patient_id=patient_id,
        status=IntakeStatus.DRAFT,
        current_step=1,
        data={"screening": {"instruments": list(DEFAULT_INSTRUMENTS), "answers": {}}},
        started_by_id=actor.id,
        updated_by_id=actor.id,
    )
    s.add(intake)
    s.flush()
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="intake",
        entity_id=intake.id,
        patient_id=patient_id,
        category="assessment",
    )
    return intake


def editable_draft(
    s: Session, actor: Actor, intake_id: int, expected_version: int, mine: dict | None = None
) -> Intake:
    """The draft to change, refused when it is closed or someone saved it since the form
    was rendered (`mine` is what the refused save held, shown beside theirs)."""
    require(actor, "clinical.edit")
    intake = get_intake(s, actor, intake_id)
    if intake.status != IntakeStatus.DRAFT:
        raise InvalidInput({"intake": "This intake is already completed; start a new one."})
    if intake.version != expected_version:
        who = intake.updated_by.display_name if intake.updated_by else "someone else"
        raise Conflict(
            f"{who} saved this intake while you were working on it "
            f"(at {utc_to_local(intake.updated_at, config.load().timezone):%H:%M}). Nothing of "
            "yours was saved: compare below, "
            "then reopen the step.",
            theirs={"step": intake.current_step, **intake.data},
            mine=mine or {},
        )
    return intake


def save_step(
    s: Session,
    actor: Actor,
    intake_id: int,
    step: str,
    values: dict,
    expected_version: int,
    *,
    go_to: int | None = None,
) -> Intake:
    """Validate and save one step into the draft; nothing is saved when any field is wrong."""
    intake = editable_draft(s, actor, intake_id, expected_version, mine={step: values})
    if step == "screening":
        defs = {c: a.definition for c, a in instrument_store.active_instruments(s).items()}
        clean = clean_screening(values, defs)
    elif step in CLEANERS:
        clean = CLEANERS[step](values)
    elif step == "identity":
        clean = {"confirmed": True, **{k: v for k, v in values.items() if k == "confirmed_at"}}
    else:
        raise InvalidInput({"step": f"Unknown step {step!r}."})
    before = intake.data.get(step, {})
    intake.data = {**intake.data, step: clean}  # a new dict so the JSON column is written
    intake.current_step = go_to or min(STEP_KEYS.index(step) + 2, len(STEPS))
    intake.updated_by_id = actor.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE,
        entity="intake",
        entity_id=intake.id,
        patient_id=intake.patient_id,
        category="assessment",
        detail={"step": step, "changed": sorted(audit.changes(_flat(before), _flat(clean)))},
    )
    raise_urgent_alerts(s, actor, intake)
    return intake


def _flat(d: dict) -> dict:
    return {k: json.dumps(v, sort_keys=True, default=str) for k, v in (d or {}).items()}


def go_to_step(
    s: Session, actor: Actor, intake_id: int, step: int, expected_version: int
) -> Intake:
    """Move the draft's bookmark (the step a resumed intake opens on)."""
    intake = editable_draft(s, actor, intake_id, expected_version)
    intake.current_step = max(1, min(step, len(STEPS)))
    intake.updated_by_id = actor.id
    s.flush()
    return intake


def save_identity(
    s: Session,
    actor: Actor,
    intake_id: int,
    corrections: dict,
    patient_version: int,
    expected_version: int,
) -> Intake:
    """Step 1: confirm the patient's details; corrections go back to the patient record."""
    intake = editable_draft(s, actor, intake_id, expected_version)
    patient = intake.patient
    data = patients.PatientInput.from_patient(patient)
    changed = {k: v for k, v in corrections.items() if getattr(data, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(data, key, value)
        patients.update_patient(
            s, actor, patient.id, data, patient_version, region=config.load().region
        )
    return save_step(s, actor, intake_id, "identity", {}, intake.version)


def discard_draft(
    s: Session, actor: Actor, intake_id: int, reason: str, expected_version: int
) -> Intake:
    intake = editable_draft(s, actor, intake_id, expected_version)
    if not (reason or "").strip():
        raise InvalidInput({"reason": "Say why this draft is discarded."})
    intake.status = IntakeStatus.ARCHIVED
    intake.status_reason = reason.strip()
    intake.updated_by_id = actor.id
    s.flush()
    audit.record(
        s,
        actor,
        Action.ARCHIVE,
        entity="intake",
        entity_id=intake.id,
        patient_id=intake.patient_id,
        category="assessment",
        detail={"reason": reason.strip()},
    )
    return intake

"""A whole patient as one FHIR R4 `collection` Bundle: the patient, family and consent,
insurance, care plans with their team, goals, concerns and tasks, referrals, appointments,
the communication log, scored instruments, and the staff and organizations they name.

Every entry has a urn:uuid fullUrl and every reference resolves inside the bundle. The
bundle is checked with fhir.resources' R4B models before it leaves; each export is audited.
"""

from __future__ import annotations

import json
import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from db.base import today, utcnow
from db.models import (
    Appointment,
    AssessmentResponse,
    CarePlan,
    CareTeamMember,
    ClinicDefinition,
    Communication,
    Coverage,
    Goal,
    Organization,
    Patient,
    PlanConcern,
    Referral,
    RelatedPerson,
    ShareConsent,
    Task,
    User,
)
from services.core import audit
from services.core.audit import Action
from services.core.errors import DomainError, NotFound
from services.core.identity import Actor, require
from services.core.text import fold
from services.intake import instruments
from services.intake.instruments import Definition
from services.interop import fhir_activity, fhir_care, fhir_people
from services.interop.fhir_common import Refs, instant, validation_problems


class ExportFailed(DomainError):
    """The bundle did not pass the R4 check (a fault in CareDesk, never in the user's data)."""


def _definitions(s: Session, responses: list[AssessmentResponse]) -> dict:
    """Each response's instrument as it was when scored: shipped file or clinic revision."""
    out: dict[tuple[str, int | None], Definition | None] = {}
    for r in responses:
        key = (r.instrument_code, r.definition_revision)
        if key in out:
            continue
        if r.definition_revision is None:
            out[key] = instruments.shipped().get(r.instrument_code)
            continue
        body = s.scalar(
            select(ClinicDefinition.body).where(
                ClinicDefinition.kind == "instrument",
                ClinicDefinition.code == r.instrument_code,
                ClinicDefinition.revision == r.definition_revision,
            )
        )
        try:
            out[key] = instruments.load_definition(instruments.parse(body)) if body else None
        except ValueError:
            out[key] = None
    return out


def _rows(s: Session, model, *where, order=None, options=()) -> list:
    q = select(model).where(*where).options(*options)
    return list(s.scalars(q.order_by(order if order is not None else model.id)))


def patient_resources(s: Session, patient: Patient, on: date | None = None) -> list[dict]:
    """Every resource of the patient's bundle, in reading order (the Patient first)."""
    on = on or today()
    pid = patient.id
    refs = Refs()
    out = [fhir_people.patient_resource(patient, refs)]
    family_rows = _rows(s, RelatedPerson, RelatedPerson.patient_id == pid)
    family = {fold(r.name): r.id for r in family_rows if r.status == "active"}
    people = [fhir_people.related_person_resource(r, refs) for r in family_rows]
    consents = [
        fhir_people.consent_resource(c, r, refs, on)
        for r in family_rows
        for c in _rows(s, ShareConsent, ShareConsent.related_person_id == r.id)
    ]
    coverage = [
        fhir_people.coverage_resource(c, refs)
        for c in _rows(s, Coverage, Coverage.patient_id == pid, order=Coverage.order)
    ]
    tasks = _rows(s, Task, Task.patient_id == pid)
    care: list[dict] = []
    goal_resources: list[dict] = []
    for plan in _rows(s, CarePlan, CarePlan.patient_id == pid):
        goals = _rows(s, Goal, Goal.plan_id == plan.id, order=Goal.priority_rank)
        concerns = _rows(s, PlanConcern, PlanConcern.plan_id == plan.id)
        members = _rows(
            s,
            CareTeamMember,
            CareTeamMember.plan_id == plan.id,
            options=(selectinload(CareTeamMember.user),),
        )
        goal_ids = {g.id for g in goals}
        plan_tasks = [
            t
            for t in tasks
            if (t.source_kind == "goal" and t.source_id in goal_ids)
            or (t.source_kind == "care_plan" and t.source_id == plan.id)
        ]
        needs = [c for c in concerns if c.kind != "strength"]
        care += [
            fhir_people.outside_member_resource(m, refs)
            for m in members
            if m.active and m.user_id is None and m.role != "caregiver/family"
        ]
        care.append(fhir_care.care_team_resource(plan, members, family, refs))
        care += [fhir_care.condition_resource(c, pid, refs) for c in needs]
        goal_resources += [fhir_care.goal_resource(g, needs, family, refs) for g in goals]
        care.append(fhir_care.care_plan_resource(plan, goals, concerns, plan_tasks, refs))
    todo = [fhir_care.task_resource(t, family, refs) for t in tasks]
    referrals = [
        res
        for r in _rows(
            s, Referral, Referral.patient_id == pid, options=(selectinload(Referral.organization),)
        )
        for res in fhir_activity.referral_resources(r, refs)
    ]
    visits = [
        fhir_activity.appointment_resource(a, refs)
        for a in _rows(s, Appointment, Appointment.patient_id == pid, order=Appointment.start_at)
    ]
    calls = [
        fhir_activity.communication_resource(c, refs)
        for c in _rows(
            s, Communication, Communication.patient_id == pid, order=Communication.occurred_at
        )
    ]
    responses = _rows(
        s,
        AssessmentResponse,
        AssessmentResponse.patient_id == pid,
        order=AssessmentResponse.assessed_at,
    )
    defs = _definitions(s, responses)
    scores = [
        res
        for r in responses
        for res in fhir_activity.assessment_resources(
            r, defs[(r.instrument_code, r.definition_revision)], refs
        )
    ]
    named = _named_parties(s, refs)
    return (
        out
        + named
        + people
        + consents
        + coverage
        + care
        + goal_resources
        + todo
        + referrals
        + visits
        + calls
        + scores
    )


def _named_parties(s: Session, refs: Refs) -> list[dict]:
    """The staff (Practitioner) and organizations the other resources point at."""
    wanted = refs.keys("Practitioner")
    users = [k for k in wanted if isinstance(k, int)]
    orgs = refs.keys("Organization")
    out = [fhir_people.practitioner_resource(u, refs) for u in _rows(s, User, User.id.in_(users))]
    out += [
        fhir_people.organization_resource(o, refs)
        for o in _rows(s, Organization, Organization.id.in_(orgs))
    ]
    return out


def bundle_for(resources: list[dict]) -> dict:
    now = instant(utcnow())
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "meta": {"lastUpdated": now},
        "type": "collection",
        "timestamp": now,
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def unresolved(bundle: dict) -> list[str]:
    """References that point at nothing in the bundle (none, by construction)."""
    urls = {e["fullUrl"] for e in bundle["entry"]}
    found = []

    def walk(node) -> None:
        if isinstance(node, dict):
            ref = node.get("reference")
            if isinstance(ref, str) and ref not in urls:
                found.append(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk([e["resource"] for e in bundle["entry"]])
    return found


def patient_bundle(s: Session, actor: Actor, patient_id: int, *, check: bool = True) -> dict:
    """The patient's bundle as a dict; recorded in the audit trail."""
    require(actor, "records.export")
    patient = s.get(Patient, patient_id)
    if patient is None:
        raise NotFound("No such patient.")
    resources = patient_resources(s, patient)
    bundle = bundle_for(resources)
    if check:
        problems = validation_problems(bundle) + [f"unresolved {r}" for r in unresolved(bundle)]
        if problems:
            raise ExportFailed("The FHIR file could not be made: " + "; ".join(problems[:3]))
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="fhir_bundle",
        entity_id=patient_id,
        patient_id=patient_id,
        category="fhir",
        detail={"resources": len(resources), "format": "FHIR R4"},
    )
    return bundle


def as_json(bundle: dict) -> str:
    return json.dumps(bundle, indent=2, ensure_ascii=False)

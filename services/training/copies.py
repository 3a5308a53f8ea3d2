"""A trainee's own copy of a scenario's patients, made through the same services a nurse
uses (register, family and consent, coverage, plan, appointments, hospital stay).

Each copy's family name carries the trainee's username ("Brooks · ana"), so ten trainees
can search for Walter at once and each opens their own. Addresses, ZIP codes and phone
numbers are drawn in the clinic's region; providers come from the directory.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import config
from db.models import Organization, OrgType, RecordStatus, Role, User
from services.care_plans.goals import GoalInput, add_goal
from services.care_plans.interventions import add_goal_task
from services.care_plans.plans import start_plan
from services.care_plans.transitions import record_transition
from services.contacts.coverage import CoverageInput, add_coverage
from services.contacts.family import (
    ALL_SCOPE,
    ConsentInput,
    RelatedPersonInput,
    add_related_person,
    record_consent,
)
from services.core.clock import local_to_utc
from services.core.identity import Actor
from services.core.text import fold
from services.demo.region import Places, current_region
from services.patients.registry import PatientInput, register_patient
from services.scheduling.appointments import AppointmentInput, book_appointment
from services.scheduling.transport import TransportInput, save_transport
from services.scheduling.validation import DoubleBooking

# Who sets a scenario up: not the trainee, so nothing they find already there counts as
# their work (checks look for the trainee's own rows).
SET_UP = Actor(id=None, username="training", display_name="Training set-up", role=Role.ADMIN)
MARK = " · "
CASE_MANAGERS = (Role.NURSE, Role.SOCIAL_WORKER)


def marked(family_name: str, username: str) -> str:
    return f"{family_name}{MARK}{username}"[:100]


def _org(
    s: Session, org_type: OrgType | None = None, words: str | None = None
) -> Organization | None:
    """The first reachable, active directory entry of a type, or matching some words."""
    q = select(Organization).where(
        Organization.status == RecordStatus.ACTIVE,
        Organization.phone.is_not(None),
    )
    if org_type is not None:
        q = q.where(Organization.org_type == org_type)
    if words:
        q = q.where(Organization.search_text.contains(fold(words), autoescape=True))
    return s.scalar(q.order_by(Organization.id).limit(1))


def _case_manager(s: Session, trainee: User) -> int | None:
    if trainee.role in CASE_MANAGERS:
        return trainee.id
    # a front-desk trainee's patients belong to a nurse, as they would in the clinic
    return s.scalar(select(User.id).where(User.role == Role.NURSE).order_by(User.id).limit(1))


def _birth(rng: random.Random, age: int, on: date) -> date:
    return on - timedelta(days=age * 365 + rng.randint(30, 330))


def make_copy(
    s: Session, trainee: User, patient: dict, rng: random.Random, on: date, tz: str
) -> int:
    """One scenario patient, copied for this trainee; returns the new patient's id."""
    region = current_region()
    places = Places(region, rng)
    home = places.home()
    living = patient.get("living_situation", "home")
    if living == "homeless":
        home["address_line"] = home["postal_code"] = None
    settings = config.load()
    row = register_patient(
        s,
        SET_UP,
        PatientInput(
            given_name=patient["given_name"],
            family_name=marked(patient["family_name"], trainee.username),
            preferred_name=patient.get("preferred_name", ""),
            birth_date=_birth(rng, patient["age"], on),
            sex=patient["sex"],
            pronouns={"female": "she/her", "male": "he/him"}.get(patient["sex"], ""),
            preferred_language=patient.get("language", "English"),
            interpreter_needed=patient.get("interpreter", False),
            phone=home["phone"],
            address_line=home["address_line"] or "",
            city=home["city"],
            state=home["state"],
            postal_code=home["postal_code"] or "",
            living_situation=living,
            primary_case_manager_id=_case_manager(s, trainee),
        ),
        region=settings.region,
        confirmed_not_duplicate=True,
    )
    for relative in patient.get("family", []):
        _relative(s, row.id, patient, relative, places, on, settings.region)
    if "coverage" in patient:
        _coverage(s, row.id, patient["coverage"]["plan"], rng, on)
    if "plan" in patient:
        _plan(s, row.id, patient["plan"], trainee, on)
    for item in patient.get("appointments", []):
        _appointment(s, row.id, item, trainee, on, tz)
    if "stay" in patient:
        _stay(s, row.id, patient["stay"], on)
    return row.id


def _relative(
    s: Session,
    patient_id: int,
    patient: dict,
    relative: dict,
    places: Places,
    on: date,
    region: str,
) -> None:
    family = relative.get("family_name") or patient["family_name"]
    person = add_related_person(
        s,
        SET_UP,
        patient_id,
        RelatedPersonInput(
            name=f"{relative['given_name']} {family}",
            relationship=relative["relationship"],
            mobile_phone=places.phone(),
            language=relative.get("language", patient.get("language", "English")),
            lives_with_patient=relative.get("lives_with_patient", False),
            primary_caregiver=relative.get("primary_caregiver", False),
            emergency_contact=relative.get("emergency_contact", False),
            health_care_proxy=relative.get("health_care_proxy", False),
        ),
        region=region,
    )
    consent = relative.get("consent", "none")
    if consent == "none":
        return
    given = on - timedelta(days=60 if consent == "current" else 400)
    record_consent(
        s,
        SET_UP,
        person.id,
        ConsentInput(
            scope=ALL_SCOPE,
            given_on=given,
            expires_on=given + timedelta(days=365),
            document_reference="Signed form scanned into the chart",
        ),
        on=on,
    )


def _coverage(s: Session, patient_id: int, plan: str, rng: random.Random, on: date) -> None:
    insurer = _org(s, OrgType.INSURER)
    if insurer is None:
        return
    add_coverage(
        s,
        SET_UP,
        patient_id,
        CoverageInput(
            payer_id=insurer.id,
            plan_name=plan,
            member_id=f"M{rng.randint(10**7, 10**8 - 1)}",
            start_on=on - timedelta(days=rng.randint(90, 900)),
        ),
    )


def _plan(s: Session, patient_id: int, plan: dict, trainee: User, on: date) -> None:
    row = start_plan(
        s, SET_UP, patient_id, start_on=on - timedelta(days=14), status=plan.get("status", "active")
    )
    for rank, goal in enumerate(plan["goals"], 1):
        g = add_goal(
            s,
            SET_UP,
            row.id,
            GoalInput(
                description=goal["description"],
                patients_words=goal.get("words", ""),
                lifecycle_status=goal.get("status", "proposed"),
                priority_rank=rank,
                target_on=on + timedelta(days=30),
            ),
        )
        for task in goal.get("tasks", []):
            add_goal_task(
                s,
                SET_UP,
                g.id,
                title=task["title"],
                due_on=on + timedelta(days=task["due_days"]),
                owner_user_id=trainee.id,
                priority=task.get("priority", "routine"),
            )


def _appointment(s: Session, patient_id: int, item: dict, trainee: User, on: date, tz: str) -> None:
    hour, minute = (int(x) for x in item["time"].split(":"))
    day = on + timedelta(days=item["in_days"])
    start = local_to_utc(datetime.combine(day, time(hour, minute)), tz)
    provider = _org(s, words=item["provider"]) if item.get("provider") else None
    medical = item["kind"] == "medical appointment"
    data = AppointmentInput(
        kind=item["kind"],
        patient_id=patient_id,
        title=item["title"],
        start=start,
        end=start + timedelta(minutes=item.get("minutes", 30)),
        provider_contact_id=provider.id if provider else None,
        staff_id=None if medical or trainee.role not in CASE_MANAGERS else trainee.id,
        needs_transport=item.get("needs_transport", False),
    )
    try:
        booked = book_appointment(s, SET_UP, data, tz=tz)
    except DoubleBooking:  # the trainee's own calendar is busy then: keep the scenario's time
        booked = book_appointment(s, SET_UP, data, tz=tz, override_reason="Training scenario")
    vendor = _org(s, OrgType.TRANSPORT) if item.get("ride_vendor") else None
    if vendor is not None:
        a = booked.appointment
        save_transport(
            s,
            SET_UP,
            a.id,
            TransportInput(
                pickup_at=a.start_at - timedelta(minutes=60),
                pickup_address=a.transport.pickup_address if a.transport else None,
                return_pickup_at=a.end_at + timedelta(minutes=15),
                vendor_contact_id=vendor.id,
            ),
        )


def _stay(s: Session, patient_id: int, stay: dict, on: date) -> None:
    hospital = _org(s, OrgType.HOSPITAL)
    discharged = stay.get("discharged_days_ago")
    record_transition(
        s,
        SET_UP,
        patient_id,
        facility=hospital.name if hospital else "Regional Medical Center",
        admitted_on=on - timedelta(days=stay["admitted_days_ago"]),
        discharged_on=None if discharged is None else on - timedelta(days=discharged),
        reason=stay["reason"],
        lace=stay.get("lace"),
        lace_source="computed" if stay.get("lace") is not None else None,
    )

"""A large clinic's past (`seed-demo --history full`): two years of finished work.

Per patient, a clinic that has run for a couple of years holds about 10 appointments,
20 tasks, 2 intakes, 4 directory entries and people in them, and 40 audit events. The
current demo (the last eight weeks and the next twelve) stays as it is; these steps add
what came before it: tasks done or called off, the people in the directory's agencies
(some have moved on), and the audit trail of who signed in, opened which record and
finished which task. Appointments and intakes are added by their own steps when
`ctx.history` is set. Everything is bulk-inserted and deterministic per seed.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert, select

from db.models import (
    Appointment,
    CarePlan,
    ContactPerson,
    Intake,
    Organization,
    OrgType,
    Patient,
    Role,
    Task,
)
from services.core import audit
from services.core.audit import Action
from services.demo.context import DemoContext
from services.demo.names import Namer
from services.demo.people import ascii_slug

PER_PATIENT = {"appointments": 10, "tasks": 20, "intakes": 2, "directory": 4, "audit": 40}
DAYS = 730  # how far back the past goes
PAST_TASKS_FROM = 60  # days ago: the current demo's tasks are newer than this

TASKS = {
    "": ["Check in by phone", "Review medication list", "Confirm next appointment"],
    "heart_failure_discharge": [
        "Review the daily weight log",
        "Call about swelling and breathlessness",
        "Check the cardiology follow-up is booked",
        "Low-salt diet teaching with the family",
    ],
    "diabetes": [
        "Review blood sugar log",
        "Check the A1c result",
        "Arrange the diabetic eye exam",
        "Foot check at the home visit",
    ],
    "copd": [
        "Check inhaler technique",
        "Confirm oxygen supplier delivery",
        "Pulmonary rehab referral follow-up",
    ],
    "depression": [
        "Repeat the PHQ-9",
        "Check in on the therapy appointments",
        "Medication side effects call",
    ],
    "falls_risk": [
        "Home safety check",
        "Confirm the grab bars were installed",
        "Physical therapy progress call",
    ],
    "home_health_start": [
        "Confirm the home health start of care",
        "Call the agency about visit frequency",
    ],
    "caregiver_strain": [
        "Respite options call with the caregiver",
        "Caregiver support group information",
    ],
    "ltc_placement": [
        "Long-term care application paperwork",
        "Call the facility about a bed",
        "Medicaid long-term care eligibility follow-up",
    ],
}
GENERAL_TASKS = [
    "Renew the prior authorization",
    "Confirm the ride for the appointment",
    "Send records to the specialist",
    "Check the pharmacy has the new prescription",
    "Call after the emergency department visit",
]
CANCEL_REASONS = ["No longer needed", "Done by the agency", "Patient declined", "Duplicate"]
# The people in an agency's directory entry: how many by type, and what they do there.
PEOPLE_ROLES = {
    OrgType.HOSPITAL: ["Discharge planner", "Case manager", "Social worker", "Unit clerk"],
    OrgType.HOME_HEALTH: ["Intake coordinator", "Clinical manager", "Scheduler"],
    OrgType.INSURER: ["Care coordinator", "Utilization review nurse", "Member services"],
    OrgType.PHARMACY: ["Pharmacist", "Pharmacy technician"],
    OrgType.TRANSPORT: ["Dispatcher", "Scheduler"],
}
OTHER_ROLES = ["Intake coordinator", "Program director", "Case worker", "Front desk"]
PAGES = ["Patients", "Care plan", "Intake assessment", "Calendar", "Contacts", "My day"]


def _when(rng: random.Random, day) -> datetime:
    """A moment in the working day, in UTC (close enough for history: 13:00-22:00 UTC)."""
    return datetime.combine(day, time(13), tzinfo=UTC) + timedelta(minutes=rng.randrange(540))


def _patients(ctx: DemoContext) -> list:
    return ctx.s.execute(
        select(Patient.id, Patient.primary_case_manager_id)
        .where(Patient.id.in_(ctx.patient_ids))
        .order_by(Patient.id)
    ).all()


def seed_tasks(ctx: DemoContext) -> None:
    """Tasks from the last two years, finished or called off, until the clinic holds about
    20 per patient; each finished on or near its due date by the patient's case manager."""
    s, rng = ctx.s, ctx.rng
    target = PER_PATIENT["tasks"] * ctx.size - (s.scalar(select(func.count(Task.id))) or 0)
    patients = _patients(ctx)
    if target <= 0 or not patients:
        return
    social = [u.id for u in ctx.staff(Role.SOCIAL_WORKER)]
    next_id = (s.scalar(select(func.max(Task.id))) or 0) + 1
    rows = []
    for n in range(target):
        pid, manager = patients[rng.randrange(len(patients))]
        own = TASKS.get(ctx.conditions.get(pid, ""), TASKS[""])
        title = rng.choice(own if rng.random() < 0.7 else GENERAL_TASKS)
        owner = rng.choice(social) if social and rng.random() < 0.1 else manager
        due = ctx.today - timedelta(days=rng.randint(PAST_TASKS_FROM, DAYS))
        done = rng.random() < 0.9
        finished = _when(rng, due + timedelta(days=rng.choice([-2, -1, 0, 0, 0, 1, 3])))
        rows.append(
            {
                "id": next_id + n,
                "patient_id": pid,
                "title": title,
                "description": None,
                "owner_kind": "staff",
                "owner_user_id": owner,
                "due_on": due,
                "priority": "urgent" if rng.random() < 0.12 else "routine",
                "status": "completed" if done else "cancelled",
                "status_reason": None if done else rng.choice(CANCEL_REASONS),
                "done_at": finished if done else None,
                "created_by_id": manager,
                "version": 2,
                "created_at": finished - timedelta(days=rng.randint(3, 30)),
                "updated_at": finished,
            }
        )
    for start in range(0, len(rows), 5000):
        s.execute(insert(Task.__table__), rows[start : start + 5000])


def seed_directory_people(ctx: DemoContext) -> None:
    """The people in the directory's agencies (about 4 entries and people per patient in
    all); one in six has since left and is kept, marked inactive."""
    s, rng = ctx.s, ctx.rng
    orgs = s.execute(
        select(Organization.id, Organization.org_type, Organization.website).order_by(
            Organization.id
        )
    ).all()
    have = len(orgs) + (s.scalar(select(func.count(ContactPerson.id))) or 0)
    target = PER_PATIENT["directory"] * ctx.size - have
    if target <= 0 or not orgs:
        return
    namer, places = Namer(rng, ctx.fake), ctx.places()
    # the big ones (hospitals, home health, insurers) have more people listed
    weights = [3.0 if o.org_type in PEOPLE_ROLES else 1.0 for o in orgs]
    towns = list(ctx.region.towns)
    rows = []
    for org in rng.choices(orgs, weights, k=target):
        sex = rng.choice(["female", "male"])
        given, family, _ = namer.patient("English", sex, rng.randint(1960, 1998))
        domain = (org.website or "https://agency.example.org").removeprefix("https://")
        rows.append(
            {
                "organization_id": org.id,
                "name": f"{given} {family}",
                "role": rng.choice(PEOPLE_ROLES.get(OrgType(org.org_type), OTHER_ROLES)),
                "phone": places.phone(rng.choice(towns)),
                "email": f"{ascii_slug(given)[:1]}{ascii_slug(family)}@{domain}"
                if rng.random() < 0.7
                else None,
                "preferred_method": rng.choice(["phone", "phone", "email", "fax"]),
                "active": rng.random() > 1 / 6,
            }
        )
    for start in range(0, len(rows), 5000):
        s.execute(insert(ContactPerson.__table__), rows[start : start + 5000])


def seed_audit(ctx: DemoContext) -> None:
    """The audit trail of the past two years, oldest first and chained like any other:
    each finished task's update, staff signing in and out, records opened, and the
    appointments, intakes and plans that were made."""
    s, rng = ctx.s, ctx.rng
    target = PER_PATIENT["audit"] * ctx.size
    staff = {
        u.id: u.username
        for u in ctx.users.values()
        if u.role in (Role.NURSE, Role.SOCIAL_WORKER, Role.SCHEDULER, Role.ADMIN)
    }
    patients = _patients(ctx)
    if not patients or not staff:
        return
    since = datetime.combine(ctx.today - timedelta(days=DAYS), time(0), tzinfo=UTC)
    before = datetime.combine(ctx.today - timedelta(days=1), time(0), tzinfo=UTC)
    managers = dict(patients)
    events = []
    for tid, pid, owner, done_at, status in s.execute(
        select(Task.id, Task.patient_id, Task.owner_user_id, Task.done_at, Task.status)
        .where(
            Task.status.in_(["completed", "cancelled"]),
            Task.due_on <= ctx.today - timedelta(days=PAST_TASKS_FROM),
        )
        .order_by(Task.id)
    ):
        at = done_at or before - timedelta(days=rng.randint(1, DAYS))
        events.append(
            _event(staff, owner, Action.UPDATE, "task", tid, pid, "task", at)
            | {"detail": {"changes": audit.changes({"status": "requested"}, {"status": status})}}
        )
    made = [
        (Appointment, "appointment", "schedule", Appointment.created_at),
        (Intake, "intake", "assessment", Intake.created_at),
        (CarePlan, "care plan", "care plan", CarePlan.created_at),
    ]
    for model, entity, category, _ in made:
        ids = s.execute(select(model.id, model.patient_id).order_by(model.id)).all()
        for oid, pid in rng.sample(ids, min(len(ids), max(0, (target - len(events)) // 10))):
            at = since + timedelta(seconds=rng.randrange(DAYS * 86400 - 86400))
            who = managers.get(pid) or rng.choice(list(staff))
            events.append(_event(staff, who, Action.CREATE, entity, oid, pid, category, at))
    left = max(0, target - len(events))
    for _ in range(left * 2 // 3):  # records opened, mostly by the patient's own manager
        pid = patients[rng.randrange(len(patients))][0]
        who = managers[pid] if rng.random() < 0.8 else rng.choice(list(staff))
        at = since + timedelta(seconds=rng.randrange(DAYS * 86400 - 86400))
        events.append(
            _event(staff, who, Action.VIEW, "patient", pid, pid, "demographics", at)
            | {"detail": {"page": rng.choice(PAGES)}}
        )
    for _ in range((left - left * 2 // 3) // 2):  # a working day: signed in, signed out
        who = rng.choice(list(staff))
        day = since + timedelta(days=rng.randrange(DAYS - 1))
        start = day + timedelta(hours=12, minutes=rng.randrange(120))
        end = start + timedelta(hours=rng.randint(6, 9), minutes=rng.randrange(60))
        events.append(_event(staff, who, Action.SIGN_IN, "user", who, None, None, start))
        events.append(
            _event(staff, who, Action.SIGN_OUT, "user", who, None, None, end)
            | {"detail": {"reason": "signed out"}}
        )
    events.sort(key=lambda e: e["at"])
    audit.append_past(s, [e for e in events if e["at"] < before])


def _event(staff, who, action, entity, entity_id, pid, category, at) -> dict:
    who = who if who in staff else next(iter(staff))
    return {
        "at": at.replace(microsecond=0),
        "user_id": who,
        "username": staff[who],
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "patient_id": pid,
        "category": category,
    }

"""One row of every kind My day lists, for one nurse: the service tests and the page tests
build the same small world (plain rows, dated around the clinic's today)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from db.models import (
    Appointment,
    CarePlan,
    CareTransition,
    Coverage,
    DischargeItem,
    Intake,
    Organization,
    Patient,
    PriorAuthorization,
    Referral,
    SafetyConcern,
    SafetyFollowUp,
    Task,
    TransportBooking,
)
from services.core import clock
from services.overview.worklist import clinic_today


@dataclass
class World:
    today: date
    ana: int  # the patient most rows are about
    quiet: int  # a patient nobody contacted in 30 days
    tasks: dict[str, int]  # section key -> task id
    visit: int  # today's appointment
    soon: int  # tomorrow's appointment (reminder call, ride)
    follow_up: int


def _at(day: date, hour: int) -> datetime:
    return clock.local_to_utc(datetime.combine(day, time(hour)), clock.clinic_tz())


def build(s: Session, nurse_id: int) -> World:
    today = clinic_today()
    long_ago = datetime.now(UTC) - timedelta(days=90)

    def patient(given: str, family: str, mrn: str) -> Patient:
        p = Patient(
            mrn=mrn,
            given_name=given,
            family_name=family,
            birth_date=date(1950, 3, 4),
            search_name=f"{given} {family}".lower(),
            primary_case_manager_id=nurse_id,
            phone="6175550101",
            created_at=long_ago,
        )
        s.add(p)
        s.flush()
        return p

    ana, quiet = patient("Ana", "Reyes", "CD900001"), patient("Quinn", "Stillwater", "CD900002")
    tasks = {}
    for key, due, source in (
        ("overdue", today - timedelta(days=3), "goal"),
        ("today", today, "communication"),
        ("tomorrow", today + timedelta(days=1), None),
    ):
        t = Task(
            patient_id=ana.id,
            title=f"Task due {key}",
            due_on=due,
            owner_user_id=nurse_id,
            source_kind=source,
            source_id=1 if source else None,
            created_by_id=nurse_id,
        )
        s.add(t)
        s.flush()
        tasks[key] = t.id
    visit = Appointment(
        kind="home-health visit",
        patient_id=ana.id,
        title="Home visit",
        start_at=_at(today, 0),  # this morning: visited, no reminder call left
        end_at=_at(today, 0) + timedelta(minutes=30),
        staff_id=nurse_id,
        status="booked",
    )
    soon = Appointment(
        kind="medical appointment",
        patient_id=ana.id,
        title="Cardiology",
        start_at=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=26),
        end_at=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=27),
        staff_id=nurse_id,
        status="booked",
        needs_transport=True,
    )
    s.add_all([visit, soon])
    s.flush()
    s.add(
        TransportBooking(
            appointment_id=soon.id, pickup_at=soon.start_at - timedelta(hours=1), vendor="Vans"
        )
    )
    s.add(
        CarePlan(
            patient_id=ana.id,
            status="active",
            start_on=today - timedelta(days=100),
            next_review_on=today - timedelta(days=1),
            author_id=nurse_id,
        )
    )
    s.add(
        Intake(patient_id=ana.id, status="draft", current_step=3, data={}, updated_by_id=nurse_id)
    )
    payer = Organization(name="Blue Shield", org_type="insurer")
    agency = Organization(name="Meals Together", org_type="food/meals")
    s.add_all([payer, agency])
    s.flush()
    cover = Coverage(patient_id=ana.id, payer_id=payer.id, plan_name="Gold", member_id="M1")
    s.add(cover)
    s.flush()
    s.add(
        PriorAuthorization(
            coverage_id=cover.id,
            patient_id=ana.id,
            service="Home oxygen",
            requested_on=today - timedelta(days=60),
            status="approved",
            expires_on=today + timedelta(days=5),
        )
    )
    s.add(
        Referral(
            patient_id=ana.id,
            organization_id=agency.id,
            service="Home-delivered meals",
            status="requested",
            sent_on=today - timedelta(days=5),
            expected_response_by=today - timedelta(days=2),
            owner_user_id=nurse_id,
        )
    )
    stay = CareTransition(
        patient_id=ana.id,
        facility="General Hospital",
        admitted_on=today - timedelta(days=8),
        discharged_on=today - timedelta(days=3),
    )
    s.add(stay)
    s.flush()
    s.add(DischargeItem(transition_id=stay.id, item_key="call_48_72h", label="Call", position=0))
    follow_up = SafetyFollowUp(
        patient_id=ana.id,
        concern=SafetyConcern.SUICIDE_RISK,
        reason="Suicide risk: PHQ-9 item 9 answered above 0.",
        owner_user_id=nurse_id,
        open_key=f"{ana.id}:suicide risk",
    )
    s.add(follow_up)
    s.flush()
    return World(today, ana.id, quiet.id, tasks, visit.id, soon.id, follow_up.id)

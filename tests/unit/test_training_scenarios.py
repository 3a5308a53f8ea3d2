"""Every shipped training scenario, worked end to end through the services a nurse's clicks
call: its checklist goes from nothing done to all done, one step at a time, and a step not
yet done never ticks early. Undoing work unticks its step again."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from db.base import today
from db.models import (
    Appointment,
    Organization,
    OrgType,
    RelatedPerson,
    Role,
    Task,
    TaskStatus,
    TransportBooking,
    User,
)
from services.care_plans import goals as goal_svc
from services.care_plans import plans, teaching, templates, transitions
from services.contacts import communications, coverage, family, referrals
from services.core import audit, auth
from services.core.audit import Action
from services.core.identity import Actor
from services.demo import seed_demo
from services.intake import draft as drafts
from services.intake import intake as intake_svc
from services.patients import registry
from services.scheduling import appointments, reminders, transport
from services.training import runs, scenarios
from tests.unit.test_intake import INSURANCE, LIVING, MATTERS, SCREENING, SERVICES, SUPPORTS


@pytest.fixture
def demo(s):
    """A small training database: directory, demo staff and trainee accounts."""
    seed_demo(s, patients=5, seed=11)
    return s


def as_actor(s, username: str) -> Actor:
    user = s.scalar(select(User).where(User.username == username))
    return Actor(user.id, user.username, user.display_name, Role(user.role))


def ticks(s, run) -> list[bool]:
    return [bool(step.done_at) for step in runs.state(s, run).steps]


def org(s, org_type: OrgType, words: str | None = None) -> Organization:
    q = select(Organization).where(
        Organization.org_type == org_type, Organization.phone.is_not(None)
    )
    if words:
        q = q.where(Organization.search_text.contains(words))
    return s.scalar(q.order_by(Organization.id).limit(1))


def soon(days: int, hour: int = 10) -> datetime:
    return datetime.combine(today() + timedelta(days=days), time(hour), tzinfo=UTC)


def book(s, actor, pid, kind, days, *, transport_needed=False, provider=None, staff=True):
    start = soon(days)
    return appointments.book_appointment(
        s,
        actor,
        appointments.AppointmentInput(
            kind=kind,
            patient_id=pid,
            title=kind.capitalize(),
            start=start,
            end=start + timedelta(minutes=30),
            provider_contact_id=provider.id if provider else None,
            staff_id=actor.id if staff and kind != "medical appointment" else None,
            needs_transport=transport_needed,
        ),
        override_reason="practice",
    ).appointment


def person(s, pid, given: str) -> RelatedPerson:
    return next(p for p in family.family_of(s, as_system(), pid) if p.name.startswith(given))


def as_system() -> Actor:
    return Actor(None, "system", "System", Role.ADMIN)


def consent(s, actor, pid, given):
    family.record_consent(
        s,
        actor,
        person(s, pid, given).id,
        family.ConsentInput(given_on=today(), document_reference="Form in chart"),
    )


def call(s, actor, pid, **kw):
    return communications.log_communication(
        s,
        actor,
        communications.CommunicationInput(
            patient_id=pid, summary="Talked it through", outcome="Agreed", **kw
        ),
    )


def goal_in_words(s, actor, pid, words):
    plan = plans.start_plan(s, actor, pid, status="active")
    goal_svc.add_goal(
        s,
        actor,
        plan.id,
        goal_svc.GoalInput(
            description="Measurable goal", patients_words=words, lifecycle_status="active"
        ),
    )


def refer(s, actor, pid, org_type):
    return referrals.create_referral(
        s,
        actor,
        pid,
        referrals.ReferralInput(
            organization_id=org(s, org_type).id,
            service="Home-delivered meals",
            reason_text="Skips meals",
            consent_recorded=True,
        ),
        send=True,
    )


def first_morning(s, actor, p):
    return [
        lambda: runs.record_visit(s, actor, "My day"),
        lambda: registry.get_patient(s, actor, p["walter"]),
        lambda: registry.get_patient(s, actor, p["gloria"]),
        lambda: call(s, actor, p["walter"], with_kind="patient", channel="phone"),
        lambda: tasks_done(s, actor, p["walter"], "water pill"),
        lambda: remind(s, actor, p["gloria"], "confirmed"),
    ]


def tasks_done(s, actor, pid, words):
    from services.tasks.tasks import set_task_status

    task = s.scalar(select(Task).where(Task.patient_id == pid, Task.title.contains(words)))
    set_task_status(s, actor, task.id, TaskStatus.COMPLETED)


def remind(s, actor, pid, outcome):
    a = s.scalar(select(Appointment).where(Appointment.patient_id == pid))
    reminders.record_reminder(s, actor, a.id, outcome)


def new_patient_intake(s, actor, p):
    pid = p["lucia"]

    def intake():
        row = drafts.start_intake(s, actor, pid)
        drafts.save_step(s, actor, row.id, "identity", {}, row.version)
        for step, values in {
            "living": LIVING,
            "insurance": INSURANCE,
            "supports": SUPPORTS,
            "matters": MATTERS,
            "screening": SCREENING,
            "services": SERVICES,
        }.items():
            drafts.save_step(s, actor, row.id, step, values, row.version)
        intake_svc.complete_intake(s, actor, row.id, {}, row.version)

    return [
        lambda: registry.get_patient(s, actor, pid),
        intake,
        lambda: goal_in_words(s, actor, pid, "Quiero volver a caminar al mercado"),
        lambda: consent(s, actor, pid, "Mateo"),
        lambda: refer(s, actor, pid, OrgType.FOOD),
        lambda: book(s, actor, pid, "home-health visit", 5),
    ]


def heart_failure_discharge(s, actor, p):
    pid = p["harold"]

    def template():
        plan = plans.start_plan(s, actor, pid)
        items = templates.preview(s, actor, plan.id, "heart_failure_discharge")
        templates.apply_template(s, actor, plan.id, "heart_failure_discharge", items)

    def own_words():
        goal = next(g for g in goal_svc.goals(s, plans.current_plan(s, pid).id) if g.template_key)
        data = goal_svc.GoalInput.of(goal)
        data.patients_words, data.lifecycle_status = "Take my grandson fishing", "active"
        goal_svc.update_goal(s, actor, goal.id, data, expected_version=goal.version)

    def checklist():
        stay = transitions.transitions_for(s, pid)[0]
        for item in stay.items:
            transitions.set_checklist_item(s, actor, item.id, "done")
        transitions.close_transition(s, actor, stay.id)

    def teach():
        teaching.record_teach_back(
            s,
            actor,
            pid,
            teaching.TeachBackInput(
                topic="Daily weights",
                learner="caregiver",
                learner_name=person(s, pid, "Denise").name,
                method="demonstration",
                result="demonstrated correctly",
            ),
        )

    cardiology = org(s, OrgType.SPECIALIST, "cardiology")
    return [
        lambda: registry.get_patient(s, actor, pid),
        template,
        own_words,
        lambda: book(
            s, actor, pid, "medical appointment", 4, transport_needed=True, provider=cardiology
        ),
        lambda: book(s, actor, pid, "home-health visit", 2),
        lambda: consent(s, actor, pid, "Denise"),
        teach,
        checklist,
        lambda: call(
            s,
            actor,
            pid,
            with_kind="family member",
            related_person_id=person(s, pid, "Denise").id,
            channel="phone",
        ),
    ]


def social_needs(s, actor, p):
    pid = p["marcus"]

    def add_coverage():
        coverage.add_coverage(
            s,
            actor,
            pid,
            coverage.CoverageInput(
                payer_id=org(s, OrgType.INSURER).id, plan_name="Medicaid", member_id="M123"
            ),
        )

    def call_meals():
        ref = referrals.referrals_of(s, actor, pid)[0]
        call(
            s,
            actor,
            pid,
            with_kind="organization",
            organization_id=ref.organization_id,
            channel="phone",
        )

    return [
        lambda: registry.get_patient(s, actor, pid),
        add_coverage,
        lambda: refer(s, actor, pid, OrgType.FOOD),
        call_meals,
        lambda: book(s, actor, pid, "medical appointment", 12, transport_needed=True),
        lambda: book(s, actor, pid, "follow-up call", 7),
        lambda: goal_in_words(s, actor, pid, "Stop running out of food before payday"),
    ]


def front_desk(s, actor, p):
    hoa, frank = p["hoa"], p["frank"]

    def ride():
        booking = s.scalar(
            select(TransportBooking).join(Appointment).where(Appointment.patient_id == hoa)
        )
        transport.set_confirmed(s, actor, booking.id, True)

    def new_phone():
        row = registry.get_patient(s, actor, hoa, record_view=False)
        data = registry.PatientInput.from_patient(row)
        data.phone = "617-555-0142"
        registry.update_patient(s, actor, hoa, data, row.version)

    lab = org(s, OrgType.HOSPITAL, "lab")
    return [
        lambda: runs.record_visit(s, actor, "My day"),
        lambda: remind(s, actor, hoa, "confirmed"),
        ride,
        lambda: remind(s, actor, frank, "left message"),
        new_phone,
        lambda: call(s, actor, frank, with_kind="patient", channel="phone", direction="incoming"),
        lambda: book(s, actor, frank, "medical appointment", 8, provider=lab),
    ]


def admin_week(s, actor, p):
    return [
        lambda: auth.create_user(s, actor, "jordan", "Jordan Lee, RN", "nurse", "Harbor-lights-42"),
        lambda: registry.get_patient(s, actor, p["evelyn"]),
        lambda: audit.record(s, actor, Action.EXPORT, entity="audit report", category="admin"),
        lambda: audit.record(s, actor, Action.EXPORT, entity="backup", category="admin"),
    ]


def look_around(s, actor, p):
    return [
        lambda: runs.record_visit(s, actor, "My day"),
        lambda: registry.get_patient(s, actor, p["rosa"]),
        lambda: runs.record_visit(s, actor, "Care plan"),
        lambda: runs.record_visit(s, actor, "Calendar"),
        lambda: runs.record_visit(s, actor, "Contacts"),
    ]


DRIVERS = {
    "look_around": (look_around, "viewer"),
    "first_morning": (first_morning, "trainee1"),
    "new_patient_intake": (new_patient_intake, "trainee1"),
    "heart_failure_discharge": (heart_failure_discharge, "trainee1"),
    "social_needs": (social_needs, "socialworker"),
    "front_desk": (front_desk, "scheduler"),
    "admin_week": (admin_week, "admin"),
}


def test_every_shipped_scenario_has_a_driver_and_together_they_cover_every_page():
    assert set(DRIVERS) == set(scenarios.file_scenarios())
    assert len(DRIVERS) >= 5
    pages = {step["page"] for doc in scenarios.file_scenarios().values() for step in doc["steps"]}
    assert pages >= {"my_day", "patients", "intake", "care_plan", "calendar", "contacts", "admin"}


@pytest.mark.parametrize("key", list(DRIVERS))
def test_a_scenario_ticks_off_step_by_step_and_never_early(demo, key):
    s = demo
    driver, username = DRIVERS[key]
    actor = as_actor(s, username)
    run = runs.start(s, actor, key)
    steps = driver(s, actor, {p.patient_key: p.patient_id for p in run.patients})
    n = len(run.definition["steps"])
    assert len(steps) == n
    assert ticks(s, run) == [False] * n  # nothing the set-up made counts
    for i, do in enumerate(steps):
        do()
        s.flush()
        assert ticks(s, run) == [True] * (i + 1) + [False] * (n - i - 1), run.definition["steps"][
            i
        ]["key"]
    done = runs.state(s, run)
    since = done.started_at.replace(microsecond=0)  # the audit trail keeps whole seconds
    assert done.finished and all(st.done_at >= since for st in done.steps)


def test_undone_work_unticks_its_step(demo):
    s = demo
    actor = as_actor(s, "trainee2")
    run = runs.start(s, actor, "heart_failure_discharge")
    p = {x.patient_key: x.patient_id for x in run.patients}
    steps = heart_failure_discharge(s, actor, p)
    for do in steps:
        do()
    assert all(ticks(s, run))
    follow_up = s.scalar(
        select(Appointment).where(
            Appointment.patient_id == p["harold"], Appointment.needs_transport.is_(True)
        )
    )
    appointments.cancel_appointment(s, actor, follow_up.id, "Patient in hospital again")
    denise = person(s, p["harold"], "Denise")
    family.revoke_consent(s, actor, denise.consents[0].id)
    s.flush()
    s.expire_all()
    state = {st.key: bool(st.done_at) for st in runs.state(s, run).steps}
    assert state["follow_up"] is False and state["consent"] is False
    assert state["teach_back"] and state["checklist"]


def test_two_trainees_at_once_each_see_only_their_own_copy(demo):
    s = demo
    one, two = as_actor(s, "trainee1"), as_actor(s, "trainee2")
    run_one = runs.start(s, one, "first_morning")
    run_two = runs.start(s, two, "first_morning")
    mine = {p.patient_key: p.patient_id for p in run_one.patients}
    theirs = {p.patient_key: p.patient_id for p in run_two.patients}
    assert set(mine.values()).isdisjoint(theirs.values())
    walter = registry.get_patient(s, one, mine["walter"], record_view=False)
    assert walter.family_name == "Brooks · trainee1" and walter.given_name == "Walter"
    # "Only my patients" shows each trainee their own copies; a name search shows whose is whose
    own = registry.search_patients(s, one, "walter", case_manager_id=one.id).rows
    assert [p.id for p in own] == [mine["walter"]]
    both = registry.search_patients(s, one, "walter brooks").rows
    assert {p.family_name for p in both} >= {"Brooks · trainee1", "Brooks · trainee2"}
    # trainee 2's work on their own Walter ticks nothing on trainee 1's list
    for do in first_morning(s, two, theirs):
        do()
    assert all(ticks(s, run_two)) and not any(ticks(s, run_one))
    # and trainee 1 opening trainee 2's Walter does not count for trainee 1's own step
    registry.get_patient(s, one, theirs["walter"])
    assert not any(ticks(s, run_one))


def test_starting_over_archives_the_old_copy_and_clears_its_day(demo):
    s = demo
    actor = as_actor(s, "trainee3")
    run = runs.start(s, actor, "first_morning")
    old = {p.patient_key: p.patient_id for p in run.patients}
    registry.get_patient(s, actor, old["walter"])
    again = runs.start(s, actor, "first_morning")
    assert run.status == "reset" and again.status == "active"
    assert registry.get_patient(s, actor, old["walter"], record_view=False).status == "archived"
    assert not s.scalars(
        select(Task).where(Task.patient_id == old["walter"], Task.status == TaskStatus.REQUESTED)
    ).all()
    assert not any(ticks(s, again))  # a fresh copy starts with nothing done


def test_scenarios_run_only_in_the_training_database(s, nurse):
    with pytest.raises(runs.NotTrainingDatabase):
        runs.start(s, nurse, "first_morning")


def test_a_scenario_for_another_role_is_refused(demo):
    from services.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        runs.start(demo, as_actor(demo, "trainee1"), "admin_week")

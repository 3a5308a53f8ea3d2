"""The urgent safety follow-up: raised once by the intake, never duplicated or turned into
a routine task, completed only with an outcome; the safety plan and its printout; who
was told, in the communication log."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from db.models import (
    AuditEvent,
    Communication,
    Organization,
    OrgType,
    Role,
    SafetyFollowUp,
    Task,
    TaskPriority,
    TaskStatus,
)
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from services.core.identity import SYSTEM
from services.intake import draft as drafts
from services.intake import instruments, scoring
from services.patients import registry as patients
from services.safety import followups, plans, printout
from services.safety.assessment import AssessmentInput
from services.safety.followups import NotificationInput
from services.safety.plans import SafetyPlanInput

PHQ9_ITEM_9 = {"instruments": ["phq9"], "answers": {"phq9": [None] * 8 + [2]}}
PLAN = SafetyPlanInput(
    warning_signs="Not sleeping",
    coping_strategies="Walk the dog",
    people_and_places="Sister Ana",
    professionals="Case manager",
    means_safety="Daughter keeps the pills",
)
ASSESSED = AssessmentInput(
    answers={
        "thoughts": "wishes to be dead, no active thoughts",
        "plan": "no",
        "intent": "no",
        "means": "no",
        "past_attempt": "never",
    },
    protective_factors="Grandchildren",
    risk_level="low",
    note="Passive thoughts at night; no plan.",
)


@pytest.fixture
def patient(s):
    return patients.register_patient(
        s,
        SYSTEM,
        patients.PatientInput(given_name="Rosa", family_name="Diaz", birth_date=date(1948, 3, 2)),
    )


def _screen(s, nurse, patient, screening=PHQ9_ITEM_9):
    intake = drafts.start_intake(s, nurse, patient.id)
    drafts.save_step(s, nurse, intake.id, "screening", screening, intake.version)
    return intake


def _open(s, patient_id):
    return s.scalars(
        select(SafetyFollowUp).where(
            SafetyFollowUp.patient_id == patient_id, SafetyFollowUp.status == "open"
        )
    ).all()


def _supervisor(s, make_actor):
    return make_actor(Role.ADMIN, "supervisor")


def _ready(s, nurse, make_actor, follow_up):
    followups.record_assessment(s, nurse, follow_up.id, ASSESSED)
    plans.save_plan(s, nurse, follow_up.patient_id, PLAN, None)
    boss = _supervisor(s, make_actor)
    followups.notify(s, nurse, follow_up.id, NotificationInput("supervisor", boss.id))


def test_item_9_raises_one_follow_up_and_no_task(s, nurse, patient):
    intake = _screen(s, nurse, patient)
    drafts.save_step(s, nurse, intake.id, "screening", PHQ9_ITEM_9, intake.version)  # again
    (f,) = _open(s, patient.id)
    assert (f.concern, f.owner_user_id, f.source_id) == ("suicide risk", nurse.id, intake.id)
    assert "PHQ-9 item 9" in f.reason
    assert not s.scalars(select(Task).where(Task.priority == TaskPriority.STAT)).all()
    events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "safety follow-up")).all()
    assert len(events) == 1


def test_a_second_positive_screen_while_one_is_open_does_not_duplicate_it(s, nurse, patient):
    first = _screen(s, nurse, patient)
    drafts.discard_draft(s, nurse, first.id, "Started twice", first.version)
    _screen(s, nurse, patient)  # another intake, item 9 again
    assert len(_open(s, patient.id)) == 1


def test_interpersonal_safety_screen_raises_its_own_follow_up(s, nurse, patient):
    hits = [0] * 12 + [3, 3, 3, 3]  # HITS 12
    _screen(s, nurse, patient, {"instruments": ["ahc_hrsn"], "answers": {"ahc_hrsn": hits}})
    (f,) = _open(s, patient.id)
    assert f.concern == "interpersonal safety"


def test_urgent_flag_task_suggestions_stay_out_of_the_care_plan():
    phq9 = instruments.shipped()["phq9"]
    found = scoring.suggestions_for(phq9, [0] * 8 + [1])
    assert [x.kind for x in found] == ["referral"]  # the urgent referral, no routine task
    hrsn = instruments.shipped()["ahc_hrsn"]
    found = scoring.suggestions_for(hrsn, [0] * 12 + [3, 3, 3, 3])
    assert "task" not in {x.kind for x in found} and "referral" in {x.kind for x in found}


def test_completing_needs_an_outcome_and_names_what_is_missing(s, nurse, make_actor, patient):
    _screen(s, nurse, patient)
    (f,) = _open(s, patient.id)
    with pytest.raises(InvalidInput) as exc:
        followups.complete(s, nurse, f.id, None, "")
    assert set(exc.value.errors) == {"outcome", "note", "assessment", "plan", "notified"}
    _ready(s, nurse, make_actor, f)
    with pytest.raises(InvalidInput) as exc:
        followups.complete(s, nurse, f.id, "", "Plan given")
    assert set(exc.value.errors) == {"outcome"}
    assert f.status == "open" and f.open_key
    followups.complete(s, nurse, f.id, "safety plan in place", "Plan given; call Monday")
    assert (f.status, f.open_key, f.outcome) == ("completed", None, "safety plan in place")
    with pytest.raises(Conflict):  # never closed twice
        followups.complete(s, nurse, f.id, "safety plan in place", "again")
    detail = json.loads(
        s.scalars(select(AuditEvent).where(AuditEvent.entity == "safety follow-up"))
        .all()[-1]
        .detail
    )
    assert detail["outcome"] == "safety plan in place"


def test_a_plan_older_than_the_follow_up_does_not_count(s, nurse, make_actor, patient):
    plan = plans.save_plan(s, nurse, patient.id, PLAN, None)
    plan.reviewed_at -= timedelta(days=30)
    _screen(s, nurse, patient)
    (f,) = _open(s, patient.id)
    assert "the safety plan (made or reviewed with the patient)" in followups.still_needed(s, f)
    followups.record_assessment(s, nurse, f.id, ASSESSED)
    boss = _supervisor(s, make_actor)
    followups.notify(s, nurse, f.id, NotificationInput("supervisor", boss.id))
    with pytest.raises(InvalidInput) as exc:
        followups.complete(s, nurse, f.id, "safety plan in place", "x")
    assert set(exc.value.errors) == {"plan"}
    # Sent to the emergency department: no plan could be made today.
    followups.complete(s, nurse, f.id, "sent to emergency care", "911 called, ED admitted")
    assert f.status == "completed"


def test_after_completion_a_new_positive_screen_raises_a_new_follow_up(
    s, nurse, make_actor, patient
):
    first = _screen(s, nurse, patient)
    (f,) = _open(s, patient.id)
    _ready(s, nurse, make_actor, f)
    followups.complete(s, nurse, f.id, "safety plan in place", "ok")
    drafts.discard_draft(s, nurse, first.id, "Redo", first.version)
    _screen(s, nurse, patient)
    (again,) = _open(s, patient.id)
    assert again.id != f.id


def test_who_was_told_goes_into_the_communication_log(s, nurse, make_actor, patient):
    _screen(s, nurse, patient)
    (f,) = _open(s, patient.id)
    boss = _supervisor(s, make_actor)
    clinic = Organization(name="Eastside Family Medicine", org_type=OrgType.PRIMARY_CARE)
    s.add(clinic)
    s.flush()
    with pytest.raises(InvalidInput):
        followups.notify(s, nurse, f.id, NotificationInput("supervisor", None))
    followups.notify(s, nurse, f.id, NotificationInput("supervisor", boss.id, summary="Told"))
    followups.notify(s, nurse, f.id, NotificationInput("primary care", organization_id=clinic.id))
    logged = s.scalars(select(Communication).order_by(Communication.id)).all()
    assert [(c.with_kind, c.with_name, c.patient_id) for c in logged] == [
        ("staff member", boss.display_name, patient.id),
        ("organization", "Eastside Family Medicine", patient.id),
    ]
    assert (f.supervisor_comm_id, f.primary_care_comm_id) == (logged[0].id, logged[1].id)


def test_the_safety_plan_needs_its_main_steps_and_refuses_a_stale_save(s, nurse, patient):
    with pytest.raises(InvalidInput) as exc:
        plans.save_plan(s, nurse, patient.id, SafetyPlanInput(), None)
    assert set(exc.value.errors) == {"warning_signs", "coping_strategies", "means_safety"}
    plan = plans.save_plan(s, nurse, patient.id, PLAN, None)
    seen = plan.version
    plans.save_plan(s, nurse, patient.id, PLAN, seen)  # reviewed, unchanged
    assert plan.version == seen + 1
    with pytest.raises(Conflict):
        plans.save_plan(s, nurse, patient.id, PLAN, seen)
    with pytest.raises(Conflict):  # someone made one in between: not a new plan
        plans.save_plan(s, nurse, patient.id, PLAN, None)


def test_the_printed_plan_has_the_patients_lines_and_988(s, nurse, make_actor, patient):
    plans.save_plan(s, nurse, patient.id, PLAN, None)
    data = printout.export_plan_pdf(s, nurse, patient.id, "es")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Mi plan de seguridad" in text and "Walk the dog" in text and "988" in text
    assert s.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    with pytest.raises(PermissionDenied):
        printout.export_plan_pdf(s, make_actor(Role.VIEWER), patient.id)


def test_older_same_day_tasks_are_carried_over_once_per_patient(s, nurse, patient):
    for _ in range(2):
        s.add(
            Task(
                patient_id=patient.id,
                title="Same-day: Suicide risk: PHQ-9 item 9 answered above 0.",
                due_on=date(2026, 1, 5),
                priority=TaskPriority.STAT,
                source_kind="intake",
                source_id=1,
                owner_user_id=nurse.id,
                created_by_id=nurse.id,
            )
        )
    s.flush()
    assert followups.adopt_alert_tasks(s) == 1
    (f,) = _open(s, patient.id)
    assert f.owner_user_id == nurse.id and f.reason.startswith("Suicide risk")
    assert {t.status for t in s.scalars(select(Task))} == {TaskStatus.CANCELLED}


def test_a_trainee_reads_but_cannot_work_on_a_follow_up(s, nurse, make_actor, patient):
    _screen(s, nurse, patient)
    (f,) = _open(s, patient.id)
    trainee = make_actor(Role.VIEWER)
    with pytest.raises(PermissionDenied):
        followups.record_assessment(s, trainee, f.id, ASSESSED)
    with pytest.raises(PermissionDenied):
        followups.complete(s, trainee, f.id, "safety plan in place", "x")

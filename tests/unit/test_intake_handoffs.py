"""What the intake hands on: merged suggestions, the patient's words, due dates and
priorities, draft referrals in Contacts, the coverage and the caregiver's role."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.base import today
from db.models import Coverage, Goal, PrintItem, Referral, SafetyFollowUp, Task
from services.care_plans import intake_handoff
from services.care_plans.interventions import plan_tasks
from services.contacts import coverage, family, referral_drafts, referrals
from services.contacts.coverage import CoverageInput
from services.contacts.family import ConsentNeeded
from services.contacts.referral_services import urgencies_for
from services.contacts.referrals import ReferralInput
from services.core.errors import InvalidInput
from services.intake import draft as drafts
from services.intake import handoffs
from services.intake import intake as svc
from services.intake import summary as summaries
from services.intake.suggestions import MEASURABLE_TO_FINISH, add_business_days, due_on
from services.patients import registry as patients
from tests.unit.contacts_helpers import org

LIVING = {"setting": "home", "lives_alone": False, "transport": "needs transport"}
MATTERS = {
    "what_matters": "I want to stay in my own home",
    "said_by": "caregiver",
    "said_by_name": "Ana Ruiz",
    "language": "Spanish",
    "literacy": 0,
}
SUPPORTS = {
    "caregiver_name": "Ana Ruiz",
    "caregiver_relationship": "daughter",
    "caregiver_phone": "(617) 555-0123",
    "involvement": "daily",
    "caregiver_roles": ["primary caregiver", "emergency contact"],
}
SCREENING = {
    "instruments": ["phq9", "ahc_hrsn", "lace"],
    "answers": {
        "phq9": [2, 2, 1, 1, 1, 1, 1, 1, 1],  # 11 moderate, item 9 = 1: suicide risk
        # food and transportation needs
        "ahc_hrsn": [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1, 1, 1, 1],
        "lace": [5, 1, 2, 1],  # 10 high
    },
}
SERVICES = {"needed": ["transportation", "behavioral health", "meals"]}


@pytest.fixture
def patient(s, nurse):
    return patients.register_patient(
        s,
        nurse,
        patients.PatientInput(given_name="Rosa", family_name="Diaz", birth_date=date(1948, 3, 2)),
    )


def _intake(s, nurse, patient, **steps):
    intake = drafts.start_intake(s, nurse, patient.id)
    values = {
        "living": LIVING,
        "insurance": {"uninsured": True},
        "supports": SUPPORTS,
        "matters": MATTERS,
        "screening": SCREENING,
        "services": SERVICES,
    } | steps
    drafts.save_step(s, nurse, intake.id, "identity", {}, intake.version)
    for step, value in values.items():
        drafts.save_step(s, nurse, intake.id, step, value, intake.version)
    return intake


def _proposals(s, nurse, intake):
    return {p.key: p for p in summaries.summarize(s, nurse, intake).suggestions}


def test_one_referral_per_service_with_every_finding_behind_it(s, nurse, patient):
    found = _proposals(s, nurse, _intake(s, nurse, patient))
    transport = found["referral|transport"]
    assert transport.kind == "referral" and transport.service == "transportation to appointments"
    assert {f.split(":")[0] for f in transport.findings} == {
        "Living situation",
        "AHC Health-Related Social Needs core screening",
        "Services needed",
    }
    assert len([p for p in found.values() if p.topic == "transport"]) == 2  # the need, once
    behavioral = found["referral|behavioral_health"]
    assert behavioral.urgency == "urgent"  # the suicide-risk referral leads the merge
    assert len([k for k in found if k.startswith("referral|")]) == len(
        {p.topic for p in found.values() if p.kind == "referral"}
    )
    food = found["referral|food"]
    assert len(food.findings) == 2 and food.preselected


def test_the_patients_words_become_the_goal_and_the_rest_is_proposed(s, nurse, patient):
    found = _proposals(s, nurse, _intake(s, nurse, patient))
    words = found["goal|what matters"]
    assert (words.patients_words, words.said_by, words.said_by_name) == (
        "I want to stay in my own home",
        "caregiver",
        "Ana Ruiz",
    )
    assert words.text == "" and words.priority == 1
    goals = sorted((p for p in found.values() if p.kind == "goal"), key=lambda p: p.priority)
    assert [p.priority for p in goals] == list(range(1, len(goals) + 1))
    phq = next(p for p in goals if "PHQ-9" in p.text)
    assert phq.target_weeks == 12
    readmission = next(p for p in goals if "readmission" in p.text)
    assert readmission.target_weeks == 4


def test_task_due_dates_follow_their_urgency(s, nurse, patient):
    found = _proposals(s, nurse, _intake(s, nurse, patient))
    due = {p.text: p.due for p in found.values() if p.kind == "task"}
    assert due["Post-discharge call within 2 business days."] == "2_business_days"
    assert due["Follow-up appointment with primary care within 7 days of discharge."] == "7_days"
    # the same-day safety assessment is the urgent safety follow-up's, never a suggestion
    assert not any(p.text.startswith("Same-day suicide risk") for p in found.values())
    friday = date(2026, 12, 4)
    assert add_business_days(friday, 2) == date(2026, 12, 8)
    assert due_on("same_day", friday) == friday
    assert due_on("30_days", friday) == friday + timedelta(days=30)


def test_completing_makes_draft_referrals_not_tasks(s, nurse, patient):
    rides = org(s, nurse, "Bellchester Rides", "transport vendor")
    intake = _intake(s, nurse, patient)
    found = _proposals(s, nurse, intake)
    decisions = {
        "referral|transport": {
            "accepted": True,
            "details": {"organization_id": rides.id, "urgency": "routine"},
        },
        "referral|food": {"accepted": False},
    }
    svc.complete_intake(s, nurse, intake.id, decisions, intake.version)
    made = s.scalars(select(Referral).order_by(Referral.id)).all()
    expected = {p.service for p in found.values() if p.kind == "referral" and p.preselected}
    assert {r.service for r in made} == expected - {"meals and food assistance"}
    transport = next(r for r in made if r.organization_id == rides.id)
    assert transport.status == "draft" and transport.reason_kind == "intake finding"
    assert "Services needed: transportation" in transport.reason_text
    behavioral = next(r for r in made if r.service == "behavioral health")
    assert behavioral.organization_id is None and behavioral.urgency == "urgent"
    plan, taken = intake_handoff.start_plan_from_intake(s, nurse, patient.id, intake.id)
    titles = [t.title for t in plan_tasks(s, plan)]
    assert taken and not any(t.startswith("Refer") for t in titles)
    rows = referrals.referral_rows(referrals.referrals_of(s, nurse, patient.id), today())
    assert {r["To"] for r in rows} >= {"Bellchester Rides", referrals.TO_CHOOSE}


def test_a_draft_is_sent_once_its_organization_is_chosen(s, nurse, patient):
    meals = org(s, nurse, "Meals on Main", "food/meals")
    intake = _intake(s, nurse, patient)
    svc.complete_intake(s, nurse, intake.id, {}, intake.version)
    draft = next(
        r
        for r in referrals.referrals_of(s, nurse, patient.id)
        if r.service == "meals and food assistance"
    )
    assert draft.organization_id == meals.id or draft.organization_id is None
    with pytest.raises(InvalidInput) as err:
        referrals.move_referral(s, nurse, draft.id, "requested", acknowledged_consent=True)
    data = referral_drafts.draft_input(draft)
    data.organization_id, data.urgency = meals.id, "stat"
    with pytest.raises(InvalidInput) as err:  # a meals program answers in days
        referral_drafts.send_draft(s, nurse, draft.id, data, expected_version=draft.version)
    assert "routine or urgent" in err.value.errors["urgency"]
    data.urgency = "urgent"
    with pytest.raises(ConsentNeeded):
        referral_drafts.send_draft(s, nurse, draft.id, data, expected_version=draft.version)
    data.consent_recorded = True
    referral_drafts.send_draft(s, nurse, draft.id, data, expected_version=draft.version)
    assert draft.status == "requested" and draft.sent_on == today()
    assert draft.expected_response_by == today() + timedelta(days=3)
    assert urgencies_for("food/meals") == ["routine", "urgent"]
    assert "stat" in urgencies_for("home health agency")


def test_the_plan_gets_words_dates_and_priorities_as_settled(s, nurse, patient):
    intake = _intake(s, nurse, patient)
    found = _proposals(s, nurse, intake)
    target = today() + timedelta(days=60)
    decisions = {
        "goal|what matters": {
            "accepted": True,
            "text": "Lives at home with help every day; no falls in 3 months",
            "details": {"priority": 1, "target_on": target.isoformat()},
        },
        next(k for k, p in found.items() if p.text.startswith("Post-discharge")): {
            "accepted": True,
            "details": {"due": "same_day"},
        },
    }
    svc.complete_intake(s, nurse, intake.id, decisions, intake.version)
    plan, _ = intake_handoff.start_plan_from_intake(s, nurse, patient.id, intake.id)
    goals = {g.patients_words or g.description: g for g in s.scalars(select(Goal))}
    home = goals["I want to stay in my own home"]
    assert (home.said_by, home.said_by_name) == ("caregiver", "Ana Ruiz")
    assert home.description.startswith("Lives at home") and home.target_on == target
    assert home.priority_rank == 1 and home.lifecycle_status == "proposed"
    printed = s.scalars(select(PrintItem.item_id).where(PrintItem.for_patient.is_(True))).all()
    assert printed == [home.id]  # their own words go on their own printout, nothing else
    others = [g for g in goals.values() if g is not home]
    assert sorted(g.priority_rank for g in others) == list(range(2, len(others) + 2))
    assert all(g.target_on for g in others)
    tasks = {t.title: t for t in plan_tasks(s, plan)}
    assert tasks["Post-discharge call within 2 business days."].due_on == today()
    follow = tasks["Follow-up appointment with primary care within 7 days of discharge."]
    assert follow.due_on == today() + timedelta(days=7)
    assert follow.description.startswith("From the intake of")
    assert len({t.due_on for t in tasks.values()}) > 1
    # the urgent safety follow-up is its own record, never a routine plan task
    assert not any(t.startswith("Same-day suicide") for t in tasks)
    assert s.scalars(select(SafetyFollowUp).where(SafetyFollowUp.patient_id == patient.id)).all()
    assert not s.scalars(select(Task).where(Task.source_kind == "intake")).all()


def test_a_goal_left_unfinished_is_proposed_for_the_nurse_to_finish(s, nurse, patient):
    intake = _intake(s, nurse, patient)
    svc.complete_intake(s, nurse, intake.id, {}, intake.version)
    intake_handoff.start_plan_from_intake(s, nurse, patient.id, intake.id)
    home = s.scalars(select(Goal).where(Goal.patients_words.is_not(None))).one()
    assert home.description == MEASURABLE_TO_FINISH


def test_the_caregiver_takes_the_roles_chosen_and_becomes_the_one_primary(s, nurse, patient):
    family.add_related_person(
        s, nurse, patient.id,
        family.RelatedPersonInput(name="Luis Ortiz", relationship="friend", primary_caregiver=True),
        region="US",
    )  # fmt: skip
    intake = _intake(s, nurse, patient)
    change = handoffs.caregiver_change(s, nurse, intake)
    assert change.message == (
        "Ana Ruiz (daughter) joins the family list in Contacts as primary caregiver and "
        "emergency contact. Luis Ortiz is no longer primary caregiver."
    )
    svc.complete_intake(s, nurse, intake.id, {}, intake.version)
    people = {p.name: p for p in family.family_of(s, nurse, patient.id)}
    ana = people["Ana Ruiz"]
    assert ana.primary_caregiver and ana.emergency_contact and ana.phone == "+16175550123"
    assert not people["Luis Ortiz"].primary_caregiver


def test_an_emergency_contact_needs_a_phone(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    with pytest.raises(InvalidInput) as err:
        drafts.save_step(
            s, nurse, intake.id, "supports", SUPPORTS | {"caregiver_phone": ""}, intake.version
        )
    assert "caregiver_phone" in err.value.errors


def test_intake_insurance_creates_then_corrects_then_replaces_the_coverage(s, nurse, patient):
    medicare = org(s, nurse, "Medicare", "insurer")
    acme = org(s, nurse, "Acme Health", "insurer")
    first = _intake(
        s, nurse, patient, insurance={"payer_id": medicare.id, "payer": "Medicare",
                                      "member_id": "1EG4-TE5-MK73"},
    )  # fmt: skip
    assert (
        "becomes the patient's primary coverage"
        in handoffs.coverage_change(s, nurse, first).message
    )
    svc.complete_intake(s, nurse, first.id, {}, first.version)
    [cov] = coverage.coverages_of(s, nurse, patient.id)
    assert (cov.payer_id, cov.member_id, cov.order) == (medicare.id, "1EG4-TE5-MK73", 1)
    # the same insurer typed by name, with the new card: corrected, never a second row
    second = _intake(
        s, nurse, patient, insurance={"payer": "medicare", "member_id": "1EG4-TE5-MK99"}
    )
    assert handoffs.coverage_change(s, nurse, second).message == (
        "The Medicare coverage is corrected: member ID 1EG4-TE5-MK73 → 1EG4-TE5-MK99."
    )
    svc.complete_intake(s, nurse, second.id, {}, second.version)
    assert [c.member_id for c in coverage.coverages_of(s, nurse, patient.id)] == ["1EG4-TE5-MK99"]
    # the patient changed insurer: the old one ends, the new one is primary
    cov.start_on = today() - timedelta(days=100)
    third = _intake(
        s, nurse, patient, insurance={"payer_id": acme.id, "payer": "Acme Health",
                                      "member_id": "A-1"},
    )  # fmt: skip
    svc.complete_intake(s, nurse, third.id, {}, third.version)
    rows = s.scalars(select(Coverage).order_by(Coverage.id)).all()
    assert [(c.payer_id, c.end_on) for c in rows] == [
        (medicare.id, today() - timedelta(days=1)),
        (acme.id, None),
    ]
    assert rows[1].order == 1 and rows[1].start_on == today()


def test_an_insurer_missing_from_the_directory_adds_nothing_and_says_so(s, nurse, patient):
    intake = _intake(s, nurse, patient, insurance={"payer": "Tiny Mutual", "member_id": "X"})
    change = handoffs.coverage_change(s, nurse, intake)
    assert change.message.startswith("Tiny Mutual is not an insurer in the Contacts directory")
    svc.complete_intake(s, nurse, intake.id, {}, intake.version)
    assert coverage.coverages_of(s, nurse, patient.id) == []
    assert CoverageInput().order == 1 and ReferralInput().urgency == "routine"

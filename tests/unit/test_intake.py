"""Intake service: drafts, resume, conflicts, alerts, completion, hand-off, history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.base import today
from db.models import (
    AssessmentResponse,
    AuditEvent,
    Intake,
    IntakeStatus,
    IntakeSuggestion,
    Role,
    SafetyFollowUp,
    Task,
)
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from services.intake import draft as drafts
from services.intake import handoffs
from services.intake import history as records
from services.intake import intake as svc
from services.intake import summary as summaries
from services.overview import my_day as worklist
from services.overview import patient_summary as summary
from services.patients import registry as patients

LIVING = {"setting": "home", "lives_alone": True, "stairs": True, "transport": "needs transport"}
INSURANCE = {"payer": "Medicare", "member_id": "1EG4-TE5-MK73"}
SUPPORTS = {
    "caregiver_name": "Ana Ruiz",
    "caregiver_relationship": "daughter",
    "involvement": "daily",
}
MATTERS = {
    "what_matters": "Getting back to my garden",
    "language": "Spanish",
    "interpreter": True,
    "literacy": 3,
}
SCREENING = {
    "instruments": ["phq9", "gad7", "ahc_hrsn", "lace"],
    "answers": {
        "phq9": [2, 2, 1, 1, 1, 1, 1, 1, 0],  # 10 moderate
        "gad7": [1, 1, 1, 1, 1, 0, 0],  # 5 mild
        "ahc_hrsn": [0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1],  # food
        "lace": [5, 1, 2, 1],  # 10 high
    },
}
SERVICES = {"needed": ["home health nurse", "meals"]}


@pytest.fixture
def patient(s, nurse):
    return patients.register_patient(
        s,
        nurse,
        patients.PatientInput(given_name="Rosa", family_name="Diaz", birth_date=date(1948, 3, 2)),
    )


def walk(s, actor, intake, steps=None):
    """Save every step up to the summary, as the page does."""
    steps = steps or {
        "living": LIVING,
        "insurance": INSURANCE,
        "supports": SUPPORTS,
        "matters": MATTERS,
        "screening": SCREENING,
        "services": SERVICES,
    }
    drafts.save_step(s, actor, intake.id, "identity", {}, intake.version)
    for step, values in steps.items():
        drafts.save_step(s, actor, intake.id, step, values, intake.version)
    return intake


def test_start_then_resume_by_another_nurse(s, nurse, make_actor, patient):
    first = drafts.start_intake(s, nurse, patient.id)
    drafts.save_step(s, nurse, first.id, "living", LIVING, first.version)
    other = make_actor(Role.NURSE)
    resumed = drafts.start_intake(s, other, patient.id)
    assert resumed.id == first.id
    assert resumed.current_step == 3 and resumed.data["living"]["setting"] == "home"
    assert s.scalar(select(func.count(Intake.id))) == 1


def test_bad_step_saves_nothing_and_names_fields(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    version = intake.version
    with pytest.raises(InvalidInput) as err:
        drafts.save_step(s, nurse, intake.id, "insurance", {"payer": "Aetna"}, version)
    assert set(err.value.errors) == {"member_id"}
    with pytest.raises(InvalidInput) as err:
        drafts.save_step(s, nurse, intake.id, "living", {"setting": "castle"}, version)
    assert {"setting", "transport"} <= set(err.value.errors)
    with pytest.raises(InvalidInput) as err:
        drafts.save_step(s, nurse, intake.id, "matters", {"what_matters": " "}, version)
    assert "what_matters" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        bad = {"instruments": ["phq9"], "answers": {"phq9": [7] + [None] * 8}}
        drafts.save_step(s, nurse, intake.id, "screening", bad, version)
    assert "phq9" in err.value.errors
    assert intake.version == version and "insurance" not in intake.data


def test_uninsured_needs_no_payer(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    drafts.save_step(s, nurse, intake.id, "insurance", {"uninsured": True}, intake.version)
    assert intake.data["insurance"]["uninsured"] is True


def test_stale_version_is_refused(s, nurse, make_actor, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    seen = intake.version
    drafts.save_step(s, make_actor(Role.SOCIAL_WORKER), intake.id, "living", LIVING, seen)
    with pytest.raises(Conflict) as err:
        drafts.save_step(s, nurse, intake.id, "insurance", INSURANCE, seen)
    assert err.value.theirs["living"]["setting"] == "home"
    assert "insurance" not in intake.data


@pytest.mark.parametrize("role", [Role.SCHEDULER, Role.VIEWER])
def test_scheduler_and_viewer_cannot_edit(s, nurse, make_actor, patient, role):
    actor = make_actor(role)
    with pytest.raises(PermissionDenied):
        drafts.start_intake(s, actor, patient.id)
    intake = drafts.start_intake(s, nurse, patient.id)
    with pytest.raises(PermissionDenied):
        drafts.save_step(s, actor, intake.id, "living", LIVING, intake.version)
    assert drafts.get_intake(s, actor, intake.id).id == intake.id  # reading is allowed


def test_item_9_raises_alert_and_one_safety_follow_up_at_once(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    partial = {"instruments": ["phq9"], "answers": {"phq9": [None] * 8 + [1]}}
    drafts.save_step(s, nurse, intake.id, "screening", partial, intake.version)
    drafts.save_step(s, nurse, intake.id, "screening", partial, intake.version)  # no duplicate
    (follow_up,) = s.scalars(select(SafetyFollowUp)).all()
    assert follow_up.concern == "suicide risk" and follow_up.status == "open"
    assert follow_up.owner_user_id == nurse.id and follow_up.patient_id == patient.id
    assert not s.scalars(select(Task).where(Task.source_kind == "intake")).all()  # no task
    assert intake.suicide_alert is True
    sections = summary.patient_summary(s, nurse, patient)
    alerts = [x.alert for x in sections if x.alert]
    assert alerts and "SUICIDE RISK" in alerts[0]
    assert summaries.summarize(s, nurse, intake).tier.tier == "urgent"


def test_no_alert_when_item_9_is_zero(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    walk(s, nurse, intake)
    assert not s.scalars(select(SafetyFollowUp)).all()
    assert not [x for x in summary.patient_summary(s, nurse, patient) if x.alert]


def test_summary_tier_and_suggestions(s, nurse, patient):
    intake = walk(s, nurse, drafts.start_intake(s, nurse, patient.id))
    result = summaries.summarize(s, nurse, intake)
    assert {c: (r.total, r.band) for c, r in result.results.items()} == {
        "phq9": (10, "moderate"),
        "gad7": (5, "mild"),
        "ahc_hrsn": (1, "social needs"),
        "lace": (10, "high"),
        "literacy": (3, "possibly limited"),
    }
    assert result.tier.tier == "high" and "High readmission risk" in result.tier.reasons
    texts = {x.text for x in result.suggestions}
    words = next(x for x in result.suggestions if x.key == "goal|what matters")
    assert words.patients_words == "Getting back to my garden" and words.priority == 1
    assert "Food insecurity." in texts
    assert "Post-discharge call within 2 business days." in texts
    # LACE's home health visit and "services needed: home health nurse" are one referral
    [home] = [x for x in result.suggestions if x.topic == "home_health"]
    assert home.kind == "referral" and len(home.findings) == 2
    assert len({x.key for x in result.suggestions}) == len(result.suggestions)


def test_incomplete_instrument_blocks_completion(s, nurse, patient):
    intake = walk(s, nurse, drafts.start_intake(s, nurse, patient.id))
    answers = dict(SCREENING["answers"], gad7=[1, 1, None, 1, 1, 0, 0])
    drafts.save_step(
        s, nurse, intake.id, "screening", {**SCREENING, "answers": answers}, intake.version
    )
    with pytest.raises(InvalidInput) as err:
        svc.complete_intake(s, nurse, intake.id, {}, intake.version)
    assert "Worrying too much" in err.value.errors["gad7"]
    assert intake.status == IntakeStatus.DRAFT
    assert s.scalar(select(func.count(AssessmentResponse.id))) == 0


def test_complete_stores_results_decisions_and_hand_off(s, nurse, patient):
    intake = walk(s, nurse, drafts.start_intake(s, nurse, patient.id))
    found = summaries.summarize(s, nurse, intake).suggestions
    goal = next(x for x in found if x.patients_words == "Getting back to my garden")
    food = next(x for x in found if x.text == "Food insecurity.")
    decisions = {
        goal.key: {"accepted": True, "text": "Back in the garden twice a week by spring"},
        food.key: {"accepted": False},
    }
    preselected = [x for x in found if x.preselected or x.covered_by_alert]
    svc.complete_intake(s, nurse, intake.id, decisions, intake.version)
    assert intake.status == IntakeStatus.COMPLETED and intake.risk_tier == "high"
    responses = records.history(s, nurse, patient.id)
    assert {r.instrument_code for r in responses} == {
        "phq9",
        "gad7",
        "ahc_hrsn",
        "lace",
        "literacy",
    }
    accepted = svc.accepted_suggestions(s, nurse, patient_id=patient.id, not_handed_off=False)
    assert len(accepted) == len(preselected) - 1
    edited = next(a for a in accepted if a.source_instrument == "intake:matters")
    assert edited.kind == "goal" and edited.text == "Back in the garden twice a week by spring"
    assert edited.details["patients_words"] == "Getting back to my garden"
    # referrals went to Contacts as drafts: the care plan takes goals, needs and tasks
    accepted = svc.accepted_suggestions(s, nurse, patient_id=patient.id)
    assert accepted and {a.kind for a in accepted} <= {"goal", "need", "task"}
    dismissed = s.scalars(
        select(IntakeSuggestion).where(IntakeSuggestion.status == "dismissed")
    ).all()
    # unticked by the nurse, or left unticked because the screen behind it was negative
    assert [d.text for d in dismissed] == ["Food insecurity.", "Repeat GAD-7 at the next visit."]
    assert svc.mark_handed_off(s, nurse, [a.id for a in accepted], care_plan_id=7) == len(accepted)
    assert svc.accepted_suggestions(s, nurse, patient_id=patient.id) == []
    with pytest.raises(InvalidInput):
        drafts.save_step(s, nurse, intake.id, "living", LIVING, intake.version)
    actions = s.scalars(select(AuditEvent.action).where(AuditEvent.entity == "intake")).all()
    assert actions[0] == "create" and actions.count("update") >= 7


def test_history_and_trend_over_two_intakes(s, nurse, patient):
    first = walk(s, nurse, drafts.start_intake(s, nurse, patient.id))
    svc.complete_intake(s, nurse, first.id, {}, first.version)
    second = drafts.start_intake(s, nurse, patient.id)
    assert second.id != first.id
    better = {**SCREENING, "answers": {**SCREENING["answers"], "phq9": [1, 1, 0, 0, 0, 0, 0, 0, 0]}}
    walk(s, nurse, second, {"matters": MATTERS, "screening": better})
    svc.complete_intake(s, nurse, second.id, {}, second.version)
    trend = records.trends(records.history(s, nurse, patient.id))
    assert [p["Score"] for p in trend["PHQ-9 depression severity"]] == [10, 2]
    rows = records.history_rows(records.history(s, nurse, patient.id))
    assert len(rows) == 10 and rows[0]["Instrument"]
    assert [r["Status"] for r in records.patient_intakes(s, nurse, patient.id)] == ["completed"] * 2


def test_identity_corrections_go_to_the_patient_record(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    drafts.save_identity(
        s, nurse, intake.id, {"phone": "(617) 555-0134"}, patient.version, intake.version
    )
    assert patient.phone == "+16175550134"
    assert intake.data["identity"]["confirmed"] is True and intake.current_step == 2


def test_discard_draft_needs_a_reason(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    with pytest.raises(InvalidInput):
        drafts.discard_draft(s, nurse, intake.id, "", intake.version)
    drafts.discard_draft(s, nurse, intake.id, "Started for the wrong patient", intake.version)
    assert intake.status == IntakeStatus.ARCHIVED
    assert drafts.start_intake(s, nurse, patient.id).id != intake.id


def test_my_day_lists_my_unfinished_intakes(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    drafts.save_step(s, nurse, intake.id, "living", LIVING, intake.version)
    sections = worklist.my_day(s, nurse, today())
    mine = next(x for x in sections if x.title == "Intakes to finish")
    assert [r["Patient"] for r in mine.rows] == ["Diaz, Rosa"]


def test_the_caregiver_named_at_intake_joins_the_family_once(s, nurse, patient):
    from services.contacts import family

    first = drafts.start_intake(s, nurse, patient.id)
    walk(s, nurse, first)
    svc.complete_intake(s, nurse, first.id, {}, first.version)
    (ana,) = family.family_of(s, nurse, patient.id)
    assert (ana.name, ana.relationship_, ana.primary_caregiver) == ("Ana Ruiz", "daughter", True)
    second = drafts.start_intake(s, nurse, patient.id)
    steps = {"living": LIVING, "insurance": INSURANCE, "matters": MATTERS, "screening": SCREENING}
    walk(s, nurse, second, steps | {"supports": SUPPORTS | {"caregiver_name": "ana  RUIZ"}})
    svc.complete_intake(s, nurse, second.id, {}, second.version)
    assert len(family.family_of(s, nurse, patient.id)) == 1  # the same person, not again


def test_a_caregiver_relationship_comes_from_the_family_list(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    with pytest.raises(InvalidInput) as exc:
        drafts.save_step(
            s, nurse, intake.id, "supports",
            SUPPORTS | {"caregiver_relationship": "my girl"}, intake.version,
        )  # fmt: skip
    assert "caregiver_relationship" in exc.value.errors


def test_the_caregiver_never_becomes_a_second_primary_and_old_drafts_still_count(s, nurse, patient):
    from services.contacts import family

    family.add_related_person(
        s, nurse, patient.id,
        family.RelatedPersonInput(name="Luis Ortiz", relationship="son", primary_caregiver=True),
        region="US",
    )  # fmt: skip
    intake = drafts.start_intake(s, nurse, patient.id)
    walk(s, nurse, intake)
    # a draft saved before the step used the family list holds free text
    intake.data = intake.data | {"supports": SUPPORTS | {"caregiver_relationship": "Daughter"}}
    s.flush()
    change = handoffs.caregiver_change(s, nurse, intake)
    assert change.message == (
        "Ana Ruiz (daughter) joins the family list in Contacts (no role chosen). "
        "Luis Ortiz stays primary caregiver."
    )
    svc.complete_intake(s, nurse, intake.id, {}, intake.version)
    people = {p.name: p for p in family.family_of(s, nurse, patient.id)}
    assert people["Ana Ruiz"].relationship_ == "daughter"
    assert [n for n, p in people.items() if p.primary_caregiver] == ["Luis Ortiz"]


def test_a_caregiver_name_fits_the_family_list(s, nurse, patient):
    intake = drafts.start_intake(s, nurse, patient.id)
    with pytest.raises(InvalidInput) as exc:
        drafts.save_step(
            s, nurse, intake.id, "supports", SUPPORTS | {"caregiver_name": "A" * 201},
            intake.version,
        )  # fmt: skip
    assert "200 characters" in exc.value.errors["caregiver_name"]

"""The corpus in the clinical rooms: the intake, the care plan, the safety follow-up."""

from __future__ import annotations

from datetime import date, timedelta

from db.base import today as clinic_today
from db.models import (
    Achievement,
    SafetyConcern,
    SafetyOutcome,
    TaskStatus,
    TeachMethod,
    TeachResult,
)
from services.core.identity import Actor


class ClinicalSteps:
    """Steps of `Corpus` (tests.injection) for the intake, care plan and safety rooms."""

    def intake(self) -> None:
        """A completed intake (history, suggestions for the plan, draft referrals) and a
        second one waiting at its summary, both with the patient's own words."""
        from services.intake import draft as drafts
        from services.intake import intake as intakes
        from services.intake import summary as summaries

        def walk(n: int, who: Actor):
            intake = drafts.start_intake(self.s, who, self.out.patient_id)
            steps = {
                "living": {
                    "setting": "other",
                    "setting_other": self.v(f"intake{n}.setting_other", 2000),
                    "household": self.v(f"intake{n}.household", 2000),
                    "transport": "needs transport",
                },
                "insurance": {
                    "payer": self.v(f"intake{n}.payer", 200),
                    "plan_name": self.v(f"intake{n}.plan_name", 200),
                    "member_id": self.v(f"intake{n}.member_id", 60),
                    "group": self.v(f"intake{n}.group", 60),
                },
                "supports": {
                    "caregiver_name": self.v(f"intake{n}.caregiver_name", 200),
                    "caregiver_relationship": "daughter",
                    "involvement": "daily",
                    "other_supports": self.v(f"intake{n}.other_supports", 2000),
                },
                "matters": {
                    "what_matters": self.v(f"intake{n}.what_matters", 2000, lines=True),
                    "said_by": "caregiver",
                    "said_by_name": self.v(f"intake{n}.said_by_name", 200),
                    "preferences": self.v(f"intake{n}.preferences", 2000),
                    "cultural_needs": self.v(f"intake{n}.cultural_needs", 2000),
                    "language": self.v(f"intake{n}.language", 40),
                    "literacy": 2,
                },
                "screening": {
                    "instruments": ["gad7", "phq9"],
                    "answers": {"phq9": [2, 2, 1, 1, 1, 1, 1, 1, 0], "gad7": [3] * 7},
                },
                "services": {"needed": ["meals", "other"], "other": self.v(f"intake{n}.other")},
            }
            drafts.save_step(self.s, who, intake.id, "identity", {}, intake.version)
            for step, values in steps.items():
                drafts.save_step(self.s, who, intake.id, step, values, intake.version)
            return intake

        done = walk(1, self.nurse)
        found = summaries.summarize(self.s, self.nurse, done).suggestions
        decisions = {
            x.key: {
                "accepted": True,
                "text": self.v(f"intake1.decision{n}", 200 if x.kind == "task" else 2000),
            }
            for n, x in enumerate(found)
            if x.kind in ("goal", "need", "task")
        }
        intakes.complete_intake(self.s, self.nurse, done.id, decisions, done.version)
        self.out.ids["intake_done"] = done.id
        # The second waits at its screening step, last saved by the colleague.
        waiting = walk(2, self.colleague)
        drafts.go_to_step(self.s, self.colleague, waiting.id, 6, waiting.version)
        self.out.ids["intake_draft"] = waiting.id

    # ------------------------------------------------------------------ care plan

    def care_plan(self) -> None:
        from services.care_plans import (
            concerns,
            goals,
            intake_handoff,
            interventions,
            patient_items,
            plans,
            reviews,
            teaching,
            team,
            transitions,
        )
        from services.care_plans.goals import GoalInput
        from services.care_plans.plans import PlanInput
        from services.care_plans.teaching import TeachBackInput
        from services.tasks import tasks

        s, nurse, pid = self.s, self.nurse, self.out.patient_id
        # Started by the colleague: the plan's author is shown by name.
        plan, _taken = intake_handoff.start_plan_from_intake(s, self.colleague, pid, None)
        plans.update_plan(
            s,
            nurse,
            plan.id,
            PlanInput(
                title=self.v("plan.title", 200),
                status="on hold",
                status_reason=self.v("plan.status_reason"),
                start_on=plan.start_on,
                end_on=None,
                next_review_on=clinic_today() + timedelta(days=30),
            ),
            expected_version=plan.version,
        )
        plans.update_plan(
            s, nurse, plan.id,
            PlanInput(title=plan.title, status="active", status_reason="", start_on=plan.start_on,
                      end_on=None, next_review_on=plan.next_review_on),
            expected_version=plan.version,
        )  # fmt: skip
        goal = goals.add_goal(
            s,
            nurse,
            plan.id,
            GoalInput(
                description=self.v("goal.description", lines=True),
                patients_words=self.v("goal.patients_words", lines=True, long=True),
                said_by="caregiver",
                said_by_name=self.v("goal.said_by_name", 200),
                target_on=clinic_today() + timedelta(days=60),
                lifecycle_status="active",
            ),
        )
        patient_items.set_for_patient(
            s,
            nurse,
            "goal",
            goal.id,
            for_patient=True,
            wording={"en": self.v("goal.wording_en", 500), "es": self.v("goal.wording_es", 500)},
        )
        goals.record_options(
            s,
            nurse,
            goal.id,
            options_discussed=self.v("options.discussed", lines=True),
            preference=self.v("options.preference"),
            reasons=self.v("options.reasons", lines=True),
            decision=self.v("options.decision"),
        )
        owned = interventions.add_goal_task(
            s,
            nurse,
            goal.id,
            title=self.v("task.title", 200),
            due_on=clinic_today() - timedelta(days=2),
            owner_user_id=nurse.id,
            description=self.v("task.description", lines=True, long=True),
        )
        patient_items.set_for_patient(
            s, nurse, "task", owned.id, for_patient=True,
            wording={"en": self.v("task.wording_en", 500)},
        )  # fmt: skip
        family_task = interventions.add_goal_task(
            s,
            nurse,
            goal.id,
            title=self.v("task.family_title", 200),
            due_on=clinic_today() + timedelta(days=3),
            owner_kind="family member",
            owner_name=self.v("task.owner_name", 200),
        )
        snoozed = interventions.add_goal_task(
            s, nurse, goal.id, title=self.v("task.snoozed_title", 200),
            due_on=clinic_today(), owner_user_id=nurse.id,
        )  # fmt: skip
        tasks.snooze_task(
            s,
            nurse,
            snoozed.id,
            clinic_today() + timedelta(days=5),
            self.v("task.snooze_reason", 2000),
        )
        done = interventions.add_goal_task(
            s, nurse, goal.id, title=self.v("task.done_title", 200),
            due_on=clinic_today(), owner_user_id=nurse.id,
        )  # fmt: skip
        tasks.complete_task(s, nurse, done.id, self.v("task.outcome_note", 2000))
        held = interventions.add_goal_task(
            s, nurse, goal.id, title=self.v("task.held_title", 200),
            due_on=clinic_today() + timedelta(days=9), owner_user_id=nurse.id,
        )  # fmt: skip
        tasks.set_task_status(
            s, nurse, held.id, TaskStatus.ON_HOLD, reason=self.v("task.status_reason")
        )
        self.out.ids |= {
            "plan": plan.id,
            "goal": goal.id,
            "task": owned.id,
            "family_task": family_task.id,
        }
        for kind in ("need", "strength", "barrier"):
            concerns.add_concern(s, nurse, plan.id, kind, self.v(f"concern.{kind}", lines=True))
        gone = concerns.add_concern(s, nurse, plan.id, "need", self.v("concern.archived"))
        concerns.archive_concern(
            s, nurse, gone.id, self.v("concern.archive_reason"), expected_version=gone.version
        )
        team.add_team_member(
            s,
            nurse,
            plan.id,
            "specialist",
            name=self.v("team.name", 200),
            organisation=self.v("team.organisation", 200),
            phone="(617) 555-0177",
        )
        team.add_team_member(s, nurse, plan.id, "social worker", user_id=self.colleague.id)
        reviews.record_review(
            s,
            nurse,
            plan.id,
            progress={goal.id: (Achievement.IMPROVING.value, self.v("review.progress_note"))},
            next_review_on=clinic_today() + timedelta(days=30),
            note=self.v("review.note", lines=True, long=True),
        )
        teaching.record_teach_back(
            s,
            nurse,
            pid,
            TeachBackInput(
                topic=self.v("teach.topic", 200),
                learner="caregiver",
                learner_name=self.v("teach.learner_name", 200),
                language=self.v("teach.language", 40),
                method=TeachMethod.DEMONSTRATION.value,
                materials=self.v("teach.materials"),
                result=TeachResult.REINFORCE.value,
                follow_up_on=clinic_today() + timedelta(days=7),
                goal_id=goal.id,
                note=self.v("teach.note", lines=True),
            ),
        )
        stay = transitions.record_transition(
            s,
            nurse,
            pid,
            facility=self.v("transition.facility", 200),
            admitted_on=clinic_today() - timedelta(days=10),
            reason=self.v("transition.reason", lines=True),
            lace=11,
            lace_source="computed",
        )
        first = stay.items[0]
        transitions.save_checklist(
            s, nurse, stay.id, {first.id: ("not applicable", self.v("transition.item_reason"))}
        )
        placement = transitions.add_placement(
            s,
            nurse,
            pid,
            facility=self.v("placement.facility", 200),
            applied_on=clinic_today() - timedelta(days=3),
            social_worker_id=self.worker.id,
            notes=self.v("placement.notes", lines=True),
        )
        transitions.update_placement(
            s, nurse, placement.id, status="waitlisted",
            notes=self.v("placement.notes_updated", long=True), expected_version=placement.version,
        )  # fmt: skip
        self.out.ids["transition"] = stay.id

    # ------------------------------------------------------------------ contacts

    def safety(self) -> None:
        """The patient's urgent safety follow-up, worked through and completed (the
        assessment, the safety plan, who was told, the outcome); and a second patient whose
        follow-up is still open (on My day, with the crisis lines)."""
        from services.patients import registry
        from services.patients.registry import PatientInput
        from services.safety import followups, plans
        from services.safety.assessment import AssessmentInput
        from services.safety.followups import NotificationInput
        from services.safety.plans import SafetyPlanInput

        s, nurse, pid = self.s, self.nurse, self.out.patient_id
        follow_up = followups.raise_follow_up(
            s, nurse, patient_id=pid, concern=SafetyConcern.SUICIDE_RISK,
            reason=self.v("safety.reason", 300), owner_user_id=nurse.id,
        )  # fmt: skip
        followups.record_assessment(
            s,
            nurse,
            follow_up.id,
            AssessmentInput(
                answers={
                    "thoughts": "wishes to be dead, no active thoughts",
                    "plan": "no",
                    "intent": "no",
                    "means": "no",
                    "past_attempt": "never",
                },
                protective_factors=self.v("assessment.protective_factors", 2000, lines=True),
                risk_level="moderate",
                note=self.v("assessment.note", 2000, lines=True),
            ),
        )
        plans.save_plan(
            s,
            nurse,
            pid,
            SafetyPlanInput(
                warning_signs=self.v("safety_plan.warning_signs", 2000, lines=True),
                coping_strategies=self.v("safety_plan.coping_strategies", 2000, lines=True),
                people_and_places=self.v("safety_plan.people_and_places", 2000, lines=True),
                professionals=self.v("safety_plan.professionals", 2000, lines=True),
                means_safety=self.v("safety_plan.means_safety", 2000, lines=True),
            ),
            expected_version=None,
        )
        followups.notify(
            s,
            nurse,
            follow_up.id,
            NotificationInput(
                staff_user_id=self.colleague.id, summary=self.v("notify.summary", 2000)
            ),
        )
        followups.complete(
            s, nurse, follow_up.id, SafetyOutcome.PLAN_IN_PLACE.value,
            self.v("safety.outcome_note", 2000, lines=True),
        )  # fmt: skip
        second = registry.register_patient(
            s,
            nurse,
            PatientInput(
                given_name=self.v("patient2.given_name", 100),
                family_name="Injection",
                birth_date=date(1951, 7, 8),
                primary_case_manager_id=nurse.id,
            ),
            region=self.region,
        )
        still_open = followups.raise_follow_up(
            s, nurse, patient_id=second.id, concern=SafetyConcern.INTERPERSONAL,
            reason=self.v("safety.open_reason", 300), owner_user_id=nurse.id,
        )  # fmt: skip
        self.out.ids |= {
            "follow_up": follow_up.id,
            "second_patient": second.id,
            "open_follow_up": still_open.id,
        }
        self.out.second_mrn = second.mrn

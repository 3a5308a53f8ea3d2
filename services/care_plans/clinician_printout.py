"""The clinician version of the printed plan: everything on it, in tables, for the chart
and the team."""

from __future__ import annotations

from datetime import date

from db.base import today
from db.models import ChecklistState, OwnerKind
from services.care_plans.rows import PlanView, TaskRow
from services.core.clock import us_date
from services.core.contact_data import display_phone
from services.core.pdf_document import OPEN, Document

PLAN_LEVEL = {"care_plan": "whole plan", "teach_back": "teach again"}


def _owner(task: TaskRow, users: dict[int, str]) -> str:
    if task.owner_kind == OwnerKind.STAFF:
        return users.get(task.owner_user_id, "")
    return task.owner_name or ""


def clinician_pdf(
    view: PlanView, *, users: dict[int, str] | None = None, on: date | None = None
) -> bytes:
    """Everything on the plan, in tables, for the chart and the team."""
    users = users or {}
    on = on or today()
    plan, patient = view.plan, view.patient
    pdf = Document(f"Care plan · {patient.display_name} · MRN {patient.mrn} · CONFIDENTIAL")
    size = 9.5
    pdf.heading(f"Care plan: {patient.display_name}", 18)
    pdf.para(
        f"MRN {patient.mrn} · born {us_date(patient.birth_date)} · language {patient.preferred_language}"
        f"{' (interpreter)' if patient.interpreter_needed else ''} · printed {on}",
        size,
    )
    if plan is None:
        pdf.para("No care plan.", size)
        return bytes(pdf.output())
    pdf.para(
        f"{plan.title} · status {plan.status} · start {us_date(plan.start_on)} · end {us_date(plan.end_on) or '-'} · "
        f"next review {us_date(plan.next_review_on) or '-'} · author {users.get(plan.author_id, '')}",
        size,
    )
    pdf.heading("Goals", 13)
    pdf.rows(
        ("#", "In their words (who)", "Measurable goal", "Target", "Status", "Progress", "Source"),
        [
            (
                g.priority_rank,
                f"{g.patients_words or ''} ({g.said_by_name or g.said_by})",
                g.description,
                g.target_on or "",
                g.lifecycle_status,
                g.achievement_status,
                (g.source_label or "") + (" · on patient's plan" if g.for_patient else ""),
            )
            for g in view.goals
        ],
        size,
        widths=(4, 27, 27, 15, 12, 15, 11),  # dates and one-word statuses on one line
    )
    if view.options:
        goals_by_id = {g.id: g for g in view.goals}
        pdf.heading("Options discussed", 13)
        pdf.rows(
            ("Goal", "Options", "Preference", "Reasons", "Decision", "On"),
            [
                (
                    goals_by_id[o.goal_id].description[:60],
                    o.options_discussed,
                    o.preference or "",
                    o.reasons or "",
                    o.decision or "",
                    o.discussed_on,
                )
                for o in view.options
            ],
            size,
        )
    pdf.heading("Needs, strengths and barriers", 13)
    pdf.rows(
        ("Kind", "Text", "From"),
        [(c.kind, c.text, c.source_label or "") for c in view.concerns]
        or [("-", "None recorded", "")],
        size,
        widths=(15, 60, 25),
    )
    goal_of = view.task_goal_map()
    pdf.heading("Interventions and tasks", 13)
    pdf.rows(
        ("Due", "Task", "Goal", "Owner", "Status", "Repeat"),
        [
            (
                f"{us_date(t.due_on)}{' OVERDUE' if t.status in OPEN and t.due_on < on else ''}",
                t.title,
                goal_of[t.id].description[:50]
                if t.id in goal_of
                else PLAN_LEVEL.get(t.source_kind or "", ""),
                f"{_owner(t, users)} ({t.owner_kind})",
                f"{t.status}{': ' + t.status_reason if t.status_reason else ''}",
                f"every {t.repeat_every_days} d" if t.repeat_every_days else "",
            )
            for t in view.tasks
        ]
        or [("-", "No tasks", "", "", "", "")],
        size,
        widths=(15, 27, 20, 18, 13, 9),
    )
    pdf.heading("Care team", 13)
    pdf.rows(
        ("Role", "Member", "Phone"),
        [(m.role, m.label, display_phone(m.phone)) for m in view.team] or [("-", "No members", "")],
        size,
    )
    pdf.heading("Reviews", 13)
    for r in view.reviews:
        pdf.para(
            f"{r.reviewed_on} by {users.get(r.reviewer_id, '')}: {r.note or ''} "
            f"(next {us_date(r.next_review_on)})",
            size,
            bold=True,
        )
        for p in r.progress:
            goal = next((g for g in view.goals if g.id == p.goal_id), None)
            what = goal.description[:70] if goal else p.goal_id
            pdf.para(f"- {what}: {p.achievement_status} {p.note or ''}", size, indent=4)
    if not view.reviews:
        pdf.para("No reviews yet.", size)
    pdf.heading("Teach-back education log", 13)
    pdf.rows(
        ("On", "Topic", "Learner", "Language", "Method", "Materials", "Result", "Follow-up"),
        [
            (
                tb.taught_on,
                tb.topic,
                tb.learner_label,
                f"{tb.language}{' + interpreter' if tb.interpreter_used else ''}",
                tb.method,
                tb.materials or "",
                tb.result,
                tb.follow_up_on or "",
            )
            for tb in view.teach_backs
        ]
        or [("-", "Nothing taught yet", "", "", "", "", "", "")],
        size - 1,
    )
    pdf.heading("Transitions", 13)
    for t in view.transitions:
        pdf.para(
            f"{t.facility}: admitted {us_date(t.admitted_on)}, discharged {us_date(t.discharged_on) or '-'}, "
            f"LACE {t.lace_score if t.lace_score is not None else '-'}, {t.status}. {t.reason or ''}",
            size,
            bold=True,
        )
        for item in t.items:
            mark = {ChecklistState.DONE: "[x]", ChecklistState.NOT_APPLICABLE: "[n/a]"}.get(
                item.state, "[ ]"
            )
            pdf.para(f"{mark} {item.label} {item.reason or ''}", size, indent=4)
    if not view.transitions:
        pdf.para("No transitions recorded.", size)
    if view.placements:
        pdf.heading("Long-term-care placement", 13)
        pdf.rows(
            ("Facility", "Applied", "Status", "Social worker", "Notes"),
            [
                (
                    p.facility,
                    p.applied_on,
                    p.status,
                    users.get(p.social_worker_id, ""),
                    p.notes or "",
                )
                for p in view.placements
            ],
            size,
        )
    return bytes(pdf.output())

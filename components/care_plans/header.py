"""Choosing the patient, the plan's header, starting and editing the living plan."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.care_plans.common import opened_version, show_conflict, submit
from components.shared.forms import DATE_INPUT, field_errors, fit, section, show_field_error
from components.shared.text import esc, isolate
from db.models import PlanStatus
from services.care_plans.actions import plan as plan_actions
from services.care_plans.interventions import OPEN_TASK
from services.care_plans.plans import PlanInput
from services.care_plans.rows import PlanView
from services.core.clock import us_date
from services.core.identity import Actor
from services.core.text import us_spelling
from services.patients.briefs import PatientBrief


def pick_patient(
    results: list[PatientBrief], query: str, current: PatientBrief | None
) -> int | None:
    """A selectbox of search results. With no search, the patient already open stays chosen."""
    shown = list(results)
    if current is not None and not query.strip() and current.id not in {p.id for p in shown}:
        shown.insert(0, current)
    if not shown:
        st.info("No patients match. Try part of the name, the MRN or the date of birth.")
        return None
    labels = {p.id: p.label for p in shown}
    ids = list(labels)
    index = ids.index(current.id) if current is not None and current.id in ids else 0
    return st.selectbox(
        "Patient",
        ids,
        index=index,
        format_func=lambda i: labels[i],
        # A new search starts a new list, so the first match is chosen.
        key=f"cp_patient_select_{abs(hash(query.strip().lower()))}",
    )


def header(view: PlanView, users: dict[int, str]) -> None:
    plan = view.plan
    p = view.patient
    st.text(
        f"{isolate(p.display_name)} · MRN {p.mrn} · born {us_date(p.birth_date)} · {p.preferred_language}"
        f"{' (interpreter)' if p.interpreter_needed else ''}"
    )
    if plan is None:
        return
    open_tasks = [t for t in view.tasks if t.status in OPEN_TASK]
    overdue = sum(1 for t in open_tasks if t.due_on < date.today())
    # The status and dates as words that wrap: as large metrics in fifths of the page,
    # "Aug 23, 2026" was cut to "Aug 23, 2…" on a laptop. The counts stay large.
    words, tasks_open, tasks_overdue = st.columns([3, 1, 1], vertical_alignment="bottom")
    words.markdown(
        f"**{esc(str(plan.status).capitalize())} plan** · started {us_date(plan.start_on)}"
        f" · next review {us_date(plan.next_review_on) or 'not set'}"
    )
    tasks_open.metric("Open tasks", len(open_tasks))
    tasks_overdue.metric("Overdue", overdue)
    st.caption(f"Author: {esc(users.get(plan.author_id, '-'))} · plan version {plan.version}")
    if not plan.is_current:
        st.warning("This is an earlier plan, kept as history. It is read only.")


def start_plan_form(actor: Actor, patient_id: int) -> None:
    errors = field_errors("cp_start")
    with st.form("cp_start"):
        st.write("This patient has no living care plan yet.")
        title = st.text_input("Plan title", value="Care plan", max_chars=200)
        start_on = st.date_input("Start date", value=date.today(), format=DATE_INPUT)
        show_field_error(errors, "plan")
        show_field_error(errors, "next_review_on")
        if st.form_submit_button("Start care plan", type="primary"):
            submit(
                "cp_start",
                plan_actions.start_plan,
                actor,
                patient_id,
                start_on=start_on,
                title=title,
                success="Care plan started.",
            )


def edit_plan_form(actor: Actor, view: PlanView) -> None:
    plan = view.plan
    vkey = f"plan_{plan.id}"
    version = opened_version(vkey, plan.version)
    show_conflict("cp_plan", vkey)
    errors = field_errors("cp_plan")
    data = PlanInput.of(plan)
    with (
        section("Plan details and status", "cp_plan_open", open_now=bool(errors)),
        st.form("cp_plan"),
    ):
        title = st.text_input("Plan title", value=data.title, max_chars=fit(200, data.title))
        statuses = [s.value for s in PlanStatus]
        status = st.selectbox(
            "Plan status",
            statuses,
            index=statuses.index(plan.status),
            format_func=us_spelling,
        )
        show_field_error(errors, "status")
        reason = st.text_input(
            "Reason (needed for on hold or revoked)",
            value=data.status_reason,
            max_chars=fit(1000, data.status_reason),
        )
        show_field_error(errors, "status_reason")
        c1, c2, c3 = st.columns(3)
        start_on = c1.date_input("Start date", value=data.start_on, format=DATE_INPUT)
        end_on = c2.date_input("End date", value=data.end_on, format=DATE_INPUT)
        review = c3.date_input("Next review", value=data.next_review_on, format=DATE_INPUT)
        for f in ("start_on", "end_on", "next_review_on", "plan"):
            show_field_error(errors, f)
        if st.form_submit_button("Save plan details"):
            submit(
                "cp_plan",
                plan_actions.save_plan_details,
                actor,
                plan.id,
                PlanInput(title, status, reason, start_on, end_on, review),
                expected_version=version,
                version_key=vkey,
                success="Plan saved.",
            )

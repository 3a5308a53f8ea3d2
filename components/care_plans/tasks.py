"""Interventions and tasks under goals: owners, due dates, repeats; overdue ones stand out."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from components.care_plans.common import (
    opened_version,
    patient_print_fields,
    show_conflict,
    submit,
)
from components.care_plans.goals import goal_label
from components.shared.forms import (
    DATE_INPUT,
    field_errors,
    fit,
    form_key,
    section,
    show_field_error,
)
from components.shared.text import as_text
from db.models import OwnerKind, TaskStatus
from services.care_plans.actions import goals as goal_actions
from services.care_plans.interventions import OPEN_TASK
from services.care_plans.rows import PlanView
from services.core.clock import us_date
from services.core.identity import Actor
from services.core.text import us_spelling

OWNER_KINDS = [k.value for k in OwnerKind]
PLAN_LEVEL = {"care_plan": "Whole plan", "teach_back": "Teach again"}
STATUSES = [s.value for s in TaskStatus]


def task_rows(view: PlanView, users: dict[int, str], on: date) -> list[dict]:
    goal_of = view.task_goal_map()
    rows = []
    for t in view.tasks:
        is_open = t.status in OPEN_TASK
        rows.append(
            {
                "Due": t.due_on,
                "When": (
                    "⚠ OVERDUE"
                    if is_open and t.due_on < on
                    else "today"
                    if is_open and t.due_on == on
                    else ""
                ),
                "Task": t.title,
                "Goal": goal_of[t.id].description
                if t.id in goal_of
                else PLAN_LEVEL.get(t.source_kind, ""),
                "Owner": users.get(t.owner_user_id, "") if t.owner_user_id else t.owner_name,
                "Owner is": str(t.owner_kind),
                "Status": us_spelling(t.status),
                "Reason": t.status_reason or "",
                "Repeats": f"every {t.repeat_every_days} days" if t.repeat_every_days else "",
                "Done": t.done_at.date() if t.done_at else None,
            }
        )
    return rows


def tasks_section(actor: Actor, view: PlanView, users: dict[int, str], can_edit: bool) -> None:
    st.header("Interventions and tasks")
    on = date.today()
    show_done = st.toggle("Show completed and canceled tasks", key="cp_show_done")
    rows = [r for r in task_rows(view, users, on) if show_done or r["Status"] in OPEN_TASK]
    overdue = sum(1 for r in rows if r["When"] == "⚠ OVERDUE")
    if overdue:
        st.error(f"{overdue} task(s) overdue.", icon=":material/priority_high:")
    if rows:
        # Overdue first and flagged; a Styler would color rows but costs ~0.3 s at 300 tasks.
        rows.sort(key=lambda r: (r["When"] != "⚠ OVERDUE", r["Due"]))
        st.dataframe(
            pd.DataFrame(rows),
            hide_index=True,
            width="stretch",
            column_config={"When": st.column_config.TextColumn("When", help="OVERDUE = past due")},
            alt="Interventions and tasks",
        )
        as_text(rows, what="Interventions and tasks")
    else:
        st.caption("No open tasks.")
    if not (can_edit and view.plan.is_current and view.goals):
        if can_edit and view.plan.is_current:
            st.caption("Add a goal first: tasks hang under goals.")
        return
    _add_task(actor, view, users)
    _edit_task(actor, view, users)


CLINICAL_ROLES = ("nurse", "social_worker")


def default_owner(actor: Actor, view: PlanView, users: dict[int, str]) -> int | None:
    """A new task is the signed-in case manager's; anyone else's go to the patient's own."""
    if actor.role in CLINICAL_ROLES and actor.id in users:
        return actor.id
    manager = view.patient.primary_case_manager_id
    return manager if manager in users else (actor.id if actor.id in users else None)


def _owner_fields(form: str, users: dict[int, str], kind: str, user_id, name: str):
    c1, c2 = st.columns(2)
    kind = c1.selectbox("Owner is", OWNER_KINDS, index=OWNER_KINDS.index(kind), key=f"{form}_ok")
    staff = list(users)
    user_id = c2.selectbox(
        "Staff owner",
        staff,
        index=staff.index(user_id) if user_id in staff else None,
        format_func=lambda i: users[i],
        key=f"{form}_ou",
        placeholder="Choose the staff member",
    )
    name = st.text_input(
        "Owner's name (outside contact, patient or family member)",
        value=name or "",
        key=f"{form}_on",
        max_chars=fit(200, name or ""),
    )
    return kind, user_id, name


def _add_task(actor: Actor, view: PlanView, users: dict[int, str]) -> None:
    by_id = {g.id: g for g in view.goals}
    errors = field_errors("cp_task_add")
    form = form_key("cp_task_add")
    owner = default_owner(actor, view, users)
    with section("Add a task", "cp_task_add_open", open_now=bool(errors)), st.form(form):
        goal_id = st.selectbox(
            "Under goal", list(by_id), format_func=lambda i: goal_label(by_id[i])
        )
        title = st.text_input("What needs doing", max_chars=200)
        show_field_error(errors, "title")
        kind, user_id, name = _owner_fields(form, users, OwnerKind.STAFF, owner, "")
        show_field_error(errors, "owner")
        c1, c2 = st.columns(2)
        due_on = c1.date_input(
            "Due date", value=date.today() + timedelta(days=7), format=DATE_INPUT
        )
        show_field_error(errors, "due_on")
        repeat = c2.number_input(
            "Repeat every (days, 0 = once)", min_value=0, max_value=365, value=0
        )
        show_field_error(errors, "repeat_every_days")
        for_patient, wording = patient_print_fields(form, False, {})
        show_field_error(errors, "for_patient")
        if st.form_submit_button("Add task", type="primary"):
            submit(
                "cp_task_add",
                goal_actions.add_task,
                actor,
                goal_id,
                title=title,
                due_on=due_on,
                owner_kind=kind,
                owner_user_id=user_id if kind == OwnerKind.STAFF else None,
                owner_name=name,
                repeat_every_days=int(repeat) or None,
                for_patient=for_patient,
                wording=wording,
                success="Task added.",
                clear="cp_task_add",
            )


def _edit_task(actor: Actor, view: PlanView, users: dict[int, str]) -> None:
    tasks = {t.id: t for t in view.tasks if t.status in OPEN_TASK}
    if not tasks:
        return
    with section("Update a task (done, on hold, owner, date)", "cp_task_edit_open"):
        task_id = st.selectbox(
            "Task",
            list(tasks),
            format_func=lambda i: f"{us_date(tasks[i].due_on)} · {tasks[i].title}"[:120],
            key="cp_task_pick",
        )
        task = tasks[task_id]
        vkey = f"task_{task.id}"
        version = opened_version(vkey, task.version)
        form = f"cp_task_edit_{task.id}"
        show_conflict(form, vkey)
        errors = field_errors(form)
        with st.form(form):
            title = st.text_input(
                "What needs doing",
                value=task.title,
                key=f"{form}_t",
                max_chars=fit(200, task.title),
            )
            show_field_error(errors, "title")
            kind, user_id, name = _owner_fields(
                form, users, task.owner_kind, task.owner_user_id, task.owner_name
            )
            show_field_error(errors, "owner")
            c1, c2 = st.columns(2)
            due_on = c1.date_input(
                "Due date", value=task.due_on, format=DATE_INPUT, key=f"{form}_d"
            )
            show_field_error(errors, "due_on")
            status = c2.selectbox(
                "Status",
                STATUSES,
                index=STATUSES.index(task.status),
                key=f"{form}_s",
                format_func=us_spelling,
            )
            reason = st.text_input(
                "Reason (needed for on hold or canceled)",
                value=task.status_reason or "",
                key=f"{form}_r",
                max_chars=fit(1000, task.status_reason or ""),
            )
            show_field_error(errors, "status_reason")
            for_patient, wording = patient_print_fields(form, task.for_patient, task.wording)
            show_field_error(errors, "for_patient")
            if st.form_submit_button("Save task"):
                submit(
                    form,
                    goal_actions.save_task,
                    actor,
                    task.id,
                    title=title,
                    due_on=due_on,
                    owner_kind=kind,
                    owner_user_id=user_id if kind == OwnerKind.STAFF else None,
                    owner_name=name,
                    status=status,
                    status_reason=reason,
                    expected_version=version,
                    for_patient=for_patient,
                    wording=wording,
                    version_key=vkey,
                    success="Task saved.",
                )

        st.page_link(
            "pages/calendar.py",
            label="Book an appointment for this task",
            icon=":material/calendar_month:",
            query_params={"patient": str(view.plan.patient_id), "task": str(task.id)},
        )

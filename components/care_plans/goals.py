"""Goals first: the list, a goal in the patient's words, edits, options, templates."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from components.care_plans.common import (
    opened_version,
    patient_print_fields,
    show_conflict,
    submit,
    table,
)
from components.shared.forms import (
    DATE_INPUT,
    field_errors,
    fit,
    form_key,
    section,
    show_field_error,
)
from components.shared.text import DATE_FORMAT, esc
from db.models import Achievement, GoalLifecycle, SaidBy
from services.care_plans.actions import goals as goal_actions
from services.care_plans.goals import GoalInput
from services.care_plans.interventions import OPEN_TASK
from services.care_plans.rows import GoalRow, PlanView
from services.core.identity import Actor
from services.core.text import us_spelling

LIFECYCLE = [s.value for s in GoalLifecycle]
ACHIEVEMENT = [s.value for s in Achievement]


def goal_rows(view: PlanView) -> list[dict]:
    open_by_goal: dict[int, int] = {}
    for t in view.tasks:
        if t.source_kind == "goal" and t.status in OPEN_TASK:
            open_by_goal[t.source_id] = open_by_goal.get(t.source_id, 0) + 1
    return [
        {
            "Rank": g.priority_rank,
            "In their words": g.patients_words or "(ask the patient)",
            "Said by": (g.said_by_name or g.said_by) if g.patients_words else "",
            "Measurable goal": g.description,
            "Target": g.target_on,
            "Status": us_spelling(g.lifecycle_status),
            "Progress": str(g.achievement_status),
            "Open tasks": open_by_goal.get(g.id, 0),
            "On patient's plan": "yes" if g.for_patient else "",
            "From": g.source_label,
        }
        for g in view.goals
    ]


def goal_label(g: GoalRow) -> str:
    words = f"“{g.patients_words}” → " if g.patients_words else ""
    return f"{g.priority_rank}. {words}{g.description}"[:140]


def _goal_fields(form: str, data: GoalInput, errors: dict, plan_start: date) -> GoalInput:
    words = st.text_area(
        "In their own words: what did they say they want?",
        value=data.patients_words,
        help="Write it the way they said it, e.g. “I want to walk my dog again”.",
        key=f"{form}_words",
        max_chars=fit(2000, data.patients_words),
    )
    show_field_error(errors, "patients_words")
    c1, c2 = st.columns(2)
    said_by = c1.radio(
        "Who said it",
        [s.value for s in SaidBy],
        index=[s.value for s in SaidBy].index(data.said_by),
        horizontal=True,
        key=f"{form}_said_by",
    )
    said_by_name = c2.text_input(
        "Caregiver's name (if a caregiver said it)",
        value=data.said_by_name,
        key=f"{form}_name",
        max_chars=fit(200, data.said_by_name),
    )
    show_field_error(errors, "said_by_name")
    description = st.text_input(
        "Measurable goal: what will be different, and how will you know?",
        value=data.description,
        key=f"{form}_desc",
        max_chars=fit(2000, data.description),
    )
    show_field_error(errors, "description")
    c1, c2, c3 = st.columns(3)
    target_on = c1.date_input(
        "Target date",
        value=data.target_on or max(date.today(), plan_start) + timedelta(days=90),
        format=DATE_INPUT,
        key=f"{form}_target",
    )
    rank = c2.number_input(
        "Patient's priority (1 = matters most)",
        min_value=1,
        max_value=99,
        value=int(data.priority_rank),
        key=f"{form}_rank",
    )
    lifecycle = c3.selectbox(
        "Goal status",
        LIFECYCLE,
        index=LIFECYCLE.index(data.lifecycle_status),
        key=f"{form}_life",
        format_func=us_spelling,
    )
    show_field_error(errors, "target_on")
    show_field_error(errors, "priority_rank")
    show_field_error(errors, "lifecycle_status")
    achievement = st.selectbox(
        "Progress",
        ACHIEVEMENT,
        index=ACHIEVEMENT.index(data.achievement_status),
        key=f"{form}_ach",
    )
    reason = st.text_input(
        "Reason (needed when canceling)",
        value=data.status_reason,
        key=f"{form}_reason",
        max_chars=fit(1000, data.status_reason),
    )
    show_field_error(errors, "status_reason")
    return GoalInput(
        description=description,
        patients_words=words,
        said_by=said_by,
        said_by_name=said_by_name,
        target_on=target_on,
        priority_rank=int(rank),
        lifecycle_status=lifecycle,
        achievement_status=achievement,
        status_reason=reason,
        source_kind=data.source_kind,
        source_id=data.source_id,
    )


def goals_section(actor: Actor, view: PlanView, can_edit: bool) -> None:
    st.header("Goals")
    table(
        goal_rows(view),
        "No goals yet. Start with what the patient wants, in their words.",
        alt="Goals",
        readable=True,
    )
    if not (can_edit and view.plan.is_current):
        return
    plan = view.plan
    errors = field_errors("cp_goal_add")
    form = form_key("cp_goal_add")
    with (
        section(
            "Add a goal in the patient's words",
            "cp_goal_add_open",
            expanded=not view.goals,
            open_now=bool(errors),
        ),
        st.form(form),
    ):
        data = _goal_fields(
            form, GoalInput(lifecycle_status=GoalLifecycle.ACTIVE), errors, plan.start_on
        )
        show_field_error(errors, "plan")
        for_patient, wording = patient_print_fields(form, True, {})
        if st.form_submit_button("Add goal", type="primary"):
            submit(
                "cp_goal_add", goal_actions.add_goal, actor, plan.id, data,
                for_patient=for_patient, wording=wording, success="Goal added.",
                clear="cp_goal_add",
            )  # fmt: skip
    if view.goals:
        _edit_goal(actor, view)
        _options(actor, view)
    _templates(actor, view)


def _edit_goal(actor: Actor, view: PlanView) -> None:
    by_id = {g.id: g for g in view.goals}
    with section("Edit a goal", "cp_goal_edit_open"):
        goal_id = st.selectbox(
            "Goal to edit",
            list(by_id),
            format_func=lambda i: goal_label(by_id[i]),
            key="cp_edit_pick",
        )
        goal = by_id[goal_id]
        vkey = f"goal_{goal.id}"
        version = opened_version(vkey, goal.version)
        form = f"cp_goal_edit_{goal.id}"
        show_conflict(form, vkey)
        errors = field_errors(form)
        with st.form(form):
            data = _goal_fields(form, GoalInput.of(goal), errors, view.plan.start_on)
            for_patient, wording = patient_print_fields(form, goal.for_patient, goal.wording)
            if st.form_submit_button("Save goal"):
                submit(
                    form,
                    goal_actions.save_goal,
                    actor,
                    goal.id,
                    data,
                    expected_version=version,
                    for_patient=for_patient,
                    wording=wording,
                    version_key=vkey,
                    success="Goal saved.",
                )


def _options(actor: Actor, view: PlanView) -> None:
    by_id = {g.id: g for g in view.goals}
    with section("Options discussed (the patient's choice, written down)", "cp_options_open"):
        rows = [
            {
                "On": o.discussed_on,
                "Goal": by_id[o.goal_id].description,
                "Options": o.options_discussed,
                "Preference": o.preference or "",
                "Reasons": o.reasons or "",
                "Decision": o.decision or "",
            }
            for o in view.options
        ]
        table(rows, "No options conversations recorded yet.", alt="Options conversations")
        errors = field_errors("cp_options")
        with st.form(form_key("cp_options")):
            goal_id = st.selectbox(
                "For goal", list(by_id), format_func=lambda i: goal_label(by_id[i])
            )
            options = st.text_area("Options discussed (one per line)", max_chars=2000)
            show_field_error(errors, "options_discussed")
            preference = st.text_input("What the patient prefers", max_chars=2000)
            reasons = st.text_area("Their reasons", max_chars=2000)
            show_field_error(errors, "reasons")
            decision = st.text_input("Decision", max_chars=2000)
            if st.form_submit_button("Record the conversation"):
                submit(
                    "cp_options",
                    goal_actions.record_options,
                    actor,
                    goal_id,
                    options_discussed=options,
                    preference=preference,
                    reasons=reasons,
                    decision=decision,
                    success="Options conversation recorded.",
                    clear="cp_options",
                )


def _templates(actor: Actor, view: PlanView) -> None:
    plan = view.plan
    state_key = f"_cp_tpl_{plan.id}"
    with section("Start from a template", "cp_tpl_open", open_now=state_key in st.session_state):
        choices = goal_actions.template_choices(actor)
        key = st.selectbox(
            "Template", list(choices), format_func=lambda k: choices[k], key="cp_tpl_pick"
        )
        if st.button("Preview template", key="cp_tpl_preview"):
            st.session_state[state_key] = (key, goal_actions.preview_template(actor, plan.id, key))
        if state_key not in st.session_state:
            return
        key, items = st.session_state[state_key]
        st.caption(
            "Untick anything that does not fit this patient and edit the wording. "
            "Goals arrive as proposed until you add the patient's own words. "
            "Items already on the plan are unticked; leaving out a goal leaves out its tasks."
        )
        errors = field_errors("cp_tpl")
        frame = pd.DataFrame(
            [
                {
                    "Add": i["include"],
                    "Kind": i["kind"],
                    "Text": i["text"],
                    "Date": i["date"],
                    "Owner": i["owner_name"]
                    or ("case manager (you)" if i["owner"] == "case_manager" else ""),
                    "Already on plan": i["already_on_plan"],
                }
                for i in items
            ]
        )
        edited = st.data_editor(
            frame,
            hide_index=True,
            width="stretch",
            disabled=["Kind", "Already on plan"],
            column_config={"Date": st.column_config.DateColumn("Date", format=DATE_FORMAT)},
            key=f"cp_tpl_editor_{plan.id}_{key}",
            alt="The template's goals and tasks to add: untick what does not fit",
        )
        for field, message in errors.items():
            st.error(esc(f"{field.removeprefix('item.')}: {message}"))
        c1, c2 = st.columns(2)
        if c1.button("Add the ticked items to the plan", type="primary", key="cp_tpl_apply"):
            for item, (_, row) in zip(items, edited.iterrows(), strict=True):
                item["include"] = bool(row["Add"])
                item["text"] = "" if pd.isna(row["Text"]) else str(row["Text"])
                item["date"] = None if pd.isna(row["Date"]) else pd.Timestamp(row["Date"]).date()
                if item["kind"] == "task" and item["owner"] != "case_manager":
                    item["owner_name"] = str(row["Owner"])
            st.session_state[state_key] = (key, items)
            added = submit(
                "cp_tpl",
                goal_actions.add_template_items,
                actor,
                plan.id,
                key,
                items,
                rerun=False,
                success="Template added.",
            )
            if added is not None:
                st.session_state.pop(state_key, None)
                st.rerun()
        if c2.button("Cancel", key="cp_tpl_cancel"):
            st.session_state.pop(state_key, None)
            st.rerun()

"""Teach-back education log; a topic that needs reinforcement becomes a task."""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from components.care_plans.common import submit, table
from components.care_plans.goals import goal_label
from components.shared.forms import (
    DATE_INPUT,
    field_errors,
    fit,
    form_key,
    section,
    show_field_error,
)
from db.models import SaidBy, TeachMethod, TeachResult
from services.care_plans.actions import teaching as teaching_actions
from services.care_plans.rows import PlanView
from services.care_plans.teaching import NEEDS_TASK, TeachBackInput
from services.core.identity import Actor


def teaching_section(actor: Actor, view: PlanView, can_edit: bool) -> None:
    st.header("Teach-back education log")
    by_goal = {g.id: g for g in view.goals}
    rows = [
        {
            "Taught": tb.taught_on,
            "Topic": tb.topic,
            "Who": tb.learner_label,
            "Language": tb.language + (" + interpreter" if tb.interpreter_used else ""),
            "Method": str(tb.method),
            "Materials": tb.materials or "",
            "Result": str(tb.result),
            "Follow-up": tb.follow_up_on,
            "Goal": by_goal[tb.goal_id].description if tb.goal_id in by_goal else "",
            "Task made": "yes" if tb.task_id else "",
        }
        for tb in view.teach_backs
    ]
    table(rows, "Nothing taught yet.", alt="Teach-back log")
    if not (can_edit and view.plan.is_current):
        return
    errors = field_errors("cp_teach")
    patient = view.patient
    with (
        section("Record teaching", "cp_teach_open", open_now=bool(errors)),
        st.form(form_key("cp_teach")),
    ):
        topic = st.text_input("Topic (e.g. daily weights, inhaler use)", max_chars=200)
        show_field_error(errors, "topic")
        c1, c2 = st.columns(2)
        learner = c1.radio("Who was taught", [s.value for s in SaidBy], horizontal=True)
        learner_name = c2.text_input("Caregiver's name", max_chars=200)
        show_field_error(errors, "learner_name")
        c1, c2 = st.columns(2)
        language = c1.text_input(
            "Language",
            value=patient.preferred_language,
            max_chars=fit(40, patient.preferred_language),
        )
        show_field_error(errors, "language")
        interpreter = c2.checkbox("Interpreter used", value=patient.interpreter_needed)
        method = st.selectbox("Method", [m.value for m in TeachMethod])
        materials = st.text_input("Materials given", max_chars=2000)
        result = st.selectbox("Teach-back result", [r.value for r in TeachResult])
        c1, c2 = st.columns(2)
        follow_up = c1.date_input(
            "Follow-up date (needed if it must be taught again)",
            value=date.today() + timedelta(days=7),
            format=DATE_INPUT,
        )
        show_field_error(errors, "follow_up_on")
        goals = [None, *by_goal]
        goal_id = c2.selectbox(
            "Linked goal", goals, format_func=lambda i: "—" if i is None else goal_label(by_goal[i])
        )
        note = st.text_input("Note", max_chars=4000)
        if st.form_submit_button("Save teaching", type="primary"):
            submit(
                "cp_teach",
                teaching_actions.record_teaching,
                actor,
                patient.id,
                TeachBackInput(
                    topic=topic,
                    learner=learner,
                    learner_name=learner_name,
                    language=language,
                    interpreter_used=interpreter,
                    method=method,
                    materials=materials,
                    result=result,
                    follow_up_on=follow_up,
                    goal_id=goal_id,
                    note=note,
                ),
                success="Teaching recorded."
                + (" A task to teach it again was added." if result in NEEDS_TASK else ""),
                clear="cp_teach",
            )

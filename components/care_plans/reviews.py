"""Plan reviews: per-goal progress, the next review date, and the history."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from components.care_plans.common import opened_version, show_conflict, submit, table
from components.care_plans.goals import ACHIEVEMENT, goal_label
from components.shared.forms import DATE_INPUT, field_errors, form_key, section, show_field_error
from services.care_plans.actions import plan as plan_actions
from services.care_plans.goals import CLOSED_GOALS
from services.care_plans.rows import PlanView
from services.core.identity import Actor


def reviews_section(actor: Actor, view: PlanView, users: dict[int, str], can_edit: bool) -> None:
    st.header("Reviews")
    plan = view.plan
    goals = [g for g in view.goals if g.lifecycle_status not in CLOSED_GOALS]
    if can_edit and plan.is_current:
        vkey = f"plan_{plan.id}"
        version = opened_version(vkey, plan.version)
        show_conflict("cp_review", vkey)
        errors = field_errors("cp_review")
        form = form_key("cp_review")
        with (
            section("Record a review", "cp_review_open", open_now=bool(errors)),
            st.form(form),
        ):
            progress = {}
            for g in goals:
                st.text(goal_label(g))
                c1, c2 = st.columns([1, 2])
                status = c1.selectbox(
                    "Progress",
                    ACHIEVEMENT,
                    index=ACHIEVEMENT.index(g.achievement_status),
                    key=f"{form}_s_{g.id}",
                )
                note = c2.text_input("Note", key=f"{form}_n_{g.id}", max_chars=2000)
                show_field_error(errors, f"goal.{g.id}")
                progress[g.id] = (status, note)
            if not goals:
                st.caption("No open goals to review.")
            note = st.text_area("Review note", max_chars=4000)
            next_review = st.date_input(
                "Next review", value=date.today() + timedelta(days=30), format=DATE_INPUT
            )
            show_field_error(errors, "next_review_on")
            if st.form_submit_button("Save review", type="primary"):
                submit(
                    "cp_review",
                    plan_actions.record_review,
                    actor,
                    plan.id,
                    progress=progress,
                    next_review_on=next_review,
                    note=note,
                    expected_version=version,
                    version_key=vkey,
                    success="Review saved.",
                    clear="cp_review",
                )
    by_goal = {g.id: g for g in view.goals}
    rows = [
        {
            "Reviewed": r.reviewed_on,
            "By": users.get(r.reviewer_id, ""),
            "Goal": by_goal[p.goal_id].description if p.goal_id in by_goal else p.goal_id,
            "Progress": str(p.achievement_status),
            "Note": p.note or "",
            "Review note": r.note or "",
            "Next review": r.next_review_on,
        }
        for r in view.reviews
        for p in r.progress
    ]
    table(rows, "No reviews yet.", alt="Reviews of the plan")
    if rows:
        counts = pd.DataFrame(rows).groupby(["Reviewed", "Progress"]).size().unstack(fill_value=0)
        st.caption("Goal progress at each review")
        st.bar_chart(counts)

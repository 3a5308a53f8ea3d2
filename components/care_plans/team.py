"""Needs, strengths and barriers; the care team (staff or outside people)."""

from __future__ import annotations

import streamlit as st

from components.care_plans.common import submit, table
from components.shared.forms import field_errors, form_key, section, show_field_error
from db.models import ConcernKind, TeamRole
from services.care_plans.actions import team as team_actions
from services.care_plans.rows import PlanView
from services.core.identity import Actor


def needs_section(actor: Actor, view: PlanView, can_edit: bool) -> None:
    st.header("Needs, strengths and barriers")
    rows = [
        {
            "Kind": str(c.kind),
            "What": c.text,
            "From": c.source_label,
        }
        for c in view.concerns
    ]
    table(rows, "None recorded yet.", alt="Needs, strengths and barriers")
    if not (can_edit and view.plan.is_current):
        return
    errors = field_errors("cp_need")
    with (
        section("Add a need, strength or barrier", "cp_need_open", open_now=bool(errors)),
        st.form(form_key("cp_need")),
    ):
        kind = st.radio("Kind", [k.value for k in ConcernKind], horizontal=True)
        text = st.text_input("What", max_chars=2000)
        show_field_error(errors, "text")
        source = st.selectbox(
            "Found by an assessment (optional)",
            list(view.findings),
            index=None,
            format_func=view.findings.get,
            placeholder="Choose the assessment result behind it",
        )
        show_field_error(errors, "source")
        if st.form_submit_button("Add"):
            submit(
                "cp_need",
                team_actions.add_concern,
                actor,
                view.plan.id,
                kind,
                text,
                source_kind=source[0] if source else None,
                source_id=source[1] if source else None,
                success="Added.",
                clear="cp_need",
            )
    if view.concerns:
        by_id = {c.id: c for c in view.concerns}
        with (
            section("Take an item off the plan", "cp_need_archive_open"),
            st.form(form_key("cp_need_archive")),
        ):
            cid = st.selectbox(
                "Item", list(by_id), format_func=lambda i: f"{by_id[i].kind}: {by_id[i].text}"[:120]
            )
            reason = st.text_input("Why is it no longer on the plan?", max_chars=1000)
            errs = field_errors("cp_need_archive")
            show_field_error(errs, "reason")
            if st.form_submit_button("Take off the plan"):
                submit(
                    "cp_need_archive",
                    team_actions.take_concern_off_plan,
                    actor,
                    cid,
                    reason,
                    expected_version=by_id[cid].version,
                    success="Taken off the plan (kept in history).",
                    clear="cp_need_archive",
                )


def team_section(actor: Actor, view: PlanView, users: dict[int, str], can_edit: bool) -> None:
    st.header("Care team")
    rows = [
        {
            "Role": str(m.role),
            "Member": m.label,
            "Staff or outside": "staff" if m.user_id else "outside",
            "Phone": m.phone or "",
        }
        for m in view.team
    ]
    table(rows, "No team members yet.", alt="Care team")
    if not (can_edit and view.plan.is_current):
        return
    errors = field_errors("cp_team")
    with (
        section("Add a team member", "cp_team_open", open_now=bool(errors)),
        st.form(form_key("cp_team")),
    ):
        role = st.selectbox("Role", [r.value for r in TeamRole])
        show_field_error(errors, "role")
        staff = [None, *users]
        user_id = st.selectbox(
            "Staff member (or leave blank for an outside person)",
            staff,
            format_func=lambda i: "—" if i is None else users[i],
        )
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Outside person's name", max_chars=200)
        organisation = c2.text_input("Organization", max_chars=200)
        phone = c3.text_input("Phone", max_chars=40)
        show_field_error(errors, "member")
        if st.form_submit_button("Add to team"):
            submit(
                "cp_team",
                team_actions.add_team_member,
                actor,
                view.plan.id,
                role,
                user_id=user_id,
                name=name,
                organisation=organisation,
                phone=phone,
                success="Team member added.",
                clear="cp_team",
            )
    if view.team:
        by_id = {m.id: m for m in view.team}
        with (
            section("Remove a team member", "cp_team_remove_open"),
            st.form(form_key("cp_team_remove")),
        ):
            mid = st.selectbox(
                "Member",
                list(by_id),
                format_func=lambda i: f"{by_id[i].role}: {by_id[i].label}",
            )
            reason = st.text_input("Reason", max_chars=1000)
            show_field_error(field_errors("cp_team_remove"), "reason")
            if st.form_submit_button("Remove"):
                submit(
                    "cp_team_remove",
                    team_actions.remove_team_member,
                    actor,
                    mid,
                    reason,
                    expected_version=by_id[mid].version,
                    success="Removed from the team.",
                    clear="cp_team_remove",
                )

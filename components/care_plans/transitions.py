"""Transitions and discharge planning; the long-term-care placement tracker."""

from __future__ import annotations

from datetime import date

import streamlit as st

from components.care_plans.common import submit, table
from components.shared.forms import (
    DATE_INPUT,
    field_errors,
    fit,
    form_key,
    section,
    show_field_error,
)
from components.shared.text import esc, isolate
from db.models import ChecklistState, PlacementStatus, TransitionStatus
from services.care_plans.actions import transitions as transition_actions
from services.care_plans.rows import PlanView
from services.care_plans.transitions import lace_score
from services.core.clock import us_date
from services.core.identity import Actor
from services.core.text import us_spelling

STATES = [s.value for s in ChecklistState]


def transitions_section(
    actor: Actor, view: PlanView, users: dict[int, str], can_edit: bool
) -> None:
    st.header("Transitions and discharge planning")
    patient_id = view.patient.id
    editable = can_edit and (view.plan is None or view.plan.is_current)
    for t in view.transitions:
        done = sum(1 for i in t.items if i.state != ChecklistState.OPEN)
        label = (
            f"{esc(t.facility)} · admitted {t.admitted_on} · {t.status} · "
            f"checklist {done}/{len(t.items)} · LACE {t.lace_score if t.lace_score is not None else '-'}"
        )
        with st.expander(
            label, expanded=t.status == TransitionStatus.OPEN, key=f"cp_tr_open_{t.id}"
        ):
            st.text(
                f"Reason: {isolate(t.reason) or '-'} · discharged {us_date(t.discharged_on) or '-'}"
            )
            form = f"cp_tr_{t.id}"
            errors = field_errors(form)
            if not editable or t.status == TransitionStatus.CLOSED:
                table(
                    [
                        {"Item": i.label, "State": us_spelling(i.state), "Reason": i.reason or ""}
                        for i in t.items
                    ],
                    "",
                    alt="Discharge checklist",
                )
                continue
            with st.form(form):
                choices = {}
                for item in t.items:
                    c1, c2, c3 = st.columns([3, 2, 3])
                    c1.text(item.label)
                    state = c2.selectbox(
                        "State",
                        STATES,
                        index=STATES.index(item.state),
                        key=f"{form}_s_{item.id}",
                        format_func=us_spelling,
                        label_visibility="collapsed",
                    )
                    reason = c3.text_input(
                        "Reason if not applicable",
                        value=item.reason or "",
                        key=f"{form}_r_{item.id}",
                        label_visibility="collapsed",
                        placeholder="Reason if not applicable",
                        max_chars=fit(1000, item.reason or ""),
                    )
                    show_field_error(errors, f"item.{item.item_key}")
                    choices[item.id] = (item, state, reason)
                discharged = st.date_input(
                    "Discharge date", value=t.discharged_on, format=DATE_INPUT, key=f"{form}_dd"
                )
                show_field_error(errors, "checklist")
                show_field_error(errors, "discharged_on")
                c1, c2 = st.columns(2)
                save = c1.form_submit_button("Save checklist")
                close = c2.form_submit_button("Close transition", type="primary")
            if save or close:
                states = {i: (state, reason) for i, (_item, state, reason) in choices.items()}
                submit(
                    form,
                    transition_actions.save_checklist,
                    actor,
                    t.id,
                    states,
                    close=close,
                    discharged_on=discharged,
                    success="Transition closed." if close else "Checklist saved.",
                )
    if not view.transitions:
        st.caption("No hospital or facility stays recorded.")
    if editable:
        _new_transition(actor, patient_id)
    _placements(actor, view, users, editable)


def _new_transition(actor: Actor, patient_id: int) -> None:
    errors = field_errors("cp_tr_new")
    with (
        section("Record a hospital or facility stay", "cp_tr_new_open", open_now=bool(errors)),
        st.form(form_key("cp_tr_new")),
    ):
        facility = st.text_input("Hospital or facility", max_chars=200)
        show_field_error(errors, "facility")
        c1, c2 = st.columns(2)
        admitted = c1.date_input("Admitted", value=date.today(), format=DATE_INPUT)
        show_field_error(errors, "admitted_on")
        discharged = c2.date_input("Discharged (if known)", value=None, format=DATE_INPUT)
        show_field_error(errors, "discharged_on")
        reason = st.text_input("Reason for the stay", max_chars=2000)
        st.caption("LACE readmission score: enter it from the intake, or let CareDesk compute it.")
        c1, c2, c3, c4 = st.columns(4)
        los = c1.number_input("Length of stay (days)", min_value=0, value=0)
        acute = c2.checkbox("Emergency admission")
        charlson = c3.number_input("Charlson index", min_value=0, value=0)
        ed = c4.number_input("ER visits, last 6 months", min_value=0, value=0)
        given = st.number_input(
            "Or LACE from intake (leave 0 to compute)", min_value=0, max_value=19, value=0
        )
        show_field_error(errors, "lace")
        if st.form_submit_button("Add stay"):
            lace = int(given) if given else lace_score(int(los), acute, int(charlson), int(ed))
            submit(
                "cp_tr_new",
                transition_actions.record_stay,
                actor,
                patient_id,
                facility=facility,
                admitted_on=admitted,
                discharged_on=discharged,
                reason=reason,
                lace=lace,
                lace_source="intake" if given else "computed",
                success="Stay recorded with its discharge checklist.",
                clear="cp_tr_new",
            )


def _placements(actor: Actor, view: PlanView, users: dict[int, str], editable: bool) -> None:
    st.subheader("Long-term-care placement")
    rows = [
        {
            "Facility": p.facility,
            "Applied": p.applied_on,
            "Status": us_spelling(p.status),
            "Social worker": users.get(p.social_worker_id, ""),
            "Notes": p.notes or "",
        }
        for p in view.placements
    ]
    table(rows, "No placement applications.", alt="Long-term-care placement applications")
    if not editable:
        return
    statuses = [s.value for s in PlacementStatus]
    errors = field_errors("cp_ltc")
    with (
        section("Add a placement application", "cp_ltc_open", open_now=bool(errors)),
        st.form(form_key("cp_ltc")),
    ):
        facility = st.text_input("Facility", max_chars=200)
        show_field_error(errors, "facility")
        applied = st.date_input("Applied on", value=date.today(), format=DATE_INPUT)
        staff = list(users)
        worker = st.selectbox("Social worker responsible", staff, format_func=lambda i: users[i])
        show_field_error(errors, "social_worker_id")
        status = st.selectbox("Status", statuses, format_func=us_spelling)
        notes = st.text_area("Notes", max_chars=4000)
        if st.form_submit_button("Add application"):
            submit(
                "cp_ltc",
                transition_actions.add_placement,
                actor,
                view.patient.id,
                facility=facility,
                applied_on=applied,
                social_worker_id=worker,
                status=status,
                notes=notes,
                success="Placement application added.",
                clear="cp_ltc",
            )
    if view.placements:
        by_id = {p.id: p for p in view.placements}
        with section("Update a placement", "cp_ltc_upd_open"), st.form("cp_ltc_upd"):
            pid = st.selectbox(
                "Application",
                list(by_id),
                format_func=lambda i: f"{by_id[i].facility} ({us_spelling(by_id[i].status)})",
            )
            status = st.selectbox(
                "New status", statuses, key="cp_ltc_upd_s", format_func=us_spelling
            )
            notes = st.text_area(
                "Notes",
                value=by_id[pid].notes or "",
                key="cp_ltc_upd_n",
                max_chars=fit(4000, by_id[pid].notes or ""),
            )
            if st.form_submit_button("Save"):
                submit(
                    "cp_ltc_upd",
                    transition_actions.update_placement,
                    actor,
                    pid,
                    status=status,
                    notes=notes,
                    expected_version=by_id[pid].version,
                    success="Placement updated.",
                )

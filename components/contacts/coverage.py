"""A patient's insurance: coverage (add, correct, end) and prior authorizations (request,
correct, record the payer's decision)."""

from __future__ import annotations

import streamlit as st

from components.contacts.common import attempt, pending_prompts, pick, table
from components.shared.conflict import seen_version
from components.shared.forms import (
    DATE_INPUT,
    field_errors,
    fit,
    form_key,
    section,
    show_field_error,
)
from db.base import today
from services.contacts.actions import insurance
from services.contacts.actions.patient import PatientContacts
from services.contacts.coverage import ORDERS, CoverageInput
from services.contacts.prior_auths import PriorAuthInput
from services.core.identity import Actor
from services.core.text import us_spelling

state = st.session_state


def coverage_section(actor: Actor, pid: int, d: PatientContacts) -> None:
    table(d.coverage, alt="Insurance coverage") if d.coverage else st.caption(
        "No insurance recorded."
    )
    st.header("Prior authorizations")
    soon = [r for r in d.prior_auths if r["Check"]]
    if soon:
        st.warning(f"{len(soon)} prior authorization(s) expire within 14 days: ask for renewal.")
    table(d.prior_auths, alt="Prior authorizations") if d.prior_auths else st.caption(
        "No prior authorizations."
    )
    if not actor.can("referrals.edit"):
        return
    insurers = insurance.insurer_options(actor)
    with section("Add insurance coverage", "cov_add_open"):
        fresh = CoverageInput(start_on=today())
        data = coverage_form(
            form_key("coverage_form"), fresh, field_errors("coverage"), insurers, "Add coverage"
        )
        if data:
            attempt(
                "coverage",
                lambda _a: insurance.add_coverage(actor, pid, data),
                "Coverage added.",
                clear="coverage_form",
            )
    if d.coverage:
        with section("Correct or end a coverage", "cov_edit_open"):
            _correct_coverage(actor, d.coverage, insurers)
        with section("Request a prior authorization", "pa_add_open"):
            _request_prior_auth(actor, d.coverage)
    movable = [r for r in d.prior_auths if r["next"]]
    if movable:
        with section("Record a payer decision or status", "pa_status_open"):
            _prior_auth_status(actor, movable)
    if d.prior_auths:
        with section("Correct a prior authorization", "pa_edit_open"):
            _correct_prior_auth(actor, d.prior_auths)


def coverage_form(
    key: str, values: CoverageInput, errors: dict, insurers: dict[int, str], submit: str
) -> CoverageInput | None:
    with st.form(key):
        payers = list(insurers)
        payer = pick(
            "Insurer", insurers,
            index=payers.index(values.payer_id) if values.payer_id in insurers else None,
        )  # fmt: skip
        show_field_error(errors, "payer_id")
        c1, c2, c3 = st.columns(3)
        plan = c1.text_input("Plan", values.plan_name, max_chars=fit(200, values.plan_name))
        with c1:
            show_field_error(errors, "plan_name")
        member = c2.text_input("Member id", values.member_id, max_chars=fit(60, values.member_id))
        with c2:
            show_field_error(errors, "member_id")
        group = c3.text_input("Group", values.group_number, max_chars=fit(60, values.group_number))
        c1, c2, c3 = st.columns(3)
        start = c1.date_input("Effective from", values.start_on, format=DATE_INPUT)
        end = c2.date_input("Until", values.end_on, format=DATE_INPUT)
        with c2:
            show_field_error(errors, "end_on")
        order = pick("Order", ORDERS, host=c3, index=list(ORDERS).index(values.order))
        with c3:
            show_field_error(errors, "order")
        if st.form_submit_button(submit, type="primary"):
            return CoverageInput(payer, plan, member, group, start, end, order)
    return None


def _opened(kind: str, ident: int, saved, saved_version: int):
    """The values and version the form opened on (DESIGN.md §3.5), kept until our own save
    or "start again", so what the user typed survives someone else's change; and a form
    key that "start again" renews so the form shows the saved values."""
    keys = (f"{kind}_values_{ident}", f"{kind}_version_{ident}", f"{kind}_rev_{ident}")
    values = state.setdefault(keys[0], saved)
    version = state.setdefault(keys[1], saved_version)
    rev = state.get(keys[2], 0)
    if version != saved_version:
        st.warning("Someone else changed this since you opened it.")
        if st.button("Start again from the saved version", key=f"{kind}_again_{ident}"):
            state[keys[0]], state[keys[1]], state[keys[2]] = saved, saved_version, rev + 1
            st.rerun()
    return values, version, f"{kind}_form_{ident}_{rev}"


def _saved(kind: str, ident: int, save) -> None:
    """Run one of our own writes; the next edit opens on what it saved."""
    save()
    state.pop(f"{kind}_values_{ident}", None)
    state.pop(f"{kind}_version_{ident}", None)


def _correct_coverage(actor: Actor, rows: list[dict], insurers: dict[int, str]) -> None:
    pending_prompts("cov_edit")
    pending_prompts("cov_end")
    covs = {r["id"]: f"{r['Order']}: {r['Payer']} · {r['Plan']}" for r in rows}
    cov_id = pick("Coverage", covs, key="cov_edit_pick")
    saved, saved_version, payer = insurance.coverage_for_edit(actor, cov_id)
    values, version, key = _opened("cov", cov_id, saved, saved_version)
    choices = insurers | {k: v for k, v in payer.items() if k not in insurers}
    data = coverage_form(key, values, field_errors("cov_edit"), choices, "Save corrections")
    if data:
        attempt(
            "cov_edit",
            lambda _a: _saved(
                "cov", cov_id, lambda: insurance.correct_coverage(actor, cov_id, data, version)
            ),
            "Coverage corrected.",
        )
    st.caption("When the patient changes plan, end the old coverage, then add the new one.")
    c1, c2 = st.columns([1, 1], vertical_alignment="bottom")
    ends = c1.date_input("Coverage ends on", today(), format=DATE_INPUT, key=f"cov_end_{cov_id}")
    if c2.button("End this coverage", key=f"cov_end_go_{cov_id}"):
        attempt(
            "cov_end",
            lambda _a: _saved(
                "cov", cov_id, lambda: insurance.end_coverage(actor, cov_id, ends, version)
            ),
            "Coverage ended.",
        )
    with c1:
        show_field_error(field_errors("cov_end"), "end_on")


def _prior_auth_fields(values: PriorAuthInput, errors: dict) -> PriorAuthInput:
    service = st.text_input(
        "Service",
        values.service,
        placeholder="e.g. home health visits",
        max_chars=fit(200, values.service),
    )
    show_field_error(errors, "service")
    c1, c2 = st.columns(2)
    requested = c1.date_input("Requested on", values.requested_on, format=DATE_INPUT)
    with c1:
        show_field_error(errors, "requested_on")
    ref = c2.text_input(
        "Payer reference number (once submitted)",
        values.reference_number,
        max_chars=fit(60, values.reference_number),
    )
    notes = st.text_area("Notes", values.notes, height=68, max_chars=fit(4000, values.notes))
    return PriorAuthInput(service, requested, ref, notes)


def _request_prior_auth(actor: Actor, rows: list[dict]) -> None:
    errors = field_errors("pa")
    covs = {r["id"]: f"{r['Payer']} · {r['Plan']}" for r in rows}
    with st.form(form_key("pa_form")):
        cov = pick("Coverage", covs)
        data = _prior_auth_fields(PriorAuthInput(requested_on=today()), errors)
        if st.form_submit_button("Save request", type="primary"):
            attempt(
                "pa",
                lambda _a: insurance.request_prior_auth(actor, cov, data),
                "Prior authorization saved.",
                clear="pa_form",
            )


def _correct_prior_auth(actor: Actor, rows: list[dict]) -> None:
    pending_prompts("pa_edit")
    pas = {r["id"]: f"{r['Service']} ({r['Status']}, {r['Requested']})" for r in rows}
    pa_id = pick("Authorization", pas, key="pa_edit_pick")
    saved, saved_version = insurance.prior_auth_for_edit(actor, pa_id)
    values, version, key = _opened("pa", pa_id, saved, saved_version)
    with st.form(key):
        data = _prior_auth_fields(values, field_errors("pa_edit"))
        if st.form_submit_button("Save corrections", type="primary"):
            attempt(
                "pa_edit",
                lambda _a: _saved(
                    "pa", pa_id, lambda: insurance.correct_prior_auth(actor, pa_id, data, version)
                ),
                "Prior authorization corrected.",
            )


def _prior_auth_status(actor: Actor, movable: list[dict]) -> None:
    errors = field_errors("pa_status")
    pas = {r["id"]: f"{r['Service']} ({r['Status']})" for r in movable}
    pa_id = pick("Authorization", pas)
    row = next(r for r in movable if r["id"] == pa_id)
    nexts = row["next"]
    shown = seen_version(f"pa_{pa_id}", row["version"])  # the status this form was opened on
    with st.form("pa_status_form"):
        status = st.selectbox("New status", nexts, format_func=us_spelling)
        show_field_error(errors, "status")
        c1, c2, c3, c4 = st.columns(4)
        decided = c1.date_input("Decision date", today(), format=DATE_INPUT)
        units = c2.number_input("Approved units/visits", min_value=0, value=0)
        with c2:
            show_field_error(errors, "approved_units")
        expires = c3.date_input("Expires on", None, format=DATE_INPUT)
        with c3:
            show_field_error(errors, "expires_on")
        ref = c4.text_input("Reference number", max_chars=60)
        with c4:
            show_field_error(errors, "reference_number")
        if st.form_submit_button("Save status"):
            attempt(
                "pa_status",
                lambda _a: _saved("pa", pa_id, lambda: insurance.set_prior_auth(
                    actor, pa_id, status, decision_on=decided,
                    approved_units=int(units) or None, expires_on=expires,
                    reference_number=ref or None, version=shown,
                )),
                "Status saved.",
            )  # fmt: skip

"""The referral board and the form that moves a referral along its statuses."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.contacts.common import attempt, pending_prompts, pick, table
from components.contacts.forms import communication_form
from components.shared.forms import field_errors, section, show_field_error
from components.shared.text import isolate
from services.contacts.actions import communications as calls
from services.contacts.actions import referrals as referral_actions
from services.contacts.communications import CommunicationInput
from services.contacts.referral_status import OPEN
from services.core.clock import clinic_tz
from services.core.identity import Actor
from services.core.text import us_spelling

state = st.session_state


def move_referral_form(actor: Actor, refs: list[dict], key: str) -> None:
    """refs: rows with id, To, Service, Status, next, version."""
    pending_prompts(f"{key}_move")
    errors = field_errors(f"{key}_move")
    labels = {r["id"]: f"{r['To']} · {r['Service']} ({r['Status']})" for r in refs}
    ref_id = pick("Referral", labels, key=f"{key}_ref")
    row = next(r for r in refs if r["id"] == ref_id)
    with st.form(f"{key}_move_form"):
        status = st.selectbox("New status", row["next"], format_func=us_spelling)
        show_field_error(errors, "status")
        reason = st.text_input("Why (needed to hold, reject, cancel or reopen)", max_chars=1000)
        show_field_error(errors, "reason")
        outcome = st.text_area("Outcome (needed to close)", height=68, max_chars=2000)
        show_field_error(errors, "outcome")
        if st.form_submit_button("Save status", type="primary"):
            attempt(
                f"{key}_move",
                lambda ack: referral_actions.move_referral(
                    actor,
                    ref_id,
                    status,
                    expected_version=row["version"],
                    reason=reason,
                    outcome=outcome,
                    acknowledged_consent=ack,
                ),
                f"Referral is now {status}.",
            )


def board_view(actor: Actor) -> None:
    mine = st.toggle("Only my referrals", value=actor.role in ("nurse", "social_worker"))
    grouped = referral_actions.referral_board(actor, mine)
    counts = {k: len(v) for k, v in grouped.items()}
    st.caption(f"{sum(counts.values())} open referral(s)")
    st.bar_chart(
        pd.DataFrame({"Status": list(counts), "Referrals": list(counts.values())}),
        x="Status",
        y="Referrals",
        horizontal=True,
        height=220,
    )
    for status in [s.value for s in OPEN]:
        rows = grouped[status]
        with st.expander(
            f"{status.capitalize()} ({len(rows)})",
            expanded=bool(rows) and status in ("requested", "received"),
        ):
            table(rows, alt=f"{status.capitalize()} referrals") if rows else st.caption("None.")
    refs = [r for rows in grouped.values() for r in rows]
    if not refs:
        return
    st.header("Open a referral")
    labels = {r["id"]: f"{r['Patient']} → {r['To']} · {r['Service']}" for r in refs}
    ref_id = pick("Referral", labels, index=None, key="board_open", placeholder="Choose a referral")
    if ref_id is None:
        return
    d = referral_actions.referral_detail(actor, ref_id)
    st.text(f"{isolate(d.org)} · {isolate(d.service)} · {d.status}")
    table(d.history, alt="What happened to the referral")
    if d.communications:
        table(d.communications, alt="Calls and messages about the referral")
    if actor.can("contacts.edit") and d.org_id:
        with section("Log a call or message about this referral", "board_comm_open"):
            pending_prompts("board_comm")
            data = communication_form(
                "board_comm_form",
                field_errors("board_comm"),
                with_choices={"organization": {d.org_id: d.org}} if d.org_id else {},
                base=CommunicationInput(referral_id=d.id, organization_id=d.org_id),
                tz=clinic_tz(),
            )
            if data is not None:
                attempt(
                    "board_comm",
                    lambda ack: calls.log_communication(actor, data, acknowledged_consent=ack),
                    "Communication logged.",
                    clear="board_comm_form",
                )
    if actor.can("referrals.edit") and d.next:
        move_referral_form(
            actor,
            [
                {
                    "id": d.id,
                    "To": d.org,
                    "Service": d.service,
                    "Status": us_spelling(d.status),
                    "next": d.next,
                    "version": d.version,
                }
            ],
            "board",
        )

"""The referral forms of a patient's Contacts: send a draft (one the intake suggested, with
its organization proposed from the directory) and start a new referral.

The organization is chosen first, outside the form, so the urgencies offered fit it: a
meals program or a transport vendor answers in days (routine or urgent), clinical
services can be asked for "asap" or "stat".
"""

from __future__ import annotations

import streamlit as st

from components.contacts.common import attempt, pending_prompts, pick
from components.shared.forms import DATE_INPUT, field_errors, fit, form_key, show_field_error
from db.base import today
from services.contacts.actions import referrals as referral_actions
from services.contacts.actions.referrals import OrgChoice
from services.contacts.referral_services import urgencies_for
from services.contacts.referrals import ReferralInput
from services.core.identity import Actor

state = st.session_state


def _organization(label: str, choices: list[OrgChoice], chosen: int | None, key: str):
    """The organization picker; returns the chosen OrgChoice (or None)."""
    by_id = {c.id: c for c in choices}
    ids = list(by_id)
    pickedid = st.selectbox(
        label,
        ids,
        index=ids.index(chosen) if chosen in by_id else (0 if ids else None),
        format_func=lambda i: (
            by_id[i].label + ("" if by_id[i].reachable else " — no phone, fax or e-mail")
        ),
        key=key,
        placeholder="Search above, then choose" if not ids else "Choose",
    )
    return by_id.get(pickedid)


def _details(data: ReferralInput, errors: dict, org: OrgChoice | None):
    """Service, urgency (fitting the organization), reason, consent and answer date."""
    c1, c2 = st.columns(2)
    service = c1.text_input("Service requested", data.service, max_chars=fit(200, data.service))
    with c1:
        show_field_error(errors, "service")
    urgencies = urgencies_for(org.org_type if org else None)
    urgency = c2.selectbox(
        "Urgency",
        urgencies,
        index=urgencies.index(data.urgency) if data.urgency in urgencies else 0,
        help="Clinical services can be asked for an answer today (stat) or as soon as "
        "possible; community services answer in days.",
    )
    with c2:
        show_field_error(errors, "urgency")
    reason = st.text_area(
        "Reason", data.reason_text, height=68, max_chars=fit(2000, data.reason_text)
    )
    show_field_error(errors, "reason_text")
    c1, c2 = st.columns(2)
    consent = c1.checkbox(
        "Patient consented to share with this organization", data.consent_recorded
    )
    expected = c2.date_input(
        "Answer expected by (blank: by urgency)",
        data.expected_response_by,
        min_value=today(),
        format=DATE_INPUT,
    )
    with c2:
        show_field_error(errors, "expected_response_by")
    return service, urgency, reason, consent, expected


def send_draft_form(actor: Actor, drafts: list[dict]) -> None:
    """Finish and send a draft: the organization proposed by its service, or picked."""
    pending_prompts("ref_send")
    errors = field_errors("ref_send")
    labels = {r["id"]: f"{r['Service']} → {r['To']} ({r['Urgency']})" for r in drafts}
    ref_id = pick("Draft", labels, key="ref_send_pick")
    draft = referral_actions.open_draft(actor, ref_id)
    find = st.text_input(
        "Find another organization",
        key="ref_send_query",
        placeholder="Name, service or type",
        max_chars=100,
    )
    choices = draft.choices
    if find:
        found = referral_actions.referral_targets(actor, find, draft.data.organization_id)
        choices = found or choices
    org = _organization("Send to", choices, draft.data.organization_id, f"ref_send_org_{ref_id}")
    show_field_error(errors, "organization_id")
    show_field_error(errors, "status")
    form = form_key(f"ref_send_{ref_id}")
    with st.form(form):
        service, urgency, reason, consent, expected = _details(draft.data, errors, org)
        if st.form_submit_button("Send referral", type="primary"):
            data = ReferralInput(
                org.id if org else None, service, reason, draft.data.reason_kind,
                draft.data.reason_id, urgency, consent, expected,
            )  # fmt: skip
            attempt(
                "ref_send",
                lambda ack: referral_actions.send_draft(
                    actor, ref_id, data, expected_version=draft.version, acknowledged_consent=ack
                ),
                "Referral sent.",
                clear=f"ref_send_{ref_id}",
            )


def new_referral_form(actor: Actor, pid: int, reasons: dict[tuple[str, int], str]) -> None:
    pending_prompts("referral")
    errors = field_errors("referral")
    rev = form_key("referral")
    find = st.text_input(
        "Find the organization",
        key=f"ref_org_query_{rev}",
        placeholder="Name, service or type",
        max_chars=100,
    )
    choices = referral_actions.referral_targets(actor, find) if find else []
    org = _organization("Refer to", choices, None, f"ref_org_{rev}")
    show_field_error(errors, "organization_id")
    with st.form(rev):
        service, urgency, reason, consent, expected = _details(ReferralInput(), errors, org)
        answers = st.selectbox(
            "Answers a goal or intake finding (optional)",
            list(reasons),
            index=None,
            format_func=reasons.get,
            placeholder="Choose from the care plan or the intake",
        )
        show_field_error(errors, "reason_id")
        b1, b2 = st.columns(2)
        send = b1.form_submit_button("Send referral", type="primary")
        draft = b2.form_submit_button("Save as draft")
        if send or draft:
            kind, reason_id = answers if answers else ("", None)
            data = ReferralInput(
                org.id if org else None, service, reason, kind, reason_id, urgency, consent,
                expected,
            )  # fmt: skip
            attempt(
                "referral",
                lambda ack: referral_actions.create_referral(
                    actor, pid, data, send=send, acknowledged_consent=ack
                ),
                "Referral sent." if send else "Draft saved.",
                clear="referral",
            )

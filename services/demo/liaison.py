"""Rows for the demo's liaison work: prior authorizations, referrals with their history,
and logged communications whose channel and person fit what the note says."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from db.base import utcnow
from services.core.clock import clinic_tz, local_to_utc

PA_SERVICES = [
    "Home health visits",
    "Physical therapy at home",
    "Hospital bed",
    "Power wheelchair",
    "Skilled nursing facility stay",
    "Oxygen concentrator",
]
# What a logged communication says, and the way it went: the channel fits the note.
# with: "patient", "family" (any relative), "daughter" or "son" (that relative), "referral"
# (the organization the patient was referred to) or "insurer" (the patient's payer).
CALLS = [
    (
        "Called the agency's intake line to check on the referral",
        "Left voicemail",
        "phone",
        "outgoing",
        "referral",
    ),
    (
        "Agency called to agree the start date for services",
        "Start date agreed",
        "phone",
        "incoming",
        "referral",
    ),
    (
        "Sent the updated medication list to the agency",
        "Sent through their portal",
        "portal",
        "outgoing",
        "referral",
    ),
    (
        "Daughter asked about the discharge plan",
        "Explained next steps",
        "phone",
        "incoming",
        "daughter",
    ),
    (
        "Son asked how the new pills are going",
        "Reviewed the medication list with him",
        "phone",
        "incoming",
        "son",
    ),
    (
        "E-mailed the family the notes from the care conference",
        "Family replied with questions",
        "email",
        "outgoing",
        "family",
    ),
    (
        "Faxed clinical notes to the insurer for the prior authorization",
        "Fax confirmation received",
        "fax",
        "outgoing",
        "insurer",
    ),
    (
        "Insurer asked for the care plan before approving visits",
        "Care plan faxed",
        "fax",
        "outgoing",
        "insurer",
    ),
    (
        "Patient called about the ride to the appointment",
        "Ride booked",
        "phone",
        "incoming",
        "patient",
    ),
    (
        "Weekly check-in call: weight and breathing",
        "No concerns this week",
        "phone",
        "outgoing",
        "patient",
    ),
    (
        "Texted a reminder about tomorrow's appointment",
        "Patient replied yes",
        "text",
        "outgoing",
        "patient",
    ),
    (
        "Home visit: went through the pill box together",
        "Pill box right for the week",
        "in person",
        "outgoing",
        "patient",
    ),
    (
        "Letter about the annual care plan review",
        "Mailed to home address",
        "letter",
        "outgoing",
        "patient",
    ),
]


def prior_auth_row(rng, today, coverage_id: int, pid: int) -> dict:
    status = rng.choices(
        ["approved", "submitted", "denied", "appealed", "draft", "expired"],
        [50, 15, 8, 5, 7, 15],
    )[0]
    requested = today - timedelta(days=rng.randint(5, 120))
    approved = status in ("approved", "expired")
    expires = None
    if status == "approved":
        # a share expire within 14 days: they reach the worklist
        expires = today + timedelta(days=rng.choice([3, 9, 13, 30, 60, 90]))
    elif status == "expired":
        expires = today - timedelta(days=rng.randint(1, 60))
    return {
        "coverage_id": coverage_id,
        "patient_id": pid,
        "service": rng.choice(PA_SERVICES),
        "requested_on": requested,
        "reference_number": None if status == "draft" else f"PA-{rng.randint(10**5, 10**6)}",
        "status": status,
        "decision_on": requested + timedelta(days=5)
        if status not in ("draft", "submitted")
        else None,
        "approved_units": rng.choice([6, 12, 20]) if approved else None,
        "expires_on": expires,
        "version": 1,
    }


def referral_rows(rng, today, ref_id, pid, org_id, owner, status) -> tuple[dict, list[dict]]:
    sent = None if status == "draft" else today - timedelta(days=rng.randint(1, 45))
    closed = status in ("completed", "cancelled", "rejected")
    outcome = {
        "completed": "Services started",
        "cancelled": "Patient declined",
        "rejected": "Not eligible: outside service area",
    }.get(status)
    reason = "Waiting for patient's insurance approval" if status == "on hold" else None
    ref = {
        "id": ref_id,
        "patient_id": pid,
        "organization_id": org_id,
        "reason_kind": "intake finding" if rng.random() < 0.5 else None,
        "reason_id": rng.randint(1, 5000),
        "urgency": rng.choices(["routine", "urgent", "asap"], [80, 15, 5])[0],
        "consent_recorded": rng.random() < 0.85,
        "status": status,
        "status_reason": reason,
        "sent_on": sent,
        "expected_response_by": sent + timedelta(days=14) if sent else None,
        "answered_on": sent + timedelta(days=rng.randint(1, 6))
        if sent and status not in ("requested", "received")
        else None,
        "outcome": outcome,
        "closed_on": today - timedelta(days=rng.randint(0, 3)) if closed else None,
        "owner_user_id": owner,
        "version": 1,
    }
    history = [
        {"referral_id": ref_id, "from_status": None, "to_status": "draft", "by_user_id": owner}
    ]
    if status != "draft":
        history.append(
            {
                "referral_id": ref_id,
                "from_status": "draft",
                "to_status": "requested",
                "by_user_id": owner,
            }
        )
    if status not in ("draft", "requested"):
        history.append(
            {
                "referral_id": ref_id,
                "from_status": "requested",
                "to_status": status,
                "by_user_id": owner,
                "reason": outcome or reason,
            }
        )
    return ref, history


def communication_row(
    rng, today, p, family, payer, referral_org, org_names, call: tuple | None = None
) -> dict | None:
    """One logged communication whose channel, direction and person fit what it says
    (`call`: one of CALLS; a random one when None). None when this patient has nobody
    the call could have been with."""
    summary, outcome, channel, direction, with_ = call or rng.choice(CALLS)
    row = {"with_kind": "patient", "related_person_id": None, "organization_id": None}
    if with_ in ("family", "daughter", "son"):
        fitting = [f for f in family if with_ == "family" or f[2] == with_]
        if not fitting:
            return None
        rp_id, name, rel = rng.choice(fitting)
        row |= {
            "with_kind": "family member",
            "related_person_id": rp_id,
            "with_name": f"{name} ({rel})",
        }
    elif with_ in ("referral", "insurer"):
        org_id = referral_org if with_ == "referral" else payer
        if org_id is None:
            return None
        row |= {
            "with_kind": "organization",
            "organization_id": org_id,
            "with_name": org_names[org_id],
        }
    else:
        shown = f"{p.family_name}, {p.given_name}"
        row["with_name"] = f"{shown} ({p.preferred_name})" if p.preferred_name else shown
    day = today - timedelta(days=rng.randint(0, 60))
    local = datetime.combine(day, time(rng.randint(9, 16), rng.choice([0, 15, 30, 45])))
    when = min(local_to_utc(local, clinic_tz()), utcnow() - timedelta(minutes=rng.randint(5, 90)))
    return row | {
        "channel": channel,
        "direction": direction,
        "occurred_at": when,
        "summary": summary,
        "outcome": outcome,
        "disclosed_without_consent": False,
    }

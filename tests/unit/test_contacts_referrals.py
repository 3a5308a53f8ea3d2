"""Referrals: transitions, consent, unreachable organizations, follow-ups with a fixed clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from db.base import today as clinic_today
from db.models import Role, Task
from services.contacts import referrals
from services.contacts.communications import CommunicationInput, log_communication
from services.contacts.family import ConsentNeeded
from services.contacts.referrals import ReferralInput
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from services.tasks import tasks
from tests.unit.contacts_helpers import org, patient

SENT = date(2026, 11, 2)


def _referral(s, nurse, *, send=True, urgency="routine"):
    p = patient(s)
    o = org(s, nurse, name="Harbor Meals", org_type="food/meals", address=f"{p.id} Dock St")
    return referrals.create_referral(
        s,
        nurse,
        p.id,
        ReferralInput(
            organization_id=o.id,
            service="Home-delivered meals",
            reason_kind="intake finding",
            reason_id=17,
            urgency=urgency,
            consent_recorded=True,
        ),
        send=send,
        on=SENT,
    )


def _followups(s, ref):
    return sorted(
        s.query(Task)
        .filter(Task.source_id == ref.id, Task.source_kind.like("referral follow-up%"))
        .all(),
        key=lambda t: t.due_on,
    )


def test_referral_to_unreachable_organization_refused(s, nurse):
    p = patient(s)
    silent = org(s, nurse, name="No Phone Agency", phone="")
    with pytest.raises(InvalidInput) as exc:
        referrals.create_referral(
            s, nurse, p.id, ReferralInput(organization_id=silent.id, service="x", reason_text="y")
        )
    assert "no phone, fax or e-mail" in exc.value.errors["organization_id"]


def test_required_fields(s, nurse):
    p = patient(s)
    with pytest.raises(InvalidInput) as exc:
        referrals.create_referral(s, nurse, p.id, ReferralInput(reason_kind="care-plan goal"))
    assert {"organization_id", "service", "reason_id"} <= set(exc.value.errors)


def test_sending_without_recorded_consent_warns_first(s, nurse):
    p = patient(s)
    o = org(s, nurse)
    data = ReferralInput(organization_id=o.id, service="Skilled nursing", reason_text="wound care")
    with pytest.raises(ConsentNeeded):
        referrals.create_referral(s, nurse, p.id, data, send=True)
    ref = referrals.create_referral(s, nurse, p.id, data, send=True, acknowledged_consent=True)
    assert ref.status == "requested"


def test_full_loop_to_completed_with_history(s, nurse):
    ref = _referral(s, nurse)
    assert (ref.status, ref.sent_on, ref.expected_response_by) == (
        "requested",
        SENT,
        SENT + timedelta(days=14),
    )
    for step in ("received", "accepted", "in progress"):
        referrals.move_referral(s, nurse, ref.id, step, on=SENT + timedelta(days=3))
    assert ref.answered_on == SENT + timedelta(days=3)
    with pytest.raises(InvalidInput) as exc:
        referrals.move_referral(s, nurse, ref.id, "completed")
    assert "outcome" in exc.value.errors
    referrals.move_referral(s, nurse, ref.id, "completed", outcome="Meals started 5 days a week")
    assert ref.status == "completed" and ref.closed_on is not None
    assert [h["To"] for h in referrals.history_rows(ref, "America/New_York")] == [
        "draft",
        "requested",
        "received",
        "accepted",
        "in progress",
        "completed",
    ]


@pytest.mark.parametrize(
    ("start", "bad"),
    [
        ("draft", "completed"),
        ("requested", "in progress"),
        ("received", "draft"),
        ("accepted", "requested"),
    ],
)
def test_disallowed_transitions_refused(s, nurse, start, bad):
    ref = _referral(s, nurse, send=start != "draft")
    if start in ("received", "accepted"):
        referrals.move_referral(s, nurse, ref.id, "received")
        if start == "accepted":
            referrals.move_referral(s, nurse, ref.id, "accepted")
    with pytest.raises(InvalidInput) as exc:
        referrals.move_referral(s, nurse, ref.id, bad, outcome="x", reason="y")
    assert "cannot become" in exc.value.errors["status"]
    assert ref.status == start


def test_reopening_needs_a_reason_and_rejection_needs_one(s, nurse):
    ref = _referral(s, nurse)
    with pytest.raises(InvalidInput) as exc:
        referrals.move_referral(s, nurse, ref.id, "rejected")
    assert {"reason", "outcome"} <= set(exc.value.errors)
    referrals.move_referral(s, nurse, ref.id, "rejected", outcome="Out of service area")
    with pytest.raises(InvalidInput) as exc:
        referrals.move_referral(s, nurse, ref.id, "requested")
    assert "reopened" in exc.value.errors["reason"]
    referrals.move_referral(
        s,
        nurse,
        ref.id,
        "requested",
        reason="Patient moved into area",
        on=SENT + timedelta(days=20),
    )
    assert ref.status == "requested" and ref.sent_on == SENT + timedelta(days=20)
    assert ref.closed_on is None


def test_stale_version_refused(s, nurse):
    ref = _referral(s, nurse)
    version = ref.version
    referrals.move_referral(s, nurse, ref.id, "received", expected_version=version)
    with pytest.raises(Conflict):
        referrals.move_referral(s, nurse, ref.id, "accepted", expected_version=version)


def test_scheduler_and_viewer_cannot_refer(s, make_actor):
    p = patient(s)
    for role in (Role.SCHEDULER, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            referrals.create_referral(s, make_actor(role), p.id, ReferralInput())


def test_followups_at_7_14_30_days_idempotent_with_fixed_clock(s, nurse):
    ref = _referral(s, nurse)
    at = lambda days: datetime(2026, 11, 2, 15, tzinfo=UTC) + timedelta(days=days)  # noqa: E731
    assert referrals.create_due_followups(s, at(6)) == []
    assert len(referrals.create_due_followups(s, at(7))) == 1
    assert referrals.create_due_followups(s, at(7)) == []  # idempotent
    assert referrals.create_due_followups(s, at(13)) == []
    referrals.move_referral(s, nurse, ref.id, "received", on=SENT + timedelta(days=10))
    assert len(referrals.create_due_followups(s, at(14))) == 1  # received is not yet an answer
    assert len(referrals.create_due_followups(s, at(30))) == 1
    assert referrals.create_due_followups(s, at(45)) == []
    got = _followups(s, ref)
    assert [t.due_on for t in got] == [SENT + timedelta(days=d) for d in (7, 14, 30)]
    assert all(t.owner_user_id == nurse.id and t.patient_id == ref.patient_id for t in got)
    assert "no answer after 7 days" in got[0].title
    # The tasks are the shared Tasks: they show on the owner's list.
    assert {t.id for t in tasks.open_tasks(s, owner_user_id=nurse.id)} >= {t.id for t in got}


def test_answer_stops_followups_and_closes_open_ones(s, nurse):
    ref = _referral(s, nurse)
    referrals.create_due_followups(s, datetime(2026, 11, 10, tzinfo=UTC))
    referrals.move_referral(s, nurse, ref.id, "accepted", on=date(2026, 11, 11))
    assert referrals.create_due_followups(s, datetime(2026, 12, 30, tzinfo=UTC)) == []
    assert [t.status for t in _followups(s, ref)] == ["completed"]


def test_catch_up_creates_only_latest_milestone(s, nurse):
    ref = _referral(s, nurse)
    made = referrals.create_due_followups(s, date(2026, 12, 5))  # 33 days after sending
    assert [t.source_kind for t in made] == ["referral follow-up 30"]
    assert referrals.create_due_followups(s, date(2026, 12, 6)) == []
    assert ref.id


def test_drafts_get_no_followups(s, nurse):
    _referral(s, nurse, send=False)
    assert referrals.create_due_followups(s, date(2027, 1, 1)) == []


def test_board_groups_open_referrals_by_status(s, nurse):
    a = _referral(s, nurse)
    b = _referral(s, nurse, send=False)
    c = _referral(s, nurse)
    referrals.move_referral(s, nurse, c.id, "cancelled", outcome="Family arranged meals")
    grouped = referrals.board(s, nurse)
    assert [r["id"] for r in grouped["requested"]] == [a.id]
    assert [r["id"] for r in grouped["draft"]] == [b.id]
    assert "cancelled" not in grouped
    assert referrals.board_counts(s)["requested"] == 1


def test_call_with_followup_becomes_a_task(s, nurse, make_actor):
    ref = _referral(s, nurse)
    scheduler = make_actor(Role.SCHEDULER)
    comm = log_communication(
        s,
        scheduler,
        CommunicationInput(
            referral_id=ref.id,
            channel="phone",
            direction="outgoing",
            summary="Left voicemail with intake",
            outcome="no answer",
            follow_up_on=clinic_today() + timedelta(days=2),
        ),
    )
    assert comm.organization_id == ref.organization_id and comm.patient_id == ref.patient_id
    task = s.get(Task, comm.follow_up_task_id)
    assert task.owner_user_id == scheduler.id and task.due_on == comm.follow_up_on
    assert task.source_kind == "communication"
    with pytest.raises(InvalidInput) as exc:
        log_communication(
            s,
            scheduler,
            CommunicationInput(
                organization_id=ref.organization_id,
                summary="",
                channel="pigeon",
                follow_up_on=date(2000, 1, 1),
            ),
        )
    assert {"summary", "channel", "follow_up_on"} <= set(exc.value.errors)


def test_my_day_creates_followups_before_listing_tasks(s, nurse):
    from services.overview.my_day import my_day

    ref = _referral(s, nurse)
    ref.sent_on = clinic_today() - timedelta(days=8)
    s.flush()
    sections = my_day(s, nurse, clinic_today())
    mine = next(x for x in sections if x.title == "Overdue tasks")
    assert any("no answer after 7 days" in r["Task"] for r in mine.rows)

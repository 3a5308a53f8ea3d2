import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from db.models import AuditEvent, OwnerKind, Role, Task, TaskStatus
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from services.overview import my_day as worklist
from services.tasks import tasks


def test_task_needs_title_owner_and_due_date(s, nurse):
    with pytest.raises(InvalidInput) as exc:
        tasks.create_task(s, nurse, title=" ", due_on=None)
    assert set(exc.value.errors) == {"title", "due_on", "owner"}
    with pytest.raises(InvalidInput) as exc:
        tasks.create_task(
            s, nurse, title="Call daughter", due_on=date(2026, 1, 1), owner_kind=OwnerKind.FAMILY
        )
    assert "owner" in exc.value.errors
    assert s.query(Task).count() == 0


def test_completing_a_repeating_task_schedules_the_next(s, nurse):
    t = tasks.create_task(
        s,
        nurse,
        title="Weekly check-in call",
        due_on=date(2026, 3, 2),
        owner_user_id=nurse.id,
        repeat_every_days=7,
    )
    tasks.set_task_status(s, nurse, t.id, TaskStatus.COMPLETED)
    assert t.done_at is not None
    following = tasks.open_tasks(s, owner_user_id=nurse.id)
    assert [x.due_on for x in following] == [date(2026, 3, 9)]


def test_canceling_needs_a_reason(s, nurse):
    t = tasks.create_task(s, nurse, title="x", due_on=date(2026, 3, 2), owner_user_id=nurse.id)
    with pytest.raises(InvalidInput):
        tasks.set_task_status(s, nurse, t.id, TaskStatus.CANCELLED)
    tasks.set_task_status(s, nurse, t.id, TaskStatus.CANCELLED, reason="Patient moved")
    assert t.status_reason == "Patient moved"


def test_my_day_splits_overdue_today_and_tomorrow_and_flags_overdue(s, nurse):
    today = date(2026, 5, 10)
    for title, days in (("Later", 5), ("Tomorrow", 1), ("Today", 0), ("Late", -2)):
        tasks.create_task(
            s, nurse, title=title, due_on=today + timedelta(days=days), owner_user_id=nurse.id
        )
    sections = {x.key: x for x in worklist.my_day(s, nurse, today)}
    assert [r["Task"] for r in sections["overdue"].rows] == ["Late"]
    assert sections["overdue"].rows[0]["Days late"] == 2 and sections["overdue"].urgent
    assert [r["Task"] for r in sections["today"].rows] == ["Today"]
    assert [r["Task"] for r in sections["tomorrow"].rows] == ["Tomorrow"]
    assert not sections["today"].urgent
    assert [t.title for t in tasks.list_overdue_tasks(s, nurse.id, today)] == ["Late"]


def _audits(s, task_id):
    return s.scalars(
        select(AuditEvent).where(AuditEvent.entity == "task", AuditEvent.entity_id == str(task_id))
    ).all()


def test_a_follow_up_call_is_completed_only_with_its_outcome(s, nurse):
    call = tasks.create_task(
        s, nurse, title="Call back", due_on=date(2026, 5, 1), owner_user_id=nurse.id,
        source_kind="communication", source_id=1,
    )  # fmt: skip
    chore = tasks.create_task(
        s, nurse, title="File", due_on=date(2026, 5, 1), owner_user_id=nurse.id
    )
    assert tasks.asks_for_outcome(call) and not tasks.asks_for_outcome(chore)
    with pytest.raises(InvalidInput) as exc:
        tasks.complete_task(s, nurse, call.id, "  ", call.version)
    assert "note" in exc.value.errors and call.status == TaskStatus.REQUESTED
    tasks.complete_task(s, nurse, call.id, "Left a voicemail", call.version)
    tasks.complete_task(s, nurse, chore.id, "", chore.version)
    assert (call.status, call.status_reason) == (TaskStatus.COMPLETED, "Left a voicemail")
    assert chore.status == TaskStatus.COMPLETED


def test_a_second_click_on_the_same_task_writes_nothing(s, nurse):
    t = tasks.create_task(s, nurse, title="x", due_on=date(2026, 5, 1), owner_user_id=nurse.id)
    seen = t.version
    tasks.complete_task(s, nurse, t.id, "", seen)
    with pytest.raises(Conflict):
        tasks.complete_task(s, nurse, t.id, "", seen)
    with pytest.raises(Conflict):
        tasks.snooze_task(s, nurse, t.id, date(2026, 6, 1), "later", seen, on=date(2026, 5, 10))
    assert len(_audits(s, t.id)) == 2  # created, completed once


def test_snooze_moves_the_due_date_with_a_reason(s, nurse):
    on = date(2026, 5, 10)
    t = tasks.create_task(s, nurse, title="x", due_on=on, owner_user_id=nurse.id)
    with pytest.raises(InvalidInput) as exc:
        tasks.snooze_task(s, nurse, t.id, on, "", t.version, on=on)
    assert set(exc.value.errors) == {"until", "reason"}
    tasks.snooze_task(s, nurse, t.id, on + timedelta(days=3), "Patient away", t.version, on=on)
    assert (t.due_on, t.status_reason, t.status) == (
        on + timedelta(days=3),
        "Patient away",
        TaskStatus.REQUESTED,
    )
    detail = json.loads(_audits(s, t.id)[-1].detail)
    assert (
        detail["snoozed"] == "Patient away" and detail["changes"]["due_on"]["after"] == "2026-05-13"
    )


def test_reassign_hands_the_task_to_a_colleague_who_can_act(s, nurse, make_actor):
    t = tasks.create_task(s, nurse, title="x", due_on=date(2026, 5, 1), owner_user_id=nurse.id)
    trainee, colleague = make_actor(Role.VIEWER), make_actor(Role.SOCIAL_WORKER)
    for who in (trainee.id, nurse.id, None):
        with pytest.raises(InvalidInput):
            tasks.reassign_task(s, nurse, t.id, who, t.version)
    tasks.reassign_task(s, nurse, t.id, colleague.id, t.version)
    assert t.owner_user_id == colleague.id
    assert [x.id for x in tasks.open_tasks(s, owner_user_id=colleague.id)] == [t.id]
    with pytest.raises(PermissionDenied):
        tasks.reassign_task(s, trainee, t.id, nurse.id, t.version)

from datetime import date, timedelta

import pytest

from db.models import OwnerKind, Task, TaskPriority, TaskStatus
from services.core.errors import InvalidInput
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


def test_cancelling_needs_a_reason(s, nurse):
    t = tasks.create_task(s, nurse, title="x", due_on=date(2026, 3, 2), owner_user_id=nurse.id)
    with pytest.raises(InvalidInput):
        tasks.set_task_status(s, nurse, t.id, TaskStatus.CANCELLED)
    tasks.set_task_status(s, nurse, t.id, TaskStatus.CANCELLED, reason="Patient moved")
    assert t.status_reason == "Patient moved"


def test_my_day_lists_overdue_first_and_flags_urgency(s, nurse):
    today = date(2026, 5, 10)
    tasks.create_task(
        s, nurse, title="Later", due_on=today + timedelta(days=5), owner_user_id=nurse.id
    )
    tasks.create_task(s, nurse, title="Today", due_on=today, owner_user_id=nurse.id)
    tasks.create_task(
        s,
        nurse,
        title="Late",
        due_on=today - timedelta(days=2),
        owner_user_id=nurse.id,
        priority=TaskPriority.URGENT,
    )
    section = next(x for x in worklist.my_day(s, nurse, today) if x.title.startswith("My tasks"))
    assert [r["Task"] for r in section.rows] == ["Late", "Today"]
    assert section.rows[0]["When"] == "OVERDUE" and section.urgent
    assert [t.title for t in tasks.list_overdue_tasks(s, nurse.id, today)] == ["Late"]

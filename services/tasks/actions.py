"""The tasks room's user actions, each in its own transaction: complete a task (with the
outcome note it asks for), snooze it to a later day with a reason, or hand it to a
colleague. Each names the version the list showed, so a second click or a colleague's
change in between is refused instead of written twice."""

from __future__ import annotations

from datetime import date

from db.session import session_scope
from services.core.identity import Actor, user_action
from services.tasks import tasks


@user_action("patients.edit")
def complete_task(actor: Actor, task_id: int, note: str, version: int | None) -> None:
    with session_scope() as s:
        tasks.complete_task(s, actor, task_id, note, version)


@user_action("patients.edit")
def snooze_task(
    actor: Actor, task_id: int, until: date | None, reason: str, version: int | None
) -> None:
    with session_scope() as s:
        tasks.snooze_task(s, actor, task_id, until, reason, version)


@user_action("patients.edit")
def reassign_task(
    actor: Actor, task_id: int, owner_user_id: int | None, version: int | None
) -> None:
    with session_scope() as s:
        tasks.reassign_task(s, actor, task_id, owner_user_id, version)

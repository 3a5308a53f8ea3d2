"""Two app processes save the same goal at the same moment: one save wins, the other is
refused in plain words (never a silent overwrite, never an error box), on a SQLite file and
on PostgreSQL. Each "process" has its own engine, as two app processes would."""

from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from db import migrate
from db.models import Goal, Role
from db.session import SavedMeanwhile, dispose_all, session_scope
from services.care_plans import goals
from services.core.errors import Conflict
from services.core.identity import Actor
from tests.conftest import PG_URL, make_user
from tests.unit.careplan_factories import make_plan, words_goal


@pytest.fixture(params=["sqlite"] + (["postgresql"] if PG_URL else []))
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'clinic.sqlite3'}"
        dispose_all()
        return
    name = f"caredesk_moment_{abs(hash(str(tmp_path))) % 10**8}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    dispose_all()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


def test_two_saves_of_one_goal_at_the_same_moment_one_wins_one_is_told(url):
    migrate.upgrade(url)
    with session_scope(url) as s:
        nurse = make_user(s, "nurse1", Role.NURSE)
        actor = Actor(nurse.id, nurse.username, nurse.display_name, nurse.role)
        plan = make_plan(s, actor)
        goal = goals.add_goal(s, actor, plan.id, words_goal())
        goal_id, version = goal.id, goal.version

    # Both saves have passed their version check when either flushes (where the database
    # allows that: SQLite serialises whole transactions, so there the second waits, sees the
    # newer version and gets the usual Conflict).
    both_checked = threading.Barrier(2, timeout=3)

    @event.listens_for(Session, "before_flush")
    def _meet(session, _ctx, _instances):
        if any(isinstance(o, Goal) for o in session.dirty):
            with contextlib.suppress(threading.BrokenBarrierError):
                both_checked.wait()

    outcomes: dict[str, object] = {}

    def save(who: str, words: str) -> None:
        try:
            with session_scope(url) as s:
                goals.update_goal(
                    s, actor, goal_id, words_goal(description=words), expected_version=version
                )
            outcomes[who] = "saved"
        except (Conflict, SavedMeanwhile) as exc:
            outcomes[who] = exc

    try:
        threads = [
            threading.Thread(target=save, args=(who, f"Goal as {who} wrote it"))
            for who in ("first", "second")
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        event.remove(Session, "before_flush", _meet)

    assert list(outcomes.values()).count("saved") == 1, outcomes
    [winner] = [who for who, v in outcomes.items() if v == "saved"]
    [refused] = [v for v in outcomes.values() if v != "saved"]
    if url.startswith("postgresql"):  # both passed the check: the UPDATE itself refused
        assert isinstance(refused, SavedMeanwhile)
        assert "nothing of yours was saved" in str(refused)
    else:
        assert isinstance(refused, Conflict)
    with session_scope(url) as s:
        saved = s.get(Goal, goal_id)
        assert saved.description == f"Goal as {winner} wrote it"
        assert saved.version == version + 1

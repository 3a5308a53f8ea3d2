"""The training room's user actions: the trainee's scenarios and checklist, the trainer's
view and resets, and the administrator's scenario editor. Each runs in its own
transaction and hands back plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db import config
from db.session import read_scope, session_scope
from services.core.errors import DomainError
from services.core.identity import Actor, require, user_action
from services.core.training_mode import is_training_database
from services.demo.reset import reset_training_database
from services.training import runs, scenarios, trainer
from services.training.runs import NotTrainingDatabase, RunState

DEFAULT_PATIENTS = 150
MAX_PATIENTS = 5000


@dataclass(frozen=True)
class ScenarioCard:
    """A scenario as the Training page lists it, for one trainee."""

    key: str
    title: str
    summary: str
    minutes: int | None
    roles: tuple[str, ...]
    for_me: bool  # the trainee's role may take it
    steps: int
    run: RunState | None  # the trainee's run in progress


@dataclass(frozen=True)
class ScenarioDefinition:
    key: str
    title: str
    steps: int
    patients: int
    version: int  # 0 = the file shipped with CareDesk


@dataclass(frozen=True)
class ScenarioVersionRow:
    version: int
    saved_at: datetime
    saved_by_id: int | None
    note: str | None


@dataclass(frozen=True)
class ScenarioText:
    body: str
    version: int
    history: list[ScenarioVersionRow]


# ---------------------------------------------------------------- the trainee


@user_action("patients.read")
def training_scenarios(actor: Actor) -> list[ScenarioCard]:
    """Every scenario, with the trainee's run in progress; empty outside training mode."""
    with read_scope() as s:
        if not is_training_database(s):
            return []
        mine = {r.scenario_key: r for r in runs.my_runs(s, actor)}
        return [
            ScenarioCard(
                key=key,
                title=doc["title"],
                summary=doc["summary"],
                minutes=doc.get("minutes"),
                roles=tuple(doc["roles"]),
                for_me=runs.allowed(doc, actor.role),
                steps=len(doc["steps"]),
                run=mine.get(key),
            )
            for key, (doc, _version) in scenarios.scenarios(s).items()
        ]


@user_action("patients.read")
def my_checklists(actor: Actor) -> list[RunState]:
    """The trainee's scenarios in progress as checklists (newest first); the sidebar shows
    the first. Empty outside the training database."""
    with read_scope() as s:
        if not is_training_database(s):
            return []
        return runs.my_runs(s, actor)


@user_action("patients.read")
def start_scenario(actor: Actor, key: str) -> int:
    """The trainee's own fresh copy of a scenario's patients; returns the run's id.
    Starting a scenario already in progress starts it over."""
    with session_scope() as s:
        return runs.start(s, actor, key).id


@user_action("patients.read")
def start_over(actor: Actor, run_id: int) -> int:
    """Start one's own run over (a trainer may start anyone's); returns the new run's id."""
    with session_scope() as s:
        return trainer.start_over(s, actor, run_id, runs.RESET_REASON).id


@user_action("patients.read")
def page_opened(actor: Actor, page_title: str) -> list[RunState]:
    """The trainee opened a page: recorded when a step of theirs asks for it (most pages,
    most of the time, need nothing: no write); then their checklists, as my_checklists
    gives them. One read on every page of the training database, none outside it."""
    if not config.load().demo_mode:
        return []
    with read_scope() as s:
        if not is_training_database(s):
            return []
        if not runs.visit_needed(s, actor, page_title):
            return runs.my_runs(s, actor)
    with session_scope() as s:
        runs.record_visit(s, actor, page_title)
        return runs.my_runs(s, actor)


# ---------------------------------------------------------------- the trainer


@user_action("admin")
def trainer_overview(actor: Actor) -> list[RunState]:
    """Every trainee's scenarios in progress, with each step done or not and when."""
    with read_scope() as s:
        return trainer.overview(s, actor)


@user_action("admin")
def reset_trainee_scenario(actor: Actor, run_id: int) -> int:
    """Start one trainee's scenario over on a fresh copy; returns the new run's id."""
    require(actor, "admin")
    with session_scope() as s:
        return trainer.start_over(s, actor, run_id).id


@user_action("admin")
def add_trainee_accounts(actor: Actor, count: int) -> list[str]:
    """More trainee accounts (password `demo`); returns their usernames."""
    with session_scope() as s:
        return trainer.add_trainees(s, actor, count)


@user_action("admin")
def reset_whole_training_database(actor: Actor, patients: int = DEFAULT_PATIENTS) -> float:
    """Delete the training database and seed it again; returns the seconds it took.
    Refused unless CareDesk is in training mode on the training database."""
    require(actor, "admin")
    settings = config.load()
    if not settings.demo_mode:
        raise NotTrainingDatabase()
    with read_scope() as s:
        runs.require_training(s)
    if not isinstance(patients, int) or not 5 <= patients <= MAX_PATIENTS:
        raise DomainError(f"Choose between 5 and {MAX_PATIENTS} patients.")
    return reset_training_database(patients)


# ---------------------------------------------------------------- the scenario editor


@user_action("admin")
def scenario_definitions(actor: Actor) -> list[ScenarioDefinition]:
    require(actor, "admin")
    with read_scope() as s:
        return [
            ScenarioDefinition(key, doc["title"], len(doc["steps"]), len(doc["patients"]), v)
            for key, (doc, v) in scenarios.scenarios(s).items()
        ]


@user_action("admin")
def open_scenario(actor: Actor, key: str) -> ScenarioText:
    require(actor, "admin")
    with read_scope() as s:
        body, version = scenarios.scenario_text(s, key)
        history = [
            ScenarioVersionRow(r.version, r.saved_at, r.saved_by_id, r.note)
            for r in scenarios.scenario_versions(s, key)
        ]
        return ScenarioText(body, version, history)


@user_action("admin")
def save_scenario(
    actor: Actor, body: str, expected_version: int | None = None, note: str = "", new: bool = False
) -> int:
    """A new scenario, or an edit as the next version (validated first); returns the version."""
    with session_scope() as s:
        return scenarios.save_scenario(
            s, actor, body, expected_version=expected_version, note=note, new=new
        ).version

"""Training scenarios: YAML files validated by a JSON Schema, editable by administrators.

The files in definitions/scenarios are version 0. An administrator's edit (or a new
scenario) is validated like the shipped files and stored as the next version, in the
audit trail; the newest version is what a trainee starts. A run keeps the scenario as it
was when started, so an edit never moves a trainee's checklist under their feet.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import jsonschema
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import TrainingScenarioVersion
from services.core import audit
from services.core.audit import Action
from services.core.definitions import (
    DefinitionTextError,
    load_definition_yaml,
    newest_versions,
    shipped_definitions,
)
from services.core.errors import Conflict, InvalidInput, NotFound
from services.core.identity import Actor, require
from services.training.checks import CHECKS

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
SCENARIO_DIR = DEFINITIONS / "scenarios"
SCHEMA_FILE = DEFINITIONS / "scenario.schema.json"


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def _unique(items: list[dict], where: str, what: str) -> dict[str, str]:
    keys = [i["key"] for i in items]
    return {where: f"Each {what} needs its own key."} if len(keys) != len(set(keys)) else {}


def validate(doc: object) -> dict[str, str]:
    """Problems keyed by where they are ("steps.2.check"); empty when the scenario is good.

    Beyond the schema: keys are unique, every patient a step names exists, and every
    check has what its kind needs (most need the patient they look at).
    """
    validator = jsonschema.Draft202012Validator(schema())
    errors: dict[str, str] = {}
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in err.path) or "scenario"
        errors.setdefault(where, err.message)
    if errors or not isinstance(doc, dict):
        return errors
    errors |= _unique(doc["patients"], "patients", "patient")
    errors |= _unique(doc["steps"], "steps", "step")
    patients = {p["key"] for p in doc["patients"]}
    for i, step in enumerate(doc["steps"]):
        check = step["check"]
        kind = CHECKS[check["kind"]]
        for name in kind.needs:
            if name not in check:
                errors[f"steps.{i}.check"] = f"A {check['kind']} check needs '{name}'."
        for where, key in (
            (f"steps.{i}.patient", step.get("patient")),
            (f"steps.{i}.check", check.get("patient")),
        ):
            if key is not None and key not in patients:
                errors[where] = f"No patient with the key '{key}' in this scenario."
    return errors


def parse(text: str) -> dict:
    """A scenario from YAML text; InvalidInput(body) says what is wrong with it."""
    try:
        doc = load_definition_yaml(text)  # untrusted: size and aliases bounded
    except DefinitionTextError as exc:
        raise InvalidInput({"body": str(exc)}) from None
    problems = validate(doc)
    if problems:
        raise InvalidInput({"body": "; ".join(f"{k}: {v}" for k, v in problems.items())})
    return doc


@cache
def file_scenarios() -> dict[str, dict]:
    """The shipped scenarios (static definitions, safe to cache: no patient data)."""
    return shipped_definitions(SCENARIO_DIR, validate)


def _latest_rows(s: Session) -> dict[str, TrainingScenarioVersion]:
    return newest_versions(s, TrainingScenarioVersion)


def scenarios(s: Session) -> dict[str, tuple[dict, int]]:
    """Every scenario's newest document and its version (0 = the shipped file), in the
    order a class takes them."""
    out = {k: (doc, 0) for k, doc in file_scenarios().items()}
    for key, row in _latest_rows(s).items():
        try:
            out[key] = (parse(row.body), row.version)
        except InvalidInput:
            continue  # valid when saved; a later change to the checks must not crash the list
    return dict(sorted(out.items(), key=lambda kv: (kv[1][0].get("order", 500), kv[1][0]["title"])))


def scenario(s: Session, key: str) -> tuple[dict, int]:
    found = scenarios(s).get(key)
    if found is None:
        raise NotFound("No such training scenario.")
    return found


def scenario_text(s: Session, key: str) -> tuple[str, int]:
    """The YAML an administrator edits: the newest saved text, or the shipped file."""
    row = _latest_rows(s).get(key)
    if row is not None:
        return row.body, row.version
    path = SCENARIO_DIR / f"{key}.yaml"
    if key not in file_scenarios() or not path.is_file():
        raise NotFound("No such training scenario.")
    return path.read_text(encoding="utf-8"), 0


def scenario_versions(s: Session, key: str) -> list[TrainingScenarioVersion]:
    return list(
        s.scalars(
            select(TrainingScenarioVersion)
            .where(TrainingScenarioVersion.key == key)
            .order_by(TrainingScenarioVersion.version.desc())
        )
    )


def save_scenario(
    s: Session,
    actor: Actor,
    body: str,
    *,
    expected_version: int | None,
    note: str = "",
    new: bool = False,
) -> TrainingScenarioVersion:
    """Store an administrator's scenario (`new`, or an edit) as the next version."""
    require(actor, "admin")
    doc = parse(body)
    key = doc["key"]
    current = scenarios(s).get(key)
    current_version = current[1] if current else None
    if new and current is not None:
        raise InvalidInput(
            {"body": f"A scenario with the key '{key}' exists; give the new one its own key."}
        )
    if expected_version is not None and current_version not in (None, expected_version):
        raise Conflict(
            "Someone else saved this scenario while you were editing.",
            theirs={"version": current_version},
            mine={"version": expected_version},
        )
    row = TrainingScenarioVersion(
        key=key,
        version=(current_version or 0) + 1,
        body=body,
        saved_by_id=actor.id,
        note=(note or "").strip() or None,
    )
    s.add(row)
    s.flush()
    audit.record(
        s,
        actor,
        Action.UPDATE if current else Action.CREATE,
        entity="training_scenario",
        entity_id=f"{key}@{row.version}",
        category="configuration",
        detail={"key": key, "version": row.version, "before_version": current_version},
    )
    return row

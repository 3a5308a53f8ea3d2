"""Care-plan templates: YAML data files, validated by a JSON Schema, editable by admins.

The files in definitions/templates are version 0. An admin's edit is stored
in the database as the next version (validated, audited); the newest version wins.
Applying a template goes through a preview: a flat list of items the user may edit or
leave out. Goals already on the plan from the same template (or with the same text)
are not added again, nor their tasks.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path

import jsonschema
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.base import today
from db.models import CarePlanTemplateVersion, GoalLifecycle, OwnerKind, Patient
from services.care_plans.common import EDIT, living_plan
from services.care_plans.concerns import add_concern, concerns
from services.care_plans.goals import CLOSED_GOALS, GoalInput, add_goal, goals
from services.care_plans.interventions import add_goal_task
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
from services.core.text import fold

DEFINITIONS = Path(__file__).resolve().parent / "definitions"
TEMPLATE_DIR = DEFINITIONS / "templates"
SCHEMA_FILE = DEFINITIONS / "template.schema.json"
OWNER_KINDS = {
    "case_manager": OwnerKind.STAFF,
    "patient": OwnerKind.PATIENT,
    "family": OwnerKind.FAMILY,
    "outside": OwnerKind.CONTACT,
}


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def validate(doc: object) -> dict[str, str]:
    """Schema messages keyed by the path of the bad value ("goals.0.description")."""
    validator = jsonschema.Draft202012Validator(schema())
    errors = {}
    for err in sorted(validator.iter_errors(doc), key=lambda e: list(e.path)):
        where = ".".join(str(p) for p in err.path) or "template"
        errors.setdefault(where, err.message)
    if not errors and isinstance(doc, dict):
        keys = [g["key"] for g in doc["goals"]]
        if len(keys) != len(set(keys)):
            errors["goals"] = "Each goal in a template needs its own key."
    return errors


@cache
def file_templates() -> dict[str, dict]:
    """The shipped templates (static definitions, safe to cache: no patient data)."""
    return shipped_definitions(TEMPLATE_DIR, validate)


def _latest_rows(s: Session) -> dict[str, CarePlanTemplateVersion]:
    return newest_versions(s, CarePlanTemplateVersion)


def templates(s: Session) -> dict[str, tuple[dict, int]]:
    """Every template's newest document and its version (0 = the shipped file)."""
    out = {k: (doc, 0) for k, doc in file_templates().items()}
    for key, row in _latest_rows(s).items():
        out[key] = (load_definition_yaml(row.body), row.version)
    return dict(sorted(out.items(), key=lambda kv: kv[1][0]["title"]))


def template(s: Session, key: str) -> tuple[dict, int]:
    found = templates(s).get(key)
    if found is None:
        raise NotFound("No such template.")
    return found


def template_text(s: Session, key: str) -> tuple[str, int]:
    """The YAML an admin edits: the saved text, or the shipped file."""
    row = _latest_rows(s).get(key)
    if row is not None:
        return row.body, row.version
    path = next(
        (
            p
            for p in TEMPLATE_DIR.glob("*.yaml")
            if load_definition_yaml(p.read_text())["key"] == key
        ),
        None,
    )
    if path is None:
        raise NotFound("No such template.")
    return path.read_text(encoding="utf-8"), 0


def template_versions(s: Session, key: str) -> list[CarePlanTemplateVersion]:
    return list(
        s.scalars(
            select(CarePlanTemplateVersion)
            .where(CarePlanTemplateVersion.key == key)
            .order_by(CarePlanTemplateVersion.version.desc())
        )
    )


def save_template(
    s: Session, actor: Actor, body: str, *, expected_version: int | None, note: str = ""
) -> CarePlanTemplateVersion:
    """Store an admin's edit as the next version, after validating it against the schema."""
    require(actor, "admin")
    try:
        doc = load_definition_yaml(body)  # untrusted: size and aliases bounded
    except DefinitionTextError as exc:
        raise InvalidInput({"body": str(exc)}) from None
    problems = validate(doc)
    if problems:
        raise InvalidInput({"body": "; ".join(f"{k}: {v}" for k, v in problems.items())})
    key = doc["key"]
    current = templates(s).get(key)
    current_version = current[1] if current else None
    if expected_version is not None and current_version not in (None, expected_version):
        raise Conflict(
            "Someone else saved this template while you were editing.",
            theirs={"version": current_version},
            mine={"version": expected_version},
        )
    row = CarePlanTemplateVersion(
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
        entity="care_plan_template",
        entity_id=f"{key}@{row.version}",
        category="template",
        detail={"key": key, "version": row.version, "before_version": current_version},
    )
    return row


# ---------------------------------------------------------------- preview and apply


def _existing(s: Session, plan_id: int) -> tuple[set[str], set[str], set[str]]:
    live = [g for g in goals(s, plan_id) if g.lifecycle_status not in CLOSED_GOALS]
    return (
        {g.template_key for g in live if g.template_key},
        {fold(g.description) for g in live},
        {c.template_key for c in concerns(s, plan_id) if c.template_key},
    )


def preview(s: Session, actor: Actor, plan_id: int, key: str, on: date | None = None) -> list[dict]:
    """The template as a flat list of items to edit or leave out before adding."""
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    doc, version = template(s, key)
    on = max(on or today(), plan.start_on)
    goal_keys, goal_texts, concern_keys = _existing(s, plan.id)
    patient = s.get(Patient, plan.patient_id)
    items: list[dict] = []
    for goal in doc["goals"]:
        gref = f"{key}:{goal['key']}"
        dup = gref in goal_keys or fold(goal["description"]) in goal_texts
        items.append(
            {
                "ref": gref,
                "kind": "goal",
                "parent": None,
                "include": not dup,
                "already_on_plan": dup,
                "text": goal["description"],
                "ask": goal.get("ask", ""),
                "date": on + timedelta(days=goal.get("target_days", 90)),
                "owner": None,
                "owner_name": None,
                "repeat_every_days": None,
            }
        )
        for i, task in enumerate(goal.get("tasks", [])):
            owner = task["owner"]
            name = task.get("owner_name")
            if owner == "patient":
                name = patient.display_name
            items.append(
                {
                    "ref": f"{gref}#{i}",
                    "kind": "task",
                    "parent": gref,
                    "include": not dup,
                    "already_on_plan": dup,
                    "text": task["title"],
                    "ask": "",
                    "date": on + timedelta(days=task["due_days"]),
                    "owner": owner,
                    "owner_name": name,
                    "repeat_every_days": task.get("repeat_every_days"),
                }
            )
    for i, concern in enumerate(doc.get("concerns", [])):
        cref = f"{key}:concern{i}"
        dup = cref in concern_keys
        items.append(
            {
                "ref": cref,
                "kind": concern["kind"],
                "parent": None,
                "include": not dup,
                "already_on_plan": dup,
                "text": concern["text"],
                "ask": "",
                "date": None,
                "owner": None,
                "owner_name": None,
                "repeat_every_days": None,
            }
        )
    return items


def apply_template(
    s: Session, actor: Actor, plan_id: int, key: str, items: list[dict]
) -> dict[str, int]:
    """Add the included preview items; goals arrive as proposed. Returns what was added."""
    require(actor, EDIT)
    plan = living_plan(s, plan_id)
    template(s, key)  # must exist
    goal_keys, goal_texts, concern_keys = _existing(s, plan.id)
    errors: dict[str, str] = {}
    for item in items:
        if item.get("include") and not (item.get("text") or "").strip():
            errors[f"item.{item['ref']}"] = "Write the text, or leave this item out."
        if item.get("include") and item["kind"] == "task" and item.get("date") is None:
            errors[f"item.{item['ref']}"] = "Give the task a due date, or leave it out."
        if (
            item.get("include")
            and item["kind"] == "goal"
            and item.get("date") is not None
            and item["date"] < plan.start_on
        ):
            errors[f"item.{item['ref']}"] = "The target date cannot be before the plan starts."
    if errors:
        raise InvalidInput(errors)
    added = {"goals": 0, "tasks": 0, "concerns": 0, "skipped": 0}
    created: dict[str, int] = {}
    for item in items:
        if not item.get("include"):
            continue
        text = item["text"].strip()
        if item["kind"] == "goal":
            if item["ref"] in goal_keys or fold(text) in goal_texts:
                added["skipped"] += 1
                continue
            goal = add_goal(
                s,
                actor,
                plan.id,
                GoalInput(
                    description=text,
                    target_on=item.get("date"),
                    lifecycle_status=GoalLifecycle.PROPOSED,
                    priority_rank=len(created) + 1,
                ),
                template_key=item["ref"],
            )
            created[item["ref"]] = goal.id
            goal_keys.add(item["ref"])
            goal_texts.add(fold(text))
            added["goals"] += 1
        elif item["kind"] == "task":
            goal_id = created.get(item["parent"])
            if goal_id is None:  # its goal was left out or is already on the plan
                added["skipped"] += 1
                continue
            owner_kind = OWNER_KINDS[item.get("owner") or "case_manager"]
            add_goal_task(
                s,
                actor,
                goal_id,
                title=text,
                due_on=item["date"],
                owner_kind=owner_kind,
                owner_user_id=actor.id if owner_kind == OwnerKind.STAFF else None,
                owner_name=item.get("owner_name"),
                repeat_every_days=item.get("repeat_every_days") or None,
            )
            added["tasks"] += 1
        else:
            if item["ref"] in concern_keys:
                added["skipped"] += 1
                continue
            add_concern(s, actor, plan.id, item["kind"], text, template_key=item["ref"])
            concern_keys.add(item["ref"])
            added["concerns"] += 1
    return added

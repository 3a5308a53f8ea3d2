"""The admin's care-plan template editor: list, open, save a new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from db.session import read_scope, session_scope
from services.care_plans import templates
from services.core.identity import Actor, require, user_action

ADMIN = "admin"


@dataclass(frozen=True)
class TemplateSummary:
    key: str
    title: str
    goals: int
    version: int  # 0 = the file shipped with CareDesk


@dataclass(frozen=True)
class TemplateVersionRow:
    version: int
    saved_at: datetime
    saved_by_id: int | None
    note: str | None


@dataclass(frozen=True)
class TemplateText:
    """The YAML an admin edits, its version, and the versions saved before."""

    body: str
    version: int
    history: list[TemplateVersionRow]


@user_action("admin")
def list_templates(actor: Actor) -> list[TemplateSummary]:
    """Every template's newest version, by title."""
    require(actor, ADMIN)
    with read_scope() as s:
        return [
            TemplateSummary(key, doc["title"], len(doc["goals"]), version)
            for key, (doc, version) in templates.templates(s).items()
        ]


@user_action("admin")
def open_template(actor: Actor, key: str) -> TemplateText:
    require(actor, ADMIN)
    with read_scope() as s:
        body, version = templates.template_text(s, key)
        history = [
            TemplateVersionRow(r.version, r.saved_at, r.saved_by_id, r.note)
            for r in templates.template_versions(s, key)
        ]
        return TemplateText(body, version, history)


@user_action("admin")
def save_template(
    actor: Actor, body: str, expected_version: int | None = None, note: str = ""
) -> int:
    """The edited YAML as the next version (validated first); returns that version."""
    with session_scope() as s:
        row = templates.save_template(s, actor, body, expected_version=expected_version, note=note)
        return row.version

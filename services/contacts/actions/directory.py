"""Directory actions: search, an entry's detail, add/correct/verify/remove, people, the
file export and the CSV import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from db import config
from db.session import read_scope, session_scope
from services.contacts import communications, directory, directory_export, directory_search
from services.contacts.directory import OrgInput, PersonInput
from services.contacts.directory_import import (
    Files,
    ImportPreview,
    ImportResult,
    apply_import,
    preview_import,
)
from services.core.contact_data import dial_uri, display_phone
from services.core.identity import Actor, user_action
from services.scheduling import providers


@dataclass(frozen=True)
class OrgList:
    """One page of directory search results."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class OrgDetail:
    """An organization as its detail view and edit form show it."""

    id: int
    name: str
    version: int
    status: str
    status_reason: str | None
    stale: bool
    reachable: bool
    values: OrgInput  # the saved entry as form values
    shown: dict[str, Any]  # the same, with phone and fax formatted for the region
    people: list[dict[str, Any]]
    communications: list[dict[str, Any]]
    coming_up: list[dict[str, Any]]
    dial: str = ""  # a tel: link for the main phone, extension included


@user_action("patients.read")
def search_directory(
    actor: Actor,
    query: str,
    *,
    org_type: str | None = None,
    stale_only: bool = False,
    include_archived: bool = False,
    page: int = 1,
) -> OrgList:
    with read_scope() as s:
        found = directory_search.search_organizations(
            s,
            actor,
            query,
            org_type=org_type,
            stale_only=stale_only,
            include_archived=include_archived,
            page=page,
        )
        return OrgList(directory_search.org_rows(found.rows), found.total, found.page, found.pages)


@user_action("patients.read")
def org_detail(actor: Actor, org_id: int, region: str) -> OrgDetail:
    with read_scope() as s:
        o = directory.get_organization(s, actor, org_id)
        values = OrgInput.from_org(o)
        shown = asdict(values)
        shown["phone"] = display_phone(o.phone, region)
        shown["fax"] = display_phone(o.fax, region)
        return OrgDetail(
            id=o.id,
            name=o.name,
            version=o.version,
            status=o.status,
            status_reason=o.status_reason,
            stale=directory.is_stale(o),
            reachable=o.reachable,
            values=values,
            shown=shown,
            people=[
                {
                    "Name": p.name,
                    "Role": p.role or "",
                    "Phone": display_phone(p.phone, region),
                    "Email": p.email or "",
                    "Prefers": p.preferred_method or "",
                    "id": p.id,
                }
                for p in o.people
            ],
            communications=communications.communication_rows(
                communications.communications(s, actor, organization_id=o.id, limit=20),
                config.load().timezone,
            ),
            coming_up=providers.coming_up_with(s, o.id, config.load().timezone),
            dial=dial_uri(o.phone),
        )


@user_action("contacts.edit")
def save_org(
    actor: Actor,
    data: OrgInput,
    region: str,
    org_id: int | None = None,
    version: int | None = None,
) -> int:
    with session_scope() as s:
        if org_id is None:
            return directory.create_organization(s, actor, data, region=region).id
        return directory.update_organization(s, actor, org_id, data, version, region=region).id


@user_action("contacts.edit")
def mark_verified(actor: Actor, org_id: int, version: int | None = None) -> None:
    with session_scope() as s:
        directory.mark_verified(s, actor, org_id, version=version)


@user_action("contacts.edit")
def remove_org(actor: Actor, org_id: int, reason: str, version: int | None = None) -> str:
    """ "deleted" or "archived" (when anything points at it)."""
    with session_scope() as s:
        return directory.remove_organization(s, actor, org_id, reason, version=version)


@user_action("contacts.edit")
def restore_org(actor: Actor, org_id: int, version: int | None = None) -> None:
    with session_scope() as s:
        directory.restore_organization(s, actor, org_id, version=version)


@user_action("contacts.edit")
def add_person(actor: Actor, org_id: int, data: PersonInput, region: str) -> None:
    with session_scope() as s:
        directory.add_person(s, actor, org_id, data, region=region)


@user_action("patients.read")
def export(actor: Actor, fmt: str) -> bytes:
    """The directory as a file ("csv", "xlsx" or "hsds": a zip of Open Referral tables);
    a write, since the export is recorded in the audit trail."""
    region = config.load().region
    with session_scope() as s:
        if fmt == "xlsx":
            return directory_export.export_xlsx(s, actor, region=region)
        if fmt == "hsds":
            return directory_export.zipped(directory_export.export_hsds(s, actor, region=region))
        return directory_export.export_csv(s, actor, region=region).encode("utf-8-sig")


@user_action("patients.read")
def org_options(actor: Actor, query: str, org_type: str | None = None) -> dict[int, str]:
    """Up to 25 active organizations matching the words, for a picker."""
    with read_scope() as s:
        found = directory_search.search_organizations(s, actor, query, org_type=org_type)
        return {o.id: f"{o.name} ({o.org_type})" for o in found.rows}


@user_action("contacts.edit")
def preview(actor: Actor, content: Files, duplicates: str, region: str) -> ImportPreview:
    """What importing the files would do, row by row; nothing is saved. `content` is one
    CSV, or (file name, bytes) pairs: CSVs, or an HSDS datapackage (zip or its tables)."""
    with read_scope() as s:
        return preview_import(s, actor, content, duplicates=duplicates, region=region)


@user_action("contacts.edit")
def run_import(
    actor: Actor,
    content: Files,
    duplicates: str,
    region: str,
    progress: Callable[[float], object] | None = None,
) -> ImportResult:
    with session_scope() as s:
        return apply_import(
            s, actor, content, duplicates=duplicates, region=region, progress=progress
        )

"""The directory as files: a CSV or Excel sheet in the column order the import reads, or
Open Referral HSDS 3.0 tables (a datapackage) that read back into CareDesk unchanged."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Organization, RecordStatus
from services.contacts import hsds
from services.contacts.addresses import split_address
from services.contacts.directory import COLUMNS
from services.core import audit, spreadsheet
from services.core.audit import Action
from services.core.contact_data import display_phone, extension_of, without_extension
from services.core.identity import Actor, require


def _orgs(s: Session, include_archived: bool) -> list[Organization]:
    stmt = select(Organization).order_by(Organization.name_key, Organization.id)
    if not include_archived:
        stmt = stmt.where(Organization.status == RecordStatus.ACTIVE)
    return list(s.scalars(stmt))


def org_values(o: Organization, region: str = "US") -> dict:
    """One entry in the import's columns (phones as people write them, extension included)."""
    return {
        "name": o.name,
        "type": o.org_type,
        "services": o.services or "",
        "phone": display_phone(o.phone, region),
        "fax": display_phone(o.fax, region),
        "email": o.email or "",
        "address": o.address or "",
        "website": o.website or "",
        "hours": o.hours or "",
        "languages": o.languages or "",
        "eligibility_notes": o.eligibility_notes or "",
        "accepted_insurers": o.accepted_insurers or "",
        "last_verified_on": o.last_verified_on.isoformat() if o.last_verified_on else "",
    }


def _audit(s: Session, actor: Actor, rows: int, fmt: str) -> None:
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="organization",
        category="directory",
        detail={"rows": rows, "format": fmt},
    )


def directory_frame(s: Session, *, include_archived: bool = False, region: str = "US"):
    return spreadsheet.frame(
        [org_values(o, region) for o in _orgs(s, include_archived)], columns=COLUMNS
    )


def export_csv(
    s: Session, actor: Actor, *, include_archived: bool = False, region: str = "US"
) -> str:
    require(actor, "patients.read")
    table = directory_frame(s, include_archived=include_archived, region=region)
    _audit(s, actor, len(table), "csv")
    return spreadsheet.to_csv(table).decode("utf-8-sig")


def export_xlsx(
    s: Session, actor: Actor, *, include_archived: bool = False, region: str = "US"
) -> bytes:
    require(actor, "patients.read")
    table = directory_frame(s, include_archived=include_archived, region=region)
    _audit(s, actor, len(table), "xlsx")
    return spreadsheet.to_xlsx({"Directory": table})


def export_hsds(
    s: Session, actor: Actor, *, include_archived: bool = False, region: str = "US"
) -> dict[str, bytes]:
    """The HSDS 3.0 tables and datapackage.json, by file name."""
    require(actor, "patients.read")
    orgs = _orgs(s, include_archived)
    entries = [
        org_values(o, region) | {"id": o.id, "active": o.status == RecordStatus.ACTIVE}
        for o in orgs
    ]
    stored = {o.id: (o.phone, o.fax) for o in orgs}
    for e in entries:  # HSDS keeps the extension in a column of its own
        e["phone"], e["fax"] = stored[e["id"]]
    tables = hsds.tables_for(
        entries,
        split_address,
        lambda stored_phone: (
            without_extension(stored_phone, region),
            extension_of(stored_phone),
        ),
    )
    _audit(s, actor, len(orgs), "hsds")
    return hsds.write_package(tables)


def zipped(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buf.getvalue()

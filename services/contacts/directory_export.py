"""The directory as a CSV or Excel file, in the column order the import reads."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Organization, RecordStatus
from services.contacts.directory import COLUMNS
from services.core import audit
from services.core.audit import Action
from services.core.identity import Actor, require


def _export_rows(s: Session, include_archived: bool) -> list[list]:
    stmt = select(Organization).order_by(Organization.name_key, Organization.id)
    if not include_archived:
        stmt = stmt.where(Organization.status == RecordStatus.ACTIVE)
    out = []
    for o in s.scalars(stmt):
        out.append(
            [
                o.name,
                o.org_type,
                o.services or "",
                o.phone or "",
                o.fax or "",
                o.email or "",
                o.address or "",
                o.website or "",
                o.hours or "",
                o.languages or "",
                o.eligibility_notes or "",
                o.accepted_insurers or "",
                o.last_verified_on.isoformat() if o.last_verified_on else "",
            ]
        )
    return out


def _safe_cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas; quote them."""
    if value and value[0] in "=+-@" and not value.startswith("+1") and not value[1:2].isdigit():
        return "'" + value
    return value


def export_csv(s: Session, actor: Actor, *, include_archived: bool = False) -> str:
    require(actor, "patients.read")
    rows = _export_rows(s, include_archived)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_safe_cell(str(v)) for v in row])
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="organization",
        category="directory",
        detail={"rows": len(rows), "format": "csv"},
    )
    return buf.getvalue()


def export_xlsx(s: Session, actor: Actor, *, include_archived: bool = False) -> bytes:
    from openpyxl import Workbook

    require(actor, "patients.read")
    rows = _export_rows(s, include_archived)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Directory")
    ws.append(COLUMNS)
    for row in rows:
        ws.append([_safe_cell(str(v)) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    audit.record(
        s,
        actor,
        Action.EXPORT,
        entity="organization",
        category="directory",
        detail={"rows": len(rows), "format": "xlsx"},
    )
    return buf.getvalue()

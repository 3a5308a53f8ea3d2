"""CSV import of the directory: a preview first, per-row errors, duplicates merged or skipped.

A duplicate is a row with the same folded name and address as an entry already in the
directory, or as an earlier row of the same file. It is never inserted twice: "merge"
fills the existing entry with the row's non-blank values, "skip" leaves it alone.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Organization
from services.contacts.directory import COLUMNS, OrgInput, clean_org, dedupe_key, search_text
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput
from services.core.identity import Actor, require

MAX_ROWS = 50_000
# Header aliases (including Open Referral HSDS organization/service names) -> our column.
ALIASES = {
    "organization": "name",
    "organization_name": "name",
    "org_type": "type",
    "organization_type": "type",
    "service": "services",
    "description": "services",
    "phone_number": "phone",
    "email_address": "email",
    "url": "website",
    "address_1": "address",
    "street_address": "address",
    "hours_of_operation": "hours",
    "eligibility": "eligibility_notes",
    "eligibility_description": "eligibility_notes",
    "insurers": "accepted_insurers",
    "last_verified_on": "last_verified_on",
    "last_verified": "last_verified_on",
    "verified": "last_verified_on",
}
# The first entry's name and address stay: they are what made the rows duplicates.
KEEP_ON_MERGE = {"name", "address", "name_key", "dedupe_key", "search_text"}
FIELD_FOR_COLUMN = {"type": "org_type"}
COLUMN_FOR_FIELD = {v: k for k, v in FIELD_FOR_COLUMN.items()}


@dataclass(frozen=True)
class RowResult:
    line: int  # line number in the file (header is line 1)
    action: str  # "new", "merge", "skip", "error"
    name: str
    errors: dict[str, str] = field(default_factory=dict)  # column -> message
    values: dict = field(default_factory=dict)
    existing_id: int | None = None


@dataclass(frozen=True)
class ImportPreview:
    rows: list[RowResult]
    unknown_columns: list[str]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def table(self) -> list[dict]:
        return [
            {
                "Line": r.line,
                "Name": r.name,
                "Will be": {
                    "new": "added",
                    "merge": "merged into existing",
                    "skip": "skipped (duplicate)",
                    "error": "NOT imported",
                }[r.action],
                "Problems": "; ".join(f"{k}: {v}" for k, v in r.errors.items()),
            }
            for r in self.rows
        ]


def _parse_date(raw: str) -> date:
    raw = raw.strip()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    parts = raw.replace("-", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        m, d, y = (int(p) for p in parts)
        return date(y if y > 99 else 2000 + y, m, d)
    raise ValueError("Write the date as YYYY-MM-DD.")


def read_csv(content: str | bytes) -> tuple[list[dict], list[str]]:
    """Rows as {column: value} with recognised headers, and the headers we did not know."""
    if isinstance(content, bytes):
        content = content.decode("utf-8-sig", errors="replace")
    content = content.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(content))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput({"file": "The file is empty."}) from None
    names = []
    unknown = []
    for h in header:
        key = "_".join(h.strip().lower().replace("-", " ").split())
        key = ALIASES.get(key, key)
        names.append(key if key in COLUMNS else None)
        if key not in COLUMNS and h.strip():
            unknown.append(h.strip())
    if "name" not in names:
        raise InvalidInput({"file": "The first line must name the columns, including 'name'."})
    rows = []
    for i, raw in enumerate(reader):
        if i >= MAX_ROWS:
            raise InvalidInput({"file": f"Import at most {MAX_ROWS:,} rows at a time."})
        if not any(c.strip() for c in raw):
            rows.append(None)  # keep line numbers right
            continue
        rows.append({n: (raw[j].strip() if j < len(raw) else "") for j, n in enumerate(names) if n})
    return rows, unknown


def _to_input(row: dict) -> tuple[OrgInput, dict[str, str]]:
    errors = {}
    verified = None
    if row.get("last_verified_on"):
        try:
            verified = _parse_date(row["last_verified_on"])
        except ValueError as exc:
            errors["last_verified_on"] = str(exc)
    data = OrgInput(
        name=row.get("name", ""),
        org_type=(row.get("type") or "other").lower(),
        services=row.get("services", ""),
        phone=row.get("phone", ""),
        fax=row.get("fax", ""),
        email=row.get("email", ""),
        address=row.get("address", ""),
        website=row.get("website", ""),
        hours=row.get("hours", ""),
        languages=row.get("languages", ""),
        eligibility_notes=row.get("eligibility_notes", ""),
        accepted_insurers=row.get("accepted_insurers", ""),
        last_verified_on=verified,
    )
    return data, errors


def preview_import(
    s: Session, actor: Actor, content: str | bytes, *, duplicates: str = "merge", region: str
) -> ImportPreview:
    """What an import would do, row by row; nothing is saved."""
    require(actor, "contacts.edit")
    if duplicates not in ("merge", "skip"):
        raise InvalidInput({"duplicates": "Choose merge or skip."})
    rows, unknown = read_csv(content)
    cleaned: list[tuple[int, dict | None, dict, str]] = []
    keys = set()
    for i, row in enumerate(rows):
        if row is None:
            continue
        data, errors = _to_input(row)
        values = None
        try:
            values = clean_org(data, region)
        except InvalidInput as exc:
            errors.update(exc.errors)
        if errors:
            values = None
        else:
            keys.add(values["dedupe_key"])
        errors = {COLUMN_FOR_FIELD.get(k, k): v for k, v in errors.items()}
        cleaned.append((i + 2, values, errors, data.name.strip()))
    existing = {}
    key_list = list(keys)
    for start in range(0, len(key_list), 500):
        chunk = key_list[start : start + 500]
        for org_id, key in s.execute(
            select(Organization.id, Organization.dedupe_key)
            .where(Organization.dedupe_key.in_(chunk))
            .order_by(Organization.id.desc())
        ):
            existing[key] = org_id
    seen_in_file: dict[str, int] = {}
    results = []
    for line, values, errors, name in cleaned:
        if values is None:
            results.append(RowResult(line, "error", name or "(no name)", errors))
            continue
        key = values["dedupe_key"]
        if key in existing or key in seen_in_file:
            results.append(
                RowResult(
                    line,
                    duplicates,
                    name,
                    values=values,
                    existing_id=existing.get(key),
                    errors={}
                    if key in existing
                    else {"name": f"same organization as line {seen_in_file[key]}"},
                )
            )
        else:
            results.append(RowResult(line, "new", name, values=values))
        seen_in_file.setdefault(key, line)
    return ImportPreview(results, unknown)


@dataclass(frozen=True)
class ImportResult:
    added: int
    merged: int
    skipped: int
    errors: int


def apply_import(
    s: Session,
    actor: Actor,
    content: str | bytes,
    *,
    duplicates: str = "merge",
    region: str,
    progress=None,
) -> ImportResult:
    """Import the good rows; bad rows are reported and left out. Re-checked in this transaction."""
    preview = preview_import(s, actor, content, duplicates=duplicates, region=region)
    added = merged = 0
    new_rows = []
    total = max(1, len(preview.rows))
    for n, r in enumerate(preview.rows):
        if progress and n % 500 == 0:
            progress(n / total)
        if r.action == "new":
            new_rows.append(r.values)
        elif r.action == "merge":
            key = r.values["dedupe_key"]
            target = s.get(Organization, r.existing_id) if r.existing_id else None
            if target is None:
                # A duplicate of an earlier row in this file: merge into that new row.
                earlier = next(v for v in new_rows if v["dedupe_key"] == key)
                for k, v in r.values.items():
                    if v not in (None, "") and k not in KEEP_ON_MERGE:
                        earlier[k] = v
                earlier["search_text"] = search_text(
                    earlier["name"], earlier["org_type"], earlier["services"]
                )
            else:
                for k, v in r.values.items():
                    if v not in (None, "") and k not in KEEP_ON_MERGE:
                        setattr(target, k, v)
                target.search_text = search_text(target.name, target.org_type, target.services)
            merged += 1
    if new_rows:
        for start in range(0, len(new_rows), 1000):
            s.add_all(Organization(**v) for v in new_rows[start : start + 1000])
            s.flush()
        added = len(new_rows)
    s.flush()
    result = ImportResult(
        added=added, merged=merged, skipped=preview.count("skip"), errors=preview.count("error")
    )
    audit.record(
        s,
        actor,
        Action.CREATE,
        entity="organization",
        category="directory",
        detail={"import": result.__dict__},
    )
    if progress:
        progress(1.0)
    return result


def template_csv() -> str:
    return (
        ",".join(COLUMNS)
        + "\n"
        + (
            "Example Meals Program,food/meals,home-delivered meals,(617) 555-0100,,"
            "meals@example.org,1 Main St,https://meals.example.org,Mon-Fri 9-5,"
            "English; Spanish,60 and over,Medicare Advantage,2026-01-15\n"
        )
    )


__all__ = [
    "ImportPreview",
    "ImportResult",
    "RowResult",
    "apply_import",
    "dedupe_key",
    "preview_import",
    "read_csv",
    "template_csv",
]

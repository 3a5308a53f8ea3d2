"""Directory import: a preview first, per-row errors, duplicates merged or skipped.

Files are read by directory_rows (a CSV in CareDesk's or Open Referral's column names, or
an HSDS datapackage). A duplicate is a row for an organization already in the directory,
or already earlier in the files: the same folded name and address, or the same name where
one of the two has no address yet (the entry imported first, its address later). It is
never inserted twice: "merge" fills the existing entry with the row's non-blank values
(an empty address included), "skip" leaves it alone. A row naming several entries of the
same name at different addresses without an address of its own is not imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Organization
from services.contacts.directory import COLUMNS, OrgInput, clean_org, dedupe_key, search_text
from services.contacts.directory_csv import RawRow
from services.contacts.directory_rows import read_upload
from services.core import audit
from services.core.audit import Action
from services.core.errors import InvalidInput
from services.core.identity import Actor, require
from services.core.text import fold

# The first entry's name stays, and its address unless it had none.
KEEP_ON_MERGE = {"name", "address", "name_key", "dedupe_key", "search_text"}
FIELD_FOR_COLUMN = {"type": "org_type"}
COLUMN_FOR_FIELD = {v: k for k, v in FIELD_FOR_COLUMN.items()}
Files = str | bytes | list[tuple[str, bytes]]


@dataclass(frozen=True)
class RowResult:
    line: int  # the line the row starts on in its file (the header is line 1)
    action: str  # "new", "merge", "skip", "error"
    name: str
    errors: dict[str, str] = field(default_factory=dict)  # column -> message
    values: dict = field(default_factory=dict)
    existing_id: int | None = None
    source: str = ""  # the file, when several were read
    same_as: int | None = None  # index of the earlier row of the files it duplicates

    @property
    def where(self) -> str:
        return f"{self.source} line {self.line}" if self.source else f"Line {self.line}"


@dataclass(frozen=True)
class ImportPreview:
    rows: list[RowResult]
    unknown_columns: list[str]

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    def table(self) -> list[dict]:
        several = any(r.source for r in self.rows)
        return [
            ({"File": r.source} if several else {})
            | {
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
        return date.fromisoformat(raw[:10])
    except ValueError:
        pass
    parts = raw.replace("-", "/").split("/")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        m, d, y = (int(p) for p in parts)
        try:
            return date(y if y > 99 else 2000 + y, m, d)
        except ValueError:
            pass
    raise ValueError("Write the date as YYYY-MM-DD.")


def _to_input(row: dict) -> tuple[OrgInput, dict[str, str]]:
    errors = {}
    verified = None
    if row.get("last_verified_on"):
        try:
            verified = _parse_date(row["last_verified_on"])
        except ValueError as exc:
            errors["last_verified_on"] = str(exc)
    data = OrgInput(
        **{c: row.get(c, "") for c in COLUMNS if c not in ("type", "last_verified_on")},
        org_type=(row.get("type") or "other").lower(),
        last_verified_on=verified,
    )
    return data, errors


def _as_files(content: Files) -> list[tuple[str, bytes]]:
    if isinstance(content, list):
        return content
    return [("import.csv", content.encode("utf-8") if isinstance(content, str) else content)]


def _existing(s: Session, keys: set[str], names: set[str]) -> tuple[dict, dict]:
    """Entries with these name+address keys, and with these folded names (id, address)."""
    by_key: dict[str, int] = {}
    by_name: dict[str, list[tuple[int, str]]] = {}
    key_list, name_list = list(keys), list(names)
    for start in range(0, len(key_list), 500):
        for org_id, key in s.execute(
            select(Organization.id, Organization.dedupe_key)
            .where(Organization.dedupe_key.in_(key_list[start : start + 500]))
            .order_by(Organization.id.desc())
        ):
            by_key[key] = org_id
    for start in range(0, len(name_list), 500):
        for org_id, name_key, address in s.execute(
            select(Organization.id, Organization.name_key, Organization.address)
            .where(Organization.name_key.in_(name_list[start : start + 500]))
            .order_by(Organization.id)
        ):
            by_name.setdefault(name_key, []).append((org_id, fold(address)))
    return by_key, by_name


def _match(address: str, same_name: list[tuple[object, str]]) -> tuple[object | None, str]:
    """Among entries of the same name, the one this row is: (its id, "") or (None, why not)."""
    if address:
        blank = [i for i, a in same_name if not a]
        return (blank[0], "") if len(blank) == 1 else (None, "")
    if len(same_name) == 1:
        return same_name[0][0], ""
    if len(same_name) > 1:
        return None, "several entries have this name; add the address to say which"
    return None, ""


def _clean_rows(rows: list[RawRow], region: str) -> list[tuple[RawRow, dict | None, dict]]:
    out = []
    for raw in rows:
        data, errors = _to_input(raw.values)
        values = None
        try:
            values = clean_org(data, region)
        except InvalidInput as exc:
            errors.update(exc.errors)
        for column in ("phone", "fax"):
            if column in errors and raw.values.get(f"_{column}_where"):
                errors[column] += f" ({raw.values[f'_{column}_where']})"
        errors = {COLUMN_FOR_FIELD.get(k, k): v for k, v in errors.items()} | raw.problems
        out.append((raw, None if errors else values, errors))
    return out


def preview_import(
    s: Session, actor: Actor, content: Files, *, duplicates: str = "merge", region: str
) -> ImportPreview:
    """What an import would do, row by row; nothing is saved."""
    require(actor, "contacts.edit")
    if duplicates not in ("merge", "skip"):
        raise InvalidInput({"duplicates": "Choose merge or skip."})
    rows, unknown = read_upload(_as_files(content))
    cleaned = _clean_rows(rows, region)
    good = [v for _, v, _ in cleaned if v]
    by_key, by_name = _existing(s, {v["dedupe_key"] for v in good}, {v["name_key"] for v in good})
    seen_key: dict[str, int] = {}  # key -> index of the first row of the files with it
    seen_name: dict[str, list[tuple[int, str]]] = {}
    results: list[RowResult] = []
    for raw, values, errors in cleaned:
        name = (raw.values.get("name") or "").strip()
        where = {"source": raw.source}
        if values is None:
            results.append(RowResult(raw.line, "error", name or "(no name)", errors, **where))
            continue
        key, name_key, address = values["dedupe_key"], values["name_key"], fold(values["address"])
        existing_id, earlier, problem = by_key.get(key), seen_key.get(key), ""
        if existing_id is None and earlier is None:
            existing_id, problem = _match(address, by_name.get(name_key, []))
        if existing_id is None and earlier is None and not problem:
            earlier, problem = _match(address, seen_name.get(name_key, []))
        if problem:
            results.append(RowResult(raw.line, "error", name, {"name": problem}, **where))
            continue
        index = len(results)
        if existing_id is not None or earlier is not None:
            note = {}
            if existing_id is None:
                first = results[earlier]
                note = {"name": f"same organization as {first.where.lower()}"}
            results.append(
                RowResult(
                    raw.line,
                    duplicates,
                    name,
                    note,
                    values,
                    existing_id,
                    raw.source,
                    earlier,
                )
            )
        else:
            results.append(RowResult(raw.line, "new", name, values=values, **where))
        seen_key.setdefault(key, index if earlier is None else earlier)
        if existing_id is None and earlier is None:
            seen_name.setdefault(name_key, []).append((index, address))
    return ImportPreview(results, unknown)


@dataclass(frozen=True)
class ImportResult:
    added: int
    merged: int
    skipped: int
    errors: int


def _fill(target: dict, values: dict) -> None:
    """A row's non-blank values into an entry's values; its address only where none was."""
    for k, v in values.items():
        if v not in (None, "") and k not in KEEP_ON_MERGE:
            target[k] = v
    if not target.get("address") and values.get("address"):
        target["address"] = values["address"]
        target["dedupe_key"] = dedupe_key(target["name"], values["address"])
    target["search_text"] = search_text(target["name"], target["org_type"], target["services"])


def apply_import(
    s: Session,
    actor: Actor,
    content: Files,
    *,
    duplicates: str = "merge",
    region: str,
    progress=None,
) -> ImportResult:
    """Import the good rows; bad rows are reported and left out. Re-checked in this transaction."""
    preview = preview_import(s, actor, content, duplicates=duplicates, region=region)
    new_rows: dict[int, dict] = {}  # index in the preview -> values to insert
    merged = 0
    total = max(1, len(preview.rows))
    for n, r in enumerate(preview.rows):
        if progress and n % 500 == 0:
            progress(n / total)
        if r.action == "new":
            new_rows[n] = dict(r.values)
        elif r.action == "merge":
            root = r.same_as
            while root is not None and preview.rows[root].same_as is not None:
                root = preview.rows[root].same_as
            if r.existing_id is None and root in new_rows:
                _fill(new_rows[root], r.values)
            else:
                target_id = r.existing_id or preview.rows[root].existing_id
                target = s.get(Organization, target_id)
                current = {k: getattr(target, k) for k in r.values}
                _fill(current, r.values)
                for k, v in current.items():
                    setattr(target, k, v)
            merged += 1
    rows = list(new_rows.values())
    for start in range(0, len(rows), 1000):
        s.add_all(Organization(**v) for v in rows[start : start + 1000])
        s.flush()
    s.flush()
    result = ImportResult(
        added=len(rows), merged=merged, skipped=preview.count("skip"), errors=preview.count("error")
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
            "Example Meals Program,food/meals,home-delivered meals,(617) 555-0100 ext. 12,,"
            'meals@example.org,"1 Main St, Boston, MA 02110",https://meals.example.org,'
            "Mon-Fri 9-5,English; Spanish,60 and over,Medicare Advantage,2026-01-15\n"
        )
    )


__all__ = [
    "ImportPreview",
    "ImportResult",
    "RowResult",
    "apply_import",
    "dedupe_key",
    "preview_import",
    "template_csv",
]

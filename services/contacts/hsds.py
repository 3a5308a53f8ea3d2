"""Open Referral HSDS 3.0 as a Tabular Data Package: the directory's tables in and out.

CareDesk keeps one directory entry per organization; HSDS spreads it over tables joined
by id. Read: organizations.csv, with its locations -> addresses, its phones (of the
organization, its locations or its services), services (names, eligibility, assured
date), schedules (hours), languages and attributes (the CareDesk organization type and
the insurers it accepts). Written: the same tables, with a datapackage.json, so the
files read back into an empty CareDesk unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections import defaultdict
from collections.abc import Callable

from services.contacts.addresses import join_address
from services.contacts.directory import ORG_TYPES
from services.contacts.directory_csv import RawRow, header_key, records
from services.core.contact_data import with_extension
from services.core.errors import InvalidInput
from services.core.languages import language_code, language_name
from services.core.spreadsheet import safe_cell, unguard

VERSION = "3.0"
NAMESPACE = uuid.UUID("0b9a4c2e-57d1-4c73-9b7b-0d3f6e2f9c15")  # CareDesk's HSDS ids
TAXONOMY = "CareDesk organization types"
INSURERS_TERM = "accepted insurance"
# HSDS 3 table -> the CSV file names it may come as (HSDS 1/2 names last)
TABLE_FILES = {
    "organization": ("organizations.csv", "organization.csv"),
    "location": ("locations.csv", "location.csv"),
    "address": ("addresses.csv", "address.csv", "physical_addresses.csv", "postal_addresses.csv"),
    "phone": ("phones.csv", "phone.csv"),
    "service": ("services.csv", "service.csv"),
    "schedule": ("schedules.csv", "schedule.csv", "regular_schedules.csv"),
    "language": ("languages.csv", "language.csv"),
    "attribute": ("attributes.csv", "attribute.csv"),
    "taxonomy_term": ("taxonomy_terms.csv", "taxonomy_term.csv"),
}
# What CareDesk writes, table by table (the HSDS 3 field names it fills).
FIELDS = {
    "organization": ["id", "name", "description", "email", "website"],
    "service": [
        "id",
        "organization_id",
        "name",
        "status",
        "eligibility_description",
        "assured_date",
    ],
    "location": ["id", "location_type", "organization_id", "name"],
    "address": [
        "id",
        "location_id",
        "address_1",
        "address_2",
        "city",
        "state_province",
        "postal_code",
        "country",
        "address_type",
    ],
    "phone": ["id", "organization_id", "number", "extension", "type"],
    "schedule": ["id", "service_id", "description"],
    "language": ["id", "service_id", "name", "code"],
    "taxonomy": ["id", "name", "description"],
    "taxonomy_term": ["id", "code", "name", "description", "taxonomy", "taxonomy_id"],
    "attribute": ["id", "link_id", "taxonomy_term_id", "link_type", "link_entity", "value"],
}
FILE_NAMES = {t: TABLE_FILES[t][0] for t in FIELDS if t in TABLE_FILES} | {
    "taxonomy": "taxonomies.csv"
}


def hsds_id(kind: str, key: object) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{kind}/{key}"))


# ---------------------------------------------------------------- reading


def _file_for(table: str, files: dict[str, bytes]) -> str | None:
    lower = {n.lower(): n for n in files}
    return next((lower[n] for n in TABLE_FILES[table] if n in lower), None)


def is_package(files: dict[str, bytes]) -> bool:
    """An HSDS datapackage: an organizations table, with a descriptor or other HSDS tables."""
    if _file_for("organization", files) is None:
        return False
    others = [t for t in TABLE_FILES if t != "organization" and _file_for(t, files)]
    return bool(others) or "datapackage.json" in {n.lower() for n in files}


def _table(files: dict[str, bytes], table: str) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    name = _file_for(table, files)
    if name is None:
        return "", []
    try:
        header, found = records(files[name])
    except InvalidInput as exc:
        raise InvalidInput({"file": f"{name}: {exc.errors.get('file', str(exc))}"}) from None
    keys = [header_key(h) for h in header]
    rows = []
    for line, raw in found:
        if any(c.strip() for c in raw):
            rows.append(
                (line, {k: unguard(raw[i].strip()) for i, k in enumerate(keys) if i < len(raw)})
            )
    return name, rows


def _by(rows: list[tuple[int, dict]], key: str) -> dict[str, list[tuple[int, dict]]]:
    out: dict[str, list[tuple[int, dict]]] = defaultdict(list)
    for line, row in rows:
        if row.get(key):
            out[row[key]].append((line, row))
    return out


def _joined(items: list[str]) -> str:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return "; ".join(seen)


def read_package(files: dict[str, bytes]) -> tuple[list[RawRow], list[str]]:
    """The organizations as directory rows (line numbers of organizations.csv)."""
    org_file, orgs = _table(files, "organization")
    if orgs and "name" not in orgs[0][1]:
        raise InvalidInput({"file": f"{org_file} has no 'name' column."})
    tables = {t: _table(files, t) for t in TABLE_FILES if t != "organization"}
    loc_by_org = _by(tables["location"][1], "organization_id")
    addr_by_loc = _by(tables["address"][1], "location_id")
    svc_by_org = _by(tables["service"][1], "organization_id")
    phone_file, phones = tables["phone"]
    phones_by = {k: _by(phones, k) for k in ("organization_id", "location_id", "service_id")}
    sched_by = {k: _by(tables["schedule"][1], k) for k in ("service_id", "location_id")}
    lang_by = {k: _by(tables["language"][1], k) for k in ("service_id", "location_id")}
    terms = {row["id"]: row for _, row in tables["taxonomy_term"][1] if row.get("id")}
    attrs = _by(tables["attribute"][1], "link_id")
    out = []
    for line, org in orgs:
        oid = org.get("id", "")
        locations = [r for _, r in loc_by_org.get(oid, [])]
        services = [r for _, r in svc_by_org.get(oid, [])]
        owners = [("organization_id", oid)] + [("location_id", x["id"]) for x in locations]
        owners += [("service_id", x["id"]) for x in services]
        values = {
            "name": org.get("name", ""),
            "email": org.get("email", ""),
            "website": org.get("website") or org.get("url", ""),
        }
        problems: dict[str, str] = {}
        addresses = [a for x in locations for _, a in addr_by_loc.get(x.get("id"), [])]
        addresses.sort(key=lambda a: a.get("address_type") not in ("physical", ""))
        if addresses:
            values["address"] = join_address(addresses[0])
        found_phones = [p for k, v in owners if v for p in phones_by[k].get(v, [])]
        for kind, column in (("fax", "fax"), ("voice", "phone")):
            match = [
                (n, p)
                for n, p in found_phones
                if (p.get("type") or "voice").lower() == kind
                or (kind == "voice" and (p.get("type") or "").lower() in ("text", "cell"))
            ]
            if match:
                n, p = match[0]
                values[column] = with_extension(p.get("number", ""), p.get("extension")) or ""
                values[f"_{column}_where"] = f"{phone_file} line {n}"
        names = [x.get("name", "") for x in services if x.get("name") != values["name"]]
        values["services"] = _joined(names) if services else org.get("description", "")
        values["eligibility_notes"] = _joined(
            [x.get("eligibility_description", "") for x in services]
        )
        assured = sorted(x.get("assured_date", "") for x in services if x.get("assured_date"))
        values["last_verified_on"] = assured[-1] if assured else ""
        values["hours"] = _joined(
            [
                r.get("description") or " ".join(x for x in (r.get("byday"), _hours(r)) if x)
                for k, v in owners
                if k != "organization_id"
                for _, r in sched_by[k].get(v, [])
            ]
        )
        values["languages"] = _joined(
            [
                r.get("name") or language_name(r.get("code", ""))
                for k, v in owners
                if k != "organization_id"
                for _, r in lang_by[k].get(v, [])
            ]
        )
        for owner_id in [oid] + [x.get("id", "") for x in services]:
            for _, a in attrs.get(owner_id, []):
                term = terms.get(a.get("taxonomy_term_id", ""), {})
                if term.get("name") == INSURERS_TERM:
                    values["accepted_insurers"] = a.get("value", "")
                elif term.get("taxonomy") == TAXONOMY and term.get("name") in ORG_TYPES:
                    values["type"] = term["name"]
        out.append(RawRow(line, org_file, {k: v for k, v in values.items() if v}, problems))
    return out, []


def _hours(r: dict) -> str:
    if r.get("opens_at") and r.get("closes_at"):
        return f"{r['opens_at'][:5]}-{r['closes_at'][:5]}"
    return ""


# ---------------------------------------------------------------- writing


def _csv(fields: list[str], rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell("" if row.get(k) is None else str(row[k])) for k in fields})
    return buf.getvalue().encode("utf-8")


def descriptor() -> dict:
    """A datapackage.json naming each table and the HSDS 3 fields CareDesk fills."""
    return {
        "name": "caredesk_directory",
        "title": "CareDesk directory (Open Referral HSDS 3.0)",
        "profile": "tabular-data-package",
        "version": VERSION,
        "resources": [
            {
                "name": table,
                "path": FILE_NAMES[table],
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": f, "type": "string"} for f in fields],
                    "primaryKey": "id",
                },
            }
            for table, fields in FIELDS.items()
        ],
    }


def write_package(tables: dict[str, list[dict]]) -> dict[str, bytes]:
    """The tables as CSV files plus datapackage.json, by file name."""
    files = {FILE_NAMES[t]: _csv(FIELDS[t], tables.get(t, [])) for t in FIELDS}
    files["datapackage.json"] = json.dumps(descriptor(), indent=2).encode("utf-8")
    return files


def tables_for(
    orgs: list[dict],
    split: Callable[[str | None], dict],
    phone_parts: Callable[[str | None], tuple[str, str]],
) -> dict[str, list[dict]]:
    """HSDS rows for directory entries given as plain dicts (the columns of directory.COLUMNS
    plus "id" and "active")."""
    out: dict[str, list[dict]] = defaultdict(list)
    tax_id = hsds_id("taxonomy", TAXONOMY)
    out["taxonomy"].append(
        {"id": tax_id, "name": TAXONOMY, "description": "The kinds of organization in CareDesk"}
    )
    terms: dict[str, str] = {}

    def term(name: str) -> str:
        if name not in terms:
            terms[name] = hsds_id("term", name)
            out["taxonomy_term"].append(
                {
                    "id": terms[name],
                    "code": name,
                    "name": name,
                    "description": name,
                    "taxonomy": TAXONOMY,
                    "taxonomy_id": tax_id,
                }
            )
        return terms[name]

    for o in orgs:
        oid = hsds_id("organization", o["id"])
        sid = hsds_id("service", o["id"])
        out["organization"].append(
            {
                "id": oid,
                "name": o["name"],
                "description": o["services"] or o["type"],
                "email": o["email"],
                "website": o["website"],
            }
        )
        out["service"].append(
            {
                "id": sid,
                "organization_id": oid,
                "name": o["services"] or o["name"],
                "status": "active" if o["active"] else "inactive",
                "eligibility_description": o["eligibility_notes"],
                "assured_date": o["last_verified_on"],
            }
        )
        if o["address"]:
            lid = hsds_id("location", o["id"])
            out["location"].append(
                {"id": lid, "location_type": "physical", "organization_id": oid, "name": o["name"]}
            )
            out["address"].append(
                {"id": hsds_id("address", o["id"]), "location_id": lid, "address_type": "physical"}
                | split(o["address"])
            )
        for kind, column in (("voice", "phone"), ("fax", "fax")):
            if o[column]:
                number, extension = phone_parts(o[column])
                out["phone"].append(
                    {
                        "id": hsds_id(f"phone-{kind}", o["id"]),
                        "organization_id": oid,
                        "number": number,
                        "extension": extension,
                        "type": kind,
                    }
                )
        if o["hours"]:
            out["schedule"].append(
                {"id": hsds_id("schedule", o["id"]), "service_id": sid, "description": o["hours"]}
            )
        for n, name in enumerate(x.strip() for x in (o["languages"] or "").split(";")):
            if name:
                out["language"].append(
                    {
                        "id": hsds_id(f"language-{n}", o["id"]),
                        "service_id": sid,
                        "name": name,
                        "code": language_code(name),
                    }
                )
        out["attribute"].append(
            {
                "id": hsds_id("attribute-type", o["id"]),
                "link_id": oid,
                "taxonomy_term_id": term(o["type"]),
                "link_type": "organization_type",
                "link_entity": "organization",
                "value": "",
            }
        )
        if o["accepted_insurers"]:
            out["attribute"].append(
                {
                    "id": hsds_id("attribute-insurers", o["id"]),
                    "link_id": sid,
                    "taxonomy_term_id": term(INSURERS_TERM),
                    "link_type": "accepted_insurance",
                    "link_entity": "service",
                    "value": o["accepted_insurers"],
                }
            )
    return out

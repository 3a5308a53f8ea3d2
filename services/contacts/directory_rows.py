"""Reading directory files into rows: a CSV (CareDesk's columns or Open Referral HSDS
names), or an HSDS datapackage of several tables (a zip, or the CSV files side by side).

Every row keeps the file and the line it starts on, counted as a text editor counts lines:
a quoted cell that spans lines moves the next row's number on by as many lines.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

from services.contacts import hsds
from services.contacts.addresses import PARTS, join_address
from services.contacts.directory import COLUMNS
from services.contacts.directory_csv import RawRow, header_key, records
from services.core.contact_data import with_extension
from services.core.errors import InvalidInput
from services.core.spreadsheet import unguard

MAX_UPLOAD_BYTES = 50_000_000  # unpacked, all files together
# Header aliases (including Open Referral HSDS organization/service names) -> our column.
ALIASES = {
    "organization": "name",
    "organization_name": "name",
    "org_type": "type",
    "organization_type": "type",
    "service": "services",
    "description": "services",
    "phone_number": "phone",
    "number": "phone",
    "email_address": "email",
    "url": "website",
    "street_address": "address",
    "hours_of_operation": "hours",
    "eligibility": "eligibility_notes",
    "eligibility_description": "eligibility_notes",
    "insurers": "accepted_insurers",
    "last_verified": "last_verified_on",
    "verified": "last_verified_on",
    "assured_date": "last_verified_on",
    "state": "state_province",
    "zip": "postal_code",
    "zip_code": "postal_code",
    "postcode": "postal_code",
    "phone_extension": "extension",
    "ext": "extension",
    "fax_number": "fax",
}
# Columns that are parts of one of ours: the address, and the phone's extension.
PART_COLUMNS = {*PARTS, "extension"}


def read_csv(content: str | bytes, source: str = "") -> tuple[list[RawRow], list[str]]:
    """Rows of a flat directory CSV, and the headers we did not know."""
    header, found = records(content)
    names: list[str | None] = []
    unknown = []
    for h in header:
        key = header_key(h)
        key = ALIASES.get(key, key)
        known = key in COLUMNS or key in PART_COLUMNS
        names.append(key if known else None)
        if not known and h.strip():
            unknown.append(h.strip())
    if "name" not in names:
        raise InvalidInput({"file": "The first line must name the columns, including 'name'."})
    rows = []
    for line, raw in found:
        if not any(c.strip() for c in raw):
            continue
        cells = {n: unguard(raw[j].strip()) for j, n in enumerate(names) if n and j < len(raw)}
        rows.append(RawRow(line, source, combine(cells)))
    return rows, unknown


def combine(cells: dict[str, str]) -> dict[str, str]:
    """Address parts into the address, an extension onto the phone."""
    values = {k: v for k, v in cells.items() if k in COLUMNS}
    parts = {k: cells.get(k, "") for k in PARTS}
    if not values.get("address") and any(parts.values()):
        values["address"] = join_address(parts)
    elif any(v for k, v in parts.items() if k != "address_1"):
        values["address"] = join_address(parts | {"address_1": values.get("address", "")})
    if cells.get("extension"):
        values["phone"] = with_extension(values.get("phone"), cells["extension"]) or ""
    return values


def _unpacked(files: list[tuple[str, bytes]]) -> dict[str, bytes]:
    """Uploaded files by name, zips opened (within a size limit)."""
    out: dict[str, bytes] = {}
    total = 0
    for name, content in files:
        if name.lower().endswith(".zip") or content[:4] == b"PK\x03\x04":
            try:
                archive = zipfile.ZipFile(io.BytesIO(content))
            except zipfile.BadZipFile:
                raise InvalidInput({"file": f"{name} is not a readable zip file."}) from None
            for info in archive.infolist():
                base = PurePosixPath(info.filename).name
                if info.is_dir() or not base or base.startswith("."):
                    continue
                total += info.file_size
                if total > MAX_UPLOAD_BYTES:
                    raise InvalidInput({"file": "The files are too large to import at once."})
                out[base] = archive.read(info)
        else:
            total += len(content)
            out[PurePosixPath(name).name] = content
    if total > MAX_UPLOAD_BYTES:
        raise InvalidInput({"file": "The files are too large to import at once."})
    return out


def read_upload(files: list[tuple[str, bytes]]) -> tuple[list[RawRow], list[str]]:
    """Rows from one or more files: flat CSVs, or the tables of an HSDS datapackage."""
    if not files:
        raise InvalidInput({"file": "Choose a file to import."})
    unpacked = _unpacked(files)
    if hsds.is_package(unpacked):
        return hsds.read_package(unpacked)
    csvs = {n: c for n, c in unpacked.items() if n.lower().endswith(".csv")}
    if not csvs:
        raise InvalidInput({"file": "Choose a CSV file, or a zip of Open Referral CSV files."})
    rows: list[RawRow] = []
    unknown: list[str] = []
    several = len(csvs) > 1
    for name, content in csvs.items():
        try:
            found, cols = read_csv(content, name if several else "")
        except InvalidInput as exc:
            message = exc.errors.get("file", str(exc))
            raise InvalidInput({"file": f"{name}: {message}" if several else message}) from None
        rows += found
        unknown += [c for c in cols if c not in unknown]
    return rows, unknown

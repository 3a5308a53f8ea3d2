"""CSV records with the file line each starts on, and the row a directory file gives."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from services.core.errors import InvalidInput

MAX_ROWS = 50_000


@dataclass(frozen=True)
class RawRow:
    line: int  # the line the row starts on in its file (the header is line 1)
    source: str  # the file's name; "" for a single uploaded file
    values: dict[str, str]  # our column -> text
    problems: dict[str, str] = field(default_factory=dict)  # found while joining tables


def header_key(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def records(content: str | bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and each record with the file line it starts on."""
    if isinstance(content, bytes):
        content = content.decode("utf-8-sig", errors="replace")
    content = content.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(content, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InvalidInput({"file": "The file is empty."}) from None
    except csv.Error as exc:
        raise InvalidInput({"file": f"This is not a readable CSV file ({exc})."}) from None
    out = []
    start = reader.line_num + 1
    try:
        for raw in reader:
            if len(out) >= MAX_ROWS:
                raise InvalidInput({"file": f"Import at most {MAX_ROWS:,} rows at a time."})
            out.append((start, raw))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidInput(
            {"file": f"Line {start} cannot be read ({exc}); check its quotes."}
        ) from None
    return header, out

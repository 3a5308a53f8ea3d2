"""CSV records with the file line each starts on, and the row a directory file gives."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from services.core.errors import InvalidInput

MAX_ROWS = 50_000
MAX_CELL = csv.field_size_limit()  # 131,072 characters: far beyond any real address or note


@dataclass(frozen=True)
class RawRow:
    line: int  # the line the row starts on in its file (the header is line 1)
    source: str  # the file's name; "" for a single uploaded file
    values: dict[str, str]  # our column -> text
    problems: dict[str, str] = field(default_factory=dict)  # found while joining tables


def header_key(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").split())


def text_of(content: bytes) -> str:
    """The file's text. Spreadsheets save CSV as UTF-8 (with or without a BOM), as UTF-16
    ("Unicode text", with a BOM) or, on Windows, in the Windows-1252 code page (a superset of
    Latin-1); each is read as what it is. Anything else is refused, never guessed at."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in content:
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                return content.decode("cp1252")
            except UnicodeDecodeError:
                pass
    raise InvalidInput(
        {
            "file": "This file is not plain text CSV (it holds bytes a CSV never does). "
            "Save it again from your spreadsheet as “CSV UTF-8” and import that."
        }
    )


def records(content: str | bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and each record with the file line it starts on."""
    if isinstance(content, bytes):
        content = text_of(content)
    content = content.lstrip("\ufeff")
    if "\x00" in content:
        raise InvalidInput({"file": "This file holds NUL characters, so it is not a text CSV."})
    # strict: a quote left open swallows the rest of the file into one cell, silently;
    # refuse it and name the line instead (spreadsheets never write such a file)
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)
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
        if "field larger than field limit" in str(exc):
            message = (
                f"Line {start} has a cell longer than {MAX_CELL:,} characters (often a quote "
                "that is never closed); correct it and import again."
            )
        else:
            message = f"Line {start} cannot be read ({exc}); check its quotes."
        raise InvalidInput({"file": message}) from None
    return header, out

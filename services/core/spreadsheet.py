"""Tables leaving CareDesk as spreadsheet files (CSV and Excel, via pandas), made safe to open.

A spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
formula: text typed into CareDesk could call out or run commands on the machine that opens
the file ("CSV injection"). Such a cell is written with a leading apostrophe, which the
spreadsheet shows as text; `unguard` takes it off again when CareDesk reads its own files.
A phone number or a signed number ("+1 617 555 0100", "-3") is not a formula and is kept.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER_LIKE = re.compile(r"[+-]?[0-9][0-9 ().\-/]*(\s*(ext\.?|x)\s*[0-9]+)?")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value: object) -> object:
    """The value as a spreadsheet will treat it as text (numbers and dates pass as they are)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    if value[0] in "+-" and _NUMBER_LIKE.fullmatch(value):
        return value
    return "'" + value


def unguard(value: str) -> str:
    """A cell CareDesk wrote with safe_cell, as it was typed."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def _plain(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, date | int | float | bool):
        return value
    return safe_cell(str(value))


def frame(rows: Iterable[dict], columns: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows of plain values as a DataFrame with every text cell made safe."""
    data = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return pd.DataFrame(data, columns=list(columns) if columns else None)


def to_csv(table: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens accents correctly."""
    return table.to_csv(index=False).encode("utf-8-sig")


def to_xlsx(sheets: dict[str, pd.DataFrame]) -> bytes:
    """One workbook, a sheet per table; every cell is written as a value, never a formula."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, table in sheets.items():
            table.to_excel(writer, sheet_name=name[:31], index=False)
            sheet = writer.sheets[name[:31]]
            for column in sheet.columns:
                width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
                sheet.column_dimensions[column[0].column_letter].width = min(max(width, 8), 60)
                for cell in column:
                    if cell.data_type == "f":  # belt and braces: no cell is ever a formula
                        cell.data_type = "s"
    return buf.getvalue()

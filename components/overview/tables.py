"""Clickable worklist tables: a row chosen opens its page at its record (or, for a task,
the task's actions). Columns are sized to their longest value so names are never cut."""

from __future__ import annotations

import streamlit as st

from components.shared.text import as_text, column_values, date_columns, table_of

MAX_ROWS_SHOWN = 10  # taller lists scroll inside the table
CHAR_PX, PAD_PX, NAME_MAX_PX = 8, 28, 420
NAME_COLUMNS = ("Patient", "Owner", "Staff", "By", "Case manager")


def column_config(rows: list[dict]) -> dict:
    """Names get a width that fits the longest one (never cut); dates read as "Nov 14,
    2026"; the other columns size themselves."""
    config = {}
    columns = column_values(rows)
    for name, column in columns.items():
        values = [v for v in column if v is not None]
        if name in NAME_COLUMNS:
            longest = max([len(str(name)), *(len(str(v)) for v in values)])
            width = min(NAME_MAX_PX, PAD_PX + CHAR_PX * longest)
            config[name] = st.column_config.TextColumn(width=width)
    return date_columns(columns) | config


def pick_row(rows: list[dict], key: str, *, alt: str) -> int | None:
    """Draw the rows; the index of the row the user selected this run, if any.

    The table's key moves on after each pick, so coming back shows no stale selection."""
    generation = st.session_state.get(f"{key}_gen", 0)
    event = st.dataframe(
        table_of(rows),
        hide_index=True,
        width="stretch",
        height=35 * (min(len(rows), MAX_ROWS_SHOWN) + 1) + 3,
        column_config=column_config(rows),
        on_select="rerun",
        selection_mode="single-row",
        key=f"{key}_{generation}",
        alt=alt,
    )
    as_text(rows, what=alt, key=key)  # a screen reader cannot read the canvas
    chosen = event.selection.rows if event is not None else []
    if not chosen:
        return None
    st.session_state[f"{key}_gen"] = generation + 1
    return chosen[0]

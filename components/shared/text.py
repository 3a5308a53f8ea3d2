"""Showing user-entered text safely (DESIGN.md §3.3).

Labels, st.markdown AND st.table cells render Markdown (st.table even turns e-mail
addresses and URLs into links), so user text goes out through st.text or st.dataframe,
or through `esc` where Markdown is unavoidable: st.markdown, st.caption, alerts (st.error,
st.warning, st.info, st.success, toasts), headings, the labels of every widget, expander,
popover and tab, help tooltips, radio/pills/segmented-control options (their format_func
too), metric values and st.progress texts all render Markdown.

esc() neutralises Markdown and HTML, and keeps bare web and e-mail addresses from becoming
links and :names: from becoming emoji or icons (Streamlit makes those after parsing,
escapes or not): an invisible word joiner (U+2060) goes after "http", "https", "www", "@"
and a colon before a word, so "https://x.example" still reads the same but is no link. Text that Markdown would show as typed anyway
(most names and messages) is left as it is. esc() also sets the text apart for
right-to-left display (`isolate`): a direction override typed in it cannot turn the words
around it (an MRN, a date) backwards. Plain text drawn with st.text beside other words,
and the options of a select box, take `isolate` alone.
"""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
import pyarrow as pa
import streamlit as st

from services.core.clock import us_date
from services.core.text import isolate

__all__ = ["as_text", "cell_text", "date_columns", "esc", "isolate", "show_table", "table_of"]

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")
# Streamlit turns some text into links, emoji and icons after parsing, escaped or not:
# web and e-mail addresses, :emoji: and :material/icon: names. A word joiner after these
# keeps them apart.
_AFTER_PARSING = re.compile(r"(?i)https?(?=:)|www(?=\.)|@|:(?=\S)")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")  # Markdown's line endings
WORD_JOINER = "\u2060"
# Text made only of these shows the same in Markdown as typed, once the checks in
# _is_plain pass: most messages and names go out unchanged.
_PLAIN_CHARACTERS = re.compile(r"[\w .,;:'\"?!()/%#+=’‘“”—–·…°-]*")
_BLOCK_START = re.compile(r"\s*([-+=#>]|\d+[.)])|\s{4}")  # a list, heading, quote or code
_NOT_PLAIN = re.compile(
    r"(?i)https?:|www\."  # a web address Streamlit would link
    r"|:(?=\S)"  # :emoji:, :material/icon: and :color[...] directives
    r"|(?<![^\W_])_|_(?![^\W_])"  # an underscore not inside a word: emphasis
)


def _is_plain(text: str) -> bool:
    return bool(
        _PLAIN_CHARACTERS.fullmatch(text)
        and not _BLOCK_START.match(text)
        and not _NOT_PLAIN.search(text)
    )


def esc(value: object) -> str:
    """The text for Markdown, shown as typed (on one line, links inert, set apart)."""
    text = "" if value is None else str(value)
    if not _is_plain(text):
        text = _AFTER_PARSING.sub(lambda m: m.group(0) + WORD_JOINER, text)
        text = _LINE_BREAKS.sub(" ", _MARKDOWN_SPECIALS.sub(r"\\\1", text))
    return isolate(text)


# Dates in tables read the US way ("Nov 20, 2026"), like services.core.clock.us_date.
DATE_FORMAT, DATE_TIME_FORMAT = "MMM D, YYYY", "MMM D, YYYY HH:mm"


def column_values(data) -> dict[str, list]:
    """Each column's values, from a DataFrame, an Arrow table or rows (a list of dicts). From
    the rows it is plain Python: My day sizes a dozen tables on every run, and a pandas
    column lookup per column cost more than the rest of their sizing together."""
    if isinstance(data, pd.DataFrame):
        return {name: list(data[name]) for name in data.columns}
    if isinstance(data, pa.Table):
        return data.to_pydict()
    names = dict.fromkeys(name for row in data for name in row)
    return {name: [row.get(name) for row in data] for name in names}


def table_of(rows: list[dict], *, drop: tuple[str, ...] = ()) -> pa.Table | pd.DataFrame:
    """The rows (dicts, columns in the order they first appear) for st.dataframe, without
    the columns in `drop`. Streamlit sends a table to the browser in Arrow's format; given
    a pandas frame it first converts it column by column (0.6 ms for a ten-row worklist,
    against 0.04 ms from the rows straight to Arrow), and My day and the record draw a
    dozen. A column Arrow refuses (values of mixed kinds) falls back to pandas, which
    Streamlit turns into text."""
    columns = {k: v for k, v in column_values(rows).items() if k not in drop}
    try:
        return pa.table(columns)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        return pd.DataFrame(columns)


def date_columns(data) -> dict:
    """Column settings that show every column of dates (or of dates and times) the US way,
    never as 2026-11-20. `data`: a DataFrame, or its rows, or column_values of either."""
    config = {}
    columns = data if isinstance(data, dict) else column_values(data)
    for name, column in columns.items():
        values = [v for v in column if v is not None and not (isinstance(v, float) and pd.isna(v))]
        if values and all(isinstance(v, datetime) for v in values):
            config[name] = st.column_config.DatetimeColumn(format=DATE_TIME_FORMAT)
        elif values and all(isinstance(v, date) for v in values):
            config[name] = st.column_config.DateColumn(format=DATE_FORMAT)
    return config


def show_table(data, *, alt: str, height: int | None = None) -> None:
    """A read-only table of user-entered values, drawn as a dataframe; `alt` names it for a
    screen reader (what the rows are, in a few words).

    st.table renders every cell as Markdown (links, images, headings, autolinked
    e-mails and URLs), so tables holding user text go through here instead.
    """
    frame = data if isinstance(data, pd.DataFrame) else table_of(data)
    rows = len(frame)
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        height=height or min(35 * (rows + 1) + 3, 600),
        column_config=date_columns(frame),
        alt=alt,
    )


def cell_text(value: object) -> str:
    """A table cell as plain words (for a dataframe, which shows text as it is): a date as
    the clinic reads it, yes or no, nothing for no value."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return us_date(value)
    return str(value)


def as_text(data, *, what: str, key: str | None = None) -> None:
    """The rows again as a plain table that a screen reader reads cell by cell (a
    dataframe is drawn on a canvas it cannot read), behind one small button so the screen
    stays uncluttered. For the lists a nurse works from: tasks, goals, suggestions.

    The table is drawn only while its button is open (a popover that reruns the page when
    opened): closed, it costs nothing, and My day has a dozen of them. `key` (by default
    from `what`) keeps it open across reruns; two on one page need keys of their own."""
    if len(data) == 0:
        return
    box = st.popover(
        f"{what} as text",
        icon=":material/subject:",
        type="tertiary",
        key=f"as_text_{key or what}",
        on_change="rerun",
    )
    if not box.open:
        return
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    with box:
        # st.table draws its cells as Markdown: the words go through esc.
        shown = frame.map(lambda v: esc(cell_text(v))).rename(columns=lambda c: esc(cell_text(c)))
        st.table(shown, hide_index=True, alt=what)

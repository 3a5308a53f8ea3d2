"""Showing user-entered text safely (DESIGN.md §3.3).

Labels, st.markdown AND st.table cells render Markdown (st.table even turns e-mail
addresses and URLs into links), so user text goes out through st.text or st.dataframe,
or through `esc` where a label or Markdown is unavoidable. esc() neutralises Markdown
and HTML; it cannot stop bare e-mails/URLs becoming links, so keep those out of Markdown.
"""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")


def esc(value: object) -> str:
    """Escape Markdown and HTML so the text shows literally."""
    text = "" if value is None else str(value)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", " ")


def show_table(data, *, height: int | None = None) -> None:
    """A read-only table of user-entered values, drawn as a dataframe.

    st.table renders every cell as Markdown (links, images, headings, autolinked
    e-mails and URLs), so tables holding user text go through here instead.
    """
    frame = data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)
    rows = len(frame)
    st.dataframe(
        frame, hide_index=True, width="stretch", height=height or min(35 * (rows + 1) + 3, 600)
    )

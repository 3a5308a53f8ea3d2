"""Showing user-entered text safely (DESIGN.md §3.3).

Labels, st.markdown AND st.table cells render Markdown (st.table even turns e-mail
addresses and URLs into links), so user text goes out through st.text or st.dataframe,
or through `esc` where a label or Markdown is unavoidable. esc() neutralises Markdown
and HTML; it cannot stop bare e-mails/URLs becoming links, so keep those out of Markdown.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")


def esc(value: object) -> str:
    """Escape Markdown and HTML so the text shows literally."""
    text = "" if value is None else str(value)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", " ")

"""Showing user-entered text safely (DESIGN.md §3.3).

Labels and st.markdown render Markdown and some HTML, so any user text that goes
through them passes through `esc` first. Prefer st.text / st.dataframe for PHI.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$&])")


def esc(value: object) -> str:
    """Escape Markdown and HTML so the text shows literally."""
    text = "" if value is None else str(value)
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("\n", " ")

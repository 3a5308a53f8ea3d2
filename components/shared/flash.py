"""A success message that survives st.rerun(): set it, rerun, it shows once.

"Once" is the user's once: a widget that reruns the page by itself right after it draws
(the calendar does, DESIGN.md §3.19) would otherwise wipe the message before anyone reads
it, so it stays for the reruns of the next few seconds.
"""

from __future__ import annotations

import time

import streamlit as st

from components.shared.text import esc

_KEY = "_flash"
KEEP_SECONDS = 3.0


def flash(message: str, icon: str = "✅") -> None:
    """`message` is plain text (it may quote what the user typed): it shows as written."""
    st.session_state[_KEY] = (message, icon, None)


def show_flash() -> None:
    """One confirmation per save, in a slot that is always drawn (so the page below it keeps
    its place whether or not there is a message; see show_field_error)."""
    slot = st.empty()
    item = st.session_state.get(_KEY)
    if not item:
        return
    message, icon, shown_at = item
    now = time.monotonic()
    if shown_at is None:
        st.session_state[_KEY] = (message, icon, now)
    elif now - shown_at > KEEP_SECONDS:
        st.session_state.pop(_KEY, None)
        return
    slot.success(esc(message), icon=icon)

"""A success message that survives st.rerun(): set it, rerun, and it shows.

It stays for a few seconds rather than for exactly one run: some widgets (the calendar)
rerun the page by themselves right after they draw, which would otherwise wipe the
confirmation before anyone could read it.
"""

from __future__ import annotations

import time

import streamlit as st

_KEY = "_flash"
SHOWN_FOR = 4.0  # seconds after it first appears


def flash(message: str, icon: str = "✅") -> None:
    st.session_state[_KEY] = (message, icon, None)


def show_flash() -> None:
    """One confirmation per save, in a slot that is always drawn (so the page below it keeps
    its place whether or not there is a message; see show_field_error)."""
    slot = st.empty()
    item = st.session_state.get(_KEY)
    if not item:
        return
    message, icon, first = item
    now = time.monotonic()
    if first is None:
        st.session_state[_KEY] = (message, icon, now)
    elif now - first > SHOWN_FOR:
        del st.session_state[_KEY]
        return
    slot.success(message, icon=icon)

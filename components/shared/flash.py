"""A success message that survives st.rerun(): set it, rerun, it shows once."""

from __future__ import annotations

import streamlit as st

_KEY = "_flash"


def flash(message: str, icon: str = "✅") -> None:
    st.session_state[_KEY] = (message, icon)


def show_flash() -> None:
    """One confirmation per save, in a slot that is always drawn (so the page below it keeps
    its place whether or not there is a message; see show_field_error)."""
    slot = st.empty()
    item = st.session_state.pop(_KEY, None)
    if item:
        slot.success(item[0], icon=item[1])

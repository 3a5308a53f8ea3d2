"""A success message that survives st.rerun(): set it, rerun, it shows once."""

from __future__ import annotations

import streamlit as st

_KEY = "_flash"


def flash(message: str, icon: str = "✅") -> None:
    st.session_state[_KEY] = (message, icon)


def show_flash() -> None:
    item = st.session_state.pop(_KEY, None)
    if item:
        st.toast(item[0], icon=item[1])
        st.success(item[0], icon=item[1])

"""Field-level error messages that survive the rerun after a failed submit."""

from __future__ import annotations

import streamlit as st


def field_errors(form: str, errors: dict[str, str] | None = None) -> dict[str, str]:
    """Get (and optionally set) the messages for a form; reading clears them for next time."""
    key = f"_errors_{form}"
    if errors is not None:
        st.session_state[key] = errors
        return errors
    return st.session_state.pop(key, {})


def show_field_error(errors: dict[str, str], field: str) -> None:
    """Show one field's message right under it (plain text: messages may quote user input).

    The slot is drawn even when there is no message: an element that comes and goes shifts
    everything below it, and Streamlit then rebuilds those elements (a half-typed field
    loses focus, an open expander or tab snaps shut, a stale copy lingers mid-rerun)."""
    slot = st.empty()
    message = errors.get(field)
    if message:
        slot.error(message, icon=":material/error:")

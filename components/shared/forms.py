"""Field-level error messages that survive the rerun after a failed submit."""

from __future__ import annotations

import streamlit as st

from components.shared.text import esc

# Every date field reads and takes dates the US way: month, day, year.
DATE_INPUT = "MM/DD/YYYY"


def field_errors(form: str, errors: dict[str, str] | None = None) -> dict[str, str]:
    """Get (and optionally set) the messages for a form; reading clears them for next time."""
    key = f"_errors_{form}"
    if errors is not None:
        st.session_state[key] = errors
        return errors
    return st.session_state.pop(key, {})


def show_field_error(errors: dict[str, str], field: str) -> None:
    """Show one field's message right under it (escaped: messages may quote user input).

    The slot is drawn even when there is no message: an element that comes and goes shifts
    everything below it, and Streamlit then rebuilds those elements (a half-typed field
    loses focus, an open expander or tab snaps shut, a stale copy lingers mid-rerun)."""
    slot = st.empty()
    message = errors.get(field)
    if message:
        slot.error(esc(message), icon=":material/error:")


def form_key(name: str) -> str:
    """The key of a form that starts empty again after a successful save (`clear_form`).

    A refused save keeps the key, so everything typed stays in the form; a successful one
    renews it, so the next entry starts clean (no double entry of the same goal or call).
    Widgets inside take their keys from this one (or none), never a fixed key of their own.
    """
    return f"{name}__{st.session_state.get(f'_rev_{name}', 0)}"


def clear_form(name: str) -> None:
    st.session_state[f"_rev_{name}"] = st.session_state.get(f"_rev_{name}", 0) + 1


def section(
    label: str, key: str, *, expanded: bool = False, icon: str | None = None, open_now=False
):
    """An expander that keeps its place: open or closed as the user left it across reruns
    and saves (its state lives in session state under `key`). `expanded` is how it first
    shows; `open_now` opens it on this run (e.g. to show a refused save's messages)."""
    if open_now:
        st.session_state[key] = True
        expanded = False  # the state says it; a default as well would be a conflict
    return st.expander(label, expanded=expanded, key=key, on_change="rerun", icon=icon)


def fit(limit: int, value: str | None) -> int:
    """A field's max_chars: its column's length, or more when the saved value is already
    longer (an import, older data). Streamlit cuts a value down to max_chars without a word,
    and a save would then lose the rest; this way the field shows it whole and the save is
    refused at the field instead (services.core.lengths)."""
    return max(limit, len(value or ""))

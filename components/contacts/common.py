"""Shared pieces of the Contacts page: run an action, confirm a disclosure, show a table."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.shared.flash import flash
from components.shared.forms import field_errors
from components.shared.text import esc
from services.contacts.family import ConsentNeeded
from services.core.errors import Conflict, DomainError, InvalidInput, NotFound

Action = Callable[[bool], object]  # called with acknowledged_consent


def table(rows: list[dict], hide: tuple[str, ...] = ("id", "next", "version")) -> None:
    """Plain-text table (never Markdown): user text is PHI and may contain anything."""
    if rows:
        frame = pd.DataFrame(rows)
        st.dataframe(frame.drop(columns=[c for c in hide if c in frame]), hide_index=True)


def attempt(key: str, action: Action, success: str) -> None:
    """Run a save; errors go next to their fields, a consent problem asks to confirm."""
    try:
        action(False)
    except ConsentNeeded as exc:
        st.session_state[f"_consent_{key}"] = (str(exc), action, success)
    except InvalidInput as exc:
        field_errors(key, exc.errors)
    except (Conflict, NotFound) as exc:
        st.session_state[f"_problem_{key}"] = str(exc)
    else:
        flash(success)
    st.rerun()


def pending_prompts(key: str) -> None:
    """The 'warn first' step before disclosing PHI without current consent."""
    problem = st.session_state.pop(f"_problem_{key}", None)
    if problem:
        st.error(esc(problem))
    pending = st.session_state.get(f"_consent_{key}")
    if not pending:
        return
    message, action, success = pending
    st.warning(esc(message), icon=":material/privacy_tip:")
    c1, c2 = st.columns([2, 1])
    if c1.button("Go ahead: sharing is allowed here", key=f"_consent_yes_{key}"):
        st.session_state.pop(f"_consent_{key}")
        try:
            action(True)
        except DomainError as exc:
            if isinstance(exc, InvalidInput):
                field_errors(key, exc.errors)
            else:
                st.session_state[f"_problem_{key}"] = str(exc)
        else:
            flash(success)
        st.rerun()
    if c2.button("Cancel", key=f"_consent_no_{key}"):
        st.session_state.pop(f"_consent_{key}")
        st.rerun()


def pager(key: str, page: int, pages: int) -> None:
    p1, p2, p3 = st.columns([1, 1, 6])
    if p1.button("← Previous", disabled=page <= 1, key=f"{key}_prev"):
        st.session_state[f"{key}_page"] = page - 1
        st.rerun()
    if p2.button("Next →", disabled=page >= pages, key=f"{key}_next"):
        st.session_state[f"{key}_page"] = page + 1
        st.rerun()


def pick(label: str, options: dict, *, host=st, **kw):
    """A selectbox over {id: text} that shows the texts and returns the chosen id.

    The options are the texts themselves (made unique), so the widget needs no format_func.
    """
    texts: dict[str, object] = {}
    for key, text in options.items():
        shown = str(text)
        if shown in texts:
            shown = f"{shown} #{key}"
        texts[shown] = key
    choice = host.selectbox(label, list(texts), **kw)
    return None if choice is None else texts[choice]

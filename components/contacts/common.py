"""Shared pieces of the Contacts page: run an action, confirm a disclosure, show a table."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.shared.conflict import both_versions
from components.shared.flash import flash
from components.shared.forms import clear_form, field_errors
from components.shared.text import date_columns, esc, table_of
from services.contacts.family import ConsentNeeded
from services.core.errors import Conflict, DomainError, InvalidInput, NotFound

# Called with the user's answer to a consent warning: False (not asked yet), True (go
# ahead: consent verified, sharing allowed) or NO_PHI (logged, and nothing was shared).
Action = Callable[[bool | str], object]
NO_PHI = "no PHI shared"


def table(rows: list[dict], *, alt: str, hide: tuple[str, ...] = ("id", "next", "version")) -> None:
    """Plain-text table (never Markdown): user text is PHI and may contain anything. `alt`
    names it for a screen reader."""
    if rows:
        frame = table_of(rows, drop=hide)
        st.dataframe(frame, hide_index=True, column_config=date_columns(frame), alt=alt)


def attempt(
    key: str, action: Action, success: str, *, clear: str | None = None, no_phi: bool = False
) -> None:
    """Run a save; errors go next to their fields, a consent problem asks to confirm.

    After a successful save the form named `clear` starts empty again (forms.form_key);
    after a refusal it keeps everything that was typed. With `no_phi`, the consent
    warning also offers "No PHI shared" (a conversation that disclosed nothing)."""
    try:
        action(False)
    except ConsentNeeded as exc:
        st.session_state[f"_consent_{key}"] = (str(exc), action, success, clear, no_phi)
    except InvalidInput as exc:
        field_errors(key, exc.errors)
    except Conflict as exc:
        st.session_state[f"_problem_{key}"] = (str(exc), exc.theirs, exc.mine)
    except NotFound as exc:
        st.session_state[f"_problem_{key}"] = (str(exc), {}, {})
    else:
        flash(success)
        if clear:
            clear_form(clear)
    st.rerun()


def pending_prompts(key: str) -> None:
    """The 'warn first' step before disclosing PHI without current consent.

    Drawn in a slot that is always there, so the form below keeps its place (and what was
    typed in it) whether or not a warning shows."""
    slot = st.container()
    problem = st.session_state.pop(f"_problem_{key}", None)
    if problem:
        with slot:
            both_versions(*problem)
    pending = st.session_state.get(f"_consent_{key}")
    if not pending:
        return
    message, action, success, clear, no_phi = pending
    slot.warning(esc(message), icon=":material/privacy_tip:")
    cols = slot.columns(3 if no_phi else 2)
    verified = "Consent verified — share" if no_phi else "Go ahead: sharing is allowed here"
    if cols[0].button(verified, key=f"_consent_yes_{key}", type="primary"):
        st.session_state.pop(f"_consent_{key}")
        _confirmed(key, lambda: action(True), success, clear)
    if no_phi and cols[1].button("No PHI shared", key=f"_consent_nophi_{key}"):
        st.session_state.pop(f"_consent_{key}")
        _confirmed(key, lambda: action(NO_PHI), success, clear)
    if cols[-1].button("Cancel (keep what I typed)", key=f"_consent_no_{key}"):
        st.session_state.pop(f"_consent_{key}")
        st.rerun()


def _confirmed(key: str, run: Callable[[], object], success: str, clear: str | None) -> None:
    try:
        run()
    except DomainError as exc:
        if isinstance(exc, InvalidInput):
            field_errors(key, exc.errors)
        else:
            st.session_state[f"_problem_{key}"] = (
                str(exc),
                getattr(exc, "theirs", {}),
                getattr(exc, "mine", {}),
            )
    else:
        flash(success)
        if clear:
            clear_form(clear)
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
        shown = base = str(text)
        n = 2
        while shown in texts:  # two entries with one name: number them, never show an id
            shown, n = f"{base} ({n})", n + 1
        texts[shown] = key
    choice = host.selectbox(label, list(texts), **kw)
    return None if choice is None else texts[choice]

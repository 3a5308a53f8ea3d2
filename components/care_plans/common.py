"""Shared pieces of the care-plan page: saving with field errors, conflicts, versions.

A save calls one function of services.care_plans.actions (which owns the transaction)
with the signed-in user first; components never open the database themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from components.shared.flash import flash
from components.shared.forms import clear_form, field_errors, fit
from components.shared.text import as_text, date_columns, esc, table_of
from services.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied

_CONFLICT = "_conflict_{}"


def opened_version(key: str, current: int) -> int:
    """The version this form was first rendered with (DESIGN.md §3.5)."""
    return st.session_state.setdefault(f"_v_{key}", current)


def forget_version(key: str) -> None:
    st.session_state.pop(f"_v_{key}", None)


def submit(
    form: str,
    action: Callable[..., Any],
    *args,
    success: str = "Saved.",
    version_key: str | None = None,
    rerun: bool = True,
    clear: str | None = None,
    **kwargs,
):
    """Run a save action; on bad input keep the messages for the fields (and everything
    typed), on conflict show both; after a success the form named `clear` starts empty."""
    try:
        result = action(*args, **kwargs)
    except InvalidInput as exc:
        field_errors(form, exc.errors)
        st.rerun()
    except Conflict as exc:
        st.session_state[_CONFLICT.format(form)] = (str(exc), exc.theirs, exc.mine)
        st.rerun()
    except (PermissionDenied, NotFound) as exc:
        st.error(esc(str(exc)))
        return None
    if version_key:
        forget_version(version_key)
    if clear:
        clear_form(clear)
    flash(success)
    if rerun:
        st.rerun()
    return result


def show_conflict(form: str, version_key: str | None = None) -> None:
    """Both versions side by side, and a way to load theirs."""
    found = st.session_state.get(_CONFLICT.format(form))
    if not found:
        return
    message, theirs, mine = found
    st.error(esc(message), icon=":material/sync_problem:")
    fields_ = sorted(set(theirs) | set(mine))
    st.dataframe(
        pd.DataFrame(
            {
                "Field": fields_,
                "Saved by someone else": [str(theirs.get(f, "")) for f in fields_],
                "Your change (not saved)": [str(mine.get(f, "")) for f in fields_],
            }
        ),
        hide_index=True,
        width="stretch",
        alt="Saved by someone else and your change",
    )
    if st.button("Load their version and edit again", key=f"_reload_{form}"):
        st.session_state.pop(_CONFLICT.format(form), None)
        if version_key:
            forget_version(version_key)
        st.rerun()


def errors_for(form: str) -> dict[str, str]:
    return field_errors(form)


def table(rows: list[dict], empty: str, *, alt: str, readable: bool = False, **kwargs) -> None:
    """The rows as a dataframe named `alt` for a screen reader, or `empty` when there are
    none; `readable` adds the same rows as text (a list the nurse works from)."""
    if not rows:
        st.caption(empty)
        return
    frame = table_of(rows)
    config = date_columns(rows) | kwargs.pop("column_config", {})
    st.dataframe(frame, hide_index=True, width="stretch", alt=alt, column_config=config, **kwargs)
    if readable:
        as_text(rows, what=alt)


def patient_print_fields(form: str, checked: bool, wording: dict) -> tuple[bool, dict[str, str]]:
    """Whether it prints on the patient's own plan, and in which words per language."""
    for_patient = st.checkbox(
        "Print on the patient's own plan",
        value=checked,
        key=f"{form}_print",
        help="The patient's version prints only what is marked for them. Urgent safety "
        "follow-ups never print there.",
    )
    c1, c2 = st.columns(2)
    words = {
        "en": c1.text_input(
            "For the patient, in plain English (optional)",
            value=wording.get("en", ""),
            key=f"{form}_en",
            max_chars=fit(500, wording.get("en", "")),
            placeholder="e.g. Your nurse will call you on Friday",
        ),
        "es": c2.text_input(
            "Para el paciente, en español (opcional)",
            value=wording.get("es", ""),
            key=f"{form}_es",
            max_chars=fit(500, wording.get("es", "")),
            placeholder="p. ej. Su enfermera le llamará el viernes",
        ),
    }
    return for_patient, words

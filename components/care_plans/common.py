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
from components.shared.forms import field_errors
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
    **kwargs,
):
    """Run a save action; on bad input keep the messages for the fields, on conflict show both."""
    try:
        result = action(*args, **kwargs)
    except InvalidInput as exc:
        field_errors(form, exc.errors)
        st.rerun()
    except Conflict as exc:
        st.session_state[_CONFLICT.format(form)] = (str(exc), exc.theirs, exc.mine)
        st.rerun()
    except (PermissionDenied, NotFound) as exc:
        st.error(str(exc))
        return None
    if version_key:
        forget_version(version_key)
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
    st.error(message, icon=":material/sync_problem:")
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
    )
    if st.button("Load their version and edit again", key=f"_reload_{form}"):
        st.session_state.pop(_CONFLICT.format(form), None)
        if version_key:
            forget_version(version_key)
        st.rerun()


def errors_for(form: str) -> dict[str, str]:
    return field_errors(form)


def table(rows: list[dict], empty: str, **kwargs) -> None:
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", **kwargs)
    else:
        st.caption(empty)

"""Stale actions: what the screen showed, and both versions when someone changed it since.

A click reruns the page, and that rerun reads the record afresh: comparing against the
version read in the same run would never find a change. So each screen remembers the
version it drew, and an action names the version from the run the user actually looked at
(DESIGN.md §3.5).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.shared.text import esc

_SEEN = "_seen_versions"

WORDS = {
    "status": "Status",
    "status_reason": "Reason",
    "given_name": "Given name",
    "family_name": "Family name",
    "name": "Name",
    "relationship_": "Relationship",
    "phone": "Phone",
    "address": "Address",
    "last_verified_on": "Last checked",
    "decision_on": "Decided on",
    "expires_on": "Expires on",
    "reference_number": "Payer's reference",
    "pickup_at": "Pick-up time",
    "vendor": "Ride vendor",
    "confirmed": "Confirmed by the vendor",
}


def seen_version(key: str, version: int) -> int:
    """The version of record `key` that the previous run drew (the one the user looked at
    and acted on), remembering this run's for the next click."""
    store = st.session_state.setdefault(_SEEN, {})
    before = store.get(key, version)
    store[key] = version
    return before


def both_versions(message: str, theirs: dict, mine: dict) -> None:
    """The refusal, and what the record holds now beside what this user saw or chose."""
    st.error(esc(message), icon=":material/sync_problem:")
    if not theirs:
        return
    rows = [
        {
            "": WORDS.get(k, k.replace("_", " ").capitalize()),
            "Now": _plain(v),
            "Yours": _plain(mine.get(k)),
        }
        for k, v in theirs.items()
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, alt="What is saved now and your change")


def _plain(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)

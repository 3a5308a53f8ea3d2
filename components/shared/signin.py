"""The sign-in form (labels exactly `Username`, `Password`; button `Sign in`)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from db import config
from db.models import Role
from services.core import actions
from services.core.identity import ROLE_LABELS, Actor
from services.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from services.demo.trainees import TRAINEES


def sign_in_form(settings: config.Settings, on_signed_in: Callable[[Actor], None]) -> None:
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        _form(settings, on_signed_in)


def _form(settings: config.Settings, on_signed_in: Callable[[Actor], None]) -> None:
    st.title("Sign in to CareDesk")
    notice = st.session_state.pop("_idle_notice", None)
    if notice:
        st.info(notice, icon=":material/timer:")
    with st.form("sign_in", enter_to_submit=True):
        username = st.text_input("Username", autocomplete="username", max_chars=64)
        password = st.text_input(
            "Password", type="password", autocomplete="current-password", max_chars=200
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        outcome = actions.sign_in(username, password)
        if outcome.actor is None:
            st.error(outcome.message)
        else:
            on_signed_in(outcome.actor)
            st.rerun()
    if settings.demo_mode:
        st.header("Demo accounts")
        st.caption(
            f"Every demo account uses the password “{DEMO_PASSWORD}”. For a class, trainees "
            f"sign in as trainee1, trainee2, … (up to trainee{TRAINEES}) with the same password."
        )
        st.table(
            {
                "Username": [a[0] for a in DEMO_ACCOUNTS],
                "Role": [ROLE_LABELS[Role(a[2])] for a in DEMO_ACCOUNTS],
            }
        )

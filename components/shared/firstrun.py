"""First start (no users yet): explore with demo data, or set up for the clinic."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from components.shared.forms import field_errors, show_field_error
from db import config
from services.core import actions, auth
from services.core.errors import InvalidInput
from services.core.identity import Actor
from services.demo import actions as demo


def _start_demo(code: str) -> None:
    try:
        actions.check_setup_code(code)
    except InvalidInput as exc:
        field_errors("setup_code", exc.errors)
        st.rerun()
    bar = st.progress(0.0, text="Creating the training database…")
    demo.start_training_database(
        code, progress=lambda f, label: bar.progress(f, text=f"Creating demo data: {label}…")
    )
    st.rerun()


def first_run_setup(settings: config.Settings, on_signed_in: Callable[[Actor], None]) -> None:
    st.title("Welcome to CareDesk")
    st.write("There are no accounts yet. How would you like to start?")
    code = st.text_input(
        "Setup code",
        max_chars=20,
        placeholder="XXXX-XXXX-XXXX",
    )
    show_field_error(field_errors("setup_code"), "setup_code")
    st.caption(
        "The setup code is printed in the terminal where CareDesk was started "
        "(it is also in the data folder, in the file setup-code)."
    )
    demo, clinic = st.columns(2, gap="large")
    with demo, st.container(border=True):
        st.header("Explore with demo data")
        st.write(
            "A separate training database with synthetic patients and demo accounts for each role. "
            "Good for trying CareDesk out and for training sessions. Your clinic's database stays empty."
        )
        if st.button("Explore with demo data", type="primary", icon=":material/school:"):
            _start_demo(code)
    with clinic, st.container(border=True):
        st.header("Set up for my clinic")
        st.write("Create the first administrator account. You can add your colleagues afterwards.")
        errors = field_errors("first_admin")
        with st.form("first_admin"):
            username = st.text_input("Username", placeholder="e.g. jsmith", max_chars=64)
            show_field_error(errors, "username")
            display_name = st.text_input(
                "Display name", placeholder="e.g. Jordan Smith, RN", max_chars=120
            )
            show_field_error(errors, "display_name")
            password = st.text_input("Password", type="password", max_chars=200)
            show_field_error(errors, "password")
            st.caption(
                f"At least {auth.MIN_PASSWORD_LENGTH} characters, letters mixed with numbers "
                "or symbols, not your username."
            )
            again = st.text_input("Password again", type="password", max_chars=200)
            show_field_error(errors, "password_again")
            submitted = st.form_submit_button("Create administrator", type="primary")
        if submitted:
            try:
                actor = actions.create_first_admin(username, display_name, password, again, code)
            except InvalidInput as exc:
                if "setup_code" in exc.errors:
                    field_errors("setup_code", exc.errors)
                else:
                    field_errors("first_admin", exc.errors)
                st.rerun()
            else:
                on_signed_in(actor)
                st.rerun()

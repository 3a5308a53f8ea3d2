"""Admin: staff accounts and roles."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from components.shared.flash import flash
from components.shared.forms import field_errors, fit, show_field_error
from db.models import Role
from services.core import actions
from services.core.clock import clinic_tz, us_date, utc_to_local
from services.core.contact_data import display_phone
from services.core.errors import InvalidInput
from services.core.identity import ROLE_LABELS, Actor

ROLES = [r.value for r in Role]


def _label(role: str) -> str:
    return ROLE_LABELS[Role(role)]


def users_admin(actor: Actor) -> None:
    users = [
        {
            "id": u.id,
            "phone": u.phone,
            "Username": u.username,
            "Name": u.display_name,
            "Role": _label(u.role),
            "Active": u.active,
            "Locked": u.locked,
            "Direct phone": display_phone(u.phone),
            "Last sign-in": us_date(utc_to_local(u.last_sign_in_at, clinic_tz()))
            if u.last_sign_in_at
            else "never",
        }
        for u in actions.list_users(actor)
    ]
    st.dataframe(
        pd.DataFrame(users).drop(columns=["id", "phone"]),
        hide_index=True,
        width="stretch",
        alt="Accounts",
    )

    left, right = st.columns(2, gap="large")
    with left, st.container(border=True):
        st.header("Add a colleague")
        errors = field_errors("new_user")
        with st.form("new_user", clear_on_submit=False):
            username = st.text_input("New username", placeholder="e.g. jsmith", max_chars=64)
            show_field_error(errors, "username")
            name = st.text_input("Their display name", max_chars=120)
            show_field_error(errors, "display_name")
            role = st.selectbox("Their role", ROLES, format_func=_label, index=ROLES.index("nurse"))
            password = st.text_input(
                "First password (they can be given a new one any time)",
                type="password",
                max_chars=200,
            )
            show_field_error(errors, "password")
            if st.form_submit_button("Create account", type="primary"):
                try:
                    actions.create_user(actor, username, name, role, password)
                except InvalidInput as exc:
                    field_errors("new_user", exc.errors)
                else:
                    flash(f"Account created for {username.strip().lower()}.")
                st.rerun()

    with right, st.container(border=True):
        st.header("Change an account")
        by_id = {u["id"]: u for u in users}
        uid = st.selectbox(
            "Account",
            list(by_id),
            format_func=lambda i: f"{by_id[i]['Name']} ({by_id[i]['Username']})",
        )
        errors = field_errors("change_user")
        user = by_id[uid]
        current = next(r for r in ROLES if _label(r) == user["Role"])
        new_role = st.selectbox(
            "Role", ROLES, index=ROLES.index(current), format_func=_label, key=f"role_{uid}"
        )
        show_field_error(errors, "role")
        show_field_error(errors, "active")
        c1, c2 = st.columns(2)
        if c1.button("Save role", disabled=new_role == current):
            _apply(lambda: actions.change_role(actor, uid, new_role), "Role changed.")
        label = "Deactivate" if user["Active"] else "Reactivate"
        if c2.button(label, disabled=uid == actor.id):
            _apply(lambda: actions.set_active(actor, uid, not user["Active"]), f"{label}d.")
        c1, c2 = st.columns([2, 1], vertical_alignment="bottom")
        phone = c1.text_input(
            "Direct phone (printed on patients' plans)",
            value=display_phone(user["phone"]),
            key=f"phone_{uid}",
            max_chars=fit(32, display_phone(user["phone"])),
        )
        if c2.button("Save phone"):
            _apply(lambda: actions.set_phone(actor, uid, phone), "Direct phone saved.")
        show_field_error(errors, "phone")
        new_password = st.text_input(
            "New password", type="password", key=f"pw_{uid}", max_chars=200
        )
        show_field_error(errors, "password")
        if st.button("Reset password and unlock"):
            _apply(
                lambda: actions.reset_password(actor, uid, new_password),
                "Password reset; account unlocked.",
            )


def _apply(change: Callable[[], None], message: str) -> None:
    try:
        change()
    except InvalidInput as exc:
        field_errors("change_user", exc.errors)
    else:
        flash(message)
    st.rerun()

"""Admin: users and roles, audit report, backups, settings."""

import streamlit as st

from components.admin_system import audit_report, backups, settings_overview
from components.admin_users import users_admin
from components.guard import page_setup

actor = page_setup("Admin", "admin")
st.title("Admin")

users_tab, audit_tab, backup_tab, settings_tab = st.tabs(
    ["Users", "Audit report", "Backups", "Settings"]
)
with users_tab:
    users_admin(actor)
with audit_tab:
    audit_report(actor)
with backup_tab:
    backups(actor)
with settings_tab:
    settings_overview(actor)

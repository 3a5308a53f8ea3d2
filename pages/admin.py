"""Admin: users and roles, audit report, backups, settings."""

import streamlit as st

from components.guard import page_setup

actor = page_setup("Admin", "admin")
st.title("Admin")

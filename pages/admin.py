"""Admin: users, audit, backups, instruments, templates, settings and training."""

import streamlit as st

from components.admin.system import audit_report, backups, settings_overview
from components.admin.users import users_admin
from components.care_plans.template_admin import template_admin
from components.intake.instrument_admin import instrument_admin
from components.shared.guard import page_setup
from components.training.trainer import trainer_view

actor = page_setup("Admin", "admin")
st.title("Admin")

sections = {
    "Users": users_admin,
    "Audit report": audit_report,
    "Backups": backups,
    "Screening instruments": instrument_admin,
    "Care-plan templates": template_admin,
    "Settings": settings_overview,
    "Training": trainer_view,
}
# Keyed and stateful: a save returns to the same tab, and only the open tab runs.
tabs = st.tabs(list(sections), key="admin_tab", on_change="rerun")
for tab, draw in zip(tabs, sections.values(), strict=True):
    if tab.open:
        with tab:
            draw(actor)

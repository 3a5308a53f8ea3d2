"""The navigation, drawn with st.page_link and filtered by role (DESIGN.md §3.1)."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from services.core.identity import Actor


@dataclass(frozen=True)
class PageEntry:
    path: str
    label: str
    icon: str
    permission: str  # the permission a role needs to open the page
    training_only: bool = False  # listed only while CareDesk runs on the training database


# Each capability adds its page here.
PAGES: list[PageEntry] = [
    PageEntry("app.py", "My day", ":material/home:", "patients.read"),
    PageEntry("pages/patients.py", "Patients", ":material/group:", "patients.read"),
    PageEntry("pages/intake.py", "Intake assessment", ":material/fact_check:", "clinical.read"),
    PageEntry("pages/care_plan.py", "Care plan", ":material/assignment:", "clinical.read"),
    PageEntry("pages/calendar.py", "Calendar", ":material/calendar_month:", "patients.read"),
    PageEntry("pages/contacts.py", "Contacts", ":material/contacts:", "patients.read"),
    PageEntry("pages/spreadsheets.py", "Spreadsheets", ":material/table_view:", "records.export"),
    PageEntry("pages/admin.py", "Admin", ":material/settings:", "admin"),
    PageEntry("pages/training.py", "Training", ":material/school:", "patients.read", True),
]


def permission_for(path: str) -> str:
    return next(p.permission for p in PAGES if p.path == path)


def draw_nav(actor: Actor, training: bool = False) -> None:
    with st.sidebar:
        for page in PAGES:
            if actor.can(page.permission) and (training or not page.training_only):
                st.page_link(page.path, label=page.label, icon=page.icon)

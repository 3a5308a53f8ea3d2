"""A run's checklist as the trainee sees it: each step ticked or not, a hint and a link to
the page where it is done (opened on the trainee's own copy of the patient)."""

from __future__ import annotations

import streamlit as st

from components.shared.text import esc
from db import config
from services.core.clock import us_date, utc_to_local
from services.training.runs import RunState, StepState

PAGE_LINKS = {  # page key -> (page file, label, takes ?patient=)
    "my_day": ("app.py", "My day", False),
    "patients": ("pages/patients.py", "Patients", False),
    "intake": ("pages/intake.py", "Intake assessment", True),
    "care_plan": ("pages/care_plan.py", "Care plan", True),
    "calendar": ("pages/calendar.py", "Calendar", True),
    "contacts": ("pages/contacts.py", "Contacts", True),
    "admin": ("pages/admin.py", "Admin", False),
    "training": ("pages/training.py", "Training", False),
}
DONE, TODO = ":green[:material/check_circle:]", ":material/radio_button_unchecked:"


def local_time(value, fmt: str = "%a %H:%M") -> str:
    return f"{utc_to_local(value, config.load().timezone):{fmt}}" if value else ""


def local_day(value) -> str:
    """A UTC time as the clinic's weekday, date and time ("Fri Dec 4 14:30")."""
    when = utc_to_local(value, config.load().timezone) if value else None
    return us_date(when, weekday=True, year=False)


def step_line(step: StepState) -> str:
    """One step as Markdown (its title escaped: scenarios are edited by administrators)."""
    if step.done_at:
        return f"{DONE} {esc(step.title)} · {local_time(step.done_at, '%H:%M')}"
    return f"{TODO} {esc(step.title)}"


def step_link(step: StepState) -> None:
    path, label, takes_patient = PAGE_LINKS[step.page]
    params = {"patient": str(step.patient_id)} if takes_patient and step.patient_id else None
    st.page_link(path, label=f"Go to {label}", icon=":material/arrow_forward:", query_params=params)


def progress(run: RunState) -> None:
    total = len(run.steps)
    st.progress(run.done / total, text=f"{run.done} of {total} steps done")


def full_checklist(run: RunState) -> None:
    """Every step with its hint; a link where it is not yet done."""
    for step in run.steps:
        st.markdown(step_line(step))
        if not step.done_at:
            st.caption(esc(step.hint))
            step_link(step)

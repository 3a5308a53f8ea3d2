"""Calendar: appointments, home visits, transport and calls; reminder calls; .ics export."""

import streamlit as st

from components.overview.header import patient_header
from components.scheduling import appointment_extras as extras
from components.scheduling import work_lists as calendar_tabs
from components.scheduling.calendar_view import legend, show_week_of, week
from components.scheduling.dialogs import Desk, show_dialog
from components.shared.deep_link import linked_id, linked_patient
from components.shared.guard import page_setup
from components.shared.viewed import patient_viewed
from db import config
from services.core import actions as core_actions
from services.core import clock
from services.core.errors import NotFound
from services.scheduling import actions
from services.scheduling.agenda import Filters
from services.scheduling.feed import STAFF_PALETTE

actor = page_setup("Calendar", "patients.read")
state, KEY = st.session_state, "cal"
desk = Desk(actor, config.load().timezone, core_actions.staff_choices(actor))
tz = desk.tz
if "patient" in st.query_params and "cal_dialog" not in state:  # "schedule for this patient"
    state["cal_patient"] = linked_patient(actor)
    task = linked_id("task")  # booked from a care-plan task: keep the link
    booking = desk.can_edit and st.query_params.pop("browse", None) is None
    state["cal_dialog"] = (
        {"kind": "new", "patient_id": state["cal_patient"], "task": task} if booking else None
    )
if (shown := linked_id("appointment")) is not None:  # opened from My day
    try:
        opened = actions.open_appointment(actor, shown, tz=tz)
        show_week_of(KEY, clock.utc_to_local(opened.initial.start, tz).date())
        state["cal_dialog"] = {"kind": "edit", "id": shown}
    except NotFound:
        st.error("No such appointment.", icon=":material/event_busy:")

st.title("Calendar")
mine = actor.role in ("nurse", "social_worker") and actor.id in desk.staff  # front desk: all
staff_ids, patient_id, kinds, statuses = extras.filters_row(
    desk.staff, desk.find_patients, actor.id if mine else None
)
if patient_id is not None:
    patient_header(actor, patient_id, here="pages/calendar.py")
    patient_viewed(actor, patient_id, "Calendar")  # filtered to one patient: their schedule
staff_id = staff_ids[0] if len(staff_ids) == 1 else None
# The team week: a few staff members side by side, each in a color of their own.
by_staff = staff_ids if 1 < len(staff_ids) <= len(STAFF_PALETTE) else ()
# Keyed and stateful, with labels that never change: a logged call or a confirmed ride
# returns to the same tab, and only the open tab runs (the calendar stays in the first).
tab_cal, tab_calls, tab_rides, tab_ics = st.tabs(
    ["Calendar", "Reminder calls", "Transport to confirm", "Export .ics"],
    key="cal_tab",
    on_change="rerun",
)
if tab_cal.open:
    with tab_cal:  # the widget must stay in the first tab (DESIGN.md §3.8)
        c1, c2 = st.columns([4, 1.2], vertical_alignment="center")
        with c1:
            legend(by_staff, desk.staff)
        if desk.can_edit and c2.button("New appointment", icon=":material/add:"):
            state["cal_dialog"] = {"kind": "new", "patient_id": patient_id, "staff_id": staff_id}
        filters = Filters(None, patient_id, kinds, statuses, staff_ids=staff_ids)
        week(desk, filters, patient_id, by_staff, KEY)
if tab_calls.open:
    with tab_calls:
        due = actions.reminder_calls_due(actor, staff_id=staff_id, tz=tz)
        calendar_tabs.reminder_calls(actor, due, desk.can_edit)
if tab_rides.open:
    with tab_rides:
        calendar_tabs.rides_to_confirm(actor, actions.rides_to_confirm(actor, tz=tz), desk.can_edit)
if tab_ics.open:
    with tab_ics:
        calendar_tabs.ics_export(actor, patient_id, staff_id)
show_dialog(desk)

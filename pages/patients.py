"""Patients: find, register, edit, archive and restore; one summary per patient."""

import streamlit as st

from components.interop.fhir_import import fhir_import_view
from components.patients.record import record_view
from components.patients.register import register_view
from components.patients.search import search_view
from components.patients.views import open_patient
from components.shared.deep_link import linked_patient
from components.shared.guard import page_setup
from db import config
from services.core import actions

actor = page_setup("Patients", "patients.read")
region = config.load().region
state = st.session_state
staff = actions.staff_choices(actor)
if (linked := linked_patient(actor)) is not None:  # opened from My day or a patient header
    state["patient_id"], state["patient_view"] = linked, "summary"
    state["patient_open_on_arrival"] = True

if state["_arrived"] and not state.pop("patient_open_on_arrival", False):
    state["patient_view"] = "search"  # the nav link to Patients starts at the search
view = state.get("patient_view", "search")

if view == "register" and actor.can("patients.edit"):
    register_view(actor, staff, region)
elif view == "fhir_import" and actor.can("referrals.edit"):
    fhir_import_view(actor, region, lambda pid: open_patient(pid, "summary" if pid else "search"))
elif view in ("summary", "edit") and state.get("patient_id"):
    record_view(actor, staff, region, view)
else:
    search_view(actor, staff)

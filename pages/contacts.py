"""Contacts: directory, patient family/insurance/referrals/calls, referral board, import."""

import streamlit as st

from components.contacts.directory import directory_view
from components.contacts.directory_import import import_view
from components.contacts.patient import patient_view
from components.contacts.referrals import board_view
from components.overview.header import patient_header
from components.shared.deep_link import linked_patient
from components.shared.guard import page_setup
from db import config

actor = page_setup("Contacts", "patients.read")
region = config.load().region

if (linked := linked_patient(actor)) is not None:  # opened from a patient's page
    st.session_state["contacts_patient_id"] = linked
    st.session_state["contacts_view"] = "Patient contacts"

views = ["Directory", "Patient contacts", "Referral board"]
if actor.can("contacts.edit"):
    views.append("Import")
st.title("Contacts")
view = st.segmented_control("Show", views, default="Directory", key="contacts_view") or "Directory"

if view == "Directory":
    directory_view(actor, region)
elif view == "Patient contacts":
    header = st.container()  # filled below, once the patient is chosen
    patient_view(actor, region)
    if chosen := st.session_state.get("contacts_patient_id"):
        with header:
            patient_header(actor, chosen, here="pages/contacts.py")
elif view == "Referral board":
    board_view(actor)
else:
    import_view(actor, region)

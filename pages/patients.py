"""Patients: find, register, edit, archive; one summary per patient."""

import streamlit as st

from components.guard import page_setup

actor = page_setup("Patients", "patients.read")
st.title("Patients")

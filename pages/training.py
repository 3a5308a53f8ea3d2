"""Training: guided scenarios on the trainee's own copy of synthetic patients."""

import streamlit as st

from components.shared.guard import page_setup
from components.training.page import training_page

actor = page_setup("Training", "patients.read")
st.title("Training")
training_page(actor)

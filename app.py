"""CareDesk home: "My day" — the case manager's worklist and caseload at a glance."""

import pandas as pd
import streamlit as st

from components.shared.guard import page_setup
from db.base import today
from services.overview import actions

actor = page_setup("My day")

st.title(f"My day · {today():%A %d %B %Y}")
day = actions.my_day(actor)
counts, sections, by_manager = day.counts, day.sections, day.by_manager

left, right = st.columns(2)
left.metric("My active patients", counts["mine"])
right.metric("Active patients in the clinic", counts["active"])

for section in sections:
    st.subheader(section.title)
    if not section.rows:
        st.caption(section.empty_text)
        continue
    if section.urgent:
        st.error(f"{len(section.rows)} need attention today.", icon=":material/priority_high:")
    rows = pd.DataFrame(section.rows).drop(columns=["id"], errors="ignore")  # not for people
    st.dataframe(rows, hide_index=True, width="stretch")

if by_manager:
    st.subheader("Caseload by case manager")
    st.bar_chart(pd.DataFrame(by_manager), x="Case manager", y="Patients", horizontal=True)

"""CareDesk home: "My day" — the case manager's worklist and caseload at a glance."""

import pandas as pd
import streamlit as st

from components.shared.guard import page_setup
from db.base import today
from db.session import session_scope
from services.overview import my_day as worklist

actor = page_setup("My day")

st.title(f"My day · {today():%A %d %B %Y}")
with session_scope() as s:
    counts = worklist.caseload_counts(s, actor)
    sections = worklist.my_day(s, actor, today())
    by_manager = worklist.caseload_by_manager(s)

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

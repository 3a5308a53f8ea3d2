"""The trainee's checklist in the sidebar of every page, ticking itself as they work.

Drawn by the page guard in training mode. Why the sidebar as well as the Training page:
a trainee works on the Care plan or the Calendar, not on the Training page, and sees the
step tick (and the next step's hint and link) without leaving the page they are on.
"""

from __future__ import annotations

import streamlit as st

from components.shared.text import esc
from components.training.checklist import progress, step_line, step_link
from services.core.identity import Actor
from services.training import actions


def training_sidebar(actor: Actor, page_title: str) -> None:
    actions.note_page_opened(actor, page_title)
    runs = actions.my_checklists(actor)
    if not runs:
        return
    run = runs[0]
    with st.sidebar, st.container(border=True, key="training_checklist"):
        st.markdown(f"**:material/school: {esc(run.title)}**")
        progress(run)
        for step in run.steps:
            st.markdown(step_line(step))
        following = run.next_step
        if following is None:
            st.success("Scenario complete. Well done!", icon=":material/celebration:")
        else:
            st.caption(f"Next: {esc(following.hint)}")
            step_link(following)
        if len(runs) > 1:
            st.caption(f"{len(runs) - 1} more in progress on the Training page.")

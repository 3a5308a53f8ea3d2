"""The trainee's checklist in the sidebar of every page, ticking itself as they work.

Drawn by the page guard in training mode. Why the sidebar as well as the Training page:
a trainee works on the Care plan or the Calendar, not on the Training page, and sees the
step tick (and the next step's hint and link) without leaving the page they are on.

The guard runs before the page, so work a page does without a rerun after it (opening a
record) would tick only on the next click. While such a step is still to do, the
checklist is a fragment that refreshes itself every few seconds (one small read; nothing
else on the page reruns); otherwise it is drawn once per run like the rest of the page.
"""

from __future__ import annotations

import streamlit as st

from components.shared.text import esc
from components.training.checklist import progress, step_line, step_link
from services.core.identity import Actor
from services.training import actions
from services.training.runs import RunState

REFRESH_SECONDS = 3


def _draw(runs: list[RunState]) -> None:
    run = runs[0]
    with st.container(border=True, key="training_checklist"):
        st.markdown(f"**:material/school: {esc(run.title)}**")
        progress(run)
        following = run.next_step
        if following is None:
            st.success("Scenario complete. Well done!", icon=":material/celebration:")
        else:  # the next step first, where it is seen without scrolling
            st.markdown(f"Next: **{esc(following.title)}**")
            st.caption(esc(following.hint))
            step_link(following)
        st.divider()
        for step in run.steps:
            st.markdown(step_line(step))
        if len(runs) > 1:
            st.caption(f"{len(runs) - 1} more in progress on the Training page.")


@st.fragment(run_every=REFRESH_SECONDS)
def _live(actor: Actor) -> None:
    runs = actions.my_checklists(actor)
    if runs:
        _draw(runs)


def training_sidebar(actor: Actor, page_title: str) -> None:
    runs = actions.page_opened(actor, page_title)
    if not runs:
        return
    with st.sidebar:
        if runs[0].waits_for_a_view:
            _live(actor)
        else:
            _draw(runs)

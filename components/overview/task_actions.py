"""A task chosen on My day: open where its work is, or complete it (with the outcome note
it asks for), snooze it to a later day with a reason, or hand it to a colleague, in a
dialog over the list, which keeps its place and refreshes once the task is saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import streamlit as st

from components.shared.flash import flash
from components.shared.forms import field_errors, show_field_error
from components.shared.text import isolate
from services.core.clock import us_date
from services.core.errors import Conflict, InvalidInput
from services.core.identity import Actor
from services.overview.worklist import Link, TaskRef, clinic_today
from services.tasks import actions as task_actions
from services.tasks.tasks import NOTE_MAX

state = st.session_state
OPEN_KEY = "md_task"  # (TaskRef, Link | None) while the dialog is open


def choose(ref: TaskRef, link: Link | None) -> None:
    state[OPEN_KEY] = (ref, link)


def close() -> None:
    state.pop(OPEN_KEY, None)


def _run(form: str, fn: Callable[[], None], done: str) -> None:
    try:
        fn()
    except InvalidInput as exc:
        field_errors(form, exc.errors)
    except Conflict as exc:
        close()
        flash(str(exc), icon="⚠️")
    else:
        close()
        flash(done)
    st.rerun()


@st.dialog("Task", width="medium", on_dismiss=close)
def task_dialog(actor: Actor, staff: dict[int, str]) -> None:
    ref, link = state[OPEN_KEY]
    st.text(ref.title)
    st.text(
        f"{isolate(ref.patient) + ' · ' if ref.patient else ''}due {us_date(ref.due_on, weekday=True)}"
    )
    if link is not None:
        st.page_link(
            link.page, label=link.label, icon=":material/open_in_new:", query_params=link.params
        )
    errors = field_errors("md_task")
    with st.form("md_task_done", border=False):
        note = st.text_area(
            "Outcome note" + ("" if ref.asks_for_outcome else " (optional)"),
            max_chars=NOTE_MAX,
            height=70,
            placeholder="What happened",
        )
        show_field_error(errors, "note")
        if st.form_submit_button("Mark as done", type="primary", icon=":material/check:"):
            _run(
                "md_task",
                lambda: task_actions.complete_task(actor, ref.id, note, ref.version),
                "Task done.",
            )
    st.divider()
    snooze, hand = st.columns(2)
    with snooze, st.form("md_task_snooze", border=False):
        today = clinic_today()
        until = st.date_input(
            "Snooze until",
            value=max(today, ref.due_on) + timedelta(days=1),
            min_value=today + timedelta(days=1),
            format="MM/DD/YYYY",
        )
        show_field_error(errors, "until")
        reason = st.text_input("Why it waits", max_chars=NOTE_MAX, placeholder="e.g. patient away")
        show_field_error(errors, "reason")
        if st.form_submit_button("Snooze", icon=":material/snooze:"):
            _run(
                "md_task",
                lambda: task_actions.snooze_task(actor, ref.id, until, reason, ref.version),
                f"Task snoozed to {us_date(until, year=False)}.",
            )
    with hand, st.form("md_task_hand", border=False):
        others = [i for i in staff if i != ref.owner_id]
        owner = st.selectbox(
            "Hand to",
            others,
            index=None,
            format_func=lambda i: staff[i],
            placeholder="Choose a colleague",
        )
        show_field_error(errors, "owner")
        if st.form_submit_button("Reassign", icon=":material/person_search:"):
            name = staff.get(owner, "")
            _run(
                "md_task",
                lambda: task_actions.reassign_task(actor, ref.id, owner, ref.version),
                f"Task handed to {name}.",
            )

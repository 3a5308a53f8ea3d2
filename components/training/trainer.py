"""Admin → Training: every trainee's progress, starting one over, more trainee accounts,
resetting the whole training database, and the scenario editor."""

from __future__ import annotations

import streamlit as st

from components.shared.flash import flash
from components.shared.forms import field_errors, show_field_error
from components.shared.text import esc, show_table
from components.training.checklist import local_time
from components.training.scenario_admin import scenario_admin
from db import config
from services.core.errors import DomainError, InvalidInput
from services.core.identity import Actor
from services.training import actions
from services.training.runs import RunState

# Signed in as before (the accounts keep their passwords), and back on the Training tab.
KEEP_ON_RESET = ("_auth", "_last_user", "_page", "admin_tab")


def _rows(found: list[RunState]) -> list[dict]:
    rows = []
    for run in found:
        done = [st.done_at for st in run.steps if st.done_at]
        following = run.next_step
        rows.append(
            {
                "Trainee": f"{run.trainee} · {run.username}",
                "Scenario": run.title,
                "Started": local_time(run.started_at),
                "Done": f"{run.done} of {len(run.steps)}",
                "Last step done": local_time(max(done)) if done else "not yet",
                "Working on": following.title if following else "finished",
            }
        )
    return rows


def _label(run: RunState) -> str:
    return f"{run.username} · {run.title} ({run.done} of {len(run.steps)})"


def progress_view(actor: Actor, found: list[RunState]) -> None:
    st.header("Trainees' progress", anchor=False)
    if not found:
        st.caption(
            "Nobody has started a scenario yet. Trainees sign in as trainee1, trainee2, … "
            "(password demo) and start one on the Training page."
        )
        return
    n = len(found)
    st.caption(f"{n} {'scenario' if n == 1 else 'scenarios'} in progress. Times are the clinic's.")
    show_table(_rows(found), alt="Scenarios in progress")
    by_id = {run.id: run for run in found}
    chosen = st.selectbox(
        "See the steps of", list(by_id), format_func=lambda i: _label(by_id[i]), key="trn_run"
    )
    run = by_id[chosen]
    show_table(
        [
            {"Step": step.title, "Done at": local_time(step.done_at) or "not yet"}
            for step in run.steps
        ],
        alt="The scenario's steps",
    )
    with st.popover("Start this trainee's scenario over", icon=":material/restart_alt:"):
        st.write(
            f"{esc(run.trainee)}'s copy is archived and they get a fresh one at once; their "
            "checklist starts again from the first step."
        )
        if st.button("Start it over", key="trn_reset_one", type="primary"):
            try:
                actions.reset_trainee_scenario(actor, run.id)
            except DomainError as exc:
                st.error(esc(str(exc)))
                return
            flash(f"{run.username} starts “{run.title}” again on a fresh copy.")
            st.rerun()


def accounts_view(actor: Actor) -> None:
    st.header("Trainee accounts", anchor=False)
    st.caption(
        "The training database comes with trainee1 to trainee12 (nurse case managers, "
        "password demo). A bigger class needs more."
    )
    errors = field_errors("trn_accounts")
    with st.form("trn_accounts"):
        count = st.number_input("How many more", min_value=1, max_value=40, value=5, step=1)
        show_field_error(errors, "count")
        if st.form_submit_button("Add trainee accounts"):
            try:
                made = actions.add_trainee_accounts(actor, int(count))
            except InvalidInput as exc:
                field_errors("trn_accounts", exc.errors)
                st.rerun()
            flash(f"Added {', '.join(made)} (password demo).")
            st.rerun()


def reset_view(actor: Actor) -> None:
    st.header("Start the whole training database over", anchor=False)
    st.caption(
        "Deletes every trainee's work and any accounts added since, and seeds fresh demo "
        "data. People stay signed in; the demo and trainee accounts keep their passwords."
    )
    with st.form("trn_reset_all"):
        patients = st.number_input(
            "Synthetic patients", min_value=5, max_value=5000, value=150, step=50
        )
        sure = st.checkbox("Yes, delete all the training work")
        submitted = st.form_submit_button("Reset the training database", type="primary")
    if submitted:
        if not sure:
            st.warning("Tick the box to confirm first.")
            return
        with st.spinner("Resetting the training database…"):
            try:
                took = actions.reset_whole_training_database(actor, int(patients))
            except DomainError as exc:
                st.error(esc(str(exc)))
                return
        for key in list(st.session_state.keys()):
            if key not in KEEP_ON_RESET:
                del st.session_state[key]
        flash(f"The training database was reset with {int(patients)} patients in {took:.1f} s.")
        st.rerun()


def trainer_view(actor: Actor) -> None:
    """The Training tab of the Admin page."""
    if not config.load().demo_mode:
        st.info(
            "CareDesk is using the clinic's database. Training scenarios, trainee accounts "
            "and their progress live in the separate training database: start it with "
            "`python3 run.py manage seed-demo`."
        )
        return
    found = actions.trainer_overview(actor)
    progress_view(actor, found)
    st.divider()
    left, right = st.columns(2, gap="large")
    with left:
        accounts_view(actor)
    with right:
        reset_view(actor)
    st.divider()
    with st.expander("Scenarios: read, change or add one", key="trn_editor"):
        scenario_admin(actor)

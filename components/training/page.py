"""The Training page: pick a scenario, read its story, follow the checklist."""

from __future__ import annotations

import streamlit as st

from components.shared.flash import flash
from components.shared.text import esc
from components.training.checklist import full_checklist, local_day, progress
from services.core.errors import DomainError
from services.core.identity import Actor
from services.training import actions
from services.training.actions import ScenarioCard

INTRO = (
    "Pick a scenario and press Start. CareDesk makes you your own copy of its patients "
    "(their family names end with your username), so everyone in the room can practice at "
    "once. Each step ticks itself as you do it, here and in the sidebar of every page."
)


FOR = {
    "nurse": "nurses",
    "social_worker": "social workers",
    "scheduler": "the front desk",
    "admin": "administrators",
    "viewer": "viewers",
}


def _roles(card: ScenarioCard) -> str:
    labels = [FOR[r] for r in card.roles]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _start(actor: Actor, card: ScenarioCard) -> None:
    try:
        actions.start_scenario(actor, card.key)
    except DomainError as exc:
        st.error(esc(str(exc)))
        return
    st.session_state["training_open"] = card.key
    flash(f"Your copy of “{card.title}” is ready. The checklist is in the sidebar.")
    st.rerun()


def _start_over(actor: Actor, card: ScenarioCard) -> None:
    with st.popover("Start over", icon=":material/restart_alt:"):
        st.write(
            "Your copy of this scenario's patients is archived and you get a fresh one; "
            "the checklist starts again from the first step."
        )
        if st.button("Start over with a fresh copy", key=f"again_{card.key}", type="primary"):
            try:
                actions.start_over(actor, card.run.id)
            except DomainError as exc:
                st.error(esc(str(exc)))
                return
            st.session_state["training_open"] = card.key
            flash("A fresh copy is ready: start again from the first step.")
            st.rerun()


def _card(actor: Actor, card: ScenarioCard) -> None:
    with st.container(border=True, key=f"scenario_{card.key}"):
        head, button = st.columns([5, 1.3], vertical_alignment="center")
        with head:
            st.header(esc(card.title), anchor=False)
            minutes = f"About {card.minutes} minutes · " if card.minutes else ""
            steps = f"{card.steps} {'step' if card.steps == 1 else 'steps'}"
            st.caption(f"{minutes}{steps} · for {_roles(card)}")
        st.markdown(esc(card.summary))
        run = card.run
        with button:
            if run is None and card.for_me:
                if st.button("Start", key=f"start_{card.key}", type="primary"):
                    _start(actor, card)
            elif run is not None:
                _start_over(actor, card)
        if run is None:
            if not card.for_me:
                st.caption("This scenario is for another role.")
            return
        progress(run)
        opened = st.session_state.get("training_open") == card.key
        with st.expander(
            "The story and your checklist", expanded=opened, key=f"training_exp_{card.key}"
        ):
            st.caption(f"Started {local_day(run.started_at)}")
            st.text(run.story)
            full_checklist(run)


def training_page(actor: Actor) -> None:
    st.write(INTRO)
    cards = actions.training_scenarios(actor)
    if not cards:
        st.info(
            "Training scenarios run in the training database only. An administrator starts "
            "it from the first-run screen, or with `python3 run.py manage seed-demo`."
        )
        return
    mine = [c for c in cards if c.run is not None]
    if mine and "training_open" not in st.session_state:
        st.session_state["training_open"] = mine[0].key
    for card in cards:
        _card(actor, card)
    st.caption(
        "Scenarios are written by your CareDesk administrator (Admin → Training). In the "
        "sidebar, the next step always has a link straight to the page where it is done."
    )

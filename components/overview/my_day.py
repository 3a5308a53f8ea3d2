"""My day, drawn: whose day, the urgent safety follow-ups first, then each section by
urgency with its count (collapsed when empty), every row opening its page at its record,
tasks acted on in place, and the charts."""

from __future__ import annotations

from dataclasses import replace

import streamlit as st

from components.overview import charts
from components.overview import task_actions as tasks
from components.overview.tables import pick_row
from components.safety.followup import follow_up_card
from components.shared.forms import section as keep_open
from components.shared.text import esc
from services.core.actions import staff_choices
from services.core.identity import Actor
from services.overview import actions as overview
from services.overview.my_day import SafetyLine, can_switch, default_whose
from services.overview.worklist import DaySection
from services.safety import actions as safety

state = st.session_state
TEAM = -1  # the "whole team" choice of the whose-day picker
ICONS = {
    "overdue": ":material/running_with_errors:",
    "today": ":material/today:",
    "tomorrow": ":material/event_upcoming:",
    "visits": ":material/home_health:",
    "reminders": ":material/phone_in_talk:",
    "rides": ":material/airport_shuttle:",
    "reviews": ":material/event_repeat:",
    "intakes": ":material/fact_check:",
    "prior_auths": ":material/verified_user:",
    "referrals": ":material/forward_to_inbox:",
    "post_discharge": ":material/local_hospital:",
    "not_contacted": ":material/person_alert:",
}


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _whose(actor: Actor) -> int | None | str:
    """The whose-day picker, for those who may look at a colleague's day or the team's."""
    if not can_switch(actor):
        return "default"
    staff = staff_choices(actor)
    mine = default_whose(actor)
    options = [o for o in [mine, *staff, TEAM] if o is not None]
    options = list(dict.fromkeys(options))

    def label(o: int) -> str:
        if o == TEAM:
            return "The whole team"
        return "My own" if o == actor.id else staff.get(o, "")

    state.setdefault("md_whose", mine if mine is not None else TEAM)
    chosen = st.selectbox("Whose day", options, format_func=label, key="md_whose")
    return None if chosen == TEAM else chosen


def _label(section: DaySection) -> str:
    label = f"{section.title} ({section.count})"
    return f":red[{label}]" if section.urgent else label


def _section(actor: Actor, section: DaySection, can_act: bool) -> None:
    n = section.count
    box = st.expander(
        _label(section),
        expanded=n > 0,
        icon=ICONS.get(section.key),
        key=f"md_{section.key}_{'full' if n else 'empty'}",
    )
    with box:
        _rows(section, can_act)


def _team_section(actor: Actor, headline: DaySection, can_act: bool) -> None:
    """The team's day: the section closed until opened (its count in the title), its rows
    loaded only then, so a large clinic's day opens as fast as a small one's."""
    box = keep_open(_label(headline), f"md_team_{headline.key}", icon=ICONS.get(headline.key))
    with box:
        if not box.open:
            return
        if not headline.count:
            st.caption(headline.empty_text)
            return
        section = overview.team_day_section(actor, headline.key) or headline
        _rows(section, can_act)


def _rows(section: DaySection, can_act: bool) -> None:
    n = section.count
    if not section.rows:
        st.caption(section.empty_text)
        return
    if n > len(section.rows):
        st.caption(f"The first {len(section.rows)} of {n} are listed.")
    is_tasks = bool(section.tasks)
    hint = "Select a task to open it, complete it, snooze it or hand it on."
    if not is_tasks or not can_act:
        hint = "Select a row to open it."
    st.caption(hint)
    row = pick_row(section.rows, f"md_rows_{section.key}", alt=section.title)
    if row is None:
        return
    link = section.links[row] if row < len(section.links) else None
    if is_tasks and can_act:
        tasks.choose(section.tasks[row], link)
        st.rerun()
    if link is not None:
        st.switch_page(link.page, query_params=link.params)


def my_day_page(actor: Actor) -> None:
    if state.get("_arrived"):
        tasks.close()  # a task left open on another visit does not pop up again
    top = st.columns([3, 2, 1, 1], vertical_alignment="bottom")
    with top[1]:
        whose = _whose(actor)
    day = overview.my_day(actor, whose)
    with top[0]:
        st.title("My day")
        st.caption(f"{day.on:%A, %B} {day.on.day}, {day.on.year}")
    top[2].metric("Active patients" if day.whose_id else "Clinic patients", day.counts["caseload"])
    if day.whose_id:
        top[3].metric("In the clinic", day.counts["active"])
    if day.front_desk:
        st.caption("The front desk's day: today's appointments, reminder calls and rides.")
    elif not day.can_act:
        st.caption(f"Read only: {esc(day.whose)}'s day. Select a row to open it.")
    elif day.whose_id not in (None, actor.id):
        st.caption(f"Looking at {esc(day.whose)}'s day.")
    if not day.front_desk:
        _safety(actor, day)
    for section in day.sections:
        if day.headlines:
            _team_section(actor, section, day.can_act)
        else:
            _section(actor, section, day.can_act)
    if state.get(tasks.OPEN_KEY) and day.can_act:
        tasks.task_dialog(actor, day.task_owners)
    if day.front_desk:
        return
    if not day.headlines:
        st.header("At a glance")
        _charts(actor, day)
        return
    box = keep_open("At a glance: the team's charts", "md_team_glance", icon=":material/bar_chart:")
    with box:
        if box.open:
            _charts(actor, replace(day, **overview.team_at_a_glance(actor)))


def _charts(actor: Actor, day) -> None:
    left, middle, right = st.columns(3, gap="large")
    with left:
        charts.caseload_by_tier(actor, day)
    with middle:
        charts.tasks_by_week(day)
    with right:
        charts.referrals_by_status(day)
    charts.caseload_by_manager(day)


def _safety(actor: Actor, day) -> None:
    n = len(day.safety) + len(day.more_safety)
    if not n:
        st.success("No urgent safety follow-up is open.", icon=":material/verified:")
        return
    st.header(
        f":red[:material/emergency: {plural(n, 'urgent safety follow-up')}]",
        anchor="safety",
    )
    for f in day.safety:
        follow_up_card(actor, f, key=f"md_safety_{f.id}", on_my_day=True)
    if day.more_safety:
        _more_safety(actor, day.more_safety)


def _more_safety(actor: Actor, rest: list[SafetyLine]) -> None:
    """Beyond the first cards, one line each, so none is hidden: who, what, since when.
    Drawn as one list and one picker (a table or a button per line would make a large
    clinic's day slower to open); the one picked opens its card here, its work open."""
    st.markdown(
        "\n".join(f"- **{esc(f.patient_name)}**: {esc(f.concern)}, since {f.raised}" for f in rest)
    )
    names = {f.id: f"{f.patient_name}: {f.concern}, since {f.raised}" for f in rest}
    chosen = st.selectbox(
        f"Work on one of these {plural(len(rest), 'more urgent follow-up')}",
        list(names),
        index=None,
        format_func=names.get,
        placeholder="Select a follow-up to open it",
        key="md_safety_more",
    )
    if chosen is None:
        return
    if state.get("md_safety_shown") != chosen:  # just picked: open its work
        state["md_safety_shown"] = chosen
        state[f"md_safety_{chosen}_work"] = True
    card = safety.follow_up(actor, chosen)
    follow_up_card(actor, card, key=f"md_safety_{chosen}", on_my_day=True)

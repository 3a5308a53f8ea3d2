"""My day's charts (Altair): the caseload by risk tier (a bar clicked lists who is in it),
tasks done and overdue by week, referrals by status, and, for the team, caseloads by case
manager. Labels are never shortened.

Each chart is written in Altair once, without its data, and turned into a Vega-Lite spec
once per process (a static definition: no patient data in it); every run hands that spec
and the run's counts (an Arrow table, see table_of) to st.vega_lite_chart. Building and
validating the Altair objects on every run took longer than all of My day's queries
together.
"""

from __future__ import annotations

from functools import cache

import altair as alt
import streamlit as st

from components.overview.tables import pick_row
from components.shared.text import table_of
from services.core.identity import Actor
from services.overview import actions as overview
from services.overview.charts import TIERS
from services.overview.my_day import MyDayView

# Bars are graphics: each color stands out from the white page at 3:1 or more (WCAG 2.1
# 1.4.11), the bars a click did not choose too; every bar is also named on its axis, so no
# tier is told by color alone. tests/unit/test_contrast.py checks them.
TIER_COLORS = ["#b71c1c", "#d84315", "#9c6b00", "#2e7d32", "#757575"]
NOT_CHOSEN = "#7f929c"
DONE_OVERDUE = ["#2e7d32", "#c62828"]
REFERRALS_BAR, MANAGERS_BAR = "#1565c0", "#546e7a"
state = st.session_state


def _tier_chosen(event, key: str) -> str | None:
    """The tier of the bar clicked, acted on once per click (the selection is sticky)."""
    picked = (event.selection.get("tier") or [{}])[0].get("Risk tier") if event else None
    if picked != state.get(f"{key}_last"):
        state[f"{key}_last"] = picked
        state[f"{key}_pick"] = picked
    return state.get(f"{key}_pick")


def _spec(chart: alt.Chart) -> dict:
    """The chart as Vega-Lite, without the placeholder data Altair adds to a chart that has
    none (each run passes its own)."""
    spec = chart.to_dict()
    spec.pop("data", None)
    spec.pop("datasets", None)
    return spec


@cache
def _tier_spec() -> dict:
    chosen = alt.selection_point(fields=["Risk tier"], name="tier")
    return _spec(
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("Patients:Q", title="Patients", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("Risk tier:N", sort=list(TIERS), title=None, axis=alt.Axis(labelLimit=0)),
            color=alt.condition(
                chosen,
                alt.Color(
                    "Risk tier:N",
                    scale=alt.Scale(domain=list(TIERS), range=TIER_COLORS),
                    legend=None,
                ),
                alt.value(NOT_CHOSEN),
            ),
            tooltip=["Risk tier:N", "Patients:Q"],
        )
        .add_params(chosen)
        .properties(height=190)
    )


def caseload_by_tier(actor: Actor, day: MyDayView) -> None:
    st.markdown("**Caseload by risk tier**")
    if not sum(row["Patients"] for row in day.tiers):
        st.caption("No active patients.")
        return
    key = "md_tiers"
    event = st.vega_lite_chart(
        table_of(day.tiers),
        _tier_spec(),
        on_select="rerun",
        key=f"{key}_chart",
        width="stretch",
        alt="Bar chart of active patients by the risk tier of their latest intake.",
    )
    # Keyboard and screen-reader users choose the tier here; a bar clicked chooses it too.
    state.setdefault(f"{key}_pick", None)
    _tier_chosen(event, key)
    tier = st.selectbox(
        "Show the patients in",
        list(TIERS),
        key=f"{key}_pick",
        placeholder="Choose a tier, or click its bar",
        format_func=lambda t: f"the {t} tier",
    )
    if tier:
        found = overview.patients_in_tier(actor, day.whose_id, tier)
        st.caption(
            f"{found.total} patient{'s' if found.total != 1 else ''} in the {tier} tier"
            + (f" (first {len(found.rows)} shown)" if found.total > len(found.rows) else "")
            + ". Select one to open the record."
        )
        if found.rows:
            row = pick_row(found.rows, f"{key}_list", alt=f"Patients in the {tier} tier")
            if row is not None and found.links[row] is not None:
                link = found.links[row]
                st.switch_page(link.page, query_params=link.params)


@cache
def _weeks_spec() -> dict:
    return _spec(
        alt.Chart()
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(Week of):O", title="Week of", axis=alt.Axis(format="%b %d")),
            xOffset="Kind:N",
            y=alt.Y("Tasks:Q", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                "Kind:N",
                scale=alt.Scale(domain=["Done", "Overdue"], range=DONE_OVERDUE),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[alt.Tooltip("Week of:T", format="%b %d, %Y"), "Kind:N", "Tasks:Q"],
        )
        .properties(height=220)
    )


def tasks_by_week(day: MyDayView) -> None:
    st.markdown("**Tasks done and overdue, by week**")
    if not sum(row["Tasks"] for row in day.tasks_by_week):
        st.caption("No tasks in the last eight weeks.")
        return
    st.vega_lite_chart(
        table_of(day.tasks_by_week),
        _weeks_spec(),
        width="stretch",
        alt="Bar chart of tasks completed and tasks not done by their due date, per week.",
    )


@cache
def _referrals_spec() -> dict:
    return _spec(
        alt.Chart()
        .mark_bar(color=REFERRALS_BAR)
        .encode(
            x=alt.X("Referrals:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("Status:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            tooltip=["Status:N", "Referrals:Q"],
        )
        .properties(height=alt.Step(26))
    )


def referrals_by_status(day: MyDayView) -> None:
    st.markdown("**Referrals by status**")
    if not day.referrals:
        st.caption("No open referrals, none closed in the last 90 days.")
        return
    st.vega_lite_chart(
        table_of(day.referrals),
        _referrals_spec(),
        width="stretch",
        alt="Bar chart of open referrals, and those closed in the last 90 days, by status.",
    )


@cache
def _managers_spec() -> dict:
    return _spec(
        alt.Chart()
        .mark_bar(color=MANAGERS_BAR)
        .encode(
            x=alt.X("Patients:Q", axis=alt.Axis(tickMinStep=1)),
            y=alt.Y("Case manager:N", sort="-x", title=None, axis=alt.Axis(labelLimit=0)),
            tooltip=["Case manager:N", "Patients:Q"],
        )
        .properties(height=alt.Step(26))
    )


def caseload_by_manager(day: MyDayView) -> None:
    if not day.by_manager:
        return
    st.markdown("**Caseload by case manager**")
    st.vega_lite_chart(
        table_of(day.by_manager),
        _managers_spec(),
        width="stretch",
        alt="Bar chart of active patients by case manager.",
    )

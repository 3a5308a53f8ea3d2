"""The calendar widget (streamlit-calendar 1.4.0 / FullCalendar), wrapped (DESIGN.md §3.8).

- it renders in an iframe; it always gets a key;
- its return value is sticky: the last callback comes back on every later rerun, so
  `calendar_view` hands each callback to the page once (remembered by its signature);
- the visible range comes from the `view` carried by eventsSet/eventChange/clicks;
- it renders blank inside a non-first st.tabs tab: keep it in the first tab or outside;
- free views only: dayGrid, timeGrid, list, multiMonth.
"""

from __future__ import annotations

from datetime import date, timedelta

import streamlit as st
from streamlit_calendar import calendar

from components.scheduling.dialogs import Desk, open_from_callback
from components.shared.text import esc
from services.core import clock
from services.scheduling import actions
from services.scheduling.agenda import Filters
from services.scheduling.feed import PALETTE, change_signature, staff_colors

VIEWS = "timeGridDay,timeGridWeek,dayGridMonth,listWeek,multiMonthYear"
CALLBACKS = ["dateClick", "eventClick", "eventChange", "eventsSet", "select"]
CSS = """
.fc-event-title, .fc-list-event-title { white-space: normal; }
.fc .fc-toolbar-title { font-size: 1.2rem; }
.fc-timegrid-event .fc-event-main { font-size: 0.78rem; line-height: 1.15; padding: 1px 2px; }
.fc-timegrid-event .fc-event-time { font-size: 0.72rem; }
.fc-daygrid-event { font-size: 0.78rem; white-space: normal; }
.fc .fc-toolbar { flex-wrap: wrap; gap: 0.4rem; }
.fc .fc-button { padding: 0.25rem 0.5rem; font-size: 0.85rem; }
"""


def widget_key(key: str, revision: int) -> str:
    """A new revision remounts the widget (e.g. to put back a drag the user refused)."""
    return f"{key}_{revision}"


def current_view(key: str, revision: int = 0) -> dict | None:
    """The view (activeStart/activeEnd) the widget last reported, read before drawing it."""
    value = st.session_state.get(widget_key(key, revision)) or {}
    body = value.get(value.get("callback", ""), {}) if isinstance(value, dict) else {}
    view = body.get("view") if isinstance(body, dict) else None
    if view:
        st.session_state[f"{key}__view"] = view
    return st.session_state.get(f"{key}__view")


def initial_date(view: dict | None, today: date) -> str | None:
    """Where the widget opens: today while today is in the range last shown (so switching
    from this week to Month opens this month), else the start of that range."""
    if not view or not view.get("currentStart"):
        return None
    first = view.get("activeStart", view["currentStart"])[:10]
    last = view.get("activeEnd", view.get("currentEnd", first))[:10]
    if first <= today.isoformat() < last:
        return today.isoformat()
    return view["currentStart"][:10]


def show_week_of(key: str, day: date) -> None:
    """Open the widget on the week that holds `day` (an appointment opened from a link,
    e.g. on My day: the calendar behind its dialog shows that appointment's week, which
    on a Sunday is not this one). The widget is drawn afresh, or its last report of the
    range it showed would take the view back."""
    monday = (day - timedelta(days=day.weekday())).isoformat()  # weeks start on Monday
    after = (day + timedelta(days=7 - day.weekday())).isoformat()
    st.session_state[f"{key}__view"] = {
        "type": "timeGridWeek",
        **dict.fromkeys(("currentStart", "activeStart"), monday),
        **dict.fromkeys(("currentEnd", "activeEnd"), after),
    }
    st.session_state["cal_rev"] = st.session_state.get("cal_rev", 0) + 1


def calendar_view(
    events: list[dict],
    *,
    key: str,
    tz: str,
    editable: bool,
    revision: int = 0,
    initial_view: str = "timeGridWeek",
) -> dict | None:
    """Draw the calendar; return a callback ({"callback": name, name: {...}}) once, or None."""
    shown = st.session_state.get(f"{key}__view")
    view_type = (shown or {}).get("type", initial_view)
    options = {
        "initialView": view_type,
        "initialDate": initial_date(shown, clock_today(tz)),
        "timeZone": tz,
        "headerToolbar": {"left": "today prev,next", "center": "title", "right": VIEWS},
        # Words, not icon glyphs, on the previous/next buttons: FullCalendar's icons are
        # images without a text alternative (a screen reader heard nothing).
        "buttonIcons": False,
        "buttonText": {
            "prev": "‹ Previous",
            "next": "Next ›",
            "today": "Today",
            "timeGridDay": "Day",
            "timeGridWeek": "Week",
            "dayGridMonth": "Month",
            "listWeek": "List",
            "multiMonthYear": "Year",
        },
        "businessHours": {"daysOfWeek": [1, 2, 3, 4, 5], "startTime": "08:00", "endTime": "18:00"},
        "slotMinTime": "07:00:00",
        "slotMaxTime": "20:00:00",
        "scrollTime": "08:00:00",
        "firstDay": 1,
        "nowIndicator": True,
        "allDaySlot": False,
        "selectable": editable,
        "editable": editable,
        "eventDurationEditable": editable,
        "selectMirror": True,
        "dayMaxEvents": True,
        # A crowded team week stacks at most three events side by side (+N more), and the
        # month grows to show up to four a day instead of "+1 more" everywhere.
        "slotEventOverlap": False,
        "eventMaxStack": 3,
        "eventMinHeight": 36,  # a half-hour visit still shows its patient and type
        "views": {"dayGridMonth": {"dayMaxEvents": 4}},
        "height": "auto" if view_type == "dayGridMonth" else 720,
        "eventTimeFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
        "slotLabelFormat": {"hour": "2-digit", "minute": "2-digit", "hour12": False},
    }
    options = {k: v for k, v in options.items() if v is not None}
    value = calendar(
        events=events,
        options=options,
        custom_css=CSS,
        callbacks=CALLBACKS if editable else ["eventClick", "eventsSet"],
        key=widget_key(key, revision),
    )
    if not value or not isinstance(value, dict) or "callback" not in value:
        return None
    signature = change_signature(value)
    handled = f"{widget_key(key, revision)}__handled"
    if st.session_state.get(handled) == signature:
        return None  # the sticky value of a callback we already acted on
    st.session_state[handled] = signature
    return value


def week(
    desk: Desk, filters: Filters, patient_id: int | None, staff_order: tuple[int, ...], key: str
) -> None:
    """The widget with the events of the range it shows, opening the dialog its clicks ask
    for. The page draws the dialogs after it (show_dialog).

    Not a fragment, though the widget's own runs (the range it reports after each drawing
    and each week turned, DESIGN.md §3.19) would then redraw less: the widget reports its
    range a moment after it draws, and when the nurse had already gone on to another page
    that report reached the server as a run of a fragment the new page does not have.
    Streamlit let it take the place of the new page's run and the page stayed blank (seen
    in CI: "Couldn't find fragment", Contacts empty). As a plain part of the page, a late
    report is a rerun of whatever page is open."""
    rev = st.session_state.get("cal_rev", 0)
    events = actions.visible_events(
        desk.actor,
        current_view(key, rev),
        filters,
        tz=desk.tz,
        editable=desk.can_edit,
        staff_order=staff_order,
    )
    action = calendar_view(events, key=key, revision=rev, tz=desk.tz, editable=desk.can_edit)
    open_from_callback(action, desk, patient_id)


def clock_today(tz: str) -> date:
    return clock.utc_to_local(clock.utcnow(), tz).date()


def legend(staff_order: tuple[int, ...] = (), staff: dict[int, str] | None = None) -> None:
    """One badge per appointment type in its color; in the team week (several staff
    members shown), one per staff member in theirs (names escaped: they are user text)."""
    if staff_order and staff:
        colors = staff_colors(list(staff_order))
        st.markdown(
            " ".join(f":{colors[i][0]}-badge[{esc(staff.get(i, ''))}]" for i in staff_order)
        )
        return
    chips = [f":{badge}-badge[{kind.value}]" for kind, (badge, _) in PALETTE.items()]
    st.markdown(" ".join([*chips, ":gray-badge[canceled or no-show: pale, and says so]"]))

"""Calendar journeys in Chromium: click a slot to book, drag to another day (persisted after
reload), move one occurrence of a series, and a double booking refused."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from db.base import today as clinic_today
from db.models import Appointment, Patient, User
from db.session import dispose_all, session_scope
from services.core import clock
from services.core.identity import Actor
from services.scheduling import appointments as scheduling
from services.scheduling.recurrence import Frequency, Repeat
from services.scheduling.validation import AppointmentInput
from tests.browser.conftest import go_to, sign_in, wait_ready
from tests.browser.helpers import settle

TZ = "America/New_York"
FRAME = "iframe[title='streamlit_calendar.calendar']"


@pytest.fixture
def db(demo_app, monkeypatch):
    """The running app's training database, written with the app's own settings."""
    monkeypatch.setenv("CAREDESK_DATA_DIR", str(demo_app.data_dir))
    monkeypatch.setenv("CAREDESK_SECRET_KEY", "browser-test-key")
    url = f"sqlite:///{demo_app.data_dir / 'caredesk-demo.sqlite3'}"
    yield url
    dispose_all()


def weekend() -> tuple[date, date]:
    """Saturday and Sunday of this week: the demo books only weekdays, so they are free."""
    monday = clinic_today() - timedelta(days=clinic_today().weekday())
    return monday + timedelta(days=5), monday + timedelta(days=6)


def nurse_and_patient(url, n=0):
    with session_scope(url) as s:
        nurse = s.scalar(select(User).where(User.username == "nurse"))
        p = s.scalars(select(Patient).where(Patient.status == "active").order_by(Patient.id)).all()[
            n
        ]
        return Actor(nurse.id, nurse.username, nurse.display_name, nurse.role), p.id, p.family_name


def book(url, actor, pid, day, hour, title, repeat=None):
    start = clock.local_to_utc(datetime.combine(day, datetime.min.time()).replace(hour=hour), TZ)
    with session_scope(url) as s:
        booked = scheduling.book_appointment(
            s, actor,
            AppointmentInput(kind="follow-up call", patient_id=pid, title=title, start=start,
                             end=start + timedelta(hours=1), staff_id=actor.id),
            repeat=repeat, tz=TZ,
        )  # fmt: skip
        return [a.id for a in booked.occurrences]


def calendar_frame(page):
    """The widget's iframe, once a rerun has dropped any stale copy of it."""
    page.wait_for_function(f'document.querySelectorAll("{FRAME}").length === 1')
    return page.frame_locator(FRAME)


def open_calendar(page, app):
    sign_in(page, app, "nurse")
    go_to(page, "Calendar")
    frame = calendar_frame(page)
    frame.locator(".fc-timegrid-slot").first.wait_for()
    page.wait_for_timeout(500)
    wait_ready(page)
    return frame


def slot_point(page, frame, day: date, time: str):
    col = frame.locator(f"td.fc-timegrid-col[data-date='{day}']").bounding_box()
    row = frame.locator(f"td.fc-timegrid-slot-lane[data-time='{time}']").bounding_box()
    return col["x"] + col["width"] / 2, row["y"] + row["height"] / 2


def drag(page, frame, event_text: str, day: date, time: str):
    """Drag an event to a slot; a busy machine may rerun the page mid-gesture, so try twice."""
    for attempt in range(2):
        wait_ready(page)
        page.wait_for_timeout(500)
        box = frame.locator(".fc-event", has_text=event_text).first.bounding_box()
        x0, y0 = box["x"] + box["width"] / 2, box["y"] + 8
        x1, y1 = slot_point(page, frame, day, time)
        page.mouse.move(x0, y0)
        page.mouse.down()
        for i in range(1, 11):
            page.mouse.move(x0 + (x1 - x0) * i / 10, y0 + (y1 - y0) * i / 10)
            page.wait_for_timeout(30)
        page.mouse.up()
        try:
            page.get_by_role("dialog").wait_for(timeout=8_000 if attempt == 0 else 20_000)
            return
        except Exception:
            if attempt:
                raise
            frame = calendar_frame(page)


def move_it(page, outcome: str = "Appointment moved."):
    """Press "Move it" in the open dialog. A rerun that lands at that moment (the calendar
    reports back after it draws) can swallow the click; the dialog then stays as it was,
    so press again — once the outcome shows, nothing is pressed twice."""
    for attempt in range(3):
        wait_ready(page)
        button = page.get_by_role("dialog").get_by_role("button", name="Move it")
        if button.count() and not page.get_by_text(outcome).count():
            button.click()
        try:
            page.get_by_text(outcome).first.wait_for(timeout=15_000)
            return
        except Exception:
            if attempt == 2:
                raise


def local_start(url, appointment_id):
    with session_scope(url) as s:
        return clock.utc_to_local(s.get(Appointment, appointment_id).start_at, TZ)


def test_book_by_clicking_a_slot_then_drag_to_another_day(page, demo_app, db):
    sat, sun = weekend()
    _, _, family = nurse_and_patient(db)
    frame = open_calendar(page, demo_app)
    x, y = slot_point(page, frame, sat, "13:00:00")
    page.mouse.click(x, y)
    dialog = page.get_by_role("dialog")
    dialog.wait_for()
    hour = dialog.get_by_role("spinbutton", name="hour, Start")
    assert hour.get_attribute("aria-valuenow") == "13"  # the clicked slot, in clinic time
    # The booking dialog is not a form: each field below runs the dialog again, and the
    # next one is already on the page, so each step waits until that run is over.
    dialog.get_by_role("textbox", name="Find another patient").fill(family)
    dialog.get_by_role("textbox", name="Find another patient").press("Enter")
    settle(page)
    dialog.get_by_role("combobox", name="Patient").click()
    page.keyboard.type(family)
    page.keyboard.press("Enter")
    settle(page)
    dialog.get_by_text("Title, place, notes and status").click()
    wait_ready(page)
    dialog.get_by_label("Title").fill("Journey check-in")
    dialog.get_by_label("Title").press("Tab")
    settle(page)
    # someone not in the Contacts directory: typed straight into the provider picker
    dialog.get_by_role("combobox", name="Provider or facility").click()
    page.keyboard.type("Dr. Lin's office")
    page.keyboard.press("Enter")
    dialog.get_by_role("button", name="Book appointment").click()
    page.get_by_text("Appointment booked.").first.wait_for()
    wait_ready(page)
    frame = calendar_frame(page)
    frame.locator(".fc-event", has_text="Journey check-in").wait_for()
    with session_scope(db) as s:
        a = s.scalar(select(Appointment).where(Appointment.title == "Journey check-in"))
        ident = a.id
        assert (a.provider, a.provider_contact_id) == ("Dr. Lin's office", None)
    assert local_start(db, ident) == datetime.combine(sat, datetime.min.time()).replace(hour=13)

    drag(page, frame, "Journey check-in", sun, "10:00:00")
    move_it(page)
    # a reload is a new session: sign in again and look at the persisted calendar
    frame = open_calendar(page, demo_app)
    event = frame.locator(f"td.fc-timegrid-col[data-date='{sun}'] .fc-event", has_text="Journey")
    event.wait_for()
    assert local_start(db, ident) == datetime.combine(sun, datetime.min.time()).replace(hour=10)


def test_move_one_occurrence_of_a_series(page, demo_app, db):
    sat, sun = weekend()
    actor, pid, _ = nurse_and_patient(db, 1)
    ids = book(db, actor, pid, sat - timedelta(days=7), 16, "Series call",
               Repeat(Frequency.WEEKLY, count=3))  # fmt: skip
    frame = open_calendar(page, demo_app)
    drag(page, frame, "Series call", sun, "16:00:00")
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("this appointment", exact=True).click()
    move_it(page)
    starts = [local_start(db, i) for i in ids]
    assert [d.date() for d in starts] == [sat - timedelta(days=7), sun, sat + timedelta(days=7)]
    assert {d.hour for d in starts} == {16}


def test_double_booking_is_refused(page, demo_app, db):
    sat, _ = weekend()
    actor, pid, _ = nurse_and_patient(db, 2)
    _, other, _ = nurse_and_patient(db, 3)
    (first,) = book(db, actor, pid, sat, 8, "Early call")
    (second,) = book(db, actor, other, sat, 11, "Late call")
    frame = open_calendar(page, demo_app)
    drag(page, frame, "Late call", sat, "08:00:00")
    move_it(page, "overlaps other appointments")
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Leave it where it was").click()
    wait_ready(page)
    assert local_start(db, second).hour == 11 and local_start(db, first).hour == 8


def test_turning_the_week_shows_its_appointments(page, demo_app, db):
    sat, _ = weekend()
    later = sat + timedelta(days=7)
    actor, pid, _ = nurse_and_patient(db, 4)
    book(db, actor, pid, later, 15, "Next week call")
    frame = open_calendar(page, demo_app)
    assert frame.locator(".fc-event", has_text="Next week call").count() == 0
    frame.get_by_role("button", name="Next ›").click()
    day = frame.locator(f"td.fc-timegrid-col[data-date='{later}']")
    day.locator(".fc-event", has_text="Next week call").wait_for()


def test_leaving_the_calendar_as_it_draws_never_leaves_a_blank_page(page, demo_app):
    """The widget reports the range it shows a moment after it draws. A nurse who clicks
    on to another page within that moment gets a whole page: the one she asked for, or, if
    the report reached the server after her click, the calendar again. Never a blank one
    (as a fragment, the late report once took the new page's place and drew nothing)."""
    sign_in(page, demo_app, "nurse")
    sidebar = page.get_by_test_id("stSidebar")
    main = page.get_by_test_id("stMain")
    for _ in range(4):
        sidebar.get_by_role("link", name="Calendar").click()
        page.get_by_role("heading", name="Calendar").first.wait_for()
        sidebar.get_by_role("link", name="Contacts").click()  # before the widget reports
        page.wait_for_timeout(1_500)  # the report, if it comes, has come
        wait_ready(page)
        shown = main.get_by_role("heading", level=1).first.inner_text(timeout=15_000)
        assert shown in ("Contacts", "Calendar"), shown
        # the page is drawn in full, not only its title
        expect_control = "Show" if shown == "Contacts" else "Staff"
        main.get_by_text(expect_control, exact=True).first.wait_for(timeout=15_000)

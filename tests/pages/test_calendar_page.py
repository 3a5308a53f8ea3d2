"""Calendar page under AppTest: every role, faked widget callbacks (DESIGN.md §3.9)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from components.scheduling.calendar_view import initial_date
from db.base import today as clinic_today
from db.base import utcnow
from db.models import Appointment, AuditEvent, Patient, User
from db.session import session_scope
from services.core import clock
from services.core.identity import Actor
from services.scheduling import appointments as scheduling
from services.scheduling.feed import visible_range
from services.scheduling.validation import AppointmentInput
from tests.apptest import signed_in, texts

PAGE = "pages/calendar.py"
TZ = "America/New_York"
WIDGET = "cal_0"  # the widget key before any dialog has closed


@pytest.fixture
def clinic(app_env, monkeypatch):
    """A patient and one appointment for the nurse on Wednesday next week at 10:00."""
    monkeypatch.setenv("CAREDESK_TIMEZONE", TZ)
    day = clinic_today() + timedelta(days=7 - clinic_today().weekday() + 2)
    with session_scope(app_env) as s:
        nurse = s.scalar(select(User).where(User.username == "nurse"))
        p = Patient(
            mrn="C1",
            given_name="Ines",
            family_name="Okoro",
            birth_date=date(1948, 3, 2),
            search_name="ines okoro",
            phone="+1 617 555 0142",
            preferred_language="Yoruba",
        )
        s.add(p)
        s.flush()
        actor = Actor(nurse.id, nurse.username, nurse.display_name, nurse.role)
        start = clock.local_to_utc(datetime.combine(day, datetime.min.time()).replace(hour=10), TZ)
        a = scheduling.book_appointment(
            s,
            actor,
            AppointmentInput(
                kind="home-health visit",
                patient_id=p.id,
                title="Wound care",
                start=start,
                end=start + timedelta(hours=1),
                staff_id=nurse.id,
            ),
            tz=TZ,
        ).appointment
        ids = {"appointment": a.id, "patient": p.id, "nurse": nurse.id, "version": a.version}
    return {"url": app_env, "day": day, **ids}


def count(url, model=Appointment, *where) -> int:
    with session_scope(url) as s:
        return s.scalar(select(func.count(model.id)).where(*where))


def change_value(clinic, new_day: date) -> dict:
    old = f"{clinic['day']}T10:00:00"
    new = f"{new_day}T10:00:00"
    return {
        "callback": "eventChange",
        "eventChange": {
            "oldEvent": {"id": str(clinic["appointment"]), "start": old},
            "event": {
                "id": str(clinic["appointment"]),
                "start": new,
                "end": f"{new_day}T11:00:00",
                "extendedProps": {"version": clinic["version"], "series": False},
            },
            "view": {
                "type": "timeGridWeek",
                "activeStart": f"{clinic['day'] - timedelta(days=2)}T00:00:00.000Z",
                "activeEnd": f"{clinic['day'] + timedelta(days=5)}T00:00:00.000Z",
                "currentStart": f"{clinic['day'] - timedelta(days=2)}T00:00:00.000Z",
            },
        },
    }


@pytest.mark.parametrize("username", ["admin", "nurse", "socialworker", "scheduler", "viewer"])
def test_every_role_sees_the_calendar(clinic, username):
    at = signed_in(username, PAGE)
    assert not at.exception
    page = texts(at)
    assert "Calendar" in page
    buttons = {b.label for b in at.button}
    if username == "viewer":
        assert "New appointment" not in buttons
    else:
        assert "New appointment" in buttons
    # labels that never change, so a logged call keeps the tab; the counts are inside
    assert [t.label for t in at.tabs] == [
        "Calendar",
        "Reminder calls",
        "Transport to confirm",
        "Export .ics",
    ]
    at.session_state["cal_tab"] = "Reminder calls"
    at.run()
    assert "to make: appointments in the next 48 hours" in texts(at)


def test_repeated_sticky_event_change_writes_once(clinic):
    at = signed_in("nurse", PAGE)
    new_day = clinic["day"] + timedelta(days=1)
    at.session_state[WIDGET] = change_value(clinic, new_day)
    at.run()
    assert not at.exception
    assert "New time" in texts(at)  # asks before writing
    for _ in range(2):  # the sticky value comes back while the question is open
        at.session_state[WIDGET] = change_value(clinic, new_day)
        at.run()
        assert len([b for b in at.button if b.label == "Move it"]) == 1
    assert count(clinic["url"], AuditEvent, AuditEvent.action == "update") == 0
    next(b for b in at.button if b.label == "Move it").click()
    at.run()
    assert not at.exception
    # the same (sticky) value comes back on later reruns: nothing more is written
    for _ in range(3):
        at.session_state[WIDGET] = change_value(clinic, new_day)
        at.run()
        assert "New time" not in texts(at)
    with session_scope(clinic["url"]) as s:
        a = s.get(Appointment, clinic["appointment"])
        assert clock.utc_to_local(a.start_at, TZ).date() == new_day
        assert a.version == clinic["version"] + 1
        updates = s.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "update", AuditEvent.entity == "appointment"
            )
        )
    assert updates == 1


def test_viewer_cannot_move(clinic):
    at = signed_in("viewer", PAGE)
    at.session_state[WIDGET] = change_value(clinic, clinic["day"] + timedelta(days=1))
    at.run()
    assert not at.exception
    assert "New time" not in texts(at)
    assert not [b for b in at.button if b.label == "Move it"]


def test_select_slot_books_and_conflict_is_refused(clinic):
    at = signed_in("nurse", PAGE)
    day = clinic["day"]
    at.session_state[WIDGET] = {
        "callback": "select",
        "select": {
            "allDay": False,
            "start": f"{day}T10:30:00.000Z",
            "end": f"{day}T11:30:00.000Z",
            "view": {"type": "timeGridWeek"},
        },
    }
    at.run()
    assert not at.exception
    assert at.time_input[0].value.hour == 10 and at.time_input[0].value.minute == 30
    patient_box = [x for x in at.selectbox if x.label == "Patient"][
        -1
    ]  # the dialog's, not the filter
    patient_box.set_value(clinic["patient"])
    next(b for b in at.button if b.label == "Book appointment").click()
    at.run()
    assert not at.exception
    assert "overlaps" in texts(at)  # nurse already has the 10:00 visit
    assert count(clinic["url"]) == 1
    reason = next(t for t in at.text_input if t.label.startswith("Reason to book anyway"))
    reason.input("joint visit with PT")
    next(b for b in at.button if b.label == "Book appointment").click()
    at.run()
    assert not at.exception
    assert count(clinic["url"]) == 2
    assert "Appointment booked." in texts(at)


def test_reminder_call_is_logged(clinic):
    with session_scope(clinic["url"]) as s:
        a = s.get(Appointment, clinic["appointment"])
        soon = utcnow() + timedelta(hours=20)
        a.start_at, a.end_at = soon, soon + timedelta(hours=1)
    at = signed_in("scheduler", PAGE)
    at.session_state["cal_tab"] = "Reminder calls"
    at.run()
    line = texts(at)
    assert "Okoro, Ines" in line and "+1 617 555 0142" in line and "Yoruba" in line
    assert "1 call to make" in line
    next(b for b in at.button if b.label == "Confirmed").click()
    at.run()
    assert not at.exception
    assert at.session_state["cal_tab"] == "Reminder calls"  # the call returns to its tab
    assert "No calls to make" in texts(at)
    with session_scope(clinic["url"]) as s:
        assert s.get(Appointment, clinic["appointment"]).status == "confirmed"
    assert count(clinic["url"], AuditEvent, AuditEvent.category == "reminder call") == 1


def test_deep_link_schedules_for_a_patient_from_a_task(clinic):
    at = signed_in("nurse")
    at.query_params["patient"] = str(clinic["patient"])
    at.query_params["task"] = "77"
    at.switch_page(PAGE)
    at.run()
    assert not at.exception
    box = [x for x in at.selectbox if x.label == "Patient"][-1]
    assert box.value == clinic["patient"]
    at.time_input[0].set_value(datetime.min.time().replace(hour=15))
    next(b for b in at.button if b.label == "Book appointment").click()
    at.run()
    assert not at.exception
    with session_scope(clinic["url"]) as s:
        a = s.scalar(select(Appointment).where(Appointment.source_kind == "task"))
        assert a.source_id == 77 and a.patient_id == clinic["patient"]


def test_click_opens_details_and_one_click_status(clinic):
    at = signed_in("nurse", PAGE)
    at.session_state[WIDGET] = {
        "callback": "eventClick",
        "eventClick": {"event": {"id": str(clinic["appointment"]), "start": "x"}, "view": {}},
    }
    at.run()
    assert not at.exception
    assert any("Wound care" in str(d.value) for d in at.dataframe)
    next(b for b in at.button if b.label == "Arrived").click()
    at.run()
    assert not at.exception
    with session_scope(clinic["url"]) as s:
        assert s.get(Appointment, clinic["appointment"]).status == "arrived"


def test_viewer_sees_details_but_no_edit(clinic):
    at = signed_in("viewer", PAGE)
    at.session_state[WIDGET] = {
        "callback": "eventClick",
        "eventClick": {"event": {"id": str(clinic["appointment"]), "start": "x"}, "view": {}},
    }
    at.run()
    assert not at.exception
    assert any("Wound care" in str(d.value) for d in at.dataframe)
    assert not [
        b for b in at.button if b.label in ("Arrived", "Save changes", "Cancel appointment")
    ]


def test_widget_wrapper_hands_each_callback_over_once():
    from streamlit.testing.v1 import AppTest

    def script():
        import streamlit as st

        from components.scheduling.calendar_view import calendar_view

        got = calendar_view([], key="c", tz="America/New_York", editable=True)
        if got:
            st.session_state["seen"] = st.session_state.get("seen", 0) + 1

    at = AppTest.from_function(script)
    first = {
        "callback": "eventChange",
        "eventChange": {"oldEvent": {"id": "1", "start": "a"}, "event": {"id": "1", "start": "b"}},
    }
    for _ in range(3):
        at.session_state["c_0"] = first
        at.run()
    assert at.session_state["seen"] == 1
    second = {
        "callback": "eventChange",
        "eventChange": {"oldEvent": {"id": "1", "start": "b"}, "event": {"id": "1", "start": "c"}},
    }
    at.session_state["c_0"] = second
    at.run()
    assert at.session_state["seen"] == 2


def _directory(url) -> dict[str, int]:
    from services.contacts.directory import OrgInput, create_organization

    with session_scope(url) as s:
        nurse = s.scalar(select(User).where(User.username == "nurse"))
        actor = Actor(nurse.id, nurse.username, nurse.display_name, nurse.role)
        ids = {}
        for name, kind, svc in [
            ("Riverside Heart Associates", "specialist", "cardiology"),
            ("Blue Van Medical Transport", "transport vendor", "wheelchair van"),
        ]:
            made = create_organization(
                s, actor, OrgInput(name=name, org_type=kind, services=svc,
                                   phone="617-555-0188", address="200 River St, Boston, MA"),
                region="US",
            )  # fmt: skip
            ids[kind] = made.id
    return ids


def test_new_appointment_picks_the_provider_from_contacts(clinic):
    ids = _directory(clinic["url"])
    at = signed_in("nurse", PAGE)
    next(b for b in at.button if b.label == "New appointment").click()
    at.run()
    next(t for t in at.text_input if t.label.startswith("Find provider")).input("cardio").run()
    assert not at.exception
    box = next(x for x in at.selectbox if x.label == "Provider or facility")
    assert box.options == ["Riverside Heart Associates (specialist)"]
    box.set_value(ids["specialist"])
    [x for x in at.selectbox if x.label == "Patient"][-1].set_value(clinic["patient"])
    at.time_input[0].set_value(datetime.min.time().replace(hour=15))
    next(b for b in at.button if b.label == "Book appointment").click()
    at.run()
    assert not at.exception
    assert "Appointment booked." in texts(at)
    with session_scope(clinic["url"]) as s:
        a = s.scalar(select(Appointment).where(Appointment.provider_contact_id.is_not(None)))
        assert (a.provider, a.location) == (
            "Riverside Heart Associates",
            "200 River St, Boston, MA",
        )


def test_ride_vendor_is_chosen_from_contacts(clinic):
    ids = _directory(clinic["url"])
    with session_scope(clinic["url"]) as s:  # a ride is for an appointment away from home
        s.get(Appointment, clinic["appointment"]).kind = "medical appointment"
    at = signed_in("scheduler", PAGE)
    at.session_state[WIDGET] = {
        "callback": "eventClick",
        "eventClick": {"event": {"id": str(clinic["appointment"]), "start": "x"}, "view": {}},
    }
    at.run()
    box = next(x for x in at.selectbox if x.label == "Transport vendor")
    assert box.options == ["Blue Van Medical Transport"]
    box.set_value(ids["transport vendor"])
    next(b for b in at.button if b.label == "Save transport").click()
    at.run()
    assert not at.exception
    assert "Ride saved." in texts(at)
    with session_scope(clinic["url"]) as s:
        ride = s.get(Appointment, clinic["appointment"]).transport
        assert (ride.vendor, ride.vendor_contact_id) == (
            "Blue Van Medical Transport",
            ids["transport vendor"],
        )
    at.session_state["cal_tab"] = "Transport to confirm"
    at.run()
    assert "Blue Van Medical Transport · (617) 555-0188" in texts(at)  # rides to confirm


def test_two_entries_with_the_same_name_can_each_be_picked(clinic):
    from services.contacts.directory import OrgInput, create_organization

    with session_scope(clinic["url"]) as s:
        nurse = s.scalar(select(User).where(User.username == "nurse"))
        actor = Actor(nurse.id, nurse.username, nurse.display_name, nurse.role)
        ids = [
            create_organization(
                s, actor,
                OrgInput(name="Harbor Clinic", org_type="specialist", address=f"{n} Main St"),
                region="US",
            ).id
            for n in (1, 2)
        ]  # fmt: skip
    at = signed_in("nurse", PAGE)
    next(b for b in at.button if b.label == "New appointment").click()
    at.run()
    next(t for t in at.text_input if t.label.startswith("Find provider")).input("harbor").run()
    box = next(x for x in at.selectbox if x.label == "Provider or facility")
    assert len(set(box.options)) == 2
    box.set_value(ids[1])
    [x for x in at.selectbox if x.label == "Patient"][-1].set_value(clinic["patient"])
    at.time_input[0].set_value(datetime.min.time().replace(hour=15))
    next(b for b in at.button if b.label == "Book appointment").click()
    at.run()
    assert not at.exception
    with session_scope(clinic["url"]) as s:
        a = s.scalar(select(Appointment).where(Appointment.provider_contact_id.is_not(None)))
        assert (a.provider_contact_id, a.location) == (ids[1], "2 Main St")


def test_a_typed_name_now_in_the_directory_is_offered_as_the_entry(clinic):
    ids = _directory(clinic["url"])
    with session_scope(clinic["url"]) as s:
        a = s.get(Appointment, clinic["appointment"])
        a.kind, a.provider = "medical appointment", "Riverside Heart Associates"
    at = signed_in("scheduler", PAGE)
    at.session_state[WIDGET] = {
        "callback": "eventClick",
        "eventClick": {"event": {"id": str(clinic["appointment"]), "start": "x"}, "view": {}},
    }
    at.run()
    box = next(x for x in at.selectbox if x.label == "Provider or facility")
    assert box.value == ids["specialist"]


def test_filtering_the_calendar_to_a_patient_records_one_view(clinic):
    at = signed_in("scheduler", page=PAGE)
    views = (AuditEvent, AuditEvent.action == "view patient")
    assert count(clinic["url"], *views) == 0  # the whole calendar names no one patient
    at.text_input(key="cal_patient_q").input("Okoro").run()
    at.selectbox(key="cal_patient").set_value(clinic["patient"]).run()
    assert not at.exception, at.exception
    assert count(clinic["url"], *views, AuditEvent.patient_id == clinic["patient"]) == 1
    at.run()  # a rerun on the same patient is not another opening
    assert count(clinic["url"], *views) == 1


def test_a_home_visit_has_no_ride_and_an_outside_appointment_books_a_confirmed_one(clinic):
    """Book from a slot: a home visit in four steps (slot, type, patient, book), an
    outside appointment with its ride confirmed by the usual vendor in four (slot,
    patient, ride, book; the place is optional)."""
    ids = _directory(clinic["url"])
    at = signed_in("nurse", PAGE)
    day = clinic["day"] + timedelta(days=1)
    at.session_state[WIDGET] = {
        "callback": "select",
        "select": {"allDay": False, "start": f"{day}T14:00:00.000Z",
                   "end": f"{day}T15:00:00.000Z", "view": {"type": "timeGridWeek"}},
    }  # fmt: skip
    at.run()  # 1: the slot
    next(x for x in at.selectbox if x.label == "Type").set_value("home-health visit").run()
    assert not [c for c in at.get("button_group") if c.proto.label == "Ride"]  # none for a visit
    assert not [x for x in at.selectbox if x.label == "Transport vendor"]
    assert not [x for x in at.number_input if x.label == "Number of times"]  # not repeating
    next(x for x in at.selectbox if x.label == "Type").set_value("medical appointment").run()
    [x for x in at.selectbox if x.label == "Patient"][-1].set_value(clinic["patient"])  # 2
    at.session_state[next(k for k in at.session_state if str(k).endswith("_ride"))] = (
        "Ride confirmed"  # 3: the segmented control (AppTest cannot click it)
    )
    at.run()
    vendor = next(x for x in at.selectbox if x.label == "Transport vendor")
    assert vendor.value == ids["transport vendor"]  # the clinic's vendor, already chosen
    next(b for b in at.button if b.label == "Book appointment").click().run()  # 4
    assert not at.exception, at.exception
    assert "Appointment booked. Ride confirmed." in texts(at)
    with session_scope(clinic["url"]) as s:
        a = s.scalar(select(Appointment).where(Appointment.kind == "medical appointment"))
        assert a.needs_transport and a.transport.confirmed
        assert a.transport.vendor_contact_id == ids["transport vendor"]
        assert a.transport.pickup_at == a.start_at - timedelta(hours=1)


def test_a_ride_is_refused_for_a_home_visit(clinic):
    from services.core.errors import InvalidInput

    with session_scope(clinic["url"]) as s:
        nurse = s.scalar(select(User).where(User.username == "nurse"))
        actor = Actor(nurse.id, nurse.username, nurse.display_name, nurse.role)
        start = utcnow() + timedelta(days=3)
        with pytest.raises(InvalidInput) as err:
            scheduling.book_appointment(
                s, actor,
                AppointmentInput(kind="home-health visit", patient_id=clinic["patient"],
                                 start=start, end=start + timedelta(hours=1),
                                 needs_transport=True),
            )  # fmt: skip
        assert "needs no ride" in err.value.errors["needs_transport"]


def test_a_link_to_an_appointment_opens_the_calendar_on_its_week(clinic):
    """From My day on a Sunday, Monday's visit is next week: the calendar behind the dialog
    shows the week the appointment is in, and loads its events, not this week's."""
    at = signed_in("nurse")
    at.query_params["appointment"] = str(clinic["appointment"])
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    monday = clinic["day"] - timedelta(days=clinic["day"].weekday())
    view = at.session_state["cal__view"]
    assert (view["activeStart"], view["activeEnd"]) == (
        monday.isoformat(),
        (monday + timedelta(days=7)).isoformat(),
    )
    assert initial_date(view, clinic_today()) == monday.isoformat()
    start, end = visible_range(view, TZ, clinic_today())
    with session_scope(clinic["url"]) as s:
        assert start <= s.get(Appointment, clinic["appointment"]).start_at < end
    assert at.session_state["cal_dialog"]["id"] == clinic["appointment"]
    at.run()  # the link is taken once: the nurse's own turns of the week are kept after it
    assert at.session_state["cal_rev"] == 1

"""A one-click action on a screen that someone else's save has since made stale is refused
with both versions and changes nothing; done again on the fresh screen, it works."""

from datetime import timedelta

from db.base import utcnow
from db.models import Appointment, Patient, TransportBooking
from db.session import session_scope
from tests.apptest import signed_in, texts
from tests.pages.test_calendar_page import clinic  # noqa: F401 - the calendar's fixture
from tests.pages.test_patients_page import _button, _input, _seed


def test_archiving_a_patient_someone_just_changed_is_refused_then_done(app_env):
    pid = _seed()
    at = signed_in("nurse", "pages/patients.py")
    at.session_state["patient_id"], at.session_state["patient_view"] = pid, "summary"
    at.run()
    with session_scope() as s:  # meanwhile, a colleague corrects the city
        s.get(Patient, pid).city = "Quincy"
    _input(at, "Reason for archiving").input("Moved to Ohio")
    _button(at, "Archive this patient").click().run()
    assert not at.exception
    assert "Someone else changed this patient" in texts(at)
    with session_scope() as s:
        assert s.get(Patient, pid).status == "active"
    _input(at, "Reason for archiving").input("Moved to Ohio")
    _button(at, "Archive this patient").click().run()  # the screen now shows their change
    with session_scope() as s:
        assert s.get(Patient, pid).status == "archived"


def test_confirming_a_ride_that_was_just_moved_is_refused(clinic):  # noqa: F811
    with session_scope(clinic["url"]) as s:
        a = s.get(Appointment, clinic["appointment"])
        soon = utcnow() + timedelta(days=1)
        a.start_at, a.end_at, a.needs_transport = soon, soon + timedelta(hours=1), True
        s.add(TransportBooking(appointment_id=a.id, pickup_at=soon - timedelta(hours=1)))
    at = signed_in("scheduler", "pages/calendar.py")
    at.session_state["cal_tab"] = "Transport to confirm"
    at.run()
    with session_scope(clinic["url"]) as s:  # the vendor calls a colleague: a later pick-up
        ride = s.query(TransportBooking).one()
        ride.pickup_at = ride.pickup_at + timedelta(minutes=30)
    next(b for b in at.button if b.label == "Vendor confirmed").click().run()
    assert not at.exception
    assert "Someone else changed this ride" in texts(at)
    with session_scope(clinic["url"]) as s:
        assert s.query(TransportBooking).one().confirmed is False
    next(b for b in at.button if b.label == "Vendor confirmed").click().run()
    with session_scope(clinic["url"]) as s:
        assert s.query(TransportBooking).one().confirmed is True

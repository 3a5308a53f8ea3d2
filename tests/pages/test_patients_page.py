"""AppTest of the Patients page: register, duplicate warning, edit conflict, archive, isolation."""

from datetime import date

from db.models import Patient
from db.session import session_scope
from services.core.identity import SYSTEM
from services.patients import registry as patients
from tests.apptest import signed_in, texts


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _input(at, label):
    return next(t for t in at.text_input if t.label == label)


def _register(at, given, family, dob, phone=""):
    _button(at, "Register a patient").click().run()
    _input(at, "Given name").input(given)
    _input(at, "Family name").input(family)
    next(d for d in at.date_input if d.label == "Date of birth").set_value(dob)
    _input(at, "Phone").input(phone)
    next(b for b in at.button if b.label in ("Register patient", "Register anyway")).click().run()


def _seed(given="Ana", family="Nuñez", dob=date(1950, 2, 3)) -> int:
    with session_scope() as s:
        return patients.register_patient(
            s, SYSTEM, patients.PatientInput(given_name=given, family_name=family, birth_date=dob)
        ).id


def test_register_shows_errors_next_to_fields_and_saves_nothing(app_env):
    at = signed_in("nurse", "pages/patients.py")
    _register(at, "", "Lopez", date(1950, 1, 1), phone="12")
    errors = [e.value for e in at.error]
    assert "Enter the given (first) name." in errors
    assert any("not a valid phone number" in e or "not a phone number" in e for e in errors)
    with session_scope() as s:
        assert s.query(Patient).count() == 0


def test_register_then_duplicate_warning_offers_the_existing_record(app_env):
    existing = _seed()
    at = signed_in("scheduler", "pages/patients.py")
    _register(at, "ana", "NUNEZ", date(1950, 2, 3))
    assert "same name and date of birth" in texts(at)
    with session_scope() as s:
        assert s.query(Patient).count() == 1
    open_existing = next(b for b in at.button if b.label.startswith("Open existing record"))
    open_existing.click().run()
    assert at.session_state["patient_id"] == existing
    assert "Nuñez, Ana" in texts(at)


def test_two_nurses_editing_the_same_patient_second_save_is_refused(app_env):
    pid = _seed()
    a = signed_in("nurse", "pages/patients.py")
    b = signed_in("socialworker", "pages/patients.py")
    for at in (a, b):
        at.session_state["patient_id"], at.session_state["patient_view"] = pid, "edit"
        at.run()
    _input(a, "City").input("Boston")
    _button(a, "Save changes").click().run()
    assert not a.exception
    _input(b, "City").input("Chicago")
    _button(b, "Save changes").click().run()
    shown = texts(b)
    assert "Someone else saved this patient" in shown
    table = b.dataframe[0].value
    city = table[table["Field"] == "City"].iloc[0]
    assert city["Saved by the other person"] == "Boston" and city["Your unsaved edit"] == "Chicago"
    assert _input(b, "City").value == "Chicago"  # nothing typed is lost
    with session_scope() as s:
        assert s.get(Patient, pid).city == "Boston"
    _button(b, "Start again from the saved version").click().run()
    assert "Someone else saved" not in texts(b)
    assert _input(b, "City").value == "Boston"
    _input(b, "Pronouns (optional)").input("they/them")
    _button(b, "Save changes").click().run()
    with session_scope() as s:
        saved = s.get(Patient, pid)
        assert (saved.city, saved.pronouns) == ("Boston", "they/them")


def test_archive_needs_reason_then_restore(app_env):
    pid = _seed()
    at = signed_in("nurse", "pages/patients.py")
    at.session_state["patient_id"], at.session_state["patient_view"] = pid, "summary"
    at.run()
    _button(at, "Archive this patient").click().run()
    assert any("Say why" in e.value for e in at.error)
    _input(at, "Reason for archiving").input("Moved to Ohio")
    _button(at, "Archive this patient").click().run()
    with session_scope() as s:
        assert s.get(Patient, pid).status == "archived"
    _button(at, "Restore this patient").click().run()
    with session_scope() as s:
        assert s.get(Patient, pid).status == "active"


def test_viewer_sees_no_edit_controls(app_env):
    pid = _seed()
    at = signed_in("viewer", "pages/patients.py")
    assert "Register a patient" not in [b.label for b in at.button]
    at.session_state["patient_id"], at.session_state["patient_view"] = pid, "edit"
    at.run()
    assert "Save changes" not in [b.label for b in at.button]
    assert "Edit details" not in [b.label for b in at.button]


def test_two_sessions_never_see_each_others_state(app_env):
    pid = _seed()
    a = signed_in("nurse", "pages/patients.py")
    b = signed_in("viewer", "pages/patients.py")
    a.session_state["patient_id"], a.session_state["patient_view"] = pid, "summary"
    a.run()
    b.run()
    assert "Nuñez, Ana" in texts(a)
    assert "patient_id" not in b.session_state
    assert "Nuñez, Ana" not in texts(b)
    assert b.session_state["_auth"]["actor"].username == "viewer"
    assert a.session_state["_auth"]["actor"].username == "nurse"


def test_archiving_says_what_stays_booked(app_env):
    from datetime import UTC, datetime, timedelta

    from services.scheduling import appointments as scheduling
    from services.scheduling.appointments import AppointmentInput

    pid = _seed()
    at = signed_in("nurse", "pages/patients.py")
    at.session_state["patient_id"], at.session_state["patient_view"] = pid, "summary"
    at.run()
    assert not [w for w in at.warning if "upcoming appointment" in w.value]
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    with session_scope() as s:
        scheduling.book_appointment(
            s, SYSTEM,
            AppointmentInput(kind="medical appointment", patient_id=pid, title="Eye exam",
                             start=start, end=start + timedelta(hours=1)),
        )  # fmt: skip
    at.run()
    assert any("1 upcoming appointment(s) stay on the calendar" in w.value for w in at.warning)

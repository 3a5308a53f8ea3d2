"""A save that cannot get the database's write lock says so where it was pressed, keeps what
was typed and the navigation, and shows no error box (issue: faults that lose nothing)."""

import sqlite3
from datetime import date

from sqlalchemy.engine import make_url

from db.models import Patient
from db.session import session_scope
from tests.apptest import signed_in, texts
from tests.pages.test_patients_page import _button, _input


def test_a_save_while_another_program_holds_the_lock_is_kept_for_another_try(app_env):
    at = signed_in("nurse", "pages/patients.py")
    _button(at, "Register a patient").click().run()
    _input(at, "Given name").input("Imani")
    _input(at, "Family name").input("Okafor")
    next(d for d in at.date_input if d.label == "Date of birth").set_value(date(1961, 4, 5))
    other = sqlite3.connect(make_url(app_env).database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program writing, and slow about it
    try:
        _button(at, "Register patient").click().run(timeout=60)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not at.exception, "no error box"
    assert "CareDesk is busy — your entry is kept, press Save again." in [e.value for e in at.error]
    assert _input(at, "Given name").value == "Imani"
    assert _input(at, "Family name").value == "Okafor"
    assert "Sign out" in [b.label for b in at.sidebar.button]
    with session_scope() as s:
        assert s.query(Patient).count() == 0

    _button(at, "Register patient").click().run()
    assert not at.exception
    with session_scope() as s:
        assert [p.given_name for p in s.query(Patient)] == ["Imani"]
    assert "Okafor" in texts(at)

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from db import append_only
from db.models import AuditEvent
from services.core import audit
from services.core.audit import Action


def _events(s, actor, n=5):
    for i in range(n):
        audit.record(s, actor, Action.VIEW, entity="patient", entity_id=i, patient_id=i)
    s.flush()


def _tamper(s, sql: str) -> None:
    """Someone with raw access to the database drops the guards first, then edits."""
    for statement in append_only.statements(s.get_bind().dialect.name, drop=True):
        s.execute(text(statement))
    s.execute(text(sql))
    s.expire_all()


def test_chain_verifies(s, nurse):
    _events(s, nurse)
    report = audit.verify(s)
    assert report.ok and report.count == 5


def test_edited_row_is_named(s, nurse):
    _events(s, nurse)
    _tamper(s, "UPDATE audit_event SET username = 'someone-else' WHERE id = 3")
    report = audit.verify(s)
    assert not report.ok and report.bad_id == 3


def test_deleted_middle_row_is_named(s, nurse):
    _events(s, nurse)
    _tamper(s, "DELETE FROM audit_event WHERE id = 2")
    report = audit.verify(s)
    assert not report.ok and report.bad_id == 2


def test_deleted_newest_row_is_detected(s, nurse):
    _events(s, nurse)
    _tamper(s, "DELETE FROM audit_event WHERE id = 5")
    report = audit.verify(s)
    assert not report.ok and report.bad_id == 5


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_event SET username = 'x'", "DELETE FROM audit_event WHERE id = 1"]
)
def test_the_database_refuses_to_change_or_remove_audit_rows(s, nurse, sql):
    _events(s, nurse, 2)
    with pytest.raises(DatabaseError, match="append-only"), s.begin_nested():
        s.execute(text(sql))
    assert audit.verify(s).ok


def test_a_wiped_trail_fails_when_the_database_has_accounts(s, nurse):
    from db.models import Role, User

    s.add(User(username="a", display_name="A", role=Role.ADMIN, password_hash="x"))
    _events(s, nurse, 3)
    _tamper(s, "DELETE FROM audit_event")
    s.execute(text("DELETE FROM app_setting WHERE key = 'audit_head'"))
    report = audit.verify(s)
    assert not report.ok and "empty" in report.reason


def test_wrong_key_fails(s, nurse):
    _events(s, nurse, 2)
    assert not audit.verify(s, key=b"another-key").ok


def test_update_detail_lists_before_and_after():
    diff = audit.changes({"phone": "1", "city": "A"}, {"phone": "2", "city": "A"})
    assert diff == {"phone": {"before": "1", "after": "2"}}


@pytest.mark.parametrize("action", [Action.SIGN_IN, Action.EXPORT])
def test_report_filters_by_action(s, make_actor, action):
    from db.models import Role

    admin = make_actor(Role.ADMIN)
    audit.record(s, admin, Action.SIGN_IN)
    audit.record(s, admin, Action.EXPORT, entity="audit report")
    rows = audit.report(s, admin, action=action)
    assert [r["action"] for r in rows] == [action]
    assert s.query(AuditEvent).count() == 2


def test_report_finds_a_patient_by_mrn_and_refuses_an_unknown_one(s, make_actor):
    from datetime import date

    from db.models import Patient, Role
    from services.core.errors import InvalidInput

    admin = make_actor(Role.ADMIN)
    ana = Patient(mrn="MRN-7", given_name="Ana", family_name="Ruiz", birth_date=date(1950, 1, 1))
    bo = Patient(mrn="MRN-8", given_name="Bo", family_name="Lee", birth_date=date(1950, 1, 1))
    s.add_all([ana, bo])
    s.flush()
    for p in (ana, bo):
        audit.record(s, admin, Action.VIEW, entity="patient", entity_id=p.id, patient_id=p.id)
    rows = audit.report(s, admin, patient_mrn=" MRN-7 ")
    assert [(r["patient MRN"], r["entity id"]) for r in rows] == [("MRN-7", str(ana.id))]
    with pytest.raises(InvalidInput) as exc:
        audit.report(s, admin, patient_mrn="NOPE")
    assert "No patient has MRN NOPE" in exc.value.errors["patient_mrn"]

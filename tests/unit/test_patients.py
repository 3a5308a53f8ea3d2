from datetime import date, timedelta

import pytest

from db.base import today as clinic_today
from db.models import AuditEvent, Patient, Role
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from services.patients import registry as patients
from services.patients.registry import PatientInput, PossibleDuplicate


def _input(**kw) -> PatientInput:
    base = dict(
        given_name="José",
        family_name="Ramírez",
        birth_date=date(1950, 3, 4),
        phone="(212) 555-0142",
        email="jose@example.org",
    )
    base.update(kw)
    return PatientInput(**base)


def test_register_normalizes_contact_data_and_audits(s, nurse):
    p = patients.register_patient(s, nurse, _input())
    assert p.phone == "+12125550142" and p.mrn.startswith("CD")
    assert p.search_name == "jose ramirez"
    assert s.query(AuditEvent).filter_by(action="create", patient_id=p.id).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"given_name": "  "}, "given_name"),
        ({"family_name": ""}, "family_name"),
        ({"birth_date": None}, "birth_date"),
        ({"birth_date": clinic_today() + timedelta(days=1)}, "birth_date"),
        ({"birth_date": clinic_today().replace(year=clinic_today().year - 131)}, "birth_date"),
        ({"phone": "12"}, "phone"),
        ({"phone": "+1 555 0000"}, "phone"),
        ({"email": "not-an-email"}, "email"),
        ({"postal_code": "ABCDE"}, "postal_code"),
        ({"postal_code": "0213"}, "postal_code"),
        ({"state": "Massachussets"}, "state"),
        ({"email": "a@b"}, "email"),
        ({"living_situation": "castle"}, "living_situation"),
        ({"mrn": "bad mrn!"}, "mrn"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(s, nurse, change, field):
    with pytest.raises(InvalidInput) as exc:
        patients.register_patient(s, nurse, _input(**change))
    assert field in exc.value.errors
    assert s.query(Patient).count() == 0


def test_all_errors_are_reported_at_once(s, nurse):
    with pytest.raises(InvalidInput) as exc:
        patients.register_patient(s, nurse, _input(given_name="", phone="x", email="y"))
    assert {"given_name", "phone", "email"} <= set(exc.value.errors)


def test_phone_region_comes_from_settings(s, nurse):
    p = patients.register_patient(s, nurse, _input(phone="020 7946 0018"), region="GB")
    assert p.phone == "+442079460018"


def test_likely_duplicate_is_shown_before_saving(s, nurse):
    first = patients.register_patient(s, nurse, _input())
    with pytest.raises(PossibleDuplicate) as exc:
        patients.register_patient(s, nurse, _input(given_name="JOSE", family_name="ramirez"))
    assert [m["id"] for m in exc.value.matches] == [first.id]
    second = patients.register_patient(
        s, nurse, _input(given_name="Jose"), confirmed_not_duplicate=True
    )
    assert second.id != first.id


def test_search_by_name_ignores_accents_case_and_order(s, nurse):
    p = patients.register_patient(s, nurse, _input())
    patients.register_patient(
        s, nurse, _input(given_name="Ann", family_name="Lee", birth_date=date(1960, 1, 1))
    )
    for query in ("jose", "RAMIREZ jose", "ramír", "José Ramírez"):
        assert [r.id for r in patients.search_patients(s, nurse, query).rows] == [p.id], query


def test_search_by_dob_and_mrn(s, nurse):
    p = patients.register_patient(s, nurse, _input())
    assert [r.id for r in patients.search_patients(s, nurse, "1950-03-04").rows] == [p.id]
    assert [r.id for r in patients.search_patients(s, nurse, "3/4/1950").rows] == [p.id]
    assert [r.id for r in patients.search_patients(s, nurse, p.mrn.lower()).rows] == [p.id]


def test_search_wildcards_are_literal(s, nurse):
    patients.register_patient(s, nurse, _input())
    assert patients.search_patients(s, nurse, "%").total == 0
    assert patients.search_patients(s, nurse, "_").total == 0


def test_search_paginates(s, nurse):
    for i in range(7):
        patients.register_patient(
            s, nurse, _input(given_name=f"Pat{i}", birth_date=date(1950, 1, i + 1))
        )
    page2 = patients.search_patients(s, nurse, "", page=2, page_size=3)
    assert page2.total == 7 and page2.pages == 3 and len(page2.rows) == 3


def test_second_save_on_an_old_version_is_refused_with_both_versions(s, nurse):
    p = patients.register_patient(s, nurse, _input())
    opened_version = p.version
    patients.update_patient(s, nurse, p.id, _input(city="Boston"), opened_version)
    with pytest.raises(Conflict) as exc:
        patients.update_patient(s, nurse, p.id, _input(city="Chicago"), opened_version)
    assert exc.value.theirs["city"] == "Boston" and exc.value.mine["city"] == "Chicago"
    s.refresh(p)
    assert p.city == "Boston"


def test_update_audits_changed_fields_with_before_and_after(s, nurse):
    p = patients.register_patient(s, nurse, _input())
    patients.update_patient(s, nurse, p.id, _input(city="Boston"), p.version)
    event = s.query(AuditEvent).filter_by(action="update", patient_id=p.id).one()
    assert '"city": {"after": "Boston", "before": null}' in event.detail


def test_archive_needs_a_reason_and_restore_brings_back(s, nurse):
    p = patients.register_patient(s, nurse, _input())
    with pytest.raises(InvalidInput):
        patients.archive_patient(s, nurse, p.id, " ")
    patients.archive_patient(s, nurse, p.id, "Moved to another state")
    assert patients.search_patients(s, nurse, "jose").total == 0
    assert patients.search_patients(s, nurse, "jose", include_archived=True).total == 1
    patients.restore_patient(s, nurse, p.id)
    assert patients.search_patients(s, nurse, "jose").total == 1
    assert s.query(Patient).count() == 1  # never deleted


@pytest.mark.parametrize("role", [Role.VIEWER])
def test_viewer_cannot_change_patients(s, make_actor, nurse, role):
    p = patients.register_patient(s, nurse, _input())
    viewer = make_actor(role)
    with pytest.raises(PermissionDenied):
        patients.register_patient(s, viewer, _input(given_name="X"))
    with pytest.raises(PermissionDenied):
        patients.archive_patient(s, viewer, p.id, "no")


def test_viewing_a_patient_is_audited(s, nurse):
    p = patients.register_patient(s, nurse, _input())
    patients.get_patient(s, nurse, p.id)
    assert s.query(AuditEvent).filter_by(action="view patient", patient_id=p.id).count() == 1


def test_state_and_zip_are_written_the_way_the_post_office_does(s, nurse):
    p = patients.register_patient(
        s, nurse, _input(state="massachusetts", postal_code="02139-4307", city="Cambridge")
    )
    assert (p.state, p.postal_code) == ("MA", "02139-4307")
    abroad = patients.register_patient(
        s, nurse, _input(given_name="Ana", state="Ontario", postal_code="M5V 2T6"), region="CA"
    )
    assert (abroad.state, abroad.postal_code) == ("Ontario", "M5V 2T6")

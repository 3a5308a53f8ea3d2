"""Directory: create with field errors, search, staleness, archive-not-delete, export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from db.models import Role
from services.contacts import directory, directory_export, directory_search
from services.contacts.directory import OrgInput, PersonInput
from services.core.errors import Conflict, InvalidInput, PermissionDenied
from tests.unit.contacts_helpers import org, patient


def test_create_normalizes_phone_and_email_and_folds_search(s, nurse):
    o = org(
        s,
        nurse,
        name="Fundación Niños Sanos",
        org_type="human-service agency",
        services="Ayuda alimentaria",
        email="  Intake@Example.ORG ",
    )
    assert o.phone == "+16175550101"
    assert o.email == "Intake@example.org"
    assert "fundacion ninos sanos" in o.search_text
    assert "human-service agency" in o.search_text


def test_each_bad_field_gets_its_own_message_and_nothing_is_saved(s, nurse):
    with pytest.raises(InvalidInput) as exc:
        directory.create_organization(
            s,
            nurse,
            OrgInput(name="", org_type="spaceship", phone="12", fax="abc", email="not-an-email"),
            region="US",
        )
    assert set(exc.value.errors) == {"name", "org_type", "phone", "fax", "email"}
    assert directory_search.search_organizations(s, nurse).total == 0


def test_duplicate_name_and_address_refused(s, nurse):
    org(s, nurse, name="Meals Today", address="1 Main St")
    with pytest.raises(InvalidInput) as exc:
        org(s, nurse, name="MEALS  today", address="1 main st")
    assert "already in the directory" in exc.value.errors["name"]
    org(s, nurse, name="Meals Today", address="9 Elm St")  # another branch is fine


def test_search_name_service_type_accent_and_case_insensitive(s, nurse):
    org(s, nurse, name="Clínica San José", org_type="primary care", services="Medicina familiar")
    org(s, nurse, name="Harbor Meals", org_type="food/meals", services="Home-delivered meals")
    org(s, nurse, name="Ride Right", org_type="transport vendor", services="wheelchair van")
    names = lambda q: [o.name for o in directory_search.search_organizations(s, nurse, q).rows]  # noqa: E731
    assert names("JOSE clinica") == ["Clínica San José"]
    assert names("delivered") == ["Harbor Meals"]
    assert names("transport") == ["Ride Right"]
    assert names("wheelchair ride") == ["Ride Right"]
    assert names("nothing-like-this") == []
    assert names("100%") == []  # LIKE wildcards are escaped


def test_search_paginates(s, nurse):
    for i in range(30):
        org(s, nurse, name=f"Agency {i:02d}", phone=f"(617) 555-01{i:02d}")
    first = directory_search.search_organizations(s, nurse, "agency", page_size=25)
    second = directory_search.search_organizations(s, nurse, "agency", page=2, page_size=25)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (30, 2, 25, 5)
    assert {o.id for o in first.rows}.isdisjoint({o.id for o in second.rows})


def test_stale_entries_flagged_after_twelve_months(s, nurse):
    on = date(2026, 6, 1)
    fresh = org(s, nurse, name="Fresh", last_verified_on=on - timedelta(days=30))
    old = org(s, nurse, name="Old", last_verified_on=on - timedelta(days=400))
    never = org(s, nurse, name="Never")
    assert not directory.is_stale(fresh, on)
    assert directory.is_stale(old, on) and directory.is_stale(never, on)
    stale = directory_search.search_organizations(s, nurse, stale_only=True, on=on)
    assert {o.name for o in stale.rows} == {"Old", "Never"}
    directory.mark_verified(s, nurse, old.id, on)
    assert not directory.is_stale(old, on)


def test_scheduler_edits_directory_viewer_cannot(s, make_actor):
    scheduler, viewer = make_actor(Role.SCHEDULER), make_actor(Role.VIEWER)
    o = org(s, scheduler)
    with pytest.raises(PermissionDenied):
        org(s, viewer, name="Other")
    assert directory_search.search_organizations(s, viewer).total == 1
    assert directory.get_organization(s, viewer, o.id).name == o.name


def test_update_refuses_stale_version(s, nurse):
    o = org(s, nurse)
    data = OrgInput.from_org(o)
    data.hours = "Mon-Fri 8-4"
    directory.update_organization(s, nurse, o.id, data, o.version, region="US")
    with pytest.raises(Conflict):
        directory.update_organization(s, nurse, o.id, data, 1, region="US")


def test_people_within_an_organization(s, nurse):
    o = org(s, nurse)
    with pytest.raises(InvalidInput) as exc:
        directory.add_person(
            s,
            nurse,
            o.id,
            PersonInput(name="", email="bad@", preferred_method="phone"),
            region="US",
        )
    assert {"person_name", "person_email", "person_phone"} <= set(exc.value.errors)
    p = directory.add_person(
        s,
        nurse,
        o.id,
        PersonInput(
            name="Dana Intake",
            role="Intake coordinator",
            phone="617-555-0142",
            preferred_method="phone",
        ),
        region="US",
    )
    s.refresh(o)
    assert [x.name for x in o.people] == ["Dana Intake"] and p.phone == "+16175550142"


def test_unused_org_is_deleted_used_org_only_archived(s, nurse):
    from services.contacts.communications import CommunicationInput, log_communication

    unused = org(s, nurse, name="Unused")
    used = org(s, nurse, name="Used")
    log_communication(
        s, nurse, CommunicationInput(organization_id=used.id, summary="Asked about waitlist")
    )
    with pytest.raises(InvalidInput):
        directory.remove_organization(s, nurse, used.id, "")
    assert directory.remove_organization(s, nurse, unused.id, "never used") == "deleted"
    assert directory.remove_organization(s, nurse, used.id, "closed down") == "archived"
    s.expire_all()
    assert directory.get_organization(s, nurse, used.id).status == "archived"
    assert directory_search.search_organizations(s, nurse).total == 0
    assert directory_search.search_organizations(s, nurse, include_archived=True).total == 1
    directory.restore_organization(s, nurse, used.id)
    assert directory_search.search_organizations(s, nurse).total == 1


def test_export_csv_and_excel(s, nurse):
    org(
        s, nurse, name="Harbor Meals", services='=HYPERLINK("x")', last_verified_on=date(2026, 1, 1)
    )
    rows = list(csv.reader(io.StringIO(directory_export.export_csv(s, nurse))))
    assert rows[0] == directory.COLUMNS
    assert rows[1][0] == "Harbor Meals" and rows[1][3] == "(617) 555-0101"
    assert rows[1][2].startswith("'=")  # never a live formula in a spreadsheet
    wb = load_workbook(io.BytesIO(directory_export.export_xlsx(s, nurse)))
    sheet = wb["Directory"]
    assert [c.value for c in sheet[1]] == directory.COLUMNS
    assert sheet.cell(2, 1).value == "Harbor Meals"
    assert sheet.cell(2, 13).value == "2026-01-01"


def test_patient_helper_is_usable(s):
    assert patient(s).id

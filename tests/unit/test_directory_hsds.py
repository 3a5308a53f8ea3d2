"""Open Referral HSDS 3 both ways, file lines in the preview, extensions, address merges."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

from db.models import Organization
from services.contacts import directory_export
from services.contacts.directory_export import org_values
from services.contacts.directory_import import apply_import, preview_import
from services.core.contact_data import dial_uri, display_phone
from tests.unit.contacts_helpers import org


def _entries(s):
    return sorted(
        (org_values(o) for o in s.query(Organization).order_by(Organization.id)),
        key=lambda v: (v["name"], v["address"]),
    )


def _fill_directory(s, nurse):
    org(
        s,
        nurse,
        name="Harbor Meals",
        org_type="food/meals",
        services="home-delivered meals; medically tailored meals",
        phone="+1 617 555 0100 ext. 12",
        fax="(617) 555-0101",
        email="meals@example.org",
        address="1 Dock St, Suite 4, Boston, MA 02110",
        website="https://meals.example.org",
        hours="Mon-Fri 9-5",
        languages="English; Spanish",
        eligibility_notes="60 and over",
        accepted_insurers="Medicare; Medicaid",
        last_verified_on=date(2026, 1, 15),
    )
    org(s, nurse, name="Ride Right", org_type="transport vendor", address="2 Pier Rd")
    org(s, nurse, name="Nameless Help", org_type="other", phone="", email="a@example.org")
    org(s, nurse, name="Clínica San José", org_type="primary care", phone="+44 20 7946 0958")


def test_hsds_export_reimports_into_an_empty_directory_unchanged(s, nurse, make_actor, tmp_path):
    _fill_directory(s, nurse)
    before = _entries(s)
    files = directory_export.export_hsds(s, nurse)
    assert {"organizations.csv", "addresses.csv", "phones.csv", "datapackage.json"} <= set(files)
    phones = list(csv.DictReader(io.StringIO(files["phones.csv"].decode())))
    assert {"number": "(617) 555-0100", "extension": "12", "type": "voice"}.items() <= next(
        p for p in phones if p["extension"]
    ).items()
    addresses = list(csv.DictReader(io.StringIO(files["addresses.csv"].decode())))
    harbor = next(a for a in addresses if a["address_1"] == "1 Dock St")
    assert (harbor["address_2"], harbor["city"], harbor["state_province"]) == (
        "Suite 4",
        "Boston",
        "MA",
    )
    assert harbor["postal_code"] == "02110"
    for o in s.query(Organization).all():
        s.delete(o)
    s.flush()
    result = apply_import(
        s, nurse, [("directory.zip", directory_export.zipped(files))], region="US"
    )
    assert (result.added, result.merged, result.errors) == (4, 0, 0)
    assert _entries(s) == before


def test_several_files_side_by_side_are_one_datapackage(s, nurse):
    _fill_directory(s, nurse)
    files = directory_export.export_hsds(s, nurse)
    preview = preview_import(s, nurse, sorted(files.items()), region="US")
    assert preview.count("merge") == 4 and preview.count("new") == 0
    assert {r.source for r in preview.rows} == {"organizations.csv"}


def test_a_published_hsds_package_joins_its_tables(s, nurse):
    package = {
        "organizations.csv": "id,name,description,email,website\n"
        "o1,Bayview Pantry,Groceries for families,,https://pantry.example.org\n",
        "locations.csv": "id,location_type,organization_id,name\nl1,physical,o1,Main site\n",
        "addresses.csv": "id,location_id,address_1,address_2,city,state_province,postal_code,"
        "country,address_type\na1,l1,9 Bay Rd,,Quincy,MA,02169,US,physical\n",
        "phones.csv": "id,location_id,service_id,organization_id,number,extension,type\n"
        'p1,l1,,,"""617-555-0142""",305,voice\n',
        "services.csv": "id,organization_id,name,status,eligibility_description,assured_date\n"
        "s1,o1,Food pantry,active,Anyone in need,2025-11-02\n",
        "schedules.csv": "id,service_id,location_id,byday,opens_at,closes_at,description\n"
        "h1,s1,,TU,10:00:00,14:00:00,\n",
        "languages.csv": "id,service_id,location_id,name,code\nla1,s1,,,es\n",
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in package.items():
            z.writestr(f"export/{name}", text)
    preview = preview_import(s, nurse, [("pantry.zip", buf.getvalue())], region="US")
    assert [r.errors for r in preview.rows] == [{}]
    apply_import(s, nurse, [("pantry.zip", buf.getvalue())], region="US")
    o = s.query(Organization).one()
    assert o.address == "9 Bay Rd, Quincy, MA 02169, US"
    assert o.phone == "+16175550142;ext=305"
    assert display_phone(o.phone) == "(617) 555-0142 ext. 305"
    assert dial_uri(o.phone) == "tel:+1-617-555-0142;ext=305"
    assert (o.services, o.eligibility_notes, o.hours) == (
        "Food pantry",
        "Anyone in need",
        "TU 10:00-14:00",
    )
    assert o.languages == "Spanish" and o.last_verified_on == date(2025, 11, 2)


def test_hsds_column_names_in_one_csv_fill_the_address_and_keep_the_extension(s, nurse):
    text = (
        "organization_name,address_1,address_2,city,state_province,postal_code,number,extension\n"
        "Acme Aid,5 Elm St,Floor 2,Salem,MA,01970,+1 617 555 0100,12\n"
        "Beta Aid,6 Elm St,,Salem,MA,01970,+1 617 555 0100 ext. 7,\n"
    )
    preview = preview_import(s, nurse, text, region="US")
    assert preview.unknown_columns == []
    assert [r.values["address"] for r in preview.rows] == [
        "5 Elm St, Floor 2, Salem, MA 01970",
        "6 Elm St, Salem, MA 01970",
    ]
    assert [r.values["phone"] for r in preview.rows] == [
        "+16175550100;ext=12",
        "+16175550100;ext=7",
    ]


def test_preview_names_rows_by_their_file_line_after_a_cell_spanning_lines(s, nurse):
    text = (
        "name,services,phone\n"
        'Harbor Meals,"meals\ndelivered\nat home",(617) 555-0110\n'
        "Broken Agency,,12\n"
    )
    preview = preview_import(s, nurse, text, region="US")
    assert [r.line for r in preview.rows] == [2, 5]
    assert preview.rows[1].action == "error" and preview.rows[1].where == "Line 5"


def test_entries_imported_first_then_with_their_addresses_are_merged_not_doubled(s, nurse):
    apply_import(
        s, nurse, "name,type\nHarbor Meals,food/meals\nRide Right,transport vendor\n", region="US"
    )
    second = (
        "name,type,address_1,city,state_province\nHarbor Meals,food/meals,1 Dock St,Boston,MA\n"
    )
    preview = preview_import(s, nurse, second, region="US")
    assert [r.action for r in preview.rows] == ["merge"]
    apply_import(s, nurse, second, region="US")
    orgs = {o.name: o for o in s.query(Organization)}
    assert len(orgs) == 2 and s.query(Organization).count() == 2
    assert orgs["Harbor Meals"].address == "1 Dock St, Boston, MA"
    # ... and a later file with the same name and address finds it by both
    again = preview_import(s, nurse, second, region="US")
    assert [r.action for r in again.rows] == ["merge"]


def test_same_name_at_two_addresses_are_two_branches_and_a_blank_address_must_choose(s, nurse):
    two = "name,address\nHarbor Meals,1 Dock St\nHarbor Meals,9 Bay Rd\n"
    apply_import(s, nurse, two, region="US")
    assert s.query(Organization).count() == 2
    preview = preview_import(s, nurse, "name\nHarbor Meals\n", region="US")
    assert preview.rows[0].action == "error"
    assert "address" in preview.rows[0].errors["name"]


def test_a_row_without_address_then_the_same_with_it_in_one_file_is_one_entry(s, nurse):
    text = "name,phone,address\nHarbor Meals,(617) 555-0110,\nHarbor Meals,,1 Dock St\n"
    result = apply_import(s, nurse, text, region="US")
    assert (result.added, result.merged) == (1, 1)
    o = s.query(Organization).one()
    assert (o.address, o.phone) == ("1 Dock St", "+16175550110")
    assert o.dedupe_key == "harbor meals|1 dock st"

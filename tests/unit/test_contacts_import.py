"""CSV import: preview, good rows, bad rows with per-row errors, duplicates merged or skipped."""

from __future__ import annotations

import pytest

from db.models import Organization, Role
from services.contacts import directory_search
from services.contacts.directory_import import apply_import, preview_import
from services.core.errors import InvalidInput, PermissionDenied
from tests.unit.contacts_helpers import org

CSV = """name,type,services,phone,email,address,last_verified_on
Harbor Meals,food/meals,home-delivered meals,(617) 555-0110,meals@example.org,1 Dock St,2026-01-05
Ride Right,transport vendor,wheelchair van,(617) 555-0111,,2 Pier Rd,
Broken Agency,spaceship,,12,not-an-email,,2026-13-40
harbor  MEALS,food/meals,frozen meals too,,,1 dock st,
"""


def test_preview_saves_nothing_and_reports_each_row(s, nurse):
    preview = preview_import(s, nurse, CSV, region="US")
    assert [r.action for r in preview.rows] == ["new", "new", "error", "merge"]
    bad = preview.rows[2]
    assert bad.line == 4
    assert set(bad.errors) == {"type", "phone", "email", "last_verified_on"}
    assert "line 2" in preview.rows[3].errors["name"]
    assert s.query(Organization).count() == 0
    table = preview.table()
    assert table[2]["Will be"] == "NOT imported" and "phone" in table[2]["Problems"]


def test_import_adds_good_rows_merges_duplicate_and_leaves_out_bad(s, nurse):
    result = apply_import(s, nurse, CSV, region="US")
    assert (result.added, result.merged, result.skipped, result.errors) == (2, 1, 0, 1)
    orgs = {o.name: o for o in s.query(Organization)}
    assert set(orgs) == {"Harbor Meals", "Ride Right"}
    assert orgs["Harbor Meals"].services == "frozen meals too"  # merged values win when given
    assert orgs["Harbor Meals"].phone == "+16175550110"  # blank cells do not erase
    assert directory_search.search_organizations(s, nurse, "frozen").total == 1


def test_reimport_never_doubles(s, nurse):
    apply_import(s, nurse, CSV, region="US")
    again = apply_import(s, nurse, CSV, duplicates="skip", region="US")
    assert (again.added, again.merged, again.skipped) == (0, 0, 3)
    assert s.query(Organization).count() == 2


def test_duplicate_of_existing_entry_merged_into_it(s, nurse):
    existing = org(
        s,
        nurse,
        name="Harbor Meals",
        org_type="food/meals",
        address="1 Dock St",
        phone="(617) 555-0199",
    )
    apply_import(s, nurse, CSV, region="US")
    s.refresh(existing)
    assert existing.phone == "+16175550110"
    assert s.query(Organization).filter_by(name_key="harbor meals").count() == 1


def test_header_aliases_and_unknown_columns(s, nurse):
    preview = preview_import(
        s, nurse, "Organization Name,Phone Number,Color\nAcme Aid,617-555-0123,blue\n", region="US"
    )
    assert preview.unknown_columns == ["Color"]
    assert preview.rows[0].action == "new" and preview.rows[0].values["org_type"] == "other"


def test_file_without_name_column_refused(s, nurse):
    with pytest.raises(InvalidInput) as exc:
        preview_import(s, nurse, "title,phone\nx,1\n", region="US")
    assert "name" in exc.value.errors["file"]
    with pytest.raises(InvalidInput):
        preview_import(s, nurse, "", region="US")


def test_viewer_cannot_import(s, make_actor):
    with pytest.raises(PermissionDenied):
        preview_import(s, make_actor(Role.VIEWER), CSV, region="US")


@pytest.mark.parametrize(
    "content, message",
    [
        (("name,phone\n" + "a" * 140_000 + ",1\n").encode(), "Line 2 has a cell longer than"),
        (b"name,phone\nAc\x00me,1\n", "not plain text CSV"),
        (bytes(range(256)) * 3, "not plain text CSV"),
        (("name\n" + "x\n" * 50_001).encode(), "Import at most 50,000 rows"),
        (b"", "The file is empty."),
        (b'name,phone\n"Open quote,1\nnext,2\n', "Line 2"),
    ],
    ids=["cell-over-131072", "nul-byte", "binary", "too-many-rows", "empty", "open-quote"],
)
def test_a_file_that_cannot_be_read_gets_a_plain_message_and_changes_nothing(
    s, nurse, content, message
):
    with pytest.raises(InvalidInput) as exc:
        preview_import(s, nurse, content, region="US")
    assert message in exc.value.errors["file"]
    with pytest.raises(InvalidInput):
        apply_import(s, nurse, content, region="US")
    assert s.query(Organization).count() == 0


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])
def test_files_saved_in_the_usual_spreadsheet_encodings_read_the_same(s, nurse, encoding):
    text = "name,type,services\nCafé Solidário,food/meals,comidas a domicilio\n"
    result = apply_import(s, nurse, text.encode(encoding), region="US")
    assert result.added == 1
    [saved] = s.query(Organization).all()
    assert (saved.name, saved.services) == ("Café Solidário", "comidas a domicilio")

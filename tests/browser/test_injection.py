"""Hostile patient names render as literal text: no element, link, image or dialog comes of them.

DESIGN.md §3.3: labels and Markdown render HTML-ish input, so a name must never reach them raw.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import sign_in, wait_ready
from tests.browser.helpers import (
    assert_no_app_error,
    choose_patient,
    demo_db,
    fill_birth_date,
    open_patient,
    open_patients,
    query,
    run_with_app_env,
    search,
    until_shown,
)

FAMILY = "Injectiontest"
LONG_NAME = "Long" + "x" * 5000 + "<img src=x onerror=alert('long')>" + "y" * 5000
CORPUS = [
    '<script>alert("script")</script>',
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(2)">a link</a>',
    '<iframe src="javascript:alert(3)"></iframe>',
    "[click me](javascript:alert(4))",
    "[phish](https://evil.example/login)",
    "![pic](https://evil.example/x.png)",
    "javascript:alert(5)",
    "**bold** _it_ `code` :red[alarm] :material/warning: $x^2$",
    "# Heading",
    "Ann\u202egpj.exe",  # right-to-left override
    "Zo\u200be\u200d\u2060y\ufeff",  # zero-width space, joiner, word joiner, BOM
]

# Registers the corpus through the service layer (as the app would) with the app's settings.
# The 10 kB name is refused by the service (names stop at 100 characters), so it is written
# straight into the row afterwards (past the ORM's length check), as a hand edit of the
# SQLite file might.
REGISTER = """
import json, sys
from datetime import date
from sqlalchemy import select, text, update
from db import config
from db.models import Patient, User
from db.session import session_scope
from services.patients import registry as patients
from services.core.errors import InvalidInput
from services.core.identity import Actor
from services.patients.registry import PatientInput

names, long_name, family = json.load(sys.stdin)
url = config.load().database_url
out = []
with session_scope(url) as s:
    admin = s.scalar(select(User).where(User.username == "admin"))
    actor = Actor(admin.id, admin.username, admin.display_name, admin.role)
    for i, name in enumerate(names + ["placeholder"]):
        p = patients.register_patient(
            s, actor, PatientInput(given_name=name, family_name=family,
                                   birth_date=date(1950, 1, 1 + i), city=name[:100]))
        out.append([p.id, p.mrn, name])
    try:
        patients.register_patient(
            s, actor, PatientInput(given_name=long_name, family_name=family,
                                   birth_date=date(1950, 2, 1)))
        refused = False
    except InvalidInput as exc:
        refused = "given_name" in exc.errors
    # as a hand edit of the database file would: past the app's own checks
    s.execute(update(Patient).where(Patient.id == out[-1][0]).values(given_name=long_name))
    out[-1][2] = long_name
print(json.dumps({"patients": out, "long_refused": refused}))
"""

BAD_ELEMENTS = (
    "img[src='x'], [data-testid=stMain] img:not([data-testid=stTable] img), "
    "[data-testid=stApp] script, [data-testid=stMain] iframe, a[href^='javascript' i], [onerror]"
)
# Markup that a name turned into inside st.table cells (links, images, headings, emphasis...).
MARKUP_IN_TABLES = "[data-testid=stTable] td :is(a, img, h1, h2, h3, strong, em, code, span)"


class RenderedAsMarkup(AssertionError):
    """A name came out of a table as Markdown, not as literal text."""


@pytest.fixture(scope="module")
def corpus(demo_app) -> list[tuple[int, str, str]]:
    result = run_with_app_env(demo_app, REGISTER, [CORPUS, LONG_NAME, FAMILY])
    assert result["long_refused"], "the service accepted a 10 kB given name"
    stored = query(
        demo_db(demo_app), "SELECT given_name FROM patient WHERE family_name = ?", FAMILY
    )
    assert sorted(g for (g,) in stored) == sorted([*CORPUS, LONG_NAME])
    return [tuple(p) for p in result["patients"]]


@pytest.fixture
def watched(page):
    """The page, with every JavaScript dialog recorded (and dismissed)."""
    dialogs: list[str] = []

    def record(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    page.dialogs = dialogs
    return page


def _assert_inert(pg) -> None:
    pg.wait_for_timeout(300)  # give an onerror handler or a script the time to fire
    assert pg.dialogs == [], f"dialogs fired: {pg.dialogs}"
    assert _html(pg.locator(BAD_ELEMENTS)) == [], "elements created from patient names"


def _unisolated(text: str) -> str:
    """Without the (invisible) bidi isolation marks a right-to-left name is shown in: its
    direction override then turns only the name, not the MRN after it."""
    return text.replace("\u2068", "").replace("\u2069", "")


def _html(locator) -> list[str]:
    return [
        locator.nth(i).evaluate("e => e.outerHTML.slice(0, 160)") for i in range(locator.count())
    ]


def _table_problems(pg, name: str) -> list[str]:
    """What is wrong with how the demographics table shows `name` (empty when literal)."""
    problems = [f"markup {html}" for html in _html(pg.locator(MARKUP_IN_TABLES))]
    tables = pg.get_by_test_id("stTable")
    if tables.count() and name not in tables.first.inner_text():
        problems.append(f"{name[:40]!r} not shown literally")
    return problems


def test_names_show_literally_in_the_patient_list(watched, demo_app, corpus):
    sign_in(watched, demo_app, "admin")
    open_patients(watched)
    search(watched, FAMILY)
    until_shown(watched, f"{len(corpus)} patient(s) found")  # the search's own rerun
    _assert_inert(watched)
    # The picker under the results lists every name exactly as typed.
    picker = watched.get_by_test_id("stSelectbox").filter(has_text="Open patient")
    options = watched.get_by_role("option")
    for _ in range(3):  # a rerun that lands while the list opens closes it again
        picker.get_by_role("button", name="Open").click()  # a click on the box only focuses
        try:
            options.first.wait_for(timeout=5000)
            break
        except PlaywrightTimeout:
            wait_ready(watched)
    shown = [_unisolated(options.nth(i).inner_text()) for i in range(options.count())]
    for _, mrn, name in corpus:
        assert f"{FAMILY}, {name} · {mrn}" in shown
    _assert_inert(watched)


def test_names_show_literally_on_the_patient_summary(watched, demo_app, corpus):
    sign_in(watched, demo_app, "admin")
    in_tables = []
    for _, mrn, name in corpus:
        open_patient(watched, mrn)
        assert_no_app_error(watched)
        header = watched.get_by_test_id("stText").filter(has_text=f"MRN {mrn}").inner_text()
        if "\u202e" in name:  # the override turns the name, never the MRN and date after it
            assert header.startswith(f"\u2068{FAMILY}, {name}\u2069 · MRN {mrn}")
        assert _unisolated(header).startswith(f"{FAMILY}, {name} · MRN {mrn}")
        _assert_inert(watched)
        in_tables += _table_problems(watched, name)
        watched.get_by_role("button", name="← Back to search").click()
        wait_ready(watched)
    if in_tables:
        raise RenderedAsMarkup("\n".join(in_tables))


def test_hostile_name_typed_into_the_form_is_stored_and_shown_as_typed(watched, demo_app):
    given, family = "<img src=x onerror=alert(9)>", "[x](javascript:alert(10))"
    sign_in(watched, demo_app, "scheduler")
    open_patients(watched)
    watched.get_by_role("button", name="Register a patient").click()
    wait_ready(watched)
    watched.get_by_label("Given name").fill(given)
    watched.get_by_label("Family name").fill(family)
    fill_birth_date(watched, date(1977, 5, 6))
    watched.get_by_role("button", name="Register patient").click()
    wait_ready(watched)
    assert_no_app_error(watched)
    watched.get_by_text("Patient registered (MRN").first.wait_for()
    [(mrn,)] = query(
        demo_db(demo_app),
        "SELECT mrn FROM patient WHERE given_name = ? AND family_name = ?",
        given,
        family,
    )
    expect(watched.get_by_test_id("stMain")).to_contain_text(f"{family}, {given} · MRN {mrn}")
    _assert_inert(watched)
    # And the edit form gives the text back unchanged.
    watched.get_by_role("button", name="Edit details").click()
    wait_ready(watched)
    assert watched.get_by_label("Given name").input_value() == given
    assert watched.get_by_label("Family name").input_value() == family
    _assert_inert(watched)
    search_back = watched.get_by_role("button", name="← Back to search")
    search_back.click()
    wait_ready(watched)
    search(watched, mrn)
    choose_patient(watched, mrn)
    _assert_inert(watched)
    problems = _table_problems(watched, given) + _table_problems(watched, family)
    if problems:
        raise RenderedAsMarkup("\n".join(problems))

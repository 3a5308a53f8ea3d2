"""A deep link to any page while signed out shows only the sign-in form, never patient data.

Pages are discovered from pages/*.py, so a page added later is covered without editing this.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_in, wait_ready
from tests.browser.helpers import MRN_RE, TRAINING, assert_no_app_error, demo_db, query

PAGE_FILE = re.compile(r"([0-9]*)[_ -]*(.*)\.py")  # how Streamlit names a page file's URL


def _url_path(page_file: str) -> str:
    return PAGE_FILE.fullmatch(page_file).group(2).replace(" ", "_")


PATHS = [""] + sorted(_url_path(p.name) for p in (ROOT / "pages").glob("*.py"))


def test_every_page_file_is_covered():
    files = {p.name for p in (ROOT / "pages").glob("*.py")}
    assert {"patients.py", "admin.py"} <= files
    assert len(PATHS) == len(files) + 1


def _patient_words(app) -> tuple[set[str], set[str]]:
    """Full names as the app writes them, and each family name, from the training database."""
    rows = query(demo_db(app), "SELECT given_name, family_name, preferred_name FROM patient")
    assert len(rows) >= 40
    full = set()
    for given, family, preferred in rows:
        full |= {f"{given} {family}", f"{family}, {given}"}
        if preferred:
            full.add(f"{preferred} {family}")
    return full, {family for _, family, _ in rows}


@pytest.mark.parametrize("path", PATHS, ids=[p or "root" for p in PATHS])
def test_deep_link_while_signed_out_shows_only_sign_in(page, demo_app, path):
    page.goto(f"{demo_app.url}/{path}")
    wait_ready(page)
    page.get_by_role("button", name="Sign in").wait_for()
    assert_no_app_error(page)
    expect(page.get_by_label("Username")).to_be_visible()
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    assert "Page not found" not in page.content(), f"/{path} is not a page"

    html, text = page.content(), page.locator("body").inner_text()
    assert not MRN_RE.search(html), "an MRN is on the signed-out page"
    full_names, family_names = _patient_words(demo_app)
    assert not [n for n in full_names if n in text]
    words = set(re.findall(r"[^\W\d_]+", text))
    assert not (family_names & words), "a patient's family name is on the signed-out page"
    assert TRAINING in text
    # No navigation to anything else, and nothing to sign out of.
    expect(page.get_by_test_id("stSidebar").get_by_role("link")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    # Signing in from the link opens that very page (the link was a real page, not a fallback).
    sign_in(page, demo_app, "admin", path=path)
    assert page.url.rstrip("/") == f"{demo_app.url}/{path}".rstrip("/")
    title = page.title()
    if path:
        assert not title.startswith("My day"), f"/{path} fell back to the home page"
    else:
        assert title.startswith("My day")

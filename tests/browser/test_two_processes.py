"""Two CareDesk processes on one PostgreSQL database behind nginx, as the README tells a
clinic to run it (deploy/nginx-caredesk.conf): each browser stays on one process, two
browsers on different processes both work, a change made through one process is seen
through the other, and an upload and a download (which only the session's own process can
serve) work through nginx.

Needs CAREDESK_TEST_DATABASE_URL (CI sets it) and nginx; under CAREDESK_REQUIRE_BROWSER=1
(CI) a missing nginx is a failure, not a skip.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    REQUIRE,
    ROOT,
    RunningApp,
    fresh_pg_database,
    go_to,
    manage,
    phi_in_log,
    sign_in,
    start_app,
    wait_ready,
)
from tests.browser.helpers import MRN_RE, fill_birth_date, open_patient, open_patients
from tests.browser.nginx_proxy import RunningProxy, nginx_binary, start_nginx

PG_URL = os.environ.get("CAREDESK_TEST_DATABASE_URL")
PASSWORD = "Lantern-harbor-7"
# Both processes get the same Streamlit cookie secret, as the README says (Streamlit signs
# its own cookies with it; each process would otherwise make up its own at start).
SHARED = {"STREAMLIT_SERVER_COOKIE_SECRET": "two-processes-cookie-secret"}
CALENDAR_FRAME = "iframe[title='streamlit_calendar.calendar']"
TRIES = 12  # new browsers until one lands on the other process (each does with 1 in 2)


@dataclass
class Clinic:
    proxy: RunningProxy
    apps: list[RunningApp]
    database_url: str


@dataclass
class Site:
    """What sign_in needs of an app: its address (here nginx's)."""

    url: str


@pytest.fixture
def clinic(tmp_path):
    if not PG_URL:
        pytest.skip("needs CAREDESK_TEST_DATABASE_URL (CI sets it)")
    if nginx_binary() is None:
        if REQUIRE:
            pytest.fail("CAREDESK_REQUIRE_BROWSER=1 but nginx is not installed")
        pytest.skip("nginx is not installed (sudo apt install nginx)")
    with fresh_pg_database(PG_URL, "caredesk_two") as url:
        data_dir = tmp_path / "data"
        data_dir.mkdir()
        env = {
            **{k: v for k, v in os.environ.items() if k != "CAREDESK_DATABASE_URL"},
            "CAREDESK_DATA_DIR": str(data_dir),
            "CAREDESK_SECRET_KEY": "browser-test-key",
            "CAREDESK_DATABASE_URL": url,
            **SHARED,
        }
        # As the README's recipe: the database brought up to date once, then the processes.
        for args, stdin in (
            (["upgrade"], None),
            (["create-user", "nurse1", "--role", "nurse", "--password-stdin"], PASSWORD),
            (["create-user", "nurse2", "--role", "nurse", "--password-stdin"], PASSWORD),
        ):
            done = manage(env, *args, stdin=stdin)
            assert done.returncode == 0, done.stderr
        apps: list[RunningApp] = []
        proxy = None
        try:
            for _ in range(2):
                apps.append(start_app(data_dir, {"CAREDESK_DATABASE_URL": url, **SHARED}))
            ports = [int(a.url.rsplit(":", 1)[1]) for a in apps]
            proxy = start_nginx(tmp_path / "nginx", ports)
            yield Clinic(proxy, apps, url)
        finally:
            if proxy:
                proxy.stop()
            for app in apps:
                app.stop()


def test_nginx_takes_every_upload_streamlit_takes():
    """The site's body limit follows Streamlit's upload limit (plus the form's wrapping)."""
    import re
    import tomllib

    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]
    site = (ROOT / "deploy" / "nginx-caredesk.conf").read_text()
    sizes = re.findall(r"^#?\s*client_max_body_size (\d+)m;", site, re.M)
    assert sizes and {int(n) for n in sizes} == {limit["maxUploadSize"] + 1}


def arrive(browser, proxy: RunningProxy):
    """A new browser opens CareDesk through nginx: its page, the process it landed on (as
    nginx says), and its routing cookie (given on this first response)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(45_000)
    first = pg.goto(proxy.url)
    process = first.header_value("x-caredesk-upstream")
    assert "caredesk_route=" in (first.header_value("set-cookie") or "")
    (cookie,) = [c for c in context.cookies() if c["name"] == "caredesk_route"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    # The cookie is given once: the next response does not set it again (Streamlit's own
    # XSRF cookie may come along), and comes from the same process.
    again = context.request.get(f"{proxy.url}/_stcore/health")
    assert again.ok and "caredesk_route" not in again.headers.get("set-cookie", "")
    assert again.headers["x-caredesk-upstream"] == process
    return pg, process, cookie["value"]


def register(pg, given: str, family: str) -> str:
    open_patients(pg)
    pg.get_by_role("button", name="Register a patient").click()
    pg.get_by_label("Given name").fill(given)
    pg.get_by_label("Family name").fill(family)
    fill_birth_date(pg, date(1957, 3, 9))
    pg.get_by_label("Phone").fill("(617) 555-0187")
    pg.get_by_role("button", name="Register patient").click()
    shown = pg.get_by_text("Patient registered (MRN").first
    shown.wait_for()
    return MRN_RE.search(shown.inner_text()).group(0)


def test_two_processes_behind_nginx_keep_each_browser_on_one_and_share_the_clinic(
    browser, clinic, tmp_path
):
    proxy = clinic.proxy
    site = Site(proxy.url)
    a, process_a, key_a = arrive(browser, proxy)
    for _ in range(TRIES):
        b, process_b, key_b = arrive(browser, proxy)
        if process_b != process_a:
            break
        b.context.close()
    else:
        pytest.fail(f"{TRIES} new browsers all landed on {process_a}: routing is not spread")

    # (b) Both browsers sign in and work, each on its own process.
    sign_in(a, site, "nurse1", PASSWORD)
    sign_in(b, site, "nurse2", PASSWORD)

    # (c) A patient registered through one process is found through the other.
    mrn = register(a, "Marisol", "Quintanilla")
    open_patient(b, mrn)
    expect(b.get_by_test_id("stMain")).to_contain_text("Quintanilla")

    # (d) A download from B's session (the file is kept by B's process) ...
    with b.expect_download() as download:
        b.get_by_role("button", name="Download FHIR record").click()
    record = tmp_path / download.value.suggested_filename
    download.value.save_as(record)
    assert mrn in record.read_text()
    # ... and an upload into A's session: the patient is recognised as already here.
    open_patients(a)
    a.get_by_role("button", name="Import patients from a FHIR file").click()
    wait_ready(a)
    a.locator("input[type=file]").set_input_files(str(record))
    matched = a.get_by_test_id("stMetric").filter(has_text="Already in CareDesk")
    expect(matched).to_contain_text("1")

    # (e) The calendar widget's script (named by its content) is kept by the browser for a
    # week (deploy/nginx-caredesk.conf): the Calendar opened twice fetches it once, while
    # the widget's own page is checked each time.
    with a.expect_response(lambda r: "/component/" in r.url and "/static/js/" in r.url) as js:
        go_to(a, "Calendar")
    assert "max-age=604800" in js.value.headers["cache-control"]
    calendar = a.frame_locator(CALENDAR_FRAME).locator(".fc")
    calendar.wait_for()
    go_to(a, "My day")
    with a.expect_response(lambda r: "/component/" in r.url and "index.html" in r.url) as page:
        go_to(a, "Calendar")
    assert page.value.headers["cache-control"] == "no-cache"
    calendar.wait_for()

    # (a) Every request of each browser, its WebSocket included, went to its one process.
    # nginx logs a WebSocket when it closes: close the browsers, then read the log.
    a.context.close()
    b.context.close()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        seen = proxy.requests()
        if all("/_stcore/stream" in seen.paths_of(k) for k in (key_a, key_b)):
            break
        time.sleep(0.2)
    assert seen.processes_of(key_a) == {process_a}, seen.rows
    assert seen.processes_of(key_b) == {process_b}, seen.rows
    paths_a, paths_b = seen.paths_of(key_a), seen.paths_of(key_b)
    assert "/_stcore/stream" in paths_a and "/_stcore/stream" in paths_b
    assert any(p.startswith("/_stcore/upload_file/") for p in paths_a), paths_a
    assert any(p.startswith("/media/") for p in paths_b), paths_b
    scripts = [p for p in paths_a if p.startswith("/component/") and "/static/js/" in p]
    assert len(scripts) == 1, scripts
    failed = [r for r in seen.rows if r[0] in (key_a, key_b) and r[2] >= 500]
    assert failed == [], failed

    # Neither server printed the patient (PHI stays out of logs with two processes too).
    for app in clinic.apps:
        app.stop()
        found = phi_in_log(app.log, [("Marisol", "Quintanilla", mrn, "(617) 555-0187")])
        assert found == [], app.log

"""Real-browser fixtures (DESIGN.md §3.10): a running CareDesk and Debian's Chromium.

Without a browser the tests skip with a reason, except when CAREDESK_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REQUIRE = os.environ.get("CAREDESK_REQUIRE_BROWSER") == "1"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY = "[data-testid=stApp][data-test-script-state=notRunning]"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so the page fixture knows it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(reason: str):
    if REQUIRE:
        pytest.fail(f"browser tests are required (CAREDESK_REQUIRE_BROWSER=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed")
    executable = _chromium()
    with sync_playwright() as pw:
        try:
            launched = pw.chromium.launch(
                executable_path=executable, args=BROWSER_ARGS, headless=True
            )
        except Exception as exc:  # no system Chromium and no Playwright browser
            _unavailable(
                f"no Chromium could be started ({exc.__class__.__name__}: {str(exc)[:200]})"
            )
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningApp:
    url: str
    data_dir: Path
    process: subprocess.Popen
    env: dict
    log: Path  # what the server printed (its terminal)

    def manage(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return manage(self.env, *args, stdin=stdin)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def manage(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """An operator command (python manage.py ...) with these settings."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@contextmanager
def fresh_pg_database(server_url: str, prefix: str) -> Iterator[str]:
    """A new, empty database on the test PostgreSQL server, dropped afterwards; its URL."""
    from sqlalchemy import create_engine, text

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def start_app(data_dir: Path, extra_env: dict | None = None) -> RunningApp:
    port = _free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k != "CAREDESK_DATABASE_URL"},
        "CAREDESK_DATA_DIR": str(data_dir),
        "CAREDESK_SECRET_KEY": "browser-test-key",
        **(extra_env or {}),
    }
    log_path = data_dir.parent / f"streamlit-{port}.log"
    log = open(log_path, "w")  # noqa: SIM115 - lives with the process
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.fileWatcherType",
            "none",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.read().decode().strip() == "ok":
                    return RunningApp(url, data_dir, process, env, log_path)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"CareDesk did not start on {url}")


def phi_in_log(log: Path, people: list[tuple[str, str, str, str]]) -> list[str]:
    """Which of these patients' details (given, family, MRN, phone) the server printed.

    Names are matched as whole words (case-insensitive), family names of four letters or
    more on their own; MRNs and phones (also in their last ten digits) anywhere."""
    import re

    printed = log.read_text(errors="replace")
    digits = re.sub(r"\D", "", printed)
    found = []
    for given, family, mrn, phone in people:
        words = [f"{given} {family}", f"{family}, {given}"] + ([family] if len(family) >= 4 else [])
        for word in words:
            if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", printed, re.IGNORECASE):
                found.append(word)
        if mrn and mrn in printed:
            found.append(mrn)
        tail = re.sub(r"\D", "", phone or "")[-10:]
        if len(tail) == 10 and tail in digits:
            found.append(phone)
    return found


def demo_people(db: Path) -> list[tuple[str, str, str, str]]:
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT given_name, family_name, mrn, coalesce(phone, '') FROM patient"
        ).fetchall()


@pytest.fixture
def fresh_app(tmp_path) -> Iterator[RunningApp]:
    """An app with an empty data folder: the first-run setup page."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    app = start_app(data_dir)
    yield app
    app.stop()


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory) -> Iterator[RunningApp]:
    """An app on a small training database (demo accounts, password `demo`); one per test module."""
    data_dir = tmp_path_factory.mktemp("demo") / "data"
    data_dir.mkdir()
    env = {
        **os.environ,
        "CAREDESK_DATA_DIR": str(data_dir),
        "CAREDESK_SECRET_KEY": "browser-test-key",
    }
    env.pop("CAREDESK_DATABASE_URL", None)
    seeded = manage(env, "seed-demo", "--patients", "40")
    assert seeded.returncode == 0, seeded.stderr
    app = start_app(data_dir)
    yield app
    app.stop()
    # Whatever the module's journeys did (errors included), the server's log names no patient.
    db = data_dir / "caredesk-demo.sqlite3"
    assert phi_in_log(app.log, demo_people(db)) == [], f"patient details in {app.log}"


@pytest.fixture(scope="session", autouse=True)
def _patient_expectations():
    """expect() waits as long as actions do: a loaded 2-core machine reruns pages slowly."""
    try:
        from playwright.sync_api import expect
    except ImportError:
        return
    expect.set_options(timeout=45_000)


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(45_000)
    yield pg
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        _show_failure(pg)
    context.close()


def _show_failure(pg) -> None:
    """What the page showed when a step failed (synthetic demo data only), printed into
    the test's report: a rare timing failure in CI can be read afterwards."""
    try:
        state = pg.locator("[data-testid=stApp]").get_attribute("data-test-script-state")
        shown = pg.get_by_test_id("stMain").inner_text(timeout=5_000)
    except Exception as exc:  # noqa: BLE001 - the report must not hide the real failure
        print(f"the page could not be read after the failure: {exc}")
        return
    print(f"page at failure: {pg.url} (script {state})\n{shown[:4000]}")


def wait_ready(pg) -> None:
    """Wait until Streamlit has finished running the script."""
    pg.wait_for_selector(READY, timeout=60_000)
    pg.wait_for_timeout(150)
    pg.wait_for_selector(READY, timeout=60_000)


def sign_in(pg, app: RunningApp, username: str, password: str = "demo", path: str = "") -> None:
    """Open the app (a new Streamlit session), sign in, and wait for the page."""
    pg.goto(f"{app.url}/{path}")
    pg.get_by_label("Username").fill(username)
    pg.get_by_label("Password", exact=True).fill(password)
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_role("button", name="Sign out").wait_for()
    wait_ready(pg)


def _on_calendar(pg) -> bool:
    return pg.url.split("?")[0].rstrip("/").endswith("/calendar")


def go_to(pg, label: str) -> None:
    """Move with the sidebar navigation (keeps the session, unlike page.goto).

    Leaving the Calendar right after it drew, the widget's late range report can take the
    app back to the Calendar (README, Size and speed; never a blank page, see
    test_calendar_journey): a nurse then clicks again, and so does this."""
    link = pg.get_by_test_id("stSidebar").get_by_role("link", name=label)
    leaving_calendar = label != "Calendar" and _on_calendar(pg)
    link.click()
    wait_ready(pg)
    if leaving_calendar:
        pg.wait_for_timeout(1_500)  # the report, if it comes, has come
        wait_ready(pg)
        if _on_calendar(pg):
            link.click()
            wait_ready(pg)

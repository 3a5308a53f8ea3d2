"""Real-browser fixtures (DESIGN.md §3.10): a running CareDesk and Debian's Chromium.

Without a browser the tests skip with a reason, except when CAREDESK_REQUIRE_BROWSER=1
(CI), where a missing browser is a failure.
"""

from __future__ import annotations

import contextlib
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
    context.add_init_script(_CLICKS)
    pg = context.new_page()
    pg.set_default_timeout(45_000)
    pg.runs_asked = sent = []  # (helpers.save reads it)
    pg.on("websocket", lambda ws: ws.on("framesent", lambda data: _note_run(sent, data)))
    yield pg
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        _show_failure(pg)
        print("the last runs the page asked for:\n" + "\n".join(sent[-12:]))
        with contextlib.suppress(Exception):
            print("the last clicks:\n" + "\n".join(pg.evaluate("() => window.__clicks || []")))
    context.close()


_STARTED = time.monotonic()
# Where each click landed (the element's text) and whether it was a button that could be
# pressed: with the runs asked for, a click that did nothing can be told from a lost run.
_CLICKS = """
window.__clicks = [];
for (const kind of ['mousedown', 'click']) document.addEventListener(kind, e => {
    const b = e.target.closest('button');
    const what = (b || e.target).innerText?.slice(0, 40) || e.target.tagName;
    window.__clicks.push(`${(performance.now() / 1000).toFixed(2)} s ${kind} ${what}` +
        (b ? (b.disabled ? ' (disabled)' : ' (button)') : ''));
    window.__clicks = window.__clicks.slice(-12);
}, true);
"""


def _note_run(sent: list[str], data: bytes) -> None:
    """One line per run the page asked the server for: when, which page and part, and the
    buttons pressed and sections or tabs open with it (what a lost click looks like)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.ParseFromString(data)
    if msg.WhichOneof("type") != "rerun_script":
        return
    run = msg.rerun_script
    said = []
    for w in run.widget_states.widgets:
        kind = w.WhichOneof("value")  # (None: a widget with no value yet)
        value = getattr(w, kind) if kind else None
        if kind == "trigger_value" and value or w.id.endswith(("_open", "_tab", "_tabs")):
            said.append(f"{w.id.rsplit('-', 1)[-1]}={value}")
    where = f"{run.page_name or 'page'}{' fragment' if run.fragment_id else ''}"
    sent.append(f"  {time.monotonic() - _STARTED:8.2f} s {where}: {', '.join(said)}")


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
    # What the fields held (inner text leaves them out): was the typing there at the end?
    with contextlib.suppress(Exception):
        typed = pg.evaluate(_TYPED)
        print("fields with text at failure:\n" + "\n".join(f"  {k}: {v!r}" for k, v in typed))


_TYPED = """() => [...document.querySelectorAll(
    '[data-testid=stMain] input, [data-testid=stMain] textarea, [role=dialog] input, '
    + '[role=dialog] textarea')].filter(e => e.value && e.type !== 'checkbox')
    .map(e => [e.getAttribute('aria-label') || e.name || e.type, e.value.slice(0, 80)])"""


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


def _on_calendar(url: str) -> bool:
    return url.split("?")[0].rstrip("/").endswith("/calendar")


def follow(pg, link) -> None:
    """Click a link to another page of the app and wait for that page's run.

    Leaving the Calendar right after it drew, the widget's late range report can take the
    app back to the Calendar (README, Size and speed; never a blank page, see
    test_calendar_journey): a nurse then clicks again, and so does this."""
    to = link.get_attribute("href") or ""
    leaving_calendar = _on_calendar(pg.url) and not _on_calendar(to)
    link.click()
    wait_ready(pg)
    if leaving_calendar:
        pg.wait_for_timeout(1_500)  # the report, if it comes, has come
        wait_ready(pg)
        if _on_calendar(pg.url):
            link.click()
            wait_ready(pg)


def go_to(pg, label: str) -> None:
    """Move with the sidebar navigation (keeps the session, unlike page.goto)."""
    follow(pg, pg.get_by_test_id("stSidebar").get_by_role("link", name=label))

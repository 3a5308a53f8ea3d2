"""Small helpers shared by the browser journeys (selectors follow the real page labels)."""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, RunningApp, follow, go_to, wait_ready

MRN_RE = re.compile(r"CD\d{6}")
TRAINING = "TRAINING — synthetic patients"


def demo_db(app: RunningApp) -> Path:
    return app.data_dir / "caredesk-demo.sqlite3"


def query(db: Path, sql: str, *params) -> list[tuple]:
    """Read the app's SQLite file directly (read-only), as an auditor would."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return conn.execute(sql, params).fetchall()


def message_below(field) -> str:
    """Text of the element drawn right after a field (where its error message goes)."""
    return field.evaluate(
        """el => {
            const box = el.closest('[data-testid=stElementContainer]');
            const next = box && box.nextElementSibling;
            return next ? next.innerText : '';
        }"""
    )


def fill_birth_date(pg, value: date) -> None:
    """Type a date into the segmented Date of birth field (month, day, year)."""
    pg.get_by_role("spinbutton", name="month, Date of birth").click()
    pg.keyboard.type(value.strftime("%m%d%Y"))


def main_text(pg) -> str:
    return pg.get_by_test_id("stMain").inner_text()


def until_shown(pg, text: str, shown: bool = True) -> None:
    """Wait until the main area does (or no longer does) show `text`. Right after an action
    the page can still hold the previous run's elements, or look idle before the new run
    starts, so an instant check of main_text would be a race. A text that should vanish can
    also vanish for a moment while the page redraws: wait for a sign of the new state
    first (e.g. its flash message), then for the text to be gone."""
    pg.wait_for_function(
        """([text, shown]) => {
            const main = document.querySelector('[data-testid="stMain"]');
            return !!main && main.innerText.includes(text) === shown;
        }""",
        arg=[text, shown],
        timeout=45_000,
    )


# Counts the script runs that start in this browser tab (the app root's run state leaving
# "notRunning"); installed afresh when the page was reloaded.
_WATCH_RUNS = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    if (window.__caredeskApp !== app) {
        window.__caredeskApp = app;
        new MutationObserver(records => {
            for (const r of records) if (r.oldValue === 'notRunning') window.__caredeskRuns += 1;
        }).observe(app, {
            attributes: true, attributeOldValue: true,
            attributeFilter: ['data-test-script-state'],
        });
    }
    window.__caredeskRuns = 0;
}"""
_RUN_DONE = """() => window.__caredeskRuns > 0 && document.querySelector(
    '[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'"""


def after_rerun(pg, act: Callable[[], object]) -> None:
    """Do `act` (a click or key press that makes Streamlit run the page again: a tab or a
    keyed section opened, a widget outside a form changed) and wait until that run is over.
    For a moment after the click the page still reads idle (the run starts a round trip
    later), so wait_ready alone can return before it, and the next step then acts on
    elements the run replaces ("Element is not attached to the DOM"). Only for an act that
    surely reruns: otherwise this waits in vain."""
    wait_ready(pg)
    pg.evaluate(_WATCH_RUNS)
    act()
    # A run that starts and ends within one browser frame (fast pages: no garbage
    # collection after each run) may never show "running" in the DOM; the caller's own
    # check of what the act changed (the tab selected, the section open) still holds.
    with contextlib.suppress(PlaywrightTimeout):
        pg.wait_for_function(_RUN_DONE, timeout=15_000)
    wait_ready(pg)


def save(pg, button: str, done: str) -> None:
    """Press a form's button (Add goal, Save review...) and wait until `done` shows.

    Seen a few times in CI and once in a dozen journeys on a loaded machine: the press made
    right after the run that opened the form's section asks the server for nothing at all
    (no run is sent; the typing stays in the form, nothing is saved, no message). A nurse
    sees nothing happen and presses again; so does this, only when the browser provably
    sent no run for the press (the page fixture notes every run it asks for), so a save
    the server lost would still fail here."""
    asked = len(pg.runs_asked)
    pg.get_by_role("button", name=button, exact=True).click()
    pg.wait_for_timeout(2_000)  # a press is sent at once; events reach Python meanwhile
    if len(pg.runs_asked) == asked:
        print(f"the press on {button!r} sent no run: pressed again")
        pg.get_by_role("button", name=button, exact=True).click()
    until_shown(pg, done)
    wait_ready(pg)


def settle(pg, quiet_ms: int = 700, limit: int = 20) -> None:
    """Wait until the page is idle and no new run has started for `quiet_ms`. Some parts
    ask for a run of their own a moment after they are drawn (the calendar widget sends its
    view back), and a key pressed meanwhile lands on a field that run draws anew."""
    for _ in range(limit):
        wait_ready(pg)
        pg.evaluate(_WATCH_RUNS)
        pg.wait_for_timeout(quiet_ms)
        if pg.evaluate("() => window.__caredeskRuns") == 0:
            return
    raise AssertionError(f"the page kept running for {limit} rounds")


def until_page(pg, title: str) -> None:
    """Wait until the page titled `title` is drawn and its run is over, after a move to it
    (a nav link clicked or pressed). A quick page can start and finish its run between two
    looks at the run state, so the new page's own title is the sign it arrived."""
    main = pg.get_by_test_id("stMain")
    main.get_by_role("heading", level=1, name=title, exact=True).wait_for()
    wait_ready(pg)


def header_link(pg, label: str, title: str = "") -> None:
    """Follow a link of the patient header (Record, Intake, Care plan, Calendar, Contacts)
    and wait for the page titled `title` (the record has no title of its own)."""
    header = pg.locator("[class*=st-key-patient_header]").first
    follow(pg, header.get_by_role("link", name=label, exact=True))
    if title:
        until_page(pg, title)


def open_tab(pg, name: str) -> None:
    """Select a keyed tab (on_change="rerun": only the open tab's body runs), and wait for
    its body to be drawn. A tab already open is left as it is."""
    tab = pg.get_by_role("tab", name=name, exact=True)
    if tab.get_attribute("aria-selected") != "true":
        after_rerun(pg, tab.click)
    expect(tab).to_have_attribute("aria-selected", "true")


def open_section(pg, label: str) -> None:
    """Open a keyed expander (components/shared/forms.section, on_change="rerun") unless it
    is open already, and wait for the run its opening starts."""
    details = pg.locator("details").filter(has=pg.get_by_text(label, exact=True)).first
    if details.get_attribute("open") is None:
        after_rerun(pg, pg.get_by_text(label, exact=True).first.click)
    expect(details).to_have_attribute("open", "")


def open_patients(pg) -> None:
    """The Patients search. The page remembers the last patient opened in this session, so
    the nav link may land on that patient; "Back to search" then leads to the list."""
    go_to(pg, "Patients")
    back = pg.get_by_role("button", name="← Back to search")
    if back.is_visible():
        back.click()
        wait_ready(pg)
    pg.get_by_role("heading", name="Patients").wait_for()


def search(pg, text: str) -> None:
    """Search everyone (not only my caseload) for a name, date of birth or MRN."""
    mine = pg.get_by_role("switch", name="Only my patients")
    if mine.is_checked():
        pg.get_by_test_id("stCheckbox").filter(has_text="Only my patients").click()
        expect(mine).not_to_be_checked()
        wait_ready(pg)
    box = pg.get_by_label("Find a patient")
    box.fill(text)
    box.press("Enter")
    # The last search's results stay until this one's run is over (and a search for the
    # same text runs nothing), so wait for a quiet page, not for the run.
    settle(pg)
    expect(pg.get_by_text(re.compile(r"patient\(s\) found"))).to_be_visible()


def open_patient_list(pg, option_text: str):
    """Open the "Open patient" select under the results; its option for `option_text`."""
    option = pg.get_by_role("option").filter(has_text=option_text).first
    for _ in range(3):  # a rerun that lands while the list opens closes it again
        pg.get_by_test_id("stSelectbox").filter(has_text="Open patient").click()
        try:
            option.wait_for(timeout=4000)
            break
        except PlaywrightTimeout:
            wait_ready(pg)
    return option


def choose_patient(pg, option_text: str) -> None:
    """Pick a row in the "Open patient" select under the results (opens the summary)."""
    open_patient_list(pg, option_text).click()
    wait_ready(pg)


def open_patient(pg, mrn: str) -> None:
    """From anywhere signed in: Patients → search by MRN → open the summary."""
    open_patients(pg)
    search(pg, mrn)
    choose_patient(pg, mrn)
    pg.get_by_text(f"MRN {mrn}").first.wait_for()


def run_with_app_env(app: RunningApp, code: str, payload: object) -> object:
    """Run a Python snippet in the project with the app's settings; JSON in, JSON out."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=app.env,
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def assert_no_app_error(pg) -> None:
    """Fail fast (instead of timing out later) when the script raised on this run."""
    crashed = pg.locator("[data-testid=stException], [data-testid=stExceptionMessage]")
    assert crashed.count() == 0, "the page shows Streamlit's error box (see the app log)"


def open_popover(pg, label: str) -> None:
    """Open an st.popover by its button text (it may already be open after a rerun). A rerun
    that lands just as the button is clicked redraws it closed, so try again."""
    button = pg.get_by_test_id("stPopoverButton").filter(has_text=label)
    body = pg.get_by_test_id("stPopoverBody")
    for attempt in range(3):
        wait_ready(pg)
        if button.get_attribute("aria-expanded") != "true":
            button.click()
        try:
            body.wait_for(timeout=45_000 if attempt == 2 else 8_000)
            return
        except PlaywrightTimeout:
            if attempt == 2:
                raise

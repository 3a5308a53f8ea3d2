"""The five everyday steps in Chromium at 5,000 patients: action to content visible.

    python bench/bench_browser.py [--runs 10] [--limit 0.3] [--data DIR] [--nginx]

Starts CareDesk headless on its own port (as the browser tests do) on a copy of the
5,000-patient clinic that bench/bench_pages.py builds (bench/results/pages-5000, or
`--data`; the copy is written to, the original never), signs one Chromium context in as
the demo nurse and goes through a nurse's round `--runs` times after one warm-up round:

1. open the caseload: click Patients in the sidebar, until the Patients title, the
   "patient(s) found" line and the patient table of the new run show;
2. search: type a fragment of one of her patients' family name in "Find a patient" and
   press Enter, until the "found" line gives the filtered count and the table shows;
3. open a record: choose that patient in "Open patient" (the click on her option), until
   the record's patient header with her MRN shows;
4. save an edit: "Edit details" (not timed), a new phone number typed, then the click on
   "Save changes", until "Changes saved." shows above her record again;
5. open the week: click Calendar in the sidebar, until the calendar's iframe shows an
   event of this week (FullCalendar draws inside the frame: the wait looks inside it).

Each step ends when its content is in the page (no element left from the run before:
Streamlit marks those stale) AND the app's run is over
(`[data-testid=stApp][data-test-script-state=notRunning]`). The clock is the browser's
own: from the timestamp of the action's input event (pointerdown, or the Enter keydown)
to the first animation frame that shows the content, so Playwright's round trips are
not in the figure (the last column, Playwright's own clock around the action and the
wait, has them). Prints min, median and max per step (seconds) and the machine's load
average; exits 1 when a step's median is over `--limit` seconds. `--nginx` puts nginx in
front, configured by deploy/nginx-caredesk.conf (which lets the browser keep the calendar
widget's script files), and drives the browser through it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import (  # noqa: E402
    BROWSER_ARGS,
    READY,
    _chromium,
    sign_in,
    start_app,
    wait_ready,
)
from tests.browser.nginx_proxy import start_nginx  # noqa: E402

CLINIC = ROOT / "bench" / "results" / "pages-5000"
FRAME = "iframe[title='streamlit_calendar.calendar']"
STEPS = ["open the caseload", "search a patient", "open a record", "save an edit", "open the week"]

# Remembers the timestamp of the next pointerdown or keydown in the page (the action).
ARM = """() => {
    window.__benchAction = null;
    if (!window.__benchListening) {
        window.__benchListening = true;
        for (const type of ['pointerdown', 'keydown']) {
            window.addEventListener(type, e => {
                if (window.__benchAction === null) window.__benchAction = e.timeStamp;
            }, true);
        }
    }
}"""
# Checked on every animation frame; returns the seconds since the action once `content`
# (a JavaScript expression over `main`, `fresh` and `arg`) holds and the run is over.
DONE = """arg => {
    if (window.__benchAction === null) return false;
    const app = document.querySelector('%s');
    const main = document.querySelector('[data-testid=stMain]');
    if (!app || !main) return false;
    const fresh = el => !el.closest('[data-stale=true]');
    if (!(%s)) return false;
    return (performance.now() - window.__benchAction) / 1000;
}"""
TABLE = "[...main.querySelectorAll('[data-testid=stDataFrame]')].some(fresh)"
FOUND = (
    "[...main.querySelectorAll('[data-testid=stCaptionContainer]')].some(c => fresh(c) &&"
    " new RegExp(arg.found).test(c.innerText))"
)
CONTENT = {
    "open the caseload": (
        "[...main.querySelectorAll('h1')].some(h => fresh(h) && h.innerText.trim() === 'Patients')"
        f" && {TABLE} && {FOUND}"
    ),
    "search a patient": f"{TABLE} && {FOUND}",
    "open a record": (
        "[...main.querySelectorAll('[class*=st-key-patient_header]')].some(h => fresh(h) &&"
        " h.innerText.includes('MRN ' + arg.mrn))"
    ),
    "save an edit": (
        "[...main.querySelectorAll('[data-testid=stAlertContentSuccess]')].some(a => fresh(a) &&"
        " a.innerText.includes('Changes saved.')) && [...main.querySelectorAll("
        "'[class*=st-key-patient_header]')].some(h => fresh(h) && h.innerText.includes('MRN ' + arg.mrn))"
    ),
    # The widget's iframe (same origin) with an event drawn in this week's time grid.
    "open the week": (
        f'[...main.querySelectorAll("{FRAME}")].some(f => fresh(f) && f.contentDocument &&'
        " f.contentDocument.querySelector('.fc-timeGridWeek-view .fc-timegrid-event'))"
    ),
}


def nurse_patient(db: Path) -> tuple[str, str]:
    """One of the demo nurse's active patients with a family name few others share: the
    MRN and a fragment of that name to search for."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT p.mrn, p.family_name, (SELECT count(*) FROM patient q"
            " WHERE q.family_name = p.family_name) AS same FROM patient p"
            " JOIN user_account u ON u.id = p.primary_case_manager_id"
            " WHERE u.username = 'nurse' AND p.status = 'active' AND length(p.family_name) >= 6"
            " ORDER BY same, p.id LIMIT 1"
        ).fetchall()
    mrn, family = rows[0][:2]
    return mrn, family[:5]


class Round:
    """One nurse's round through the five steps in a signed-in page; each step timed."""

    def __init__(self, pg, mrn: str, fragment: str):
        self.pg, self.mrn, self.fragment = pg, mrn, fragment
        self.sidebar = pg.get_by_test_id("stSidebar")
        self.phone = 0
        self.wall: dict[str, list[float]] = {}

    def timed(self, step: str, act, **arg) -> float:
        self.pg.evaluate(ARM)
        started = time.perf_counter()
        act()
        done = DONE % (READY, CONTENT[step])
        handle = self.pg.wait_for_function(done, arg={"mrn": self.mrn, **arg}, polling="raf")
        self.wall.setdefault(step, []).append(time.perf_counter() - started)
        return float(handle.json_value())

    def run(self) -> dict[str, float]:
        pg, took = self.pg, {}
        wait_ready(pg)
        took[STEPS[0]] = self.timed(
            STEPS[0],
            lambda: self.sidebar.get_by_role("link", name="Patients").click(),
            found=r"^\d+ patient\(s\) found",
        )
        box = pg.get_by_label("Find a patient")
        box.fill(self.fragment)
        took[STEPS[1]] = self.timed(
            STEPS[1], lambda: box.press("Enter"), found=r"^[1-9] patient\(s\) found"
        )
        wait_ready(pg)
        pg.get_by_test_id("stSelectbox").filter(has_text="Open patient").click()
        option = pg.get_by_role("option").filter(has_text=self.mrn).first
        took[STEPS[2]] = self.timed(STEPS[2], option.click)
        wait_ready(pg)
        pg.get_by_role("button", name="Edit details").click()
        pg.get_by_role("button", name="Save changes").wait_for()
        wait_ready(pg)
        self.phone += 1  # a different number each round: every save changes the record
        pg.get_by_label("Phone").fill(f"617-555-{self.phone % 10000:04d}")
        took[STEPS[3]] = self.timed(STEPS[3], pg.get_by_role("button", name="Save changes").click)
        wait_ready(pg)
        took[STEPS[4]] = self.timed(
            STEPS[4],
            lambda: self.sidebar.get_by_role("link", name="Calendar").click(),
        )
        # The calendar reports its view back once drawn (a run of its own): let it end
        # so the next round's first click is not queued behind it.
        pg.wait_for_timeout(700)
        wait_ready(pg)
        return took


def measure(
    data_dir: Path, runs: int, nginx: bool = False
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Per step: the browser's figures, and Playwright's wall clock (its own steps in)."""
    from playwright.sync_api import sync_playwright

    mrn, fragment = nurse_patient(data_dir / "caredesk-demo.sqlite3")
    # The key the clinic was built with (bench/bench_pages.py): its audit chain stays whole.
    app = start_app(data_dir, {"CAREDESK_SECRET_KEY": "bench"})
    proxy = None
    try:
        if nginx:
            proxy = start_nginx(data_dir.parent / "nginx", [int(app.url.rsplit(":", 1)[1])])
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=_chromium(), args=BROWSER_ARGS, headless=True
            )
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            pg = context.new_page()
            pg.set_default_timeout(60_000)
            sign_in(pg, proxy or app, "nurse")
            nurse = Round(pg, mrn, fragment)
            nurse.run()  # warm-up: caches, the component's scripts
            times: dict[str, list[float]] = {s: [] for s in STEPS}
            for _ in range(runs):
                for step, seconds in nurse.run().items():
                    times[step].append(seconds)
            browser.close()
        return times, {step: values[1:] for step, values in nurse.wall.items()}
    finally:
        if proxy:
            proxy.stop()
        app.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--limit", type=float, default=0.3, help="seconds, for each median")
    parser.add_argument("--data", type=Path, default=CLINIC, help="the 5,000-patient clinic")
    parser.add_argument("--nginx", action="store_true", help="through nginx (deploy/)")
    args = parser.parse_args()
    source = args.data / "caredesk-demo.sqlite3"
    if not source.exists():
        print(f"no clinic at {source}: run python bench/bench_pages.py first")
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        # The source is not in use: a plain copy (the steps write to the copy only).
        shutil.copytree(args.data, data_dir, ignore=shutil.ignore_patterns("*.log"))
        times, wall = measure(data_dir, args.runs, args.nginx)
        load = os.getloadavg()
    print(
        f"Chromium{' through nginx' if args.nginx else ''}, action to content visible, "
        f"{args.runs} rounds after one warm-up; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )
    print("| step | median | min | max | wall clock, median |")
    print("|---|---|---|---|---|")
    over = []
    for step, values in times.items():
        median = statistics.median(values)
        mark = ""
        if median > args.limit:
            over.append(step)
            mark = "  << over"
        print(
            f"| {step} | {median:.2f} s | {min(values):.2f} s | {max(values):.2f} s "
            f"| {statistics.median(wall[step]):.2f} s |{mark}"
        )
    if over:
        print(f"median over {args.limit} s: " + ", ".join(over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Accessibility scan: axe-core in Chromium on every page, signed in as each role.

    python bench/a11y_scan.py [--roles nurse,admin] [--json findings.json] [--details]

Seeds a small training database, starts CareDesk, and for each role signs in (the
sign-in page is scanned first), opens every page in the navigation, then one patient's
record, intake, care plan, calendar and contacts through the patient header's links.
Prints, per page, the number of violations (one per rule and element) by impact in
CareDesk's own content, and separately those in Streamlit's shell and inside the
calendar's iframe, with the rule ids. `--details` lists every element.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from components.shared.nav import PAGES  # noqa: E402
from tests.browser.axe import CALENDAR, IMPACTS, OWN, SHELL, Report, as_json  # noqa: E402
from tests.browser.conftest import BROWSER_ARGS, start_app, wait_ready  # noqa: E402
from tests.browser.helpers import open_tab  # noqa: E402

ROLES = ["viewer", "scheduler", "socialworker", "nurse", "admin"]
PATIENT_LINKS = ["Intake", "Care plan", "Calendar", "Contacts"]


def seed(data_dir: Path) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "seed-demo", "--patients", "40"],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "CAREDESK_DATABASE_URL"},
            "CAREDESK_DATA_DIR": str(data_dir),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def showcase_patient(data_dir: Path) -> str:
    """A patient with the most to show: an intake draft if any, a care plan, family."""
    with sqlite3.connect(data_dir / "caredesk-demo.sqlite3") as conn:
        return conn.execute(
            "SELECT p.mrn FROM patient p JOIN care_plan c ON c.patient_id = p.id "
            "ORDER BY EXISTS (SELECT 1 FROM intake i WHERE i.patient_id = p.id "
            "AND i.status = 'draft') DESC, (SELECT count(*) FROM related_person r "
            "WHERE r.patient_id = p.id) DESC, p.id LIMIT 1"
        ).fetchone()[0]


def nav_labels(pg) -> list[str]:
    """The pages this role's navigation lists (the link text follows the icon's name)."""
    shown = {
        a.inner_text().split("\n")[-1].strip()
        for a in pg.get_by_test_id("stSidebar").get_by_role("link").all()
    }
    return [p.label for p in PAGES if p.label in shown]


def visit(pg, link) -> None:
    link.click()
    pg.wait_for_timeout(300)  # the run the click starts
    wait_ready(pg)


def scan_tabs(pg, where: str, report: Report) -> None:
    """Each other tab of the page (keyed tabs: only the open one is drawn), then back."""
    tabs = pg.get_by_test_id("stMain").get_by_role("tab")
    names = [t.inner_text().strip() for t in tabs.all()]
    if not names:
        return
    first = names[0]
    for name in names[1:]:
        open_tab(pg, name)
        report.scan(pg, f"{where} › {name}")
    open_tab(pg, first)


def scan_role(
    browser,
    app,
    role: str,
    mrn: str,
    report: Report,
    sign_in_page: bool,
    pictures: Path | None,
    tabs: bool = False,
) -> None:
    # Pictures of whole pages: Streamlit scrolls inside its main area, so make it tall.
    height = 2400 if pictures else 1000
    context = browser.new_context(viewport={"width": 1400, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(45_000)
    if pictures:
        pictures.mkdir(parents=True, exist_ok=True)
        original = report.scan

        def scan_and_picture(page, where: str):
            name = "".join(c if c.isalnum() else "-" for c in where.lower())
            page.screenshot(path=str(pictures / f"{name}.png"), full_page=True)
            return original(page, where)

        report.scan = scan_and_picture
    pg.goto(app.url)
    pg.get_by_role("button", name="Sign in").wait_for()
    wait_ready(pg)
    if sign_in_page:
        report.scan(pg, "Sign in")
    pg.get_by_label("Username").fill(role)
    pg.get_by_label("Password", exact=True).fill("demo")
    pg.get_by_role("button", name="Sign in").click()
    pg.get_by_role("button", name="Sign out").wait_for()
    wait_ready(pg)
    sidebar = pg.get_by_test_id("stSidebar")
    for label in nav_labels(pg):
        visit(pg, sidebar.get_by_role("link", name=label, exact=True))
        report.scan(pg, f"{label} · {role}")
        if tabs:
            scan_tabs(pg, f"{label} · {role}", report)
    # One patient, through the Patients search and then the patient header's links.
    visit(pg, sidebar.get_by_role("link", name="Patients", exact=True))
    pg.get_by_label("Find a patient").fill(mrn)
    pg.get_by_label("Find a patient").press("Enter")
    wait_ready(pg)
    mine = pg.get_by_role("switch", name="Only my patients")
    if mine.count() and mine.is_checked():
        pg.get_by_test_id("stCheckbox").filter(has_text="Only my patients").click()
        wait_ready(pg)
    pg.get_by_test_id("stSelectbox").filter(has_text="Open patient").click()
    pg.get_by_role("option").filter(has_text=mrn).first.click()
    wait_ready(pg)
    pg.get_by_text(f"MRN {mrn}").first.wait_for()
    report.scan(pg, f"Patient record · {role}")
    for label in PATIENT_LINKS:
        header = pg.locator("[class*=st-key-patient_header]").first
        link = header.get_by_role("link", name=label, exact=True)
        if link.count() == 0:
            continue
        visit(pg, link)
        report.scan(pg, f"{label} (patient) · {role}")
        if tabs:
            scan_tabs(pg, f"{label} (patient) · {role}", report)
    context.close()


def table(report: Report, wheres: list[str]) -> str:
    """Per page: critical/serious/moderate violations as axe counts them (one per rule), with
    the elements they cover in brackets, in CareDesk's own content; then the rules that
    fail in Streamlit's shell and in the calendar's iframe."""
    rows = [f"{'page':40} {'own c/s/m (elements)':>22}  own rules | shell | calendar"]
    for where in wheres:
        own = report.of_page(where, OWN)
        rules = {imp: {f.rule for f in own if f.impact == imp} for imp in IMPACTS}
        nodes = sum(1 for f in own if f.impact != "minor")
        cell = (
            f"{len(rules['critical'])}/{len(rules['serious'])}/{len(rules['moderate'])} ({nodes})"
        )
        shell = ",".join(report.rules(where, SHELL)) or "-"
        cal = ",".join(report.rules(where, CALENDAR)) or "-"
        rows.append(
            f"{where:40} {cell:>22}  {','.join(report.rules(where, OWN)) or '-'} | {shell} | {cal}"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--json", type=Path, help="write every finding here")
    parser.add_argument("--details", action="store_true", help="list every element")
    parser.add_argument("--tabs", action="store_true", help="also every tab of every page")
    parser.add_argument("--screenshots", type=Path, help="save a picture of each page here")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="caredesk-a11y-"))
    data_dir = work / "data"
    data_dir.mkdir()
    seed(data_dir)
    mrn = showcase_patient(data_dir)
    app = start_app(data_dir)
    report = Report()
    started = time.monotonic()
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=shutil.which("chromium"), args=BROWSER_ARGS, headless=True
            )
            for n, role in enumerate(args.roles.split(",")):
                scan_role(browser, app, role, mrn, report, n == 0, args.screenshots, args.tabs)
            browser.close()
    finally:
        app.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(table(report, report.pages))
    own = report.of(OWN, ("critical", "serious"))
    print(
        f"\n{len(own)} critical or serious in CareDesk's own content; scanned in "
        f"{time.monotonic() - started:.0f} s"
    )
    if args.details:
        for f in report.findings:
            print(f.line())
    if args.json:
        args.json.write_text(as_json(report.findings))


if __name__ == "__main__":
    main()

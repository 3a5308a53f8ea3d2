"""Calendar benchmark: the week view with 500 vs 50,000 appointments in the database.

    python bench/bench_calendar.py [--runs 20] [--no-browser]

Two training databases are seeded with the same caseload and seed (so the week on
screen holds the same appointments); the large one also holds older history up to
50,000 appointments. For each it reports the median of `--runs`:
  - the database query for a staff member's visible week (and for everyone's week);
  - the calendar page run under AppTest (signed in as the nurse, week view);
  - with Chromium available: seconds from clicking "Calendar" in the navigation
    until the week's events are drawn.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PATIENTS = 110  # about 500 appointments in the twenty weeks around today


def seed(data_dir: Path, target: int | None) -> str:
    os.environ["CAREDESK_DATA_DIR"] = str(data_dir)
    from db import config, migrate
    from db.session import session_scope
    from services.demo import scheduling as demo_scheduling
    from services.demo import seed_demo

    settings = config.load()
    settings.set_demo_mode(True)
    url = settings.demo_database_url
    migrate.upgrade(url)
    original = demo_scheduling.seed
    demo_scheduling.seed = lambda ctx: original(ctx, target=target)
    try:
        with session_scope(url) as s:
            seed_demo(s, patients=PATIENTS, seed=7)
    finally:
        demo_scheduling.seed = original
    return url


def interleaved(fns: dict, runs: int) -> dict[str, float]:
    """Median milliseconds of each callable, run alternately so machine load hits all alike."""
    for fn in fns.values():
        fn()  # warm-up: first connection, page caches
    times: dict[str, list[float]] = {k: [] for k in fns}
    for _ in range(runs):
        for key, fn in fns.items():
            t0 = time.perf_counter()
            fn()
            times[key].append((time.perf_counter() - t0) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


def measure(dirs: dict[str, tuple[Path, str]], runs: int) -> dict[str, dict]:
    from sqlalchemy import func, select

    from db.base import today
    from db.models import Appointment, User
    from db.session import session_scope
    from services.scheduling import agenda
    from services.scheduling import feed as calendar_feed
    from services.scheduling.agenda import Filters
    from tests.apptest import signed_in

    tz = "America/New_York"
    start, end = calendar_feed.visible_range(None, tz, today())
    out: dict[str, dict] = {}
    fns = {}
    for label, (data_dir, url) in dirs.items():
        with session_scope(url) as s:
            total = s.scalar(select(func.count(Appointment.id)))
            nurse = s.scalar(select(User.id).where(User.username == "nurse"))

        def week(staff_id, url=url):
            with session_scope(url) as s:
                return agenda.appointments_between(s, start, end, Filters(staff_id=staff_id))

        os.environ["CAREDESK_DATA_DIR"] = str(data_dir)
        at = signed_in("nurse", "pages/calendar.py", password="demo")
        assert not at.exception, at.exception

        def page(at=at, data_dir=data_dir):
            os.environ["CAREDESK_DATA_DIR"] = str(data_dir)
            at.run()
            assert not at.exception, at.exception

        out[label] = {
            "appointments": total,
            "week events (nurse)": len(week(nurse)),
            "week events (everyone)": len(week(None)),
        }
        fns[(label, "query nurse week ms")] = lambda w=week, n=nurse: w(n)
        fns[(label, "query everyone's week ms")] = lambda w=week: w(None)
        fns[(label, "page run ms (AppTest)")] = page
    for (label, key), value in interleaved(fns, runs).items():
        out[label][key] = value
    return out


def browser_seconds(data_dir: Path, runs: int) -> float | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    from tests.browser.conftest import BROWSER_ARGS, _chromium, sign_in, start_app, wait_ready

    app = start_app(data_dir)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=_chromium(), args=BROWSER_ARGS, headless=True
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(30_000)
            sign_in(page, app, "nurse")
            times = []
            for i in range(runs + 1):
                page.get_by_test_id("stSidebar").get_by_role("link", name="My day").click()
                wait_ready(page)
                t0 = time.perf_counter()
                page.get_by_test_id("stSidebar").get_by_role("link", name="Calendar").click()
                frame = page.frame_locator("iframe[title='streamlit_calendar.calendar']")
                frame.locator(".fc-timegrid-event").first.wait_for()
                if i:  # the first load warms the component's JavaScript cache
                    times.append(time.perf_counter() - t0)
            browser.close()
            return statistics.median(times)
    finally:
        app.stop()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--big", type=int, default=50_000)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("CAREDESK_SECRET_KEY", "bench-key")
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        dirs, seeded = {}, {}
        for label, target in (("small", None), ("large", args.big)):
            data_dir = Path(tmp) / label / "data"
            data_dir.mkdir(parents=True)
            t0 = time.perf_counter()
            dirs[label] = (data_dir, seed(data_dir, target))
            seeded[label] = time.perf_counter() - t0
        results = measure(dirs, args.runs)
        for label in dirs:
            results[label]["seed s"] = seeded[label]
        if not args.no_browser:
            from db.session import dispose_all

            dispose_all()
            for label, (data_dir, _) in dirs.items():
                results[label]["browser week shown s"] = browser_seconds(data_dir, 5)
        load = os.getloadavg()[0]
    small, large = results["small"], results["large"]
    print(f"{'':32}{'small':>12}{'large':>12}")
    for key in small:
        a, b = small[key], large[key]
        fmt = (lambda v: f"{v:12.1f}") if isinstance(a, float) else (lambda v: f"{v!s:>12}")
        print(f"{key:32}{fmt(a)}{fmt(b)}")
    base = small["query nurse week ms"] + small["page run ms (AppTest)"]
    big = large["query nurse week ms"] + large["page run ms (AppTest)"]
    print(f"\nweek view (query + page run): {base:.1f} ms vs {big:.1f} ms = {big / base:.2f}x")
    print("target: within 1.5x; browser under 1.5 s")
    print(f"load average during the run: {load:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Two CareDesk processes on one PostgreSQL behind nginx, real browsers, a clinic's size.

    python bench/bench_nginx.py [--seconds 120] [--contexts 4] [--think 1.0]
        [--url postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--rebuild]
        [--one-process] [--light 12]

The setup the README tells a clinic to run: two CareDesk processes (`streamlit run
app.py`, each on its own port, the same database and secrets) behind nginx configured by
deploy/nginx-caredesk.conf (tests/browser/nginx_proxy.py runs it on free ports), against
the 5,000-patient clinic with its history, seeded once into PostgreSQL database
caredesk_bench_5000 (bench_concurrency.prepare_postgresql; kept, `--rebuild` seeds again).

Each of `--contexts` Chromium browsers (each its own browser, in a thread of its own:
Playwright's sync API is one per thread) signs in through nginx as a different nurse and
loops through a case manager's everyday steps, with `--think` seconds between them: My day;
the Patients page; a search for one of her patients (by MRN); open that patient; edit the
record and save. One loop is done first without the clock (each process compiles its
pages once), then the clock runs for `--seconds`.

What it measures: per step, the time from the user's action (a click, Enter) to the
content the step brings being visible and the page's run finished (p50 and p95), every
error, how the browsers spread over the two processes (and that each stayed on its
own, from nginx's access log), each server process's CPU (from /proc/PID/stat) and
resident memory at the start, peak and end, and the machine's load average. It does not
include the browser's start or sign-in. Four browsers already keep these two shared cores
busy; more measure the machine, not CareDesk. It exits 1 over a p95 of 1.5 s (all steps
together) or on any error. Run it with `nice`. No patient's name is printed.
`--one-process` runs the same against one process without nginx, for comparison.
`--light N` adds N nurses as light websocket sessions (bench_concurrency.py's mixed day,
its writes read back afterwards), so that a few browsers measure what a nurse sees while
the servers carry a whole team: `--contexts 4 --light 12` is sixteen sessions.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import statistics
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from app_server import cpu_seconds, rss_mb  # noqa: E402 - beside this file

LIMIT_P95_S = 1.5
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
STEPS = ["My day", "Patients", "Search", "Open patient", "Save an edit"]
# Streamlit signs its own cookies with this; every process must have the same (README).
COOKIE_SECRET = "bench-nginx-cookie-secret"


@dataclass
class Nurse:
    username: str
    mrn: str


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    errors: list[str] = field(default_factory=list)
    landed: dict[str, str] = field(default_factory=dict)  # routing key -> process
    lock: threading.Lock = field(default_factory=threading.Lock)


def cast(n: int) -> list[Nurse]:
    """n nurses, each with one of her own patients (no two share one: edits would clash)."""
    from bench_concurrency import nurses
    from sqlalchemy import select

    from db.models import Patient
    from db.session import read_scope

    chosen = nurses(n)
    with read_scope() as s:
        mrns = dict(
            s.execute(
                select(Patient.id, Patient.mrn).where(
                    Patient.id.in_([c.patient_id for c in chosen])
                )
            ).all()
        )
    return [Nurse(c.username, mrns[c.patient_id]) for c in chosen]


# ---------------------------------------------------------------- the server processes


def descendants(root: int) -> list[int]:
    """Every process under `root` (Playwright's drivers, Chromium's processes, nginx)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Watch:
    """Each server process's CPU over the timed part, and its memory every half second;
    the CPU of everything else this run started (the browsers, nginx) from the same
    samples (a process's last half second before it exits is missed)."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.rss: dict[int, list[float]] = {p: [rss_mb(p)] for p in pids}
        self.cpu: dict[int, float] = {}
        self.others: dict[int, list[float]] = {}  # pid -> [CPU at the clock's start, last]
        self.started = 0.0
        self._done = threading.Event()
        threading.Thread(target=self._sample, daemon=True).start()

    def _others_now(self) -> dict[int, float]:
        now = {}
        for p in descendants(os.getpid()):
            if p not in self.pids:
                try:
                    now[p] = cpu_seconds(p)
                except (OSError, ValueError):
                    continue
        return now

    def _sample(self) -> None:
        while not self._done.wait(0.5):
            for p in self.pids:
                self.rss[p].append(rss_mb(p))
            if self.started:
                for p, used in self._others_now().items():
                    self.others.setdefault(p, [0.0, used])[1] = used

    def start_clock(self) -> None:
        self.cpu = {p: cpu_seconds(p) for p in self.pids}
        self.others = {p: [used, used] for p, used in self._others_now().items()}
        self.started = time.perf_counter()

    def stop(self) -> dict[int, dict[str, float]]:
        wall = time.perf_counter() - self.started
        self._done.set()
        out = {}
        for p in self.pids:
            self.rss[p].append(rss_mb(p))
            out[p] = {
                "cores": (cpu_seconds(p) - self.cpu[p]) / wall,
                "start": self.rss[p][0],
                "peak": max(self.rss[p]),
                "end": self.rss[p][-1],
            }
        out[0] = {"cores": sum(last - first for first, last in self.others.values()) / wall}
        return out


# ---------------------------------------------------------------- one nurse's browser

MRN = re.compile(r"CD\d{6}")


def quiet(exc: Exception) -> str:
    """An error's first line without any MRN (a locator may name the one it waited for)."""
    first = (str(exc).strip().splitlines() or [""])[0][:160]
    return f"{type(exc).__name__}: {MRN.sub('CD…', first)}"


def timed(tally: Tally, step: str, clock: bool, act, until) -> None:
    started = time.perf_counter()
    act()
    until()
    if clock:
        with tally.lock:
            tally.times[step].append(time.perf_counter() - started)


def one_loop(pg, who: Nurse, seq: int, tally: Tally, clock: bool, think: float) -> None:
    from playwright.sync_api import expect

    from tests.browser.conftest import READY, wait_ready
    from tests.browser.helpers import open_patient_list

    sidebar = pg.get_by_test_id("stSidebar")
    main = pg.get_by_test_id("stMain")

    def shown(locator):
        """The step's content is drawn and the run that drew it is over. (Not wait_ready,
        whose pause of 150 ms would be counted in every step.) The content is new to the
        page, so once it shows, the run the action started is under way or done."""

        def wait() -> None:
            locator.first.wait_for()
            pg.wait_for_selector(READY)

        return wait

    timed(
        tally,
        "My day",
        clock,
        lambda: sidebar.get_by_role("link", name="My day").click(),
        shown(main.get_by_role("heading", level=1, name="My day", exact=True)),
    )
    time.sleep(think)
    timed(
        tally,
        "Patients",
        clock,
        lambda: sidebar.get_by_role("link", name="Patients").click(),
        shown(pg.get_by_label("Find a patient")),
    )
    wait_ready(pg)
    mine = pg.get_by_role("switch", name="Only my patients")
    if mine.is_checked():  # search everyone's, as bench_concurrency does (her MRN either way)
        pg.get_by_test_id("stCheckbox").filter(has_text="Only my patients").click()
        expect(mine).not_to_be_checked()
        wait_ready(pg)
    time.sleep(think)
    box = pg.get_by_label("Find a patient")
    box.fill(who.mrn)
    timed(
        tally,
        "Search",
        clock,
        lambda: box.press("Enter"),
        # Before Enter the page already lists everyone ("5000 patient(s) found").
        shown(main.get_by_text(re.compile(r"^1 patient\(s\) found"))),
    )
    wait_ready(pg)
    time.sleep(think)
    option = open_patient_list(pg, who.mrn)
    timed(
        tally,
        "Open patient",
        clock,
        option.click,
        shown(main.get_by_role("button", name="Edit details")),
    )
    wait_ready(pg)
    time.sleep(think)
    main.get_by_role("button", name="Edit details").click()
    city = pg.get_by_label("City")
    city.wait_for()
    wait_ready(pg)
    city.fill(f"Bench City {seq}")
    timed(
        tally,
        "Save an edit",
        clock,
        lambda: pg.get_by_role("button", name="Save changes").click(),
        shown(main.get_by_text("Changes saved.")),
    )
    wait_ready(pg)
    time.sleep(think)
    # Back to the search, so the Patients link shows the search again next time.
    main.get_by_role("button", name="← Back to search").click()
    wait_ready(pg)


def browser_loop(
    who: Nurse,
    proxy_url: str,
    tally: Tally,
    warm: threading.Barrier,
    ends: list[float],
    think: float,
) -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import BROWSER_ARGS, sign_in

    @dataclass
    class Site:
        url: str

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=shutil.which("chromium"),  # Debian's, as the browser tests use
            args=BROWSER_ARGS,
            headless=True,
        )
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        pg = context.new_page()
        pg.set_default_timeout(60_000)
        first = pg.goto(proxy_url)
        # Through nginx: the process it chose, and the browser's routing cookie. Without
        # it (--one-process), the one process the browser talks to.
        direct = proxy_url.removeprefix("http://")
        process = first.header_value("x-caredesk-upstream") or direct
        routes = [c["value"] for c in context.cookies() if c["name"] == "caredesk_route"]
        key = routes[0] if routes else f"{direct} {who.username}"
        with tally.lock:
            tally.landed[key] = process
        seq = 0
        try:
            sign_in(pg, Site(proxy_url), who.username, "demo")
            one_loop(pg, who, seq, tally, clock=False, think=0)  # untimed: pages compile
        except Exception as exc:  # noqa: BLE001 - counted; this browser then sits out
            with tally.lock:
                tally.errors.append(f"{who.username} warming up: {quiet(exc)}")
            warm.wait()
            browser.close()
            return
        warm.wait()
        while time.perf_counter() < ends[0]:
            seq += 1
            try:
                one_loop(pg, who, seq, tally, clock=True, think=think)
            except Exception as exc:  # noqa: BLE001 - counted, then start over signed in
                with tally.lock:
                    tally.errors.append(f"{who.username} loop {seq}: {quiet(exc)}")
                try:
                    sign_in(pg, Site(proxy_url), who.username, "demo")
                except Exception as again:  # noqa: BLE001
                    with tally.lock:
                        tally.errors.append(f"{who.username} signing in again: {quiet(again)}")
                    break
        context.close()
        browser.close()


# ---------------------------------------------------------------- the run


def p95(xs: list[float]) -> float:
    """Nearest rank: the smallest time that 95% of the steps did not exceed."""
    xs = sorted(xs)
    return xs[max(0, math.ceil(len(xs) * 0.95) - 1)] if xs else 0.0


def light_sessions(url: str, contexts: int, light: int, ends: float, think: float):
    """`light` more nurses beside the browsers, each a light websocket session doing
    bench_concurrency.py's mixed day (its writes included) until `ends`; returns the
    threads and their tally. They start once the browsers are warm."""
    import bench_concurrency as busy

    tally = busy.Tally()
    who = busy.nurses(contexts + light)[contexts:]  # none shares a browser's patient

    def one(n: int) -> None:
        try:
            tab = busy.signed_in(who[n], url)
        except Exception as exc:  # noqa: BLE001 - counted
            with tally.lock:
                tally.errors.append(f"light session {n} signing in: {quiet(exc)}")
            return
        busy.session_loop(contexts + n, who[n], tab, ends, think, False, tally)

    threads = [threading.Thread(target=one, args=(n,)) for n in range(light)]
    for t in threads:
        t.start()
    return threads, tally


def run(
    seconds: float,
    contexts: int,
    think: float,
    server_url: str,
    rebuild: bool,
    one: bool,
    light: int = 0,
) -> int:
    from bench_concurrency import prepare_postgresql

    from tests.browser.conftest import start_app
    from tests.browser.nginx_proxy import start_nginx

    os.environ.setdefault("CAREDESK_SECRET_KEY", "bench")  # the key the clinic was seeded with
    prepare_postgresql(server_url, rebuild)
    url = os.environ["CAREDESK_DATABASE_URL"]
    data = Path(os.environ["CAREDESK_DATA_DIR"])
    nurses = cast(contexts)
    shared = {
        "CAREDESK_DATABASE_URL": url,
        "CAREDESK_SECRET_KEY": os.environ["CAREDESK_SECRET_KEY"],
        "STREAMLIT_SERVER_COOKIE_SECRET": COOKIE_SECRET,
    }
    apps = [start_app(data, shared) for _ in range(1 if one else 2)]
    ports = [int(a.url.rsplit(":", 1)[1]) for a in apps]
    proxy = None if one else start_nginx(data.parent / "nginx-bench", ports)
    if proxy:
        proxy.access_log.write_text("")
    by_port = {f"127.0.0.1:{p}": a.process.pid for p, a in zip(ports, apps, strict=True)}
    watch = Watch(list(by_port.values()))
    load_before = os.getloadavg()
    tally = Tally()
    ends = [float("inf")]

    light_side: dict = {}  # the light sessions' threads and tally, once they start

    def clock_starts() -> None:  # the barrier's action: every browser warmed up
        watch.start_clock()
        ends[0] = time.perf_counter() + seconds
        if light:
            started = light_sessions(site, contexts, light, ends[0], think)
            light_side["threads"], light_side["tally"] = started

    warm = threading.Barrier(contexts, action=clock_starts)
    site = proxy.url if proxy else apps[0].url
    threads = [
        threading.Thread(target=browser_loop, args=(who, site, tally, warm, ends, think))
        for who in nurses
    ]
    try:
        for t in threads:
            t.start()
        for t in threads + light_side.get("threads", []):
            t.join()
        servers = watch.stop()
        load_after = os.getloadavg()
        time.sleep(1)  # nginx logs a WebSocket when it closes
        seen = proxy.requests() if proxy else None
    finally:
        if proxy:
            proxy.stop()
        for a in apps:
            a.stop()
    for key, process in tally.landed.items() if seen else ():
        if seen.processes_of(key) != {process}:
            tally.errors.append(f"a browser moved between processes: {seen.processes_of(key)}")

    every = [t for ts in tally.times.values() for t in ts]
    print(
        "PostgreSQL (5,000 patients), "
        + ("1 process, no nginx" if one else "2 processes behind nginx")
        + f", {contexts} Chromium browsers, "
        f"{seconds:.0f} s, {think:g} s between steps"
    )
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
    )
    print(f"{'step':<14} {'count':>6} {'p50':>8} {'p95':>8} {'max':>8}")
    for step in STEPS:
        ts = tally.times[step]
        if ts:
            print(
                f"{step:<14} {len(ts):>6} {statistics.median(ts) * 1000:>6.0f}ms "
                f"{p95(ts) * 1000:>6.0f}ms {max(ts) * 1000:>6.0f}ms"
            )
    if every:
        print(
            f"{'all steps':<14} {len(every):>6} {statistics.median(every) * 1000:>6.0f}ms "
            f"{p95(every) * 1000:>6.0f}ms {max(every) * 1000:>6.0f}ms"
        )
    spread = Counter(tally.landed.values())
    print("browsers per process: " + ", ".join(f"{p}: {n}" for p, n in sorted(spread.items())))
    for upstream, pid in by_port.items():
        s = servers[pid]
        print(
            f"process {upstream}: CPU {s['cores']:.2f} cores; RSS start {s['start']:.0f} MB, "
            f"peak {s['peak']:.0f} MB, end {s['end']:.0f} MB"
        )
    if every:
        server_cpu = sum(servers[pid]["cores"] for pid in by_port.values()) * seconds
        print(
            f"server CPU per timed step: {server_cpu / len(every) * 1000:.0f} ms "
            f"({'the process' if one else 'both processes'}, the untimed clicks between "
            f"included); the browsers{'' if one else ' and nginx'} used "
            f"{servers[0]['cores']:.2f} cores"
        )
    if light_side:
        import bench_concurrency

        runs, side = sorted(bench_concurrency.SCRIPT_RUNS), light_side["tally"]
        tally.errors += side.errors
        lost = bench_concurrency.lost_writes(side)
        tally.errors += [f"lost: {x}" for x in lost]
        acknowledged = len(side.tasks) + len(side.visits) + len(side.addresses)
        print(
            f"beside them, {light} light sessions (bench_concurrency.py's mixed day): "
            f"{len(runs)} script runs, p50 {statistics.median(runs):.0f} ms, "
            f"p95 {p95(runs):.0f} ms; writes acknowledged {acknowledged}, lost {len(lost)}"
        )
    print(f"errors: {len(tally.errors)}")
    for problem in tally.errors[:10]:
        print("  " + problem)
    bad = not every or p95(every) > LIMIT_P95_S or tally.errors
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--contexts", type=int, default=4, help="browsers, each a nurse")
    parser.add_argument("--think", type=float, default=1.0, help="seconds between steps")
    parser.add_argument("--url", default=DEFAULT_SERVER, help="the PostgreSQL server")
    parser.add_argument("--rebuild", action="store_true", help="seed the clinic again")
    parser.add_argument(
        "--one-process", action="store_true", help="for comparison: one process, no nginx"
    )
    parser.add_argument(
        "--light",
        type=int,
        default=0,
        help="this many light websocket sessions beside the browsers (e.g. 12)",
    )
    args = parser.parse_args()
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    os.chdir(ROOT)
    return run(
        args.seconds,
        args.contexts,
        args.think,
        args.url,
        args.rebuild,
        args.one_process,
        args.light,
    )


if __name__ == "__main__":
    sys.exit(main())

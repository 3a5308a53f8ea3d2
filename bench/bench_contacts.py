"""Contacts figures: the signed-in Contacts page (AppTest median of 20 runs) with a directory
of 200 organizations against 20,000 — the opening page, and a search for "meals".

Run: python bench/bench_contacts.py   (prints the figures; not a test)
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = 20


def build(data_dir: Path, organizations: int) -> None:
    """A small demo clinic, then synthetic organizations up to the wanted count."""
    env = {**os.environ, "CAREDESK_DATA_DIR": str(data_dir), "CAREDESK_SECRET_KEY": "bench"}
    subprocess.run(
        [sys.executable, "manage.py", "seed-demo", "--patients", "200"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    from sqlalchemy import create_engine, func, select

    from db.models import Organization
    from services.contacts.directory import ORG_TYPES, dedupe_key, search_text
    from services.core.text import fold

    engine = create_engine(f"sqlite:///{data_dir / 'caredesk-demo.sqlite3'}")
    rng = random.Random(organizations)
    with engine.begin() as conn:
        have = conn.scalar(select(func.count(Organization.id)))
        rows = []
        for n in range(have, organizations):
            org_type = rng.choice(ORG_TYPES)
            name = f"Bench {org_type.title()} Agency {n:05d}"
            services = rng.choice(["home-delivered meals", "rides", "counseling", "oxygen"])
            rows.append(
                {
                    "name": name,
                    "org_type": org_type,
                    "services": services,
                    "phone": f"+1617555{100 + n % 100:04d}",
                    "address": f"{n} Bench St",
                    "search_text": search_text(name, org_type, services),
                    "name_key": fold(name),
                    "dedupe_key": dedupe_key(name, f"{n} Bench St"),
                    "status": "active",
                    "version": 1,
                }
            )
        if rows:
            conn.execute(Organization.__table__.insert(), rows)
        print(f"  directory: {conn.scalar(select(func.count(Organization.id))):,} organizations")
    engine.dispose()


def medians(data_dir: Path) -> tuple[float, float]:
    os.environ["CAREDESK_DATA_DIR"] = str(data_dir)
    os.environ["CAREDESK_SECRET_KEY"] = "bench"
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input("nurse")
    inputs["Password"].input("demo")
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    at.switch_page("pages/contacts.py")
    at.run()  # warm-up
    results = []
    for query in ("", "meals"):
        next(t for t in at.text_input if t.label == "Search the directory").input(query)
        at.run()
        shown = " ".join(c.value for c in at.caption)
        assert "organization(s)" in shown, shown
        if not query:
            print(f"  page says: {next(c.value for c in at.caption if 'organization' in c.value)}")
        times = []
        for _ in range(RUNS):
            started = time.perf_counter()
            at.run()
            times.append(time.perf_counter() - started)
            assert not at.exception, at.exception
        results.append(statistics.median(times))
    return results[0], results[1]


def one(folder: Path, count: int) -> None:
    build(folder, count)
    opening, search = medians(folder)
    print(
        f"Contacts page, signed in, AppTest median of {RUNS} with {count:,} organizations: "
        f"opening {opening * 1000:.0f} ms, search 'meals' {search * 1000:.0f} ms",
        flush=True,
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        one(Path(sys.argv[2]), int(sys.argv[3]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        for count in (200, 20_000):
            # A fresh process per size, so neither run warms the other's caches.
            subprocess.run(
                [sys.executable, __file__, "--one", str(Path(tmp) / str(count)), str(count)],
                check=True,
            )


if __name__ == "__main__":
    main()

"""Foundation figures: seed-demo time, and the signed-in Patients page run at 50 vs 5,000 patients.

Run: python bench/bench_foundation.py   (prints the figures; not a test)
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = 20


def seed(data_dir: Path, patients: int) -> float:
    env = {**os.environ, "CAREDESK_DATA_DIR": str(data_dir), "CAREDESK_SECRET_KEY": "bench"}
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "manage.py", "seed-demo", "--patients", str(patients)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - started


def patients_page_median(data_dir: Path) -> float:
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
    at.switch_page("pages/patients.py")
    at.run()  # warm-up: migrations check, imports
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, large = Path(tmp) / "small", Path(tmp) / "large"
        seed(small, 50)
        seconds = seed(large, 5000)
        print(f"seed-demo --patients 5000: {seconds:.1f} s (whole command, all capabilities)")
        for label, folder in (("50", small), ("5,000", large)):
            print(
                f"Patients page, signed in, AppTest median of {RUNS} at {label} patients: "
                f"{patients_page_median(folder) * 1000:.0f} ms"
            )


if __name__ == "__main__":
    main()

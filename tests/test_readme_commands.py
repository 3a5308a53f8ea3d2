"""The README's two commands: each one line, the same ones run.py takes and CI runs.

CI (.ci/run) runs them for real on a fresh clone in a fresh folder; this keeps the
README, run.py and .ci/run saying the same thing, in milliseconds.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def command_under(heading: str) -> list[str]:
    """The lines of the first code block after a heading."""
    section = README.split(f"## {heading}", 1)[1]
    block = re.search(r"```(?:bash)?\n(.*?)```", section, re.S)
    assert block, f"no command under {heading}"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_start_and_test_are_one_line_each_and_ci_runs_the_same():
    assert command_under("Start it (one command)") == ["python3 run.py"]
    assert command_under("Test it (one command)") == ["python3 run.py test"]
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python3 run.py test" in ci and "git clone" in ci
    assert "python3 run.py " in (ROOT / ".ci" / "readme-start-check").read_text()


def test_the_readme_says_what_to_do_without_python_and_on_windows():
    start = README.split("## Start it (one command)", 1)[1].split("\n## ", 1)[0]
    assert "python.org" in start and "py run.py" in start and "python3-venv" in start


def test_a_clinic_install_gets_no_test_tools():
    app = (ROOT / "requirements.txt").read_text().lower()
    dev = (ROOT / "requirements-dev.txt").read_text().lower()
    for tool in ("pytest", "playwright", "ruff"):
        assert tool not in app and tool in dev
    assert "-r requirements.txt" in dev


def test_run_py_needs_nothing_but_python_to_explain_itself():
    done = subprocess.run(
        [sys.executable, "run.py", "--help"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "python3 run.py test" in done.stdout and ".venv" in done.stdout

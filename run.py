"""Start CareDesk, or run its tests, from a fresh copy with one command.

    python3 run.py            start CareDesk (streamlit run app.py) in your browser
    python3 run.py --server.port 8600 ...   the same, with options for streamlit
    python3 run.py test       run the whole test suite (pytest)
    python3 run.py manage ... an operator command (python manage.py ...)

On first use it makes a private Python environment in .venv beside this file and
installs what CareDesk needs into it (requirements.txt; for the tests also
requirements-dev.txt), so nothing is installed into the computer's own Python (which
current Debian and Ubuntu refuse anyway). Later runs reuse it and reinstall only when a
requirements file changed. On Windows use `py run.py`.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
MIN_PYTHON = (3, 11)


def venv_python() -> Path:
    inside = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENV / inside


def _stamp(files: list[Path]) -> str:
    digest = hashlib.sha256()
    for f in files:
        digest.update(f.read_bytes())
    return digest.hexdigest()[:16]


def ensure_environment(*, for_tests: bool) -> Path:
    """The .venv's Python, with the requirements installed (once per requirements change)."""
    if sys.version_info < MIN_PYTHON:
        sys.exit(
            f"CareDesk needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer; this is "
            f"{sys.version.split()[0]}. Install a current Python from python.org (or your "
            "system's packages) and run this again."
        )
    python = venv_python()
    if not python.exists():
        print("Setting up CareDesk's own Python environment in .venv (first run only)...")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (OSError, subprocess.CalledProcessError) as exc:
            sys.exit(
                f"Could not create .venv ({exc}). On Debian or Ubuntu install the venv "
                "module first: sudo apt install python3-venv"
            )
    files = [ROOT / "requirements.txt"] + ([ROOT / "requirements-dev.txt"] if for_tests else [])
    marker = VENV / f".installed-{'dev' if for_tests else 'app'}-{_stamp(files)}"
    if not marker.exists():
        print("Installing what CareDesk needs (a few minutes the first time)...")
        pip = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet"]
        for f in files:
            pip += ["-r", str(f)]
        if subprocess.run(pip, cwd=ROOT, check=False).returncode != 0:
            sys.exit("Installing the requirements failed; the messages above say why.")
        for old in VENV.glob(f".installed-{'dev' if for_tests else 'app'}-*"):
            old.unlink()
        marker.touch()
    return python


def _env() -> dict:
    """As if .venv were activated: its tools (streamlit, ruff) come first on the PATH."""
    env = dict(os.environ, VIRTUAL_ENV=str(VENV))
    env["PATH"] = os.pathsep.join([str(venv_python().parent), env.get("PATH", "")])
    return env


def main(argv: list[str]) -> int:
    if argv and argv[0].startswith("--") and argv[0] != "--help":  # options for streamlit
        argv = ["start", *argv]
    command, rest = (argv[0], argv[1:]) if argv else ("start", [])
    if command in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    if command == "test":
        python = ensure_environment(for_tests=True)
        return subprocess.run([str(python), "-m", "pytest", *rest], cwd=ROOT, env=_env()).returncode
    python = ensure_environment(for_tests=False)
    if command == "manage":
        return subprocess.run([str(python), "manage.py", *rest], cwd=ROOT, env=_env()).returncode
    if command != "start":
        print(f"Unknown command {command!r}.\n{__doc__}")
        return 2
    return subprocess.run(
        [str(python), "-m", "streamlit", "run", "app.py", *rest], cwd=ROOT, env=_env()
    ).returncode


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        sys.exit(130)

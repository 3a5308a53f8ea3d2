"""The calendar widget's frontend served from static/calendar is the installed package's."""

from __future__ import annotations

import filecmp
from pathlib import Path

import streamlit_calendar

ROOT = Path(__file__).resolve().parents[2]
SERVED = ROOT / "static" / "calendar"
BUILD = Path(streamlit_calendar.__file__).parent / "frontend" / "build"


def _files(folder: Path) -> set[str]:
    """The files the browser loads (no source maps, no build manifest)."""
    return {
        str(p.relative_to(folder))
        for p in folder.rglob("*")
        if p.is_file() and not p.name.endswith(".map") and p.name != "asset-manifest.json"
    }


def test_the_served_copy_matches_the_installed_streamlit_calendar():
    ours = _files(SERVED) - {"README.md", "LICENSE"}
    assert ours == _files(BUILD), "copy streamlit_calendar/frontend/build to static/calendar"
    for name in ours:
        assert filecmp.cmp(SERVED / name, BUILD / name, shallow=False), name


def test_the_index_loads_only_files_that_are_served():
    index = (SERVED / "index.html").read_text()
    for ref in ("bootstrap.min.css", "static/js/main.", "static/css/main."):
        assert ref in index
    assert (SERVED / "LICENSE").exists()

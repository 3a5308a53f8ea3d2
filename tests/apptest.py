"""Helpers for AppTest (DESIGN.md §3.9): start at app.py, sign in, then switch page."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.conftest import PASSWORD

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def signed_in(
    username: str, page: str | None = None, password: str = PASSWORD, timeout: float = 30
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    inputs = {t.label: t for t in at.text_input}
    inputs["Username"].input(username)
    inputs["Password"].input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    at.run()
    assert not at.exception, at.exception
    if page:
        at.switch_page(page)
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything visible as text (markdown, text, captions, alerts, titles), joined."""
    parts = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "text",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(str(getattr(e, "value", "")) for e in getattr(at, kind))
    return "\n".join(parts)

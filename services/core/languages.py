"""Language names as CareDesk shows them ("Spanish") and their codes (BCP 47 "es"), via babel."""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError


@cache
def _codes() -> dict[str, str]:
    """Folded English language name -> code, for the base languages babel knows."""
    return {name.lower(): code for code, name in Locale("en").languages.items() if "_" not in code}


def language_code(name: str | None) -> str:
    """ "Spanish" -> "es"; "" when the name is not a language babel knows."""
    return _codes().get((name or "").strip().lower(), "")


def language_name(code: str | None) -> str:
    """ "es", "es-MX" or "en_US" -> "Spanish" / "English"; "" for an unknown code."""
    base = (code or "").replace("_", "-").split("-")[0].strip()
    if not base:
        return ""
    try:
        return Locale.parse(base).get_language_name("en") or ""
    except (ValueError, TypeError, UnknownLocaleError):
        return ""

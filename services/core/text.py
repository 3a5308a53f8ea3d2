"""Text normalisation shared by search on every database."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Accent- and case-insensitive form: 'José  Ramírez' -> 'jose ramirez'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())

"""Text normalization shared by search on every database; user text set apart for display."""

from __future__ import annotations

import unicodedata


def fold(text: str | None) -> str:
    """Accent- and case-insensitive form: 'José  Ramírez' -> 'jose ramirez'."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


FIRST_STRONG_ISOLATE, POP_DIRECTIONAL_ISOLATE = "\u2068", "\u2069"
# Unicode bidirectional classes that can turn neighboring text around: right-to-left
# letters and the explicit embeddings, overrides and isolates.
_TURNING = {"R", "AL", "RLE", "LRE", "RLO", "LRO", "PDF", "RLI", "LRI", "FSI", "PDI"}


def isolate(text: object) -> str:
    """User text set apart for display beside other words (Unicode bidi isolation).

    A right-to-left override typed in a name (U+202E) turns the rest of its line around:
    "Ann<RLO>gpj.exe · MRN CD000051" would show the MRN and the birth date backwards.
    Inside an isolate it reorders only the text itself. The (invisible) isolate marks are
    added only to text with right-to-left letters or direction controls.
    """
    value = "" if text is None else str(text)
    if any(unicodedata.bidirectional(c) in _TURNING for c in value):
        return f"{FIRST_STRONG_ISOLATE}{value}{POP_DIRECTIONAL_ISOLATE}"
    return value


# A few values are stored with the spelling they were first given (statuses, a directory
# type, a relationship): the database and files keep them, people read US English.
US_SPELLING = {
    "cancelled": "canceled",
    "behavioural health": "behavioral health",
    "neighbour": "neighbor",
}


def us_spelling(value: object) -> str:
    """A stored value as people read it: "cancelled" shows as "canceled"."""
    text = "" if value is None else str(value)
    return US_SPELLING.get(text, text)

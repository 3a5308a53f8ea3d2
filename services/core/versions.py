"""A save names the version of the record its screen showed (DESIGN.md §3.5): one made on
an older copy is refused with both versions, never silently laid over someone else's."""

from __future__ import annotations

from services.core import audit
from services.core.errors import Conflict


def check_version(
    row,
    expected_version: int | None,
    what: str,
    mine: dict,
    fields_: list[str],
    *,
    editing: bool = True,
):
    """Refuse a save made on an older copy of `row`, showing both versions.

    `expected_version` None means the caller has no screen version to compare (a script, an
    import): nothing is checked. `editing` False words it for a one-click action (archive,
    confirm, verify) taken on what the screen showed."""
    if expected_version is not None and row.version != expected_version:
        theirs = {f: getattr(row, f) for f in fields_}
        raise Conflict(
            f"Someone else saved this {what} while you were editing. "
            "Their version is shown next to yours; reload to edit theirs."
            if editing
            else f"Someone else changed this {what} after your screen showed it, so nothing "
            "was done. What it is now is shown next to what you saw; look again first.",
            theirs={k: audit.plain_value(v) for k, v in theirs.items()},
            mine={k: audit.plain_value(v) for k, v in mine.items() if k in fields_},
        )

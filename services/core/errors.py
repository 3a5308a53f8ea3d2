"""Domain errors that pages show next to a field or as a message."""

from __future__ import annotations

# The database's own plain-words troubles (busy, full, unreachable): nothing was saved, the
# message is fit to show. Re-exported here so pages can name them without touching db.
from db.session import DatabaseTrouble as DatabaseTrouble


class DomainError(Exception):
    pass


class NotFound(DomainError):
    pass


class PermissionDenied(DomainError):
    pass


class InvalidInput(DomainError):
    """One message per field; pages show each next to its field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


class Conflict(DomainError):
    """Someone else changed the record since it was opened.

    `theirs` holds the saved values, `mine` the values this user tried to save,
    so the page can show both.
    """

    def __init__(self, message: str, theirs: dict | None = None, mine: dict | None = None):
        self.theirs = theirs or {}
        self.mine = mine or {}
        super().__init__(message)

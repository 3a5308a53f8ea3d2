"""No text longer than its column reaches the database.

On PostgreSQL a value longer than its column raises a DataError, which names the whole row
(PHI) wherever the error is printed; SQLite silently stores it. Every form limits its fields
(`max_chars`), and this check behind them turns anything that still gets through — an
import, a script, a form that forgot — into a message at the field, before the write.
"""

from __future__ import annotations

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session

from services.core.errors import InvalidInput


def too_long(obj) -> dict[str, str]:
    """Field -> message for each text attribute of a mapped object over its column's length."""
    errors = {}
    for attr in inspect(obj).mapper.column_attrs:
        column = attr.columns[0]
        limit = getattr(column.type, "length", None)
        if not isinstance(column.type, String) or not limit:
            continue
        value = getattr(obj, attr.key, None)
        if isinstance(value, str) and len(value) > limit:
            errors[attr.key] = f"Use at most {limit:,} characters (this has {len(value):,})."
    return errors


@event.listens_for(Session, "before_flush")
def _refuse_values_too_long(session: Session, _context, _instances) -> None:
    errors: dict[str, str] = {}
    for obj in [*session.new, *session.dirty]:
        errors.update(too_long(obj))
    if errors:
        raise InvalidInput(errors)

"""The shapes every capability hands to My day and to the patient summary.

They are plain values (rows of dicts), so the pages that draw them never touch the
database; the overview room gathers them from each capability in a fixed order.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WorklistSection:
    """One section of My day."""

    title: str
    rows: list[dict] = field(default_factory=list)  # plain values, shown as a table
    empty_text: str = "Nothing here today."
    urgent: bool = False  # drawn with an alert color when it has rows
    order: int = 100


@dataclass(frozen=True)
class SummarySection:
    """One section of the patient summary."""

    title: str
    rows: list[dict] = field(default_factory=list)
    empty_text: str = "Nothing recorded yet."
    alert: str | None = None  # an unmissable message shown above the section (e.g. suicide risk)
    order: int = 100
    # Said next to "Archive this patient": what archiving leaves in place here.
    before_archiving: str | None = None

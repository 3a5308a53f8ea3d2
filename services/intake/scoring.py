"""Scoring answers against an instrument's definition, the suggestions a result triggers,
and the urgent flags already certain from a partly answered instrument.

The scoring contract other code calls:

    score(code, values) -> Score(total: int, band: str, positive: bool, flags: tuple[str, ...])

`values` are the raw answers in item order. A wrong count, an out-of-range value, a
non-integer (bools and floats included) or an unknown code raises ValueError naming the
item (or the code); there is never a partial score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from services.intake.instruments import RULES, Definition, shipped


@dataclass(frozen=True)
class Score:
    code: str
    total: int
    band: str
    positive: bool
    flags: tuple[str, ...]
    urgent_flags: tuple[str, ...] = ()


@dataclass
class _Facts:
    answers: dict[str, int]
    total: int | None = None
    band: str | None = None
    flags: tuple[str, ...] = ()
    positive: bool | None = None


def _holds(c: dict, f: _Facts) -> bool:
    if "any" in c:
        return any(_holds(x, f) for x in c["any"])
    if "all" in c:
        return all(_holds(x, f) for x in c["all"])
    if "always" in c:
        return True
    if "item" in c:
        value = f.answers[c["item"]]
        return value >= c["at_least"] if "at_least" in c else value in c["in"]
    if "items" in c:
        return sum(f.answers[i] for i in c["items"]) >= c["sum_at_least"]
    if "total_at_least" in c:
        return f.total >= c["total_at_least"]
    if "total_at_most" in c:
        return f.total <= c["total_at_most"]
    if "band" in c:
        return f.band == c["band"]
    if "band_in" in c:
        return f.band in c["band_in"]
    if "flag" in c:
        return c["flag"] in f.flags
    if "positive" in c:
        return f.positive is c["positive"]
    raise ValueError(f"unknown condition {c!r}")


def check_values(definition: Definition, values: Sequence[Any]) -> list[int]:
    """The answers as ints, or ValueError naming the first bad item."""
    code = definition.code
    items = definition.items
    if isinstance(values, str | bytes | dict) or not isinstance(values, Sequence):
        raise ValueError(f"{code}: answers must be a list in item order")
    if len(values) != len(items):
        if len(values) < len(items):
            missing = items[len(values)]
            raise ValueError(
                f"{code}: expected {len(items)} answers, got {len(values)}; "
                f"item {missing.id} ({missing.text}) is missing"
            )
        raise ValueError(
            f"{code}: expected {len(items)} answers, got {len(values)}; "
            f"answers after item {items[-1].id} do not belong to any item"
        )
    clean = []
    for item, value in zip(items, values, strict=True):
        if value is None:
            raise ValueError(f"{code}: item {item.id} ({item.text}) is not answered")
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(
                f"{code}: item {item.id} ({item.text}) must be a whole number, got {value!r}"
            )
        if not item.accepts(value):
            raise ValueError(
                f"{code}: item {item.id} ({item.text}) is {value}, expected {item.allowed()}"
            )
        clean.append(int(value))
    return clean


def evaluate(definition: Definition, values: Sequence[Any]) -> Score:
    """Score answers against any valid definition (shipped or uploaded)."""
    clean = check_values(definition, values)
    data = definition.data
    facts = _Facts(answers={i.id: v for i, v in zip(definition.items, clean, strict=True)})
    scoring = data["scoring"]
    flags = data.get("flags", [])
    if scoring["method"] == "flag_count":
        facts.flags = tuple(f["id"] for f in flags if _holds(f["when"], facts))
        facts.total = sum(1 for f in scoring["counted_flags"] if f in facts.flags)
    else:
        if scoring["method"] == "rule":
            facts.total = RULES[scoring["rule"]].fn(clean)
        else:
            facts.total = sum(clean)
    facts.band = next(b["label"] for b in data["bands"] if b["min"] <= facts.total <= b["max"])
    if scoring["method"] != "flag_count":
        facts.flags = tuple(f["id"] for f in flags if _holds(f["when"], facts))
    facts.positive = bool(_holds(data["positive"], facts))
    return Score(
        code=definition.code,
        total=int(facts.total),
        band=facts.band,
        positive=facts.positive,
        flags=facts.flags,
        urgent_flags=tuple(f for f in facts.flags if f in definition.urgent_flags),
    )


def score(code: str, values: Sequence[Any]) -> Score:
    """Score a shipped instrument by code (the contract other code calls)."""
    definition = shipped().get(code) if isinstance(code, str) else None
    if definition is None:
        raise ValueError(f"unknown instrument code {code!r}")
    return evaluate(definition, values)


# ---------------------------------------------------------------- suggestions


@dataclass(frozen=True)
class Suggestion:
    kind: str  # need, goal, referral, task
    text: str
    source_instrument: str
    source_finding: str  # e.g. "band moderate", "flag suicide_risk", "total 12"
    urgent: bool = False  # raised by an urgent flag (the same-day alert covers its task)
    positive: bool = True  # the screen behind it was positive (or it came from the talk)
    topic: str | None = None  # what it is about, when the definition says (merging)
    due: str | None = None  # a task's due as the definition says: same_day, 2_business_days...

    @property
    def key(self) -> str:
        return f"{self.source_instrument}|{self.kind}|{self.text}"


def _finding(c: dict, result: Score, definition: Definition) -> str:
    if "flag" in c:
        return definition.flag_labels.get(c["flag"], c["flag"])
    if "band" in c or "band_in" in c:
        return f"{result.band} (total {result.total})"
    if "positive" in c:
        return f"positive screen (total {result.total}, {result.band})"
    return f"total {result.total}, {result.band}"


def suggestions_for(
    definition: Definition, values: Sequence[Any], result: Score | None = None
) -> list[Suggestion]:
    """The suggestions a result triggers, in the order the definition lists them."""
    clean = check_values(definition, values)
    result = result or evaluate(definition, clean)
    facts = _Facts(
        answers={i.id: v for i, v in zip(definition.items, clean, strict=True)},
        total=result.total,
        band=result.band,
        flags=result.flags,
        positive=result.positive,
    )
    found = []
    for sug in definition.data.get("suggestions", []):
        if sug["kind"] == "task" and sug["when"].get("flag") in definition.urgent_flags:
            continue  # the urgent safety follow-up carries it, never a routine plan task
        if _holds(sug["when"], facts):
            found.append(
                Suggestion(
                    sug["kind"],
                    sug["text"],
                    definition.code,
                    _finding(sug["when"], result, definition),
                    urgent=sug["when"].get("flag") in definition.urgent_flags,
                    positive=result.positive,
                    topic=sug.get("topic"),
                    due=sug.get("due"),
                )
            )
    return found


def _refs(c: dict) -> set[str]:
    """Item ids a condition reads; a condition on anything else yields {'*'}."""
    if "any" in c or "all" in c:
        return set().union(*(_refs(x) for x in c.get("any") or c.get("all")))
    if "item" in c:
        return {c["item"]}
    if "items" in c:
        return set(c["items"])
    return {"*"}


def early_urgent_flags(definition: Definition, answers: Sequence[Any]) -> tuple[str, ...]:
    """Urgent flags already certain from a partly answered instrument.

    PHQ-9 item 9 must raise its alert as soon as it is answered, before the rest is.
    A flag counts when every item its condition reads is answered with an allowed value.
    """
    items = definition.items
    known = {
        item.id: v
        for item, v in zip(items, answers, strict=False)
        if isinstance(v, int) and not isinstance(v, bool) and item.accepts(v)
    }
    facts = _Facts(answers=known)
    raised = []
    for f in definition.data.get("flags", []):
        if not f.get("urgent"):
            continue
        refs = _refs(f["when"])
        if "*" not in refs and refs <= known.keys() and _holds(f["when"], facts):
            raised.append(f["id"])
    return tuple(raised)

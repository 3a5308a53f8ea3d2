"""Screening instruments as data: load, validate and score definition files.

Each instrument is one YAML file in `services/intake/definitions/instruments/` (or an admin upload
stored in the database, see `services.intake.instrument_store`), validated by
`services/intake/definitions/instrument.schema.json` plus the checks in `problems()` that a JSON
Schema cannot express (conditions name real items, bands cover every possible total once).

The scoring contract other code calls:

    score(code, values) -> Score(total: int, band: str, positive: bool, flags: tuple[str, ...])

`values` are the raw answers in item order. A wrong count, an out-of-range value, a
non-integer (bools and floats included) or an unknown code raises ValueError naming the
item (or the code); there is never a partial score.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema
import yaml

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
INSTRUMENTS_DIR = DEFINITIONS_DIR / "instruments"
SCHEMA_PATH = DEFINITIONS_DIR / "instrument.schema.json"
KINDS = ("need", "goal", "referral", "task")


# ---------------------------------------------------------------- named scoring rules


def _lace(values: Sequence[int]) -> int:
    """LACE (van Walraven 2010): Length of stay, Acuity, Comorbidity (Charlson), ED visits."""
    los, acute, charlson, ed_visits = values
    if los < 1:
        length = 0
    elif los <= 3:
        length = los
    elif los <= 6:
        length = 4
    elif los <= 13:
        length = 5
    else:
        length = 7
    acuity = 3 if acute else 0
    comorbidity = charlson if charlson <= 3 else 5
    return length + acuity + comorbidity + min(ed_visits, 4)


@dataclass(frozen=True)
class Rule:
    fn: Callable[[Sequence[int]], int]
    item_count: int
    lowest: int
    highest: int


RULES: dict[str, Rule] = {"lace": Rule(_lace, 4, 0, 19)}


# ---------------------------------------------------------------- definitions


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[tuple[str, int], ...] = ()  # (label, value)
    number: tuple[int, int, str] | None = None  # (min, max, unit)
    group: str = ""
    help: str = ""
    default: int | None = None

    def allowed(self) -> str:
        if self.number:
            return f"a whole number from {self.number[0]} to {self.number[1]}"
        return "one of " + ", ".join(str(v) for v in sorted({v for _, v in self.options}))

    @cached_property
    def _values(self) -> frozenset[int]:
        return frozenset(v for _, v in self.options)

    def accepts(self, value: int) -> bool:
        if self.number:
            return self.number[0] <= value <= self.number[1]
        return value in self._values

    def lowest(self) -> int:
        return self.number[0] if self.number else min(v for _, v in self.options)

    def highest(self) -> int:
        return self.number[1] if self.number else max(v for _, v in self.options)

    def label_for(self, value: int | None) -> str:
        if value is None:
            return ""
        if self.number:
            return f"{value} {self.number[2]}".strip()
        return next((label for label, v in self.options if v == value), str(value))


@dataclass(frozen=True)
class Definition:
    data: dict[str, Any]  # the validated document, as loaded

    @property
    def code(self) -> str:
        return self.data["code"]

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def version(self) -> str:
        return str(self.data["version"])

    @cached_property
    def items(self) -> tuple[Item, ...]:
        return tuple(_item(x) for x in self.data["items"])

    @cached_property
    def flag_labels(self) -> dict[str, str]:
        return {f["id"]: f["label"] for f in self.data.get("flags", [])}

    @cached_property
    def urgent_flags(self) -> frozenset[str]:
        return frozenset(f["id"] for f in self.data.get("flags", []) if f.get("urgent"))

    def total_range(self) -> tuple[int, int]:
        scoring = self.data["scoring"]
        if scoring["method"] == "rule":
            rule = RULES[scoring["rule"]]
            return rule.lowest, rule.highest
        if scoring["method"] == "flag_count":
            return 0, len(scoring["counted_flags"])
        items = self.items
        return sum(i.lowest() for i in items), sum(i.highest() for i in items)


def _item(x: dict) -> Item:
    number = x.get("number")
    return Item(
        id=x["id"],
        text=x["text"],
        options=tuple((o["label"], o["value"]) for o in x.get("options", [])),
        number=(number["min"], number["max"], number.get("unit", "")) if number else None,
        group=x.get("group", ""),
        help=x.get("help", ""),
        default=x.get("default"),
    )


@cache
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _schema_messages(data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema())
    messages = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        # oneOf failures say little; point at the place and the rule broken.
        text = error.message if error.validator != "oneOf" else "is not a valid form here"
        messages.append(f"{where}: {text}")
    return messages


def _conditions(cond: dict) -> list[dict]:
    """This condition and every nested one."""
    nested = cond.get("any") or cond.get("all") or []
    return [cond] + [c for n in nested for c in _conditions(n)]


def problems(data: Any) -> list[str]:
    """Everything wrong with a definition document; an empty list means it is valid."""
    messages = _schema_messages(data)
    if messages:
        return messages
    item_ids = [i["id"] for i in data["items"]]
    dupes = sorted({i for i in item_ids if item_ids.count(i) > 1})
    if dupes:
        messages.append(f"items: duplicate item ids {', '.join(dupes)}")
    for n, raw in enumerate(data["items"]):
        item = _item(raw)
        if item.number and item.number[0] > item.number[1]:
            messages.append(f"items/{n}/number: min is above max")
        if item.default is not None and not item.accepts(item.default):
            messages.append(f"items/{n}/default: {item.default} is not an allowed answer")
    scoring = data["scoring"]
    flag_ids = [f["id"] for f in data.get("flags", [])]
    band_labels = [b["label"] for b in data["bands"]]
    if scoring["method"] == "rule":
        rule = RULES.get(scoring.get("rule", ""))
        if rule is None:
            messages.append(
                f"scoring/rule: unknown rule {scoring.get('rule')!r} (known: {', '.join(RULES)})"
            )
        elif rule.item_count != len(item_ids):
            messages.append(f"items: rule {scoring['rule']} needs exactly {rule.item_count} items")
    if scoring["method"] == "flag_count":
        for f in scoring["counted_flags"]:
            if f not in flag_ids:
                messages.append(f"scoring/counted_flags: no flag named {f!r}")
    if messages:
        return messages
    # Conditions must name real items, bands and flags, and not depend on what is not known yet.
    checks = [("positive", data["positive"], {"items", "total", "band", "flag"})]
    for n, f in enumerate(data.get("flags", [])):
        allowed = {"items"} if scoring["method"] == "flag_count" else {"items", "total", "band"}
        checks.append((f"flags/{n}/when", f["when"], allowed))
    for n, sug in enumerate(data.get("suggestions", [])):
        checks.append(
            (f"suggestions/{n}/when", sug["when"], {"items", "total", "band", "flag", "positive"})
        )
    for where, cond, allowed in checks:
        for c in _conditions(cond):
            kind = _kind(c)
            if kind not in allowed and kind not in ("always", "any", "all"):
                messages.append(f"{where}: a {kind} test cannot be used here")
            for i in ([c["item"]] if "item" in c else []) + c.get("items", []):
                if i not in item_ids:
                    messages.append(f"{where}: no item named {i!r}")
            for b in ([c["band"]] if "band" in c else []) + c.get("band_in", []):
                if b not in band_labels:
                    messages.append(f"{where}: no band named {b!r}")
            if "flag" in c and c["flag"] not in flag_ids:
                messages.append(f"{where}: no flag named {c['flag']!r}")
    messages.extend(_band_problems(data))
    return messages


def _kind(c: dict) -> str:
    if "item" in c or "items" in c:
        return "items"
    if "total_at_least" in c or "total_at_most" in c:
        return "total"
    if "band" in c or "band_in" in c:
        return "band"
    return next(iter(c))  # flag, positive, always, any, all


def _band_problems(data: dict) -> list[str]:
    """Bands must cover every possible total exactly once."""
    low, high = Definition(data).total_range()
    bands = sorted(data["bands"], key=lambda b: b["min"])
    messages = []
    expected = low
    for b in bands:
        if b["min"] > b["max"]:
            messages.append(f"bands: {b['label']!r} has min above max")
        elif b["min"] > expected:
            messages.append(f"bands: no band covers totals {expected} to {b['min'] - 1}")
        elif b["min"] < expected:
            messages.append(f"bands: {b['label']!r} overlaps another band or starts below {low}")
        expected = max(expected, b["max"] + 1)
    if expected <= high:
        messages.append(f"bands: no band covers totals {expected} to {high}")
    elif bands and bands[-1]["max"] > high:
        messages.append(f"bands: {bands[-1]['label']!r} goes above the highest total {high}")
    return messages


def parse(text: str) -> dict:
    """Read a YAML (or JSON) document; ValueError with a plain message when it is not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise ValueError(f"This is not readable YAML{where}.") from exc
    if not isinstance(data, dict):
        raise ValueError("The file must describe one instrument (a mapping of fields).")
    return data


def load_definition(data: dict) -> Definition:
    found = problems(data)
    if found:
        raise ValueError(f"{data.get('code', 'definition')}: " + "; ".join(found))
    return Definition(data)


@cache
def shipped() -> dict[str, Definition]:
    """The instruments shipped with CareDesk, by code (static data, safe to cache)."""
    result = {}
    for path in sorted(INSTRUMENTS_DIR.glob("*.yaml")):
        definition = load_definition(parse(path.read_text(encoding="utf-8")))
        if definition.code != path.stem:
            raise ValueError(f"{path.name}: code {definition.code!r} must match the file name")
        result[definition.code] = definition
    return result


# ---------------------------------------------------------------- scoring


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
        if _holds(sug["when"], facts):
            found.append(
                Suggestion(
                    sug["kind"],
                    sug["text"],
                    definition.code,
                    _finding(sug["when"], result, definition),
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

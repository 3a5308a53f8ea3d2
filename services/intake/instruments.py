"""Screening instruments as data: load and validate definition files.

Each instrument is one YAML file in `services/intake/definitions/instruments/` (or an admin upload
stored in the database, see `services.intake.instrument_store`), validated by
`services/intake/definitions/instrument.schema.json` plus the checks in `problems()` that a JSON
Schema cannot express (conditions name real items, bands cover every possible total once).
Scoring a definition is `services.intake.scoring`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import jsonschema

from services.core.definitions import DefinitionTextError, load_definition_yaml

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
    """Read a YAML (or JSON) document; ValueError with a plain message when it is not one
    (untrusted text: size and alias expansion are bounded, services/core/definitions.py)."""
    try:
        data = load_definition_yaml(text)
    except DefinitionTextError as exc:
        cause = exc.__cause__
        mark = getattr(cause, "problem_mark", None)
        if cause is not None:
            where = f" (line {mark.line + 1})" if mark else ""
            raise ValueError(f"This is not readable YAML{where}.") from exc
        raise ValueError(str(exc)) from exc
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

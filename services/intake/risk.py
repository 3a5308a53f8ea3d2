"""The intake's risk tier (low / moderate / high / urgent) from rules kept as data.

Rules live in `services/intake/definitions/risk_tiers.yaml` (an admin may replace them, see
`services.intake.instrument_store`). Tiers are tried from the most serious down; the first tier
with a matching rule wins, with every matching rule of that tier given as a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

import jsonschema

from services.intake.instruments import DEFINITIONS_DIR, parse
from services.intake.scoring import Score

TIERS = ("urgent", "high", "moderate", "low")
RULES_PATH = DEFINITIONS_DIR / "risk_tiers.yaml"
SCHEMA_PATH = DEFINITIONS_DIR / "risk_tiers.schema.json"


@dataclass(frozen=True)
class RiskTier:
    tier: str
    reasons: tuple[str, ...]


def problems(data) -> list[str]:
    validator = jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text("utf-8")))
    found = []
    for error in validator.iter_errors(data):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        found.append(
            f"{where}: {error.message if error.validator != 'oneOf' else 'is not a valid rule'}"
        )
    if not found:
        tiers = [t["tier"] for t in data["tiers"]]
        if len(set(tiers)) != len(tiers):
            found.append("tiers: each tier may appear once")
    return found


def load_rules(text: str) -> dict:
    data = parse(text)
    found = problems(data)
    if found:
        raise ValueError("; ".join(found))
    return data


@cache
def shipped_rules() -> dict:
    return load_rules(RULES_PATH.read_text(encoding="utf-8"))


def _matches(rule: dict, results: dict[str, Score]) -> bool:
    if "positives_at_least" in rule:
        return sum(1 for r in results.values() if r.positive) >= rule["positives_at_least"]
    result = results.get(rule["instrument"])
    if result is None:
        return False
    if "band" in rule and result.band != rule["band"]:
        return False
    if "flag" in rule and rule["flag"] not in result.flags:
        return False
    return not ("positive" in rule and result.positive is not rule["positive"])


def risk_tier(results: dict[str, Score], rules: dict | None = None) -> RiskTier:
    rules = rules or shipped_rules()
    by_tier = {t["tier"]: t["rules"] for t in rules["tiers"]}
    for tier in TIERS[:-1]:
        reasons = tuple(r["reason"] for r in by_tier.get(tier, []) if _matches(r, results))
        if reasons:
            return RiskTier(tier, reasons)
    return RiskTier("low", ("No positive screens",) if results else ("No screens scored",))

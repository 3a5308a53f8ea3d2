"""Every shipped definition passes the schema; bad ones fail with a clear message."""

from __future__ import annotations

import copy

import pytest
import yaml

from services.intake import instruments as assessments
from services.intake import risk, scoring
from services.intake.instruments import INSTRUMENTS_DIR, load_definition, parse, problems
from services.intake.scoring import evaluate

SHIPPED = sorted(p.stem for p in INSTRUMENTS_DIR.glob("*.yaml"))
EXPECTED = {
    "phq2",
    "phq9",
    "gad7",
    "ahc_hrsn",
    "katz_adl",
    "lawton_iadl",
    "mcsi",
    "lace",
    "literacy",
}
ITEM_COUNTS = {
    "phq2": 2,
    "phq9": 9,
    "gad7": 7,
    "katz_adl": 6,
    "lawton_iadl": 8,
    "mcsi": 13,
    "lace": 4,
    "literacy": 1,
    "ahc_hrsn": 16,
}


def test_all_required_instruments_ship_and_no_licensed_ones():
    assert set(SHIPPED) == EXPECTED
    assert not {"braden", "morse", "prapare"} & set(SHIPPED)


@pytest.mark.parametrize("code", SHIPPED)
def test_shipped_definition_is_valid(code):
    data = parse((INSTRUMENTS_DIR / f"{code}.yaml").read_text("utf-8"))
    assert problems(data) == []
    d = load_definition(data)
    assert len(d.items) == ITEM_COUNTS[code]
    for field in ("citation", "licence", "version", "title"):
        assert data[field]
    assert data.get("suggestions"), "every instrument suggests something"


def test_risk_tier_rules_are_valid():
    assert risk.problems(yaml.safe_load(risk.RULES_PATH.read_text("utf-8"))) == []


def test_risk_tier_rules_name_real_instruments_bands_and_flags():
    defs = assessments.shipped()
    for tier in risk.shipped_rules()["tiers"]:
        for rule in tier["rules"]:
            if "instrument" not in rule:
                continue
            d = defs[rule["instrument"]]
            if "band" in rule:
                assert rule["band"] in [b["label"] for b in d.data["bands"]]
            if "flag" in rule:
                assert rule["flag"] in d.flag_labels


def good() -> dict:
    return copy.deepcopy(assessments.shipped()["phq2"].data)


BAD = [
    (lambda d: d.pop("citation"), "'citation' is a required property"),
    (lambda d: d.update(code="Bad Code"), "code"),
    (lambda d: d["items"][0].update(options=[{"label": "only", "value": 0}]), "items/0"),
    (lambda d: d["items"][1].update(id="phq2_1"), "duplicate item ids phq2_1"),
    (lambda d: d["bands"].pop(), "no band covers totals 3 to 6"),
    (lambda d: d["bands"][1].update(min=2), "overlaps"),
    (lambda d: d["bands"][1].update(max=9), "goes above the highest total 6"),
    (lambda d: d.update(positive={"band": "severe"}), "no band named 'severe'"),
    (lambda d: d.update(positive={"item": "phq2_9", "at_least": 1}), "no item named 'phq2_9'"),
    (lambda d: d["suggestions"][0].update(kind="wish"), "suggestions/0/kind"),
    (lambda d: d["suggestions"][0].update(when={"flag": "nope"}), "no flag named 'nope'"),
    (lambda d: d.update(scoring={"method": "rule", "rule": "braden"}), "unknown rule 'braden'"),
    (lambda d: d.update(scoring={"method": "rule"}), "'rule' is a required property"),
    (lambda d: d.update(extra=1), "Additional properties"),
    (lambda d: d["items"][0].update(default=7), "items/0/default"),
    (
        lambda d: d.update(flags=[{"id": "x", "label": "x", "when": {"positive": True}}]),
        "a positive test cannot be used here",
    ),
]


@pytest.mark.parametrize(("breaks", "message"), BAD)
def test_bad_definition_is_refused_with_a_clear_message(breaks, message):
    data = good()
    breaks(data)
    found = problems(data)
    assert any(message in p for p in found), found
    with pytest.raises(ValueError):
        load_definition(data)


@pytest.mark.parametrize("text", ["code: [unclosed", "- just\n- a list\n", "42"])
def test_unreadable_files(text):
    with pytest.raises(ValueError):
        parse(text)


def test_a_clinic_instrument_with_a_number_item_scores():
    data = {
        "code": "clinic_falls",
        "title": "Clinic falls screen",
        "version": "1",
        "citation": "Our clinic, 2026",
        "licence": "Clinic's own",
        "items": [
            {"id": "falls", "text": "Falls in the past year", "number": {"min": 0, "max": 20}},
            {
                "id": "afraid",
                "text": "Afraid of falling?",
                "options": [{"label": "No", "value": 0}, {"label": "Yes", "value": 1}],
            },
        ],
        "scoring": {"method": "sum"},
        "bands": [{"label": "low", "min": 0, "max": 1}, {"label": "high", "min": 2, "max": 21}],
        "positive": {"any": [{"total_at_least": 2}, {"item": "afraid", "in": [1]}]},
        "flags": [
            {"id": "faller", "label": "Repeated falls", "when": {"item": "falls", "at_least": 2}}
        ],
        "suggestions": [{"when": {"flag": "faller"}, "kind": "referral", "text": "Falls clinic"}],
    }
    d = load_definition(data)
    r = evaluate(d, [3, 0])
    assert (r.total, r.band, r.positive, r.flags) == (3, "high", True, ("faller",))
    assert evaluate(d, [0, 1]).positive is True
    assert [s.text for s in scoring.suggestions_for(d, [3, 0])] == ["Falls clinic"]
    with pytest.raises(ValueError, match="falls"):
        evaluate(d, [21, 0])


def test_suggestions_name_their_source():
    d = assessments.shipped()["phq9"]
    found = scoring.suggestions_for(d, [0, 0, 0, 0, 0, 0, 0, 0, 2])
    # the same-day assessment is the urgent safety follow-up's, never a suggested plan task
    assert {s.kind for s in found} == {"referral"}
    assert all(s.source_instrument == "phq9" and "item 9" in s.source_finding for s in found)

"""The scoring contract: every band boundary, published examples, invalid answers."""

from __future__ import annotations

import pytest

from services.intake.scoring import score


def spread(total: int, n: int, top: int) -> list[int]:
    """n answers, each 0..top, adding up to total (fills from the first item)."""
    values = []
    for _ in range(n):
        v = min(top, total)
        values.append(v)
        total -= v
    assert total == 0, "total too high for this many items"
    return values


def spread_last(total: int, n: int, top: int) -> list[int]:
    """Like spread, but fills from the last item (puts weight on e.g. PHQ-9 item 9)."""
    return list(reversed(spread(total, n, top)))


# ---------------------------------------------------------------- PHQ-2
PHQ2 = [
    ([0, 0], 0, "negative", False),
    ([1, 1], 2, "negative", False),  # boundary: 2 negative
    ([2, 0], 2, "negative", False),
    ([2, 1], 3, "positive", True),  # boundary: 3 positive (Kroenke 2003 cut-point)
    ([0, 3], 3, "positive", True),
    ([3, 3], 6, "positive", True),
]


@pytest.mark.parametrize(("values", "total", "band", "positive"), PHQ2)
def test_phq2(values, total, band, positive):
    r = score("phq2", values)
    assert (r.total, r.band, r.positive, r.flags) == (total, band, positive, ())


# ---------------------------------------------------------------- PHQ-9
PHQ9_BOUNDARIES = [
    (0, "minimal", False),
    (4, "minimal", False),
    (5, "mild", False),
    (9, "mild", False),
    (10, "moderate", True),
    (14, "moderate", True),
    (15, "moderately severe", True),
    (19, "moderately severe", True),
    (20, "severe", True),
    (27, "severe", True),
]


@pytest.mark.parametrize(("total", "band", "positive"), PHQ9_BOUNDARIES)
def test_phq9_bands(total, band, positive):
    r = score("phq9", spread(total, 9, 3))  # item 9 stays 0 below 25
    assert (r.total, r.band, r.positive) == (total, band, positive)
    assert ("suicide_risk" in r.flags) == (total > 24)


@pytest.mark.parametrize(
    ("values", "total", "band", "flags"),
    [
        ([0, 0, 0, 0, 0, 0, 0, 0, 1], 1, "minimal", ("suicide_risk",)),  # item 9 alone flags
        ([0, 0, 0, 0, 0, 0, 0, 0, 3], 3, "minimal", ("suicide_risk",)),
        ([3, 3, 3, 3, 3, 3, 3, 3, 0], 24, "severe", ()),
        ([1, 1, 1, 1, 1, 1, 1, 1, 1], 9, "mild", ("suicide_risk",)),
        ([2, 2, 1, 1, 1, 1, 1, 1, 0], 10, "moderate", ()),
        ([3, 3, 3, 2, 2, 2, 2, 1, 2], 20, "severe", ("suicide_risk",)),
    ],
)
def test_phq9_examples_and_item9(values, total, band, flags):
    r = score("phq9", values)
    assert (r.total, r.band, r.flags) == (total, band, flags)
    assert r.urgent_flags == flags


# ---------------------------------------------------------------- GAD-7
GAD7 = [
    (0, "minimal", False),
    (4, "minimal", False),
    (5, "mild", False),
    (9, "mild", False),
    (10, "moderate", True),
    (14, "moderate", True),
    (15, "severe", True),
    (21, "severe", True),
]


@pytest.mark.parametrize(("total", "band", "positive"), GAD7)
def test_gad7(total, band, positive):
    for values in (spread(total, 7, 3), spread_last(total, 7, 3)):
        r = score("gad7", values)
        assert (r.total, r.band, r.positive, r.flags) == (total, band, positive, ())


# ---------------------------------------------------------------- Katz ADL
KATZ = [
    ([1, 1, 1, 1, 1, 1], 6, "full function", False),
    ([0, 1, 1, 1, 1, 1], 5, "moderate impairment", True),
    ([0, 0, 1, 1, 1, 1], 4, "moderate impairment", True),
    ([0, 0, 0, 1, 1, 1], 3, "moderate impairment", True),
    ([0, 0, 0, 0, 1, 1], 2, "severe impairment", True),
    ([1, 0, 0, 0, 0, 0], 1, "severe impairment", True),
    ([0, 0, 0, 0, 0, 0], 0, "severe impairment", True),
]


@pytest.mark.parametrize(("values", "total", "band", "positive"), KATZ)
def test_katz_adl(values, total, band, positive):
    r = score("katz_adl", values)
    assert (r.total, r.band, r.positive) == (total, band, positive)


# ---------------------------------------------------------------- Lawton IADL
LAWTON = [
    (8, "independent", False, ()),
    (7, "some dependence", True, ()),
    (4, "some dependence", True, ("medication_help",)),
    (3, "high dependence", True, ("medication_help",)),
    (0, "high dependence", True, ("medication_help",)),
]


@pytest.mark.parametrize(("total", "band", "positive", "flags"), LAWTON)
def test_lawton_iadl(total, band, positive, flags):
    r = score("lawton_iadl", spread(total, 8, 1))  # item 7 is medications
    assert (r.total, r.band, r.positive, r.flags) == (total, band, positive, flags)


def test_lawton_medication_help_flag_alone():
    r = score("lawton_iadl", [1, 1, 1, 1, 1, 1, 0, 1])
    assert (r.total, r.positive, r.flags) == (7, True, ("medication_help",))


# ---------------------------------------------------------------- Modified Caregiver Strain Index
MCSI = [
    (0, "low strain", False),
    (9, "low strain", False),
    (10, "moderate strain", True),
    (17, "moderate strain", True),
    (18, "high strain", True),
    (26, "high strain", True),
]


@pytest.mark.parametrize(("total", "band", "positive"), MCSI)
def test_mcsi(total, band, positive):
    r = score("mcsi", spread(total, 13, 2))
    assert (r.total, r.band, r.positive) == (total, band, positive)


# ---------------------------------------------------------------- LACE
LACE_POINTS = [
    # length of stay points: <1 day 0, 1->1, 2->2, 3->3, 4-6->4, 7-13->5, >=14->7
    ([0, 0, 0, 0], 0),
    ([1, 0, 0, 0], 1),
    ([2, 0, 0, 0], 2),
    ([3, 0, 0, 0], 3),
    ([4, 0, 0, 0], 4),
    ([6, 0, 0, 0], 4),
    ([7, 0, 0, 0], 5),
    ([13, 0, 0, 0], 5),
    ([14, 0, 0, 0], 7),
    ([365, 0, 0, 0], 7),
    # acuity: 3 points if acute
    ([0, 1, 0, 0], 3),
    # Charlson: 0-3 as is, 4 or more -> 5
    ([0, 0, 3, 0], 3),
    ([0, 0, 4, 0], 5),
    ([0, 0, 12, 0], 5),
    # ED visits in 6 months: as is up to 4
    ([0, 0, 0, 3], 3),
    ([0, 0, 0, 4], 4),
    ([0, 0, 0, 9], 4),
    # maximum: 7 + 3 + 5 + 4
    ([30, 1, 6, 5], 19),
]


@pytest.mark.parametrize(("values", "total"), LACE_POINTS)
def test_lace_points(values, total):
    assert score("lace", values).total == total


LACE_BANDS = [
    ([0, 1, 1, 0], 4, "low", False),  # boundary: 4 low
    ([1, 1, 1, 0], 5, "moderate", False),  # boundary: 5 moderate
    ([2, 1, 3, 1], 9, "moderate", False),  # boundary: 9 moderate
    ([5, 1, 2, 1], 10, "high", True),  # worked example: 4 + 3 + 2 + 1 = 10
    ([10, 1, 4, 2], 15, "high", True),  # 5 + 3 + 5 + 2
]


@pytest.mark.parametrize(("values", "total", "band", "positive"), LACE_BANDS)
def test_lace_bands(values, total, band, positive):
    r = score("lace", values)
    assert (r.total, r.band, r.positive) == (total, band, positive)


# ---------------------------------------------------------------- literacy
LITERACY = [
    (0, "adequate", False),  # Extremely
    (1, "adequate", False),  # Quite a bit
    (2, "possibly limited", True),  # Somewhat
    (3, "possibly limited", True),  # A little bit
    (4, "possibly limited", True),  # Not at all
]


@pytest.mark.parametrize(("value", "band", "positive"), LITERACY)
def test_literacy(value, band, positive):
    r = score("literacy", [value])
    assert (r.total, r.band, r.positive) == (value, band, positive)


# ---------------------------------------------------------------- AHC HRSN
NO_PROBLEMS = [0] * 7
SAFE = [1, 1, 1, 1]


def ahc(living=0, problems=NO_PROBLEMS, food=(0, 0), transport=0, utilities=0, safety=SAFE):
    return [living, *problems, *food, transport, utilities, *safety]


AHC = [
    (ahc(), 0, "no social needs", False, ()),
    (ahc(living=1), 1, "social needs", True, ("housing",)),
    (ahc(living=2), 1, "social needs", True, ("housing", "housing_unstable")),
    (ahc(problems=[0, 1, 0, 0, 0, 0, 0]), 1, "social needs", True, ("housing",)),
    (ahc(problems=[0, 0, 0, 0, 0, 0, 1]), 1, "social needs", True, ("housing",)),
    (ahc(food=(1, 0)), 1, "social needs", True, ("food",)),  # Sometimes true
    (ahc(food=(0, 2)), 1, "social needs", True, ("food",)),  # Often true
    (ahc(transport=1), 1, "social needs", True, ("transportation",)),
    (ahc(utilities=1), 1, "social needs", True, ("utilities",)),
    (ahc(utilities=2), 1, "social needs", True, ("utilities",)),  # already shut off
    (ahc(safety=[2, 3, 2, 3]), 0, "no social needs", False, ()),  # HITS 10: below 11
    (ahc(safety=[2, 3, 3, 3]), 1, "social needs", True, ("interpersonal_safety",)),  # HITS 11
    (ahc(safety=[5, 5, 5, 5]), 1, "social needs", True, ("interpersonal_safety",)),
    (
        ahc(2, [1] * 7, (2, 2), 1, 2, [5, 5, 5, 5]),
        5,
        "social needs",
        True,
        (
            "housing",
            "housing_unstable",
            "food",
            "transportation",
            "utilities",
            "interpersonal_safety",
        ),
    ),
]


@pytest.mark.parametrize(("values", "total", "band", "positive", "flags"), AHC)
def test_ahc_hrsn(values, total, band, positive, flags):
    r = score("ahc_hrsn", values)
    assert (r.total, r.band, r.positive, r.flags) == (total, band, positive, flags)


def test_ahc_safety_is_urgent_flag():
    assert score("ahc_hrsn", ahc(safety=[3, 3, 3, 3])).urgent_flags == ("interpersonal_safety",)


# ---------------------------------------------------------------- invalid answers
INVALID = [
    ("phq2", [1], "phq2_2"),  # too few: names the first missing item
    ("phq2", [1, 1, 1], "phq2_2"),  # too many
    ("phq9", [0] * 8, "phq9_9"),
    ("phq9", [0] * 8 + [4], "phq9_9"),  # out of range
    ("phq9", [-1] + [0] * 8, "phq9_1"),
    ("gad7", [0, 0, 0, "2", 0, 0, 0], "gad7_4"),  # not an integer
    ("gad7", [0, 0, 0, 1.0, 0, 0, 0], "gad7_4"),  # a float is not an integer
    ("gad7", [0, True, 0, 0, 0, 0, 0], "gad7_2"),  # nor is a bool
    ("gad7", [0, 0, 0, 0, 0, 0, None], "gad7_7"),  # unanswered
    ("katz_adl", [1, 1, 2, 1, 1, 1], "toileting"),
    ("lawton_iadl", [1] * 7, "finances"),
    ("mcsi", [0] * 12 + [3], "mcsi_13"),
    ("lace", [-1, 0, 0, 0], "length_of_stay"),
    ("lace", [3, 2, 0, 0], "acute"),
    ("lace", [3, 1, 41, 0], "charlson"),
    ("lace", [3, 1, 2, 100], "ed_visits"),
    ("literacy", [5], "forms_confidence"),
    ("ahc_hrsn", ahc(safety=[0, 1, 1, 1]), "safety_hurt"),  # HITS answers are 1-5
    ("ahc_hrsn", ahc(utilities=3), "utilities"),
]


@pytest.mark.parametrize(("code", "values", "item"), INVALID)
def test_invalid_answers_name_the_item(code, values, item):
    with pytest.raises(ValueError, match=item):
        score(code, values)


@pytest.mark.parametrize("code", ["", "PHQ9", "phq-9", "braden", None])
def test_unknown_code(code):
    with pytest.raises(ValueError, match="unknown instrument"):
        score(code, [0, 0])


@pytest.mark.parametrize("values", ["00", {"a": 1}, 3, None])
def test_values_must_be_a_list(values):
    with pytest.raises(ValueError, match="phq2"):
        score("phq2", values)


def test_result_types_match_the_contract():
    r = score("phq9", [1] * 9)
    assert isinstance(r.total, int) and isinstance(r.band, str)
    assert isinstance(r.positive, bool) and isinstance(r.flags, tuple)
    assert all(isinstance(f, str) for f in r.flags)

"""The verdict rule v2 at the edges of its tolerances, in both directions of the argument."""

import math
import re

import pytest

from claimcheck.verdict import (
    CONTRADICTS,
    DEFINITIONS,
    HAND_SET,
    HOLDS,
    ROUGHLY,
    SEVERITY,
    SUPPORTS,
    VERDICTS,
    WRONG_FACTOR,
    combine,
    judge,
    legend_markdown,
    robust,
)


@pytest.mark.parametrize(
    "claimed, measured, higher, lower",
    [
        (100, 100, "holds", "holds"),
        (100 * (1 + HOLDS), 100, "holds", "holds"),  # exactly 5 % off: still holds
        (105.01, 100, "roughly holds", "roughly holds"),  # just past 5 %
        (100 * (1 + ROUGHLY), 100, "roughly holds", "roughly holds"),
        (115.01, 100, "exaggerated", "understated"),  # claims more: helps a 'higher' argument
        (84.99, 100, "understated", "exaggerated"),  # claims less: helps a 'lower' argument
        (200, 100, "exaggerated", "understated"),  # exactly twice: not yet wrong
        (200.01, 100, "wrong", "wrong"),
        (50, 100, "understated", "exaggerated"),  # exactly half
        (49.99, 100, "wrong", "wrong"),
        (-17, -16.9, "holds", "holds"),
        (-20, -16.9, "understated", "exaggerated"),  # a deeper fall is the lower number
        (10, -10, "wrong", "wrong"),  # opposite sign
        (0, 0, "holds", "holds"),
        (0, 0.1, "wrong", "wrong"),
        (1, 0, "wrong", "wrong"),
    ],
)
def test_value_both_directions(claimed, measured, higher, lower):
    assert judge(claimed, measured, "value", direction="higher") == higher
    assert judge(claimed, measured, "value", direction="lower") == lower


def test_the_boundaries_belong_to_the_better_verdict():
    """A figure exactly HOLDS or ROUGHLY off gets the better word ('within 5 %' includes 5 %).
    The figures are chosen so that the error is exactly the tolerance in floating point
    (100 * (1 + ROUGHLY) is not: it comes out a hair below 115)."""
    assert (105 - 100) / 100 == HOLDS and (115 - 100) / 100 == ROUGHLY
    assert judge(105, 100, "value", direction="higher") == "holds"
    assert judge(95, 100, "value", direction="higher") == "holds"
    assert judge(115, 100, "value", direction="higher") == "roughly holds"
    assert judge(85, 100, "value", direction="higher") == "roughly holds"
    assert judge(100, 85, "at_least", direction="higher") == "roughly holds"


def test_solar_china_price_understates_the_articles_point():
    # the article wants Chinese panels cheap ('lower'); 15 c against 8.55 c works against it
    assert judge(15, 8.55, "value", direction="lower") == "understated"
    assert judge(15, 8.55, "value", direction="higher") == "exaggerated"


@pytest.mark.parametrize(
    "claimed, measured, expected",
    [
        (500, 589, "holds"),
        (500, 500, "holds"),
        (500, 500 * (1 - ROUGHLY), "roughly holds"),
        (500, 424.99, "exaggerated"),
        (500, 500 / WRONG_FACTOR, "exaggerated"),
        (500, 249.99, "wrong"),
    ],
)
def test_at_least(claimed, measured, expected):
    assert judge(claimed, measured, "at_least", direction="higher") == expected


def test_at_least_with_lower_direction_is_understated():
    assert judge(500, 424.99, "at_least", direction="lower") == "understated"


@pytest.mark.parametrize(
    "claimed, measured, higher, lower",
    [
        (10, 9, "holds", "holds"),
        (10, 10 * (1 + ROUGHLY), "roughly holds", "roughly holds"),
        (10, 11.51, "understated", "exaggerated"),
        (10, 20, "understated", "exaggerated"),
        (10, 20.01, "wrong", "wrong"),
    ],
)
def test_at_most(claimed, measured, higher, lower):
    assert judge(claimed, measured, "at_most", direction="higher") == higher
    assert judge(claimed, measured, "at_most", direction="lower") == lower


@pytest.mark.parametrize(
    "measured, higher",
    [
        (25, "holds"),
        (50, "holds"),
        (37, "holds"),
        (25 * (1 - ROUGHLY), "roughly holds"),
        (50 * (1 + ROUGHLY), "roughly holds"),
        (21, "exaggerated"),
        (12.5, "exaggerated"),
        (12.49, "wrong"),
        (58, "understated"),
        (100, "understated"),
        (100.01, "wrong"),
    ],
)
def test_range(measured, higher):
    assert judge(25, measured, "range", claimed_high=50, direction="higher") == higher
    flipped = {"exaggerated": "understated", "understated": "exaggerated"}.get(higher, higher)
    assert judge(25, measured, "range", claimed_high=50, direction="lower") == flipped


def test_statement():
    assert judge(None, True, "statement") == "holds"
    assert judge(None, False, "statement") == "wrong"
    with pytest.raises(TypeError):
        judge(None, 1.0, "statement")
    with pytest.raises(TypeError):
        judge(1.0, True, "value", direction="higher")


@pytest.mark.parametrize("measured", [None, math.nan])
@pytest.mark.parametrize("kind", ["value", "at_least", "at_most", "statement"])
def test_missing_measurement_is_unverifiable(kind, measured):
    assert judge(5, measured, kind, direction="higher") == "unverifiable"


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown kind"):
        judge(1, 1, "about")
    with pytest.raises(ValueError, match="claimed_high"):
        judge(1, 1, "range")
    with pytest.raises(ValueError, match="claimed value"):
        judge(None, 1, "value")
    with pytest.raises(ValueError, match="direction"):
        judge(150, 100, "value")  # off by 50 %: the side needs a direction
    assert judge(101, 100, "value") == "holds"  # within tolerance no direction is needed
    with pytest.raises(ValueError, match="scale"):
        judge(1, 1, "value", scale=0)


@pytest.mark.parametrize(
    "claimed, measured, expected",
    [
        (100, 100, True),  # exact: holds at every tolerance
        (104, 100, False),  # 4 % off: holds, but halving the 5 % makes it 'roughly holds'
        (
            120,
            100,
            False,
        ),  # 20 % off: exaggerated; doubling ROUGHLY to 30 % makes it 'roughly holds'
        (400, 100, True),  # 4x: wrong even with a 3x factor
        (180, 100, False),  # 1.8x: exaggerated, but wrong with the factor halved to 1.5x
    ],
)
def test_robust(claimed, measured, expected):
    assert robust(claimed, measured, "value", direction="higher") is expected


def test_scale_moves_every_tolerance():
    assert judge(104, 100, "value", scale=0.5) == "roughly holds"
    assert judge(108, 100, "value", scale=2.0) == "holds"
    assert judge(160, 100, "value", direction="higher", scale=0.5) == "wrong"
    assert judge(250, 100, "value", direction="higher", scale=2.0) == "exaggerated"


@pytest.mark.parametrize(
    "parts, expected",
    [
        (["holds", "holds"], "holds"),
        (["holds", "roughly holds"], "roughly holds"),
        (["understated", "exaggerated", "holds"], "mixed"),
        (["understated", "wrong", "exaggerated"], "mixed"),
        (["exaggerated", "wrong"], "wrong"),
        (["holds", "understated"], "understated"),
        (["holds", "misattributed"], "mixed"),
        (["holds", "unverifiable"], "holds"),
        (["unverifiable", "unverifiable"], "unverifiable"),
        (["misleading", "misattributed"], "misleading"),
        (["misattributed", "misleading"], "misattributed"),
        (["exaggerated", "misleading"], "misleading"),
    ],
)
def test_combine(parts, expected):
    assert combine(parts) == expected


@pytest.mark.parametrize(
    "parts, carries, expected",
    [
        (["holds", "unverifiable"], [True, True], "unverifiable"),  # the point itself unchecked
        (["holds", "unverifiable"], [True, False], "holds"),  # only a detail unchecked
        (["wrong", "unverifiable"], [False, True], "wrong"),  # a contradiction stands
        (["holds", "wrong", "unverifiable"], [True, True, True], "mixed"),
        (["understated", "unverifiable"], [False, True], "unverifiable"),
    ],
)
def test_combine_point_carrying_part_caps(parts, carries, expected):
    assert combine(parts, carries=carries) == expected


def test_combine_refuses_a_combined_verdict_as_a_part():
    with pytest.raises(ValueError):
        combine(["mixed", "holds"])
    with pytest.raises(ValueError):
        combine(["holds"], carries=[True, False])


def test_combine_refuses_nonsense():
    with pytest.raises(ValueError):
        combine([])
    with pytest.raises(ValueError):
        combine(["sort of"])


def test_vocabulary_is_consistent():
    assert set(SEVERITY) | {"unverifiable", "mixed"} == set(VERDICTS)
    assert set(SUPPORTS) | set(CONTRADICTS) == set(SEVERITY)
    assert not set(SUPPORTS) & set(CONTRADICTS)
    assert set(HAND_SET) <= set(VERDICTS)
    assert legend_markdown().count("\n- **") + 1 == len(VERDICTS)


def _percent(word):
    return float(re.search(r"within (\d+(?:\.\d+)?)%", DEFINITIONS[word]).group(1)) / 100


def _factor(word):
    return float(re.search(r"(\d+(?:\.\d+)?)×", DEFINITIONS[word]).group(1))


def test_legend_says_what_the_rule_does():
    """The legend's numbers are the rule's: a figure just inside the stated tolerance gets the
    word, one just outside does not."""
    holds, roughly = _percent("holds"), _percent("roughly holds")
    assert judge(100 * (1 + holds), 100, "value") == "holds"
    assert judge(100 * (1 + holds) + 0.01, 100, "value", direction="higher") != "holds"
    assert judge(100 * (1 + roughly), 100, "value") == "roughly holds"
    assert judge(100 * (1 + roughly) + 0.01, 100, "value", direction="higher") not in (
        "holds",
        "roughly holds",
    )
    factor = _factor("wrong")
    assert factor == _factor("exaggerated") == _factor("understated")
    assert judge(100 * factor, 100, "value", direction="higher") == "exaggerated"
    assert judge(100 * factor + 0.01, 100, "value", direction="higher") == "wrong"
    assert "helps the article" in DEFINITIONS["exaggerated"]
    assert (
        judge(130, 100, "value", direction="higher") == "exaggerated"
    )  # larger helps, claims more
    assert "weakens the article" in DEFINITIONS["understated"]
    assert (
        judge(130, 100, "value", direction="lower") == "understated"
    )  # smaller helps, claims more

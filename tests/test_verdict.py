"""The verdict rule at the edges of its tolerances."""
import math

import pytest

from claimcheck.verdict import HOLDS, ROUGHLY, WRONG_FACTOR, judge


@pytest.mark.parametrize("claimed, measured, expected", [
    (100, 100, "holds"),
    (100 * (1 + HOLDS), 100, "holds"),           # exactly 5 % off: still holds
    (105.01, 100, "roughly holds"),               # just past 5 %
    (100 * (1 + ROUGHLY), 100, "roughly holds"),  # exactly 15 % off
    (115.01, 100, "exaggerated"),
    (84.99, 100, "understated"),
    (200, 100, "exaggerated"),                    # exactly twice: exaggerated, not wrong
    (200.01, 100, "wrong"),
    (50, 100, "understated"),                     # exactly half
    (49.99, 100, "wrong"),
    (-17, -16.9, "holds"),                        # negative changes compare by size
    (-20, -16.9, "exaggerated"),
    (10, -10, "wrong"),                           # opposite sign
    (0, 0, "holds"),
    (0, 0.1, "wrong"),
    (1, 0, "wrong"),
])
def test_value(claimed, measured, expected):
    assert judge(claimed, measured, "value") == expected


@pytest.mark.parametrize("claimed, measured, expected", [
    (500, 589, "holds"),
    (500, 500, "holds"),
    (500, 500 * (1 - ROUGHLY), "roughly holds"),
    (500, 424.99, "exaggerated"),
    (500, 500 / WRONG_FACTOR, "exaggerated"),
    (500, 249.99, "wrong"),
])
def test_at_least(claimed, measured, expected):
    assert judge(claimed, measured, "at_least") == expected


@pytest.mark.parametrize("claimed, measured, expected", [
    (10, 9, "holds"),
    (10, 10 * (1 + ROUGHLY), "roughly holds"),
    (10, 11.51, "understated"),
    (10, 20, "understated"),
    (10, 20.01, "wrong"),
])
def test_at_most(claimed, measured, expected):
    assert judge(claimed, measured, "at_most") == expected


@pytest.mark.parametrize("measured, expected", [
    (25, "holds"), (50, "holds"), (37, "holds"),
    (25 * (1 - ROUGHLY), "roughly holds"), (50 * (1 + ROUGHLY), "roughly holds"),
    (21, "exaggerated"), (12.5, "exaggerated"), (12.49, "wrong"),
    (58, "understated"), (100, "understated"), (100.01, "wrong"),
])
def test_range(measured, expected):
    assert judge(25, measured, "range", claimed_high=50) == expected


def test_statement():
    assert judge(None, True, "statement") == "holds"
    assert judge(None, False, "statement") == "wrong"
    with pytest.raises(TypeError):
        judge(None, 1.0, "statement")


@pytest.mark.parametrize("measured", [None, math.nan])
@pytest.mark.parametrize("kind", ["value", "at_least", "at_most", "statement"])
def test_missing_measurement_is_unverifiable(kind, measured):
    assert judge(5, measured, kind) == "unverifiable"


def test_bad_arguments():
    with pytest.raises(ValueError, match="unknown kind"):
        judge(1, 1, "about")
    with pytest.raises(ValueError, match="claimed_high"):
        judge(1, 1, "range")
    with pytest.raises(ValueError, match="claimed value"):
        judge(None, 1, "value")

"""The one verdict rule every notebook uses.

judge(claimed, measured, kind) compares an article's figure with ours:

kind 'value' (the article states a number):
    error = |claimed - measured| / |measured|
    holds          error <= HOLDS (5 %)
    roughly holds  error <= ROUGHLY (15 %)
    wrong          the two differ in sign, or one is more than WRONG_FACTOR (2x) the other
    exaggerated    otherwise, when |claimed| > |measured|
    understated    otherwise, when |claimed| < |measured|
kind 'at_least' (the article says "more than X"):
    holds          measured >= claimed
    roughly holds  measured >= claimed * (1 - ROUGHLY)
    exaggerated    measured >= claimed / WRONG_FACTOR
    wrong          below that
kind 'at_most' is the mirror image ("less than X").
kind 'range' (the article says "between X and Y"):
    holds          X <= measured <= Y
    roughly holds  within ROUGHLY of the nearer bound
    exaggerated / understated   measured below X / above Y (the claim says more / less than is so)
    wrong          more than WRONG_FACTOR outside the nearer bound
kind 'statement' (a yes/no fact): measured True -> holds, False -> wrong.

A missing measurement (None or NaN) is 'unverifiable'. 'misattributed' (a real figure
pinned on the wrong thing) is never computed: a notebook sets it with `override` and a
written reason, and the reason records what the rule alone would have said.
"""
from __future__ import annotations

import math

HOLDS = 0.05
ROUGHLY = 0.15
WRONG_FACTOR = 2.0

VERDICTS = ("holds", "roughly holds", "exaggerated", "understated", "misattributed", "wrong", "unverifiable")
KINDS = ("value", "at_least", "at_most", "range", "statement")


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def judge(claimed, measured, kind: str = "value", claimed_high=None) -> str:
    """Return one word of VERDICTS for an article's figure against ours (see module doc)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of claim {kind!r}; expected one of {KINDS}")
    if _missing(measured):
        return "unverifiable"
    if kind == "statement":
        if not isinstance(measured, bool):
            raise TypeError("a statement claim needs measured=True or False")
        return "holds" if measured else "wrong"
    if _missing(claimed):
        raise ValueError(f"kind {kind!r} needs a claimed value")
    claimed, measured = float(claimed), float(measured)
    if kind == "value":
        if measured == 0:
            return "holds" if claimed == 0 else "wrong"
        error = abs(claimed - measured) / abs(measured)
        if error <= HOLDS:
            return "holds"
        if error <= ROUGHLY:
            return "roughly holds"
        ratio = claimed / measured
        if ratio <= 0 or ratio > WRONG_FACTOR or ratio < 1 / WRONG_FACTOR:
            return "wrong"
        return "exaggerated" if abs(claimed) > abs(measured) else "understated"
    if kind == "at_least":
        if measured >= claimed:
            return "holds"
        if measured >= claimed * (1 - ROUGHLY):
            return "roughly holds"
        return "exaggerated" if measured >= claimed / WRONG_FACTOR else "wrong"
    if kind == "at_most":
        if measured <= claimed:
            return "holds"
        if measured <= claimed * (1 + ROUGHLY):
            return "roughly holds"
        return "understated" if measured <= claimed * WRONG_FACTOR else "wrong"
    # range
    if _missing(claimed_high):
        raise ValueError("kind 'range' needs claimed_high")
    low, high = sorted((claimed, float(claimed_high)))
    if low <= measured <= high:
        return "holds"
    bound = low if measured < low else high
    if abs(measured - bound) <= ROUGHLY * abs(bound):
        return "roughly holds"
    ratio = measured / bound
    if ratio <= 0 or ratio > WRONG_FACTOR or ratio < 1 / WRONG_FACTOR:
        return "wrong"
    return "exaggerated" if measured < low else "understated"

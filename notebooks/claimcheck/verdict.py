"""The one verdict rule every notebook uses (version 2).

judge(claimed, measured, kind, direction=...) compares an article's figure with ours.

How far off the claim is
    kind 'value' (the article states a number):
        error = |claimed - measured| / |measured|
        holds          error <= HOLDS (5 %)
        roughly holds  error <= ROUGHLY (15 %)
        wrong          the two differ in sign, or one is more than WRONG_FACTOR (2x) the other
        otherwise      exaggerated or understated (see "Which way" below)
    kind 'at_least' (the article says "more than X"): holds when measured >= X; roughly holds
        within ROUGHLY below X; wrong below X / WRONG_FACTOR; otherwise exaggerated/understated.
    kind 'at_most' ("less than X") is the mirror image.
    kind 'range' ("between X and Y"): holds inside; roughly holds within ROUGHLY of the nearer
        bound; wrong more than WRONG_FACTOR outside it; otherwise exaggerated/understated.
    kind 'statement' (a yes/no fact): measured True -> holds, False -> wrong.

Which way (direction follows the article's argument, not the sign of the error)
    Each numeric claim records whether a larger number helps the article's argument
    (direction 'higher') or a smaller one does ('lower'). An error that helps the article's
    case is *exaggerated*; an error that works against it is *understated*. The article that
    says Chinese panels cost 15 c/W when they cost 8.6 c/W wants them cheap ('lower'): its
    figure is too high, which works against its own point, so it is understated.

A missing measurement (None or NaN) is 'unverifiable'. 'misleading' (the figure is right but
describes something else than the article says) and 'misattributed' (another subject's
figure) are never computed: a notebook sets them by hand with a reason, and the verdict row
keeps what the rule alone said.

Parts: a compound claim ("15 c in China, 40 in the US, 30 in Europe") is judged part by part;
`combine` gives the claim's overall verdict from its parts (see its docstring): *mixed* when
some parts support the article's point and others contradict it.
"""

from __future__ import annotations

import math

HOLDS = 0.05
ROUGHLY = 0.15
WRONG_FACTOR = 2.0

KINDS = ("value", "at_least", "at_most", "range", "statement")
DIRECTIONS = ("higher", "lower")

# The vocabulary, in order of severity (used by `combine`), with the plain-English definition
# that the ledger and the README show as their legend. The legend is generated from this dict.
DEFINITIONS = {
    "holds": f"the claim matches the evidence (a figure within {HOLDS:.0%} of ours)",
    "roughly holds": f"close but not exact (a figure within {ROUGHLY:.0%} of ours)",
    "understated": (
        f"off by more than {ROUGHLY:.0%} but less than {WRONG_FACTOR:g}×, in the direction "
        "that weakens the article's own argument"
    ),
    "exaggerated": (
        f"off by more than {ROUGHLY:.0%} but less than {WRONG_FACTOR:g}×, in the direction "
        "that helps the article's argument"
    ),
    "mixed": (
        "the claim's parts disagree: at least one supports the article's point (holds, roughly "
        "holds or understated) and at least one contradicts it; the reason names which"
    ),
    "misleading": "the figure is right but describes something else than the article says",
    "misattributed": (
        "the figure is real but belongs to another subject (another model, company or year)"
    ),
    "wrong": (
        f"the evidence contradicts the claim (off by more than {WRONG_FACTOR:g}×, "
        "or the event did not happen)"
    ),
    "unverifiable": "no source was found that settles it; the reason says what is missing",
}
VERDICTS = tuple(DEFINITIONS)
HAND_SET = ("misleading", "misattributed", "unverifiable")
SEVERITY = {
    "holds": 0,
    "roughly holds": 1,
    "understated": 2,
    "exaggerated": 3,
    "misleading": 4,
    "misattributed": 4,
    "wrong": 5,
}
# Which side of the article's point a part's verdict falls on (used by `combine`).
SUPPORTS = ("holds", "roughly holds", "understated")
CONTRADICTS = ("exaggerated", "misleading", "misattributed", "wrong")
COMBINED = ("mixed",)  # verdicts only `combine` gives: never a part's verdict, never set by hand


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _side(says_more: bool, direction: str | None) -> str:
    if direction not in DIRECTIONS:
        raise ValueError(
            f"a numeric claim needs direction 'higher' or 'lower' (got {direction!r})"
        )
    helps = says_more == (direction == "higher")
    return "exaggerated" if helps else "understated"


def judge(
    claimed,
    measured,
    kind: str = "value",
    claimed_high=None,
    direction: str | None = None,
    scale: float = 1.0,
) -> str:
    """Return one word of VERDICTS for an article's figure against ours (see module doc).

    `scale` multiplies every tolerance (HOLDS, ROUGHLY and WRONG_FACTOR's margin above 1):
    `robust` uses it to ask whether a verdict survives halving and doubling them."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of claim {kind!r}; expected one of {KINDS}")
    if not scale > 0:
        raise ValueError("scale must be positive")
    if _missing(measured):
        return "unverifiable"
    if kind == "statement":
        if not isinstance(measured, bool):
            raise TypeError("a statement claim needs measured=True or False")
        return "holds" if measured else "wrong"
    if isinstance(measured, bool):
        raise TypeError(f"a {kind} claim needs a numeric measurement, not {measured!r}")
    if _missing(claimed):
        raise ValueError(f"kind {kind!r} needs a claimed value")
    holds, roughly, factor = HOLDS * scale, ROUGHLY * scale, 1 + (WRONG_FACTOR - 1) * scale
    claimed, measured = float(claimed), float(measured)
    if kind == "value":
        if measured == 0:
            return "holds" if claimed == 0 else "wrong"
        error = abs(claimed - measured) / abs(measured)
        if error <= holds:
            return "holds"
        if error <= roughly:
            return "roughly holds"
        ratio = claimed / measured
        if ratio <= 0 or ratio > factor or ratio < 1 / factor:
            return "wrong"
        return _side(claimed > measured, direction)
    if kind == "at_least":
        if measured >= claimed:
            return "holds"
        if measured >= claimed * (1 - roughly):
            return "roughly holds"
        return _side(True, direction) if measured >= claimed / factor else "wrong"
    if kind == "at_most":
        if measured <= claimed:
            return "holds"
        if measured <= claimed * (1 + roughly):
            return "roughly holds"
        return _side(False, direction) if measured <= claimed * factor else "wrong"
    # range
    if _missing(claimed_high):
        raise ValueError("kind 'range' needs claimed_high")
    low, high = sorted((claimed, float(claimed_high)))
    if low <= measured <= high:
        return "holds"
    bound = low if measured < low else high
    if abs(measured - bound) <= roughly * abs(bound):
        return "roughly holds"
    ratio = measured / bound
    if ratio <= 0 or ratio > factor or ratio < 1 / factor:
        return "wrong"
    return _side(measured < low, direction)


def robust(
    claimed, measured, kind: str = "value", claimed_high=None, direction: str | None = None
) -> bool:
    """True when the verdict is the same with every tolerance halved and doubled."""
    args = (claimed, measured, kind, claimed_high, direction)
    base = judge(*args)
    return all(judge(*args, scale=s) == base for s in (0.5, 2.0))


def combine(verdicts, carries=None) -> str:
    """A compound claim's overall verdict from its parts' verdicts.

    The rule:
    1. Unverifiable parts are set aside; if no part could be checked, the claim is unverifiable.
    2. If the checked parts fall on both sides of the article's point (at least one of SUPPORTS:
       holds, roughly holds, understated; and at least one of CONTRADICTS: exaggerated,
       misleading, misattributed, wrong), the claim is *mixed*: a reader of the worst part's
       word alone would conclude the whole claim is false, which the parts do not show.
    3. Otherwise the claim is no better than its worst part. Severity, from least to most:
       holds, roughly holds, understated, exaggerated, misleading = misattributed, wrong
       (exaggerated ranks above understated: an error that helps the argument misleads more);
       between misleading and misattributed the first listed part decides.
    4. `carries` (one flag per part, from claim_parts.csv's `carries_point`) marks the parts
       that carry the claim's point. An unverifiable part that carries the point caps the
       claim: if the checked parts all support the point, the claim is unverifiable (the point
       itself was not checked); a contradiction found in the other parts still stands.
    """
    verdicts = list(verdicts)
    if not verdicts:
        raise ValueError("combine needs at least one part verdict")
    unknown = [v for v in verdicts if v not in DEFINITIONS or v in COMBINED]
    if unknown:
        raise ValueError(f"unknown part verdict(s) {unknown}")
    carries = [False] * len(verdicts) if carries is None else [bool(c) for c in carries]
    if len(carries) != len(verdicts):
        raise ValueError("combine needs one `carries` flag per part")
    checked = [v for v in verdicts if v != "unverifiable"]
    if not checked:
        return "unverifiable"
    if any(v in SUPPORTS for v in checked) and any(v in CONTRADICTS for v in checked):
        overall = "mixed"
    else:
        overall = max(checked, key=lambda v: SEVERITY[v])  # max keeps the first of equal severity
    point_unchecked = any(
        c and v == "unverifiable" for v, c in zip(verdicts, carries, strict=True)
    )
    if point_unchecked and overall in SUPPORTS:
        return "unverifiable"
    return overall


def legend_markdown() -> str:
    """The legend the ledger and the README show, generated from DEFINITIONS."""
    return "\n".join(f"- **{word}**: {text}" for word, text in DEFINITIONS.items()) + "\n"

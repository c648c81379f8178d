"""Nvidia's sell-off of 27 January 2025 in figures: computed once, here, for every notebook.

Notebook 01 checks the articles' closes, change and loss; notebook 06 looks back at the same day.
Both print these quantities from `selloff()` and `shared_figures()`, so a reader never meets two
values of one quantity (tests/test_market.py compares the committed outputs of both).

Official figures first: a close quoted to readers is the exchange's official close. The Nasdaq's
own record was not found, so the official close is taken as the value on which two independent
records agree to the cent: the data provider's unadjusted daily close (Yahoo Finance through a
public repository's copy, `hindsight/nvda_close_crosscheck.csv`, column `close_aakashvats15`)
and a press print (`market/press_figures.csv`, quality primary or secondary). Both are secondary
records; prints that disagree are kept as cross-checks. Returns and event studies use adjusted
closes instead (`claimcheck.adjusted_close`), which are a different quantity.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .load import DataError, load_table
from .paths import DATA

TICKER = "NVDA"
BEFORE = pd.Timestamp("2025-01-24")  # the last trading day before the sell-off (a Friday)
EVENT = pd.Timestamp("2025-01-27")  # the sell-off (a Monday)
PROVIDER_FILE = "hindsight/nvda_close_crosscheck.csv"
PROVIDER_COLUMN = "close_aakashvats15"
PROVIDER = "Yahoo Finance daily close, unadjusted (repository copy)"
PRESS_FILE = "market/press_figures.csv"
SHARES_FILE = "market/shares_outstanding.csv"
INDEPENDENT = ("primary", "secondary")  # a weak copy does not count as an independent record


def _cents(value: float) -> int:
    return int(round(float(value) * 100))


def official_close(date, root: Path = DATA) -> dict:
    """NVIDIA's official close on `date`: the provider's unadjusted close, confirmed to the cent
    by at least one independent press print.

    Returns {'date', 'close', 'records' (the sources that agree, provider first),
    'other_prints' (a frame of the press prints that disagree: outlet, value, quality)}.
    Raises DataError (naming both files) when the provider has no close that day or no
    independent print agrees with it to the cent."""
    day = pd.Timestamp(date)
    provider = load_table(PROVIDER_FILE, root).set_index("date")[PROVIDER_COLUMN]
    if day not in provider.index or pd.isna(provider.get(day)):
        raise DataError(f"data/{PROVIDER_FILE}: no {PROVIDER_COLUMN} on {day.date()}")
    close = float(provider[day])
    press = load_table(PRESS_FILE, root)
    prints = press[
        (press["ticker"] == TICKER)
        & (press["measure"] == "close_usd")
        & (press["event_date"] == day)
        & (press["qualifier"] == "exact")
    ]
    agree = prints["value"].map(_cents) == _cents(close)
    confirming = prints[agree & prints["quality"].isin(INDEPENDENT)]
    if confirming.empty:
        raise DataError(
            f"data/{PRESS_FILE}: no independent print of {TICKER}'s close on {day.date()} "
            f"agrees to the cent with data/{PROVIDER_FILE} ({close:.2f})"
        )
    others = prints[~prints.index.isin(confirming.index)][["outlet", "value", "quality"]]
    return {
        "date": day,
        "close": round(close, 2),
        "records": [PROVIDER, *confirming["outlet"].astype(str)],
        "other_prints": others.reset_index(drop=True),
    }


def cover_count(root: Path = DATA) -> pd.Series:
    """The share count on the cover of NVIDIA's last filing before the sell-off (its 10-Q of
    November 2024): the row of market/shares_outstanding.csv, shares in billions."""
    shares = load_table(SHARES_FILE, root)
    before = shares[(shares["ticker"] == TICKER) & (shares["filed"] <= EVENT)]
    if before.empty:
        raise DataError(f"data/{SHARES_FILE}: no {TICKER} filing before {EVENT.date()}")
    return before.sort_values("filed").iloc[-1]


def selloff(root: Path = DATA) -> dict:
    """The one value of each quantity of the sell-off: the two official closes (USD), the change
    between them (percent), the fall per share (USD), the share count (billions), the market value
    lost (USD bn) and the market value at the close of 27 January (USD bn)."""
    before, after = official_close(BEFORE, root), official_close(EVENT, root)
    count = cover_count(root)
    shares_bn = float(count["shares_bn"])
    drop = before["close"] - after["close"]
    return {
        "before": before,
        "after": after,
        "close_before": before["close"],
        "close_after": after["close"],
        "change_pct": (after["close"] / before["close"] - 1) * 100,
        "drop_usd": drop,
        "shares_bn": shares_bn,
        "shares_as_of": count["as_of"],
        "loss_bn": shares_bn * drop,
        "value_after_bn": shares_bn * after["close"],
    }


def _day(d: pd.Timestamp) -> str:
    return f"{d.day} {d:%b %Y}"


def shared_figures(figures: dict | None = None, root: Path = DATA) -> pd.DataFrame:
    """The quantities both notebooks print, as readers see them (labels and formatted values).
    tests/test_market.py checks that the committed outputs of notebooks 01 and 06 show exactly
    these lines."""
    f = selloff(root) if figures is None else figures
    rows = [
        (f"official close, {_day(BEFORE)}", f"USD {f['close_before']:.2f}"),
        (f"official close, {_day(EVENT)}", f"USD {f['close_after']:.2f}"),
        ("change between the two closes", f"{f['change_pct']:.2f} %"),
        ("fall per share", f"USD {f['drop_usd']:.2f}"),
        ("shares outstanding", f"{f['shares_bn']:,.2f} bn"),
        (f"market value lost on {_day(EVENT)}", f"USD {f['loss_bn']:,.1f} bn"),
        (f"market value at the close of {_day(EVENT)}", f"USD {f['value_after_bn']:,.0f} bn"),
    ]
    return pd.DataFrame(rows, columns=["Nvidia's sell-off", "value"])

"""The yfinance refresh, offline: recorded and synthetic frames, and a refresh that is all or
nothing.

Every failure must leave the copy of data/ byte-identical and say one line, or, when the undo
fails too, name exactly the files left changed and the command that restores them."""

import errno
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from claimcheck import atomic, refresh
from claimcheck.load import load_prices, load_table
from claimcheck.paths import DATA

FIXTURE = DATA.parent / "tests" / "fixtures" / "yf_download_SPY.csv"
TODAY = date(2026, 1, 2)


def recorded():
    """A frame as yf.download(..., auto_adjust=False) returns it: (Price, Ticker) columns, 'Date'
    index. Its values are SPY's real bars of 21-31 January 2025, saved in yfinance's own CSV
    layout."""
    frame = pd.read_csv(FIXTURE, header=[0, 1], index_col=0, skiprows=[2], parse_dates=True)
    frame.index.name = "Date"
    frame.columns.names = ["Price", "Ticker"]
    return frame


def as_download(prices: pd.DataFrame, label: str) -> pd.DataFrame:
    """A yf.download-shaped frame with the bars of `prices` (a loaded file), labelled `label`."""
    close = prices["close"]
    columns = {
        "Adj Close": prices.get("adj_close", close),
        "Close": close,
        "High": prices.get("high", close),
        "Low": prices.get("low", close),
        "Open": prices.get("open", close),
        "Volume": prices["volume"].astype("int64") if "volume" in prices else 1000,
    }
    frame = pd.DataFrame(columns, index=prices.index.rename("Date"))
    frame.columns = pd.MultiIndex.from_product(
        [list(frame.columns), [label]], names=["Price", "Ticker"]
    )
    return frame


# the fixture keeps the real files' lines from this day on (small: the tests stay fast)
FIRST = "2025-01-02"
SNAPSHOT = DATA.parent / "tests" / "fixtures" / "refresh"


@pytest.fixture
def root(tmp_path):
    """A data/ folder (its lock beside it, as in the repository) holding a fixed snapshot: the
    manifest's rows and the price files of SPY, NVDA, AMD and TSM as committed before any refresh
    (tests/fixtures/refresh), so a refresh of the live data/ never changes what these tests see."""
    shutil.copytree(SNAPSHOT, tmp_path / "data")
    return tmp_path / "data"


def good(root):
    """fetch: every ticker's own bars, as its current file holds them."""
    return lambda ticker, **window: as_download(load_prices(ticker, root=root), ticker)


PRICES = ["Open", "High", "Low", "Close", "Adj Close"]


def scaled(frame, factor, day=None, prices=PRICES):
    """`frame` with its prices (all days, or only `day`) times `factor`: a consistent bar."""
    frame = frame.astype({c: float for c in frame.columns if c[0] in prices})
    rows = slice(None) if day is None else pd.Timestamp(day)
    for column in [c for c in frame.columns if c[0] in prices]:
        frame.loc[rows, column] = frame.loc[rows, column] * factor
    return frame


def swapped(frame, day, a="High", b="Low"):
    frame = frame.astype({c: float for c in frame.columns if c[0] in (a, b)})
    (ca,), (cb,) = [[c for c in frame.columns if c[0] == x] for x in (a, b)]
    frame.loc[pd.Timestamp(day), [ca, cb]] = frame.loc[pd.Timestamp(day), [cb, ca]].to_numpy()
    return frame


def on_day(frame, day, value, price=None):
    """`frame` with `value` on `day` in every column (or in the one column `price`)."""
    frame = frame.copy()
    columns = [c for c in frame.columns if price is None or c[0] == price]
    if not isinstance(value, str):
        frame = frame.astype({c: float for c in columns})
    else:
        frame = frame.astype({c: object for c in columns})
    frame.loc[pd.Timestamp(day), columns] = value
    return frame


def snapshot(root):
    """Every file under root (hidden temporary files included) with its bytes."""
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def broken(root, ticker, change):
    """fetch: good bars for every ticker but `ticker`, whose frame goes through `change`."""

    def fetch(name, **window):
        frame = good(root)(name)
        return change(frame) if name == ticker else frame

    return fetch


def test_tidy_flattens_and_keeps_raw_and_adjusted():
    out = refresh.tidy(recorded(), "SPY")
    assert list(out.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    assert out.index.name == "date" and out.index.is_monotonic_increasing
    assert out.loc["2025-01-27", "close"] == pytest.approx(599.3699951171875)
    assert out.loc["2025-01-27", "adj_close"] == pytest.approx(589.2816162109375)


def test_tidy_accepts_tz_aware_frames():
    frame = recorded()
    frame.index = frame.index.tz_localize("America/New_York")
    assert refresh.tidy(frame, "SPY").index[0] == pd.Timestamp("2025-01-21")


def test_refresh_writes_every_file_and_the_manifest(root):
    before, days = snapshot(root), load_prices("SPY", root=root).index
    written = refresh.refresh(["SPY", "NVDA"], root=root, fetch=good(root), today=TODAY)
    assert written == ["SPY", "NVDA"]
    spy, nvda = load_prices("SPY", root=root), load_prices("NVDA", root=root)
    assert nvda.attrs["close_basis"] == "raw" and "adj_close" in nvda
    assert spy.index.equals(days) and nvda.index.equals(days)
    manifest = (root / "market" / "tickers.csv").read_text()
    assert manifest.count("retrieved 2026-01-02") == 2
    after = snapshot(root)
    assert set(after) == set(before)  # no temporary or backup file left behind
    changed = {p for p in after if after[p] != before[p]}
    assert {p.name for p in changed} <= {"SPY.csv", "NVDA.csv", "tickers.csv"}


# Each bad download: (ticker whose frame is broken, how, the one-line message it must give).
LAST_DAY = pd.Timestamp("2025-05-30")
BAD = {
    "empty frame": ("NVDA", lambda f: f.iloc[0:0], "NVDA: empty download"),
    "nothing": ("NVDA", lambda f: None, "NVDA: empty download"),
    "a week short": (
        "NVDA",
        lambda f: f.iloc[:-5],
        "NVDA: the download lacks 5 trading day(s) the current "
        "file has, first 2025-05-23 (a short or partial download)",
    ),
    "missing 27 January": (
        "NVDA",
        lambda f: f.drop(pd.Timestamp("2025-01-27")),
        "lacks 1 trading day(s) the current file has, first 2025-01-27",
    ),
    "nine rows": ("SPY", lambda f: recorded(), "SPY: the download lacks"),
    "late start": ("NVDA", lambda f: f.iloc[3:], f"first {FIRST}"),
    "another ticker's label": (
        "NVDA",
        lambda f: f.rename(columns={"NVDA": "SPY"}, level="Ticker"),
        "NVDA: the download is labelled SPY, not NVDA",
    ),
    "two tickers": (
        "NVDA",
        lambda f: pd.concat([f, f.rename(columns={"NVDA": "AMD"}, level="Ticker")], axis=1),
        "labelled AMD, NVDA, not NVDA",
    ),
    "no ticker level": (
        "NVDA",
        lambda f: f.droplevel("Ticker", axis=1),
        "does not name its ticker",
    ),
    "another ticker's bars": (
        "NVDA",
        lambda f: as_download(load_prices("SPY", root=SNAPSHOT), "NVDA"),
        f"NVDA: on {FIRST} the downloaded adjusted close",
    ),
    # plausible wrong data: consistent bars, right ticker, whole window, on the file's level
    "NVDA's bar x10 on 28 January": (
        "NVDA",
        lambda f: scaled(f, 10, "2025-01-28"),
        "NVDA: on 2025-01-28 the downloaded adjusted close 1289.78 is 10 times the "
        "committed (adjusted) close (128.978), the median shared day 1 times; a "
        "dividend since the last download rescales every earlier day alike, and 1 of "
        "102 shared days depart from it by more than 0.1%",
    ),
    "SPY's bar x10 on 28 January": (
        "SPY",
        lambda f: scaled(f, 10, "2025-01-28"),
        "SPY: on 2025-01-28 the downloaded close 6045.2 is 10 times the committed one "
        "(604.52); raw closes must agree within 0.1% on every shared day, and 1 of 102 "
        "do not",
    ),
    "SPY's raw close 1 % off": (
        "SPY",
        lambda f: scaled(f, 1.01, "2025-03-03", ["Open", "High", "Low", "Close"]),
        "SPY: on 2025-03-03 the downloaded close",
    ),
    "SPY's adjusted close not one factor": (
        "SPY",
        lambda f: scaled(f, 0.99, "2025-02-03", ["Adj Close"]),
        "SPY: on 2025-02-03 the downloaded adjusted close",
    ),
    "NVDA's close x10 alone": (
        "NVDA",
        lambda f: scaled(f, 10, "2025-01-27", ["Close", "Adj Close"]),
        "NVDA: the bar of 2025-01-27 is inconsistent: "
        "the close 1184.09 is above the high 128.388 ",
    ),
    "adjusted close 50 % above the close": (
        "SPY",
        lambda f: scaled(f, 1.5 / 0.98, "2025-01-27", ["Adj Close"]),
        "SPY: the bar of 2025-01-27 is inconsistent: the adjusted close ",
    ),
    "high below low": (
        "NVDA",
        lambda f: swapped(f, "2025-01-29"),
        "NVDA: the bar of 2025-01-29 is inconsistent: the low 126.878 is above the high 120.039 "
        "(checked within a relative 1e-06)",
    ),
    "open above high": (
        "NVDA",
        lambda f: swapped(f, "2025-02-04", "Open", "Low"),
        "the bar of 2025-02-04 is inconsistent: the open ",
    ),
    "zero volume": (
        "NVDA",
        lambda f: on_day(f, "2025-01-31", 0, "Volume"),
        "NVDA: the bar of 2025-01-31 is inconsistent: the volume is 0 on a trading day",
    ),
    "a 10-for-1 split since": (
        "NVDA",
        lambda f: scaled(f, 0.1),
        "NVDA: a 10-for-1 split since the last "
        "download: the downloaded closes are 0.1 times the committed ones on all 102 shared "
        "days; refused (the committed file is on the old share basis)",
    ),
    "a 3-for-2 split of SPY": (
        "SPY",
        lambda f: scaled(f, 2 / 3),
        "SPY: a 3-for-2 split since the last download",
    ),
    "a 1-for-4 reverse split": (
        "NVDA",
        lambda f: scaled(f, 4),
        "NVDA: a 1-for-4 reverse split since",
    ),
    "a column lacking": (
        "NVDA",
        lambda f: f.drop(columns="Adj Close", level="Price"),
        "NVDA: download lacks column(s) Adj Close",
    ),
    "NaN volume": (
        "NVDA",
        lambda f: on_day(f, "2025-01-27", np.nan, "Volume"),
        "NVDA: the download does not fit data/market/prices/NVDA.csv: missing value in column "
        "'volume' (on 2025-01-27)",
    ),
    "fractional volume": (
        "NVDA",
        lambda f: f.astype({("Volume", "NVDA"): float}) + 0.5,
        "non-integer value",
    ),
    "text in volume": (
        "NVDA",
        lambda f: on_day(f, LAST_DAY, "n/a", "Volume"),
        "non-numeric value 'n/a' in column 'volume' (on 2025-05-30)",
    ),
    "NaN close": (
        "NVDA",
        lambda f: on_day(f, "2025-01-27", np.nan, "Close"),
        "missing value in column 'close' (on 2025-01-27)",
    ),
    "infinite close": (
        "NVDA",
        lambda f: on_day(f, "2025-01-27", np.inf, "Close"),
        "non-finite value 'inf' in column 'close' (on 2025-01-27)",
    ),
    "negative prices": ("NVDA", lambda f: f * -1, "non-positive value"),
    "duplicate day": ("NVDA", lambda f: pd.concat([f, f.iloc[[0]]]), f"duplicate date {FIRST}"),
    "a day after the end": (
        "NVDA",
        lambda f: pd.concat([f, f.iloc[[-1]].set_axis([pd.Timestamp(refresh.END)])]),
        f"NVDA: dates {FIRST}..{refresh.END} fall outside {refresh.START}..{refresh.END}",
    ),
    "a day before the start": (
        "NVDA",
        lambda f: pd.concat([f.iloc[[0]].set_axis([pd.Timestamp("2021-12-31")]), f]),
        "fall outside",
    ),
    "download raises": (
        "NVDA",
        lambda f: (_ for _ in ()).throw(ConnectionError("Max retries exceeded\nmore")),
        "NVDA: download failed (ConnectionError: Max retries exceeded)",
    ),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_download_writes_nothing(root, case, capsys):
    ticker, change, message = BAD[case]
    before = snapshot(root)
    assert (
        refresh.main(["SPY", "NVDA"], root=root, fetch=broken(root, ticker, change), today=TODAY)
        == 1
    )
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err, err
    assert err.startswith("refresh: ") and err.endswith("; data/ left unchanged\n")
    assert snapshot(root) == before


def fail_on_call(k, exc, target):
    """A replacement for `target` that raises `exc` on its k-th call and otherwise works."""
    calls = []

    def replacement(*args, **kwargs):
        calls.append(args)
        if len(calls) == k:
            if target is os.fdopen:  # the temporary file exists: close it before failing
                os.close(args[0])
            raise exc
        return target(*args, **kwargs)

    return replacement


@pytest.mark.parametrize("k", [1, 2, 3], ids=["first file", "second file", "manifest"])
def test_full_disk_on_the_kth_file_writes_nothing(root, monkeypatch, capsys, k):
    before = snapshot(root)
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(atomic.os, "fdopen", fail_on_call(k, full, os.fdopen))
    assert refresh.main(["SPY", "NVDA"], root=root, fetch=good(root), today=TODAY) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err == "refresh: cannot write: No space left on device; data/ left unchanged\n"
    assert snapshot(root) == before


@pytest.mark.parametrize("k", [1, 2, 3], ids=["first rename", "second rename", "manifest rename"])
@pytest.mark.parametrize(
    "exc",
    [KeyboardInterrupt(), OSError(errno.EACCES, "Permission denied")],
    ids=["interrupt", "refused"],
)
def test_failure_between_renames_restores_every_original(root, monkeypatch, capsys, k, exc):
    before = snapshot(root)
    monkeypatch.setattr(atomic.os, "replace", fail_on_call(k, exc, os.replace))
    assert refresh.main(["SPY", "NVDA"], root=root, fetch=good(root), today=TODAY) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ("interrupted" in err or "Permission denied" in err)
    assert snapshot(root) == before


def test_unexpected_error_is_one_line(root, monkeypatch, capsys):
    before = snapshot(root)
    monkeypatch.setattr(refresh, "check_against", lambda *a: 1 / 0)
    assert refresh.main(["NVDA"], root=root, fetch=good(root), today=TODAY) == 1
    assert (
        capsys.readouterr().err
        == "refresh: unexpected ZeroDivisionError: division by zero; data/ left unchanged\n"
    )
    assert snapshot(root) == before


def test_yfinance_warnings_stay_out(root, capsys):
    def noisy(ticker, **window):
        warnings.warn("The default fill_method is deprecated", FutureWarning, stacklevel=2)
        return good(root)(ticker)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escaped would fail here
        assert refresh.main(["NVDA"], root=root, fetch=noisy, today=TODAY) == 0
    out, err = capsys.readouterr()
    assert (
        err == ""
        and out
        == "refresh: wrote 1 file(s) to data/market/prices; "
        "now re-run the notebooks (see README)\n"
    )


def test_main_offline_says_one_line_and_exits_nonzero(root, monkeypatch, capsys):
    before = snapshot(root)
    monkeypatch.setattr(refresh, "network_available", lambda *a, **k: False)
    assert refresh.main([], root=root, fetch=good(root)) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("refresh: no network")
    assert snapshot(root) == before


def test_unknown_ticker(root, capsys):
    assert refresh.main(["NOPE"], root=root, fetch=good(root)) == 1
    assert "unknown ticker(s) NOPE" in capsys.readouterr().err


@pytest.fixture(autouse=True)
def online(monkeypatch):
    """main() checks the network first: these tests never touch it."""
    monkeypatch.setattr(refresh, "network_available", lambda *a, **k: True)


def test_network_check_honours_https_proxy(monkeypatch):
    monkeypatch.undo()  # the real check, with the socket replaced
    seen = []

    def connect(address, timeout):
        seen.append(address)
        raise OSError("unreachable")

    monkeypatch.setattr(socket, "create_connection", connect)
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert refresh.network_available() is False
    monkeypatch.setenv("NO_PROXY", "finance.yahoo.com")
    refresh.network_available()
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.delenv("NO_PROXY")
    refresh.network_available()
    assert seen == [("proxy.example", 3128), refresh.HOST, refresh.HOST]


# The long Nvidia history: data/market/history/NVDA.csv (date,close; close = adjusted close).
SOURCES = (
    "file,what,publisher,source,as_of,retrieved,licence\n"
    'market/prices/*.csv,daily bars,Yahoo Finance,"repositories, see manifest",'
    "2025-05-30,2026-11-26,Yahoo terms\n"
    "market/history/*.csv,long daily close history,Yahoo Finance,a repository copy,"
    "2026-08-03,2026-11-26,Yahoo terms\n"
)


@pytest.fixture
def history_root(root):
    """A history file in the shape the notebooks use: NVDA's closes from 2024-01-02."""
    nvda = load_prices("NVDA", root=root).loc["2024-01-02":, ["close"]]
    (root / "market" / "history").mkdir()
    nvda.to_csv(
        root / "market" / "history" / "NVDA.csv", date_format="%Y-%m-%d", lineterminator="\n"
    )
    (root / "sources.csv").write_text(SOURCES)
    return root


def history_fetch(root, change=lambda f: f):
    def fetch(ticker, start, end):
        assert (ticker, start) == ("NVDA", refresh.HISTORY_START)
        bars = load_table(refresh.HISTORY, root).set_index("date")
        return change(as_download(bars, ticker))

    return fetch


def test_history_refresh_writes_the_file_and_its_sources_row(history_root, capsys):
    before = snapshot(history_root)
    days = len(load_table(refresh.HISTORY, history_root))
    assert (
        refresh.main(
            ["--history"], root=history_root, fetch=history_fetch(history_root), today=TODAY
        )
        == 0
    )
    assert capsys.readouterr().out.startswith(
        f"refresh: wrote {days} day(s) to data/market/history/NVDA.csv"
    )
    after = snapshot(history_root)
    assert {p for p in after if after[p] != before[p]} == {
        refresh.Path("sources.csv")
    }  # same bars, same bytes
    row = load_table("sources.csv", history_root).set_index("file").loc["market/history/*.csv"]
    assert "auto_adjust=False" in row["source"] and "close = Adj Close" in row["source"]
    assert (row["as_of"], row["retrieved"].date()) == ("2025-05-30", TODAY)
    assert (history_root / "sources.csv").read_text().splitlines()[:2] == SOURCES.splitlines()[:2]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda f: f.iloc[:-1],
            "NVDA: the download lacks 1 trading day(s) the current file has, first 2025-05-30",
        ),
        (lambda f: f.rename(columns={"NVDA": "AMD"}, level="Ticker"), "labelled AMD, not NVDA"),
        (
            lambda f: f * 3,
            "NVDA: a 1-for-3 reverse split since the last download: "
            "the downloaded closes are 3 times",
        ),
        (
            lambda f: scaled(f, 10, "2025-01-28"),
            "NVDA: on 2025-01-28 the downloaded adjusted close",
        ),
        (
            lambda f: on_day(f, "2025-03-10", 0, "Volume"),
            "the bar of 2025-03-10 is inconsistent: the volume is 0",
        ),
        (
            lambda f: on_day(f, "2025-03-10", np.inf, "Adj Close"),
            "non-finite value 'inf' in column 'close' (on 2025-03-10)",
        ),
    ],
    ids=["short", "wrong ticker", "wrong level", "inf close", "x10 day", "zero volume"],
)
def test_bad_history_download_writes_nothing(history_root, capsys, change, message):
    before = snapshot(history_root)
    fetch = history_fetch(history_root, change)
    assert refresh.main(["--history"], root=history_root, fetch=fetch, today=TODAY) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert snapshot(history_root) == before


def test_history_refused_without_a_sources_row(history_root, capsys):
    (history_root / "sources.csv").write_text(
        SOURCES.splitlines()[0] + "\n" + SOURCES.splitlines()[1] + "\n"
    )
    before = snapshot(history_root)
    assert (
        refresh.main(
            ["--history"], root=history_root, fetch=history_fetch(history_root), today=TODAY
        )
        == 1
    )
    assert "data/sources.csv has no row for market/history/NVDA.csv" in capsys.readouterr().err
    assert snapshot(history_root) == before


def test_large_float_volumes_are_written_as_exact_integers(root):
    """yfinance may hand volumes as floats; 12,345,678,901 must not come back as 1.23456789e+10."""
    huge = 12_345_678_901
    fetch = broken(root, "NVDA", lambda f: on_day(f, "2025-01-27", huge, "Volume"))
    refresh.refresh(["NVDA"], root=root, fetch=fetch, today=TODAY)
    assert load_prices("NVDA", root=root).loc["2025-01-27", "volume"] == huge
    assert f"{huge}\n" in (root / "market" / "prices" / "NVDA.csv").read_text()


def test_download_keeps_yfinance_warnings_out(monkeypatch):
    """yfinance's import turns its DeprecationWarnings (pandas' Pandas4Warning) back on; the real
    download() silences them after that import, so a refresh prints only its one line."""
    import yfinance

    def fake_download(ticker, **kwargs):
        warnings.warn(
            "The inplace keyword in DataFrame.rename is deprecated",
            DeprecationWarning,
            stacklevel=2,
        )
        return recorded()

    monkeypatch.setattr(yfinance, "download", fake_download)
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings(
            "default", category=DeprecationWarning
        )  # what `import yfinance` adds
        frame = refresh.download("SPY")
    assert caught == [] and len(frame) == 9


def test_another_tickers_bars_at_a_similar_level_are_refused(root, capsys):
    """AMD <- TSM passed the old 10 % level check; the steady-factor check names the first day."""
    before = snapshot(root)
    fetch = broken(root, "AMD", lambda f: as_download(load_prices("TSM", root=root), "AMD"))
    assert refresh.main(["AMD"], root=root, fetch=fetch, today=TODAY) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith(f"refresh: AMD: on {FIRST} the downloaded adjusted close ")
        and err.count("\n") == 1
    )
    assert "a dividend since the last download rescales every earlier day alike" in err
    assert snapshot(root) == before


@pytest.mark.parametrize("ticker", ["SPY", "NVDA"])
def test_a_dividend_since_the_last_download_is_accepted(root, capsys, ticker):
    """A dividend paid since rescales every earlier adjusted close by one factor: it is written."""
    fetch = broken(root, ticker, lambda f: scaled(f, 0.993, prices=["Adj Close"]))
    assert refresh.main([ticker], root=root, fetch=fetch, today=TODAY) == 0, (
        capsys.readouterr().err
    )
    old = load_prices("SPY" if ticker == "SPY" else "NVDA", root=root)
    assert old.attrs["close_basis"] == "raw" and "adj_close" in old


def test_bar_checks_have_a_stated_float_tolerance():
    day = pd.Timestamp("2025-01-27")
    bars = pd.DataFrame(
        {
            "open": [10.0],
            "high": [11.0],
            "low": [9.0],
            "close": [11.0 * (1 + 5e-7)],
            "adj_close": [10.5],
            "volume": [5],
        },
        index=pd.DatetimeIndex([day]),
    )
    refresh.check_bars("X", bars)  # within BAR_TOLERANCE: float rounding, not a bad bar
    bars.loc[day, "close"] = 11.0 * (1 + 5e-6)
    with pytest.raises(
        refresh.RefreshError,
        match="X: the bar of 2025-01-27 is inconsistent: the close 11.0001 is above the high 11 ",
    ):
        refresh.check_bars("X", bars)


def test_a_zero_volume_the_committed_file_has_too_is_not_new():
    """Yahoo's ^GSPC record has no volume for 2023-05-24: the same zero again is no new problem."""
    days = pd.DatetimeIndex(["2023-05-23", "2023-05-24", "2023-05-25"])
    old = pd.DataFrame({"close": [1.0, 1.0, 1.0], "volume": [7, 0, 7]}, index=days)
    new = old.assign(adj_close=1.0)
    refresh.check_bars("^GSPC", new, old)
    with pytest.raises(
        refresh.RefreshError, match="the bar of 2023-05-25 is inconsistent: the volume is 0"
    ):
        refresh.check_bars("^GSPC", new.assign(volume=[7, 0, 0]), old)
    with pytest.raises(
        refresh.RefreshError, match="the bar of 2023-05-24 is inconsistent: the volume is 0"
    ):
        refresh.check_bars("^GSPC", new, None)


def run_shown_command(line):
    """The restore command a refresh printed after 'with: ', run in a shell."""
    command = line.split(" with: ", 1)[1].strip()
    subprocess.run(command, shell=True, check=True)


@pytest.mark.parametrize(
    "k, left",
    [(2, ["SPY.csv"]), (3, ["NVDA.csv"])],
    ids=["second rename and first undo", "manifest rename and second undo"],
)
def test_a_failed_undo_names_the_files_left_changed_and_how_to_restore_them(
    root, monkeypatch, capsys, k, left
):
    """The k-th rename fails and so does the k+1-th (the first one of the undo): the line names
    exactly the file left new, keeps its original, and prints the command that puts it back."""
    before = snapshot(root)
    refused = OSError(errno.EACCES, "Permission denied")
    real = os.replace
    calls = []

    def replace(*args):
        calls.append(args)
        if len(calls) in (k, k + 1):
            raise refused
        return real(*args)

    monkeypatch.setattr(atomic.os, "replace", replace)
    assert refresh.main(["SPY", "NVDA"], root=root, fetch=good(root), today=TODAY) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "left unchanged" not in err
    changed = sorted(
        p for p in set(before) | set(snapshot(root)) if before.get(p) != snapshot(root).get(p)
    )
    names = [f"market/prices/{name}" for name in left]
    assert [p.as_posix() for p in changed if not p.name.startswith(".")] == names
    kept = [p for p in changed if p.name.startswith(".")]
    assert len(kept) == 1 and kept[0].name.startswith(f".{left[0]}.") and kept[0].suffix == ".orig"
    assert snapshot(root)[kept[0]] == before[Path(names[0])]  # the original, kept
    assert err.startswith(
        "refresh: cannot write: Permission denied; the undo failed too, data/ is left changed: "
        f"1 file(s) differ from before the run ({(root / names[0]).as_posix()}), their "
        f"originals kept as {(root / kept[0]).as_posix()}; restore exactly those with: mv -f -- "
    )
    run_shown_command(err)
    assert snapshot(root) == before


def test_backups_that_cannot_be_removed_after_a_complete_swap_are_named(root, monkeypatch, capsys):
    """Every file is new, but the originals' backups cannot be removed: not 'unchanged', not a
    clean success: the line says the files were written and how to remove the leftovers."""
    before = snapshot(root)
    real = os.unlink

    def unlink(path, *args, **kwargs):
        if str(path).endswith(".orig"):
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(atomic.os, "unlink", unlink)
    assert refresh.main(["SPY", "NVDA"], root=root, fetch=good(root), today=TODAY) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unchanged" not in err
    assert err.startswith(
        "refresh: wrote 2 file(s) to data/market/prices; but 3 leftover file(s) could not be "
        "removed (Operation not permitted); remove them with: rm -f -- "
    )
    after = snapshot(root)
    leftovers = {p for p in after if p not in before}
    assert len(leftovers) == 3 and all(p.suffix == ".orig" for p in leftovers)
    run_shown_command(err)
    after = snapshot(root)
    assert set(after) == set(before)
    assert {p.name for p in after if after[p] != before[p]} == {
        "SPY.csv",
        "NVDA.csv",
        "tickers.csv",
    }


def test_a_second_refresh_while_one_runs_is_refused_in_one_line(root, capsys):
    """A second run starting while the first downloads: refused, and the first one completes."""
    before = snapshot(root)
    second = []

    def fetch(ticker, **window):
        if not second:
            second.append(refresh.main(["SPY"], root=root, fetch=good(root), today=TODAY))
            assert snapshot(root) == before  # the second run wrote nothing
        return good(root)(ticker)

    assert refresh.main(["SPY", "NVDA"], root=root, fetch=fetch, today=TODAY) == 0
    out, err = capsys.readouterr()
    assert second == [1]
    assert (
        err == "refresh: another refresh is running "
        f"(it holds {(root.parent / '.refresh.lock').as_posix()}); "
        "this one wrote nothing\n"
    )
    assert out.startswith("refresh: wrote 2 file(s)")


HOLD = """import fcntl, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("locked", flush=True)
time.sleep(60)
"""


def test_the_lock_is_another_process_s_until_it_is_killed(root, capsys):
    """Another process holds the lock: refused. Killed with SIGKILL: its lock is gone with it,
    so the next refresh runs (no stale lock file to delete by hand)."""
    lock = root.parent / ".refresh.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline() == "locked\n"
        before = snapshot(root)
        assert refresh.main(["SPY"], root=root, fetch=good(root), today=TODAY) == 1
        assert "another refresh is running" in capsys.readouterr().err
        assert snapshot(root) == before
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert refresh.main(["SPY"], root=root, fetch=good(root), today=TODAY) == 0
    assert lock.is_file()  # the file stays; the lock (flock) does not


def test_the_lock_file_is_git_ignored():
    ignored = (DATA.parent / ".gitignore").read_text().splitlines()
    assert (
        refresh.LOCK in ignored and (DATA.parent / refresh.LOCK) == DATA.parent / ".refresh.lock"
    )


def main_thread_only():
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")


@pytest.mark.parametrize(
    "when", [1, 2, 3], ids=["first rename", "second rename", "manifest rename"]
)
def test_sigterm_during_the_swap_is_undone_like_ctrl_c(root, monkeypatch, capsys, when):
    main_thread_only()
    before, handler = snapshot(root), signal.getsignal(signal.SIGTERM)
    real = os.replace
    calls = []

    def replace(*args):
        calls.append(args)
        if len(calls) == when:
            os.kill(os.getpid(), signal.SIGTERM)
        return real(*args)

    monkeypatch.setattr(atomic.os, "replace", replace)
    assert refresh.main(["SPY", "NVDA"], root=root, fetch=good(root), today=TODAY) == 1
    monkeypatch.undo()
    assert capsys.readouterr().err == "refresh: interrupted (SIGTERM); data/ left unchanged\n"
    assert snapshot(root) == before  # no new file, no temporary file left
    assert signal.getsignal(signal.SIGTERM) is handler


def test_sigterm_during_the_download_writes_nothing(root, capsys):
    main_thread_only()
    before, handler = snapshot(root), signal.getsignal(signal.SIGTERM)

    def fetch(ticker, **window):
        if ticker == "NVDA":
            os.kill(os.getpid(), signal.SIGTERM)
        return good(root)(ticker)

    assert refresh.main(["SPY", "NVDA"], root=root, fetch=fetch, today=TODAY) == 1
    assert capsys.readouterr().err == "refresh: interrupted (SIGTERM); data/ left unchanged\n"
    assert snapshot(root) == before
    assert signal.getsignal(signal.SIGTERM) is handler


@pytest.mark.parametrize(
    "argv, message",
    [
        (
            ["--hist"],
            "refresh: unrecognized arguments: --hist (see python -m claimcheck.refresh --help)\n",
        ),
        (
            ["NVDA", "--histroy"],
            "refresh: unrecognized arguments: --histroy "
            "(see python -m claimcheck.refresh --help)\n",
        ),
        (
            ["--history", "NVDA"],
            "refresh: give either ticker names or --history, not both (see python -m "
            "claimcheck.refresh --help)\n",
        ),
    ],
    ids=["--hist", "--histroy", "both"],
)
def test_a_mistyped_option_is_an_error_not_a_ticker(root, capsys, argv, message):
    before = snapshot(root)

    def fetch(ticker, **window):
        raise AssertionError("nothing is downloaded")

    assert refresh.main(argv, root=root, fetch=fetch, today=TODAY) == 2
    assert capsys.readouterr().err == message
    assert snapshot(root) == before

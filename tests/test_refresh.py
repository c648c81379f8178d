"""The yfinance refresh, offline: recorded and synthetic frames, and a refresh that is all or nothing.

Every failure must leave the copy of data/ byte-identical and say one line."""
import errno
import os
import shutil
import socket
import warnings
from datetime import date

import numpy as np
import pandas as pd
import pytest

from claimcheck import atomic, refresh
from claimcheck.load import load_prices, load_table
from claimcheck.paths import DATA

FIXTURE = DATA.parent / "tests" / "fixtures" / "yf_download_SPY.csv"
TODAY = date(2026, 1, 2)


def recorded():
    """A frame as yf.download(..., auto_adjust=False) returns it: (Price, Ticker) columns, 'Date' index.
    Its values are SPY's real bars of 21-31 January 2025, saved in yfinance's own CSV layout."""
    frame = pd.read_csv(FIXTURE, header=[0, 1], index_col=0, skiprows=[2], parse_dates=True)
    frame.index.name = "Date"
    frame.columns.names = ["Price", "Ticker"]
    return frame


def as_download(prices: pd.DataFrame, label: str) -> pd.DataFrame:
    """A yf.download-shaped frame holding the bars of `prices` (a loaded file), labelled `label`."""
    close = prices["close"]
    columns = {"Adj Close": prices.get("adj_close", close), "Close": close, "High": prices.get("high", close),
               "Low": prices.get("low", close), "Open": prices.get("open", close),
               "Volume": prices["volume"].astype("int64") if "volume" in prices else 1000}
    frame = pd.DataFrame(columns, index=prices.index.rename("Date"))
    frame.columns = pd.MultiIndex.from_product([list(frame.columns), [label]], names=["Price", "Ticker"])
    return frame


FIRST = "2025-01-02"  # the copies keep the real files' lines from this day on (small: the tests stay fast)


@pytest.fixture
def root(tmp_path):
    """The manifest and the SPY and NVDA price files, their lines from FIRST to the end."""
    (tmp_path / "market" / "prices").mkdir(parents=True)
    shutil.copy(DATA / "market" / "tickers.csv", tmp_path / "market" / "tickers.csv")
    for name in ("SPY.csv", "NVDA.csv"):
        lines = (DATA / "market" / "prices" / name).read_text().splitlines(keepends=True)
        kept = [line for line in lines[1:] if line[:10] >= FIRST]
        (tmp_path / "market" / "prices" / name).write_text("".join([lines[0], *kept]))
    return tmp_path


def good(root):
    """fetch: every ticker's own bars, as its current file holds them."""
    return lambda ticker, **window: as_download(load_prices(ticker, root=root), ticker)


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
    "a week short": ("NVDA", lambda f: f.iloc[:-5], "NVDA: the download lacks 5 trading day(s) the current "
                     "file has, first 2025-05-23 (a short or partial download)"),
    "missing 27 January": ("NVDA", lambda f: f.drop(pd.Timestamp("2025-01-27")),
                           "lacks 1 trading day(s) the current file has, first 2025-01-27"),
    "nine rows": ("SPY", lambda f: recorded(), "SPY: the download lacks"),
    "late start": ("NVDA", lambda f: f.iloc[3:], f"first {FIRST}"),
    "another ticker's label": ("NVDA", lambda f: f.rename(columns={"NVDA": "SPY"}, level="Ticker"),
                               "NVDA: the download is labelled SPY, not NVDA"),
    "two tickers": ("NVDA", lambda f: pd.concat([f, f.rename(columns={"NVDA": "AMD"}, level="Ticker")], axis=1),
                    "labelled AMD, NVDA, not NVDA"),
    "no ticker level": ("NVDA", lambda f: f.droplevel("Ticker", axis=1), "does not name its ticker"),
    "another ticker's bars": ("NVDA", lambda f: as_download(load_prices("SPY"), "NVDA"),
                              "NVDA: the downloaded closes are"),
    "a column lacking": ("NVDA", lambda f: f.drop(columns="Adj Close", level="Price"),
                         "NVDA: download lacks column(s) Adj Close"),
    "NaN volume": ("NVDA", lambda f: on_day(f, "2025-01-27", np.nan, "Volume"),
                   "NVDA: the download does not fit data/market/prices/NVDA.csv: missing value in column "
                   "'volume' (on 2025-01-27)"),
    "fractional volume": ("NVDA", lambda f: f.astype({("Volume", "NVDA"): float}) + 0.5,
                          "non-integer value"),
    "text in volume": ("NVDA", lambda f: on_day(f, LAST_DAY, "n/a", "Volume"),
                       "non-numeric value 'n/a' in column 'volume' (on 2025-05-30)"),
    "NaN close": ("NVDA", lambda f: on_day(f, "2025-01-27", np.nan, "Close"),
                  "missing value in column 'close' (on 2025-01-27)"),
    "infinite close": ("NVDA", lambda f: on_day(f, "2025-01-27", np.inf, "Close"),
                       "non-finite value 'inf' in column 'close' (on 2025-01-27)"),
    "negative prices": ("NVDA", lambda f: f * -1, "non-positive value"),
    "duplicate day": ("NVDA", lambda f: pd.concat([f, f.iloc[[0]]]), f"duplicate date {FIRST}"),
    "a day after the end": ("NVDA", lambda f: pd.concat([f, f.iloc[[-1]].set_axis([pd.Timestamp(refresh.END)])]),
                            f"NVDA: dates {FIRST}..{refresh.END} fall outside {refresh.START}..{refresh.END}"),
    "a day before the start": ("NVDA", lambda f: pd.concat([f.iloc[[0]].set_axis([pd.Timestamp("2021-12-31")]), f]),
                               "fall outside"),
    "download raises": ("NVDA", lambda f: (_ for _ in ()).throw(ConnectionError("Max retries exceeded\nmore")),
                        "NVDA: download failed (ConnectionError: Max retries exceeded)"),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_download_writes_nothing(root, case, capsys):
    ticker, change, message = BAD[case]
    before = snapshot(root)
    assert refresh.main(["SPY", "NVDA"], root=root, fetch=broken(root, ticker, change), today=TODAY) == 1
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
@pytest.mark.parametrize("exc", [KeyboardInterrupt(), OSError(errno.EACCES, "Permission denied")],
                         ids=["interrupt", "refused"])
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
    monkeypatch.setattr(refresh, "check_level", lambda *a: 1 / 0)
    assert refresh.main(["NVDA"], root=root, fetch=good(root), today=TODAY) == 1
    assert capsys.readouterr().err == "refresh: unexpected ZeroDivisionError: division by zero; data/ left unchanged\n"
    assert snapshot(root) == before


def test_yfinance_warnings_stay_out(root, capsys):
    def noisy(ticker, **window):
        warnings.warn("The default fill_method is deprecated", FutureWarning)
        return good(root)(ticker)

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning that escaped would fail here
        assert refresh.main(["NVDA"], root=root, fetch=noisy, today=TODAY) == 0
    out, err = capsys.readouterr()
    assert err == "" and out == "refresh: wrote 1 file(s) to data/market/prices; now re-run the notebooks (see README)\n"


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
SOURCES = ("file,what,publisher,source,as_of,retrieved,licence\n"
           "market/prices/*.csv,daily bars,Yahoo Finance,\"repositories, see manifest\",2025-05-30,2026-11-26,Yahoo terms\n"
           "market/history/*.csv,long daily close history,Yahoo Finance,a repository copy,2026-08-03,2026-11-26,"
           "Yahoo terms\n")


@pytest.fixture
def history_root(root):
    """A history file in the shape the notebooks use: NVDA's closes from 2024-01-02."""
    nvda = load_prices("NVDA", root=root).loc["2024-01-02":, ["close"]]
    (root / "market" / "history").mkdir()
    nvda.to_csv(root / "market" / "history" / "NVDA.csv", date_format="%Y-%m-%d", lineterminator="\n")
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
    assert refresh.main(["--history"], root=history_root, fetch=history_fetch(history_root), today=TODAY) == 0
    assert capsys.readouterr().out.startswith(f"refresh: wrote {days} day(s) to data/market/history/NVDA.csv")
    after = snapshot(history_root)
    assert {p for p in after if after[p] != before[p]} == {refresh.Path("sources.csv")}  # same bars, same bytes
    row = load_table("sources.csv", history_root).set_index("file").loc["market/history/*.csv"]
    assert "auto_adjust=False" in row["source"] and "close = Adj Close" in row["source"]
    assert (row["as_of"], row["retrieved"].date()) == ("2025-05-30", TODAY)
    assert (history_root / "sources.csv").read_text().splitlines()[:2] == SOURCES.splitlines()[:2]


@pytest.mark.parametrize("change, message", [
    (lambda f: f.iloc[:-1], "NVDA: the download lacks 1 trading day(s) the current file has, first 2025-05-30"),
    (lambda f: f.rename(columns={"NVDA": "AMD"}, level="Ticker"), "labelled AMD, not NVDA"),
    (lambda f: f * 3, "the downloaded closes are 3 times the current file's"),
    (lambda f: on_day(f, "2025-03-10", np.inf, "Adj Close"), "non-finite value 'inf' in column 'close' (on 2025-03-10)"),
], ids=["short", "wrong ticker", "wrong level", "inf close"])
def test_bad_history_download_writes_nothing(history_root, capsys, change, message):
    before = snapshot(history_root)
    fetch = history_fetch(history_root, change)
    assert refresh.main(["--history"], root=history_root, fetch=fetch, today=TODAY) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err
    assert snapshot(history_root) == before


def test_history_refused_without_a_sources_row(history_root, capsys):
    (history_root / "sources.csv").write_text(SOURCES.splitlines()[0] + "\n" + SOURCES.splitlines()[1] + "\n")
    before = snapshot(history_root)
    assert refresh.main(["--history"], root=history_root, fetch=history_fetch(history_root), today=TODAY) == 1
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
        warnings.warn("The inplace keyword in DataFrame.rename is deprecated", DeprecationWarning)
        return recorded()

    monkeypatch.setattr(yfinance, "download", fake_download)
    with warnings.catch_warnings(record=True) as caught:
        warnings.filterwarnings("default", category=DeprecationWarning)  # what `import yfinance` adds
        frame = refresh.download("SPY")
    assert caught == [] and len(frame) == 9

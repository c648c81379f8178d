"""Refresh the market data from Yahoo Finance with yfinance (needs a network; nothing else does).

    python -m claimcheck.refresh              # every ticker in data/market/tickers.csv
    python -m claimcheck.refresh NVDA SPY     # only these
    python -m claimcheck.refresh --history    # the long Nvidia history, data/market/history/NVDA.csv

Price files (data/market/prices/): each ticker is downloaded over the fixed window START..END
with auto_adjust=False, so the raw close and the adjusted close are both kept; the manifest
(data/market/tickers.csv) then records close_basis 'raw', the window, the yfinance version and
the day of the download.

The long history (data/market/history/NVDA.csv, columns date,close): NVDA from HISTORY_START to
the last complete trading day before the run, auto_adjust=False, and `close` is yfinance's
'Adj Close' (split- and dividend-adjusted as of the day of the download, the same basis as the
file it replaces). The row of data/sources.csv that covers the file is rewritten to say so:
the download call, the yfinance version, the basis, the last date (as_of) and the day (retrieved).

All or nothing: every download is checked before anything is written: the ticker it is labelled
with, every trading day the current file has inside the window (a short, partial or truncated
download is refused), no date outside the window, prices on the current file's level (another
ticker's frame is refused), and then the text about to be written goes through the project's own
validator (claimcheck.load.load_table: finite positive prices, integer volumes, unique sorted
dates). Only then are all files swapped in at once (claimcheck.atomic.replace_all); on any
failure, a full disk or Ctrl-C included, every original is restored, so data/ is byte-identical.
Either way the command prints one line; it exits 1 on failure. After a refresh, re-run the
notebooks (see README) so their stored outputs match the data.
"""
from __future__ import annotations

import csv
import fnmatch
import io
import logging
import re
import socket
import sys
import urllib.parse
import urllib.request
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import replace_all
from .load import DataError, load_table, load_tickers
from .paths import DATA, rel

START = "2022-01-03"  # first trading day of 2022: covers Meta's 3 Feb 2022 and Nvidia's 3 Sep 2024
END = "2025-05-31"  # exclusive end for yfinance: the last day kept is 2025-05-30
HISTORY = "market/history/NVDA.csv"
HISTORY_TICKER = "NVDA"
HISTORY_START = "2024-01-02"
CALENDAR_TICKER = "SPY"  # a new price file must have every trading day SPY's file has
HOST = ("query1.finance.yahoo.com", 443)
COLUMNS = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Adj Close": "adj_close",
           "Volume": "volume"}
LEVEL_TOLERANCE = 0.10  # a download's closes may differ from the current file's by 10 % at most


class RefreshError(RuntimeError):
    """A download that cannot be used; the message is one line."""


def proxy_for(host: str) -> tuple[str, int] | None:
    """The HTTPS proxy (host, port) the environment sets for `host` (HTTPS_PROXY, NO_PROXY)."""
    proxy = urllib.request.getproxies().get("https")
    if not proxy or urllib.request.proxy_bypass(host):
        return None
    parts = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    if not parts.hostname:
        return None
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def network_available(host=HOST, timeout: float = 5.0) -> bool:
    """Whether Yahoo (or the HTTPS proxy that leads to it) accepts a connection."""
    target = proxy_for(host[0]) or host
    try:
        with socket.create_connection(target, timeout=timeout):
            return True
    except OSError:
        return False


def download(ticker: str, start: str = START, end: str = END):
    """The raw yfinance frame for one ticker (separate so tests can replace it)."""
    import yfinance as yf  # its import adds a warnings filter of its own: silence after it

    logging.getLogger("yfinance").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():  # Pandas4Warning from yfinance's internals: not for the reader
        warnings.simplefilter("ignore")
        return yf.download(ticker, start=start, end=end, auto_adjust=False, actions=False, progress=False,
                           threads=False, multi_level_index=True)


def _yfinance_version() -> str:
    from importlib.metadata import version

    return version("yfinance")


def _fetch(fetch, ticker: str, **window):
    try:
        with warnings.catch_warnings():  # yfinance's Pandas4Warning and the like: not for the reader
            warnings.simplefilter("ignore")
            return fetch(ticker, **window)
    except Exception as exc:  # network, rate limit, parsing inside yfinance
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise RefreshError(f"{ticker}: download failed ({type(exc).__name__}: {first})") from None


def tidy(frame, ticker: str) -> pd.DataFrame:
    """A yfinance frame in the project's columns, its ticker checked. The values are checked
    afterwards by the project's validator, on the text about to be written (see `validate`)."""
    if frame is None or len(frame) == 0:
        raise RefreshError(f"{ticker}: empty download (no network, unknown ticker or rate limit)")
    if not isinstance(frame.columns, pd.MultiIndex):
        raise RefreshError(f"{ticker}: the download does not name its ticker (expected yf.download's "
                           "(Price, Ticker) columns)")
    labels = sorted(map(str, set(frame.columns.get_level_values(-1))))
    if labels != [ticker]:
        raise RefreshError(f"{ticker}: the download is labelled {', '.join(labels)}, not {ticker}")
    frame = frame.copy()
    frame.columns = frame.columns.get_level_values(0)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise RefreshError(f"{ticker}: download lacks column(s) {', '.join(missing)}")
    out = frame[list(COLUMNS)].rename(columns=COLUMNS)
    index = pd.DatetimeIndex(frame.index)
    if index.tz is not None:
        index = index.tz_localize(None)
    out.index = index.normalize()
    out.index.name = "date"
    out = out.sort_index(kind="stable")
    volume = out["volume"]
    if pd.api.types.is_float_dtype(volume) and np.isfinite(volume).all() and (volume % 1 == 0).all():
        out["volume"] = volume.astype("int64")  # written as digits, never as 1.2e+09
    return out


def to_csv_text(frame: pd.DataFrame, float_format: str | None = "%.10g") -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, date_format="%Y-%m-%d", float_format=float_format, lineterminator="\n")
    return buffer.getvalue()


def validate(relpath: str, text: str, ticker: str, dates: pd.DatetimeIndex, root: Path) -> pd.DataFrame:
    """`text` through the project's validator as data/<relpath>; a problem names the day."""
    try:
        table = load_table(relpath, root, text=text)
        return table.set_index("date") if "date" in table else table
    except DataError as exc:
        def day(match):  # line n of the produced text is the (n - 2)th day of the frame
            n = int(match.group(1)) - 2
            return f"(on {dates[n].date()})" if 0 <= n < len(dates) else match.group(0)

        problem = re.sub(r"\(line (\d+)\)", day, exc.problem)
        raise RefreshError(f"{ticker}: the download does not fit data/{relpath}: {problem}") from None


def check_window(ticker: str, dates: pd.DatetimeIndex, calendar: pd.DatetimeIndex, start: str, end: str) -> None:
    """No day outside start..end (end exclusive), and every day of `calendar` inside it present."""
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    if dates[0] < lo or dates[-1] >= hi:
        raise RefreshError(f"{ticker}: dates {dates[0].date()}..{dates[-1].date()} fall outside {start}..{end}")
    expected = calendar[(calendar >= lo) & (calendar < hi)]
    missing = expected.difference(dates)
    if len(missing):
        raise RefreshError(f"{ticker}: the download lacks {len(missing)} trading day(s) the current file has, "
                           f"first {missing[0].date()} (a short or partial download)")


def check_level(ticker: str, new: pd.Series, old: pd.Series | None) -> None:
    """The download's closes on the current file's level (another ticker's frame differs)."""
    if old is None:
        return
    shared = new.index.intersection(old.index)
    if not len(shared):
        return
    ratio = float((new[shared] / old[shared]).median())
    if abs(ratio - 1) > LEVEL_TOLERANCE:
        raise RefreshError(f"{ticker}: the downloaded closes are {ratio:.3g} times the current file's on "
                           f"{len(shared)} shared days (another ticker's data, or a split since the last download)")


def _current(load):
    try:
        return load()
    except DataError:  # a broken or missing file: the refresh may replace it
        return None


def stage_prices(tickers, root: Path, fetch, today: date) -> dict[Path, str]:
    """{path: new text} of the price files and the manifest; raises RefreshError."""
    root = Path(root)
    manifest = load_tickers(root)
    tickers = list(manifest.index) if not tickers else list(tickers)
    unknown = [t for t in tickers if t not in manifest.index]
    if unknown:
        raise RefreshError(f"unknown ticker(s) {', '.join(unknown)} (see data/market/tickers.csv)")
    files = {}
    for ticker in tickers:
        relpath = f"market/{manifest.loc[ticker, 'file']}"
        old = _current(lambda: load_table(relpath, root).set_index("date"))
        out = tidy(_fetch(fetch, ticker), ticker)
        text = to_csv_text(out)
        new = validate(relpath, text, ticker, out.index, root)
        if old is not None:
            calendar = old.index
        else:
            spy = load_table(f"market/{manifest.loc[CALENDAR_TICKER, 'file']}", root).set_index("date").index
            calendar = spy[spy >= new.index[0]]
        check_window(ticker, new.index, calendar, START, END)
        basis = manifest.loc[ticker, "close_basis"]
        check_level(ticker, new["close" if basis == "raw" else "adj_close"], None if old is None else old["close"])
        files[root / relpath] = text
    stamp = today.isoformat()
    rows = load_table("market/tickers.csv", root)
    for ticker in tickers:
        i = rows.index[rows["ticker"] == ticker][0]
        rows.loc[i, ["close_basis", "source_repo", "source_path", "source_commit", "source_method"]] = [
            "raw", "Yahoo Finance", f"yf.download {START}..{END}", "",
            f"yfinance {_yfinance_version()} auto_adjust=False (raw close plus adj_close) retrieved {stamp}"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rows.columns)
    writer.writerows(rows.fillna("").astype(str).values.tolist())
    validate("market/tickers.csv", buffer.getvalue(), "manifest", pd.DatetimeIndex([]), root)
    files[root / "market" / "tickers.csv"] = buffer.getvalue()
    return files


def refresh(tickers=None, root: Path = DATA, fetch=download, today: date | None = None) -> list[str]:
    """Download and check every price file, then write them all or none. Returns the tickers
    written; raises RefreshError (or OSError, KeyboardInterrupt) with data/ unchanged."""
    manifest = load_tickers(root)
    tickers = list(manifest.index) if not tickers else list(tickers)
    replace_all(stage_prices(tickers, root, fetch, today or date.today()))
    return tickers


def _sources_with(text: str, relpath: str, values: dict) -> str:
    """data/sources.csv's text with the row that covers `relpath` updated (other lines untouched)."""
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    for n, line in enumerate(lines[1:], start=1):
        row = next(csv.reader([line]), [])
        if len(row) == len(header) and fnmatch.fnmatch(relpath, row[0]):
            entry = dict(zip(header, row)) | values
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\n").writerow([entry[c] for c in header])
            lines[n] = buffer.getvalue()
            return "".join(lines)
    raise RefreshError(f"data/sources.csv has no row for {relpath}")


def stage_history(root: Path, fetch, today: date) -> dict[Path, str]:
    """{path: new text} of the long NVDA history and of data/sources.csv; raises RefreshError."""
    root = Path(root)
    end = today.isoformat()  # exclusive: the last complete trading day before the run
    old = _current(lambda: load_table(HISTORY, root).set_index("date"))
    out = tidy(_fetch(fetch, HISTORY_TICKER, start=HISTORY_START, end=end), HISTORY_TICKER)
    history = out[["adj_close"]].rename(columns={"adj_close": "close"})
    text = to_csv_text(history, float_format=None)  # full precision, as the file has it
    new = validate(HISTORY, text, HISTORY_TICKER, out.index, root)
    calendar = old.index if old is not None else load_table("market/prices/SPY.csv", root)["date"]
    check_window(HISTORY_TICKER, new.index, pd.DatetimeIndex(calendar), HISTORY_START, end)
    check_level(HISTORY_TICKER, new["close"], None if old is None else old["close"])
    sources = (root / "sources.csv").read_text(encoding="utf-8")
    updated = _sources_with(sources, HISTORY, {
        "publisher": "Yahoo Finance (downloaded with yfinance)",
        "source": (f"yf.download('{HISTORY_TICKER}', start='{HISTORY_START}', end='{end}', auto_adjust=False) "
                   f"with yfinance {_yfinance_version()}; close = Adj Close (split- and dividend-adjusted as of {end})"),
        "as_of": new.index[-1].date().isoformat(),
        "retrieved": today.isoformat(),
    })
    validate("sources.csv", updated, "sources", pd.DatetimeIndex([]), root)
    return {root / HISTORY: text, root / "sources.csv": updated}


def refresh_history(root: Path = DATA, fetch=download, today: date | None = None) -> int:
    """Download and check the long NVDA history, then write it (and its sources row) or nothing.
    Returns the number of days written."""
    files = stage_history(root, fetch, today or date.today())
    replace_all(files)
    return files[Path(root) / HISTORY].count("\n") - 1


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, (RefreshError, DataError)):
        return str(exc)
    if isinstance(exc, OSError):
        where = f" ({rel(Path(exc.filename))})" if exc.filename else ""
        return f"cannot write{where}: {exc.strerror or type(exc).__name__}"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"unexpected {type(exc).__name__}: {first}"


def main(argv=None, root: Path = DATA, fetch=download, today: date | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    history = "--history" in argv
    tickers = [a for a in argv if a != "--history"]
    if history and tickers:
        print("refresh: give either ticker names or --history, not both", file=sys.stderr)
        return 1
    if not network_available():
        print(f"refresh: no network (cannot reach {HOST[0]}); data/ left unchanged", file=sys.stderr)
        return 1
    try:
        if history:
            days = refresh_history(root, fetch, today)
            done = f"wrote {days} day(s) to data/{HISTORY}"
        else:
            done = f"wrote {len(refresh(tickers, root, fetch, today))} file(s) to data/market/prices"
    except (Exception, KeyboardInterrupt) as exc:
        print(f"refresh: {_one_line(exc)}; data/ left unchanged", file=sys.stderr)
        return 1
    print(f"refresh: {done}; now re-run the notebooks (see README)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

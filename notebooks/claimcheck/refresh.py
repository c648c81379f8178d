"""Refresh the market data from Yahoo Finance with yfinance (needs a network; nothing else does).

    python -m claimcheck.refresh              # every ticker in data/market/tickers.csv
    python -m claimcheck.refresh NVDA SPY     # only these
    python -m claimcheck.refresh --history    # the long NVDA history, data/market/history/NVDA.csv

Price files (data/market/prices/): each ticker is downloaded over the fixed window START..END
with auto_adjust=False, so the raw close and the adjusted close are both kept; the manifest
(data/market/tickers.csv) then records close_basis 'raw', the window, the yfinance version and
the day of the download.

The long history (data/market/history/NVDA.csv, columns date,close): NVDA from HISTORY_START to
the last complete trading day before the run, auto_adjust=False, and `close` is yfinance's
'Adj Close' (split- and dividend-adjusted as of the day of the download, the same basis as the
file it replaces). The row of data/sources.csv that covers the file is rewritten to say so:
the download call, the yfinance version, the basis, the last date (as_of) and the day (retrieved).

Every download is checked before anything is written:
- its shape: the ticker it is labelled with, every trading day the current file has inside the
  window (a short, partial or truncated download is refused), no date outside the window, and
  the text about to be written through the project's own validator (claimcheck.load.load_table:
  finite positive prices, integer volumes, unique sorted dates);
- its bars: low <= open, close <= high and adj_close <= close, each within BAR_TOLERANCE (float
  rounding), and a positive volume on every day (a zero is let through only where the committed
  file has the same zero on that day: Yahoo's record of ^GSPC lacks the volume of 2023-05-24);
- against what the repository holds, on the days both share, by the manifest's close_basis. For a
  'raw' file the raw closes agree within RAW_TOLERANCE (0.1 %) on every shared day, and the
  adjusted closes differ from the committed ones by one steady factor (a dividend paid since the
  last download rescales every earlier day alike); for an 'adjusted' file (and the long history)
  the download's adjusted close differs from the file's close by one steady factor. A 10x day,
  another ticker's bars or a split since the last download (the same factor on every day, far from
  1) are refused, the split by name.
A refusal is one line naming the ticker, the day and what is wrong. Only when every download is
valid are all files swapped in at once (claimcheck.atomic.replace_all); on any failure (a full
disk, Ctrl-C, SIGTERM) every original is put back. The last line says what is true, decided by
comparing the hash of every file under data/ with its hash before the run: "data/ left unchanged",
or, if the undo failed too, which files are left changed, where their originals are kept and the
command that restores exactly those (exit 1). One refresh runs at a time: each holds an
operating-system lock (flock) on .refresh.lock beside data/ (git-ignored; the lock dies with its
process, so a killed run leaves none), and a second one is refused in one line. After a refresh,
re-run the notebooks (see the README's refresh section) so their stored outputs match the data.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import hashlib
import io
import logging
import re
import shlex
import socket
import sys
import urllib.parse
import urllib.request
import warnings
from contextlib import contextmanager
from datetime import date
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import Incomplete, Terminated, replace_all, terminate_as_interrupt
from .load import DataError, load_table, load_tickers
from .paths import DATA, rel

START = "2022-01-03"  # first trading day of 2022: covers Meta's 3 Feb 2022 and Nvidia's 3 Sep 2024
END = "2025-05-31"  # exclusive end for yfinance: the last day kept is 2025-05-30
HISTORY = "market/history/NVDA.csv"
HISTORY_TICKER = "NVDA"
HISTORY_START = "2024-01-02"
CALENDAR_TICKER = "SPY"  # a new price file must have every trading day SPY's file has
HOST = ("query1.finance.yahoo.com", 443)
COLUMNS = {
    "Open": "open",
    "High": "high",
    "Low": "low",
    "Close": "close",
    "Adj Close": "adj_close",
    "Volume": "volume",
}
RAW_TOLERANCE = 0.001  # raw closes agree with the committed ones within 0.1 % on every shared day
STEADY_TOLERANCE = (
    0.001  # an adjusted close is the committed one times one factor, to within 0.1 %
)
DIVIDEND_FLOOR = (
    0.75  # a steady factor below this (or above 1) is no dividend: a split, or wrong data
)
BAR_TOLERANCE = 1e-6  # relative: yfinance's prices are float32 values, rounded independently
LOCK = ".refresh.lock"  # beside data/ (git-ignored): flock on it lets one refresh run at a time


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
        return yf.download(
            ticker,
            start=start,
            end=end,
            auto_adjust=False,
            actions=False,
            progress=False,
            threads=False,
            multi_level_index=True,
        )


def _yfinance_version() -> str:
    from importlib.metadata import version

    return version("yfinance")


def _fetch(fetch, ticker: str, **window):
    try:
        with (
            warnings.catch_warnings()
        ):  # yfinance's Pandas4Warning and the like: not for the reader
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
        raise RefreshError(
            f"{ticker}: the download does not name its ticker (expected yf.download's "
            "(Price, Ticker) columns)"
        )
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
    if (
        pd.api.types.is_float_dtype(volume)
        and np.isfinite(volume).all()
        and (volume % 1 == 0).all()
    ):
        out["volume"] = volume.astype("int64")  # written as digits, never as 1.2e+09
    return out


def to_csv_text(frame: pd.DataFrame, float_format: str | None = "%.10g") -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, date_format="%Y-%m-%d", float_format=float_format, lineterminator="\n")
    return buffer.getvalue()


def validate(
    relpath: str, text: str, ticker: str, dates: pd.DatetimeIndex, root: Path
) -> pd.DataFrame:
    """`text` through the project's validator as data/<relpath>; a problem names the day."""
    try:
        table = load_table(relpath, root, text=text)
        return table.set_index("date") if "date" in table else table
    except DataError as exc:

        def day(match):  # line n of the produced text is the (n - 2)th day of the frame
            n = int(match.group(1)) - 2
            return f"(on {dates[n].date()})" if 0 <= n < len(dates) else match.group(0)

        problem = re.sub(r"\(line (\d+)\)", day, exc.problem)
        raise RefreshError(
            f"{ticker}: the download does not fit data/{relpath}: {problem}"
        ) from None


def check_window(
    ticker: str, dates: pd.DatetimeIndex, calendar: pd.DatetimeIndex, start: str, end: str
) -> None:
    """No day outside start..end (end exclusive), and every day of `calendar` inside it present."""
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    if dates[0] < lo or dates[-1] >= hi:
        raise RefreshError(
            f"{ticker}: dates {dates[0].date()}..{dates[-1].date()} fall outside {start}..{end}"
        )
    expected = calendar[(calendar >= lo) & (calendar < hi)]
    missing = expected.difference(dates)
    if len(missing):
        raise RefreshError(
            f"{ticker}: the download lacks {len(missing)} trading day(s) the current file has, "
            f"first {missing[0].date()} (a short or partial download)"
        )


def _day(ts) -> str:
    return pd.Timestamp(ts).date().isoformat()


def check_bars(ticker: str, bars: pd.DataFrame, old: pd.DataFrame | None = None) -> None:
    """Each day's bar consistent (see the module docstring); the earliest bad day is named."""
    tol = BAR_TOLERANCE
    close = bars["close"]
    tests = []  # (days that fail, how to say it on day d)
    if {"open", "high", "low"} <= set(bars.columns):
        low, high, open_ = bars["low"], bars["high"], bars["open"]
        tests += [
            (
                low > high * (1 + tol),
                lambda d: f"the low {low[d]:.6g} is above the high {high[d]:.6g}",
            ),
            (
                open_ < low * (1 - tol),
                lambda d: f"the open {open_[d]:.6g} is below the low {low[d]:.6g}",
            ),
            (
                open_ > high * (1 + tol),
                lambda d: f"the open {open_[d]:.6g} is above the high {high[d]:.6g}",
            ),
            (
                close < low * (1 - tol),
                lambda d: f"the close {close[d]:.6g} is below the low {low[d]:.6g}",
            ),
            (
                close > high * (1 + tol),
                lambda d: f"the close {close[d]:.6g} is above the high {high[d]:.6g}",
            ),
        ]
    if "adj_close" in bars.columns:
        adj = bars["adj_close"]
        tests.append(
            (
                adj > close * (1 + tol),
                lambda d: (
                    f"the adjusted close {adj[d]:.6g} is above the close "
                    f"{close[d]:.6g} (dividends and splits only ever lower earlier prices)"
                ),
            )
        )
    if "volume" in bars.columns:
        volume = bars["volume"]
        known_zero = pd.Series(False, index=bars.index)
        if (
            old is not None and "volume" in old.columns
        ):  # the committed file has the same gap that day
            known_zero = (old["volume"].reindex(bars.index) == 0).fillna(False).astype(bool)
        tests.append(
            (
                (volume <= 0) & ~(known_zero & (volume == 0)),
                lambda d: f"the volume is {volume[d]} on a trading day",
            )
        )
    failing = [(bad[bad].index[0], say) for bad, say in tests if bad.any()]
    if failing:
        day, say = min(failing, key=lambda pair: pair[0])
        raise RefreshError(
            f"{ticker}: the bar of {_day(day)} is inconsistent: {say(day)} (checked within "
            f"a relative {BAR_TOLERANCE:g})"
        )


def _split(ticker: str, factor: float, shared: int) -> RefreshError:
    """The refusal of a steady factor far from 1: a split since the last download, if it looks
    like one."""
    ratio = Fraction(1 / factor).limit_denominator(
        20
    )  # a 4-for-1 split makes every earlier day 1/4
    if ratio != 1 and abs(float(ratio) * factor - 1) < 0.01:
        kind = "reverse split" if ratio < 1 else "split"
        return RefreshError(
            f"{ticker}: a {ratio.numerator}-for-{ratio.denominator} {kind} since the last "
            f"download: the downloaded closes are {factor:.4g} times the committed ones on all "
            f"{shared} shared days; refused (the committed file is on the old share basis)"
        )
    return RefreshError(
        f"{ticker}: the downloaded closes are {factor:.4g} times the committed ones on all "
        f"{shared} shared days, too far from 1 for a dividend; refused (a split, or another "
        f"security's data)"
    )


def _steady(ticker: str, new: pd.Series, old: pd.Series, what: str) -> None:
    """`new` is `old` times one factor on every day, a factor a dividend can make."""
    ratio = new / old
    factor = float(ratio.median())
    off = (ratio / factor - 1).abs() > STEADY_TOLERANCE
    if off.any():
        day = off.idxmax()
        raise RefreshError(
            f"{ticker}: on {_day(day)} the downloaded adjusted close {new[day]:.6g} is "
            f"{ratio[day]:.4g} times {what} ({old[day]:.6g}), the median shared day {factor:.4g} "
            f"times; a dividend since the last download rescales every earlier day alike, and "
            f"{int(off.sum())} of {len(ratio)} shared days depart from it by more than "
            f"{STEADY_TOLERANCE:.1%}"
        )
    if not DIVIDEND_FLOOR <= factor <= 1 + STEADY_TOLERANCE:
        raise _split(ticker, factor, len(ratio))


def _raw_agree(ticker: str, new: pd.Series, old: pd.Series) -> None:
    ratio = new / old
    off = (ratio - 1).abs() > RAW_TOLERANCE
    if not off.any():
        return
    factor = float(ratio.median())
    if off.all() and float((ratio / factor - 1).abs().max()) <= STEADY_TOLERANCE:
        raise _split(ticker, factor, len(ratio))
    day = off.idxmax()
    raise RefreshError(
        f"{ticker}: on {_day(day)} the downloaded close {new[day]:.6g} is {ratio[day]:.4g} times "
        f"the committed one ({old[day]:.6g}); raw closes must agree within {RAW_TOLERANCE:.1%} "
        f"on every shared day, and {int(off.sum())} of {len(ratio)} do not"
    )


def check_against(ticker: str, new: pd.DataFrame, old: pd.DataFrame | None, basis: str) -> None:
    """The download against the committed file on the days both have, by the file's close basis
    ('raw': close and adj_close columns; 'adjusted': the file's close is an adjusted close)."""
    if old is None:
        return
    shared = new.index.intersection(old.index)
    if not len(shared):
        return
    new, old = new.loc[shared], old.loc[shared]
    if basis == "raw":
        _raw_agree(ticker, new["close"], old["close"])
        if "adj_close" in old.columns:
            _steady(ticker, new["adj_close"], old["adj_close"], "the committed adjusted close")
    else:
        _steady(ticker, new["adj_close"], old["close"], "the committed (adjusted) close")


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
        old = _current(lambda relpath=relpath: load_table(relpath, root).set_index("date"))
        out = tidy(_fetch(fetch, ticker), ticker)
        text = to_csv_text(out)
        new = validate(relpath, text, ticker, out.index, root)
        if old is not None:
            calendar = old.index
        else:
            spy = (
                load_table(f"market/{manifest.loc[CALENDAR_TICKER, 'file']}", root)
                .set_index("date")
                .index
            )
            calendar = spy[spy >= new.index[0]]
        check_window(ticker, new.index, calendar, START, END)
        check_bars(ticker, new, old)
        check_against(ticker, new, old, manifest.loc[ticker, "close_basis"])
        files[root / relpath] = text
    stamp = today.isoformat()
    rows = load_table("market/tickers.csv", root)
    for ticker in tickers:
        i = rows.index[rows["ticker"] == ticker][0]
        rows.loc[
            i, ["close_basis", "source_repo", "source_path", "source_commit", "source_method"]
        ] = [
            "raw",
            "Yahoo Finance",
            f"yf.download {START}..{END}",
            "",
            (
                f"yfinance {_yfinance_version()} auto_adjust=False (raw close plus adj_close) "
                f"retrieved {stamp}"
            ),
        ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rows.columns)
    writer.writerows(rows.fillna("").astype(str).values.tolist())
    validate("market/tickers.csv", buffer.getvalue(), "manifest", pd.DatetimeIndex([]), root)
    files[root / "market" / "tickers.csv"] = buffer.getvalue()
    return files


def refresh(
    tickers=None, root: Path = DATA, fetch=download, today: date | None = None
) -> list[str]:
    """Download and check every price file, then write them all or none. Returns the tickers
    written; raises RefreshError (or OSError, KeyboardInterrupt) with data/ unchanged."""
    manifest = load_tickers(root)
    tickers = list(manifest.index) if not tickers else list(tickers)
    replace_all(stage_prices(tickers, root, fetch, today or date.today()))
    return tickers


def _sources_with(text: str, relpath: str, values: dict) -> str:
    """data/sources.csv's text with the row covering `relpath` updated (other lines untouched)."""
    lines = text.splitlines(keepends=True)
    header = next(csv.reader([lines[0]]))
    for n, line in enumerate(lines[1:], start=1):
        row = next(csv.reader([line]), [])
        if len(row) == len(header) and fnmatch.fnmatch(relpath, row[0]):
            entry = dict(zip(header, row, strict=True)) | values
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
    check_bars(HISTORY_TICKER, out)
    check_against(HISTORY_TICKER, out, old, "adjusted")
    sources = (root / "sources.csv").read_text(encoding="utf-8")
    updated = _sources_with(
        sources,
        HISTORY,
        {
            "publisher": "Yahoo Finance (downloaded with yfinance)",
            "source": (
                f"yf.download('{HISTORY_TICKER}', start='{HISTORY_START}', end='{end}', "
                "auto_adjust=False) "
                f"with yfinance {_yfinance_version()}; close = Adj Close "
                f"(split- and dividend-adjusted as of {end})"
            ),
            "as_of": new.index[-1].date().isoformat(),
            "retrieved": today.isoformat(),
        },
    )
    validate("sources.csv", updated, "sources", pd.DatetimeIndex([]), root)
    return {root / HISTORY: text, root / "sources.csv": updated}


def refresh_history(root: Path = DATA, fetch=download, today: date | None = None) -> int:
    """Download and check the long NVDA history, then write it (and its sources row) or nothing.
    Returns the number of days written."""
    files = stage_history(root, fetch, today or date.today())
    replace_all(files)
    return files[Path(root) / HISTORY].count("\n") - 1


def _one_line(exc: BaseException | None) -> str:
    if exc is None:
        return "done"
    if isinstance(exc, Terminated):
        return "interrupted (SIGTERM)"
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    if isinstance(exc, (RefreshError, DataError)):
        return str(exc)
    if isinstance(exc, OSError):  # a rename names its target second
        name = exc.filename2 or exc.filename
        where = f" ({rel(Path(name))})" if name else ""
        return f"cannot write{where}: {exc.strerror or type(exc).__name__}"
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"unexpected {type(exc).__name__}: {first}"


class UsageError(Exception):
    """A command line the refresh does not take (one line, exit status 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def parser() -> argparse.ArgumentParser:
    out = _Parser(
        prog="python -m claimcheck.refresh",
        allow_abbrev=False,  # --hist is a typo, not --history
        description="Refresh the market data from Yahoo Finance (needs a network).",
    )
    out.add_argument(
        "tickers",
        nargs="*",
        metavar="TICKER",
        help="tickers of data/market/tickers.csv to refresh (default: every one)",
    )
    out.add_argument(
        "--history", action="store_true", help=f"refresh the long Nvidia history, data/{HISTORY}"
    )
    return out


class Busy(Exception):
    """Another refresh holds the lock."""


@contextmanager
def one_at_a_time(path: Path):
    """An exclusive operating-system lock on `path` for the block (Busy if another process has it).

    The file is created once and never removed: the lock is the flock, not the file, so it goes
    with the process that holds it, even one killed with SIGKILL."""
    handle = open(path, "a")
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            import msvcrt

            try:
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            except OSError:
                raise Busy() from None
        else:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy() from None
        yield
    finally:
        handle.close()  # releases the lock


def _sha(data) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _hashes(root: Path) -> dict[Path, str]:
    """Every file under `root` (hidden temporary and backup files included) and its hash."""
    out = {}
    for path in sorted(Path(root).rglob("*")):
        if path.is_file():
            try:
                out[path] = _sha(path.read_bytes())
            except OSError as exc:
                out[path] = f"unreadable ({exc.strerror})"
    return out


def _shown(path: Path) -> str:
    return shlex.quote(rel(path))


def report(
    done: str,
    files: dict,
    before: dict,
    after: dict,
    error: BaseException | None,
    incomplete: Incomplete | None,
) -> tuple[int, str]:
    """(exit status, the last line): what is true of data/, by comparing every file's hash now
    (`after`) with its hash before the run (`before`); `files` the {path: data} it meant to
    write."""
    changed = [p for p in sorted(before.keys() | after.keys()) if before.get(p) != after.get(p)]
    planned = {Path(p): _sha(data) for p, data in files.items()}
    written = bool(planned) and all(after.get(p) == h for p, h in planned.items())
    kept = incomplete.kept if incomplete else {}
    stray = set(incomplete.stray) if incomplete else set()
    backups = {b for b in kept.values() if b is not None}
    others = [p for p in changed if p not in planned]
    if written and error is None and not others:
        return 0, f"refresh: {done}; now re-run the notebooks (see README)"
    if not changed:
        return 1, f"refresh: {_one_line(error)}; data/ left unchanged"
    where = " (from the repository root)" if not Path(rel(Path(changed[0]))).is_absolute() else ""
    if written and set(others) <= stray:
        what = (
            f"{done}"
            if error is None
            else f"{_one_line(error)} after every file was written: {done}"
        )
        why = f" ({incomplete.why})" if incomplete and incomplete.why else ""
        return 1, (
            f"refresh: {what}; but {len(others)} leftover file(s) could not be removed{why}; "
            f"remove them{where} with: rm -f -- {' '.join(_shown(p) for p in others)}"
        )
    restore, left, unknown = [], [], []
    for path in changed:
        if path in backups:
            continue  # a kept original: moved back by the command
        if path in kept:
            left.append(path)
            backup = kept[path]
            restore.append(
                f"rm -f -- {_shown(path)}"
                if backup is None
                else f"mv -f -- {_shown(backup)} {_shown(path)}"
            )
        elif path in stray:
            restore.append(f"rm -f -- {_shown(path)}")
        else:
            unknown.append(path)
    parts = [f"refresh: {_one_line(error)}; the undo failed too, data/ is left changed:"]
    if left:
        names = ", ".join(rel(p) for p in left)
        originals = ", ".join(
            rel(kept[p]) if kept[p] is not None else f"none for {rel(p)} (new)" for p in left
        )
        parts.append(
            f"{len(left)} file(s) differ from before the run ({names}), their originals kept as "
            f"{originals};"
        )
    if unknown:
        parts.append(
            f"{len(unknown)} other file(s) changed with no copy of the original kept here "
            f"({', '.join(rel(p) for p in unknown)});"
        )
    if restore:
        parts.append(f"restore exactly those{where} with: {' && '.join(restore)}")
    return 1, " ".join(parts).rstrip(";")


def main(
    argv=None,
    root: Path = DATA,
    fetch=download,
    today: date | None = None,
    lock: Path | None = None,
) -> int:
    """The command line: one line out (stdout on success, else stderr); exit 0, 1 or 2 (usage)."""
    try:
        args = parser().parse_args(sys.argv[1:] if argv is None else list(argv))
        if args.history and args.tickers:
            raise UsageError("give either ticker names or --history, not both")
    except UsageError as exc:
        print(f"refresh: {exc} (see python -m claimcheck.refresh --help)", file=sys.stderr)
        return 2
    root = Path(root)
    lock = root.parent / LOCK if lock is None else Path(lock)
    with terminate_as_interrupt():
        try:
            with one_at_a_time(lock):
                status, line = _run(args, root, fetch, today)
        except Busy:
            status, line = (
                1,
                f"refresh: another refresh is running (it holds {rel(lock)}); "
                "this one wrote nothing",
            )
    print(line, file=sys.stdout if status == 0 else sys.stderr)
    return status


def _run(args, root: Path, fetch, today: date | None) -> tuple[int, str]:
    try:
        if not network_available():
            return 1, f"refresh: no network (cannot reach {HOST[0]}); data/ left unchanged"
        before = _hashes(root)
    except KeyboardInterrupt as exc:
        return 1, f"refresh: {_one_line(exc)} before anything was written; data/ left unchanged"
    files, error, incomplete = {}, None, None
    try:
        if args.history:
            files = stage_history(root, fetch, today or date.today())
        else:
            files = stage_prices(args.tickers, root, fetch, today or date.today())
        replace_all(files)
    except Incomplete as exc:
        incomplete, error = exc, exc.cause
    except (Exception, KeyboardInterrupt) as exc:
        error = exc
    if args.history:
        days = files[root / HISTORY].count("\n") - 1 if files else 0
        done = f"wrote {days} day(s) to data/{HISTORY}"
    else:
        done = f"wrote {len(files) - 1 if files else 0} file(s) to data/market/prices"
    try:
        after = _hashes(root)
    except KeyboardInterrupt as exc:
        return 1, (
            f"refresh: {_one_line(exc)} while data/ was compared with its state before the run "
            f"(the refresh itself: {_one_line(error)}); see git status -- data/"
        )
    return report(done, files, before, after, error, incomplete)


if __name__ == "__main__":
    raise SystemExit(main())

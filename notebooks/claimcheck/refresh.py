"""Refresh data/market/ from Yahoo Finance with yfinance (needs a network; nothing else does).

    python -m claimcheck.refresh            # every ticker in data/market/tickers.csv
    python -m claimcheck.refresh NVDA SPY   # only these

Each ticker is downloaded over the fixed window START..END with auto_adjust=False, so the
raw close and the adjusted close are both kept. Every frame is validated before anything is
written; only when all of them pass is each file replaced (temporary file, then rename) and
the manifest updated. On any failure it prints one line and exits 1 with data/ unchanged.
After a refresh, re-run the notebooks (see README) so their stored outputs match the data.
"""
from __future__ import annotations

import csv
import io
import logging
import os
import socket
import sys
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd

from .load import DataError, load_tickers, read_checked
from .paths import DATA

START = "2022-01-03"  # first trading day of 2022: covers Meta's 3 Feb 2022 and Nvidia's 3 Sep 2024
END = "2025-05-31"  # exclusive end for yfinance: the last day kept is 2025-05-30
HOST = ("query1.finance.yahoo.com", 443)
COLUMNS = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Adj Close": "adj_close",
           "Volume": "volume"}


class RefreshError(RuntimeError):
    """A download that cannot be used; the message is one line."""


def network_available(host=HOST, timeout: float = 5.0) -> bool:
    try:
        with socket.create_connection(host, timeout=timeout):
            return True
    except OSError:
        return False


def download(ticker: str):
    """The raw yfinance frame for one ticker (separate so tests can replace it)."""
    import yfinance as yf

    logging.getLogger("yfinance").setLevel(logging.CRITICAL)
    return yf.download(ticker, start=START, end=END, auto_adjust=False, actions=False, progress=False,
                       threads=False, multi_level_index=True)


def tidy(frame, ticker: str, start: str = START, end: str = END) -> pd.DataFrame:
    """Turn a yfinance frame into the project's schema and validate it; raise RefreshError."""
    if frame is None or len(frame) == 0:
        raise RefreshError(f"{ticker}: empty download (no network, unknown ticker or rate limit)")
    frame = frame.copy()
    if isinstance(frame.columns, pd.MultiIndex):  # yf.download's (Price, Ticker) columns
        tickers = set(frame.columns.get_level_values(-1))
        if len(tickers) > 1:
            raise RefreshError(f"{ticker}: download holds several tickers {sorted(tickers)}")
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
    if out["close"].isna().any() or out["adj_close"].isna().any():
        day = out.index[(out["close"].isna() | out["adj_close"].isna()).argmax()].date()
        raise RefreshError(f"{ticker}: missing close on {day}")
    if out.index.has_duplicates:
        raise RefreshError(f"{ticker}: duplicate date {out.index[out.index.duplicated()][0].date()}")
    out = out.sort_index()
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    if out.index[0] < lo or out.index[-1] >= hi:
        raise RefreshError(f"{ticker}: dates {out.index[0].date()}..{out.index[-1].date()} fall outside {start}..{end}")
    if (out[["open", "high", "low", "close", "adj_close"]] <= 0).any().any():
        raise RefreshError(f"{ticker}: non-positive price in download")
    out["volume"] = out["volume"].astype("int64")
    return out


def to_csv_text(frame: pd.DataFrame) -> str:
    buffer = io.StringIO()
    frame.to_csv(buffer, date_format="%Y-%m-%d", float_format="%.10g", lineterminator="\n")
    return buffer.getvalue()


def write_atomic(path: Path, text: str) -> None:
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refresh(tickers=None, root: Path = DATA, fetch=download, today: date | None = None) -> list[str]:
    """Download, validate all, then write all. Returns the tickers written; raises RefreshError."""
    manifest = load_tickers(root)
    tickers = list(manifest.index) if not tickers else list(tickers)
    unknown = [t for t in tickers if t not in manifest.index]
    if unknown:
        raise RefreshError(f"unknown ticker(s) {', '.join(unknown)} (see data/market/tickers.csv)")
    texts = {}
    for ticker in tickers:
        try:
            frame = fetch(ticker)
        except Exception as exc:  # network, rate limit, parsing inside yfinance
            raise RefreshError(f"{ticker}: download failed ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")
        texts[ticker] = to_csv_text(tidy(frame, ticker))
    # every download is valid: now write, each file atomically, then the manifest
    import yfinance as yf

    stamp = (today or date.today()).isoformat()
    rows = read_checked("market/tickers.csv", root)
    for ticker, text in texts.items():
        write_atomic(Path(root) / "market" / manifest.loc[ticker, "file"], text)
        i = rows.index[rows["ticker"] == ticker][0]
        rows.loc[i, ["close_basis", "source_repo", "source_path", "source_commit", "source_method"]] = [
            "raw", "Yahoo Finance", f"yf.download {START}..{END}", "",
            f"yfinance {yf.__version__} auto_adjust=False (raw close plus adj_close) retrieved {stamp}"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(rows.columns)
    writer.writerows(rows.fillna("").astype(str).values.tolist())
    write_atomic(Path(root) / "market" / "tickers.csv", buffer.getvalue())
    return tickers


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not network_available():
        print(f"refresh: no network (cannot reach {HOST[0]}); data/market left unchanged", file=sys.stderr)
        return 1
    try:
        written = refresh(argv)
    except (RefreshError, DataError) as exc:
        print(f"refresh: {exc}; data/market left unchanged", file=sys.stderr)
        return 1
    print(f"refresh: wrote {len(written)} file(s) to data/market/prices; now re-run the notebooks (see README)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The yfinance refresh, offline: recorded frames, failures, and a cache that never breaks."""
import shutil
from datetime import date

import pandas as pd
import pytest

from claimcheck import refresh
from claimcheck.load import load_prices
from claimcheck.paths import DATA

FIXTURE = DATA.parent / "tests" / "fixtures" / "yf_download_SPY.csv"


def recorded():
    """A frame as yf.download(..., auto_adjust=False) returns it: (Price, Ticker) columns, 'Date' index.
    Its values are SPY's real bars of 21-31 January 2025, saved in yfinance's own CSV layout."""
    frame = pd.read_csv(FIXTURE, header=[0, 1], index_col=0, skiprows=[2], parse_dates=True)
    frame.index.name = "Date"
    frame.columns.names = ["Price", "Ticker"]
    return frame


@pytest.fixture
def root(tmp_path):
    shutil.copytree(DATA / "market", tmp_path / "market")
    return tmp_path


def snapshot(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_tidy_flattens_and_keeps_raw_and_adjusted():
    out = refresh.tidy(recorded(), "SPY")
    assert list(out.columns) == ["open", "high", "low", "close", "adj_close", "volume"]
    assert out.index.name == "date" and out.index.is_monotonic_increasing
    assert out.loc["2025-01-27", "close"] == pytest.approx(599.3699951171875)
    assert out.loc["2025-01-27", "adj_close"] == pytest.approx(589.2816162109375)


def test_tidy_accepts_single_level_and_tz_aware_frames():
    frame = recorded().droplevel("Ticker", axis=1)
    frame.index = frame.index.tz_localize("America/New_York")
    assert refresh.tidy(frame, "SPY").index[0] == pd.Timestamp("2025-01-21")


@pytest.mark.parametrize("breaks, message", [
    (lambda f: f.iloc[0:0], "empty download"),
    (lambda f: None, "empty download"),
    (lambda f: f.drop(columns="Adj Close", level="Price"), "lacks column(s) Adj Close"),
    (lambda f: f.astype(float).replace({f.loc["2025-01-27", ("Close", "SPY")]: float("nan")}),
     "missing close on 2025-01-27"),
    (lambda f: pd.concat([f, f.iloc[[0]]]), "duplicate date"),
    (lambda f: f.set_axis(f.index - pd.Timedelta(days=3 * 365), axis=0), "fall outside"),
    (lambda f: f * -1, "non-positive price"),
])
def test_tidy_rejects_bad_frames(breaks, message):
    with pytest.raises(refresh.RefreshError, match=message.replace("(", r"\(").replace(")", r"\)")):
        refresh.tidy(breaks(recorded()), "SPY", start="2024-01-01")


def test_refresh_writes_file_and_manifest(root):
    written = refresh.refresh(["SPY"], root=root, fetch=lambda t: recorded(), today=date(2026, 1, 2))
    assert written == ["SPY"]
    prices = load_prices("SPY", root=root)
    assert len(prices) == 9 and prices.attrs["close_basis"] == "raw"
    manifest = (root / "market" / "tickers.csv").read_text()
    assert "retrieved 2026-01-02" in manifest
    assert not list((root / "market").rglob("*.tmp"))


@pytest.mark.parametrize("fetch", [
    lambda t: pd.DataFrame(),  # yfinance's answer when offline or rate-limited
    lambda t: (_ for _ in ()).throw(ConnectionError("Max retries exceeded")),
])
def test_failed_download_changes_nothing(root, fetch):
    before = snapshot(root)
    with pytest.raises(refresh.RefreshError):
        refresh.refresh(["SPY", "NVDA"], root=root, fetch=fetch)
    assert snapshot(root) == before


def test_one_bad_ticker_writes_none(root):
    before = snapshot(root)
    calls = iter([recorded(), pd.DataFrame()])
    with pytest.raises(refresh.RefreshError, match="NVDA: empty download"):
        refresh.refresh(["SPY", "NVDA"], root=root, fetch=lambda t: next(calls))
    assert snapshot(root) == before


def test_main_offline_says_one_line_and_exits_nonzero(monkeypatch, capsys):
    before = snapshot(DATA)
    monkeypatch.setattr(refresh, "network_available", lambda *a, **k: False)
    assert refresh.main([]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("refresh: no network")
    assert snapshot(DATA) == before


def test_main_reports_a_failed_download_in_one_line(monkeypatch, capsys):
    monkeypatch.setattr(refresh, "network_available", lambda *a, **k: True)
    monkeypatch.setattr(refresh, "refresh", lambda t: (_ for _ in ()).throw(refresh.RefreshError("SPY: empty download")))
    assert refresh.main(["SPY"]) == 1
    assert capsys.readouterr().err == "refresh: SPY: empty download; data/market left unchanged\n"


def test_unknown_ticker(root):
    with pytest.raises(refresh.RefreshError, match="unknown ticker"):
        refresh.refresh(["NOPE"], root=root, fetch=lambda t: recorded())

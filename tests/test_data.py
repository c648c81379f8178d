"""Every file under data/ fits its schema, is documented and is sourced."""
from pathlib import Path

import pandas as pd
import pytest

from claimcheck import load
from claimcheck.paths import DATA, NOTEBOOKS

DATA_FILES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.csv"))
ALL_DATA_FILES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*") if p.is_file() and p.name != "README.md")
CODEBOOK = (DATA / "README.md").read_text(encoding="utf-8")
CLAIM_IDS = """stargate_500bn deepseek_released_friday nvda_142_to_118 nvda_loss_half_trillion
nvda_record_one_day_loss api_gap_r1_o1 gpt4o_output_10_per_m user_cost_50c_vs_100 doubao_effectively_free
deepseek_beats_gpt4o_quality chatgpt_wrong_half_time deepseek_cost_5_5m gpt4o_cost_63m deepseek_params_676b
gpt4o_params_1_8t deepseek_older_lower_power_gpus deepseek_runs_on_home_pc solar_price_15c_40c_30c
solar_china_80pct ev_china_58pct_2023 su7_price_30k su7_tariff_25_50pct tesla_germany_subsidies
tesla_200k_cars""".split()


@pytest.mark.parametrize("relpath", DATA_FILES)
def test_file_fits_its_schema(relpath):
    frame = load.read_checked(relpath)
    assert len(frame) > 0


@pytest.mark.parametrize("relpath", ALL_DATA_FILES)
def test_file_has_a_source_row(relpath):
    row = load.source_of(relpath)
    assert row.notna().all(axis=None)


@pytest.mark.parametrize("relpath", ALL_DATA_FILES)
def test_file_is_in_the_codebook(relpath):
    """The codebook has a block headed by the file's name or by the pattern of its sources.csv row."""
    rows = load.read_checked("sources.csv")["file"]
    key = next(f for f in rows if Path(relpath).match(f) or f == relpath)
    assert f"## `{key}`" in CODEBOOK, f"data/README.md has no block for `{key}`"


def test_every_source_row_names_a_file_that_exists():
    table = load.read_checked("sources.csv")
    for pattern in table["file"]:
        assert list(DATA.glob(pattern)), f"data/sources.csv names {pattern}, which matches no file"


def test_claim_ids_are_exactly_the_registry():
    claims = load.read_checked("claims.csv")
    assert sorted(claims["claim_id"]) == sorted(CLAIM_IDS)
    assert claims["claim_id"].is_unique


def test_claims_have_values_their_kind_needs():
    claims = load.load_claims()
    numeric = claims[claims["kind"] != "statement"]
    assert numeric["claimed_value"].notna().all()
    assert claims.loc[claims["kind"] == "range", "claimed_high"].notna().all()
    assert claims.loc[claims["kind"] != "range", "claimed_high"].isna().all()


def test_every_claims_notebook_exists():
    claims = load.load_claims()
    for stem in sorted(set(claims["notebook"])):
        assert (NOTEBOOKS / f"{stem}.ipynb").is_file(), f"data/claims.csv names {stem}, which does not exist"


def test_manifest_lists_every_price_file_once():
    manifest = load.load_tickers()
    listed = sorted(manifest["file"])
    on_disk = sorted(p.relative_to(DATA / "market").as_posix() for p in (DATA / "market" / "prices").glob("*.csv"))
    assert listed == on_disk


@pytest.mark.parametrize("ticker", list(load.load_tickers().index))
def test_prices_cover_the_window_on_the_market_calendar(ticker):
    """At least 2024-01-02..2025-02-28, and no trading day missing against SPY's calendar."""
    prices = load.load_prices(ticker)
    assert prices.index[0] <= pd.Timestamp("2024-01-02") and prices.index[-1] >= pd.Timestamp("2025-02-28")
    window = slice("2024-01-02", "2025-02-28")
    calendar = load.load_prices("SPY").loc[window].index
    assert prices.loc[window].index.equals(calendar)
    if {"high", "low"} <= set(prices.columns):
        assert (prices["high"] >= prices["low"]).all()


def test_json_files_load():
    for relpath in ALL_DATA_FILES:
        if relpath.endswith(".json"):
            assert load.load_json(relpath)

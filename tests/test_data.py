"""Every file under data/ fits its schema, is documented and is sourced."""

import fnmatch
import re
from pathlib import Path

import pandas as pd
import pytest

from claimcheck import load
from claimcheck.paths import DATA, NOTEBOOKS
from claimcheck.schemas import SCHEMAS

DATA_FILES = sorted(p.relative_to(DATA).as_posix() for p in DATA.rglob("*.csv"))
ALL_DATA_FILES = sorted(
    p.relative_to(DATA).as_posix()
    for p in DATA.rglob("*")
    if p.is_file() and p.name != "README.md"
)
CODEBOOK = (DATA / "README.md").read_text(encoding="utf-8")
# The ids of the first version: kept so that links and citations to them keep working.
V1_CLAIM_IDS = """stargate_500bn deepseek_released_friday nvda_142_to_118 nvda_loss_half_trillion
nvda_record_one_day_loss api_gap_r1_o1 gpt4o_output_10_per_m user_cost_50c_vs_100
doubao_effectively_free deepseek_beats_gpt4o_quality chatgpt_wrong_half_time deepseek_cost_5_5m
gpt4o_cost_63m deepseek_params_676b gpt4o_params_1_8t deepseek_older_lower_power_gpus
deepseek_runs_on_home_pc solar_price_15c_40c_30c solar_china_80pct ev_china_58pct_2023
su7_price_30k su7_tariff_25_50pct tesla_germany_subsidies tesla_200k_cars""".split()


@pytest.mark.parametrize("relpath", DATA_FILES)
def test_file_fits_exactly_one_schema(relpath):
    """The loader takes a file's own entry, else the first pattern that matches: a file matching
    two patterns would be checked against whichever comes first, silently. Each file has one
    schema (its own entry, or exactly one pattern), and fits it."""
    patterns = [p for p in SCHEMAS if fnmatch.fnmatch(relpath, p) and p != relpath]
    assert relpath in SCHEMAS or len(patterns) == 1, (
        f"data/{relpath} matches {patterns or 'no schema'}"
    )
    assert load.schema_for(relpath) is SCHEMAS[relpath if relpath in SCHEMAS else patterns[0]]
    load.load_table(relpath)


@pytest.mark.parametrize("relpath", ALL_DATA_FILES)
def test_file_has_a_source_row_dated_before_its_retrieval(relpath):
    """as_of (a year, a month or a day) cannot be later than the day the figures were retrieved."""
    load.source_of(relpath)  # a DataError names the file that has no row
    table = load.load_table("sources.csv")
    row = table[[fnmatch.fnmatch(relpath, pattern) for pattern in table["file"]]].iloc[0]
    as_of = row["as_of"]
    assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", as_of), (
        f"as_of {as_of!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
    )
    assert as_of <= row["retrieved"].date().isoformat()[: len(as_of)], (
        f"as_of {as_of} is after the retrieval"
    )


@pytest.mark.parametrize("relpath", ALL_DATA_FILES)
def test_file_is_in_the_codebook(relpath):
    """The codebook has a block headed by the file's name or by its sources.csv row's pattern."""
    rows = load.load_table("sources.csv")["file"]
    key = next(f for f in rows if Path(relpath).match(f) or f == relpath)
    assert f"## `{key}`" in CODEBOOK, f"data/README.md has no block for `{key}`"


def test_every_source_row_names_a_file_that_exists():
    table = load.load_table("sources.csv")
    for pattern in table["file"]:
        assert list(DATA.glob(pattern)), f"data/sources.csv names {pattern}, which matches no file"


def test_first_version_claim_ids_are_kept():
    claims = load.load_table("claims.csv")
    assert set(V1_CLAIM_IDS) <= set(claims["claim_id"])
    assert claims["claim_id"].is_unique


def test_each_notebook_judges_exactly_its_registered_claims():
    """No hand-kept list: the registry's claims of a notebook are the ids its code judges."""
    import json
    import re

    claims = load.load_table("claims.csv")
    for stem, group in claims.groupby("notebook"):
        nb = json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        judged = set(re.findall(r"""(?:verdict_row|overall_row)\(\s*["']([a-z0-9_]+)["']""", code))
        judged |= {i for i in claims["claim_id"] if re.search(rf"[\"']{i}[\"']", code)}
        mine = set(group["claim_id"])
        assert mine <= judged, f"{stem} never names {sorted(mine - judged)}"


@pytest.mark.parametrize("table", ["claims", "parts"])
def test_claims_have_values_their_kind_needs(table):
    """A numeric claim (or part) has its value and direction; a range its upper end; a statement
    and a compound claim (judged by its parts) neither."""
    rows = load.load_claims() if table == "claims" else load.load_table("claim_parts.csv")
    numeric = rows["kind"].isin(["value", "at_least", "at_most", "range"])
    assert rows.loc[numeric, "claimed_value"].notna().all()
    assert rows.loc[numeric, "direction"].notna().all()
    assert rows.loc[~numeric, "claimed_value"].isna().all()
    assert rows.loc[rows["kind"] == "range", "claimed_high"].notna().all()
    assert rows.loc[rows["kind"] != "range", "claimed_high"].isna().all()


def test_compound_claims_and_their_parts_match():
    """Every compound claim has at least two parts, and only compound claims have parts."""
    claims = load.load_claims()
    counts = load.load_table("claim_parts.csv")["claim_id"].value_counts()
    compound = set(claims.index[claims["kind"] == "compound"])
    assert set(counts.index) == compound
    assert (counts >= 2).all(), counts[counts < 2].to_dict()


def test_every_claims_notebook_exists():
    claims = load.load_claims()
    for stem in sorted(set(claims["notebook"])):
        assert (NOTEBOOKS / f"{stem}.ipynb").is_file(), (
            f"data/claims.csv names {stem}, which does not exist"
        )


def test_manifest_lists_every_price_file_once():
    manifest = load.load_tickers()
    listed = sorted(manifest["file"])
    on_disk = sorted(
        p.relative_to(DATA / "market").as_posix()
        for p in (DATA / "market" / "prices").glob("*.csv")
    )
    assert listed == on_disk


@pytest.mark.parametrize("ticker", list(load.load_tickers().index))
def test_prices_cover_the_window_on_the_market_calendar(ticker):
    """At least 2024-01-02..2025-02-28, and no trading day missing against SPY's calendar."""
    prices = load.load_prices(ticker)
    assert prices.index[0] <= pd.Timestamp("2024-01-02") and prices.index[-1] >= pd.Timestamp(
        "2025-02-28"
    )
    window = slice("2024-01-02", "2025-02-28")
    calendar = load.load_prices("SPY").loc[window].index
    assert prices.loc[window].index.equals(calendar)
    if {"high", "low"} <= set(prices.columns):
        assert (prices["high"] >= prices["low"]).all()


def test_json_files_load():
    for relpath in ALL_DATA_FILES:
        if relpath.endswith(".json"):
            assert load.load_json(relpath)

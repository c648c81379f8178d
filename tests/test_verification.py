"""Issue 18: every input figure re-verified against its primary record.

data/verification.csv is the audit trail (what was read at, or tried for, each figure's primary
record); the `verified_on` column of every facts.csv is its per-row summary. These checks tie the
two together and to the files they name: an entry cannot point at nothing, a date cannot be in one
place and not the other, and a `primary` row cannot join the data unverified without being listed.
"""

import fnmatch

import pandas as pd
import pytest

from claimcheck import load
from claimcheck.paths import DATA

VERIFIED = ("match", "corrected")
FACTS_FILES = sorted(p.relative_to(DATA).as_posix() for p in DATA.glob("*/facts.csv"))
# Facts rows labelled `primary` that no audit read at their primary record: added after the audits
# of 2026-12-01, or not re-read by them. Allowed, but listed: a new unverified primary row fails.
UNVERIFIED_PRIMARY = {
    "ai/facts.csv": {
        "v3_report_llama405b_mmlu",
        "v3_report_llama405b_gpqa",
        "v3_report_v3_mmlu",
        "v3_report_v3_gpqa",
        "dsv3_deployment_h800",
        "neuralwatt_r1_70b_energy_vs_llama33",
        "neuralwatt_r1_70b_runtime_ratio",
        "neuralwatt_r1_70b_speed_gap",
    },
    "energy/facts.csv": {"eu_module_cost_gap_2025"},
    "power/facts.csv": {"tmi1_microsoft_purpose"},
    "trade/facts.csv": {"bis_advanced_computing_rule_2023"},
}


def trail() -> pd.DataFrame:
    return load.load_table("verification.csv")


def text_table(relpath: str) -> pd.DataFrame:
    """A table file as the text of its cells (a selector compares what the file says)."""
    return pd.read_csv(DATA / relpath, dtype=str, keep_default_na=False)


def select(table: pd.DataFrame, selector: str) -> pd.Series:
    """The rows a selector picks: 'ticker=MSFT; period_end=2023-06-30', 'year=2000..2020'."""
    mask = pd.Series(True, index=table.index)
    for term in selector.split("; "):
        column, sep, value = term.partition("=")
        assert sep and column in table.columns, f"selector {selector!r}: no column {column!r}"
        cells = table[column]
        if ".." in value:
            low, high = value.split("..")
            try:
                numbers = pd.to_numeric(cells)
                mask &= numbers.between(float(low), float(high))
            except ValueError:
                mask &= (cells >= low) & (cells <= high)
        else:
            mask &= cells.isin(value.split("|"))
    return mask


def test_every_entry_names_a_file_and_rows_that_exist():
    for _, row in trail().iterrows():
        matches = [p for p in DATA.glob(row["file"]) if p.is_file()]
        assert matches, f"verification.csv names {row['file']}, which matches no file"
        if pd.isna(row["fact_id"]):
            continue
        where, fact_id = row["file"], row["fact_id"]
        assert len(matches) == 1, f"{where}: a row entry needs one file, not a pattern"
        if where.endswith("facts.csv"):
            ids = set(load.load_facts(where.split("/")[0]).index)
            assert fact_id in ids, f"{where} has no fact_id {fact_id}"
        else:
            picked = select(text_table(where), fact_id)
            assert picked.any(), f"{where}: selector {fact_id!r} picks no row"


def test_verified_on_is_set_exactly_for_verified_results():
    table = trail()
    verified = table["result"].isin(VERIFIED)
    wrong = table["verified_on"].notna() != verified
    assert not wrong.any(), table.loc[wrong, ["file", "fact_id", "result"]].to_string()
    partly = table["result"] == "partly"
    assert table.loc[partly, "fact_id"].isna().all(), "`partly` is for a whole file"


@pytest.mark.parametrize("relpath", FACTS_FILES)
def test_facts_verified_on_is_the_date_of_its_verification(relpath):
    """A facts row has a verified_on exactly when the trail has a match or corrected row for it,
    and it is that row's date."""
    facts = load.load_facts(relpath.split("/")[0])
    table = trail()
    mine = table[(table["file"] == relpath) & table["result"].isin(VERIFIED)]
    expected = mine.groupby("fact_id")["verified_on"].max().reindex(facts.index)
    stated = facts["verified_on"].astype("datetime64[ns]")
    differ = expected.astype("datetime64[ns]").ne(stated) & ~(expected.isna() & stated.isna())
    wrong = list(facts.index[differ])
    assert not wrong, f"{relpath}: verified_on differs from verification.csv for {wrong}"


@pytest.mark.parametrize("relpath", FACTS_FILES)
def test_a_verified_fact_is_labelled_primary(relpath):
    """Read at its primary record and matching it: nothing but `primary` describes that source."""
    facts = load.load_facts(relpath.split("/")[0])
    verified = facts[facts["verified_on"].notna()]
    other = verified["quality"] != "primary"
    assert not other.any(), list(verified.index[other])


def test_verification_dates_are_possible():
    """Not after the trail was written; not before the file was last copied (a file re-copied after
    its verification must be verified again); not before the figure's own date. (A check that a
    verification precedes the file's `retrieved` date would be backwards: the figures were copied
    first, on 2026-11-26 for most files, and re-read at their records on 2026-12-01.)"""
    sources = load.load_table("sources.csv").set_index("file")
    written = sources.loc["verification.csv", "retrieved"]
    table = trail().dropna(subset=["verified_on"])
    assert (table["verified_on"] <= written).all()
    for _, row in table.iterrows():
        key = next(f for f in sources.index if fnmatch.fnmatch(row["file"], f))
        day = row["verified_on"]
        copied = sources.loc[key, "retrieved"]
        assert day >= copied, f"{row['file']} copied again after {day.date()}"
    for relpath in FACTS_FILES:
        facts = load.load_facts(relpath.split("/")[0]).dropna(subset=["verified_on", "as_of"])
        for fact_id, fact in facts.iterrows():
            day = fact["verified_on"].date().isoformat()
            as_of = fact["as_of"]
            assert day[: len(as_of)] >= as_of, f"{relpath} {fact_id}: verified before {as_of}"


def test_unverified_primary_facts_are_the_listed_ones():
    found = {}
    for relpath in FACTS_FILES:
        facts = load.load_facts(relpath.split("/")[0])
        ids = set(facts.index[(facts["quality"] == "primary") & facts["verified_on"].isna()])
        if ids:
            found[relpath] = ids
    assert found == UNVERIFIED_PRIMARY


def test_each_unverified_primary_fact_has_an_entry_saying_why():
    table = trail()
    for relpath, ids in UNVERIFIED_PRIMARY.items():
        mine = (table["file"] == relpath) & ~table["result"].isin(VERIFIED)
        said = set(table.loc[mine, "fact_id"])
        assert ids <= said, f"{relpath}: no entry for {sorted(ids - said)}"


def test_every_sourced_file_has_one_whole_file_entry():
    """Every file whose publisher is not this project (the input figures) has a row for the whole
    file, and only those do: 'not audited' is a result too."""
    sources = load.load_table("sources.csv")
    inputs = set(sources.loc[sources["publisher"] != "this project", "file"])
    whole = trail()[trail()["fact_id"].isna()]
    assert whole["file"].is_unique, list(whole["file"][whole["file"].duplicated()])
    assert set(whole["file"]) == inputs


def test_whole_file_results_agree_with_their_rows():
    """`match` only when the verified rows cover the whole file, `partly` when they cover some of
    it; a file none of whose rows was verified is neither."""
    table = trail()
    for _, entry in table[table["fact_id"].isna()].iterrows():
        relpath, result = entry["file"], entry["result"]
        rows = table[(table["file"] == relpath) & table["fact_id"].notna()]
        if relpath.endswith("facts.csv"):
            verified = load.load_facts(relpath.split("/")[0])["verified_on"].notna()
        elif relpath.endswith(".csv") and not rows.empty:
            frame = text_table(relpath)
            verified = pd.Series(False, index=frame.index)
            for selector in rows.loc[rows["result"].isin(VERIFIED), "fact_id"]:
                verified |= select(frame, selector)
        else:  # judged as a whole (a JSON file, a pattern, or a file audited only as a whole)
            assert result != "partly", f"{relpath}: `partly` needs row entries"
            continue
        expected = "match" if verified.all() else "partly" if verified.any() else None
        if expected:
            assert result == expected, f"{relpath}: {result!r}; its rows say {expected!r}"
        else:
            unverified = ("primary not reached", "not audited")
            assert result in unverified, f"{relpath}: no row verified, yet {result!r}"

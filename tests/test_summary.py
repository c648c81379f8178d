"""The table that ends a notebook: order, parts under their claim, rounding, notes."""

import pandas as pd
import pytest

from claimcheck import write_results
from claimcheck.load import load_claims
from claimcheck.results import load_parts
from claimcheck.summary import COLUMNS, found, verdict_table

PRICE = "solar_price_15c_40c_30c"


def _as_claimed(entry):
    """The article's own figure as our measurement (so it holds); nothing for the others."""
    value = entry["claimed_value"]
    return None if pd.isna(value) else float(value)


@pytest.fixture
def solar(data_copy_without_results, rows_for):
    """Notebook 04's verdict table as write_results returns it, written into a copy of data/
    from the registry (not the repository's results file, which the notebook rewrites)."""
    root = data_copy_without_results
    return write_results("04_solar", rows_for(root, "04_solar", _as_claimed), root=root)


def test_claims_in_the_given_order_with_their_parts_under_them(solar):
    claims, parts = load_claims(), load_parts()
    order = ["solar_china_80pct", PRICE, "china_steel_share"]
    assert set(order) == set(claims.index[claims["notebook"] == "04_solar"])
    table = verdict_table(solar, order)
    assert list(table.columns) == COLUMNS
    assert len(table) == len(solar)
    labels = list(table[COLUMNS[0]])
    names = [p for c, p in parts.index if c == PRICE]
    price = labels.index(claims.loc[PRICE, "claim"])
    assert labels[price + 1 : price + 1 + len(names)] == [
        f"↳ {parts.loc[(PRICE, p), 'label']}" for p in names
    ]
    assert table.iloc[price][COLUMNS[2]] == "see its parts"
    assert table.iloc[price + 1][COLUMNS[2]] != "—"  # a part's own figure is shown
    assert labels.index(claims.loc["solar_china_80pct", "claim"]) == 0
    assert not any("solar_" in label for label in labels)  # no claim ids for readers


def test_order_must_name_exactly_the_notebooks_claims(solar):
    with pytest.raises(ValueError, match="does not match"):
        verdict_table(solar, ["solar_china_80pct"])


def test_found_rounds_by_unit_and_marks_what_is_missing():
    formats = {"percent of world production": "{:.1f} %"}
    assert found("80.7692", "percent of world production", formats) == "80.8 %"
    assert found("29869.2", "USD") == "29,869 USD"
    assert found("yes", "statement") == "yes"
    assert found("", "USD") == found(None, "USD") == "—"

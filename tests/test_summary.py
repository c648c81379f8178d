"""The table that ends a notebook: order, parts under their claim, rounding, notes."""
import pytest

from claimcheck.load import load_table
from claimcheck.summary import COLUMNS, found, verdict_table


@pytest.fixture
def solar():
    table = load_table("results/04_solar.csv")
    table["part"] = table["part"].fillna("")
    return table.set_index(["claim_id", "part"])


def test_claims_in_the_given_order_with_their_parts_under_them(solar):
    order = ["solar_china_80pct", "solar_price_15c_40c_30c", "china_steel_share"]
    table = verdict_table(solar, order)
    assert list(table.columns) == COLUMNS
    assert len(table) == len(solar)
    labels = list(table[COLUMNS[0]])
    price = labels.index(next(label for label in labels if label.startswith("Solar panels cost")))
    assert all(label.startswith("↳ ") for label in labels[price + 1:price + 6])
    assert table.iloc[price][COLUMNS[2]] == "see its parts"
    assert not any("solar_" in label for label in labels)          # no claim ids for readers


def test_order_must_name_exactly_the_notebooks_claims(solar):
    with pytest.raises(ValueError, match="does not match"):
        verdict_table(solar, ["solar_china_80pct"])


def test_found_rounds_by_unit_and_marks_what_is_missing():
    assert found("80.7692", "percent of world production", {"percent of world production": "{:.1f} %"}) == "80.8 %"
    assert found("29869.2", "USD") == "29,869 USD"
    assert found("yes", "statement") == "yes"
    assert found("", "USD") == found(None, "USD") == "—"

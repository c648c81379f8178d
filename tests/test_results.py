"""Verdict rows and the results files."""
import shutil

import pytest

from claimcheck import read_results, verdict_row, write_results
from claimcheck.load import load_claims
from claimcheck.paths import DATA


@pytest.fixture
def root(tmp_path):
    shutil.copy(DATA / "claims.csv", tmp_path / "claims.csv")
    return tmp_path


def rows_for(root, stem):
    claims = load_claims(root)
    ids = claims.index[claims["notebook"] == stem]
    return [verdict_row(i, None, "not measured in this test", "test", claims=claims) for i in ids]


def test_row_uses_the_registered_value_and_kind(root):
    claims = load_claims(root)
    row = verdict_row("nvda_loss_half_trillion", 589.0, "shares x price change", "src", claims=claims)
    assert (row["claimed_value"], row["measured_value"], row["verdict"]) == ("500", "589", "holds")
    row = verdict_row("nvda_loss_half_trillion", 400.0, "r", "s", claims=claims)
    assert row["verdict"] == "exaggerated"
    row = verdict_row("su7_tariff_25_50pct", 30.7, "r", "s", claims=claims)
    assert (row["claimed_value"], row["verdict"]) == ("25-50", "holds")
    row = verdict_row("deepseek_released_friday", False, "r", "s", claims=claims)
    assert (row["claimed_value"], row["measured_value"], row["verdict"]) == ("Friday", "no", "wrong")


def test_override_records_what_the_rule_said(root):
    row = verdict_row("gpt4o_cost_63m", 63.0, "the $63M estimate is for GPT-4", "s", override="misattributed",
                      claims=load_claims(root))
    assert row["verdict"] == "misattributed"
    assert "the rule alone gives 'holds'" in row["reason"]
    with pytest.raises(ValueError, match="unknown verdict"):
        verdict_row("gpt4o_cost_63m", 63.0, "r", "s", override="sort of", claims=load_claims(root))


def test_row_needs_reason_sources_and_known_id(root):
    with pytest.raises(KeyError):
        verdict_row("no_such_claim", 1.0, "r", "s", claims=load_claims(root))
    with pytest.raises(ValueError, match="reason"):
        verdict_row("gpt4o_cost_63m", 1.0, "", "s", claims=load_claims(root))
    with pytest.raises(TypeError):
        verdict_row("gpt4o_cost_63m", True, "r", "s", claims=load_claims(root))


def test_write_is_sorted_stable_and_leaves_no_temporary_file(root):
    rows = rows_for(root, "01_nvidia_selloff")[::-1]
    rows[0]["measured_value"] = "0.1"
    first = write_results("01_nvidia_selloff", rows, root=root)
    text = (root / "results" / "01_nvidia_selloff.csv").read_bytes()
    write_results("01_nvidia_selloff.ipynb", list(reversed(rows)), root=root)
    assert (root / "results" / "01_nvidia_selloff.csv").read_bytes() == text
    assert list(first.index) == sorted(first.index)
    assert [p.name for p in (root / "results").iterdir()] == ["01_nvidia_selloff.csv"]
    assert text.startswith(b"claim_id,claimed_value,measured_value,unit,verdict,reason,sources\n")


def test_write_refuses_missing_or_foreign_rows(root):
    rows = rows_for(root, "01_nvidia_selloff")
    with pytest.raises(ValueError, match="have no row"):
        write_results("01_nvidia_selloff", rows[1:], root=root)
    with pytest.raises(ValueError, match="are not this notebook's"):
        write_results("01_nvidia_selloff", rows + rows_for(root, "04_solar"), root=root)
    assert not (root / "results").exists() or not list((root / "results").iterdir())


def test_read_results_collects_every_file(root):
    write_results("04_solar", rows_for(root, "04_solar"), root=root)
    write_results("05_electric_vehicles", rows_for(root, "05_electric_vehicles"), root=root)
    table = read_results(root)
    assert len(table) == 7 and set(table["verdict"]) == {"unverifiable"}

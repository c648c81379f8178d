"""The ledger and the README's generated blocks, on a synthetic results folder."""

import shutil

import pytest

from claimcheck import verdict_row, write_results
from claimcheck.ledger import PENDING, escape, ledger, tally, tally_sentence
from claimcheck.load import load_claims
from claimcheck.paths import DATA


@pytest.fixture
def root(tmp_path, regenerate):
    for name in ("claims.csv", "claim_parts.csv", "not_checked.csv", "corrections.csv"):
        if (DATA / name).is_file():
            shutil.copy(DATA / name, tmp_path / name)
    return tmp_path


def test_claims_without_a_verdict_are_pending(root):
    claims = load_claims(root)
    table = ledger(root)
    assert len(table) == len(claims) and set(table["verdict"]) == {PENDING}
    write_results("04_solar", _solar_rows(root), root=root)
    table = ledger(root)
    solar = claims.index[claims["notebook"] == "04_solar"]
    assert PENDING not in set(table.loc[solar, "verdict"])
    assert set(table.drop(solar)["verdict"]) == {PENDING}
    assert tally(table)[PENDING] == len(claims) - len(solar)


def _solar_rows(root):
    from claimcheck import overall_row
    from claimcheck.results import load_parts

    claims, parts = load_claims(root), load_parts(root)
    rows = []
    for claim_id in claims.index[claims["notebook"] == "04_solar"]:
        mine = [p for c, p in parts.index if c == claim_id]
        part_rows = [
            verdict_row(claim_id, None, "r", "s", part=p, claims=claims, parts=parts) for p in mine
        ]
        rows += part_rows
        rows.append(
            overall_row(claim_id, part_rows, "r", "s", claims=claims)
            if mine
            else verdict_row(claim_id, True, "r", "s", claims=claims, parts=parts)
            if claims.loc[claim_id, "kind"] == "statement"
            else verdict_row(claim_id, 80.0, "r", "s", claims=claims, parts=parts)
        )
    return rows


def test_stray_verdict_rows_are_refused(root):
    write_results("04_solar", _solar_rows(root), root=root)
    text = (root / "results" / "04_solar.csv").read_text(encoding="utf-8")
    (root / "results" / "04_solar.csv").write_text(
        text.replace("solar_china_80pct", "no_such_claim"), encoding="utf-8"
    )
    with pytest.raises(
        ValueError,
        match=r"results/04_solar.csv: unknown claim id 'no_such_claim' "
        r"\(not in data/claims.csv\) \(line \d+\)$",
    ):
        ledger(root)


def test_markdown_cells_are_escaped():
    # a dollar as <span>&#36;</span>: `\\$` is still typeset by JupyterLab and nbconvert when two
    # amounts share a cell (the browser test, tests/browser, proves the writing in each client)
    assert escape("$0.50 | $100") == "<span>&#36;</span>0.50 \\| <span>&#36;</span>100"


def test_tally_counts_pending(root):
    table = ledger(root)
    assert tally_sentence(table).startswith(
        f"Verdicts on the {len(table)} claims: **{len(table)} pending**"
    )


def test_corrections_list_changes_and_sum_up_additions(root):
    from claimcheck.ledger import corrections_markdown

    text = corrections_markdown(root)
    assert "not checked" not in text and "claims were added" in text


def test_corrections_end_at_the_current_verdicts():
    """The last dated change of each claim says what its verdict is now (kept in step by hand,
    checked here), and every changed verdict since the first version has a correction."""
    from claimcheck.load import load_table

    corrections = load_table("corrections.csv").sort_values("date", kind="stable")
    latest = corrections[corrections["part"].isna()].groupby("claim_id")["new_verdict"].last()
    table = ledger()
    for claim_id, verdict in latest.items():
        assert table.loc[claim_id, "verdict"] == verdict, f"{claim_id}: corrections say {verdict}"
    dated = set(corrections["claim_id"])
    hindsight = set(table.index[table["judged"] == "in hindsight"])
    assert hindsight <= dated

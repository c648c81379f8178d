"""Verdict rows, part rows, pinned verdicts and the results files."""

import pytest

from claimcheck import overall_row, pin, read_results, verdict_row, write_results
from claimcheck.load import DataError, load_claims
from claimcheck.results import load_parts

STEM = "01_nvidia_selloff"


@pytest.fixture
def root(data_copy_without_results, regenerate):
    """A copy of data/ without results, results files writable (CLAIMCHECK_REGENERATE=1)."""
    return data_copy_without_results


def test_row_uses_the_registered_value_kind_and_direction(root):
    claims = load_claims(root)
    row = verdict_row(
        "nvda_loss_half_trillion", 589.0, "shares x price change", "src", claims=claims
    )
    assert (row["claimed_value"], row["measured_value"], row["verdict"], row["robust"]) == (
        "500",
        "589",
        "holds",
        "yes",
    )
    assert (
        verdict_row("nvda_loss_half_trillion", 400.0, "r", "s", claims=claims)["verdict"]
        == "exaggerated"
    )
    row = verdict_row("su7_tariff_25_50pct", 30.7, "r", "s", claims=claims)
    assert (row["claimed_value"], row["verdict"]) == ("25-50", "holds")
    row = verdict_row("deepseek_released_friday", False, "r", "s", claims=claims)
    assert (row["claimed_value"], row["measured_value"], row["verdict"], row["robust"]) == (
        "Friday",
        "no",
        "wrong",
        "",
    )
    # the SU7's price: the article wants it cheap, so a claim above the real price understates
    assert (
        verdict_row("su7_price_30k", 24000.0, "r", "s", claims=claims)["verdict"] == "understated"
    )


def test_parts_and_the_overall_row(root):
    claims, parts = load_claims(root), load_parts(root)
    china = verdict_row(
        "solar_price_15c_40c_30c", 8.55, "r", "s", part="china", claims=claims, parts=parts
    )
    europe = verdict_row(
        "solar_price_15c_40c_30c", 10.0, "r", "s", part="europe", claims=claims, parts=parts
    )
    assert (china["verdict"], europe["verdict"]) == ("understated", "wrong")
    row = overall_row(
        "solar_price_15c_40c_30c", [china, europe], "r", "s", claims=claims, parts=parts
    )
    # one part supports the article's point (understated), one contradicts it (wrong): mixed
    assert (row["part"], row["verdict"], row["claimed_value"]) == ("", "mixed", "15 / 40 / 30 ¢/W")
    with pytest.raises(ValueError, match="compound"):
        verdict_row("solar_price_15c_40c_30c", 8.55, "r", "s", claims=claims, parts=parts)
    with pytest.raises(KeyError, match="unknown part"):
        verdict_row(
            "solar_price_15c_40c_30c", 8.55, "r", "s", part="mars", claims=claims, parts=parts
        )
    with pytest.raises(ValueError, match="part rows"):
        overall_row("solar_price_15c_40c_30c", [], "r", "s", claims=claims)


def test_hand_set_verdict_keeps_what_the_rule_said(root):
    row = verdict_row(
        "gpt4o_cost_63m",
        63.0,
        "the $63M estimate is for GPT-4",
        "s",
        override="misattributed",
        claims=load_claims(root),
    )
    assert (row["verdict"], row["rule_verdict"], row["robust"]) == ("misattributed", "holds", "")
    assert "[override" not in row["reason"]
    with pytest.raises(ValueError, match="cannot be set by hand"):
        verdict_row("gpt4o_cost_63m", 63.0, "r", "s", override="sort of", claims=load_claims(root))


def test_row_needs_reason_sources_and_known_id(root):
    claims = load_claims(root)
    with pytest.raises(KeyError):
        verdict_row("no_such_claim", 1.0, "r", "s", claims=claims)
    with pytest.raises(ValueError, match="reason and its sources"):
        verdict_row("gpt4o_cost_63m", 1.0, "", "s", claims=claims)
    with pytest.raises(ValueError, match="reason and its sources"):
        verdict_row("gpt4o_cost_63m", 1.0, "r", "", claims=claims)
    china = verdict_row(
        "solar_price_15c_40c_30c",
        8.55,
        "r",
        "s",
        part="china",
        claims=claims,
        parts=load_parts(root),
    )
    for reason, sources in (("", "s"), ("r", "")):
        with pytest.raises(ValueError, match="reason and its sources"):
            overall_row("solar_price_15c_40c_30c", [china], reason, sources, claims=claims)
    with pytest.raises(TypeError):
        verdict_row("gpt4o_cost_63m", True, "r", "s", claims=load_claims(root))


def test_a_compound_claim_is_robust_only_when_every_checked_part_is(root):
    claims, parts = load_claims(root), load_parts(root)

    def part(name, measured, **kw):
        return verdict_row(
            "solar_price_15c_40c_30c",
            measured,
            "r",
            "s",
            part=name,
            claims=claims,
            parts=parts,
            **kw,
        )

    # exact, so robust; 13 % off: roughly holds, but not with the tolerances halved
    robust, fragile = part("china", 15.0), part("us", 46.0)
    assert (robust["robust"], fragile["robust"]) == ("yes", "no")
    hand_set = part("europe", 30.0, override="misleading")
    unmeasured = part("gap_us", None)
    assert hand_set["robust"] == unmeasured["robust"] == ""

    def overall(rows):
        return overall_row("solar_price_15c_40c_30c", rows, "r", "s", claims=claims)["robust"]

    assert overall([robust, fragile]) == overall([fragile, robust]) == "no"
    assert overall([robust, fragile, hand_set, unmeasured]) == "no"
    assert overall([robust, hand_set, unmeasured]) == "yes"
    assert overall([hand_set, unmeasured]) == ""


def test_write_is_sorted_stable_and_leaves_no_temporary_file(root, rows_for):
    rows = rows_for(root, STEM)[::-1]
    first = write_results(STEM, rows, root=root)
    path = root / "results" / f"{STEM}.csv"
    text, inode = path.read_bytes(), path.stat().st_ino
    write_results(f"{STEM}.ipynb", list(reversed(rows)), root=root)
    assert path.read_bytes() == text
    assert path.stat().st_ino == inode  # the same bytes are not even rewritten
    assert list(first.index) == sorted(first.index)
    assert [p.name for p in (root / "results").iterdir()] == [f"{STEM}.csv"]
    assert text.startswith(
        b"claim_id,part,claimed_value,measured_value,unit,found,verdict,rule_verdict,robust,conclusion,"
    )


def test_write_refuses_missing_foreign_duplicate_and_unregistered_rows(root, rows_for):
    rows = rows_for(root, STEM)
    overall = [i for i, r in enumerate(rows) if not r["part"]]
    with pytest.raises(ValueError, match="have no overall row"):
        write_results(STEM, rows[: overall[0]] + rows[overall[0] + 1 :], root=root)
    with pytest.raises(ValueError, match="are not this notebook's"):
        write_results(STEM, rows + rows_for(root, "04_solar"), root=root)
    with pytest.raises(ValueError, match="appear twice"):
        write_results(STEM, rows + rows[:1], root=root)
    part_rows = [r for r in rows if r["part"]]
    with pytest.raises(ValueError, match="have no row"):
        write_results(STEM, [r for r in rows if r is not part_rows[0]], root=root)
    stray = dict(part_rows[0], part="an_unregistered_part")
    with pytest.raises(ValueError, match="not registered"):
        write_results(STEM, rows + [stray], root=root)
    assert not (root / "results").exists() or not list((root / "results").iterdir())


def test_hindsight_claims_need_an_evidence_date(root, rows_for):
    rows = rows_for(root, "06_what_happened_next")
    write_results("06_what_happened_next", rows, root=root)
    overall = next(r for r in rows if not r["part"])  # a hindsight claim's overall row
    overall["evidence_date"] = ""
    with pytest.raises(ValueError, match="evidence_date"):
        write_results("06_what_happened_next", rows, root=root)


def test_pin_names_every_verdict_that_moved(root, rows_for):
    table = write_results(STEM, rows_for(root, STEM), root=root)
    expected = {k if not p else (k, p): "unverifiable" for k, p in table.index}
    pin(table, expected)
    moved = dict(expected, nvda_loss_half_trillion="holds")
    with pytest.raises(
        AssertionError, match="nvda_loss_half_trillion: pinned 'holds', now 'unverifiable'"
    ):
        pin(table, moved)
    with pytest.raises(AssertionError, match="pinned None"):
        pin(table, {k: v for k, v in expected.items() if k != "deepseek_released_friday"})


def test_read_results_collects_every_file(root, rows_for):
    write_results("04_solar", rows_for(root, "04_solar"), root=root)
    write_results("05_electric_vehicles", rows_for(root, "05_electric_vehicles"), root=root)
    table = read_results(root)
    claims = load_claims(root)
    expected = claims.index[claims["notebook"].isin(["04_solar", "05_electric_vehicles"])]
    assert set(table.index) == set(expected)
    assert (table["part"] == "").sum() == len(expected)
    assert set(table["verdict"]) == {"unverifiable"}


def test_a_claim_in_two_results_files_is_refused(root, rows_for):
    write_results("04_solar", rows_for(root, "04_solar"), root=root)
    copy = root / "results" / "99_copy_of_solar.csv"
    copy.write_bytes((root / "results" / "04_solar.csv").read_bytes())
    with pytest.raises(DataError, match="has rows in two files"):
        read_results(root)


def test_a_changed_results_file_fails_naming_it_unless_regenerating(root, rows_for, monkeypatch):
    """What pytest sees when a notebook's verdict table would change: one line naming the file,
    and the committed file left as it is (so the ledger, reading it meanwhile, reads it whole)."""
    from claimcheck.atomic import REGENERATE, OutputChanged

    rows = rows_for(root, STEM)
    write_results(STEM, rows, root=root)
    path = root / "results" / f"{STEM}.csv"
    committed = path.read_bytes()
    monkeypatch.delenv(REGENERATE)
    write_results(STEM, rows, root=root)  # unchanged: fine without the switch
    rows[0] = dict(rows[0], reason="another reason")
    with pytest.raises(OutputChanged) as info:
        write_results(STEM, rows, root=root)
    assert str(info.value).startswith(f"{path.as_posix()}: this results file would change (")
    assert path.read_bytes() == committed
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_an_unknown_claim_in_a_results_file_is_one_line_with_file_and_line(root, rows_for):
    write_results("04_solar", rows_for(root, "04_solar"), root=root)
    path = root / "results" / "04_solar.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = lines[3].replace(lines[3].split(",")[0], "no_such_claim", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(ValueError) as info:
        read_results(root)
    assert str(info.value) == (
        f"{path.as_posix()}: unknown claim id 'no_such_claim' (not in data/claims.csv) (line 4)"
    )

"""The sell-off's figures: official closes from two records agreeing to the cent, computed once
(claimcheck.market) and printed identically by notebooks 01 and 06."""

import csv
import json
import re
import shutil

import pytest

from claimcheck import market
from claimcheck.load import DataError
from claimcheck.paths import DATA, NOTEBOOKS

PRESS_HEADER = "event_date,ticker,measure,value,qualifier,outlet,url,quality\n"
PROVIDER_HEADER = "date,close_aakashvats15,close_growlintiger\n"


@pytest.fixture
def root(tmp_path):
    (tmp_path / "market").mkdir()
    (tmp_path / "hindsight").mkdir()
    shutil.copy(DATA / "market/shares_outstanding.csv", tmp_path / "market/shares_outstanding.csv")
    return tmp_path


def write(root, provider_rows, press_rows):
    (root / "hindsight/nvda_close_crosscheck.csv").write_text(
        PROVIDER_HEADER + "".join(f"{d},{c},\n" for d, c in provider_rows), encoding="utf-8"
    )
    (root / "market/press_figures.csv").write_text(
        PRESS_HEADER
        + "".join(
            f"{d},NVDA,close_usd,{v},exact,{o},https://example.org/{i},{q}\n"
            for i, (d, v, o, q) in enumerate(press_rows)
        ),
        encoding="utf-8",
    )


def test_official_close_is_where_provider_and_press_agree(root):
    write(
        root,
        [("2025-01-24", 142.62), ("2025-01-27", 118.42)],
        [
            ("2025-01-27", 118.51, "Outlet A", "secondary"),
            ("2025-01-27", 118.42, "Outlet B", "secondary"),
        ],
    )
    got = market.official_close("2025-01-27", root)
    assert got["close"] == 118.42
    assert got["records"] == [market.PROVIDER, "Outlet B"]
    assert got["other_prints"]["value"].tolist() == [118.51]


def test_agreement_is_to_the_cent(root):
    write(root, [("2025-01-27", 118.424)], [("2025-01-27", 118.42, "Outlet B", "secondary")])
    assert market.official_close("2025-01-27", root)["close"] == 118.42
    write(root, [("2025-01-27", 118.43)], [("2025-01-27", 118.42, "Outlet B", "secondary")])
    with pytest.raises(DataError, match="agrees to the cent"):
        market.official_close("2025-01-27", root)


def test_a_weak_copy_or_a_missing_day_confirms_nothing(root):
    write(root, [("2025-01-27", 118.42)], [("2025-01-27", 118.42, "a blog", "weak")])
    with pytest.raises(DataError, match="no independent print"):
        market.official_close("2025-01-27", root)
    with pytest.raises(DataError, match="no close_aakashvats15 on 2025-01-24"):
        market.official_close("2025-01-24", root)


def test_selloff_figures_follow_from_the_records(root):
    write(
        root,
        [("2025-01-24", 100.0), ("2025-01-27", 80.0)],
        [("2025-01-24", 100.0, "A", "secondary"), ("2025-01-27", 80.0, "B", "secondary")],
    )
    f = market.selloff(root)
    shares = f["shares_bn"]
    assert f["change_pct"] == pytest.approx(-20.0)
    assert f["drop_usd"] == pytest.approx(20.0)
    assert f["loss_bn"] == pytest.approx(20.0 * shares)
    assert f["value_after_bn"] == pytest.approx(80.0 * shares)


def _rows(relpath):
    with open(DATA / relpath, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_official_closes_in_data_are_the_issue_18_figures():
    """142.62 and 118.42, each in the provider's unadjusted column and in a secondary press print;
    the share count is NVIDIA's November 2024 cover (24,490 million)."""
    provider = {
        r["date"]: r["close_aakashvats15"] for r in _rows("hindsight/nvda_close_crosscheck.csv")
    }
    prints = {
        (r["event_date"], r["value"])
        for r in _rows("market/press_figures.csv")
        if r["measure"] == "close_usd" and r["quality"] in ("primary", "secondary")
    }
    f = market.selloff()
    for day, close in (("2025-01-24", f["close_before"]), ("2025-01-27", f["close_after"])):
        assert float(provider[day]) == close and (day, f"{close:.2f}") in prints
    assert (f["close_before"], f["close_after"], f["shares_bn"]) == (142.62, 118.42, 24.49)
    assert round(f["change_pct"], 2) == -16.97
    assert round(f["loss_bn"], 1) == 592.7


SHARED = ("01_nvidia_selloff", "06_what_happened_next")


def _output_lines(stem):
    nb = json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))
    lines = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("text") or out.get("data", {}).get("text/plain", "")
            lines += "".join(text).splitlines()
    return [line.strip() for line in lines]


def _shown(stem, labels):
    found = {}
    for line in _output_lines(stem):
        for label in labels:
            if line.startswith(label) and label not in found:
                found[label] = line[len(label) :].strip()
    return found


def test_notebooks_01_and_06_print_the_same_selloff_figures():
    """The committed outputs of both notebooks show the shared table with the values the data give
    now: the two closes, the change, the fall per share, the share count, the loss and the
    value."""
    expected = market.shared_figures()
    labels = sorted(expected.iloc[:, 0], key=len, reverse=True)  # longest first: no prefix clash
    want = dict(zip(expected.iloc[:, 0], expected.iloc[:, 1], strict=True))
    for stem in SHARED:
        assert _shown(stem, labels) == want, f"notebooks/{stem}.ipynb shows other sell-off figures"


LOSS_LINE = re.compile(r"(market value )?los[st] on 27 Jan 2025\b")


def test_no_other_value_of_the_loss_is_printed():
    """Every table row labelled as the loss of 27 Jan 2025 shows the one shared value."""
    loss = f"{market.selloff()['loss_bn']:,.1f}"
    for stem in SHARED:
        lines = [line for line in _output_lines(stem) if LOSS_LINE.match(line)]
        assert lines, f"notebooks/{stem}.ipynb prints no loss of 27 Jan 2025"
        for line in lines:
            assert loss in line, f"notebooks/{stem}.ipynb: {line!r} does not show USD {loss} bn"

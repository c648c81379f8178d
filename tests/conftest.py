"""Fixtures shared by the tests.

A test that writes results, breaks a file or reads a registry it has edited works on a private
copy of data/ in its own tmp_path (made once per test that asks for it), never on the
repository's data/: the suite gives the same result in any order xdist runs it.

`pytest` checks the committed figures and results files: the notebooks it re-runs never rewrite
them (claimcheck.atomic.write_output), so every reader sees the committed bytes in whatever order
xdist runs the notebooks. CLAIMCHECK_REGENERATE=1 would let the notebooks rewrite them while the
ledger and tests/test_readme.py read them, so pytest refuses to start with it; regenerate with the
README's nbconvert command instead.
"""

import shutil
from pathlib import Path

import pytest

from claimcheck.atomic import REGENERATE
from claimcheck.load import load_claims
from claimcheck.paths import DATA
from claimcheck.results import load_parts, overall_row, verdict_row


def _copy_data(target: Path, *, results: bool) -> Path:
    def skip(folder, names):
        return ["results"] if not results and Path(folder) == DATA else []

    shutil.copytree(DATA, target, ignore=skip)
    return target


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A copy of the whole of data/ (the results files included), as `root=` for the loaders."""
    return _copy_data(tmp_path / "data", results=True)


@pytest.fixture
def data_copy_without_results(tmp_path) -> Path:
    """A copy of data/ without results/: the registry and every input, no verdict written yet."""
    return _copy_data(tmp_path / "data", results=False)


def _rows_for(root: Path, stem: str, measure=lambda entry: None) -> list[dict]:
    """A verdict row for every claim and part of one notebook, from the registry under `root`.

    `measure(entry)` gives each claim's or part's measured value (its registry row is `entry`);
    by default nothing is measured, so every verdict is 'unverifiable'. Compound claims get their
    overall row from their parts; every row has a reason, sources and an evidence date."""
    claims, parts = load_claims(root), load_parts(root)
    rows = []
    for claim_id in claims.index[claims["notebook"] == stem]:
        mine = [p for c, p in parts.index if c == claim_id]
        if mine:
            part_rows = [
                verdict_row(
                    claim_id,
                    measure(parts.loc[(claim_id, p)]),
                    "r",
                    "s",
                    part=p,
                    claims=claims,
                    parts=parts,
                )
                for p in mine
            ]
            rows += part_rows + [
                overall_row(
                    claim_id, part_rows, "r", "s", claims=claims, evidence_date="2026-08-03"
                )
            ]
        else:
            rows.append(
                verdict_row(
                    claim_id,
                    measure(claims.loc[claim_id]),
                    "r",
                    "s",
                    claims=claims,
                    parts=parts,
                    evidence_date="2026-08-03",
                )
            )
    return rows


@pytest.fixture
def rows_for():
    """`rows_for(root, stem, measure=...)`: rows for every claim and part of a notebook."""
    return _rows_for


def pytest_configure(config):
    import os

    if os.environ.get(REGENERATE):
        raise pytest.UsageError(
            f"{REGENERATE} is set: pytest checks the committed figures and results and "
            "never rewrites them; unset it (regenerate with the README's nbconvert command)"
        )


@pytest.fixture
def regenerate(monkeypatch):
    """Let write_output write (for tests that write figures or results into a temporary folder)."""
    monkeypatch.setenv(REGENERATE, "1")

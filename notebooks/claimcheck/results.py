"""Verdict rows: built from the claims registry and the verdict rule, written atomically.

Notebooks run in parallel under pytest-xdist while the ledger reads data/results/, so a
results file is written to a temporary file in the same folder and renamed over the old
one: a reader sees the old file or the new one, never half of one.
"""
from __future__ import annotations

import csv
import math
import os
import tempfile
from pathlib import Path

import pandas as pd

from .load import DataError, load_claims, read_checked
from .paths import DATA, rel
from .verdict import VERDICTS, judge

COLUMNS = ["claim_id", "claimed_value", "measured_value", "unit", "verdict", "reason", "sources"]


def fmt(value) -> str:
    """Stable text for a number: 6 significant digits, no trailing zeros; '' for missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return f"{float(value):.6g}"
    return str(value)


def verdict_row(claim_id: str, measured, reason: str, sources: str, *, override: str | None = None,
                claims: pd.DataFrame | None = None) -> dict:
    """One results row. The verdict comes from `judge` with the claim's registered value and kind.

    `override` replaces the computed verdict (e.g. 'misattributed'); the reason must then say
    why, and the row records what the rule gave.
    """
    claims = load_claims() if claims is None else claims
    if claim_id not in claims.index:
        raise KeyError(f"unknown claim id {claim_id!r} (not in data/claims.csv)")
    if not reason or not sources:
        raise ValueError(f"{claim_id}: every verdict row needs a reason and its sources")
    claim = claims.loc[claim_id]
    claimed = None if pd.isna(claim["claimed_value"]) else float(claim["claimed_value"])
    high = None if pd.isna(claim["claimed_high"]) else float(claim["claimed_high"])
    if claim["kind"] != "statement" and isinstance(measured, bool):
        raise TypeError(f"{claim_id}: a {claim['kind']} claim needs a numeric measurement")
    computed = judge(claimed, measured, claim["kind"], claimed_high=high)
    verdict = computed
    if override is not None:
        if override not in VERDICTS:
            raise ValueError(f"{claim_id}: unknown verdict {override!r}")
        verdict = override
        if override != computed:
            reason = f"{reason} [override; the rule alone gives '{computed}']"
    claimed_shown = claim["claimed_text"] if claimed is None else fmt(claimed) if high is None else f"{fmt(claimed)}-{fmt(high)}"
    return {"claim_id": claim_id, "claimed_value": claimed_shown, "measured_value": fmt(measured),
            "unit": claim["unit"], "verdict": verdict, "reason": reason, "sources": sources}


def write_results(notebook: str, rows: list[dict], root: Path = DATA) -> pd.DataFrame:
    """Write data/results/<notebook stem>.csv (sorted by claim id, atomically); return it as a table.

    Fails if a row belongs to another notebook or a claim of this notebook has no row.
    """
    stem = Path(notebook).stem
    claims = load_claims(root)
    expected = set(claims.index[claims["notebook"] == stem])
    given = [r["claim_id"] for r in rows]
    if len(given) != len(set(given)):
        raise ValueError(f"{stem}: a claim id appears twice in the rows")
    if set(given) != expected:
        raise ValueError(f"{stem}: rows {sorted(set(given) - expected)} are not this notebook's; "
                         f"claims {sorted(expected - set(given))} have no row")
    folder = Path(root) / "results"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.csv"
    ordered = sorted(rows, key=lambda r: r["claim_id"])
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
            writer.writeheader()
            for row in ordered:
                writer.writerow({c: row[c] for c in COLUMNS})
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return read_checked(f"results/{stem}.csv", root).set_index("claim_id")


def read_results(root: Path = DATA) -> pd.DataFrame:
    """Every verdict row written so far, with the notebook that wrote it."""
    frames = []
    for path in sorted((Path(root) / "results").glob("*.csv")):
        frame = read_checked(f"results/{path.name}", root)
        frame.insert(1, "results_file", rel(path))
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["claim_id", "results_file", *COLUMNS[1:]]).set_index("claim_id")
    table = pd.concat(frames, ignore_index=True)
    dup = table["claim_id"].duplicated()
    if dup.any():
        raise DataError(f"data/results: claim {table['claim_id'][dup].iloc[0]} has rows in two files")
    return table.set_index("claim_id")

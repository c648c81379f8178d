"""Verdict rows: built from the claims registry and the verdict rule, written atomically.

Notebooks run in parallel under pytest-xdist while the ledger (and tests/test_readme.py) read
data/results/. A results file is written through claimcheck.atomic.write_output: bytes equal to
the committed file's are not rewritten at all, and different bytes fail the notebook's cell with
one line naming the file unless CLAIMCHECK_REGENERATE=1. So during `pytest` nothing in
data/results/ is rewritten, every reader reads the committed bytes whatever order xdist runs the
notebooks in, and a verdict table that changed fails the run, naming the file. (When it is
rewritten on purpose, it is renamed over the old one: a reader sees the old file or the new one.)
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from .atomic import write_output
from .formats import fmt
from .load import DataError, load_claims, load_parts, load_table
from .paths import DATA, rel
from .texts import texts_for
from .verdict import COMBINED, VERDICTS, combine, judge, robust

COLUMNS = [
    "claim_id",
    "part",
    "claimed_value",
    "measured_value",
    "unit",
    "found",
    "verdict",
    "rule_verdict",
    "robust",
    "conclusion",
    "reason",
    "sources",
    "evidence_date",
]


def _number(x):
    return None if pd.isna(x) else float(x)


def _claimed_shown(entry) -> str:
    claimed, high = _number(entry["claimed_value"]), _number(entry["claimed_high"])
    if claimed is None:
        return entry["claimed_text"]
    return fmt(claimed) if high is None else f"{fmt(claimed)}-{fmt(high)}"


def _words(claim_id, part, notebook, reason, sources, values):
    """The row's words: from data/texts/<notebook>.csv filled with `values`, or (older notebooks)
    the reason and sources passed in."""
    if reason is None and sources is None:
        return texts_for(claim_id, part, notebook, values)
    if values:
        raise ValueError(
            f"{claim_id}: pass either values (for the texts file) or reason and sources"
        )
    return {"conclusion": "", "reason": reason, "found": "", "sources": sources}


def _finish(claim_id, part, entry, *, measured, rule, override, words, robust_flag, evidence_date):
    reason, sources = words["reason"], words["sources"]
    if not reason or not sources:
        raise ValueError(f"{claim_id}: every verdict row needs a reason and its sources")
    verdict = rule
    if override is not None:
        if override not in VERDICTS or override in COMBINED:
            raise ValueError(f"{claim_id}: {override!r} cannot be set by hand")
        verdict = override
    return {
        "claim_id": claim_id,
        "part": part,
        "claimed_value": _claimed_shown(entry),
        "measured_value": fmt(measured),
        "unit": entry["unit"],
        "found": words["found"],
        "verdict": verdict,
        "rule_verdict": rule,
        "robust": robust_flag if verdict == rule else "",
        "conclusion": words["conclusion"],
        "reason": reason,
        "sources": sources,
        "evidence_date": ""
        if evidence_date is None
        else pd.Timestamp(evidence_date).date().isoformat(),
    }


def verdict_row(
    claim_id: str,
    measured,
    reason: str | None = None,
    sources: str | None = None,
    *,
    values: dict | None = None,
    part: str = "",
    override: str | None = None,
    evidence_date=None,
    claims: pd.DataFrame | None = None,
    parts: pd.DataFrame | None = None,
) -> dict:
    """One results row: a claim's overall row (part='') or one part's row.

    The words (conclusion, reason, what we found, sources) come from the claim's row in
    data/texts/<notebook>.csv, filled from `values` (see claimcheck.texts).

    The verdict comes from `judge` with the registered value, kind and direction (of the claim,
    or of the part in data/claim_parts.csv). `override` sets a verdict by hand (misleading,
    misattributed, a judged 'unverifiable' ...): the reason must say why, and the row keeps in
    `rule_verdict` what the numeric rule alone said. `robust` says whether the rule's verdict
    survives halving and doubling every tolerance ('' for yes/no statements and hand-set verdicts).
    A compound claim's overall row is made by `overall_row` from its part rows.
    """
    claims = load_claims() if claims is None else claims
    if claim_id not in claims.index:
        raise KeyError(f"unknown claim id {claim_id!r} (not in data/claims.csv)")
    entry = claims.loc[claim_id]
    if part:
        parts = load_parts() if parts is None else parts
        if (claim_id, part) not in parts.index:
            raise KeyError(f"unknown part {part!r} of {claim_id} (not in data/claim_parts.csv)")
        entry = parts.loc[(claim_id, part)]
    elif entry["kind"] == "compound":
        raise ValueError(f"{claim_id} is a compound claim: judge its parts and use overall_row")
    kind = entry["kind"]
    if kind != "statement" and isinstance(measured, bool):
        raise TypeError(f"{claim_id}: a {kind} claim needs a numeric measurement")
    figure = {
        "claimed": _number(entry["claimed_value"]),
        "measured": measured,
        "kind": kind,
        "claimed_high": _number(entry["claimed_high"]),
        "direction": None if pd.isna(entry["direction"]) else entry["direction"],
    }
    rule = judge(**figure)
    numeric = kind != "statement" and rule != "unverifiable"
    flag = ("yes" if robust(**figure) else "no") if numeric else ""
    words = _words(claim_id, part, claims.loc[claim_id, "notebook"], reason, sources, values)
    return _finish(
        claim_id,
        part,
        entry,
        measured=measured,
        rule=rule,
        override=override,
        words=words,
        robust_flag=flag,
        evidence_date=evidence_date,
    )


def overall_row(
    claim_id: str,
    part_rows: list[dict],
    reason: str | None = None,
    sources: str | None = None,
    *,
    values: dict | None = None,
    override: str | None = None,
    evidence_date=None,
    claims: pd.DataFrame | None = None,
    parts: pd.DataFrame | None = None,
) -> dict:
    """A compound claim's overall row: its verdict is `combine` of its parts' verdicts, with the
    parts that carry the claim's point (claim_parts.csv's `carries_point`) flagged."""
    claims = load_claims() if claims is None else claims
    parts = load_parts() if parts is None else parts
    if claim_id not in claims.index:
        raise KeyError(f"unknown claim id {claim_id!r} (not in data/claims.csv)")
    mine = [r for r in part_rows if r["claim_id"] == claim_id and r["part"]]
    if not mine:
        raise ValueError(f"{claim_id}: overall_row needs the claim's part rows")
    rule = combine(
        [r["verdict"] for r in mine],
        carries=[parts.loc[(claim_id, r["part"]), "carries_point"] == "yes" for r in mine],
    )
    flags = {r["robust"] for r in mine}
    flag = "no" if "no" in flags else "yes" if "yes" in flags else ""
    words = _words(claim_id, "", claims.loc[claim_id, "notebook"], reason, sources, values)
    return _finish(
        claim_id,
        "",
        claims.loc[claim_id],
        measured=None,
        rule=rule,
        override=override,
        words=words,
        robust_flag=flag,
        evidence_date=evidence_date,
    )


def write_results(notebook: str, rows: list[dict], root: Path = DATA) -> pd.DataFrame:
    """Write data/results/<notebook stem>.csv (sorted by claim and part; through write_output, so
    only on purpose if its bytes change); return it.

    Fails if a row belongs to another notebook, a claim of this notebook has no overall row,
    a row appears twice, a registered part has no row, or a hindsight claim has no evidence date.
    """
    stem = Path(notebook).stem
    claims = load_claims(root)
    parts = load_parts(root)
    expected = set(claims.index[claims["notebook"] == stem])
    keys = [(r["claim_id"], r["part"]) for r in rows]
    if len(keys) != len(set(keys)):
        twice = sorted({k for k in keys if keys.count(k) > 1})
        raise ValueError(f"{stem}: row(s) {twice} appear twice")
    overall = {c for c, p in keys if not p}
    given = {c for c, _ in keys}
    if given != expected or overall != expected:
        raise ValueError(
            f"{stem}: rows {sorted(given - expected)} are not this notebook's; "
            f"claims {sorted(expected - overall)} have no overall row"
        )
    registered = {k for k in parts.index if k[0] in expected}
    with_parts = {k for k in keys if k[1]}
    if with_parts != registered:
        raise ValueError(
            f"{stem}: part rows {sorted(with_parts - registered)} are not registered; "
            f"parts {sorted(registered - with_parts)} have no row"
        )
    for row in rows:
        if (
            claims.loc[row["claim_id"], "judged"] == "in hindsight"
            and not row["part"]
            and not row["evidence_date"]
        ):
            raise ValueError(
                f"{stem}: {row['claim_id']} is judged in hindsight and needs an evidence_date"
            )
    folder = Path(root) / "results"
    ordered = sorted(rows, key=lambda r: (r["claim_id"], r["part"]))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in ordered:
        writer.writerow({c: row[c] for c in COLUMNS})
    table = _results_file(
        f"{stem}.csv", root, text=buffer.getvalue()
    )  # checked before it is written
    folder.mkdir(parents=True, exist_ok=True)
    write_output(folder / f"{stem}.csv", buffer.getvalue(), what="results file")
    return table.set_index(["claim_id", "part"])


def _results_file(name: str, root: Path, text: str | None = None) -> pd.DataFrame:
    """One results file, typed; the overall rows' empty `part` read as '' (not missing)."""
    table = load_table(f"results/{name}", root, text=text)
    table["part"] = table["part"].fillna("")
    return table


def verdict_map(table: pd.DataFrame) -> dict:
    """{claim_id or (claim_id, part): verdict} of a results table (as write_results returns it)."""
    out = {}
    for (claim, part), verdict in table["verdict"].items():
        out[(claim, part) if part else claim] = verdict
    return out


def pin(table: pd.DataFrame, expected: dict) -> None:
    """Assert that the notebook's verdicts are exactly `expected`; name every verdict that moved.

    Each analysis notebook ends with pin(...) so that a data change that flips a verdict fails
    on re-execution, with a message saying which verdicts moved, not only under nbval."""
    actual = verdict_map(table)
    moved = [
        f"{k}: pinned {expected.get(k)!r}, now {actual.get(k)!r}"
        for k in sorted(set(actual) | set(expected), key=str)
        if actual.get(k) != expected.get(k)
    ]
    if moved:
        raise AssertionError("verdicts moved: " + "; ".join(moved))


def read_results(root: Path = DATA) -> pd.DataFrame:
    """Every verdict row written so far, with the notebook that wrote it."""
    frames = []
    for path in sorted((Path(root) / "results").glob("*.csv")):
        frame = _results_file(path.name, root)
        frame.insert(1, "results_file", rel(path))
        frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=["claim_id", "results_file", *COLUMNS[1:]]).set_index(
            "claim_id"
        )
    table = pd.concat(frames, ignore_index=True)
    dup = table.duplicated(["claim_id", "part"])
    if dup.any():
        raise DataError(
            f"data/results: claim {table['claim_id'][dup].iloc[0]} has rows in two files"
        )
    return table.set_index("claim_id")

"""The claims ledger: every claim of data/claims.csv beside its verdict, and the README's
generated blocks (coverage, tally, legend, findings, corrections).

Used by 00_claims_ledger.ipynb and by `python -m claimcheck.ledger`, which rewrites the generated
blocks of README.md; a test keeps README.md equal to what data/ holds.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .load import load_claims, load_table
from .paths import DATA, ROOT
from .results import load_parts, read_results
from .verdict import DEFINITIONS, legend_markdown

ARTICLE_NAMES = {"A": "A", "B": "B", "A+B": "A and B"}
SUBJECT_TITLES = {
    "market": "Nvidia's sell-off",
    "stargate": "Stargate",
    "ai": "DeepSeek, prices and quality",
    "energy": "Solar panels and electric cars",
    "industry": "Steel",
    "power": "AI's power",
    "history": "History",
    "predictions": "Predictions, judged in hindsight",
}
PENDING = "pending"
README = ROOT / "README.md"


def readable(text: str) -> str:
    """A measured value as a reader wants it: 29869.2 -> '29,869', 96.3333 -> '96.33', 0.11039 -> '0.110'."""
    try:
        x = float(text)
    except ValueError:
        return text
    size = abs(x)
    if size >= 1000:
        shown = f"{x:,.0f}"
    elif size >= 1:
        shown = f"{x:.4g}"
    else:
        shown = f"{x:.3f}"
    return shown.replace("-", "−")


def notebook_label(stem: str) -> str:
    """'02_api_price_gap' -> 'notebook 02'."""
    return f"notebook {stem[:2]}"


def why(row) -> str:
    """The reason a reader sees: the notebook's reason, plus, for a hand-set verdict, what the
    numeric rule alone said, and a flag when a stricter or looser tolerance would change it."""
    text = str(row["reason"])
    rule = row.get("rule_verdict")
    if isinstance(rule, str) and rule != row["verdict"]:
        text += f" (Set by hand; the numeric comparison alone says “{rule}”.)"
    if isinstance(row.get("robust"), str) and row.get("robust") == "no":
        text += " (Fragile: halving or doubling the tolerances changes this verdict.)"
    return text


def ledger(root: Path = DATA) -> pd.DataFrame:
    """One row per claim: the registry's columns, the overall verdict row's columns and `why`.

    A claim whose notebook has not written its verdict yet shows as 'pending'."""
    claims = load_claims(root)
    results = read_results(root)  # a row naming an unknown claim is refused there, with its file and line
    overall = results[results["part"] == ""]
    table = claims.join(overall[["measured_value", "verdict", "rule_verdict", "robust", "reason", "sources",
                                 "evidence_date"]])
    waiting = table["verdict"].isna()
    table["verdict"] = table["verdict"].fillna(PENDING)
    table["reason"] = table["reason"].where(~waiting, "the notebook that checks this claim has not written it yet")
    table["why"] = [why(row) for _, row in table.iterrows()]
    table["verdict_shown"] = [
        f"{v} (in hindsight, evidence to {d.date().isoformat()})" if j == "in hindsight" and isinstance(d, pd.Timestamp)
        else v for v, j, d in zip(table["verdict"], table["judged"], table["evidence_date"])]
    table["ours"] = [
        "—" if pd.isna(m) or m == "" else f"{readable(m)} {u}" if u not in ("statement", "weekday") else str(m)
        for m, u in zip(table["measured_value"], table["unit"])
    ]
    # a compound claim has no single figure: show its parts' figures in the registry's order
    measured = results[results["part"] != ""].set_index("part", append=True)["measured_value"]
    registry = load_parts(root).index
    for claim_id in table.index[table["kind"] == "compound"]:
        names = [p for c, p in registry if c == claim_id]
        shown = [measured.get((claim_id, p)) for p in names]
        if any(isinstance(m, str) for m in shown):
            table.loc[claim_id, "ours"] = " / ".join(readable(m) if isinstance(m, str) and m else "—"
                                                     for m in shown)
    return table


def parts(root: Path = DATA) -> pd.DataFrame:
    """The part rows of compound claims, with the part's plain label."""
    results = read_results(root)
    rows = results[results["part"] != ""].reset_index()
    labels = load_parts(root)["label"]
    rows["label"] = [labels.get((c, p), p) for c, p in zip(rows["claim_id"], rows["part"])]
    return rows


def tally(table: pd.DataFrame) -> pd.Series:
    """How many claims got each verdict, in the vocabulary's order (zeros left out)."""
    counts = table["verdict"].value_counts()
    order = [v for v in (*DEFINITIONS, PENDING) if counts.get(v, 0)]
    return counts.reindex(order)


def escape(text: str) -> str:
    """Markdown-safe cell text: no LaTeX from dollar signs, no broken tables from pipes."""
    return str(text).replace("$", "\\$").replace("|", "\\|").replace("\n", " ")


def tally_sentence(table: pd.DataFrame) -> str:
    counts = tally(table)
    parts_ = [f"**{n} {word}**" for word, n in counts.items()]
    return f"Verdicts on the {len(table)} claims: " + ", ".join(parts_) + "."


def coverage_sentence(table: pd.DataFrame, root: Path = DATA, link: str | None = "data/not_checked.csv") -> str:
    """What is covered, in one sentence (Markdown, or plain text when `link` is None)."""
    left_out = load_table("not_checked.csv", root) if (Path(root) / "not_checked.csv").is_file() else []
    hindsight = int((table["judged"] == "in hindsight").sum())
    where = f"[{link.rsplit('/', 1)[-1]}]({link})" if link else "the list at the end of this page"
    text = (f"This repository checks **{len(table)} claims** of the two articles "
            f"({len(table) - hindsight} as they stood in January 2025 and {hindsight} predictions judged in "
            f"hindsight) and lists the **{len(left_out)} other statements** it leaves out, each with the "
            f"reason, in {where}.")
    return text if link else text.replace("**", "")


def findings_markdown(table: pd.DataFrame, from_notebooks: bool = False) -> str:
    """The findings, grouped by subject: claim, the article's figure and ours, verdict, why, where.

    Links are relative to the repository root, or to notebooks/ when shown inside a notebook; the
    link text names the section (GitHub does not scroll to a notebook's headings)."""
    out = []
    for subject, title in SUBJECT_TITLES.items():
        group = table[table["subject"] == subject]
        if group.empty:
            continue
        out += [f"**{title}**", "", "| Claim (article) | The article · we found | Verdict | Why | Checked in |",
                "|---|---|---|---|---|"]
        for _, row in group.iterrows():
            target = f"{row['notebook']}.ipynb" if from_notebooks else f"notebooks/{row['notebook']}.ipynb"
            where = f"[{notebook_label(row['notebook'])}, “{row['section']}”]({target})"
            figure = f"{row['claimed_text']} · {row['ours']}"
            verdict = f"**{row['verdict']}**" + row["verdict_shown"].removeprefix(row["verdict"])
            cells = [f"{row['claim']} ({ARTICLE_NAMES[row['article']]})", figure, verdict, row["why"]]
            out.append("| " + " | ".join(escape(c) for c in cells) + f" | {where} |")
        out.append("")
    return "\n".join(out)


def corrections_markdown(root: Path = DATA) -> str:
    """Dated changes of verdicts, newest first, from data/corrections.csv, and the date of the last."""
    table = load_table("corrections.csv", root).sort_values(["date", "claim_id"], ascending=[False, True])
    lines = ["| Date | Claim | Was | Now | Why |", "|---|---|---|---|---|"]
    claims = load_claims(root)["claim"]
    for _, row in table.iterrows():
        cells = [row["date"].date().isoformat(), claims.get(row["claim_id"], row["claim_id"]), row["old_verdict"],
                 row["new_verdict"], row["why"]]
        lines.append("| " + " | ".join(escape(c) for c in cells) + " |")
    return "\n".join(lines) + f"\n\nLast updated: {table['date'].max().date().isoformat()}.\n"


def blocks(root: Path = DATA) -> dict:
    """Every generated block of README.md, by name."""
    table = ledger(root)
    return {
        "coverage": coverage_sentence(table, root),
        "tally": tally_sentence(table),
        "findings": findings_markdown(table),
        "legend": legend_markdown(),
        "corrections": corrections_markdown(root),
    }


def _marker(name: str) -> tuple[str, str]:
    return (f"<!-- {name}:start (generated by `python -m claimcheck.ledger` from data/; do not edit) -->",
            f"<!-- {name}:end -->")


def render_readme(text: str, root: Path = DATA) -> str:
    """README text with every generated block replaced by its current content."""
    for name, content in blocks(root).items():
        start, end = _marker(name)
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), flags=re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md has no generated block '{name}'")
        text = pattern.sub(lambda _m: f"{start}\n{content.rstrip()}\n{end}", text)
    return text


def update_readme(path: Path) -> bool:
    """Rewrite the generated blocks of README.md; return True if anything changed."""
    text = path.read_text(encoding="utf-8")
    new = render_readme(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def main(argv=None) -> int:
    """`python -m claimcheck.ledger` rewrites README.md's generated blocks; with --check it only
    says whether they are stale (exit 1) and changes nothing."""
    import sys

    argv = sys.argv[1:] if argv is None else argv
    path = README
    if "--check" in argv:
        stale = render_readme(path.read_text(encoding="utf-8")) != path.read_text(encoding="utf-8")
        print("README.md is " + ("stale: run `python -m claimcheck.ledger`" if stale else "up to date"))
        return 1 if stale else 0
    changed = update_readme(path)
    print("README.md generated blocks " + ("updated" if changed else "already up to date"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

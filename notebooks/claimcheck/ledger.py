"""The claims ledger: every claim of data/claims.csv beside its verdict, and the README's
generated blocks (coverage, tally, legend, findings, corrections).

Used by 00_claims_ledger.ipynb and by `python -m claimcheck.ledger`, which rewrites the generated
blocks of README.md; a test keeps README.md equal to what data/ holds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from .formats import readable
from .load import load_claims, load_parts, load_table
from .pages import corrections_markdown, escape  # noqa: F401  (re-exported for the notebooks)
from .paths import DATA, ROOT
from .results import COLUMNS, read_results
from .verdict import DEFINITIONS

PENDING = "pending"
README = ROOT / "README.md"


def ledger(root: Path = DATA) -> pd.DataFrame:
    """One row per claim: the registry's columns and its overall verdict row's columns.

    A claim whose notebook has not written its verdict yet shows as 'pending'."""
    claims = load_claims(root)
    results = read_results(
        root
    )  # a row naming an unknown claim is refused there, with its file and line
    overall = results[results["part"] == ""]
    table = claims.join(
        overall[[c for c in COLUMNS[3:] if c != "unit"]]  # measured_value … evidence_date
    )
    table["conclusion"] = table["conclusion"].fillna("")
    waiting = table["verdict"].isna()
    table["verdict"] = table["verdict"].fillna(PENDING)
    table["reason"] = table["reason"].where(
        ~waiting, "the notebook that checks this claim has not written it yet"
    )
    table["verdict_shown"] = [
        f"{v} (in hindsight, evidence to {d.date().isoformat()})"
        if j == "in hindsight" and isinstance(d, pd.Timestamp)
        else v
        for v, j, d in zip(table["verdict"], table["judged"], table["evidence_date"], strict=True)
    ]
    table["ours"] = [
        "—"
        if pd.isna(m) or m == ""
        else f"{readable(m)} {u}"
        if u not in ("statement", "weekday")
        else str(m)
        for m, u in zip(table["measured_value"], table["unit"], strict=True)
    ]
    # a compound claim has no single figure: show its parts' figures in the registry's order
    measured = results[results["part"] != ""].set_index("part", append=True)["measured_value"]
    registry = load_parts(root).index
    for claim_id in table.index[table["kind"] == "compound"]:
        names = [p for c, p in registry if c == claim_id]
        shown = [measured.get((claim_id, p)) for p in names]
        if any(isinstance(m, str) for m in shown):
            table.loc[claim_id, "ours"] = " / ".join(
                readable(m) if isinstance(m, str) and m else "—" for m in shown
            )
    return table


def parts(root: Path = DATA) -> pd.DataFrame:
    """The part rows of compound claims, with the part's plain label."""
    results = read_results(root)
    rows = results[results["part"] != ""].reset_index()
    labels = load_parts(root)["label"]
    rows["label"] = [
        labels.get((c, p), p) for c, p in zip(rows["claim_id"], rows["part"], strict=True)
    ]
    return rows


def tally(table: pd.DataFrame) -> pd.Series:
    """How many claims got each verdict, in the vocabulary's order (zeros left out)."""
    counts = table["verdict"].value_counts()
    order = [v for v in (*DEFINITIONS, PENDING) if counts.get(v, 0)]
    return counts.reindex(order)


def tally_sentence(table: pd.DataFrame) -> str:
    counts = tally(table)
    parts_ = [f"**{n} {word}**" for word, n in counts.items()]
    return f"Verdicts on the {len(table)} claims: " + ", ".join(parts_) + "."


def coverage_sentence(
    table: pd.DataFrame, root: Path = DATA, link: str | None = "data/not_checked.csv"
) -> str:
    """What is covered, in one sentence (Markdown, or plain text when `link` is None)."""
    left_out = (
        load_table("not_checked.csv", root) if (Path(root) / "not_checked.csv").is_file() else []
    )
    hindsight = int((table["judged"] == "in hindsight").sum())
    where = f"[{link.rsplit('/', 1)[-1]}]({link})" if link else "the list at the end of this page"
    text = (
        f"This repository checks **{len(table)} claims** of the two articles "
        f"({len(table) - hindsight} as they stood in January 2025 and {hindsight} "
        f"{'prediction' if hindsight == 1 else 'predictions'} judged in "
        f"hindsight) and lists the **{len(left_out)} other statements** it leaves out, each with "
        f"the reason, in {where}."
    )
    return text if link else text.replace("**", "")


WRONG_ORDER = ("wrong", "misattributed", "misleading", "exaggerated")
MAX_WRONG = 10


def wrong_markdown(table: pd.DataFrame) -> str:
    """'What the articles got wrong': the worst verdicts first (wrong, misattributed, misleading,
    exaggerated; registry order within each), at most MAX_WRONG, each its conclusion linked to the
    claim's section of the claims page."""
    from .pages import anchors

    links = anchors(table)
    out = []
    for word in WRONG_ORDER:
        for claim_id, row in table[table["verdict"] == word].iterrows():
            text = row["conclusion"] or row["claim_short"]
            out.append(f"- **{word}**: [{escape(text)}](notebooks/README.md#{links[claim_id]})")
    return "\n".join(out[:MAX_WRONG])


def subjects_markdown(table: pd.DataFrame) -> str:
    """Per subject, a compact table: the claim in a few words (linked to its section of the claims
    page) and the verdict."""
    from .pages import SUBJECT_TITLES, anchors

    links = anchors(table)
    out = []
    for subject, title in SUBJECT_TITLES.items():
        group = table[table["subject"] == subject]
        if group.empty:
            continue
        out += [f"**{title}**", "", "| Claim | Verdict |", "|---|---|"]
        for claim_id, row in group.iterrows():
            out.append(
                f"| [{escape(row['claim_short'])}](notebooks/README.md#{links[claim_id]}) | "
                f"{row['verdict_shown']} |"
            )
        out.append("")
    return "\n".join(out)


def blocks(root: Path = DATA) -> dict:
    """Every generated block of README.md, by name."""
    table = ledger(root)
    return {
        "coverage": coverage_sentence(table, root),
        "tally": tally_sentence(table),
        "wrong": wrong_markdown(table),
        "subjects": subjects_markdown(table),
    }


def _marker(name: str) -> tuple[str, str]:
    return (
        (
            f"<!-- {name}:start "
            "(generated by `python -m claimcheck.ledger` from data/; do not edit) -->"
        ),
        f"<!-- {name}:end -->",
    )


def render_readme(text: str, root: Path = DATA) -> str:
    """README text with every generated block replaced by its current content."""
    for name, content in blocks(root).items():
        start, end = _marker(name)
        pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), flags=re.S)
        if not pattern.search(text):
            raise ValueError(f"README.md has no generated block '{name}'")
        replacement = f"{start}\n{content.rstrip()}\n{end}"
        text = pattern.sub(lambda _m, r=replacement: r, text)  # a function: r is taken as is
    return text


def update_readme(path: Path) -> bool:
    """Rewrite the generated blocks of README.md; return True if anything changed."""
    text = path.read_text(encoding="utf-8")
    new = render_readme(text)
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


def generated_files(root: Path = DATA) -> dict:
    """Every generated page other than the notebooks' openings, and the verdicts as data
    (data/verdicts.csv, data/claimreview.json; see claimcheck.export): {path: text}."""
    from .export import export_files
    from .pages import CLAIMS_PAGE, claims_page

    return {
        README: render_readme(README.read_text(encoding="utf-8"), root),
        CLAIMS_PAGE: claims_page(root),
        **export_files(root),
    }


def main(argv=None) -> int:
    """`python -m claimcheck.ledger` rewrites every generated page from data/: README.md's blocks,
    the claims page (notebooks/README.md), data/verdicts.csv, data/claimreview.json and each
    notebook's opening block. With --check it only
    says which are stale (exit 1) and changes nothing."""
    import argparse

    from .pages import update_openings
    from .paths import rel

    parser = argparse.ArgumentParser(prog="python -m claimcheck.ledger", description=main.__doc__)
    parser.add_argument("--check", action="store_true", help="report stale pages, change nothing")
    args = parser.parse_args(argv)
    stale = [
        rel(path)
        for path, text in generated_files().items()
        if not path.is_file() or path.read_text(encoding="utf-8") != text
    ]
    stale += update_openings(check=True)
    if args.check:
        print(
            "stale: " + ", ".join(stale) + "; run `python -m claimcheck.ledger`"
            if stale
            else "every generated page is up to date"
        )
        return 1 if stale else 0
    for path, text in generated_files().items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    update_openings()
    print(
        "updated: " + ", ".join(stale) if stale else "every generated page was already up to date"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The pages readers meet, generated from data/: the claims page (notebooks/README.md, one
section per claim with a stable anchor GitHub can link into) and each notebook's opening block
(its claims in the article's words and ours, and what it finds).

GitHub ignores `notebook.ipynb#section` fragments, so every deep link goes to a heading of the
claims page. A heading is the claim's fixed short form (`claim_short`), never the verdict, so the
anchor survives a change of verdict.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import nbformat
import pandas as pd

from .cards import found_text, judgement_note, source_of_claim
from .load import load_claims, load_parts, load_table
from .paths import DATA, NOTEBOOKS
from .results import read_results
from .tables import dollars, no_maths

CLAIMS_PAGE = NOTEBOOKS / "README.md"
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
ARTICLE_SHORT = {"A": "A", "B": "B", "A+B": "A and B"}


def slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case; letters, digits, spaces, hyphens and
    underscores kept (any script), everything else dropped; spaces become hyphens."""
    out = []
    for ch in heading.strip().lower():
        cat = unicodedata.category(ch)
        if ch in " -_" or cat[0] in "LN" or cat == "Mn":
            out.append("-" if ch == " " else ch)
    return "".join(out)


def anchors(claims: pd.DataFrame) -> dict:
    """{claim_id: anchor} on the claims page (GitHub adds -1, -2 … to repeated headings)."""
    seen: dict[str, int] = {}
    out = {}
    for claim_id, short in claims["claim_short"].items():
        base = slug(short)
        n = seen.get(base, 0)
        out[claim_id] = base if n == 0 else f"{base}-{n}"
        seen[base] = n + 1
    return out


def claim_link(claim_id: str, claims: pd.DataFrame, from_root: bool = True) -> str:
    """The claim's address on the claims page, from the repository root or from notebooks/."""
    page = "notebooks/README.md" if from_root else "README.md"
    return f"{page}#{anchors(claims)[claim_id]}"


def _cell(text) -> str:
    return no_maths(str(text)).replace("|", "\\|").replace("\n", " ")


def _verdicts(root: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    results = read_results(root).reset_index()
    for column in ("conclusion", "found", "claimed_value", "measured_value", "robust"):
        results[column] = results[column].fillna("")
    overall = results[results["part"] == ""].set_index("claim_id")
    part_rows = results[results["part"] != ""]
    return overall, part_rows


def verdict_words(row) -> str:
    """'mixed', or 'wrong (in hindsight, evidence to 2026-08-03)'."""
    date = row.get("evidence_date")
    if isinstance(date, pd.Timestamp):
        return f"{row['verdict']} (in hindsight, evidence to {date.date().isoformat()})"
    return row["verdict"]


def escape(text: str) -> str:
    """Markdown-safe cell text: no maths from dollar signs (each is tables.DOLLAR, which no client
    typesets; `\\$` is not enough), no broken tables from pipes."""
    return dollars(str(text).replace("|", "\\|").replace("\n", " "))


def corrections_markdown(root: Path = DATA) -> str:
    """The corrections log: verdict changes only (date, claim, was, now, why), newest first; the
    claims that were added are one summary line."""
    table = load_table("corrections.csv", root).sort_values(
        ["date", "claim_id"], ascending=[False, True]
    )
    claims = load_claims(root)
    changed = table[table["kind"] == "changed"]
    lines = ["| Date | Claim | Was | Now | Why |", "|---|---|---|---|---|"]
    for _, row in changed.iterrows():
        name = claims["claim_short"].get(row["claim_id"], row["claim_id"])
        if isinstance(row["part"], str) and row["part"]:
            name += f" ({load_parts(root).loc[(row['claim_id'], row['part']), 'label']})"
        cells = [
            row["date"].date().isoformat(),
            name,
            row["old_verdict"],
            row["new_verdict"],
            row["why"],
        ]
        lines.append("| " + " | ".join(escape(c) for c in cells) + " |")
    added = table[table["kind"] == "added"]
    days = sorted(added["date"].dt.date.astype(str).unique())
    lines += [
        "",
        f"Besides these changes, {len(added)} claims were added to the registry "
        f"({', '.join(days)}), each with its first verdict.",
        f"Last updated: {table['date'].max().date().isoformat()}.",
    ]
    return "\n".join(lines) + "\n"


def claim_section(claim_id: str, claims, overall, part_rows, parts) -> list[str]:
    """One claim's section of the claims page."""
    entry = claims.loc[claim_id]
    out = [f"### {no_maths(entry['claim_short'])}", ""]
    where = source_of_claim(entry)
    where = where[0].upper() + where[1:]
    out += [
        f"{where}: {no_maths(entry['quote'])}",
        "",
        f"The claim, in our words: {no_maths(entry['claim'])}.",
        "",
    ]
    if claim_id not in overall.index:
        return out + ["**Verdict: pending** (its notebook has not written it yet)", ""]
    row = overall.loc[claim_id]
    out += [f"**Verdict: {verdict_words(row)}.** {no_maths(row['conclusion'])}".rstrip(), ""]
    mine = part_rows[part_rows["claim_id"] == claim_id].set_index("part")
    if len(mine):
        out += ["| part | the article | we found | verdict |", "|---|---|---|---|"]
        for name in [p for c, p in parts.index if c == claim_id]:  # the registry's order
            part, result = parts.loc[(claim_id, name)], mine.loc[name].to_dict()
            out.append(
                f"| {_cell(part['label'])} | {_cell(part['claimed_text'])} | "
                f"{_cell(found_text(result))} | {result['verdict']} |"
            )
    else:
        out += [
            "| the article | we found |",
            "|---|---|",
            f"| {_cell(entry['claimed_text'])} | {_cell(found_text(row.to_dict()))} |",
        ]
    out += ["", f"Why: {no_maths(row['reason'])}", ""]
    note = judgement_note(row.to_dict())
    if note:
        out += [f"*{no_maths(note)}*", ""]
    out += [
        f"Sources: {no_maths(row['sources'])}",
        "",
        (
            f"Checked in [notebook {entry['notebook'][:2]}, section “{entry['section']}”]"
            f"({entry['notebook']}.ipynb)."
        ),
        "",
    ]
    return out


def claims_page(root: Path = DATA) -> str:
    """notebooks/README.md: every claim, by subject, with its verdict, evidence and sources."""
    claims, parts = load_claims(root), load_parts(root)
    overall, part_rows = _verdicts(root)
    out = [
        "# Every claim, checked",
        "",
        "One section per claim of the two articles: the article's words, the verdict, the "
        "conclusion, the evidence, the reason and the sources, with the notebook section that "
        "computes it. "
        "Generated by `python -m claimcheck.ledger` from `data/`; do not edit by hand. "
        "The verdict words, how claims are chosen and how to report an error are at the "
        "[end of this page](#how-the-claims-are-checked).",
        "",
    ]
    for subject, title in SUBJECT_TITLES.items():
        ids = claims.index[claims["subject"] == subject]
        if not len(ids):
            continue
        out += [f"## {title}", ""]
        for claim_id in ids:
            out += claim_section(claim_id, claims, overall, part_rows, parts)
    out += methods_markdown(root)
    return "\n".join(out).rstrip() + "\n"


def methods_markdown(root: Path = DATA) -> list[str]:
    """The methods note and the corrections policy, with the verdict legend and the log."""
    from .verdict import legend_markdown

    return [
        "## How the claims are checked",
        "",
        "**Which statements.** Every statement in the two articles that can be checked against a "
        "record is registered as a claim: a figure, a date, an event, or what a person said or "
        "did on the public record (a quotation, a post, a court filing's existence and status). "
        "Beliefs, motives, guilt, opinions and metaphors are not checkable and are listed, each "
        "with its reason, in [data/not_checked.csv](../data/not_checked.csv). A rhetorical "
        "question or a hypothetical is not a claim; a prediction is judged in hindsight, with the "
        "date of the evidence.",
        "",
        "**How a verdict is decided.** One shared rule compares the article's figure with ours "
        "(`claimcheck.verdict`); a compound claim is judged part by part and its overall verdict "
        "follows from its parts. Verdicts that need judgement (*misleading*, *misattributed*, "
        "*unverifiable*) carry their reason and what the comparison alone said. Superlatives and "
        'words such as "the only" are judged as written: one counter-example refutes them.',
        "",
        "**Sources.** A primary source is the publisher's own record: a filing, a paper, a "
        "company's page, an official dataset, an exchange's close. Press reports and copies are "
        "secondary and labelled so; every input file's source, date, licence and quality is in "
        "the [codebook](../data/README.md).",
        "",
        '**Errors.** Found a wrong number? Open an issue ("a number looks wrong") with the claim, '
        "our figure, yours and your source. A verdict that changes is logged below with the date, "
        "the old and new verdict and why.",
        "",
        "### What the verdicts mean",
        "",
        legend_markdown().rstrip(),
        "",
        "### Corrections",
        "",
        corrections_markdown(root).rstrip(),
        "",
    ]


def opening_block(stem: str, root: Path = DATA) -> str:
    """A notebook's generated opening: what it finds, then its claims in the article's words."""
    claims = load_claims(root)
    mine = claims[claims["notebook"] == stem]
    overall, _ = _verdicts(root)
    out = ["**What this notebook finds**", ""]
    for claim_id, entry in mine.iterrows():
        link = f"README.md#{anchors(claims)[claim_id]}"
        if claim_id in overall.index:
            row = overall.loc[claim_id]
            out.append(
                f"- [{no_maths(entry['claim_short'])}]({link}): **{verdict_words(row)}**. "
                f"{no_maths(row['conclusion'])}".rstrip()
            )
        else:
            out.append(f"- [{no_maths(entry['claim_short'])}]({link}): pending")
    out += [
        "",
        "**The claims, in the articles' words and ours**",
        "",
        "| the article's words | the claim, in our words | the article's figure |",
        "|---|---|---|",
    ]
    for _, entry in mine.iterrows():
        words = (
            f"{entry['quote']} ({ARTICLE_SHORT[entry['article']]}, paragraph {entry['paragraph']})"
        )
        out.append(
            f"| {_cell(words)} | {_cell(entry['claim'])} | {_cell(entry['claimed_text'])} |"
        )
    return "\n".join(out)


MARKERS = (
    "<!-- opening:start (generated by `python -m claimcheck.ledger` from data/; do not edit) -->",
    "<!-- opening:end -->",
)


def with_opening(source: str, block: str, where: str) -> str:
    """A Markdown cell's source with its generated opening block replaced."""
    start, end = MARKERS
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), flags=re.S)
    if not pattern.search(source):
        raise ValueError(f"{where}: the first Markdown cell has no generated opening block")
    return pattern.sub(lambda _m: f"{start}\n{block}\n{end}", source)


def update_openings(root: Path = DATA, check: bool = False) -> list[str]:
    """Rewrite (or, with check, only compare) every analysis notebook's opening block; return the
    notebooks that were (or would be) changed."""
    from .schemas import NOTEBOOK_STEMS

    changed = []
    for stem in NOTEBOOK_STEMS:
        path = NOTEBOOKS / f"{stem}.ipynb"
        nb = nbformat.read(path, as_version=4)
        cell = next(c for c in nb.cells if c.cell_type == "markdown")
        if MARKERS[0] not in cell.source:  # not yet converted to the claim-first opening
            continue
        new = with_opening(cell.source, opening_block(stem, root), f"notebooks/{path.name}")
        if new != cell.source:
            changed.append(f"notebooks/{path.name}")
            if not check:
                cell.source = new
                nbformat.write(nb, path)
    return changed


def has_opening(stem: str) -> bool:
    nb = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    return MARKERS[0] in cell.source

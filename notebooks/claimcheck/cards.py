"""The verdict card: how every notebook shows a verdict to its readers.

One card per claim: the claim's short form and the article's words, the verdict word, the
one-sentence conclusion, the evidence (the article's figure and ours, per part for a compound
claim), the reason and, where the verdict was set by judgement, what the numeric rule alone
said. Plain HTML (paragraphs, a table with `align` attributes, bold) that reads the same with
every <style> block and class attribute removed, as GitHub and an untrusted JupyterLab show it;
a plain-text version for clients that show no HTML.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from .formats import readable
from .load import load_claims, load_parts
from .tables import no_maths

ARTICLES = {"A": "article A", "B": "article B", "A+B": "articles A and B"}


def source_of_claim(entry, root=None) -> str:
    """'article B, paragraph 27', with a note where an article's place of publication is unknown
    (data/articles.csv has no address for it)."""
    from .load import load_table
    from .paths import DATA

    articles = load_table("articles.csv", root or DATA).set_index("article")
    unknown = [
        a for a in entry["article"].split("+") if not isinstance(articles.loc[a, "url"], str)
    ]
    note = "".join(f"; where article {a} was published could not be found" for a in unknown)
    return f"{ARTICLES[entry['article']]}, paragraph {entry['paragraph']}{note}"


def found_text(row: dict) -> str:
    """What we found, as a reader reads it: the row's `found` words, else our figure and unit."""
    if row.get("found"):
        return str(row["found"])
    value, unit = row.get("measured_value", ""), row.get("unit", "")
    if value in ("", None) or unit in ("statement", "weekday"):
        return "—"
    return f"{readable(str(value))} {unit}"


def judgement_note(row: dict) -> str:
    """For a verdict set by judgement: what the numeric rule alone said, in plain words."""
    rule = row.get("rule_verdict")
    if rule and rule != row["verdict"]:
        return (
            f"Set by judgement: comparing the figures alone gives “{rule}”; the reason above says "
            f"why the verdict is “{row['verdict']}”."
        )
    return ""


LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
CELL = 'align="left" valign="top" style="text-align: left; vertical-align: top"'


def _esc(text) -> str:
    """Escaped HTML text; Markdown links [text](https://…) become real links."""
    escaped = html.escape(str(text), quote=False)
    return no_maths(LINK.sub(lambda m: f'<a href="{html.escape(m[2])}">{m[1]}</a>', escaped))


def card_parts(
    row: dict, part_rows=(), claims: pd.DataFrame | None = None, parts: pd.DataFrame | None = None
) -> dict:
    """The card's pieces as plain text: title, source, verdict, conclusion, evidence rows, why."""
    claims = load_claims() if claims is None else claims
    entry = claims.loc[row["claim_id"]]
    where = source_of_claim(entry)
    evidence = []
    if part_rows:
        parts = load_parts() if parts is None else parts
        for p in part_rows:
            part = parts.loc[(p["claim_id"], p["part"])]
            evidence.append((part["label"], part["claimed_text"], found_text(p), p["verdict"]))
    else:
        evidence.append(("", entry["claimed_text"], found_text(row), row["verdict"]))
    return {
        "title": entry["claim_short"],
        "quote": entry["quote"],
        "where": where,
        "verdict": row["verdict"],
        "conclusion": row.get("conclusion", ""),
        "evidence": evidence,
        "reason": row["reason"],
        "judgement": judgement_note(row),
        "sources": row["sources"],
        "evidence_date": row.get("evidence_date", ""),
    }


def card_html(pieces: dict) -> str:
    """The card as sanitiser-proof HTML."""
    out = [
        '<blockquote class="tex2jax_ignore mathjax_ignore">',
        (
            f"<p><b>{_esc(pieces['title'])}</b><br>{_esc(pieces['quote'])} "
            f"({_esc(pieces['where'])})</p>"
        ),
        f"<p>Verdict: <b>{_esc(pieces['verdict'].upper())}</b>"
        + (f" (evidence to {_esc(pieces['evidence_date'])})" if pieces["evidence_date"] else "")
        + (f". {_esc(pieces['conclusion'])}" if pieces["conclusion"] else "")
        + "</p>",
    ]
    compound = len(pieces["evidence"]) > 1 or pieces["evidence"][0][0]
    head = (
        ["part", "the article", "we found", "verdict"] if compound else ["the article", "we found"]
    )
    out.append("<table><tr>" + "".join(f"<th {CELL}>{h}</th>" for h in head) + "</tr>")
    for label, claimed, ours, verdict in pieces["evidence"]:
        cells = [label, claimed, ours, verdict] if compound else [claimed, ours]
        out.append("<tr>" + "".join(f"<td {CELL}>{_esc(c)}</td>" for c in cells) + "</tr>")
    out.append("</table>")
    out.append(f"<p>Why: {_esc(pieces['reason'])}</p>")
    if pieces["judgement"]:
        out.append(f"<p><i>{_esc(pieces['judgement'])}</i></p>")
    out.append(f"<p>Sources: {_esc(pieces['sources'])}</p>")
    out.append("</blockquote>")
    return "\n".join(out)


def card_text(pieces: dict) -> str:
    """The card as plain text (clients that show no HTML; nbval's comparison)."""
    lines = [
        pieces["title"],
        f"{pieces['quote']} ({pieces['where']})",
        f"VERDICT: {pieces['verdict'].upper()}"
        + (f". {pieces['conclusion']}" if pieces["conclusion"] else ""),
    ]
    for label, claimed, ours, verdict in pieces["evidence"]:
        lead = f"- {label}: " if label else "- "
        lines.append(
            f"{lead}the article: {claimed} · we found: {ours}" + (f" · {verdict}" if label else "")
        )
    lines.append(f"Why: {pieces['reason']}")
    if pieces["judgement"]:
        lines.append(pieces["judgement"])
    lines.append(f"Sources: {pieces['sources']}")
    return "\n".join(lines)


def show_verdict(row: dict, part_rows=()) -> None:
    """Display one claim's verdict card in a notebook (HTML, with a plain-text fallback)."""
    from IPython.display import display

    pieces = card_parts(row, list(part_rows))
    display({"text/html": card_html(pieces), "text/plain": card_text(pieces)}, raw=True)


def show_sources(*files: str) -> None:
    """The data a notebook reads: each file, who published it, as of when, under which licence
    (the full addresses are in data/sources.csv and the codebook)."""
    from .load import source_of
    from .tables import show_table

    sources = source_of(*files)[["publisher", "as_of", "licence"]].reset_index()
    show_table(
        sources.rename(
            columns={"file": "data file", "publisher": "published by", "as_of": "as of"}
        ),
        index=False,
    )


def show_markdown_table(frame: pd.DataFrame) -> None:
    """Display a table as Markdown (so that its links work on GitHub and in JupyterLab), with the
    same text as a plain-text fallback; cells are made safe for Markdown tables."""
    from IPython.display import display

    def cell(value) -> str:
        return (
            no_maths("" if pd.isna(value) else str(value)).replace("|", "\\|").replace("\n", " ")
        )

    lines = [
        "| " + " | ".join(cell(c) for c in frame.columns) + " |",
        "|" + "---|" * len(frame.columns),
    ]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    text = "\n".join(lines)
    display({"text/markdown": text, "text/plain": text}, raw=True)

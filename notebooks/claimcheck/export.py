"""Verdicts as data: every verdict in one flat table (data/verdicts.csv) and, per claim, a
schema.org ClaimReview object (data/claimreview.json), the format fact-checkers publish.

Both are generated from data/ by `python -m claimcheck.ledger` (see `export_files`) and
regenerate byte for byte: rows and reviews in the registry's order, no clock, no machine paths.

The ClaimReview objects follow schema.org (https://schema.org/ClaimReview) and Google's profile
("Fact check (ClaimReview) structured data",
https://developers.google.com/search/docs/appearance/structured-data/factcheck). A field the
record does not give is left out, never invented:

- `claimReviewed`: the claim's fixed short form (`claim_short`, at most 75 characters, no verdict).
- `reviewRating`: `alternateName` is the verdict word; verdicts on the truth scale also carry an
  ordinal `ratingValue` between `worstRating` and `bestRating` (see `rating_scale`); the claim's
  one-sentence conclusion, where it has one, is the `ratingExplanation`.
- `itemReviewed`: a `Claim` with the article's `author` (a Person as the byline names them; the
  outlet as an Organization when the article names no author), its `datePublished` (as precise
  as data/articles.csv gives it) and its `appearance` (the article's address, where known).
- `author`: the maintainers as CITATION.cff names them (an entity name: an Organization).
- `datePublished`: the date the verdict was last set (`verdict_dates`).
- `url`: a URI reference to the claim's section of the claims page
  (`notebooks/README.md#<anchor>`). Published pages need an absolute address: `with_base_url`, or
  `python -m claimcheck.export --base-url https://github.com/<owner>/<repo>/blob/main/`, which
  prints (or, with --output, writes) the reviews with absolute urls and leaves data/ alone.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pandas as pd

from .load import load_claims, load_parts, load_table
from .paths import DATA, ROOT
from .results import COLUMNS as RESULT_COLUMNS
from .results import read_results
from .verdict import COMBINED, CONTRADICTS, DEFINITIONS, SEVERITY, SUPPORTS

VERDICTS_FILE = "verdicts.csv"
CLAIMREVIEW_FILE = "claimreview.json"
CLAIMS_PAGE_REF = "notebooks/README.md"  # the claims page, relative to the repository root
PENDING = "pending"
MAX_CLAIM_REVIEWED = 75  # Google's profile: "try to keep this less than 75 characters"

COLUMNS = [
    "claim_id",
    "part",
    "article",
    "paragraph",
    "quote",
    "claim",
    "claim_short",
    "part_label",
    "judged",
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
    "notebook",
    "section",
    "link",
]

# Verdicts that say nothing about how true the claim is, so have no place on the ordinal scale:
# `combine` sets unverifiable parts aside for the same reason.
OFF_SCALE = ("unverifiable",)


def rating_scale() -> dict[str, int]:
    """{verdict: ratingValue}, 1 (worst) to the best, derived from the verdict rule's ordering.

    The rule ranks the single-figure verdicts by SEVERITY (holds best, wrong worst; misleading and
    misattributed share a rank, as they do there) and splits them into those that support the
    article's point (SUPPORTS) and those that contradict it (CONTRADICTS). A *mixed* claim has
    parts on both sides, so it sits between the two: below every verdict that wholly supports the
    point, above every verdict that wholly contradicts it. Higher is truer, as the profile asks."""
    supports, contradicts = (
        max(SEVERITY[v] for v in SUPPORTS),
        min(SEVERITY[v] for v in CONTRADICTS),
    )
    if supports >= contradicts:
        raise ValueError(
            "the verdict rule's SUPPORTS and CONTRADICTS overlap in SEVERITY: no place for mixed"
        )
    levels = sorted(set(SEVERITY.values()), reverse=True)  # worst first
    ladder = (
        [s for s in levels if s >= contradicts] + ["mixed"] + [s for s in levels if s <= supports]
    )
    value = {step: i + 1 for i, step in enumerate(ladder)}
    scale = {word: value[SEVERITY[word]] for word in SEVERITY}
    scale.update({word: value["mixed"] for word in COMBINED})
    unplaced = [w for w in DEFINITIONS if w not in scale and w not in OFF_SCALE]
    if unplaced:
        raise ValueError(
            f"verdict(s) {unplaced} have no place on the rating scale nor in OFF_SCALE"
        )
    return {word: scale[word] for word in DEFINITIONS if word in scale}


def scale_bounds() -> tuple[int, int]:
    """(worstRating, bestRating) of the scale."""
    values = rating_scale().values()
    return min(values), max(values)


def scale_markdown() -> str:
    """The legend of the rating scale (the codebook shows it; a test keeps the two equal)."""
    scale = rating_scale()
    lines = ["| ratingValue | alternateName (the verdict) |", "|---|---|"]
    for word, value in sorted(scale.items(), key=lambda item: -item[1]):
        lines.append(f"| {value} | {word} |")
    for word in OFF_SCALE:
        lines.append(f"| (none) | {word} |")
    return "\n".join(lines) + "\n"


def _text(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def claim_links(claims: pd.DataFrame) -> dict:
    """{claim_id: 'notebooks/README.md#<anchor>'}: the claim's section of the claims page."""
    from .pages import anchors

    return {
        claim_id: f"{CLAIMS_PAGE_REF}#{anchor}" for claim_id, anchor in anchors(claims).items()
    }


def verdicts_table(root: Path = DATA) -> pd.DataFrame:
    """Every verdict, one row per claim (part empty) and per registered part, in the registry's
    order (claims.csv, then each claim's parts as claim_parts.csv lists them); all text.

    A claim whose notebook has not written its verdict yet has one row, verdict 'pending'."""
    claims, parts = load_claims(root), load_parts(root)
    results = read_results(root).reset_index().set_index(["claim_id", "part"])
    links = claim_links(claims)
    rows = []
    for claim_id, entry in claims.iterrows():
        keys = [("", None)] + [(p, parts.loc[(c, p)]) for c, p in parts.index if c == claim_id]
        for part, part_entry in keys:
            found = (claim_id, part) in results.index
            result = results.loc[(claim_id, part)] if found else None
            if not found and part:
                continue  # a pending claim: one row, no parts
            row = {
                "claim_id": claim_id,
                "part": part,
                "article": entry["article"],
                "paragraph": entry["paragraph"],
                "quote": entry["quote"] if part_entry is None else part_entry["quote"],
                "claim": entry["claim"],
                "claim_short": entry["claim_short"],
                "part_label": "" if part_entry is None else part_entry["label"],
                "judged": entry["judged"],
                "notebook": entry["notebook"],
                "section": entry["section"],
                "link": links[claim_id],
            }
            for column in RESULT_COLUMNS[2:]:  # claimed_value … evidence_date
                row[column] = _text(result[column]) if found else ""
            if not found:
                row["verdict"] = PENDING
            rows.append({c: _text(row[c]) for c in COLUMNS})
    return pd.DataFrame(rows, columns=COLUMNS)


def verdicts_csv(root: Path = DATA) -> str:
    """data/verdicts.csv as text (`\\n` line ends, minimal quoting)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(verdicts_table(root).itertuples(index=False, name=None))
    return buffer.getvalue()


def maintainers(citation: Path = ROOT / "CITATION.cff") -> list[str]:
    """The entity names (`- name: ...`) of CITATION.cff's `authors`; no other source of names."""
    lines = citation.read_text(encoding="utf-8").splitlines()
    if "authors:" not in lines:
        raise ValueError(f"{citation.name}: no 'authors:' list")
    names = []
    for line in lines[lines.index("authors:") + 1 :]:
        if line and not line.startswith((" ", "-")):
            break
        match = re.fullmatch(r"\s*-?\s*name:\s*(\"?)(.+?)\1\s*", line)
        if match:
            names.append(match.group(2))
    if not names:
        raise ValueError(f"{citation.name}: its authors have no entity name (`- name: ...`)")
    return names


def outlet_name(outlet: str) -> str | None:
    """The outlet's own name from articles.csv's description: the first quoted name
    ('Substack newsletter "criticalresist" (…)' -> 'criticalresist'); None when not found."""
    if not isinstance(outlet, str) or outlet.startswith("not found"):
        return None
    quoted = re.search(r"\"([^\"]+)\"", outlet)
    return quoted.group(1) if quoted else outlet.split(" (")[0].strip()


def article_author(article) -> dict | None:
    """The claim's author as the article names it: a Person (with the affiliation the byline
    gives in brackets), or, when the article names no author, its outlet as an Organization."""
    author = article["author"]
    if author == "not named":
        name = outlet_name(article["outlet"])
        return None if name is None else {"@type": "Organization", "name": name}
    name, _, affiliation = author.partition(" (")
    person = {"@type": "Person", "name": name.strip()}
    if affiliation:
        person["affiliation"] = {
            "@type": "Organization",
            "name": affiliation.removesuffix(")").strip(),
        }
    return person


def claim_item(entry, articles: pd.DataFrame) -> dict:
    """The `itemReviewed` Claim: who made it, when, and where it appeared (where known)."""
    ids = ["A", "B"] if entry["article"] == "A+B" else [entry["article"]]
    picked = [articles.loc[a] for a in ids]
    item = {"@type": "Claim"}
    authors = [a for a in (article_author(p) for p in picked) if a is not None]
    if authors:
        item["author"] = authors[0] if len(authors) == 1 else authors
    dates = [p["date"] for p in picked if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", str(p["date"]))]
    if dates:
        item["datePublished"] = min(dates)  # the claim had been published by the earliest
    urls = [p["url"] for p in picked if isinstance(p["url"], str) and p["url"]]
    if urls:
        shown = [{"@type": "CreativeWork", "url": u} for u in urls]
        item["appearance"] = shown[0] if len(shown) == 1 else shown
    return item


def verdict_dates(root: Path = DATA) -> dict:
    """{claim_id: the date its overall verdict was last set}, from data/corrections.csv.

    A claim with an entry: the date of its latest entry for the claim's overall verdict (part
    empty), whose `new_verdict` must be the verdict in data/results/ (else the log is behind and
    this refuses to guess). A claim with no entry has kept the verdict it had when the log began:
    every claim then registered was re-judged that day (the log's first date, 26 November 2026,
    under verdict rule v2), so its date is the log's first date. Today's date is never used."""
    log = load_table("corrections.csv", root)
    first = log["date"].min()
    results = read_results(root)
    overall = results[results["part"] == ""]["verdict"]
    dates = {}
    entries = log[log["part"].isna()].sort_values("date", kind="stable")
    for claim_id, group in entries.groupby("claim_id", sort=False):
        last = group.iloc[-1]
        now = overall.get(claim_id)
        if now is not None and now != last["new_verdict"]:
            raise ValueError(
                f"data/corrections.csv: the last entry for {claim_id} says "
                f"'{last['new_verdict']}', data/results says '{now}'; log the change"
            )
        dates[claim_id] = last["date"]
    return {claim_id: dates.get(claim_id, first).date().isoformat() for claim_id in overall.index}


def claimreview(root: Path = DATA) -> list[dict]:
    """One ClaimReview object per claim that has a verdict, in the registry's order."""
    claims = load_claims(root)
    articles = load_table("articles.csv", root).set_index("article")
    results = read_results(root)
    overall = results[results["part"] == ""]
    links, dates = claim_links(claims), verdict_dates(root)
    scale, (worst, best) = rating_scale(), scale_bounds()
    organisation = ", ".join(maintainers())
    reviews = []
    for claim_id, entry in claims.iterrows():
        if claim_id not in overall.index:
            continue  # pending: no verdict, no review
        row = overall.loc[claim_id]
        short = entry["claim_short"]
        if len(short) > MAX_CLAIM_REVIEWED:
            raise ValueError(
                f"data/claims.csv: the short form of {claim_id} is {len(short)} characters "
                f"(at most {MAX_CLAIM_REVIEWED})"
            )
        rating = {"@type": "Rating", "alternateName": row["verdict"]}
        if row["verdict"] in scale:
            rating.update(ratingValue=scale[row["verdict"]], bestRating=best, worstRating=worst)
        if _text(row["conclusion"]):
            rating["ratingExplanation"] = row["conclusion"]
        reviews.append(
            {
                "@context": "https://schema.org",
                "@type": "ClaimReview",
                "url": links[claim_id],
                "claimReviewed": short,
                "itemReviewed": claim_item(entry, articles),
                "author": {"@type": "Organization", "name": organisation},
                "datePublished": dates[claim_id],
                "reviewRating": rating,
            }
        )
    return reviews


def claimreview_json(reviews: list[dict]) -> str:
    """The reviews as the file holds them: indent 2, UTF-8 text as is, a final line break."""
    return json.dumps(reviews, indent=2, ensure_ascii=False) + "\n"


def export_files(root: Path = DATA) -> dict:
    """{path: text} of data/verdicts.csv and data/claimreview.json (the ledger writes them)."""
    root = Path(root)
    return {
        root / VERDICTS_FILE: verdicts_csv(root),
        root / CLAIMREVIEW_FILE: claimreview_json(claimreview(root)),
    }


def with_base_url(reviews: list[dict], base_url: str) -> list[dict]:
    """Copies of the reviews whose `url` is absolute: the URI reference resolved against
    `base_url`, the address of the repository's root as published (for GitHub,
    https://github.com/<owner>/<repo>/blob/<branch>/; a missing final slash is added)."""
    if not re.match(r"https?://[^/\s]+", base_url):
        raise ValueError(f"--base-url needs an absolute http(s) address, not {base_url!r}")
    base = base_url if base_url.endswith("/") else base_url + "/"
    return [{**review, "url": urljoin(base, review["url"])} for review in reviews]


def main(argv=None) -> int:
    """`python -m claimcheck.export --base-url URL` prints the ClaimReview objects of
    data/claimreview.json with absolute urls (resolved against URL, the published address of the
    repository's root); --output FILE writes them there instead. data/ is left as it is: its file
    keeps URI references so it regenerates byte for byte wherever the repository lives."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m claimcheck.export", description=main.__doc__)
    parser.add_argument(
        "--base-url", required=True, help="the repository root's published address"
    )
    parser.add_argument("--output", type=Path, help="write here instead of printing")
    args = parser.parse_args(argv)
    try:
        text = claimreview_json(with_base_url(claimreview(), args.base_url))
    except ValueError as exc:
        parser.error(str(exc))  # one line and exit 2, no traceback
    if args.output is None:
        print(text, end="")
    else:
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The words of every verdict, kept beside the claim and filled from named values.

Editorial text (the one-sentence conclusion, the full reason, what we found and the sources) is
not typed as prose in a notebook's code, where readers would see it twice. It lives in
data/texts/<notebook>.csv, one row per claim (part empty) and per part, as templates in Python's
format syntax with named fields: "China made {share:.1f} % of the world's modules in {year}".
A notebook passes the values by name (`values={"share": share, "year": 2024}`), so every number a
reader sees is formatted from a variable. A template that names a value the notebook did not
pass, or a value passed that no template uses, is an error: the words and the analysis cannot
drift apart silently. A figure's alt text lives the same way in data/figures.csv, one row per
figure (`figure_alt`).
"""

from __future__ import annotations

import string
from pathlib import Path

import pandas as pd

from .load import DataError, load_table
from .paths import DATA

TEXT_COLUMNS = ("conclusion", "reason", "found", "sources")
MAX_CONCLUSION_WORDS = 25
MAX_ALT = 250  # characters of a figure's alt text


def fields(template: str) -> set[str]:
    """The named fields of a template ('' has none)."""
    names = set()
    for _, name, _, _ in string.Formatter().parse(template or ""):
        if name is None:
            continue
        if not name or name.isdigit():
            raise ValueError(f"template {template!r} has a positional field; name every value")
        names.add(name.split(".")[0].split("[")[0])
    return names


def load_texts(stem: str, root: Path = DATA) -> pd.DataFrame:
    """data/texts/<stem>.csv, indexed by (claim_id, part); empty cells read as ''."""
    table = load_table(f"texts/{stem}.csv", root)
    for column in ("part", *TEXT_COLUMNS):
        table[column] = table[column].fillna("")
    return table.set_index(["claim_id", "part"])


def _same_names(wanted: set, values: dict, where: str, what: str) -> None:
    """Refuse a template field the notebook did not pass, or a value no template uses."""
    missing, unused = sorted(wanted - set(values)), sorted(set(values) - wanted)
    if missing or unused:
        raise ValueError(
            f"{where}: {what} names {missing or 'nothing missing'} that the notebook did "
            f"not pass; values {unused or 'none'} are passed but unused"
        )


def fill(entry: pd.Series, values: dict | None, where: str) -> dict:
    """Fill one row's templates from `values`; every field given, every value used.

    Returns {'conclusion', 'reason', 'found', 'sources'} as finished text."""
    values = dict(values or {})
    wanted = set().union(*(fields(entry[c]) for c in TEXT_COLUMNS))
    _same_names(wanted, values, where, "the texts")
    out = {}
    for column in TEXT_COLUMNS:
        try:
            out[column] = entry[column].format(**values)
        except (ValueError, TypeError, KeyError) as error:
            raise ValueError(f"{where}: {column} template cannot be filled ({error})") from None
    words = len(out["conclusion"].split())
    if words > MAX_CONCLUSION_WORDS:
        raise ValueError(
            f"{where}: the conclusion has {words} words (at most {MAX_CONCLUSION_WORDS})"
        )
    return out


def texts_for(
    claim_id: str,
    part: str,
    notebook: str,
    values: dict | None,
    root: Path = DATA,
    texts: pd.DataFrame | None = None,
) -> dict:
    """The finished words of one verdict row, from data/texts/<notebook>.csv."""
    texts = load_texts(notebook, root) if texts is None else texts
    where = f"data/texts/{notebook}.csv, {claim_id}" + (f", part {part}" if part else "")
    if (claim_id, part) not in texts.index:
        raise DataError(f"{where}: no row (add the claim's conclusion, reason, found and sources)")
    out = fill(texts.loc[(claim_id, part)], values, where)
    if not part and not out["conclusion"]:
        raise DataError(f"{where}: a claim's overall row needs a conclusion")
    if not out["reason"] or not out["sources"]:
        raise DataError(f"{where}: every verdict row needs a reason and its sources")
    return out


def figure_alt(name: str, root: Path = DATA, **values) -> str:
    """The alt text of figures/<name>.png: its template in data/figures.csv filled from `values`
    (every field given, every value used), at most 250 characters once filled."""
    table = load_table("figures.csv", root).set_index("figure")
    where = f"data/figures.csv, {name}"
    if name not in table.index:
        raise DataError(f"{where}: no row (add the figure's alt text: chart type, data, finding)")
    template = table.loc[name, "alt"]
    wanted = fields(template)
    _same_names(wanted, values, where, "the alt text")
    try:
        alt = template.format(**values)
    except (ValueError, TypeError, KeyError) as error:
        raise ValueError(f"{where}: the alt text cannot be filled ({error})") from None
    if len(alt) > MAX_ALT:
        raise ValueError(
            f"{where}: the alt text has {len(alt)} characters once filled (at most {MAX_ALT})"
        )
    return alt

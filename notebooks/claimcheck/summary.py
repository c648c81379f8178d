"""The table that ends a notebook: its verdicts in plain words, in the order of its introduction.

Shared by the notebooks so that each ends the same way: the claim (and, under it, its parts) in our
words, the article's figure, ours rounded for reading, the verdict and why (the reason, with the
same notes on hand-set and fragile verdicts as the README).
"""
from __future__ import annotations

import pandas as pd

from .formats import readable
from .ledger import why
from .load import load_claims
from .results import load_parts

COLUMNS = ["claim, in our words", "the article", "we found", "verdict", "why"]


def found(value, unit: str, formats: dict | None = None) -> str:
    """Our figure as a reader reads it: `formats[unit]` (a format string such as '{:.1f} %') when
    given, else the ledger's rounding and the unit; yes/no as is; '—' when nothing was measured."""
    if value is None or (not isinstance(value, str) and pd.isna(value)) or value == "":
        return "—"
    if unit == "statement":
        return str(value)
    if formats and unit in formats:
        return formats[unit].format(float(value))
    return f"{readable(str(value))} {unit}"


def verdict_table(verdicts: pd.DataFrame, order: list[str], formats: dict | None = None) -> pd.DataFrame:
    """The verdicts (as `write_results` returns them) in the claims' `order`, each claim followed
    by its parts in the registry's order; `formats` rounds our figures by unit (see `found`)."""
    claims, parts = load_claims(), load_parts()
    written = set(verdicts.index.get_level_values("claim_id"))
    if set(order) != written:
        raise ValueError(f"order {sorted(order)} does not match the verdicts' claims {sorted(written)}")
    rows = []
    for claim_id in order:
        names = [p for c, p in parts.index if c == claim_id]
        for part in ["", *names]:
            row = verdicts.loc[(claim_id, part)]
            entry = parts.loc[(claim_id, part)] if part else claims.loc[claim_id]
            label = f"↳ {entry['label']}" if part else entry["claim"]
            ours = "see its parts" if names and not part else found(row["measured_value"], row["unit"],
                                                                   formats)
            rows.append([label, entry["claimed_text"], ours, row["verdict"], why(row)])
    return pd.DataFrame(rows, columns=COLUMNS)

"""claimcheck: the small helper package the notebooks share.

It loads and validates data/ (load), turns claimed and measured figures into verdicts
(verdict), writes verdict rows (results), styles and saves figures (figures) and refreshes
the market data (refresh). The analysis itself lives in the notebooks.
"""

from .cards import found_text, show_markdown_table, show_sources, show_verdict
from .figures import PALE, PALETTE, finish, plain_ticks, save_figure, source_note, use_style
from .formats import fmt
from .load import (
    DataError,
    adjusted_close,
    fx_rate,
    load_claims,
    load_facts,
    load_json,
    load_parts,
    load_prices,
    load_table,
    load_tickers,
    source_of,
)
from .paths import DATA, FIGURES, ROOT, rel
from .results import overall_row, pin, read_results, verdict_map, verdict_row, write_results
from .tables import show_table
from .texts import figure_alt
from .verdict import DEFINITIONS, HOLDS, ROUGHLY, VERDICTS, WRONG_FACTOR, combine, judge, robust

__all__ = [
    "DATA",
    "FIGURES",
    "HOLDS",
    "ROOT",
    "ROUGHLY",
    "VERDICTS",
    "WRONG_FACTOR",
    "DataError",
    "adjusted_close",
    "fmt",
    "fx_rate",
    "load_facts",
    "load_json",
    "judge",
    "load_claims",
    "load_prices",
    "load_table",
    "load_tickers",
    "read_results",
    "rel",
    "save_figure",
    "source_note",
    "source_of",
    "use_style",
    "verdict_row",
    "write_results",
    "DEFINITIONS",
    "combine",
    "robust",
    "load_parts",
    "overall_row",
    "pin",
    "verdict_map",
    "PALE",
    "PALETTE",
    "figure_alt",
    "finish",
    "plain_ticks",
    "show_table",
    "show_sources",
    "show_verdict",
    "found_text",
    "show_markdown_table",
]

"""Tables as readers see them: left-aligned text, nothing cut, no LaTeX from dollar signs, and a
plain-text version for renderers that show no HTML."""
from __future__ import annotations

import re

import pandas as pd

ISO_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")

STYLE = ("<style>.cc-table td, .cc-table th {text-align: left !important; vertical-align: top;}"
         "</style>")


def _dashes(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text (None, NaN, pd.NA) shown as '—'; numeric columns keep their own formatting."""
    frame = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "—")
    return frame


def table_html(frame: pd.DataFrame, index: bool = True) -> str:
    """The table as HTML: left-aligned, every cell whole, and marked `tex2jax_ignore` so that
    JupyterLab and GitHub do not typeset '$10 … $15' as mathematics."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    frame = _dashes(frame)
    for column in frame.columns:  # ISO dates never break at their hyphens in a narrow column
        if frame[column].dtype == object:
            frame[column] = [v.replace("-", "\u2011") if isinstance(v, str) and ISO_DATE.fullmatch(v) else v
                             for v in frame[column]]
    with pd.option_context("display.html.use_mathjax", False):
        html = frame.to_html(index=index, border=0, na_rep="—", classes=["cc-table"])
    return STYLE + html


def show_table(frame: pd.DataFrame, index: bool = True) -> None:
    """Display a table in a notebook: the HTML above, with the full text as plain-text fallback."""
    from IPython.display import display

    with pd.option_context("display.max_colwidth", None, "display.width", 10_000):
        text = _dashes(frame).to_string(index=index, na_rep="—")
    display({"text/html": table_html(frame, index), "text/plain": text}, raw=True)


def no_maths(text: str) -> str:
    """Markdown text whose dollar signs are not read as the start of mathematics: each '$' not
    already escaped becomes '\\$' (provisional: the browser test decides the final writing)."""
    return re.sub(r"(?<!\\)\$", r"\\$", str(text))

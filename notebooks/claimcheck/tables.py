"""Tables as readers see them: left-aligned text, nothing cut, no maths from dollar signs, and a
plain-text version for renderers that show no HTML.

The HTML reads right without any CSS of its own, because the readers' clients drop it: a fresh
clone opens notebooks untrusted in JupyterLab, which removes <style> blocks, and GitHub removes
<style> blocks, classes and style attributes. So each cell says its alignment twice: `align` and
`valign` attributes (which GitHub keeps) and an inline style (which untrusted JupyterLab keeps, and
which beats JupyterLab's own right-aligning CSS). Each dollar sign is written `<span>&#36;</span>`
(see DOLLAR)."""

from __future__ import annotations

import re

import pandas as pd

ISO_DATE = re.compile(r"\d{4}-\d{2}(-\d{2})?")

# A dollar sign that no client typesets as maths, in HTML and in Markdown alike: the entity hides
# it from the Markdown parsers' maths splitters (JupyterLab's, nbconvert's, GitHub's), which read
# the source text, and the element keeps MathJax, which reads the page, from pairing it with the
# next dollar (MathJax never matches delimiters across an element's edge). `\$` is not enough:
# JupyterLab and nbconvert still pair `\$0.55 … \$15` in one paragraph or table cell, and a bare
# `&#36;` or `<span>$</span>` fails too; tests/browser/dollars.py shows each in each client.
DOLLAR = "<span>&#36;</span>"

CELL = ' align="left" valign="top" style="text-align:left;vertical-align:top"'


def dollars(text: str) -> str:
    """Text for HTML or Markdown with every '$' written as DOLLAR."""
    return str(text).replace("$", DOLLAR)


def _aligned(html: str) -> str:
    """Every <th> and <td> of pandas' HTML told to align left and top, unless it says otherwise."""

    def cell(match):
        tag, attributes = match.group(1), match.group(2) or ""
        if "align=" in attributes:  # pandas' own valign="top" on grouped index cells
            attributes = re.sub(r'\s(?:v?align)="[^"]*"', "", attributes)
        return f"<{tag}{attributes}{CELL}>"

    return re.sub(r"<(t[dh])(\s[^>]*)?>", cell, html)


def _dashes(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text (None, NaN, pd.NA) shown as '—'; numeric columns keep their own formatting."""
    frame = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].astype(object).where(frame[column].notna(), "—")
    return frame


def table_html(frame: pd.DataFrame, index: bool = True) -> str:
    """The table as HTML: left-aligned without CSS, every cell whole, and '$10 … $15' never typeset
    as mathematics (each dollar is DOLLAR; pandas also marks the table `tex2jax_ignore`)."""
    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            frame[column] = frame[column].dt.strftime("%Y-%m-%d")
    frame = _dashes(frame)
    for column in frame.columns:  # ISO dates never break at their hyphens in a narrow column
        if frame[column].dtype == object:
            frame[column] = [
                v.replace("-", "\u2011") if isinstance(v, str) and ISO_DATE.fullmatch(v) else v
                for v in frame[column]
            ]
    with pd.option_context("display.html.use_mathjax", False):
        html = frame.to_html(index=index, border=0, na_rep="—", justify="left")
    # pandas writes no '$' of its own: every one is the cells' text
    return dollars(_aligned(html))


def show_table(frame: pd.DataFrame, index: bool = True) -> None:
    """Display a table in a notebook: the HTML above, with the full text as plain-text fallback."""
    from IPython.display import display

    with pd.option_context("display.max_colwidth", None, "display.width", 10_000):
        text = _dashes(frame).to_string(index=index, na_rep="—")
    display({"text/html": table_html(frame, index), "text/plain": text}, raw=True)


def no_maths(text: str) -> str:
    """Markdown or HTML text in which no client typesets a dollar sign as maths (see DOLLAR); a
    dollar already escaped as '\\$' is written the same way."""
    return dollars(re.sub(r"\\\$", "$", str(text)))

"""Which writing of a dollar amount reads as a plain dollar, never as maths, in every client?

`notebook()` builds a notebook with each candidate writing in each place a dollar amount goes: a
Markdown paragraph with two amounts, a Markdown table cell with two amounts, a table row with one
amount per cell, a lone amount; and in HTML outputs (a table cell with two amounts, a paragraph
with two). It also holds what the package's helpers write (claimcheck.tables.table_html,
claimcheck.ledger.escape), so the browser test proves that their writing survives.

    python tests/browser/dollars.py

opens it in every client (as the browser test does) and prints the results table: for each
writing and place, in which clients it reads as a plain amount.
"""

from __future__ import annotations

import html
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1] / "notebooks")]

# writing -> (how an amount is written, what a reader must see)
CANDIDATES = {
    "$ (bare)": (lambda a: f"${a}", lambda a: f"${a}"),
    "\\$": (lambda a: f"\\${a}", lambda a: f"${a}"),
    "&#36;": (lambda a: f"&#36;{a}", lambda a: f"${a}"),
    "<span>$</span>": (lambda a: f"<span>$</span>{a}", lambda a: f"${a}"),
    "<span>&#36;</span>": (lambda a: f"<span>&#36;</span>{a}", lambda a: f"${a}"),
    "＄ (U+FF04)": (lambda a: f"＄{a}", lambda a: f"＄{a}"),
    "USD 0.55": (lambda a: f"USD {a}", lambda a: f"USD {a}"),
}
MARKDOWN_PLACES = {
    "Markdown paragraph, two amounts": lambda w: (
        f"DeepSeek charges {w('0.55')} per million input tokens, compared to OpenAI's {w('15')}."
    ),
    "Markdown table cell, two amounts": lambda w: (
        f"| claim | prices |\n|---|---|\n| the gap | {w('0.55')} against {w('15')} |"
    ),
    "Markdown table, one amount a cell": lambda w: (
        f"| DeepSeek | OpenAI |\n|---|---|\n| {w('0.55')} | {w('15')} |"
    ),
    "Markdown, one amount": lambda w: (
        f"DeepSeek charges {w('0.55')} per million input tokens, OpenAI more."
    ),
}
HTML_PLACES = {
    "HTML table cell, two amounts": lambda w: (
        f"<table><tr><th>prices</th></tr><tr><td>{w('0.55')} against {w('15')}</td></tr></table>"
    ),
    "HTML paragraph, two amounts": lambda w: (
        f"<p>DeepSeek charges {w('0.55')}, OpenAI {w('15')}.</p>"
    ),
}
HELPERS = "the package's helpers"


def helper_cells():
    """What claimcheck writes: show_table's HTML and the ledger's Markdown table cells."""
    import pandas as pd

    from claimcheck.ledger import escape
    from claimcheck.tables import table_html

    frame = pd.DataFrame(
        {
            "claim": ["the gap", "GPT-4o"],
            "prices": ["$0.55 against $15", "$2.50 and $10"],
            "first": ["$0.55", "$2.50"],
            "second": ["$15", "$10"],
        }
    )
    table = table_html(frame, index=False)
    row = (
        "| "
        + " | ".join(escape(c) for c in ["the gap", "$0.55 against $15", "$0.55", "$15"])
        + " |"
    )
    markdown = "| claim | prices | first | second |\n|---|---|---|---|\n" + row
    paragraph = escape(
        "DeepSeek charges $0.55 per million input tokens, compared to OpenAI's $15."
    )
    expect = ["$0.55 against $15", "$2.50 and $10", "$15"]
    return [
        (f"{HELPERS}: table_html", "html", table, expect),
        (f"{HELPERS}: ledger escape, table row", "markdown", markdown, expect[:1]),
        (f"{HELPERS}: ledger escape, paragraph", "markdown", paragraph, ["$0.55", "$15"]),
    ]


def cases():
    """(label, kind, content, texts a reader must see) for every candidate in every place."""
    out = []
    for name, (write, shown) in CANDIDATES.items():
        for place, make in MARKDOWN_PLACES.items():
            amounts = ["0.55"] if place == "Markdown, one amount" else ["0.55", "15"]
            out.append((f"{name} | {place}", "markdown", make(write), [shown(a) for a in amounts]))
        for place, make in HTML_PLACES.items():
            out.append((f"{name} | {place}", "html", make(write), [shown("0.55"), shown("15")]))
    return out + helper_cells()


def notebook():
    """The notebook, and for each of its cells (label or None, texts a reader must see)."""
    meta = {
        "kernelspec": {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        },
        "language_info": {"name": "python"},
    }
    cells, index = (
        [new_markdown_cell("# Dollar amounts in every client", id="title")],
        [(None, [])],
    )
    for n, (label, kind, content, expect) in enumerate(cases()):
        if kind == "markdown":
            cells.append(new_markdown_cell(content, id=f"case-{n}"))
        else:
            output = new_output(
                "display_data", data={"text/html": content, "text/plain": "an HTML output"}
            )
            cells.append(
                new_code_cell(f"case({n})", id=f"case-{n}", execution_count=n, outputs=[output])
            )
        index.append((label, expect))
    return new_notebook(cells=cells, metadata=meta), index


def verdicts(results, index, name="dollars.ipynb"):
    """{label: {view: True (reads as plain text) or the reason it does not}}."""
    table = {}
    for (view, nb), page in results.items():
        if nb != name:
            continue
        maths = {f.cell for f in page.findings if f.kind == "typeset as maths"}
        for i, (label, expect) in enumerate(index):
            if label is None:
                continue
            text = page.texts[i] if i < len(page.texts) else ""
            if i in maths:
                verdict = "maths"
            elif not all(e in text for e in expect):
                verdict = f"shows “{text[:40]}”"
            else:
                verdict = True
            table.setdefault(label, {})[view] = verdict
    return table


def main():
    import tempfile

    import clients

    nb, index = notebook()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dollars.ipynb"
        nbformat.write(nb, path)
        notebooks = {"canary.ipynb": HERE / "fixtures" / "canary.ipynb", "dollars.ipynb": path}
        results = clients.render_all(
            Path(tmp) / "home",
            notebooks,
            shipped=set(notebooks),
            log=lambda s: print(s, file=sys.stderr),
        )
    views = [clients.LAB, clients.LAB_TRUSTED, clients.NBCONVERT, clients.GITHUB]
    for view in views:
        print(
            f"canary in {view}: {results[view, 'canary.ipynb'].maths} maths node(s)",
            file=sys.stderr,
        )
    table = verdicts(results, index)
    print("| writing | place | " + " | ".join(views) + " |")
    print("|---|---|" + "---|" * len(views))
    for label, by_view in table.items():
        writing, _, place = label.partition(" | ")
        marks = [
            "plain" if by_view.get(v) is True else html.escape(str(by_view.get(v, "—")))
            for v in views
        ]
        print(f"| `{writing}` | {place or '—'} | " + " | ".join(marks) + " |")


if __name__ == "__main__":
    main()

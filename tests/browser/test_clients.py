"""What readers see, in real clients: every notebook opened in JupyterLab (untrusted, as a fresh
clone opens it, then trusted) and in a GitHub-like sanitised view of nbconvert's HTML, in headless
Chromium at a 1000 px window. A notebook fails when a client shows it typeset as maths, an object's
repr instead of its output, a broken image, a table wider than the notebook, text right-aligned
only by CSS, a printed line too long for its output, or when it does not open at all.

Each run first proves its detectors: a canary with one real formula must show exactly one maths
node in every view, and a broken notebook must fail in the ways it is built to.
"""

import clients
import dollars
import pytest

ALL_VIEWS = (*clients.VIEWS, clients.NBCONVERT)


def kinds(page, cell):
    return {f.kind for f in page.findings if f.cell == cell}


def test_canary_shows_exactly_one_formula_in_every_view(rendered):
    pages = rendered["pages"]
    for view in ALL_VIEWS:
        page = pages[view, "canary.ipynb"]
        assert page.maths == 1, (
            f"{view}: the canary's one formula shows as {page.maths} maths nodes"
        )
        assert page.cells == 1, f"{view}: the canary's cell is not in the page"


def test_every_cell_of_every_notebook_is_in_the_page(rendered):
    """Windowing off: the checks see every cell, not only those scrolled into view."""
    for (view, name), page in rendered["pages"].items():
        cells = clients.source_cells(rendered["sources"][name])
        if cells is not None:
            assert page.cells == len(cells), (
                f"{name} in {view}: {page.cells} of {len(cells)} cells in the page"
            )


@pytest.mark.parametrize("view", clients.VIEWS)
def test_broken_notebook_fails_as_built(rendered, view):
    """tests/browser/fixtures/broken.ipynb: a dollar pair in a Markdown table cell, a table that
    needs its <style> block, an object's repr, a broken image; and a file that is no notebook."""
    page = rendered["pages"][view, "broken.ipynb"]
    assert kinds(page, 1) == {"typeset as maths"}
    assert kinds(page, 3) == {"raw object repr"}
    assert kinds(page, 4) == {"broken image"}
    css = kinds(page, 2)
    if view == clients.LAB_TRUSTED:  # its style block applies: it reads right
        assert css == set()
    elif view == clients.LAB:  # style dropped: right-aligned by JupyterLab's CSS, and too wide
        assert css == {"table wider than the notebook", "text right-aligned by CSS"}
    else:  # no style, no class: too wide
        assert css == {"table wider than the notebook"}
    assert not kinds(page, 0), "the fixture's title cell is fine"
    assert [f.kind for f in rendered["pages"][view, "not_a_notebook.ipynb"].findings] == [
        "does not open"
    ]


def test_the_helpers_dollar_writing_reads_as_plain_text_in_every_client(rendered):
    """What claimcheck writes (show_table's HTML, the ledger's Markdown) shows its dollar amounts
    as text in every view, while a bare pair of dollars is typeset in every view."""
    table = dollars.verdicts(rendered["pages"], rendered["dollars"])
    helpers = {label: row for label, row in table.items() if label.startswith(dollars.HELPERS)}
    assert helpers
    for label, row in helpers.items():
        assert set(row) == set(ALL_VIEWS)
        assert all(v is True for v in row.values()), f"{label}: {row}"
    # and show_table's HTML reads right without its CSS: nothing right-aligned, nothing too wide
    cells = [
        i
        for i, (label, _) in enumerate(rendered["dollars"])
        if label and label.startswith(dollars.HELPERS)
    ]
    for view in ALL_VIEWS[:3]:
        page = rendered["pages"][view, "dollars.ipynb"]
        wrong = [f.line() for f in page.findings if f.cell in cells]
        assert not wrong, f"{view}: " + "; ".join(wrong)
    for place in ("Markdown paragraph, two amounts", "Markdown table cell, two amounts"):
        row = table[f"$ (bare) | {place}"]
        assert all(v == "maths" for v in row.values()), f"bare dollars, {place}, not caught: {row}"


def test_notebook_reads_right(rendered, notebook, view):
    page = rendered["pages"][view, notebook]
    lines = clients.describe(page, rendered["sources"][notebook])
    assert not lines, f"{notebook} in {view}: {len(page.findings)} problem(s)\n" + "\n".join(lines)

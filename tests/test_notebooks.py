"""Notebook hygiene: what GitHub renders and nbval replays must be complete, clean and portable."""

import functools
import getpass
import json
import re

import pytest

from claimcheck.load import load_claims
from claimcheck.paths import FIGURES, NOTEBOOKS, ROOT

NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOK_PATHS]
SAVED = r"(?:save_figure|finish)\(\s*\w+\s*,\s*[\"']([\w-]+)[\"']"
ABSOLUTE = re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|[A-Za-z]:\\\\|site-packages)")


@functools.cache
def load(path):
    """A notebook's JSON, parsed once per test process (the tests only read it)."""
    return json.loads(path.read_text(encoding="utf-8"))


def output_texts(cell):
    for out in cell.get("outputs", []):
        if "text" in out:
            yield "".join(out["text"])
        for mime, value in out.get("data", {}).items():
            if not mime.startswith("image/"):
                yield value if isinstance(value, str) else "".join(value)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_executed_in_order_with_outputs(path):
    cells = [c for c in load(path)["cells"] if c["cell_type"] == "code"]
    assert cells, "a notebook without code checks nothing"
    counts = [c["execution_count"] for c in cells]
    assert counts == list(range(1, len(cells) + 1)), f"cells not run top to bottom once: {counts}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_no_errors_warnings_or_stderr(path):
    for cell in load(path)["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"stored error in cell {cell['id']}"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"stderr in cell {cell['id']}"
            )
        for text in output_texts(cell):
            assert "Warning" not in text, f"a warning is stored in cell {cell['id']}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_no_absolute_paths_or_user_names(path):
    user = getpass.getuser()
    for cell in load(path)["cells"]:
        for text in output_texts(cell):
            assert not ABSOLUTE.search(text), f"absolute path in output of cell {cell['id']}"
            if user not in ("root",):
                assert user not in text


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_size_and_shape(path):
    assert path.stat().st_size < 1_000_000
    nb = load(path)
    # what JupyterLab writes on save: anything else makes opening a notebook dirty git
    assert nb["metadata"]["kernelspec"] == {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# "), (
        "starts with a title"
    )


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_referenced_figures_exist(path):
    for cell in load(path)["cells"]:
        source = "".join(cell["source"])
        names = re.findall(SAVED, source)
        names += re.findall(r"figures/([\w-]+)\.png", source)
        for name in names:
            assert (FIGURES / f"{name}.png").is_file(), (
                f"figures/{name}.png is referenced but missing"
            )


def test_every_figure_comes_from_a_notebook():
    saved = set()
    for path in NOTEBOOK_PATHS:
        for cell in load(path)["cells"]:
            saved |= set(re.findall(SAVED, "".join(cell["source"])))
    on_disk = {p.stem for p in FIGURES.glob("*.png")}
    assert on_disk == saved, (
        f"orphans: {sorted(on_disk - saved)}, missing: {sorted(saved - on_disk)}"
    )


def headings(path):
    found = set()
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            found |= {
                h.strip() for h in re.findall(r"^#+\s+(.+)$", "".join(cell["source"]), flags=re.M)
            }
    return found


def test_each_claims_section_exists_in_its_notebook():
    claims = load_claims()
    for claim_id, row in claims.iterrows():
        path = NOTEBOOKS / f"{row['notebook']}.ipynb"
        if path.is_file():
            assert row["section"] in headings(path), (
                f"{claim_id}: no heading '{row['section']}' in {path.name}"
            )


def test_relative_links_in_markdown_resolve():
    documents = [(ROOT / "README.md", ROOT), (ROOT / "data" / "README.md", ROOT / "data")]
    documents += [(p, NOTEBOOKS) for p in NOTEBOOK_PATHS]
    for doc, base in documents:
        if doc.suffix == ".ipynb":
            cells = load(doc)["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
            # rendered outputs only: a printed text shows "[x](y)" literally, it links nowhere
            text += "\n".join(
                "".join(o.get("data", {}).get(m, ""))
                for c in cells
                for o in c.get("outputs", [])
                for m in ("text/markdown", "text/html")
            )
        else:
            text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'src="([^"]+)"', text):
            if re.match(r"^(https?:|mailto:|#)", target):
                continue
            file_part, _, fragment = target.partition("#")
            resolved = (base / file_part).resolve()
            assert resolved.exists(), f"{doc.name}: link to {target} points at nothing"
            # GitHub shows notebooks in a frame, not scrolled to #Section: name it in the text
            assert not (fragment and resolved.suffix == ".ipynb"), (
                f"{doc.name}: link {target} has a fragment"
            )


def markdown_text(cell):
    """A Markdown cell's text without code spans and fenced code (where a dollar is literal)."""
    text = re.sub(r"```.*?```", "", "".join(cell["source"]), flags=re.S)
    return re.sub(r"`[^`\n]*`", "", text)


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_markdown_has_no_unescaped_dollar(path):
    """Two dollar signs on a line render as LaTeX in JupyterLab and on GitHub. A quick source check
    only: `\\$` passes it but is still typeset in a table cell or beside another amount; the
    browser test (tests/browser) checks what the clients show, and <span>&#36;</span> is the
    writing that reads as a dollar in each."""
    for cell in load(path)["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in markdown_text(cell).splitlines():
            assert not re.search(r"(?<!\\)\$", line), (
                f"unescaped $ in a Markdown cell {cell['id']}: {line[:80]}"
            )
            assert "\\(" not in line and "\\[" not in line, f"LaTeX in Markdown cell {cell['id']}"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_markdown_outputs_have_no_unescaped_dollar(path):
    for cell in load(path)["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/markdown")
            if text:
                text = re.sub(r"`[^`\n]*`", "", "".join(text))
                assert not re.search(r"(?<!\\)\$", text), (
                    f"unescaped $ in a Markdown output of {cell['id']}"
                )


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_no_table_cell_is_cut(path):
    """pandas cuts cells at 50 characters unless display.max_colwidth is raised: ends are lost."""
    for cell in load(path)["cells"]:
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            assert not re.search(r"(\.\.\.|…)</t[dh]>", html), (
                f"a table cell cut with '...' in {cell['id']}"
            )


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_no_plain_text_fallback_of_markdown_objects(path):
    """An IPython.display.Markdown output shows as '<IPython.core.display.Markdown object>' where
    Markdown outputs are not rendered; a reader must never see that."""
    for cell in load(path)["cells"]:
        for text in output_texts(cell):
            assert "<IPython.core.display" not in text, (
                f"an object's repr is shown in {cell['id']}"
            )


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_no_claim_ids_shown_to_readers(path):
    """Readers see plain labels; claim ids are for code only."""
    ids = sorted(load_claims().index, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w`'])(" + "|".join(map(re.escape, ids)) + r")(?![\w`'])")
    for cell in load(path)["cells"]:
        texts = list(output_texts(cell))
        if cell["cell_type"] == "markdown":
            texts.append(markdown_text(cell))
        for text in texts:
            shown = sorted(set(pattern.findall(text)))
            assert not shown, f"claim id(s) {shown} shown to readers in {cell['id']}"


NUMBER = re.compile(r"(?<![\w.])[−-]?\d[\d,]*(?:\.\d+)?")


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_html_tables_with_dollars_are_not_typeset(path):
    """JupyterLab typesets '$…$' inside HTML outputs too, unless the table says tex2jax_ignore
    (pandas does with display.html.use_mathjax off, which use_style sets)."""
    for cell in load(path)["cells"]:
        for out in cell.get("outputs", []):
            html = "".join(out.get("data", {}).get("text/html", ""))
            if "$" in html:
                assert "tex2jax_ignore" in html, (
                    f"dollar signs in an HTML output of {cell['id']} may render as maths"
                )


def test_tables_are_left_aligned_whole_and_not_typeset():
    import pandas as pd

    from claimcheck.tables import DOLLAR, table_html

    html = table_html(pd.DataFrame({"price": ["$10 and $15 " + "x" * 80]}), index=False)
    assert "x" * 80 + "</td>" in html
    # no raw dollar for a client to pair: each is DOLLAR, which tests/browser shows as text
    assert "$" not in html and html.count(DOLLAR) == 2


def test_tables_read_right_without_css():
    """Untrusted JupyterLab drops <style> blocks, GitHub also classes and style attributes: every
    cell carries its alignment as attributes GitHub keeps (align, valign) and as an inline style
    (which JupyterLab keeps and which beats its right-aligning CSS)."""
    import re

    import pandas as pd

    from claimcheck.tables import table_html

    frame = pd.DataFrame(
        {"claim": ["a long claim in words"], "n": [1.5]},
        index=pd.MultiIndex.from_tuples([("group", "one")]),
    )
    html = table_html(frame)
    assert "<style" not in html
    cells = re.findall(r"<t[dh](?:\s[^>]*)?>", html)
    assert cells and all(
        'align="left"' in c and 'valign="top"' in c and "text-align:left" in c for c in cells
    )
    assert all(
        c.count("valign=") == 1 for c in cells
    )  # pandas' own valign on grouped rows replaced


def test_missing_text_is_a_dash():
    import pandas as pd

    from claimcheck.tables import table_html

    frame = pd.DataFrame({"who": pd.array(["a", None], dtype="string"), "n": [1.5, None]})
    html = table_html(frame, index=False)
    assert "&lt;NA&gt;" not in html and "<NA>" not in html and html.count("—") == 2


def test_dates_do_not_break_at_their_hyphens():
    import pandas as pd

    from claimcheck.tables import table_html

    html = table_html(
        pd.DataFrame({"day": pd.to_datetime(["2025-01-27"]), "text": ["2025-01"]}), index=False
    )
    assert "2025\u201101\u201127" in html and "2025\u201101<" in html

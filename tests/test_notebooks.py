"""Notebook hygiene: what GitHub renders and nbval replays must be complete, clean and portable."""
import getpass
import json
import re

import pytest

from claimcheck.load import load_claims
from claimcheck.ledger import anchor
from claimcheck.paths import FIGURES, NOTEBOOKS, ROOT

NOTEBOOK_PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))
IDS = [p.name for p in NOTEBOOK_PATHS]
ABSOLUTE = re.compile(r"(/work/|/home/|/root/|/tmp/|/Users/|[A-Za-z]:\\\\|site-packages)")


def load(path):
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
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), f"stderr in cell {cell['id']}"
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
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "".join(first["source"]).startswith("# "), "starts with a title"


@pytest.mark.parametrize("path", NOTEBOOK_PATHS, ids=IDS)
def test_referenced_figures_exist(path):
    for cell in load(path)["cells"]:
        source = "".join(cell["source"])
        names = re.findall(r"save_figure\(\s*\w+\s*,\s*[\"']([\w-]+)[\"']", source)
        names += re.findall(r"figures/([\w-]+)\.png", source)
        for name in names:
            assert (FIGURES / f"{name}.png").is_file(), f"figures/{name}.png is referenced but missing"


def test_every_figure_comes_from_a_notebook():
    saved = set()
    for path in NOTEBOOK_PATHS:
        for cell in load(path)["cells"]:
            saved |= set(re.findall(r"save_figure\(\s*\w+\s*,\s*[\"']([\w-]+)[\"']", "".join(cell["source"])))
    on_disk = {p.stem for p in FIGURES.glob("*.png")}
    assert on_disk == saved, f"orphans: {sorted(on_disk - saved)}, missing: {sorted(saved - on_disk)}"


def headings(path):
    found = set()
    for cell in load(path)["cells"]:
        if cell["cell_type"] == "markdown":
            found |= {anchor(h.strip()) for h in re.findall(r"^#+\s+(.+)$", "".join(cell["source"]), flags=re.M)}
    return found


def test_each_claims_section_exists_in_its_notebook():
    claims = load_claims()
    for claim_id, row in claims.iterrows():
        path = NOTEBOOKS / f"{row['notebook']}.ipynb"
        if path.is_file():
            assert anchor(row["section"]) in headings(path), f"{claim_id}: no heading '{row['section']}' in {path.name}"


def test_relative_links_in_markdown_resolve():
    documents = [(ROOT / "README.md", ROOT), (ROOT / "data" / "README.md", ROOT / "data")]
    documents += [(p, NOTEBOOKS) for p in NOTEBOOK_PATHS]
    for doc, base in documents:
        if doc.suffix == ".ipynb":
            cells = load(doc)["cells"]
            text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
            text += "\n".join(t for c in cells for t in output_texts(c))
        else:
            text = doc.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text) + re.findall(r'src="([^"]+)"', text):
            if re.match(r"^(https?:|mailto:|#)", target):
                continue
            file_part, _, fragment = target.partition("#")
            resolved = (base / file_part).resolve()
            assert resolved.exists(), f"{doc.name}: link to {target} points at nothing"
            if fragment and resolved.suffix == ".ipynb":
                assert fragment in headings(resolved), f"{doc.name}: no section #{fragment} in {resolved.name}"

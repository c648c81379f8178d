"""The reader's page, claim first: a claim's words live once, in data/claims.csv; notebooks open
with their generated findings; editorial prose is not typed into code cells."""

import ast
import json
import re

import pytest

from claimcheck.load import load_claims
from claimcheck.pages import MARKERS, opening_block
from claimcheck.paths import NOTEBOOKS
from claimcheck.schemas import NOTEBOOK_STEMS

# Words in string literals of four or more words in the code cells of notebooks 01-07 (an
# f-string counts as one literal), as the syntax tree gives them: 5,816 when issue 20 was filed;
# a quarter of that at most.
PROSE_LIMIT = 5816 // 4
RUN = 8  # a run of this many words of a registry quote or claim is the claim's text typed again


def cells(stem):
    return json.loads((NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8"))["cells"]


def literals(source: str) -> list[str]:
    """The string literals of a code cell; an f-string is one literal with its fields as 'x'."""
    tree = ast.parse(source)
    inner = {
        id(v) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for v in node.values
    }
    out = []
    for node in ast.walk(tree):
        if id(node) in inner:
            continue
        if isinstance(node, ast.JoinedStr):
            out.append(
                "".join(v.value if isinstance(v, ast.Constant) else " x " for v in node.values)
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.append(node.value)
    return out


def prose_words(stem) -> int:
    return sum(
        len(text.split())
        for c in cells(stem)
        if c["cell_type"] == "code"
        for text in literals("".join(c["source"]))
        if len(text.split()) >= 4
    )


def test_prose_words_counts_literals_of_four_words_or_more():
    assert literals('x = f"a {b} c d"\ny = "one two"') == ["a  x  c d", "one two"]


def test_little_prose_is_typed_into_code_cells():
    counts = {stem: prose_words(stem) for stem in NOTEBOOK_STEMS}
    assert sum(counts.values()) <= PROSE_LIMIT, f"words of prose in code strings: {counts}"


def words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text.lower())


def runs(text: str) -> set[tuple]:
    w = words(text)
    return {tuple(w[i : i + RUN]) for i in range(len(w) - RUN + 1)}


REGISTRY_RUNS = set().union(
    *(runs(t) for t in load_claims()[["quote", "claim"]].to_numpy().ravel())
)


def outside_generated(source: str) -> str:
    start, end = MARKERS
    return re.sub(re.escape(start) + ".*?" + re.escape(end), "", source, flags=re.S)


@pytest.mark.parametrize("stem", ["00_claims_ledger", *NOTEBOOK_STEMS])
def test_no_claim_text_typed_in_a_notebook(stem):
    typed = []
    for cell in cells(stem):
        source = "".join(cell["source"])
        texts = (
            [outside_generated(source)] if cell["cell_type"] == "markdown" else literals(source)
        )
        for text in texts:
            hit = runs(text) & REGISTRY_RUNS
            if hit:
                typed.append(" ".join(sorted(hit)[0]))
    assert not typed, (
        f"{stem}: the registry's words typed again (render them from data/claims.csv): {typed}"
    )


@pytest.mark.parametrize("stem", NOTEBOOK_STEMS)
def test_each_notebook_opens_with_its_generated_findings(stem):
    first = next(c for c in cells(stem) if c["cell_type"] == "markdown")
    source = "".join(first["source"])
    assert MARKERS[0] in source and MARKERS[1] in source, f"{stem}: no generated opening block"
    between = source.split(MARKERS[0], 1)[1].split(MARKERS[1], 1)[0].strip()
    assert between == opening_block(stem).strip(), f"{stem}: run `python -m claimcheck.ledger`"

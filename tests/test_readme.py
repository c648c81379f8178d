"""README.md is the front page: findings first, short, generated from data/, its links reach a
claim's section of the claims page, and its commands work."""

import html
import re

from claimcheck.ledger import MAX_WRONG, ledger, render_readme, tally
from claimcheck.load import load_table
from claimcheck.pages import CLAIMS_PAGE, anchors, slug
from claimcheck.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
MAX_WORDS = 2500


def test_generated_blocks_match_data():
    assert render_readme(README) == README, "README.md is stale: run `python -m claimcheck.ledger`"


def test_the_check_command_works(capsys, tmp_path, monkeypatch):
    """`python -m claimcheck.ledger --check` (in-process: a subprocess would cost a second of
    imports) says every page is current, and says it is stale, exit 1, when a block is edited."""
    from claimcheck import ledger as module

    assert module.main(["--check"]) == 0
    assert capsys.readouterr().out.strip() == "every generated page is up to date"
    stale = tmp_path / "README.md"
    edited = README.replace(" claims**", " claim**", 1)
    assert edited != README
    stale.write_text(edited, encoding="utf-8")
    monkeypatch.setattr(module, "README", stale)
    assert module.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert stale.read_text(encoding="utf-8") == edited  # --check changes nothing


def test_a_missing_generated_block_is_refused():
    import pytest

    text = re.sub(r"<!-- wrong:start.*?<!-- wrong:end -->", "", README, flags=re.S)
    with pytest.raises(ValueError, match="wrong"):
        render_readme(text)


def test_findings_first_and_short():
    order = [
        README.index(s)
        for s in (
            "**Bottom line.**",
            "<!-- coverage:start",
            "<!-- tally:start",
            "figures/claims_scorecard.png",
            "## What the articles got wrong",
            "## The claims, by subject",
            "## Run it",
            "## Tests and speed",
        )
    ]
    assert order == sorted(order)
    assert len(README.split()) <= MAX_WORDS  # as `wc -w` counts the source
    first_screen = README[: README.index("## What the articles got wrong")]
    table = ledger()
    assert f"**{len(table)} claims**" in first_screen
    assert f"**{len(load_table('not_checked.csv'))} other statements**" in first_screen
    for verdict, n in tally(table).items():
        assert f"**{n} {verdict}**" in first_screen


def test_what_went_wrong_is_a_handful_of_short_linked_bullets():
    block = README[README.index("<!-- wrong:start") : README.index("<!-- wrong:end")]
    bullets = [line for line in block.splitlines() if line.startswith("- ")]
    assert 5 <= len(bullets) <= MAX_WRONG
    for line in bullets:
        words = re.sub(r"\]\([^)]*\)", "]", line).split()
        assert len(words) <= 31, f"a bullet of {len(words) - 1} words: {line[:60]}"  # '-' counted
        assert "](notebooks/README.md#" in line


def page_anchors(text: str) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page."""
    seen, out = {}, set()
    for heading in re.findall(r"^#{1,6} (.+)$", text, flags=re.M):
        base = slug(html.unescape(re.sub(r"<[^>]+>", "", heading)))  # GitHub slugs the text shown
        n = seen.get(base, 0)
        out.add(base if n == 0 else f"{base}-{n}")
        seen[base] = n + 1
    return out


def test_every_claim_link_resolves_to_an_anchor():
    page = CLAIMS_PAGE.read_text(encoding="utf-8")
    targets = page_anchors(page)
    links = re.findall(r"\]\(notebooks/README\.md#([^)]+)\)", README)
    assert links, "the README links no claim"
    for link in links:
        assert link in targets, f"README links #{link}, which the claims page does not have"
    assert set(anchors(ledger()).values()) <= targets


def test_anchors_that_existed_do_not_disappear():
    """A published anchor is a promise: tests/fixtures/anchors.txt lists every anchor ever
    published; each must still exist (add new ones to the list, never remove one)."""
    published = (ROOT / "tests" / "fixtures" / "anchors.txt").read_text(encoding="utf-8").split()
    targets = page_anchors(CLAIMS_PAGE.read_text(encoding="utf-8"))
    gone = sorted(set(published) - targets)
    assert not gone, f"anchors of the claims page that disappeared: {gone}"
    assert set(anchors(ledger()).values()) <= set(published), (
        "add the new claims' anchors to the list"
    )


def test_slug_follows_githubs_rules():
    assert slug("Nvidia's shares fell from $142 to $118") == "nvidias-shares-fell-from-142-to-118"
    assert (
        slug("Chinese panels cost 15 ¢ a watt, US 40 ¢") == "chinese-panels-cost-15--a-watt-us-40-"
    )
    assert slug("Tariffs would add 25–50 % to an SU7") == "tariffs-would-add-2550--to-an-su7"


def test_both_articles_are_cited():
    articles = load_table("articles.csv")
    section = README[README.index("## The articles") : README.index("## Verdicts as data")]
    for _, row in articles.iterrows():
        assert (
            row["title"].split(" (")[0][:30] in section or row["author"].split(" (")[0] in section
        )


def test_two_commands_are_there():
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", README, flags=re.S)
    commands = [line.strip() for b in blocks for line in b.splitlines()]
    assert "pip install -r requirements.txt" in commands and "pytest" in commands
    assert "python -m claimcheck.refresh" in commands


def test_figures_exist_with_alt_text():
    images = re.findall(r"!\[([^\]]*)\]\((figures/[\w-]+\.png)\)", README)
    assert len(images) >= 3
    for alt, image in images:
        assert (ROOT / image).is_file()
        assert 40 <= len(alt) <= 250, f"alt text of {image} should say the chart, data and finding"

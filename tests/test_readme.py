"""README.md is the findings page: generated from data/, verdict first, and its commands work."""
import re

from claimcheck.ledger import ledger, readable, render_readme, tally
from claimcheck.load import load_table
from claimcheck.paths import ROOT
from claimcheck.verdict import legend_markdown

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_generated_blocks_match_data():
    assert render_readme(README) == README, "README.md is stale: run `python -m claimcheck.ledger`"


def test_the_check_command_works(capsys, tmp_path, monkeypatch):
    """`python -m claimcheck.ledger --check` (run in-process: a subprocess would cost a second of
    imports) says the README is current, and says it is stale, exit 1, when a block is edited."""
    from claimcheck import ledger as module

    assert module.main(["--check"]) == 0
    assert capsys.readouterr().out.strip() == "every generated page is up to date"
    stale = tmp_path / "README.md"
    stale.write_text(README.replace("**Bottom line.**", "**Bottom line.**", 1).replace(" claims**", " claim**", 1),
                     encoding="utf-8")
    monkeypatch.setattr(module, "README", stale)
    assert module.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().out
    assert stale.read_text(encoding="utf-8") != README  # --check changes nothing


def test_verdict_first():
    """Before the findings table a reader sees the bottom line, what is covered and the tally;
    engineering comes after the findings, the figures, the articles and the corrections."""
    order = [README.index(s) for s in ("**Bottom line.**", "<!-- coverage:start", "<!-- tally:start",
                                       "## Findings", "## Headline figures", "## The articles",
                                       "## Corrections and updates", "## Run it", "## Tests and speed")]
    assert order == sorted(order)
    first_screen = README[:README.index("## Findings")]
    table = ledger()
    assert f"**{len(table)} claims**" in first_screen
    assert f"**{len(load_table('not_checked.csv'))} other statements**" in first_screen
    for verdict, n in tally(table).items():
        assert f"**{n} {verdict}**" in first_screen


def test_legend_is_the_rules():
    assert legend_markdown().strip() in README


def test_every_claim_has_its_reason_in_the_table():
    table = ledger()
    findings = README[README.index("<!-- findings:start"):README.index("<!-- findings:end")]
    rows = [line for line in findings.splitlines() if line.startswith("| ") and not line.startswith("| Claim")]
    assert len(rows) == len(table)
    for line in rows:
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        assert len(cells) == 5 and cells[3], f"a finding without its reason: {line[:80]}"


def test_both_articles_are_cited():
    articles = load_table("articles.csv")
    section = README[README.index("## The articles"):README.index("## Corrections and updates")]
    for _, row in articles.iterrows():
        assert row["title"].split(" (")[0][:30] in section or row["author"].split(" (")[0] in section
    assert len(re.findall(r"\]\(https?://", section)) >= 1


def test_two_commands_are_there():
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", README, flags=re.S)
    commands = [line.strip() for b in blocks for line in b.splitlines()]
    assert "pip install -r requirements.txt" in commands and "pytest" in commands
    assert "python -m claimcheck.refresh" in commands


def test_headline_figures_exist():
    images = re.findall(r"!\[[^\]]*\]\((figures/[\w-]+\.png)\)", README)
    assert len(images) >= 3
    for image in images:
        assert (ROOT / image).is_file()


def test_readable_numbers():
    assert [readable(v) for v in ["29869.2", "96.3333", "0.11039", "-16.9682", "671.026", "yes"]] == \
        ["29,869", "96.33", "0.110", "−16.97", "671", "yes"]

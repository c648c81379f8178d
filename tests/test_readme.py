"""README.md shows exactly the findings that data/results/ holds, and the commands it promises work."""
import re

from claimcheck.ledger import README_END, README_START, readme_block
from claimcheck.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_findings_table_matches_results():
    start, end = README.index(README_START), README.index(README_END) + len(README_END)
    assert README[start:end] == readme_block(), "README's findings table is stale: run `python -m claimcheck.ledger`"


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
    from claimcheck.ledger import readable

    assert [readable(v) for v in ["29869.2", "96.3333", "0.11039", "-16.9682", "671.026", "yes"]] == \
        ["29,869", "96.33", "0.110", "−16.97", "671", "yes"]

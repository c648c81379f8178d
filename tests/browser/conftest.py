"""The browser test's set-up: which notebooks, where the screenshots go, and one run of every
client for the whole session (JupyterLab starts once; each notebook is opened once per view).

    pytest tests/browser                                   every notebook in notebooks/
    pytest tests/browser --notebook PATH [--notebook ...]  only these (a fixture: see it fail)

It is not part of the plain `pytest` (pyproject.toml's norecursedirs): it needs Chromium, the
pinned browser requirements (requirements-browser.txt) and the local MathJax (`npm ci --prefix
tests/browser`).
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import nbformat
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

import clients  # noqa: E402
import dollars  # noqa: E402

FIXTURES = HERE / "fixtures"
SCREENSHOTS = HERE / "screenshots"
# the fixtures are opened by the test, not run by nbval (the project's addopts say --nbval)
collect_ignore = ["fixtures", "node_modules", "screenshots"]
SELF_TEST = {
    "canary.ipynb": FIXTURES / "canary.ipynb",
    "broken.ipynb": FIXTURES / "broken.ipynb",
    "not_a_notebook.ipynb": FIXTURES / "not_a_notebook.ipynb",
}


def pytest_addoption(parser):
    parser.addoption(
        "--notebook",
        action="append",
        default=[],
        metavar="PATH",
        help="check this notebook (repeatable); default: every notebook in notebooks/",
    )


def pytest_xdist_auto_num_workers(config):
    """One process: the session's JupyterLab and browser are shared by every test (the project's
    `-n auto` would start one of each per worker)."""
    return 0


def selected(config) -> dict:
    paths = [Path(p).resolve() for p in config.getoption("--notebook")] or sorted(
        (ROOT / "notebooks").glob("*.ipynb")
    )
    return {p.name: p for p in paths}


def pytest_generate_tests(metafunc):
    if "notebook" in metafunc.fixturenames:
        metafunc.parametrize("notebook", list(selected(metafunc.config)))
        metafunc.parametrize("view", clients.VIEWS)


@pytest.fixture(scope="session")
def rendered(request, tmp_path_factory):
    """Every notebook, the self-test fixtures and the dollar-writing notebook in every view, once:
    {"pages": {(view, name): Page}, "sources": {name: path}, "dollars": index, "seconds": s}."""
    start = time.monotonic()
    home = tmp_path_factory.mktemp("clients")
    book, index = dollars.notebook()
    nbformat.write(book, home / "dollars.ipynb")
    notebooks = {**selected(request.config), **SELF_TEST, "dollars.ipynb": home / "dollars.ipynb"}
    if SCREENSHOTS.exists():
        shutil.rmtree(SCREENSHOTS)
    lines = []
    SCREENSHOTS.mkdir(parents=True)
    progress = (SCREENSHOTS / "progress.log").open("w", encoding="utf-8")

    def log(line):
        lines.append(line)
        progress.write(line + "\n")
        progress.flush()

    try:
        pages = clients.render_all(
            home / "run",
            notebooks,
            shipped={"canary.ipynb", "dollars.ipynb"},
            shots=SCREENSHOTS,
            log=log,
        )
    finally:
        progress.close()
    seconds = time.monotonic() - start
    request.config._browser_log = lines + [f"browser test: everything rendered in {seconds:.0f} s"]
    write_report(pages, notebooks)
    return {"pages": pages, "sources": notebooks, "dollars": index, "seconds": seconds}


def write_report(pages, notebooks):
    """Every finding, by notebook and view, in screenshots/findings.md, for the notebook owners."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    lines = ["# What the browser test found", ""]
    for (view, name), page in sorted(pages.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if page.findings:
            lines += [
                f"## {name}, {view}",
                "",
                *[f"- {x}" for x in clients.describe(page, notebooks[name])],
                "",
            ]
    (SCREENSHOTS / "findings.md").write_text("\n".join(lines), encoding="utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    for line in getattr(config, "_browser_log", []):
        terminalreporter.write_line(line)
    if getattr(config, "_browser_log", None):
        terminalreporter.write_line(
            f"screenshots and findings.md: {SCREENSHOTS.relative_to(ROOT)}/"
        )

"""Shared test set-up.

`pytest` checks the committed figures and results files: the notebooks it re-runs never rewrite
them (claimcheck.atomic.write_output), so every reader sees the committed bytes in whatever order
xdist runs the notebooks. CLAIMCHECK_REGENERATE=1 would let the notebooks rewrite them while the
ledger and tests/test_readme.py read them, so pytest refuses to start with it; regenerate with the
README's nbconvert command instead.
"""
import pytest

from claimcheck.atomic import REGENERATE


def pytest_configure(config):
    import os

    if os.environ.get(REGENERATE):
        raise pytest.UsageError(f"{REGENERATE} is set: pytest checks the committed figures and results and "
                                "never rewrites them; unset it (regenerate with the README's nbconvert command)")


@pytest.fixture
def regenerate(monkeypatch):
    """Let write_output write (for tests that write figures or results into a temporary folder)."""
    monkeypatch.setenv(REGENERATE, "1")

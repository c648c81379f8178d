"""requirements.txt pins the whole resolved environment, and this run uses it."""

import importlib.metadata
import re

from claimcheck.paths import ROOT

LINES = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
PINS = dict(line.split("==") for line in LINES if line and not line.startswith(("#", "-e")))


def name(text):
    return re.sub(r"[-_.]+", "-", text).lower()


def test_every_line_is_an_exact_pin():
    for line in LINES:
        assert (
            not line
            or line.startswith("#")
            or line == "-e ."
            or re.fullmatch(r"[\w.-]+==[\w.+-]+", line)
        ), line
    for must in ("matplotlib", "pandas", "pillow", "numpy", "nbval", "pytest"):
        assert must in {name(p) for p in PINS}, f"{must} is not pinned"


def test_the_installed_packages_are_the_pinned_ones():
    """A run in another environment says which packages differ (figures and outputs may too)."""

    def installed(package):  # the one that imports first
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "missing"

    differ = [
        f"{p} {installed(p)} (pinned {v})" for p, v in sorted(PINS.items()) if installed(p) != v
    ]
    assert not differ, f"not the pinned environment: {', '.join(differ)}"

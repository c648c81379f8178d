"""Where things live. Every path the package hands out is relative to the repository root
when shown, so no notebook output ever contains a machine's absolute path."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
FIGURES = ROOT / "figures"
NOTEBOOKS = ROOT / "notebooks"


def rel(path: Path) -> str:
    """A path as shown to readers: relative to the repository root, with forward slashes.

    The file itself is not resolved (a symbolic link is named by where it is, not by where it
    points, which may be an absolute path elsewhere); only its folder is."""
    path = Path(os.path.abspath(path))
    for candidate in (path, path.parent.resolve() / path.name):
        try:
            return candidate.relative_to(ROOT).as_posix()
        except ValueError:
            continue
    return path.as_posix()  # outside the repository (a test's temporary copy): say where it is

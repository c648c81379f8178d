"""Where things live. Every path the package hands out is relative to the repository root
when shown, so no notebook output ever contains a machine's absolute path."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
FIGURES = ROOT / "figures"
NOTEBOOKS = ROOT / "notebooks"


def rel(path: Path) -> str:
    """A path as shown to readers: relative to the repository root, with forward slashes."""
    path = Path(path)
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:  # outside the repository (a test's temporary copy): say where it is
        return path.as_posix()

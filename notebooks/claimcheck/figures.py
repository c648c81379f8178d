"""One figure style for every notebook, and PNGs that come out byte-identical on every run."""
from __future__ import annotations

from pathlib import Path

import matplotlib as mpl

from .paths import FIGURES, rel

DPI = 110

# One colour per verdict, used by every chart that shows verdicts.
VERDICT_COLORS = {
    "holds": "#1a9850",
    "roughly holds": "#91cf60",
    "exaggerated": "#fc8d59",
    "understated": "#fee08b",
    "misattributed": "#d673c3",
    "wrong": "#d73027",
    "unverifiable": "#999999",
    "pending": "#dddddd",
}

STYLE = {
    "font.family": "DejaVu Sans",  # shipped inside matplotlib: the same glyphs on every machine
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e5e5",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "axes.prop_cycle": mpl.cycler(color=["#1f5aa6", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e",
                                         "#a6761d", "#666666"]),
    "figure.figsize": (8.0, 4.2),
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.bbox": "standard",
    "legend.frameon": False,
}


def use_style() -> None:
    """Apply the project style (the notebooks call this once, in their first cell)."""
    mpl.rcParams.update(STYLE)


def save_figure(fig, name: str, folder: Path = FIGURES) -> str:
    """Save `fig` as figures/<name>.png at a fixed size and dpi with no metadata that changes
    between runs (no software version, no date); return the path relative to the repository."""
    if not name or "/" in name or name.endswith(".png"):
        raise ValueError("name is a bare file stem such as 'nvda_day'")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    fig.savefig(path, format="png", dpi=DPI, metadata={"Software": None})
    return rel(path)


def source_note(ax, text: str) -> None:
    """A small grey source line under a chart, so a figure carries its source when shared alone."""
    ax.annotate(text, xy=(0, 0), xycoords="figure fraction", xytext=(6, 4), textcoords="offset points",
                fontsize=7, color="#666666", ha="left", va="bottom")


__all__ = ["DPI", "STYLE", "VERDICT_COLORS", "save_figure", "source_note", "use_style"]

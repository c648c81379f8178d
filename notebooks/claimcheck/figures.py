"""One figure style for every notebook, and PNGs that come out byte-identical on every run.

A figure is written only by `save_figure` and `finish` (one writer, `_save`): its PNG is compared
with the file in figures/. The same bytes are not rewritten; different bytes fail the cell with one line
naming the figure (claimcheck.atomic.OutputChanged), so `pytest` fails when a library update or an
edit changes a chart. To change figures on purpose, run with CLAIMCHECK_REGENERATE=1 (see the
README's refresh section for the command that re-executes every notebook)."""
from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib as mpl
from matplotlib.ticker import FuncFormatter

from .atomic import OutputChanged, write_output
from .load import DataError
from .paths import FIGURES, rel

DPI = 110

# One colour, one meaning, in every notebook (Okabe-Ito colours, safe for colour-blind readers).
PALETTE = {
    "article": "#E69F00",   # orange: what the article says
    "china": "#D55E00",     # vermillion: Chinese firms and products (DeepSeek, Xiaomi, Chinese panels)
    "us": "#0072B2",        # blue: American firms and products (OpenAI, Nvidia, Tesla, US panels)
    "europe": "#CC79A7",    # reddish purple: Europe
    "market": "#009E73",    # bluish green: markets, indices and other reference series
    "other": "#999999",     # grey: everything else, context
    "highlight": "#000000", # black: the one line or marker the title is about
}

# The scorecard's colours: one per verdict (kept apart from PALETTE's subjects by shape: the
# scorecard is the only chart that colours by verdict).
VERDICT_COLORS = {
    "holds": "#1a9850",
    "roughly holds": "#91cf60",
    "understated": "#fee08b",
    "exaggerated": "#fc8d59",
    "mixed": "#f6e8c3",
    "misleading": "#b2abd2",
    "misattributed": "#8073ac",
    "wrong": "#d73027",
    "unverifiable": "#bababa",
    "pending": "#eeeeee",
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
    """Apply the project style (the notebooks call this once, in their first cell).

    Inside an IPython kernel it also selects the inline backend, so figures show in the notebook
    whatever MPLBACKEND says (MPLBACKEND=Agg on a headless machine would otherwise hide them), and
    in any IPython shell a DataError shows as its one line, without the package's traceback."""
    mpl.rcParams.update(STYLE)
    import pandas as pd

    # tables: never cut a cell with "...", never let "$10 … $15" be typeset as mathematics
    pd.set_option("display.max_colwidth", None)
    pd.set_option("display.html.use_mathjax", False)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is always there with the notebooks
        return
    shell = get_ipython()
    if shell is None:
        return
    if hasattr(shell, "kernel"):
        shell.run_line_magic("matplotlib", "inline")
        # ipykernel flushes printed text every 0.2 s; a slow print could then be stored as two
        # output chunks on one run and one on the next, which nbval reports as a change
        import sys

        if hasattr(sys.stdout, "flush_interval"):
            sys.stdout.flush_interval = 60
    shell.set_custom_exc((DataError, OutputChanged), show_data_error)


def show_data_error(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for DataError and OutputChanged: its one line ('DataError: <file>:
    <problem>'), without the package's traceback frames (which would show absolute paths). The
    cell still fails."""
    stb = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, stb)
    return stb


def _png(fig) -> bytes:
    """The figure as PNG bytes at a fixed size and dpi, with no metadata that changes between runs
    (no software version, no date)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _target(name: str, folder: Path) -> Path:
    if not name or "/" in name or name.endswith(".png"):
        raise ValueError("name is a bare file stem such as 'nvda_day'")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.png"


def save_figure(fig, name: str, folder: Path = FIGURES) -> str:
    """Save `fig` as figures/<name>.png (byte-stable; compared with the file there, see the module
    docstring); return the path relative to the repository."""
    return _save(fig, name, folder)[0]


def _save(fig, name: str, folder: Path) -> tuple[str, bytes]:
    path = _target(name, folder)
    png = _png(fig)
    write_output(path, png, what="figure")
    return rel(path), png


def source_note(ax, text: str) -> None:
    """A small grey source line under a chart, so a figure carries its source when shared alone."""
    ax.annotate(text, xy=(0, 0), xycoords="figure fraction", xytext=(6, 4), textcoords="offset points",
                fontsize=7, color="#666666", ha="left", va="bottom")


def finish(fig, name: str, source: str, ax=None, folder: Path = FIGURES) -> None:
    """Finish a chart the same way everywhere: the source line under it, the layout, the PNG in
    figures/ (written as save_figure writes it), and in a notebook the very same PNG shown inline,
    with the chart's title as its text alternative. The figure is rendered once and then closed, so the
    notebook shows exactly the file the README links to, whatever the matplotlib backend."""
    import matplotlib.pyplot as plt

    source_note(ax if ax is not None else fig.axes[0], source)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    try:
        png = _save(fig, name, folder)[1]
    except BaseException:
        plt.close(fig)
        raise
    titles = [ax_.get_title(loc=loc) for ax_ in fig.axes for loc in ("left", "center", "right")]
    title = fig.get_suptitle() or next((t for t in titles if t), "")
    plt.close(fig)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is always there with the notebooks
        return
    if get_ipython() is not None:
        title = title.replace("\\$", "$")  # matplotlib needs \$ for a dollar sign; readers do not
        alt = f"Figure: {title}" if title else "Figure"
        display({"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt}, raw=True)


def _plain(x: float) -> str:
    if x == 0:
        return "0"
    if abs(x) >= 1:
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,.1f}"
    return f"{x:.2f}".rstrip("0").rstrip(".") if abs(x) >= 0.01 else f"{x:.3g}"


def plain_ticks(ax, axis: str = "y", prefix: str = "", suffix: str = "") -> None:
    """Plain tick labels ($0.10, $1, $10 or 25 %), also on log axes (never 10⁰ or 1e3)."""
    target = ax.yaxis if axis == "y" else ax.xaxis
    formatter = FuncFormatter(lambda x, _pos: f"{prefix}{_plain(x)}{suffix}")
    target.set_major_formatter(formatter)
    target.set_minor_formatter(FuncFormatter(lambda x, _pos: ""))


__all__ = ["DPI", "PALETTE", "STYLE", "VERDICT_COLORS", "finish", "plain_ticks", "save_figure", "show_data_error",
           "source_note", "use_style"]

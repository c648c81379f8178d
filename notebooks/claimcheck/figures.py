"""One figure style for every notebook, and PNGs that come out byte-identical on every run.

A figure is written only by `save_figure` and `finish` (one writer, `_save`): its PNG is compared
with the file in figures/. The same bytes are not rewritten; different bytes fail the cell with one
line naming the figure (claimcheck.atomic.OutputChanged), so `pytest` fails when a library update
or an edit changes a chart. To change figures on purpose, run with CLAIMCHECK_REGENERATE=1 (see the
README's refresh section for the command that re-executes every notebook).

**Alt text.** `finish` takes the figure's text alternative (`alt`: the chart type, the data and the
finding, at most 250 characters, not the title again). Its words live in data/figures.csv as a
template filled from the notebook's values (`figure_alt`), so every number in it is computed. The
notebook shows the image with it (its text/plain and the output's `alt` metadata, which
nbconvert's classic template writes as the <img alt>), and the PNG carries it as `Description`.

**Phones.** The README's figures are finished with `phone=True`: every text drawn must be at
least 8 px tall when the image is shown 400 px wide (a text of s points in a figure w inches
wide is s × 400 / (72 × w) px tall), and none may be cut off at the figure's edge, or `finish`
fails in one line naming the smallest text (SmallText). The PNG then records that size
(PHONE_KEY), which the tests read. The source line of such a figure is set at the smallest size
allowed.

**One colour, one meaning** (Okabe-Ito colours, safe for colour-blind readers), in every chart:

- orange (`article`): the article's own figure, and nothing else;
- vermillion (`china`), blue (`us`), reddish purple (`europe`): China, the United States and
  Europe, their firms and products;
- bluish green (`market`): a world-wide or market-wide series (a world average price);
- grey (`other`): everything else: context, and data that belong to none of these;
- black (`reference`): reference marks drawn over the data (a range, a threshold, a frontier, a
  marked date), never a group of data; texts, axes and ticks are black or grey ink as usual.

What the title is about is drawn in its subject's colour at full strength, the rest in grey.
Within one colour: shades are the years of one subject, named in a legend (darkest: the latest);
hatched is a plan, not an outcome (guidance, capacity); line styles tell firms of one country
apart; pale (PALE, in a chart without shades) marks what fails the test the chart names (a
verdict that does not hold, a model that does not fit the card, a move within two typical
errors). A continuous colour scale (viridis) is used only with its colour bar. A bar, line or
marker drawn without a colour is grey (the colour cycle has only grey).
"""

from __future__ import annotations

import base64
import io
import math
from pathlib import Path

import matplotlib as mpl
from matplotlib.ticker import FuncFormatter

from .atomic import OutputChanged, write_output
from .load import DataError
from .paths import FIGURES, rel

DPI = 110

PALETTE = {
    "article": "#E69F00",  # orange: the article's own figure, and nothing else
    "china": "#D55E00",  # vermillion: China, Chinese firms and products (DeepSeek, Xiaomi)
    "us": "#0072B2",  # blue: the United States, American firms and products (Nvidia)
    "europe": "#CC79A7",  # reddish purple: Europe and European countries
    "market": "#009E73",  # bluish green: world-wide or market-wide series (world average price)
    "other": "#999999",  # grey: everything else: context, data of none of the subjects above
    "reference": "#000000",  # black: reference marks over the data (range, threshold, frontier,
    # marked date), never a group of data
}
PALE = 0.35  # the alpha of what fails the test the chart names (see the module docstring)

# Readable on a phone: every text of a README figure at least PHONE_MIN_PX tall when the image is
# shown PHONE_WIDTH_PX wide; the PNG records the smallest under this key.
PHONE_WIDTH_PX = 400
PHONE_MIN_PX = 8
PHONE_KEY = "Smallest text at 400 px wide"
MAX_ALT = 250
SOURCE_POINTS = 7  # the source line's size, except in a figure finished for phones


class SmallText(ValueError):
    """A README figure has a text too small to read on a phone, or cut off; one line naming it."""


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
    "axes.prop_cycle": mpl.cycler(color=[PALETTE["other"]]),  # no colour chosen: grey, context
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
    shell.set_custom_exc((DataError, OutputChanged, SmallText), show_data_error)


def show_data_error(shell, etype, value, tb, tb_offset=None):
    """IPython's handler for DataError, OutputChanged and SmallText: its one line ('DataError:
    <file>: <problem>'), without the package's traceback frames (which would show absolute
    paths). The cell still fails."""
    stb = [f"{etype.__name__}: {value}"]
    shell._showtraceback(etype, value, stb)
    return stb


def _png(fig, metadata: dict | None = None) -> bytes:
    """The figure as PNG bytes at a fixed size and dpi, with no metadata that changes between runs
    (no software version, no date); `metadata` adds text chunks (Description, PHONE_KEY)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None, **(metadata or {})})
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


def _save(fig, name: str, folder: Path, metadata: dict | None = None) -> tuple[str, bytes]:
    path = _target(name, folder)
    png = _png(fig, metadata)
    write_output(path, png, what="figure")
    return rel(path), png


def text_px(points: float, width_in: float, shown_px: float = PHONE_WIDTH_PX) -> float:
    """How tall a text of `points` is, in pixels, when a figure `width_in` inches wide is shown
    `shown_px` pixels wide (the font's em height)."""
    return points * shown_px / (72 * width_in)


def phone_points(fig) -> float:
    """The smallest font size, in points (to 0.1), that passes the phone check in this figure."""
    return math.ceil(PHONE_MIN_PX * 72 * fig.get_figwidth() / PHONE_WIDTH_PX * 10 - 1e-9) / 10


def _renderer(fig):
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(int(fig.bbox.width), int(fig.bbox.height), fig.dpi)


def drawn_texts(fig) -> list:
    """Every line of text the figure draws, as (line, size in points, the Text artist, its extent
    in pixels): found by drawing it once, so only what a reader sees counts (a tick outside the
    axes, an empty title and a hidden label do not)."""
    renderer = _renderer(fig)
    seen = []

    def record(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip():
            seen.append((s, prop.get_size_in_points(), mtext))
        return type(renderer).draw_text(
            renderer, gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext
        )

    renderer.draw_text = record
    fig.draw(renderer)
    return [
        (s, size, t, t.get_window_extent(renderer) if t is not None else None)
        for s, size, t in seen
    ]


def check_phone(fig, name: str) -> float:
    """The smallest text's height in px when the figure is shown 400 px wide; SmallText (one line
    naming it) if it is under 8 px, or if a text is cut off at the figure's edge."""
    texts = drawn_texts(fig)
    if not texts:
        raise SmallText(f"{name}: the figure draws no text")
    width = fig.get_figwidth()
    edge = fig.bbox
    for line, _size, _artist, box in texts:
        outside = box is not None and (
            box.x0 < edge.x0 - 1
            or box.y0 < edge.y0 - 1
            or box.x1 > edge.x1 + 1
            or box.y1 > edge.y1 + 1
        )
        if outside:
            raise SmallText(f"{name}: the text {_short(line)!r} is cut off at the figure's edge")
    line, size, _artist, _box = min(texts, key=lambda t: t[1])
    px = text_px(size, width)
    if px < PHONE_MIN_PX:
        raise SmallText(
            f"{name}: the text {_short(line)!r} is {px:.1f} px tall when the figure "
            f"is shown {PHONE_WIDTH_PX} px wide ({size:g} pt in a {width:g} in "
            f"figure; at least {PHONE_MIN_PX} px, {phone_points(fig):g} pt, needed)"
        )
    return px


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _wrap(fig, text: str, points: float) -> str:
    """`text` broken into lines that fit the figure's width (measured, not guessed)."""
    from matplotlib.font_manager import FontProperties

    renderer = _renderer(fig)
    prop = FontProperties(size=points)
    room = fig.bbox.width - 2 * 6 * fig.dpi / 72

    def width(s):
        return renderer.get_text_width_height_descent(s, prop, ismath=False)[0]

    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and width(candidate) > room:
            lines.append(line)
            line = word
        else:
            line = candidate
    return "\n".join([*lines, line])


def source_note(ax, text: str, fontsize: float = SOURCE_POINTS):
    """A small grey source line under a chart, so a figure carries its source when shared alone;
    broken into lines where it is wider than the figure. Returns the text artist."""
    text = _wrap(ax.figure, text, fontsize)
    return ax.annotate(
        text,
        xy=(0, 0),
        xycoords="figure fraction",
        xytext=(6, 4),
        textcoords="offset points",
        fontsize=fontsize,
        color="#666666",
        ha="left",
        va="bottom",
    )


def _plain_words(text: str) -> str:
    return " ".join(text.replace("\\$", "$").casefold().split()).strip(" .:")


def _title(fig) -> str:
    titles = [ax_.get_title(loc=loc) for ax_ in fig.axes for loc in ("left", "center", "right")]
    title = fig.get_suptitle() or next((t for t in titles if t), "")
    return title.replace("\\$", "$")  # matplotlib needs \$ for a dollar sign; readers do not


def check_alt(alt, title: str, name: str) -> str:
    """The alt text, if it says something: not empty, at most 250 characters, not the title."""
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(
            f"{name}: the alt text is empty; say the chart type, the data and the finding"
        )
    if len(alt) > MAX_ALT:
        raise ValueError(f"{name}: the alt text has {len(alt)} characters (at most {MAX_ALT})")
    if title and _plain_words(alt) in (_plain_words(title), _plain_words(f"Figure: {title}")):
        raise ValueError(
            f"{name}: the alt text repeats the title; say the chart type, the data and the finding"
        )
    return alt


def finish(
    fig, name: str, source: str, ax=None, folder: Path = FIGURES, *, alt: str, phone: bool = False
) -> None:
    """Finish a chart the same way everywhere: the source line under it, the layout, the PNG in
    figures/ (written as save_figure writes it, with `alt` as its Description), and in a notebook
    the very same PNG shown inline with `alt` as its text alternative. With `phone=True` (the
    README's figures) every text must pass the phone check (see the module docstring), and the
    PNG records the smallest text's size. The figure is rendered once and then closed, so the
    notebook shows exactly the file the README links to, whatever the matplotlib backend."""
    import matplotlib.pyplot as plt

    try:
        check_alt(alt, _title(fig), name)
        points = phone_points(fig) if phone else SOURCE_POINTS
        note = source_note(ax if ax is not None else fig.axes[0], source, fontsize=points)
        lines = note.get_text().count("\n") + 1
        room = (4 + lines * points * 1.2 + 3) / 72 / fig.get_figheight()  # the note and a gap
        fig.tight_layout(rect=(0, max(0.05, room), 1, 1))
        metadata = {"Description": alt}
        if phone:
            metadata[PHONE_KEY] = f"{check_phone(fig, name):.2f} px"
        png = _save(fig, name, folder, metadata)[1]
    except BaseException:
        plt.close(fig)
        raise
    plt.close(fig)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is always there with the notebooks
        return
    if get_ipython() is not None:
        display(
            {"image/png": base64.b64encode(png).decode("ascii"), "text/plain": alt},
            raw=True,
            metadata={"image/png": {"alt": alt}},
        )


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


__all__ = [
    "DPI",
    "PALE",
    "PALETTE",
    "PHONE_KEY",
    "STYLE",
    "SmallText",
    "check_alt",
    "check_phone",
    "drawn_texts",
    "finish",
    "phone_points",
    "plain_ticks",
    "save_figure",
    "show_data_error",
    "source_note",
    "text_px",
    "use_style",
]

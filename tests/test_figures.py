"""Figures are byte-identical from run to run, carry no changing metadata, and are never
rewritten with different bytes unless CLAIMCHECK_REGENERATE=1 asks for it; every figure says what
it shows (its alt text), the README's are readable on a phone, colours come from the palette."""

import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from claimcheck import save_figure, use_style  # noqa: E402
from claimcheck.atomic import OutputChanged  # noqa: E402
from claimcheck.figures import PHONE_KEY  # noqa: E402

ALT = "Line chart of a price over two days: it rose from 1 to 2."


def png_text(path) -> dict:
    """The text chunks of a PNG (Description, PHONE_KEY)."""
    from PIL import Image

    with Image.open(path) as image:
        return dict(image.text)


def draw():
    use_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="a line")
    ax.set_title("A title")
    ax.legend()
    return fig


def test_same_bytes_twice(tmp_path, regenerate):
    fig = draw()
    save_figure(fig, "one", folder=tmp_path)
    first = (tmp_path / "one.png").read_bytes()
    plt.close(fig)
    fig = draw()
    save_figure(fig, "one", folder=tmp_path)
    plt.close(fig)
    assert (tmp_path / "one.png").read_bytes() == first


def test_no_software_or_date_metadata(tmp_path, regenerate):
    fig = draw()
    save_figure(fig, "meta", folder=tmp_path)
    plt.close(fig)
    data = (tmp_path / "meta.png").read_bytes()
    assert b"Software" not in data and b"matplotlib" not in data.lower() and b"tIME" not in data


@pytest.mark.parametrize("bad", ["", "a/b", "x.png"])
def test_bad_names(tmp_path, bad):
    fig = draw()
    with pytest.raises(ValueError):
        save_figure(fig, bad, folder=tmp_path)
    plt.close(fig)


class KernelShell:
    """Stands in for ipykernel's shell: records what use_style asks of it."""

    kernel = object()

    def __init__(self):
        self.magics, self.handlers, self.shown = [], [], []

    def run_line_magic(self, name, line):
        self.magics.append((name, line))

    def set_custom_exc(self, exc_tuple, handler):
        self.handlers.append((exc_tuple, handler))

    def _showtraceback(self, etype, value, stb):
        self.shown.append(stb)


def test_use_style_selects_inline_and_a_one_line_data_error(monkeypatch):
    """Under a kernel, figures go inline whatever MPLBACKEND says, and DataError gets its
    handler."""
    import IPython

    from claimcheck import DataError
    from claimcheck.figures import SmallText, show_data_error

    shell = KernelShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    use_style()
    assert shell.magics == [("matplotlib", "inline")]
    assert shell.handlers == [((DataError, OutputChanged, SmallText), show_data_error)]
    error = DataError("data/x.csv: missing file")
    assert show_data_error(shell, DataError, error, None) == [
        "DataError: data/x.csv: missing file"
    ]
    assert shell.shown == [["DataError: data/x.csv: missing file"]]


def test_data_error_in_ipython_is_one_line(capsys, monkeypatch):
    """In a real IPython shell the cell fails with the one line, no frame of the package."""
    import sys

    from IPython.core.interactiveshell import InteractiveShell

    for hook in ("displayhook", "excepthook"):  # the shell replaces them: put them back afterwards
        monkeypatch.setattr(sys, hook, getattr(sys, hook))
    shell = InteractiveShell.instance()
    try:
        use_style()
        result = shell.run_cell("import claimcheck as cc\ncc.load_table('market/prices/NOPE.csv')")
    finally:
        InteractiveShell.clear_instance()
    assert type(result.error_in_exec).__name__ == "DataError"
    assert capsys.readouterr().out == "DataError: data/market/prices/NOPE.csv: missing file\n"


def test_finish_writes_the_png_shows_the_same_bytes_and_closes(tmp_path, monkeypatch, regenerate):
    """The notebook shows exactly the file the README links to, rendered once, whatever the
    backend."""
    import base64

    import IPython
    import IPython.display

    from claimcheck.figures import finish

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(
        IPython.display, "display", lambda data, raw, metadata: shown.append((data, raw, metadata))
    )
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    ax.set_title("Prices fell")
    finish(fig, "a_chart", "Source: test", folder=tmp_path, alt=ALT)
    written = (tmp_path / "a_chart.png").read_bytes()
    assert written.startswith(b"\x89PNG")
    data, raw, metadata = shown[0]
    assert raw and base64.b64decode(data["image/png"]) == written
    assert data["text/plain"] == ALT and metadata == {"image/png": {"alt": ALT}}
    assert png_text(tmp_path / "a_chart.png")["Description"] == ALT
    assert PHONE_KEY not in png_text(tmp_path / "a_chart.png")  # only README figures are checked
    assert not plt.fignum_exists(fig.number)


def tiny():
    """A small figure: these tests are about the bytes, not the chart."""
    fig, ax = plt.subplots(figsize=(1, 1))
    ax.plot([1, 2], [2, 1])
    return fig


def test_a_changed_figure_fails_naming_it_and_leaves_the_file(tmp_path, monkeypatch):
    """Without CLAIMCHECK_REGENERATE=1 a figure whose bytes differ from the file's (a different
    matplotlib, an edited chart) fails with one line naming it; the file keeps its bytes."""
    from claimcheck.atomic import REGENERATE

    monkeypatch.setenv(REGENERATE, "1")
    fig = tiny()
    save_figure(fig, "chart", folder=tmp_path)
    committed = (tmp_path / "chart.png").read_bytes()
    monkeypatch.delenv(REGENERATE)
    save_figure(fig, "chart", folder=tmp_path)  # the same bytes: fine, and nothing is rewritten
    fig.axes[0].set_title("B")
    with pytest.raises(OutputChanged) as info:
        save_figure(fig, "chart", folder=tmp_path)
    plt.close(fig)
    message = str(info.value)
    assert message.startswith(f"{(tmp_path / 'chart.png').as_posix()}: this figure would change (")
    assert "CLAIMCHECK_REGENERATE=1" in message and "\n" not in message
    assert (tmp_path / "chart.png").read_bytes() == committed
    assert [p.name for p in tmp_path.iterdir()] == ["chart.png"]  # no temporary file left


def test_a_new_figure_needs_the_switch_too(tmp_path):
    fig = tiny()
    with pytest.raises(OutputChanged, match="this figure does not exist yet"):
        save_figure(fig, "new_chart", folder=tmp_path)
    plt.close(fig)
    assert not list(tmp_path.iterdir())


def test_finish_fails_the_cell_on_drift_and_still_closes_the_figure(tmp_path, monkeypatch):
    from claimcheck.figures import finish

    (tmp_path / "drift.png").write_bytes(b"\x89PNG committed by an older matplotlib")
    fig = tiny()
    with pytest.raises(OutputChanged, match=r"drift\.png: this figure would change"):
        finish(fig, "drift", "Source: test", folder=tmp_path, alt=ALT)
    assert not plt.fignum_exists(fig.number)
    assert (tmp_path / "drift.png").read_bytes() == b"\x89PNG committed by an older matplotlib"


def test_pytest_refuses_to_regenerate(monkeypatch):
    """Regenerating under pytest would let notebooks rewrite files that others read meanwhile."""
    import conftest
    from claimcheck.atomic import REGENERATE

    monkeypatch.setenv(REGENERATE, "1")
    with pytest.raises(pytest.UsageError, match="pytest checks the committed figures"):
        conftest.pytest_configure(None)


# --- alt text ----------------------------------------------------------------------------------


def titled(title="Prices fell"):
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot([1, 2], [1, 2])
    ax.set_title(title)
    return fig


def test_finish_needs_an_alt_text():
    from claimcheck.figures import finish

    fig = titled()
    with pytest.raises(TypeError, match="alt"):
        finish(fig, "no_alt", "Source: test")  # the missing keyword is the point
    plt.close(fig)


@pytest.mark.parametrize(
    "alt, message",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 251, "251 characters"),
        ("Prices fell", "repeats the title"),
        ("Figure: prices fell.", "repeats the title"),
    ],
)
def test_an_empty_long_or_title_alt_is_refused_and_nothing_written(
    tmp_path, regenerate, alt, message
):
    from claimcheck.figures import finish

    fig = titled()
    with pytest.raises(ValueError, match=message):
        finish(fig, "bad_alt", "Source: test", folder=tmp_path, alt=alt)
    assert not list(tmp_path.iterdir()) and not plt.fignum_exists(fig.number)


def test_figure_alt_fills_its_template_and_refuses_missing_unused_and_long(tmp_path):
    from claimcheck import DataError
    from claimcheck.texts import figure_alt

    (tmp_path / "figures.csv").write_text(
        "figure,notebook,alt\n"
        'a,01_nvidia_selloff,"Bar chart of two prices: {a:.1f} against {b:.0f}."\n'
        'long,01_nvidia_selloff,"Bar chart {x}"\n',
        encoding="utf-8",
    )
    assert figure_alt("a", root=tmp_path, a=1.25, b=7) == "Bar chart of two prices: 1.2 against 7."
    with pytest.raises(ValueError, match=r"names \['b'\] that the notebook did not pass"):
        figure_alt("a", root=tmp_path, a=1)
    with pytest.raises(ValueError, match=r"values \['c'\] are passed but unused"):
        figure_alt("a", root=tmp_path, a=1, b=2, c=3)
    with pytest.raises(ValueError, match="at most 250"):
        figure_alt("long", root=tmp_path, x="y" * 250)
    with pytest.raises(DataError, match="figures.csv, nope: no row"):
        figure_alt("nope", root=tmp_path)


# --- phones ------------------------------------------------------------------------------------


def phone_figure(size=10, width=6.0):
    use_style()
    fig, ax = plt.subplots(figsize=(width, 3.5))
    ax.bar(["a", "b"], [1, 2], color="#999999")
    ax.set_title("B is twice A", fontsize=11)
    ax.text(0, 1.05, "a note", fontsize=size)
    for label in ax.get_xticklabels() + ax.get_yticklabels():
        label.set_fontsize(10)
    return fig


def test_text_size_on_a_phone():
    from claimcheck.figures import phone_points, text_px

    assert text_px(9, 6) == pytest.approx(9 * 400 / (72 * 6))
    assert text_px(7, 8) == pytest.approx(4.86, abs=0.01)  # the old source line: unreadable
    fig = plt.figure(figsize=(6, 3))
    assert phone_points(fig) == 8.7 and text_px(8.7, 6) >= 8 > text_px(8.6, 6)
    plt.close(fig)


def test_the_phone_check_fails_on_a_6_pt_text_naming_it(tmp_path, regenerate):
    from claimcheck.figures import SmallText, finish

    fig = phone_figure(size=6)
    with pytest.raises(SmallText) as info:
        finish(fig, "tiny_note", "Source: test", folder=tmp_path, alt=ALT, phone=True)
    message = str(info.value)
    assert message.startswith(
        "tiny_note: the text 'a note' is 5.6 px tall when the figure is shown 400 px wide"
    )
    assert "6 pt in a 6 in figure" in message and "\n" not in message
    assert not list(tmp_path.iterdir()) and not plt.fignum_exists(fig.number)


def test_the_phone_check_fails_on_a_text_cut_off_at_the_edge(tmp_path, regenerate):
    from claimcheck.figures import SmallText, finish

    fig = phone_figure()
    fig.text(0.8, 0.5, "a label that runs off the right edge", fontsize=10)  # not in the layout
    with pytest.raises(SmallText, match="cut off at the figure's edge"):
        finish(fig, "cut_off", "Source: test", folder=tmp_path, alt=ALT, phone=True)


def test_the_phone_check_passes_and_the_png_records_the_smallest_text(tmp_path, regenerate):
    """A readable figure: the source line, set by finish at the smallest size allowed, is the
    smallest text; a long source line is broken to fit, not cut off."""
    from claimcheck.figures import drawn_texts, finish

    fig = phone_figure()
    finish(
        fig,
        "readable",
        "Sources: " + "a long list of sources; " * 8,
        folder=tmp_path,
        alt=ALT,
        phone=True,
    )
    assert png_text(tmp_path / "readable.png")[PHONE_KEY] == "8.06 px"
    fig = phone_figure(size=9)
    texts = [line for line, *_ in drawn_texts(fig)]
    assert "a note" in texts and "B is twice A" in texts and "b" in texts  # ticks are found
    plt.close(fig)


def readme_figures() -> dict:
    """{figure name: the README's alt text} for every image the README shows from figures/."""
    from claimcheck.paths import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[([^\]]*)\]\(figures/([\w-]+)\.png\)", readme)
    return {name: alt for alt, name in images}


def test_readme_figures_passed_the_phone_check():
    """Each figure the README shows was finished with phone=True: its PNG says how tall its
    smallest text is at 400 px wide (8 px at least), and its notebook asks for the check."""
    from claimcheck.paths import FIGURES

    figures = readme_figures()
    assert len(figures) >= 4
    for name in figures:
        text = png_text(FIGURES / f"{name}.png")
        assert PHONE_KEY in text, f"figures/{name}.png was not finished with phone=True"
        assert float(text[PHONE_KEY].split()[0]) >= 8, f"figures/{name}.png: {text[PHONE_KEY]}"
        calls = [c for c in finish_calls() if c[0] == name]
        assert len(calls) == 1 and "phone=True" in calls[0][1], f"{name}: finish(..., phone=True)"


def test_readme_alt_texts_agree_with_the_figures():
    """The README's hand-written alt texts name the same chart as the figure's own (the PNG's
    Description, written by finish from data/figures.csv), and every number in them is in it."""
    from claimcheck.paths import FIGURES

    for name, alt in readme_figures().items():
        own = png_text(FIGURES / f"{name}.png")["Description"]
        assert alt.split(" of ")[0] == own.split(" of ")[0], f"{name}: {alt!r} / {own!r}"
        assert alt != own or len(alt) <= 250
        numbers = {int(n) for n in re.findall(r"\d+", own)}
        missing = [n for n in re.findall(r"\d+", alt) if int(n) not in numbers]
        assert not missing, f"{name}: the README's alt says {missing}, the figure's does not"


# --- every figure: its row in data/figures.csv, its alt in the notebook ------------------------

CHART = re.compile(
    r"^(?:[\w-]+ ){0,2}(?:bar chart|line chart|dot chart|step charts?|scatter plot|"
    r"heat map) of ",
    re.I,
)


def finish_calls() -> list:
    """(figure name, the cell's source, the notebook, the cell) for every cc.finish call."""
    from claimcheck.paths import NOTEBOOKS

    calls = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"])
            for name in re.findall(r"cc\.finish\(\s*fig\s*,\s*[\"']([\w-]+)[\"']", source):
                calls.append((name, source, path.stem, cell))
    return calls


def test_every_figure_has_one_alt_row_and_every_row_a_figure():
    from claimcheck.load import load_table
    from claimcheck.paths import FIGURES

    table = load_table("figures.csv")
    calls = finish_calls()
    finished = {name: stem for name, _, stem, _ in calls}
    assert len(finished) == len(calls), "a figure is finished twice"
    assert dict(zip(table["figure"], table["notebook"], strict=True)) == finished
    assert set(finished) == {p.stem for p in FIGURES.glob("*.png")}


def test_alt_templates_say_the_chart_type_and_type_no_number():
    import sys
    from pathlib import Path

    from claimcheck.load import load_table

    sys.path.insert(0, str(Path(__file__).parent))
    from test_texts import literal_numbers

    for row in load_table("figures.csv").itertuples():
        assert CHART.match(row.alt), f"{row.figure}: the alt text opens with the chart type"
        typed = literal_numbers(row.alt)
        assert not typed, f"{row.figure}: numbers typed {typed}"


def test_every_figure_in_a_notebook_is_shown_with_its_alt_text():
    """The output of each finish call: the image with its alt text as text/plain and as the
    output's alt metadata (nbconvert's classic template writes it as the <img alt>), the same
    text the PNG carries, at most 250 characters, not the title."""
    from claimcheck.paths import FIGURES

    for name, _, stem, cell in finish_calls():
        images = [o for o in cell.get("outputs", []) if "image/png" in o.get("data", {})]
        assert len(images) == 1, f"{stem}: {name} is shown {len(images)} times"
        out = images[0]
        alt = "".join(out["data"]["text/plain"])
        assert out["metadata"] == {"image/png": {"alt": alt}}, f"{stem}: {name}"
        assert 40 <= len(alt) <= 250 and CHART.match(alt), f"{stem}: {name}: {alt!r}"
        own = png_text(FIGURES / f"{name}.png")["Description"]
        assert own == alt, f"{name}: the notebook's alt text and the PNG's differ"


def test_nbconvert_writes_the_alt_text_into_the_img():
    """nbconvert's classic HTML template takes the output's alt metadata as the <img alt> (its lab
    template and JupyterLab itself ignore it: jupyter/nbconvert#1112, JEP pre-proposal #120)."""
    import nbformat
    from nbconvert import HTMLExporter

    name, _, _, cell = next(c for c in finish_calls() if c[0] == "solar_module_prices_jan2025")
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.from_dict({**cell, "source": "".join(cell["source"])}))
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(notebook)
    alt = "".join(cell["outputs"][0]["data"]["text/plain"])
    image = re.search(r"<img [^>]*>", html).group(0)
    assert f'alt="{alt}"' in image.replace("&#39;", "'")


# --- one colour, one meaning ---------------------------------------------------------------------

COLOUR_ARGUMENT = re.compile(
    r"\b(?:colou?rs?|c|ecolor|edgecolors?|facecolors?|fc|ec)\s*=\s*"
    r"[\"']([^\"']+)[\"']|[\"']colou?r[\"']\s*:\s*[\"']([^\"']+)[\"']"
)
INK = {"white", "#cccccc", "#666666"}  # fills behind hatching and text, connectors, grey text


def test_notebooks_take_their_colours_from_the_palette():
    """A colour typed into a chart (\"black\", \"#d95f02\") escapes the one-colour-one-meaning rule
    of claimcheck.figures; only neutral ink is typed."""
    from claimcheck.paths import NOTEBOOKS

    typed = []
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for match in COLOUR_ARGUMENT.finditer("".join(cell["source"])):
                    colour = match.group(1) or match.group(2)
                    if colour.lower() not in INK:
                        typed.append(f"{path.stem}: {colour}")
    assert not typed, f"colours typed instead of cc.PALETTE: {typed}"


def test_the_palette_is_documented_and_the_default_colour_is_grey():
    import claimcheck.figures as figures

    for key, colour in figures.PALETTE.items():
        assert f"(`{key}`)" in figures.__doc__, f"PALETTE['{key}'] has no meaning in the docstring"
        assert colour.startswith("#") and len(colour) == 7
    assert len(set(figures.PALETTE.values())) == len(figures.PALETTE)
    assert figures.STYLE["axes.prop_cycle"].by_key()["color"] == [figures.PALETTE["other"]]

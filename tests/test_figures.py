"""Figures are byte-identical from run to run, carry no changing metadata, and are never
rewritten with different bytes unless CLAIMCHECK_REGENERATE=1 asks for it."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from claimcheck import save_figure, use_style  # noqa: E402
from claimcheck.atomic import OutputChanged  # noqa: E402


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
    """Under a kernel, figures go inline whatever MPLBACKEND says, and DataError gets its handler."""
    import IPython

    from claimcheck import DataError
    from claimcheck.figures import show_data_error

    shell = KernelShell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    use_style()
    assert shell.magics == [("matplotlib", "inline")]
    assert shell.handlers == [((DataError, OutputChanged), show_data_error)]
    error = DataError("data/x.csv: missing file")
    assert show_data_error(shell, DataError, error, None) == ["DataError: data/x.csv: missing file"]
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
    """The notebook shows exactly the file the README links to, rendered once, whatever the backend."""
    import base64

    import IPython
    import IPython.display

    from claimcheck.figures import finish

    shown = []
    monkeypatch.setattr(IPython, "get_ipython", lambda: object())
    monkeypatch.setattr(IPython.display, "display", lambda data, raw: shown.append(data))
    fig, ax = plt.subplots()
    ax.plot([1, 2], [1, 2])
    ax.set_title("Prices fell")
    finish(fig, "a_chart", "Source: test", folder=tmp_path)
    written = (tmp_path / "a_chart.png").read_bytes()
    assert written.startswith(b"\x89PNG")
    assert base64.b64decode(shown[0]["image/png"]) == written
    assert shown[0]["text/plain"] == "Figure: Prices fell"
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
        finish(fig, "drift", "Source: test", folder=tmp_path)
    assert not plt.fignum_exists(fig.number)
    assert (tmp_path / "drift.png").read_bytes() == b"\x89PNG committed by an older matplotlib"


def test_pytest_refuses_to_regenerate(monkeypatch):
    """Regenerating under pytest would let notebooks rewrite files that others read meanwhile."""
    import conftest
    from claimcheck.atomic import REGENERATE

    monkeypatch.setenv(REGENERATE, "1")
    with pytest.raises(pytest.UsageError, match="pytest checks the committed figures"):
        conftest.pytest_configure(None)

"""Figures are byte-identical from run to run and carry no changing metadata."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from claimcheck import save_figure, use_style  # noqa: E402


def draw():
    use_style()
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="a line")
    ax.set_title("A title")
    ax.legend()
    return fig


def test_same_bytes_twice(tmp_path):
    fig = draw()
    save_figure(fig, "one", folder=tmp_path)
    first = (tmp_path / "one.png").read_bytes()
    plt.close(fig)
    fig = draw()
    save_figure(fig, "one", folder=tmp_path)
    plt.close(fig)
    assert (tmp_path / "one.png").read_bytes() == first


def test_no_software_or_date_metadata(tmp_path):
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
    assert shell.handlers == [((DataError,), show_data_error)]
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


def test_finish_writes_the_png_shows_the_same_bytes_and_closes(tmp_path, monkeypatch):
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

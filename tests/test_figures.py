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

"""Bad input gives one clear line that names the file and the problem."""
import shutil

import pytest

from claimcheck import DataError, load_claims, load_prices
from claimcheck.paths import DATA

GOOD = "date,open,high,low,close,volume\n2025-01-23,1,2,0.5,1.5,10\n2025-01-24,1,2,0.5,1.4,10\n"


@pytest.fixture
def root(tmp_path):
    """A copy of data/ small enough to break: the manifest, the claims and one NVDA file."""
    (tmp_path / "market" / "prices").mkdir(parents=True)
    shutil.copy(DATA / "market" / "tickers.csv", tmp_path / "market" / "tickers.csv")
    shutil.copy(DATA / "claims.csv", tmp_path / "claims.csv")
    return tmp_path


CASES = {
    "missing file": (None, "missing file"),
    "empty file": ("", "empty file"),
    "header only": ("date,open,high,low,close,volume\n", "empty file"),
    "missing column": ("date,open,high,low,volume\n2025-01-23,1,2,0.5,10\n", "missing column(s) 'close'"),
    "unparsable date": (GOOD.replace("2025-01-24", "24/01/2025"), "unparsable date '24/01/2025'"),
    "duplicate date": (GOOD.replace("2025-01-24", "2025-01-23"), "duplicate date 2025-01-23"),
    "non-positive price": (GOOD.replace("1.4,10", "-1.4,10"), "non-positive value -1.4 in column 'close'"),
    "zero price": (GOOD.replace("1.4,10", "0,10"), "non-positive value 0.0 in column 'close'"),
    "unsorted dates": (GOOD.replace("2025-01-24", "2025-01-22"), "not in increasing order"),
    "non-numeric price": (GOOD.replace("1.4,10", "n/a,10"), "non-numeric value 'n/a'"),
    "missing price": (GOOD.replace("1.4,10", ",10"), "missing value in column 'close'"),
    "unexpected column": (GOOD.replace("volume\n", "volume,x\n").replace(",10\n", ",10,1\n"), "unexpected column(s) 'x'"),
    "extra field": (GOOD.replace("1.4,10", "1.4,10,7"), "line 3 has 7 fields but the header has 6"),
    "fractional volume": (GOOD.replace("1.4,10", "1.4,10.5"), "non-integer value '10.5'"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_price_file(root, case):
    text, expected = CASES[case]
    if text is not None:
        (root / "market" / "prices" / "NVDA.csv").write_text(text)
    with pytest.raises(DataError) as info:
        load_prices("NVDA", root=root)
    message = str(info.value)
    assert message.startswith(f"{(root / 'market' / 'prices' / 'NVDA.csv').as_posix()}: ")
    assert expected in message
    assert "\n" not in message


def test_good_file_loads(root):
    (root / "market" / "prices" / "NVDA.csv").write_text(GOOD)
    frame = load_prices("NVDA", root=root)
    assert list(frame.index.strftime("%Y-%m-%d")) == ["2025-01-23", "2025-01-24"]
    assert frame.attrs["close_basis"] == "adjusted"


def test_unknown_ticker(root):
    with pytest.raises(DataError, match="tickers.csv: unknown ticker 'XYZ'"):
        load_prices("XYZ", root=root)


def test_unknown_kind_in_claims(root):
    path = root / "claims.csv"
    path.write_text(path.read_text().replace(",at_least,", ",more_than,", 1))
    with pytest.raises(DataError, match=r"claims.csv: unknown value 'more_than' in column 'kind' \(line \d+\)"):
        load_claims(root=root)


@pytest.mark.parametrize("text, expected", [(None, "missing file"), ("{not json", "not valid JSON"), ("{}", "empty file")])
def test_bad_json(tmp_path, text, expected):
    from claimcheck import load_json

    if text is not None:
        (tmp_path / "config.json").write_text(text)
    with pytest.raises(DataError) as info:
        load_json("config.json", root=tmp_path)
    assert str(info.value).startswith(f"{(tmp_path / 'config.json').as_posix()}: ") and expected in str(info.value)
    assert "\n" not in str(info.value)

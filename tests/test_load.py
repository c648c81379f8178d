"""Bad input gives one clear line that names the file and the problem."""
import shutil

import pytest

import pandas as pd

from claimcheck import DataError, fx_rate, load_claims, load_prices, load_table
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
    "infinite price": (GOOD.replace("1.4,10", "inf,10"), "non-finite value 'inf' in column 'close' (line 3)"),
    "overflowing price": (GOOD.replace("1.4,10", "1e400,10"), "non-finite value '1e400' in column 'close' (line 3)"),
    "negative infinity": (GOOD.replace("0.5,1.5", "-Infinity,1.5"), "non-finite value '-Infinity' in column 'low'"),
    "huge volume": (GOOD.replace("1.4,10", "1.4,1e30"), "integer value '1e30' in column 'volume' is out of range"),
    "row cut off": (GOOD[:-4], "line 3 is cut off (the file does not end with a line break)"),
    "short row": (GOOD + "2025-01-27,1,2\n", "line 4 has 3 fields but the header has 6"),
    "one-digit month": (GOOD.replace("2025-01-24", "2025-1-24"), "unparsable date '2025-1-24' in column 'date'; "
                        "expected YYYY-MM-DD (line 3)"),
    "time in date": (GOOD.replace("2025-01-24", "2025-01-24 00:00"), "unparsable date '2025-01-24 00:00'"),
    "duplicate header": (GOOD.replace("volume", "close"), "column 'close' appears twice in the header (line 1)"),
    "blank lines": ("\n" + GOOD.replace("\n2025-01-24", "\n\n\n2025-01-24").replace("1.4,10", "-1,10"),
                    "non-positive value -1.0 in column 'close' (line 6)"),
    "header after blank": ("\n\n" + GOOD.replace("1.5,10", "1.5,x"), "non-numeric value 'x' in column 'volume' (line 4)"),
    "unterminated quote": (GOOD.replace("2025-01-24,1,", '2025-01-24,"1,'), "not a readable CSV file"),
    "not UTF-8": (GOOD.replace("volume", "volum\xe9"), None),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_price_file(root, case):
    text, expected = CASES[case]
    if case == "not UTF-8":
        (root / "market" / "prices" / "NVDA.csv").write_bytes(text.encode("latin-1"))
        expected = "not a readable CSV file (not UTF-8 text)"
    elif text is not None:
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


def error(relpath, root):
    with pytest.raises(DataError) as info:
        load_table(relpath, root=root)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_quoted_newlines_count_as_lines(tmp_path):
    """A line break inside a quoted field is a line in the editor: the line number counts it."""
    (tmp_path / "market").mkdir()
    text = ('date,label,event,kind,amount_usd_bn,source,url\n'
            '2025-01-20,R1,"DeepSeek releases R1,\nits reasoning model",release,,DeepSeek,https://x\n'
            '2025-01-21,S,Stargate,announcement,-500,OpenAI,https://y\n')
    (tmp_path / "market" / "events.csv").write_text(text)
    assert error("market/events.csv", tmp_path).endswith("non-positive value -500.0 in column 'amount_usd_bn' (line 4)")


def test_byte_order_mark_is_handled(root):
    (root / "market" / "prices" / "NVDA.csv").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    assert list(load_prices("NVDA", root=root)["close"]) == [1.5, 1.4]


def test_crlf_line_ends_are_read(root):
    (root / "market" / "prices" / "NVDA.csv").write_bytes(GOOD.replace("\n", "\r\n").encode())
    assert list(load_prices("NVDA", root=root)["volume"]) == [10, 10]


def test_a_directory_is_named_as_such(root):
    (root / "market" / "prices" / "NVDA.csv").mkdir()
    assert error("market/prices/NVDA.csv", root).endswith("NVDA.csv: a directory, not a file")


def test_a_broken_link_is_named_by_its_place_in_the_repository(monkeypatch, tmp_path):
    """The message names the link as it sits under data/, not the absolute path it points to."""
    from claimcheck import paths

    repo = tmp_path / "repo"
    (repo / "data" / "market" / "prices").mkdir(parents=True)
    (repo / "data" / "market" / "prices" / "NVDA.csv").symlink_to(tmp_path / "elsewhere" / "NVDA.csv")
    monkeypatch.setattr(paths, "ROOT", repo)
    message = error("market/prices/NVDA.csv", repo / "data")
    assert message == "data/market/prices/NVDA.csv: a broken symbolic link (its target does not exist)"


def test_a_link_to_a_file_elsewhere_is_named_by_its_place(monkeypatch, tmp_path):
    from claimcheck import paths

    repo = tmp_path / "repo"
    (repo / "data" / "market" / "prices").mkdir(parents=True)
    (tmp_path / "NVDA.csv").write_text(GOOD.replace("1.4,10", "-1,10"))
    (repo / "data" / "market" / "prices" / "NVDA.csv").symlink_to(tmp_path / "NVDA.csv")
    monkeypatch.setattr(paths, "ROOT", repo)
    assert error("market/prices/NVDA.csv", repo / "data").startswith("data/market/prices/NVDA.csv: non-positive")


def test_an_empty_nullable_integer_is_not_called_non_integer(tmp_path):
    """A nullable int column: '' is a missing value; the first real non-integer is the one named."""
    (tmp_path / "ai").mkdir()
    header = "gpu,maker,architecture,segment,released,year,memory_gb,max_power_w,nvlink_gb_s,source,url,quality\n"
    rows = ("H800,NVIDIA,Hopper,data centre,,2023,80,,,s,u,primary\n"
            "H20,NVIDIA,Hopper,data centre,2024-01-01,2024,96,,,s,u,primary\n")
    (tmp_path / "ai" / "gpus.csv").write_text(header + rows)
    assert load_table("ai/gpus.csv", root=tmp_path)["released"].isna().sum() == 1
    bad = rows.replace(",2024,96", ",2024.5,96")
    (tmp_path / "ai" / "gpus.csv").write_text(header + bad)
    assert error("ai/gpus.csv", tmp_path).endswith("non-integer value '2024.5' in column 'year' (line 3)")


def test_nullable_int_with_a_gap_before_the_bad_value(monkeypatch, tmp_path):
    """The old check named the first empty cell ('') as the non-integer value."""
    from claimcheck import load

    schema = load.Schema(columns={"year": "int", "n": "int"}, nullable=("n",))
    monkeypatch.setitem(load.SCHEMAS, "toy.csv", schema)
    (tmp_path / "toy.csv").write_text("year,n\n2020,\n2021,1.5\n")
    assert error("toy.csv", tmp_path).endswith("non-integer value '1.5' in column 'n' (line 3)")
    (tmp_path / "toy.csv").write_text("year,n\n2020,\n2021,2\n")
    assert load_table("toy.csv", root=tmp_path)["n"].tolist() == [pd.NA, 2]


def test_text_is_checked_as_the_file_would_be(root):
    """The refresh passes the text it will write: same schema, the file named as '(new text)'."""
    with pytest.raises(DataError) as info:
        load_table("market/prices/NVDA.csv", root=root, text=GOOD.replace("1.4,10", "inf,10"))
    assert str(info.value).endswith("NVDA.csv (new text): non-finite value 'inf' in column 'close' (line 3)")
    assert not (root / "market" / "prices" / "NVDA.csv").exists()
    assert len(load_table("market/prices/NVDA.csv", root=root, text=GOOD)) == 2


def test_data_error_keeps_file_and_problem_apart():
    exc = DataError("data/x.csv: line 3 is cut off")
    assert (exc.shown, exc.problem, str(exc)) == ("data/x.csv", "line 3 is cut off", "data/x.csv: line 3 is cut off")


ECB = "date,usd_per_eur,cny_per_eur\n2025-01-24,1.0472,7.5918\n2025-01-27,1.0463,7.5759\n"


@pytest.fixture
def fx_root(tmp_path):
    (tmp_path / "market").mkdir()
    (tmp_path / "market" / "ecb_fx.csv").write_text(ECB)
    return tmp_path


def test_fx_rate_euro_on_a_fixing_day(fx_root):
    assert fx_rate("2025-01-27", "EUR", root=fx_root) == (1.0463, pd.Timestamp("2025-01-27"))


def test_fx_rate_yuan_goes_through_the_euro(fx_root):
    rate, day = fx_rate("2025-01-24", "CNY", root=fx_root)
    assert rate == pytest.approx(1.0472 / 7.5918, rel=1e-12) and day == pd.Timestamp("2025-01-24")


def test_fx_rate_takes_the_last_fixing_before_a_weekend(fx_root):
    """Sunday 26 January: Friday's fixing, never an interpolation with Monday's."""
    assert fx_rate("2025-01-26", "EUR", root=fx_root) == (1.0472, pd.Timestamp("2025-01-24"))
    assert fx_rate(pd.Timestamp("2025-03-01"), "EUR", root=fx_root)[1] == pd.Timestamp("2025-01-27")


def test_fx_rate_refuses_a_day_before_the_first_fixing_and_unknown_currencies(fx_root):
    with pytest.raises(DataError, match="no ECB fixing on or before 2025-01-23"):
        fx_rate("2025-01-23", "EUR", root=fx_root)
    with pytest.raises(ValueError, match="unknown currency 'GBP'"):
        fx_rate("2025-01-27", "GBP", root=fx_root)


def test_fx_rate_on_the_real_table():
    """The notebooks' rate for 27 January 2025 is the ECB's fixing of that day."""
    rate, day = fx_rate("2025-01-27", "CNY")
    table = load_table("market/ecb_fx.csv").set_index("date").loc["2025-01-27"]
    assert day == pd.Timestamp("2025-01-27") and rate == table["usd_per_eur"] / table["cny_per_eur"]

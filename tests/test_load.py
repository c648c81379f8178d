"""Bad input gives one clear line that names the file and the problem."""

import shutil

import pandas as pd
import pytest

from claimcheck import DataError, fx_rate, load_claims, load_prices, load_table
from claimcheck.paths import DATA

GOOD = "date,open,high,low,close,volume\n2025-01-23,1,2,0.5,1.5,10\n2025-01-24,1,2,0.5,1.4,10\n"


# A manifest of its own: the live one changes when the market data are refreshed (a refresh makes
# NVDA's close_basis 'raw'), and these tests must not change with it.
MANIFEST = (
    "ticker,file,group,close_basis,source_repo,source_path,source_commit,source_method\n"
    "NVDA,prices/NVDA.csv,subject,adjusted,a/repo,NVDA.csv,,yfinance download auto_adjust=True\n"
    "SPY,prices/SPY.csv,benchmark,raw,Yahoo Finance,yf.download,,auto_adjust=False\n"
)


@pytest.fixture
def root(tmp_path):
    """A copy of data/ small enough to break: a manifest, the claims and one NVDA file."""
    (tmp_path / "market" / "prices").mkdir(parents=True)
    (tmp_path / "market" / "tickers.csv").write_text(MANIFEST)
    shutil.copy(DATA / "claims.csv", tmp_path / "claims.csv")
    return tmp_path


CASES = {
    "missing file": (None, "missing file"),
    "empty file": ("", "empty file"),
    "header only": ("date,open,high,low,close,volume\n", "empty file"),
    "missing column": (
        "date,open,high,low,volume\n2025-01-23,1,2,0.5,10\n",
        "missing column(s) 'close'",
    ),
    "unparsable date": (GOOD.replace("2025-01-24", "24/01/2025"), "unparsable date '24/01/2025'"),
    "duplicate date": (GOOD.replace("2025-01-24", "2025-01-23"), "duplicate date 2025-01-23"),
    "non-positive price": (
        GOOD.replace("1.4,10", "-1.4,10"),
        "non-positive value -1.4 in column 'close'",
    ),
    "zero price": (GOOD.replace("1.4,10", "0,10"), "non-positive value 0.0 in column 'close'"),
    "unsorted dates": (GOOD.replace("2025-01-24", "2025-01-22"), "not in increasing order"),
    "non-numeric price": (GOOD.replace("1.4,10", "n/a,10"), "non-numeric value 'n/a'"),
    "missing price": (GOOD.replace("1.4,10", ",10"), "missing value in column 'close'"),
    "unexpected column": (
        GOOD.replace("volume\n", "volume,x\n").replace(",10\n", ",10,1\n"),
        "unexpected column(s) 'x'",
    ),
    "extra field": (
        GOOD.replace("1.4,10", "1.4,10,7"),
        "line 3 has 7 fields but the header has 6",
    ),
    "fractional volume": (GOOD.replace("1.4,10", "1.4,10.5"), "non-integer value '10.5'"),
    "infinite price": (
        GOOD.replace("1.4,10", "inf,10"),
        "non-finite value 'inf' in column 'close' (line 3)",
    ),
    "overflowing price": (
        GOOD.replace("1.4,10", "1e400,10"),
        "non-finite value '1e400' in column 'close' (line 3)",
    ),
    "negative infinity": (
        GOOD.replace("0.5,1.5", "-Infinity,1.5"),
        "non-finite value '-Infinity' in column 'low'",
    ),
    "huge volume": (
        GOOD.replace("1.4,10", "1.4,1e30"),
        "integer value '1e30' in column 'volume' is out of range",
    ),
    "row cut off": (
        GOOD[:-4],
        "line 3 does not end with a line break: refused because a cut-off last row can "
        "look complete; if line 3 is whole, add a line break at its end (for example: echo >> ",
    ),
    "no final line break": (GOOD[:-1], "line 3 does not end with a line break"),
    "no volume (notebook 01 reads it)": (
        GOOD.replace(",volume", "").replace(",10\n", "\n"),
        "missing column(s) 'volume'",
    ),
    "whitespace-only price": (
        GOOD.replace("1.4,10", "   ,10"),
        "missing value in column 'close' (line 3)",
    ),
    "CR-only line breaks": (
        GOOD.replace("\n", "\r"),
        "its line breaks are carriage returns only (CR, the old Mac "
        "convention), so it reads as one line; save it with LF (or CRLF) line breaks",
    ),
    "a lone CR": (
        GOOD.replace("10\n2025-01-24", "10\r2025-01-24"),
        "line 2 ends in a lone carriage return",
    ),
    "short row": (GOOD + "2025-01-27,1,2\n", "line 4 has 3 fields but the header has 6"),
    "one-digit month": (
        GOOD.replace("2025-01-24", "2025-1-24"),
        "unparsable date '2025-1-24' in column 'date'; expected YYYY-MM-DD (line 3)",
    ),
    "time in date": (
        GOOD.replace("2025-01-24", "2025-01-24 00:00"),
        "unparsable date '2025-01-24 00:00'",
    ),
    "duplicate header": (
        GOOD.replace("volume", "close"),
        "column 'close' appears twice in the header (line 1)",
    ),
    "blank lines": (
        "\n" + GOOD.replace("\n2025-01-24", "\n\n\n2025-01-24").replace("1.4,10", "-1,10"),
        "non-positive value -1.0 in column 'close' (line 6)",
    ),
    "header after blank": (
        "\n\n" + GOOD.replace("1.5,10", "1.5,x"),
        "non-numeric value 'x' in column 'volume' (line 4)",
    ),
    "unterminated quote": (
        GOOD.replace("2025-01-24,1,", '2025-01-24,"1,'),
        "not a readable CSV file",
    ),
    "not UTF-8": (GOOD.replace("1.4,10", "1.4,1\xe9"), "latin-1"),
    "UTF-16": (GOOD, "utf-16"),
    "UTF-16 without a byte-order mark": (GOOD, "utf-16-le"),
}
ENCODED = {  # the message for each encoding case
    "not UTF-8": (
        "not UTF-8 text: byte 0xe9 on line 3, column 25 cannot be read (Latin-1 or Windows-1252 "
        "text?); save the file as UTF-8"
    ),
    "UTF-16": (
        "not UTF-8 text: byte 0xff on line 1, column 1 cannot be read (the file is UTF-16 text); "
        "save the file as UTF-8"
    ),
    "UTF-16 without a byte-order mark": (
        "line 1 holds NUL bytes (UTF-16 text?); save the file as UTF-8"
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_bad_price_file(root, case):
    text, expected = CASES[case]
    if case in ENCODED:
        (root / "market" / "prices" / "NVDA.csv").write_bytes(text.encode(expected))
        expected = ENCODED[case]
    elif text is not None:
        (root / "market" / "prices" / "NVDA.csv").write_bytes(text.encode("utf-8"))
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
    (root / "market" / "tickers.csv").write_text(
        MANIFEST.replace("subject,adjusted", "subject,raw")
    )
    assert (
        load_prices("NVDA", root=root).attrs["close_basis"] == "raw"
    )  # the manifest's basis, read afresh


def test_unknown_ticker(root):
    with pytest.raises(DataError, match="tickers.csv: unknown ticker 'XYZ'"):
        load_prices("XYZ", root=root)


def test_unknown_kind_in_claims(root):
    path = root / "claims.csv"
    path.write_text(path.read_text().replace(",at_least,", ",more_than,", 1))
    with pytest.raises(
        DataError, match=r"claims.csv: unknown value 'more_than' in column 'kind' \(line \d+\)"
    ):
        load_claims(root=root)


@pytest.mark.parametrize(
    "text, expected",
    [(None, "missing file"), ("{not json", "not valid JSON"), ("{}", "empty file")],
)
def test_bad_json(tmp_path, text, expected):
    from claimcheck import load_json

    if text is not None:
        (tmp_path / "config.json").write_text(text)
    with pytest.raises(DataError) as info:
        load_json("config.json", root=tmp_path)
    assert str(info.value).startswith(
        f"{(tmp_path / 'config.json').as_posix()}: "
    ) and expected in str(info.value)
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
    text = (
        "date,label,event,kind,amount_usd_bn,source,url\n"
        '2025-01-20,R1,"DeepSeek releases R1,\nits reasoning model",release,,DeepSeek,https://x\n'
        "2025-01-21,S,Stargate,announcement,-500,OpenAI,https://y\n"
    )
    (tmp_path / "market" / "events.csv").write_text(text)
    assert error("market/events.csv", tmp_path).endswith(
        "non-positive value -500.0 in column 'amount_usd_bn' (line 4)"
    )


def test_a_bad_value_in_a_record_spanning_lines_names_its_own_line(tmp_path):
    """A quoted field with a line break makes one record of two lines: a bad value before that
    field is on the record's first line, one after it on the second."""
    (tmp_path / "market").mkdir()
    header = "date,label,event,kind,amount_usd_bn,source,url\n"
    first = "2025-01-19,x,y,release,,z,u\n"
    before = '2025-01-20,R1,y,nope,,"DeepSeek, in its\nR1 paper",https://x\n'
    (tmp_path / "market" / "events.csv").write_text(header + first + before)
    assert error("market/events.csv", tmp_path).endswith(
        "unknown value 'nope' in column 'kind' (line 3)"
    )
    day = (
        '2025-01-2x,R1,"DeepSeek releases R1,\nits reasoning model",release,,DeepSeek,https://x\n'
    )
    (tmp_path / "market" / "events.csv").write_text(header + first + day)
    assert error("market/events.csv", tmp_path).endswith(
        "in column 'date'; expected YYYY-MM-DD (line 3)"
    )
    after = '2025-01-20,R1,"DeepSeek releases R1,\nits reasoning model",release,-5,DeepSeek,https://x\n'
    (tmp_path / "market" / "events.csv").write_text(header + first + after)
    assert error("market/events.csv", tmp_path).endswith(
        "non-positive value -5.0 in column 'amount_usd_bn' (line 4)"
    )
    two = '2025-01-20,R1,"a\r\nb\r\nc",release,-5,"d\ne",https://x\n'  # CRLF in quotes: once
    (tmp_path / "market" / "events.csv").write_text(header + first + two)
    assert error("market/events.csv", tmp_path).endswith("in column 'amount_usd_bn' (line 5)")


def test_whitespace_only_cells_are_empty(monkeypatch, tmp_path):
    """'  ' is a missing value: refused where a value is required, missing (NA) where allowed."""
    from claimcheck import load

    schema = load.Schema(columns={"year": "int", "n": "float", "s": "str"}, nullable=("n", "s"))
    monkeypatch.setitem(load.SCHEMAS, "toy.csv", schema)
    (tmp_path / "toy.csv").write_text("year,n,s\n2020, \t,  \n2021,2,b\n")
    table = load_table("toy.csv", root=tmp_path)
    assert table["n"].isna().tolist() == [True, False] and table["s"].isna().tolist() == [
        True,
        False,
    ]
    (tmp_path / "toy.csv").write_text("year,n,s\n  ,1,a\n")
    assert error("toy.csv", tmp_path).endswith("missing value in column 'year' (line 2)")


def test_the_cache_sees_an_edit_of_the_same_length(root):
    """The loader caches checked tables by their text: an edit that keeps the file's length (and
    its modification time, within the clock's resolution) must still be seen."""
    import os

    path = root / "market" / "prices" / "NVDA.csv"
    path.write_text(GOOD)
    stat = path.stat()
    assert list(load_prices("NVDA", root=root)["close"]) == [1.5, 1.4]
    path.write_text(GOOD.replace("1.4,10", "1.3,10"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    assert list(load_prices("NVDA", root=root)["close"]) == [1.5, 1.3]
    path.write_text(GOOD.replace("1.4,10", "-14,10"))
    assert error("market/prices/NVDA.csv", root).endswith(
        "non-positive value -14.0 in column 'close' (line 3)"
    )


def test_a_file_over_10_mb_fails_fast(root):
    """Refused from its size, before it is read (a sparse file: nothing is written to disk)."""
    import time

    path = root / "market" / "prices" / "NVDA.csv"
    with open(path, "wb") as fh:
        fh.truncate(100 * 10**6)
    start = time.perf_counter()
    message = error("market/prices/NVDA.csv", root)
    assert time.perf_counter() - start < 0.5
    assert message.endswith(
        "NVDA.csv: 100.0 MB, over the 10 MB a data file may have (the largest in the "
        "repository is under 100 kB): is it the right file?"
    )
    with pytest.raises(DataError, match=r"\(new text\): 10.0 MB, over the 10 MB"):
        load_table("market/prices/NVDA.csv", root=root, text="x" * (10 * 10**6 + 1))


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
    (repo / "data" / "market" / "prices" / "NVDA.csv").symlink_to(
        tmp_path / "elsewhere" / "NVDA.csv"
    )
    monkeypatch.setattr(paths, "ROOT", repo)
    message = error("market/prices/NVDA.csv", repo / "data")
    assert (
        message
        == "data/market/prices/NVDA.csv: a broken symbolic link (its target does not exist)"
    )


def test_a_link_to_a_file_elsewhere_is_named_by_its_place(monkeypatch, tmp_path):
    from claimcheck import paths

    repo = tmp_path / "repo"
    (repo / "data" / "market" / "prices").mkdir(parents=True)
    (tmp_path / "NVDA.csv").write_text(GOOD.replace("1.4,10", "-1,10"))
    (repo / "data" / "market" / "prices" / "NVDA.csv").symlink_to(tmp_path / "NVDA.csv")
    monkeypatch.setattr(paths, "ROOT", repo)
    assert error("market/prices/NVDA.csv", repo / "data").startswith(
        "data/market/prices/NVDA.csv: non-positive"
    )


def test_an_empty_nullable_integer_is_not_called_non_integer(tmp_path):
    """A nullable int column: '' is a missing value; the first real non-integer is named."""
    (tmp_path / "ai").mkdir()
    header = (
        "gpu,maker,architecture,segment,released,year,memory_gb,max_power_w,nvlink_gb_s,"
        "source,url,quality\n"
    )
    rows = (
        "H800,NVIDIA,Hopper,data centre,,2023,80,,,s,u,primary\n"
        "H20,NVIDIA,Hopper,data centre,2024-01-01,2024,96,,,s,u,primary\n"
    )
    (tmp_path / "ai" / "gpus.csv").write_text(header + rows)
    assert load_table("ai/gpus.csv", root=tmp_path)["released"].isna().sum() == 1
    bad = rows.replace(",2024,96", ",2024.5,96")
    (tmp_path / "ai" / "gpus.csv").write_text(header + bad)
    assert error("ai/gpus.csv", tmp_path).endswith(
        "non-integer value '2024.5' in column 'year' (line 3)"
    )


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
    assert str(info.value).endswith(
        "NVDA.csv (new text): non-finite value 'inf' in column 'close' (line 3)"
    )
    assert not (root / "market" / "prices" / "NVDA.csv").exists()
    assert len(load_table("market/prices/NVDA.csv", root=root, text=GOOD)) == 2


def test_data_error_keeps_file_and_problem_apart():
    exc = DataError("data/x.csv: line 3 is cut off")
    assert (exc.shown, exc.problem, str(exc)) == (
        "data/x.csv",
        "line 3 is cut off",
        "data/x.csv: line 3 is cut off",
    )


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
    assert fx_rate(pd.Timestamp("2025-03-01"), "EUR", root=fx_root)[1] == pd.Timestamp(
        "2025-01-27"
    )


def test_fx_rate_refuses_a_day_before_the_first_fixing_and_unknown_currencies(fx_root):
    with pytest.raises(DataError, match="no ECB fixing on or before 2025-01-23"):
        fx_rate("2025-01-23", "EUR", root=fx_root)
    with pytest.raises(ValueError, match="unknown currency 'GBP'"):
        fx_rate("2025-01-27", "GBP", root=fx_root)


def test_fx_rate_on_the_real_table():
    """The notebooks' rate for 27 January 2025 is the ECB's fixing of that day."""
    rate, day = fx_rate("2025-01-27", "CNY")
    table = load_table("market/ecb_fx.csv").set_index("date").loc["2025-01-27"]
    assert (
        day == pd.Timestamp("2025-01-27") and rate == table["usd_per_eur"] / table["cny_per_eur"]
    )

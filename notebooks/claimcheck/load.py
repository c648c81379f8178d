"""Read and validate the files under data/.

Every file has a schema in claimcheck.schemas.SCHEMAS (matched by its path under data/). A file
that does not fit raises DataError with one line naming the file and the problem, never a pandas
traceback. Columns are read as text first and converted here, so the conversion errors can say
which value, in which column, on which physical line of the file (counting blank lines and the
line breaks inside quoted fields, as an editor shows them).

`load_table` is the one reader: every other loader calls it, and the market refresh passes the
text it is about to write through it (`text=`), so a download meets the same schema as the file.
"""

from __future__ import annotations

import csv
import fnmatch
import hashlib
import io
import re
from itertools import accumulate
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import DATA, rel
from .schemas import SCHEMAS, Schema  # noqa: F401  (Schema re-exported for tests)

DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_INT = 2**53  # larger integers do not survive a float64 round trip
MAX_BYTES = 10 * 10**6  # no data file comes near this (the largest is under 100 kB): fail fast
LONE_CR = re.compile(r"\r(?!\n)")


class DataError(ValueError):
    """A data file is missing or malformed. The message is one line: '<file>: <problem>'.

    `shown` is the file as named in the message (relative to the repository) and `problem`
    the part after the colon, so a caller can reword it (the refresh names the ticker)."""

    def __init__(self, shown: str, problem: str | None = None):
        if problem is None:  # DataError("data/x.csv: the problem"), as the other modules raise it
            shown, _, problem = shown.partition(": ")
        super().__init__(f"{shown}: {problem}")
        self.shown, self.problem = shown, problem


def schema_for(relpath: str) -> Schema:
    """The file's schema: its own entry if it has one (NVDA's bars), else its pattern's."""
    if relpath in SCHEMAS:
        return SCHEMAS[relpath]
    for pattern, schema in SCHEMAS.items():
        if fnmatch.fnmatch(relpath, pattern):
            return schema
    raise DataError(
        f"data/{relpath}", "no schema is declared for this file (add one to claimcheck/schemas.py)"
    )


def _fail(path, problem: str):
    raise DataError(path if isinstance(path, str) else rel(path), problem)


def _too_big(shown: str, size: int) -> None:
    if size > MAX_BYTES:
        _fail(
            shown,
            f"{size / 1e6:,.1f} MB, over the {MAX_BYTES // 10**6} MB a data file may have (the "
            "largest in the repository is under 100 kB): is it the right file?",
        )


def _read_text(path: Path) -> str:
    """The file's text; a missing file, a directory or a broken link is named as such, a file
    over MAX_BYTES is refused before it is read, and bytes that are not UTF-8 name their line."""
    if path.is_symlink() and not path.exists():
        _fail(path, "a broken symbolic link (its target does not exist)")
    if path.is_dir():
        _fail(path, "a directory, not a file")
    if not path.exists():
        _fail(path, "missing file")
    try:
        _too_big(rel(path), path.stat().st_size)
        data = path.read_bytes()
    except OSError as exc:
        _fail(path, f"cannot be read ({type(exc).__name__}: {exc.strerror or exc})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _fail(path, _not_utf8(data, exc))


def _not_utf8(data: bytes, exc: UnicodeDecodeError) -> str:
    line = data.count(b"\n", 0, exc.start) + 1
    column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        guess = "the file is UTF-16 text"
    else:
        guess = "Latin-1 or Windows-1252 text?"
    return (
        f"not UTF-8 text: byte 0x{data[exc.start]:02x} on line {line}, column {column} cannot be "
        f"read ({guess}); save the file as UTF-8"
    )


def _records(shown: str, text: str) -> tuple[list[list[str]], list[int]]:
    """The non-blank CSV records and the physical line on which each one starts."""
    text = text.removeprefix("\ufeff")  # a byte-order mark (Excel's 'CSV UTF-8') is not data
    if not text.strip():
        _fail(shown, "empty file (no header, no rows)")
    if "\x00" in text:  # valid UTF-8, but no text file has them: UTF-16 without a byte-order mark
        line = text.count("\n", 0, text.index("\x00")) + 1
        _fail(shown, f"line {line} holds NUL bytes (UTF-16 text?); save the file as UTF-8")
    lone_cr = LONE_CR.search(text)
    if lone_cr:
        if "\n" not in text:
            _fail(
                shown,
                "its line breaks are carriage returns only (CR, the old Mac convention), so it "
                "reads as one line; save it with LF (or CRLF) line breaks",
            )
        line = text.count("\n", 0, lone_cr.start()) + 1
        _fail(
            shown,
            f"line {line} ends in a lone carriage return (CR, not LF or CRLF); save the file "
            "with LF (or CRLF) line breaks",
        )
    if not text.endswith("\n"):
        last = text.count("\n") + 1
        _fail(
            shown,
            f"line {last} does not end with a line break: refused because a cut-off last row "
            f"can look complete; if line {last} is whole, add a line break at its end "
            f"(for example: echo >> {shown.removesuffix(' (new text)')})",
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records, starts, previous = [], [], 0
    try:
        for record in reader:
            if record:
                records.append(record)
                starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error as exc:
        _fail(shown, f"not a readable CSV file ({exc} at line {reader.line_num})")
    return records, starts


class _Lines:
    """The physical line of each cell: its record's first line plus the line breaks inside the
    quoted fields before it (so a bad value after a multi-line field names its own line)."""

    def __init__(self, header: list[str], starts: list[int], body: list[list[str]]):
        self.columns = {name: j for j, name in enumerate(header)}
        self.starts = starts
        self.breaks = {
            i: [0, *accumulate(f.count("\n") for f in row)]
            for i, row in enumerate(body)
            if any("\n" in f for f in row)
        }

    def of(self, i: int, column: str | None = None) -> int:
        extra = self.breaks.get(i)
        if extra is None or column not in self.columns:
            return self.starts[i]
        return self.starts[i] + extra[self.columns[column]]


def _convert(fail, frame: pd.DataFrame, column: str, kind: str, nullable: bool) -> pd.Series:
    """One column converted to its type; `fail(i, problem, column)` names the cell's line."""
    raw = frame[column]
    empty = raw.str.strip() == ""
    if empty.any() and not nullable:
        fail(int(empty.idxmax()), f"missing value in column '{column}'", column)
    if kind == "str":
        return raw.where(~empty, None).astype("string")
    if kind == "date":
        bad = ~empty & ~raw.str.fullmatch(DATE.pattern)
        parsed = pd.to_datetime(raw.where(~empty & ~bad, None), format="%Y-%m-%d", errors="coerce")
        bad |= parsed.isna() & ~empty
        if bad.any():
            i = int(bad.idxmax())
            fail(
                i, f"unparsable date '{raw[i]}' in column '{column}'; expected YYYY-MM-DD", column
            )
        return parsed
    numbers = pd.to_numeric(raw.where(~empty, None), errors="coerce").astype("float64")
    bad = numbers.isna() & ~empty
    if bad.any():
        i = int(bad.idxmax())
        fail(i, f"non-numeric value '{raw[i]}' in column '{column}'", column)
    infinite = np.isinf(numbers)
    if infinite.any():
        i = int(infinite.idxmax())
        fail(i, f"non-finite value '{raw[i]}' in column '{column}'", column)
    if kind == "int":
        fractional = numbers.notna() & (numbers % 1 != 0)
        if fractional.any():
            i = int(fractional.idxmax())
            fail(i, f"non-integer value '{raw[i]}' in column '{column}'", column)
        huge = numbers.abs() > MAX_INT
        if huge.any():
            i = int(huge.idxmax())
            fail(
                i,
                f"integer value '{raw[i]}' in column '{column}' is out of range (above 2**53)",
                column,
            )
        return numbers.astype("Int64")
    return numbers


def load_table(relpath: str, root: Path = DATA, *, text: str | None = None) -> pd.DataFrame:
    """Read data/<relpath> with its schema; return a typed DataFrame (default RangeIndex).

    With `text`, that text is checked as if it were the file (the refresh validates what it is
    about to write this way); the messages then name '<file> (new text)'."""
    return _table(relpath, root, text).copy(deep=True)


def _table(relpath: str, root: Path, text: str | None = None) -> pd.DataFrame:
    """load_table's table itself (the cached object: callers must not change it)."""
    path = Path(root) / relpath
    schema = schema_for(relpath)
    shown = rel(path) if text is None else f"{rel(path)} (new text)"
    if text is not None:
        _too_big(shown, len(text))
    content = _read_text(path) if text is None else text
    # the path decides the schema; the text decides the table (a failure is never cached, so the
    # file's name only matters in messages): a copy of a file in a temporary folder is a hit too
    key = (relpath, hashlib.sha1(content.encode("utf-8")).hexdigest())
    if key not in _VALID:
        if len(_VALID) > 512:
            _VALID.clear()
        _VALID[key] = _check(shown, schema, content)
    out, lines = _VALID[key]
    for column, target in schema.references.items():  # values another file defines (claim ids)
        known = set(_table(target, root)[column].dropna())
        bad = ~out[column].isin(known) & out[column].notna()
        if bad.any():
            i = int(bad.idxmax())
            _fail(
                shown,
                f"unknown {column.replace('_', ' ')} '{out[column][i]}' (not in data/{target}) "
                f"(line {lines.of(i, column)})",
            )
    return out


# Tables already checked, keyed by their path under data/ and a hash of their whole text, with the
# line of each cell: a file is parsed and validated once per process however many times it is
# loaded (the tests load the registry hundreds of times); any changed byte changes the hash, so
# nothing stale is ever returned. References to other files are checked on every load.
_VALID: dict = {}


def _check(shown: str, schema, content: str) -> tuple[pd.DataFrame, _Lines]:
    """Parse and validate one CSV text against its schema (see load_table)."""
    records, starts = _records(shown, content)
    header, body = records[0], records[1:]
    lines = _Lines(header, starts[1:], body)

    def fail(i: int, problem: str, column: str | None = None):
        _fail(shown, f"{problem} (line {lines.of(i, column)})")

    for name in header:
        if header.count(name) > 1:
            _fail(shown, f"column '{name}' appears twice in the header (line {starts[0]})")
    for i, row in enumerate(body):
        if len(row) != len(header):
            _fail(
                shown, f"line {lines.of(i)} has {len(row)} fields but the header has {len(header)}"
            )
    if not body:
        _fail(shown, "empty file (a header but no data rows)")
    frame = pd.DataFrame(body, columns=header, dtype="string").astype(object)
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        _fail(shown, f"missing column(s) {', '.join(repr(c) for c in missing)}")
    known = {**schema.columns, **schema.optional}
    unknown = [c for c in frame.columns if c not in known]
    if unknown:
        _fail(shown, f"unexpected column(s) {', '.join(repr(c) for c in unknown)}")
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        out[column] = _convert(fail, frame, column, known[column], column in schema.nullable)
    for column, values in schema.allowed.items():
        bad = ~out[column].isin(values) & out[column].notna()
        if bad.any():
            i = int(bad.idxmax())
            fail(i, f"unknown value '{out[column][i]}' in column '{column}'", column)
    if schema.key:
        dup = out.duplicated(list(schema.key), keep="first")
        if dup.any():
            i = int(dup.idxmax())
            value = out.loc[i, list(schema.key)].tolist()
            shown_key = (
                value[0].date().isoformat()
                if schema.key == ("date",)
                else ", ".join(map(str, value))
            )
            fail(
                i,
                f"duplicate {'date' if schema.key == ('date',) else 'key'} {shown_key}",
                schema.key[0],
            )
    if schema.sort:
        steps = out[schema.sort].diff().dt.days
        if (steps <= 0).any():
            fail(int((steps <= 0).idxmax()), "dates not in increasing order", schema.sort)
    for columns, test, word in (
        (schema.positive, lambda s: s > 0, "non-positive"),
        (schema.nonnegative, lambda s: s >= 0, "negative"),
    ):
        for column in columns:
            if column in out:
                bad = ~test(out[column]) & out[column].notna()
                if bad.any():
                    i = int(bad.idxmax())
                    fail(i, f"{word} value {out[column][i]} in column '{column}'", column)
    return out, lines


def load_claims(root: Path = DATA) -> pd.DataFrame:
    """The claims registry, indexed by claim_id."""
    return load_table("claims.csv", root).set_index("claim_id")


def load_parts(root: Path = DATA) -> pd.DataFrame:
    """The parts of compound claims (data/claim_parts.csv), indexed by (claim_id, part)."""
    return load_table("claim_parts.csv", root).set_index(["claim_id", "part"])


def load_tickers(root: Path = DATA) -> pd.DataFrame:
    """The market-data manifest: one row per ticker, its file, group and close basis."""
    return load_table("market/tickers.csv", root).set_index("ticker")


def load_prices(ticker: str, root: Path = DATA) -> pd.DataFrame:
    """Daily bars of one ticker, indexed by date.

    `close` is what the file holds (see attrs['close_basis']: 'raw' or 'adjusted');
    `adj_close` is the dividend-and-split-adjusted close where the file has one.
    """
    manifest = load_tickers(root)
    if ticker not in manifest.index:
        raise DataError(f"data/market/tickers.csv: unknown ticker '{ticker}'")
    entry = manifest.loc[ticker]
    frame = load_table(f"market/{entry['file']}", root).set_index("date")
    frame.attrs = {
        "ticker": ticker,
        "close_basis": entry["close_basis"],
        "file": f"data/market/{entry['file']}",
    }
    return frame


def adjusted_close(ticker: str, root: Path = DATA) -> pd.Series:
    """The dividend-and-split-adjusted close (for returns), whatever the file's layout."""
    frame = load_prices(ticker, root)
    if "adj_close" in frame:
        series = frame["adj_close"]
    else:  # the file's close is adjusted already, or it is an index level (no dividends)
        series = frame["close"]
    return series.rename(ticker)


def source_of(*relpaths: str, root: Path = DATA) -> pd.DataFrame:
    """The provenance rows (publisher, source, as-of date, licence) of the given data files.

    A row of data/sources.csv may name one file or a pattern such as 'market/prices/*.csv'."""
    table = load_table("sources.csv", root).set_index("file")
    picked = []
    for relpath in relpaths:
        match = [f for f in table.index if fnmatch.fnmatch(relpath, f)]
        if not match:
            raise DataError(f"data/sources.csv: no row for {relpath}")
        picked.append(match[0])
    out = table.loc[picked, ["publisher", "source", "as_of", "licence"]]
    out.index = pd.Index(relpaths, name="file")
    return out


def load_facts(subject: str, root: Path = DATA) -> pd.DataFrame:
    """The single sourced figures of one subject ('ai' or 'energy'), indexed by fact_id."""
    return load_table(f"{subject}/facts.csv", root).set_index("fact_id")


def fx_rate(date, currency: str, root: Path = DATA) -> tuple[float, pd.Timestamp]:
    """US dollars per one unit of `currency` ('EUR' or 'CNY') from the ECB's reference rates.

    Uses the last ECB fixing on or before `date` (no interpolation) and returns it with the date of
    that fixing. CNY is converted through the euro: USD per CNY = (USD per EUR) / (CNY per EUR)."""
    table = load_table("market/ecb_fx.csv", root).set_index("date")
    day = pd.Timestamp(date)
    known = table.loc[:day]
    if known.empty:
        raise DataError(f"data/market/ecb_fx.csv: no ECB fixing on or before {day.date()}")
    fixing = known.index[-1]
    row = known.iloc[-1]
    if currency == "EUR":
        return float(row["usd_per_eur"]), fixing
    if currency == "CNY":
        return float(row["usd_per_eur"] / row["cny_per_eur"]), fixing
    raise ValueError(f"unknown currency {currency!r}; expected 'EUR' or 'CNY'")


def load_json(relpath: str, root: Path = DATA) -> dict | list:
    """A JSON data file (such as a model's configuration, or the list of ClaimReview objects),
    with the same one-line errors."""
    import json

    path = Path(root) / relpath
    try:
        data = json.loads(_read_text(path).removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        _fail(path, f"not valid JSON ({exc})")
    if not isinstance(data, (dict, list)) or not data:
        _fail(path, "empty file (expected a JSON object or list)")
    return data

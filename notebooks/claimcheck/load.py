"""Read and validate the files under data/.

Every file has a schema in SCHEMAS (matched by its path under data/). A file that does not
fit raises DataError with one line naming the file and the problem, never a pandas
traceback. Columns are read as text first and converted here, so the conversion errors
can say which row and which value.
"""
from __future__ import annotations

import csv
import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .paths import DATA, rel
from .verdict import KINDS, VERDICTS


class DataError(ValueError):
    """A data file is missing or malformed. The message is one line: '<file>: <problem>'."""


@dataclass(frozen=True)
class Schema:
    """What a data file must look like.

    columns: required columns and their type: 'str', 'float', 'int' or 'date'.
    optional: columns that may be present, with their type.
    key: columns whose combination must be unique (a duplicate date is reported as such).
    sort: a date column that must be strictly increasing.
    positive: numeric columns whose values must be > 0.
    nonnegative: numeric columns whose values must be >= 0.
    allowed: column -> the set of values it may take (units, kinds, bases ...).
    nullable: columns that may be empty (all others must have a value in every row).
    """

    columns: dict
    optional: dict = field(default_factory=dict)
    key: tuple = ()
    sort: str | None = None
    positive: tuple = ()
    nonnegative: tuple = ()
    allowed: dict = field(default_factory=dict)
    nullable: tuple = ()


NOTEBOOK_STEMS = ("01_nvidia_selloff", "02_api_price_gap", "03_training_costs", "04_solar", "05_electric_vehicles")

SCHEMAS: dict[str, Schema] = {
    "articles.csv": Schema(
        columns={"article": "str", "title": "str", "author": "str", "outlet": "str", "date": "str"},
        key=("article",),
    ),
    "claims.csv": Schema(
        columns={"claim_id": "str", "article": "str", "subject": "str", "claim": "str", "claimed_text": "str",
                 "claimed_value": "float", "claimed_high": "float", "unit": "str", "kind": "str", "notebook": "str",
                 "section": "str"},
        key=("claim_id",),
        nullable=("claimed_value", "claimed_high"),
        allowed={"article": {"A", "B", "A+B"}, "subject": {"market", "ai", "energy"},
                 "kind": set(KINDS), "notebook": set(NOTEBOOK_STEMS)},
    ),
    "sources.csv": Schema(
        columns={"file": "str", "what": "str", "publisher": "str", "source": "str", "as_of": "str",
                 "retrieved": "date", "licence": "str"},
        key=("file",),
    ),
    "results/*.csv": Schema(
        columns={"claim_id": "str", "claimed_value": "str", "measured_value": "str", "unit": "str",
                 "verdict": "str", "reason": "str", "sources": "str"},
        key=("claim_id",),
        nullable=("claimed_value", "measured_value"),
        allowed={"verdict": set(VERDICTS)},
    ),
    "market/tickers.csv": Schema(
        columns={"ticker": "str", "file": "str", "group": "str", "close_basis": "str", "source_repo": "str",
                 "source_path": "str", "source_commit": "str", "source_method": "str"},
        key=("ticker",),
        nullable=("source_commit",),
        allowed={"group": {"subject", "benchmark", "semiconductor", "power", "big_tech"},
                 "close_basis": {"raw", "adjusted"}},
    ),
    "market/shares_outstanding.csv": Schema(
        columns={"ticker": "str", "shares_bn": "float", "as_of": "date", "filing": "str", "period_end": "date",
                 "filed": "date", "source_url": "str", "quality": "str"},
        key=("ticker", "filing"),
        positive=("shares_bn",),
        nullable=("as_of",),
    ),
    "market/press_figures.csv": Schema(
        columns={"event_date": "date", "ticker": "str", "measure": "str", "value": "float", "qualifier": "str",
                 "outlet": "str", "url": "str", "quality": "str"},
        key=("event_date", "ticker", "measure", "outlet"),
        positive=("value",),
        allowed={"measure": {"close_usd", "market_value_loss_usd_bn"}, "qualifier": {"exact", "about", "more_than"},
                 "quality": {"primary", "secondary", "weak"}},
    ),
    "market/events.csv": Schema(
        columns={"date": "date", "label": "str", "event": "str", "kind": "str", "amount_usd_bn": "float", "source": "str", "url": "str"},
        key=("date", "event"),
        nullable=("amount_usd_bn",),
        positive=("amount_usd_bn",),
        allowed={"kind": {"release", "announcement", "app", "market"}},
    ),
    "market/ecb_fx.csv": Schema(
        columns={"date": "date", "usd_per_eur": "float", "cny_per_eur": "float"},
        key=("date",), sort="date", positive=("usd_per_eur", "cny_per_eur"),
    ),
    "*/facts.csv": Schema(
        columns={"fact_id": "str", "description": "str", "value": "float", "unit": "str", "as_of": "str",
                 "source": "str", "url": "str", "quality": "str"},
        key=("fact_id",),
        nullable=("value", "unit", "as_of", "url"),
        allowed={"quality": {"primary", "secondary", "weak", "not_found"}},
    ),
    "ai/api_prices.csv": Schema(
        columns={"provider": "str", "model": "str", "model_key": "str", "price_kind": "str", "currency": "str",
                 "input_per_mtok": "float", "cached_input_per_mtok": "float", "output_per_mtok": "float",
                 "as_of": "date", "valid_from": "date", "valid_to": "date", "source": "str", "quality": "str"},
        key=("model_key", "price_kind", "currency", "valid_from", "as_of"),
        positive=("input_per_mtok", "cached_input_per_mtok", "output_per_mtok"),
        nullable=("cached_input_per_mtok", "as_of", "valid_from", "valid_to"),
        allowed={"price_kind": {"list", "promotional"}, "currency": {"USD", "CNY"},
                 "quality": {"primary", "secondary", "weak"}},
    ),
    "ai/benchmarks.csv": Schema(
        columns={"model": "str", "model_key": "str", "benchmark": "str", "score": "float", "table": "str",
                 "source": "str"},
        key=("model", "benchmark", "table"),
        nullable=("model_key",),
        allowed={"table": {"r1_paper_table4", "r1_paper_distill", "chatbot_arena_2025-02-17"}},
    ),
    "ai/gpus.csv": Schema(
        columns={"gpu": "str", "maker": "str", "architecture": "str", "segment": "str", "released": "date", "year": "int",
                 "memory_gb": "float", "max_power_w": "float", "nvlink_gb_s": "float", "source": "str", "url": "str",
                 "quality": "str"},
        key=("gpu",),
        nullable=("released", "max_power_w", "nvlink_gb_s"),
        positive=("memory_gb", "max_power_w", "nvlink_gb_s"),
        allowed={"quality": {"primary", "secondary", "weak"}},
    ),
    "ai/epoch_models.csv": Schema(
        columns={"model": "str", "organization": "str", "publication_date": "date", "parameters": "float",
                 "training_compute_flop": "float", "training_dataset_size": "float", "training_time_hours": "float",
                 "training_hardware": "str", "hardware_quantity": "float", "training_cost_2023_usd": "float",
                 "confidence": "str"},
        key=("model",),
        nullable=("parameters", "training_compute_flop", "training_dataset_size", "training_time_hours",
                  "training_hardware", "hardware_quantity", "training_cost_2023_usd"),
        positive=("parameters", "training_compute_flop", "training_time_hours", "hardware_quantity"),
    ),
    "energy/iea_ev_sales.csv": Schema(
        columns={"region": "str", "year": "int", "parameter": "str", "powertrain": "str", "unit": "str", "value": "float"},
        key=("region", "year", "parameter", "powertrain"),
        nonnegative=("value",),
        allowed={"parameter": {"ev_sales", "ev_sales_share"}, "powertrain": {"BEV", "PHEV", "EV"},
                 "unit": {"Vehicles", "percent"}},
    ),
    "energy/owid_ev_sales.csv": Schema(
        columns={"entity": "str", "year": "int", "electric_cars_sold": "float"},
        key=("entity", "year"), nonnegative=("electric_cars_sold",),
    ),
    "energy/owid_pv_module_prices.csv": Schema(
        columns={"year": "int", "module_price_usd2022_per_w": "float"},
        key=("year",), positive=("module_price_usd2022_per_w",),
    ),
    "energy/china_pv_module_production.csv": Schema(
        columns={"year": "int", "production_gw": "float"}, key=("year",), positive=("production_gw",),
    ),
    "energy/pv_module_prices_2025.csv": Schema(
        columns={"date": "date", "market": "str", "technology": "str", "basis": "str", "price": "float", "currency": "str",
                 "low": "float", "high": "float", "assessor": "str", "source": "str", "url": "str", "quality": "str"},
        key=("date", "market", "technology", "basis"),
        nullable=("low", "high"), positive=("price", "low", "high"),
        allowed={"currency": {"USD", "EUR", "CNY"}, "quality": {"primary", "secondary", "weak"}},
    ),
    "energy/pv_manufacturing_shares.csv": Schema(
        columns={"stage": "str", "measure": "str", "year": "int", "china_share_pct": "float", "qualifier": "str",
                 "publisher": "str", "source": "str", "url": "str", "quality": "str"},
        key=("stage", "measure", "year", "source"),
        positive=("china_share_pct",),
        allowed={"measure": {"production", "capacity", "manufacturing"}, "qualifier": {"exact", "about", "more_than"},
                 "quality": {"primary", "secondary", "weak"}},
    ),
    "energy/eu_bev_duties.csv": Schema(
        columns={"group": "str", "countervailing_duty_pct": "float", "stage": "str", "regulation": "str",
                 "in_force": "date", "source": "str", "url": "str", "quality": "str"},
        key=("group", "stage"), nonnegative=("countervailing_duty_pct",), allowed={"quality": {"primary", "secondary", "weak"}},
    ),
    "energy/car_prices.csv": Schema(
        columns={"maker": "str", "model": "str", "market": "str", "price": "float", "currency": "str", "qualifier": "str",
                 "as_of": "date", "source": "str", "url": "str", "quality": "str"},
        key=("maker", "model", "market", "as_of"), positive=("price",),
        allowed={"currency": {"USD", "CNY", "EUR"}, "qualifier": {"exact", "about"}, "quality": {"primary", "secondary", "weak"}},
    ),
    "market/prices/*.csv": Schema(
        columns={"date": "date", "close": "float"},
        optional={"open": "float", "high": "float", "low": "float", "adj_close": "float", "volume": "int"},
        key=("date",),
        sort="date",
        positive=("open", "high", "low", "close", "adj_close"),
        nonnegative=("volume",),
    ),
}


def schema_for(relpath: str) -> Schema:
    for pattern, schema in SCHEMAS.items():
        if fnmatch.fnmatch(relpath, pattern):
            return schema
    raise DataError(f"data/{relpath}: no schema is declared for this file (add one to claimcheck.load.SCHEMAS)")


def _fail(path: Path, problem: str):
    raise DataError(f"{rel(path)}: {problem}")


def _convert(path: Path, frame: pd.DataFrame, column: str, kind: str, nullable: bool) -> pd.Series:
    raw = frame[column]
    empty = raw.str.strip() == ""
    if empty.any() and not nullable:
        _fail(path, f"missing value in column '{column}' (line {int(empty.idxmax()) + 2})")
    if kind == "str":
        return raw.where(~empty, None).astype("string")
    if kind == "date":
        parsed = pd.to_datetime(raw.where(~empty, None), format="%Y-%m-%d", errors="coerce")
        bad = parsed.isna() & ~empty
        if bad.any():
            i = int(bad.idxmax())
            _fail(path, f"unparsable date '{raw[i]}' in column '{column}' (line {i + 2}); expected YYYY-MM-DD")
        return parsed
    numbers = pd.to_numeric(raw.where(~empty, None), errors="coerce")
    bad = numbers.isna() & ~empty
    if bad.any():
        i = int(bad.idxmax())
        _fail(path, f"non-numeric value '{raw[i]}' in column '{column}' (line {i + 2})")
    if kind == "int":
        if (numbers.dropna() % 1 != 0).any():
            i = int(((numbers % 1) != 0).idxmax())
            _fail(path, f"non-integer value '{raw[i]}' in column '{column}' (line {i + 2})")
        return numbers.astype("Int64")
    return numbers.astype("float64")


def read_checked(relpath: str, root: Path = DATA) -> pd.DataFrame:
    """Read data/<relpath> with its schema; return a typed DataFrame (default RangeIndex)."""
    path = Path(root) / relpath
    schema = schema_for(relpath)
    if not path.is_file():
        _fail(path, "missing file")
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            lines = list(csv.reader(fh))
    except UnicodeDecodeError:
        _fail(path, "not a readable CSV file (not UTF-8 text)")
    except csv.Error as exc:
        _fail(path, f"not a readable CSV file ({exc})")
    if not lines:
        _fail(path, "empty file (no header, no rows)")
    header, body = lines[0], [row for row in lines[1:] if row]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            _fail(path, f"line {number} has {len(row)} fields but the header has {len(header)}")
    if len(set(header)) != len(header):
        _fail(path, "a column name appears twice in the header")
    frame = pd.DataFrame(body, columns=header, dtype="string").astype(object)
    if frame.empty:
        _fail(path, "empty file (a header but no data rows)")
    missing = [c for c in schema.columns if c not in frame.columns]
    if missing:
        _fail(path, f"missing column(s) {', '.join(repr(c) for c in missing)}")
    known = {**schema.columns, **schema.optional}
    unknown = [c for c in frame.columns if c not in known]
    if unknown:
        _fail(path, f"unexpected column(s) {', '.join(repr(c) for c in unknown)}")
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        out[column] = _convert(path, frame, column, known[column], column in schema.nullable)
    for column, values in schema.allowed.items():
        bad = ~out[column].isin(values) & out[column].notna()
        if bad.any():
            i = int(bad.idxmax())
            _fail(path, f"unknown value '{out[column][i]}' in column '{column}' (line {i + 2})")
    if schema.key:
        dup = out.duplicated(list(schema.key), keep="first")
        if dup.any():
            i = int(dup.idxmax())
            value = out.loc[i, list(schema.key)].tolist()
            shown = value[0].date().isoformat() if schema.key == ("date",) else ", ".join(map(str, value))
            label = "date" if schema.key == ("date",) else "key"
            _fail(path, f"duplicate {label} {shown} (line {i + 2})")
    if schema.sort:
        steps = out[schema.sort].diff().dt.days
        if (steps <= 0).any():
            i = int((steps <= 0).idxmax())
            _fail(path, f"dates not in increasing order at line {i + 2}")
    for columns, test, word in ((schema.positive, lambda s: s > 0, "non-positive"),
                                (schema.nonnegative, lambda s: s >= 0, "negative")):
        for column in columns:
            if column in out:
                bad = ~test(out[column]) & out[column].notna()
                if bad.any():
                    i = int(bad.idxmax())
                    _fail(path, f"{word} value {out[column][i]} in column '{column}' (line {i + 2})")
    return out


def load_claims(root: Path = DATA) -> pd.DataFrame:
    """The claims registry, indexed by claim_id."""
    return read_checked("claims.csv", root).set_index("claim_id")


def load_tickers(root: Path = DATA) -> pd.DataFrame:
    """The market-data manifest: one row per ticker, its file, group and close basis."""
    return read_checked("market/tickers.csv", root).set_index("ticker")


def load_prices(ticker: str, root: Path = DATA) -> pd.DataFrame:
    """Daily bars of one ticker, indexed by date.

    `close` is what the file holds (see attrs['close_basis']: 'raw' or 'adjusted');
    `adj_close` is the dividend-and-split-adjusted close where the file has one.
    """
    manifest = load_tickers(root)
    if ticker not in manifest.index:
        raise DataError(f"data/market/tickers.csv: unknown ticker '{ticker}'")
    entry = manifest.loc[ticker]
    frame = read_checked(f"market/{entry['file']}", root).set_index("date")
    frame.attrs = {"ticker": ticker, "close_basis": entry["close_basis"], "file": f"data/market/{entry['file']}"}
    return frame


def adjusted_close(ticker: str, root: Path = DATA) -> pd.Series:
    """The dividend-and-split-adjusted close (for returns), whatever the file's layout."""
    frame = load_prices(ticker, root)
    if "adj_close" in frame:
        series = frame["adj_close"]
    else:  # the file's close is adjusted already, or it is an index level (no dividends)
        series = frame["close"]
    return series.rename(ticker)


def load_table(relpath: str, root: Path = DATA) -> pd.DataFrame:
    """Any other data file, typed and validated by its schema."""
    return read_checked(relpath, root)


def source_of(*relpaths: str, root: Path = DATA) -> pd.DataFrame:
    """The provenance rows (publisher, source, as-of date, licence) of the given data files.

    A row of data/sources.csv may name one file or a pattern such as 'market/prices/*.csv'."""
    table = read_checked("sources.csv", root).set_index("file")
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
    return read_checked(f"{subject}/facts.csv", root).set_index("fact_id")


def fx_rate(date, currency: str, root: Path = DATA) -> tuple[float, pd.Timestamp]:
    """US dollars per one unit of `currency` ('EUR' or 'CNY') from the ECB's reference rates.

    Uses the last ECB fixing on or before `date` (no interpolation) and returns it with the date of
    that fixing. CNY is converted through the euro: USD per CNY = (USD per EUR) / (CNY per EUR)."""
    table = read_checked("market/ecb_fx.csv", root).set_index("date")
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


def load_json(relpath: str, root: Path = DATA) -> dict:
    """A JSON data file (such as a model's configuration), with the same one-line errors."""
    import json

    path = Path(root) / relpath
    if not path.is_file():
        _fail(path, "missing file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        _fail(path, f"not valid JSON ({exc})")
    if not isinstance(data, dict) or not data:
        _fail(path, "empty file (expected a JSON object)")
    return data

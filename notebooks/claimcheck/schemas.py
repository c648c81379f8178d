"""The schema of every file under data/ (matched by its path under data/).

Kept apart from the loader so that a new data file's schema is one entry here. A Schema says:
columns: required columns and their type: 'str', 'float', 'int' or 'date'.
optional: columns that may be present, with their type.
key: columns whose combination must be unique (a duplicate date is reported as such).
sort: a date column that must be strictly increasing.
positive: numeric columns whose values must be > 0.
nonnegative: numeric columns whose values must be >= 0.
allowed: column -> the set of values it may take (units, kinds, bases ...).
nullable: columns that may be empty (all others must have a value in every row).
references: column -> the file (under data/) whose column of the same name lists the values it
    may take (a results file may only name claims of data/claims.csv).

A file's schema is the entry named by its path under data/ if there is one, else the one pattern
it matches: an entry for one file (NVDA's bars) overrides the pattern of its folder, and requires
the columns a notebook reads from that file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .paths import NOTEBOOKS
from .verdict import DIRECTIONS, KINDS, VERDICTS


@dataclass(frozen=True)
class Schema:
    columns: dict
    optional: dict = field(default_factory=dict)
    key: tuple = ()
    sort: str | None = None
    positive: tuple = ()
    nonnegative: tuple = ()
    allowed: dict = field(default_factory=dict)
    nullable: tuple = ()
    references: dict = field(default_factory=dict)


# The analysis notebooks (every NN_*.ipynb but the ledger), found on disk, not kept by hand.
NOTEBOOK_STEMS = tuple(
    sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb") if not p.stem.startswith("00_"))
)
QUALITY = {"primary", "secondary", "weak"}
SUBJECTS = {"market", "stargate", "ai", "energy", "industry", "power", "history", "predictions"}
CLAIM_COLUMNS = {
    "claimed_text": "str",
    "claimed_value": "float",
    "claimed_high": "float",
    "unit": "str",
    "kind": "str",
    "direction": "str",
}

PRICES = Schema(
    columns={"date": "date", "close": "float"},
    optional={
        "open": "float",
        "high": "float",
        "low": "float",
        "adj_close": "float",
        "volume": "int",
    },
    key=("date",),
    sort="date",
    positive=("open", "high", "low", "close", "adj_close"),
    nonnegative=("volume",),
)

SCHEMAS: dict[str, Schema] = {
    "articles.csv": Schema(
        columns={
            "article": "str",
            "title": "str",
            "author": "str",
            "outlet": "str",
            "date": "str",
        },
        optional={"url": "str"},
        key=("article",),
        nullable=("url",),
    ),
    "claims.csv": Schema(
        columns={
            "claim_id": "str",
            "article": "str",
            "paragraph": "str",
            "quote": "str",
            "subject": "str",
            "claim": "str",
            "claim_short": "str",
            **CLAIM_COLUMNS,
            "notebook": "str",
            "section": "str",
            "judged": "str",
        },
        key=("claim_id",),
        nullable=("claimed_value", "claimed_high", "direction"),
        allowed={
            "article": {"A", "B", "A+B"},
            "subject": SUBJECTS,
            "kind": {*KINDS, "compound"},
            "direction": set(DIRECTIONS),
            "notebook": set(NOTEBOOK_STEMS),
            "judged": {"at publication", "in hindsight"},
        },
    ),
    "claim_parts.csv": Schema(
        columns={
            "claim_id": "str",
            "part": "str",
            "label": "str",
            "quote": "str",
            **CLAIM_COLUMNS,
            "carries_point": "str",
        },
        key=("claim_id", "part"),
        nullable=("claimed_value", "claimed_high", "direction"),
        allowed={"kind": set(KINDS), "direction": set(DIRECTIONS), "carries_point": {"yes", "no"}},
    ),
    "corrections.csv": Schema(
        columns={
            "date": "date",
            "claim_id": "str",
            "part": "str",
            "kind": "str",
            "old_verdict": "str",
            "new_verdict": "str",
            "why": "str",
        },
        key=("date", "claim_id", "part"),
        nullable=("part",),
        allowed={
            "kind": {"changed", "added"},
            "old_verdict": {*VERDICTS, "not checked"},
            "new_verdict": set(VERDICTS),
        },
    ),
    "not_checked.csv": Schema(
        columns={"article": "str", "paragraph": "str", "statement": "str", "why": "str"},
        key=("article", "paragraph", "statement"),
        allowed={"article": {"A", "B"}},
    ),
    # the audit trail of issue 18: what was read at (or tried for) each figure's primary record;
    # fact_id is a facts.csv id, a row selector ("col=value; col=a..b"; "|" between alternatives)
    # or empty for the whole file; `verified_on` is set exactly when the result is match/corrected
    "verification.csv": Schema(
        columns={
            "file": "str",
            "fact_id": "str",
            "verified_on": "date",
            "primary_record": "str",
            "result": "str",
            "note": "str",
        },
        key=("file", "fact_id", "primary_record"),
        nullable=("fact_id", "verified_on"),
        allowed={"result": {"match", "corrected", "partly", "primary not reached", "not audited"}},
    ),
    "sources.csv": Schema(
        columns={
            "file": "str",
            "what": "str",
            "publisher": "str",
            "source": "str",
            "as_of": "str",
            "retrieved": "date",
            "licence": "str",
        },
        key=("file",),
    ),
    "results/*.csv": Schema(
        columns={
            "claim_id": "str",
            "part": "str",
            "claimed_value": "str",
            "measured_value": "str",
            "unit": "str",
            "found": "str",
            "verdict": "str",
            "rule_verdict": "str",
            "robust": "str",
            "conclusion": "str",
            "reason": "str",
            "sources": "str",
            "evidence_date": "date",
        },
        key=("claim_id", "part"),
        nullable=(
            "part",
            "claimed_value",
            "measured_value",
            "found",
            "robust",
            "conclusion",
            "evidence_date",
        ),
        allowed={"verdict": set(VERDICTS), "rule_verdict": set(VERDICTS), "robust": {"yes", "no"}},
        references={"claim_id": "claims.csv"},
    ),
    # generated by `python -m claimcheck.ledger` (claimcheck.export): every verdict, flat
    "verdicts.csv": Schema(
        columns={
            "claim_id": "str",
            "part": "str",
            "article": "str",
            "paragraph": "str",
            "quote": "str",
            "claim": "str",
            "claim_short": "str",
            "part_label": "str",
            "judged": "str",
            "claimed_value": "str",
            "measured_value": "str",
            "unit": "str",
            "found": "str",
            "verdict": "str",
            "rule_verdict": "str",
            "robust": "str",
            "conclusion": "str",
            "reason": "str",
            "sources": "str",
            "evidence_date": "date",
            "notebook": "str",
            "section": "str",
            "link": "str",
        },
        key=("claim_id", "part"),
        nullable=(
            "part",
            "part_label",
            "claimed_value",
            "measured_value",
            "unit",
            "found",
            "rule_verdict",
            "robust",
            "conclusion",
            "reason",
            "sources",
            "evidence_date",
        ),
        allowed={
            "article": {"A", "B", "A+B"},
            "verdict": {*VERDICTS, "pending"},
            "rule_verdict": set(VERDICTS),
            "robust": {"yes", "no"},
            "judged": {"at publication", "in hindsight"},
        },
    ),
    "texts/*.csv": Schema(
        columns={
            "claim_id": "str",
            "part": "str",
            "conclusion": "str",
            "reason": "str",
            "found": "str",
            "sources": "str",
        },
        key=("claim_id", "part"),
        nullable=("part", "conclusion", "found"),
    ),
    "figures.csv": Schema(
        columns={"figure": "str", "notebook": "str", "alt": "str"},
        key=("figure",),
        allowed={"notebook": {"00_claims_ledger", *NOTEBOOK_STEMS}},
    ),
    "market/tickers.csv": Schema(
        columns={
            "ticker": "str",
            "file": "str",
            "group": "str",
            "close_basis": "str",
            "source_repo": "str",
            "source_path": "str",
            "source_commit": "str",
            "source_method": "str",
        },
        key=("ticker",),
        nullable=("source_commit",),
        allowed={
            "group": {"subject", "benchmark", "semiconductor", "power", "big_tech"},
            "close_basis": {"raw", "adjusted"},
        },
    ),
    "market/shares_outstanding.csv": Schema(
        columns={
            "ticker": "str",
            "shares_bn": "float",
            "as_of": "date",
            "filing": "str",
            "period_end": "date",
            "filed": "date",
            "source_url": "str",
            "quality": "str",
        },
        key=("ticker", "filing"),
        positive=("shares_bn",),
        nullable=("as_of",),
    ),
    "market/press_figures.csv": Schema(
        columns={
            "event_date": "date",
            "ticker": "str",
            "measure": "str",
            "value": "float",
            "qualifier": "str",
            "outlet": "str",
            "url": "str",
            "quality": "str",
        },
        key=("event_date", "ticker", "measure", "outlet"),
        positive=("value",),
        allowed={
            "measure": {"close_usd", "market_value_loss_usd_bn"},
            "qualifier": {"exact", "about", "more_than"},
            "quality": {"primary", "secondary", "weak"},
        },
    ),
    "market/events.csv": Schema(
        columns={
            "date": "date",
            "label": "str",
            "event": "str",
            "kind": "str",
            "amount_usd_bn": "float",
            "source": "str",
            "url": "str",
        },
        key=("date", "event"),
        nullable=("amount_usd_bn",),
        positive=("amount_usd_bn",),
        allowed={"kind": {"release", "announcement", "app", "market", "politics"}},
    ),
    "market/ecb_fx.csv": Schema(
        columns={"date": "date", "usd_per_eur": "float", "cny_per_eur": "float"},
        key=("date",),
        sort="date",
        positive=("usd_per_eur", "cny_per_eur"),
    ),
    # verified_on: the day the figure was read at its primary record and matched (empty if it was
    # not); the full audit trail, with the records not reached, is data/verification.csv
    "*/facts.csv": Schema(
        columns={
            "fact_id": "str",
            "description": "str",
            "value": "float",
            "unit": "str",
            "as_of": "str",
            "source": "str",
            "url": "str",
            "quality": "str",
            "verified_on": "date",
        },
        key=("fact_id",),
        nullable=("value", "unit", "as_of", "url", "verified_on"),
        allowed={"quality": {"primary", "secondary", "weak", "not_found"}},
    ),
    "ai/api_prices.csv": Schema(
        columns={
            "provider": "str",
            "model": "str",
            "model_key": "str",
            "price_kind": "str",
            "currency": "str",
            "input_per_mtok": "float",
            "cached_input_per_mtok": "float",
            "output_per_mtok": "float",
            "as_of": "date",
            "valid_from": "date",
            "valid_to": "date",
            "source": "str",
            "quality": "str",
        },
        key=("model_key", "price_kind", "currency", "valid_from", "as_of"),
        positive=("input_per_mtok", "cached_input_per_mtok", "output_per_mtok"),
        nullable=("cached_input_per_mtok", "as_of", "valid_from", "valid_to"),
        allowed={
            "price_kind": {"list", "promotional"},
            "currency": {"USD", "CNY"},
            "quality": {"primary", "secondary", "weak"},
        },
    ),
    "ai/benchmarks.csv": Schema(
        columns={
            "model": "str",
            "model_key": "str",
            "benchmark": "str",
            "score": "float",
            "table": "str",
            "source": "str",
        },
        key=("model", "benchmark", "table"),
        nullable=("model_key",),
        allowed={"table": {"r1_paper_table4", "r1_paper_distill", "chatbot_arena_2025-02-17"}},
    ),
    "ai/arena_scores.csv": Schema(
        columns={
            "snapshot": "date",
            "arena_model": "str",
            "developer": "str",
            "model_key": "str",
            "score": "float",
            "source": "str",
        },
        key=("snapshot", "arena_model"),
        nullable=("model_key",),
        positive=("score",),
    ),
    "ai/gpus.csv": Schema(
        columns={
            "gpu": "str",
            "maker": "str",
            "architecture": "str",
            "segment": "str",
            "released": "date",
            "year": "int",
            "memory_gb": "float",
            "max_power_w": "float",
            "nvlink_gb_s": "float",
            "source": "str",
            "url": "str",
            "quality": "str",
        },
        key=("gpu",),
        nullable=("released", "max_power_w", "nvlink_gb_s"),
        positive=("memory_gb", "max_power_w", "nvlink_gb_s"),
        allowed={"quality": {"primary", "secondary", "weak"}},
    ),
    "ai/epoch_models.csv": Schema(
        columns={
            "model": "str",
            "organization": "str",
            "publication_date": "date",
            "parameters": "float",
            "training_compute_flop": "float",
            "training_dataset_size": "float",
            "training_time_hours": "float",
            "training_hardware": "str",
            "hardware_quantity": "float",
            "training_cost_2023_usd": "float",
            "confidence": "str",
        },
        key=("model",),
        nullable=(
            "parameters",
            "training_compute_flop",
            "training_dataset_size",
            "training_time_hours",
            "training_hardware",
            "hardware_quantity",
            "training_cost_2023_usd",
        ),
        positive=(
            "parameters",
            "training_compute_flop",
            "training_time_hours",
            "hardware_quantity",
        ),
    ),
    "energy/iea_ev_sales.csv": Schema(
        columns={
            "region": "str",
            "year": "int",
            "parameter": "str",
            "powertrain": "str",
            "unit": "str",
            "value": "float",
        },
        key=("region", "year", "parameter", "powertrain"),
        nonnegative=("value",),
        allowed={
            "parameter": {"ev_sales", "ev_sales_share"},
            "powertrain": {"BEV", "PHEV", "EV"},
            "unit": {"Vehicles", "percent"},
        },
    ),
    "energy/owid_ev_sales.csv": Schema(
        columns={"entity": "str", "year": "int", "electric_cars_sold": "float"},
        key=("entity", "year"),
        nonnegative=("electric_cars_sold",),
    ),
    "energy/owid_pv_module_prices.csv": Schema(
        columns={"year": "int", "module_price_usd2022_per_w": "float"},
        key=("year",),
        positive=("module_price_usd2022_per_w",),
    ),
    "energy/china_pv_module_production.csv": Schema(
        columns={"year": "int", "production_gw": "float"},
        key=("year",),
        positive=("production_gw",),
    ),
    "energy/pv_module_prices_2025.csv": Schema(
        columns={
            "date": "date",
            "market": "str",
            "technology": "str",
            "basis": "str",
            "price": "float",
            "currency": "str",
            "low": "float",
            "high": "float",
            "assessor": "str",
            "source": "str",
            "url": "str",
            "quality": "str",
        },
        key=("date", "market", "technology", "basis"),
        nullable=("low", "high"),
        positive=("price", "low", "high"),
        allowed={"currency": {"USD", "EUR", "CNY"}, "quality": {"primary", "secondary", "weak"}},
    ),
    "energy/pv_manufacturing_shares.csv": Schema(
        columns={
            "stage": "str",
            "measure": "str",
            "year": "int",
            "china_share_pct": "float",
            "qualifier": "str",
            "publisher": "str",
            "source": "str",
            "url": "str",
            "quality": "str",
        },
        key=("stage", "measure", "year", "source"),
        positive=("china_share_pct",),
        allowed={
            "measure": {"production", "capacity", "manufacturing"},
            "qualifier": {"exact", "about", "more_than"},
            "quality": {"primary", "secondary", "weak"},
        },
    ),
    "energy/eu_bev_duties.csv": Schema(
        columns={
            "group": "str",
            "countervailing_duty_pct": "float",
            "stage": "str",
            "regulation": "str",
            "in_force": "date",
            "source": "str",
            "url": "str",
            "quality": "str",
        },
        key=("group", "stage"),
        nonnegative=("countervailing_duty_pct",),
        allowed={"quality": {"primary", "secondary", "weak"}},
    ),
    "energy/car_prices.csv": Schema(
        columns={
            "maker": "str",
            "model": "str",
            "market": "str",
            "price": "float",
            "currency": "str",
            "qualifier": "str",
            "as_of": "date",
            "source": "str",
            "url": "str",
            "quality": "str",
        },
        key=("maker", "model", "market", "as_of"),
        positive=("price",),
        allowed={
            "currency": {"USD", "CNY", "EUR"},
            "qualifier": {"exact", "about"},
            "quality": {"primary", "secondary", "weak"},
        },
    ),
    "power/owid_energy_subset.csv": Schema(
        columns={
            "country": "str",
            "year": "int",
            "carbon_intensity_elec_g_per_kwh": "float",
            "fossil_share_primary_energy_pct": "float",
        },
        key=("country", "year"),
        nonnegative=("carbon_intensity_elec_g_per_kwh", "fossil_share_primary_energy_pct"),
        nullable=("carbon_intensity_elec_g_per_kwh", "fossil_share_primary_energy_pct"),
    ),
    "hindsight/capex.csv": Schema(
        columns={
            "company": "str",
            "ticker": "str",
            "fiscal_year": "str",
            "period_end": "date",
            "kind": "str",
            "measure": "str",
            "value_usd_bn": "float",
            "low_usd_bn": "float",
            "high_usd_bn": "float",
            "finance_leases": "str",
            "source": "str",
            "url": "str",
            "quality": "str",
        },
        key=("ticker", "fiscal_year", "measure"),
        nullable=("value_usd_bn", "low_usd_bn", "high_usd_bn"),
        positive=("value_usd_bn", "low_usd_bn", "high_usd_bn"),
        allowed={
            "kind": {"actual", "guidance"},
            "finance_leases": {"excluded", "included", "only", "not stated"},
            "quality": {"primary", "secondary", "weak"},
        },
    ),
    "hindsight/stargate_events.csv": Schema(
        columns={
            "date": "date",
            "event": "str",
            "status": "str",
            "capacity_gw": "float",
            "amount_usd_bn": "float",
            "source": "str",
            "url": "str",
            "quality": "str",
        },
        key=("date", "event"),
        nullable=("capacity_gw", "amount_usd_bn"),
        positive=("capacity_gw", "amount_usd_bn"),
        allowed={
            "status": {"announced", "contracted", "under construction", "operating"},
            "quality": {"primary", "secondary", "weak"},
        },
    ),
    "hindsight/api_price_history.csv": Schema(
        columns={
            "date": "date",
            "provider": "str",
            "model": "str",
            "series": "str",
            "input_usd_per_mtok": "float",
            "output_usd_per_mtok": "float",
            "event": "str",
            "source": "str",
            "url": "str",
            "quality": "str",
        },
        key=("date", "model"),
        positive=("input_usd_per_mtok", "output_usd_per_mtok"),
        allowed={
            "series": {
                "deepseek_reasoning",
                "deepseek_top",
                "openai_flagship",
                "anthropic_flagship",
                "google_flagship",
            },
            "quality": {"primary", "secondary", "weak"},
        },
    ),
    "industry/worldsteel_crude_steel.csv": Schema(
        columns={
            "year": "int",
            "china_mt": "float",
            "world_mt": "float",
            "china_source": "str",
            "world_source": "str",
            "quality": "str",
        },
        key=("year",),
        positive=("china_mt", "world_mt"),
        allowed={"quality": {"primary", "secondary", "weak"}},
    ),
    "hindsight/nvda_close_crosscheck.csv": Schema(
        columns={"date": "date", "close_aakashvats15": "float", "close_growlintiger": "float"},
        key=("date",),
        sort="date",
        nullable=("close_aakashvats15", "close_growlintiger"),
        positive=("close_aakashvats15", "close_growlintiger"),
    ),
    "market/history/*.csv": Schema(
        columns={"date": "date", "close": "float"},
        key=("date",),
        sort="date",
        positive=("close",),
    ),
    "market/prices/*.csv": PRICES,
    # 01_nvidia_selloff reads NVDA's high, low and volume on the day of the sell-off
    "market/prices/NVDA.csv": Schema(
        columns={
            "date": "date",
            "open": "float",
            "high": "float",
            "low": "float",
            "close": "float",
            "volume": "int",
        },
        optional={"adj_close": "float"},
        key=PRICES.key,
        sort=PRICES.sort,
        positive=PRICES.positive,
        nonnegative=PRICES.nonnegative,
    ),
}

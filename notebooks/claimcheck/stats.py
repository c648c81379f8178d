"""Statistics shared by notebooks: a regression summary that is the same on every run.

statsmodels' summary() prints the date and time of the run in its first table, which would make
every stored output differ from the next run; these helpers show the rest of it.
"""
from __future__ import annotations

import pandas as pd


def fit_table(result) -> pd.DataFrame:
    """The fit statistics of an OLS result as a one-column table (no run date or time)."""
    rows = {
        "observations": int(result.nobs),
        "R²": result.rsquared,
        "adjusted R²": result.rsquared_adj,
        "residual std. error": result.mse_resid ** 0.5,
        "F statistic": result.fvalue,
        "p-value of F": result.f_pvalue,
    }
    return pd.DataFrame({"value": rows}).round(4)


def summary_without_date(result):
    """statsmodels' summary without its first table (the one holding the run's date and time):
    the coefficient table and the residual diagnostics, as text."""
    summary = result.summary()
    return "\n".join(table.as_text() for table in summary.tables[1:])

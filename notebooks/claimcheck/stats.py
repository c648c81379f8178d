"""Statistics shared by notebooks: the market-model event study of notebook 01 (abnormal
returns, their t-statistics, CARs) and the Wilson interval of a share (notebook 02), each step a
small function with a unit test.

Both are written out here (closed-form least squares with numpy, the Wilson formula with the
standard library) rather than imported from statsmodels, which costs about a second to import
in every kernel; tests/test_stats.py checks them against statsmodels.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd


def wilson_interval(successes: int, trials: int, confidence: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of a share `successes` / `trials` (as statsmodels'
    proportion_confint(..., method="wilson") gives it, with alpha = 1 - confidence)."""
    if trials < 1 or not 0 <= successes <= trials:
        raise ValueError("need 0 <= successes <= trials and trials >= 1")
    if not 0 < confidence < 1:
        raise ValueError("confidence is a share between 0 and 1")
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    p, n = successes / trials, trials
    denominator = 1 + z**2 / n
    centre = (p + z**2 / (2 * n)) / denominator
    half = z * (p * (1 - p) / n + z**2 / (4 * n**2)) ** 0.5 / denominator
    # at 0 or n successes one end is exactly 0 or 1 (the formula gives it to rounding error)
    low = 0.0 if successes == 0 else centre - half
    high = 1.0 if successes == trials else centre + half
    return low, high


# --- Event study (market model) -------------------------------------------------------------
#
# A market model explains a stock's daily return by the market's: r_t = alpha + beta * m_t + e_t,
# estimated by OLS over a window that ends before the news. On the event day the abnormal return
# is the actual return minus the model's prediction; divided by the standard deviation of the
# estimation residuals it says how many standard deviations the day was. Over a window of n days
# the cumulative abnormal return (CAR) is the sum of the daily abnormal returns, and its
# t-statistic divides it by sigma * sqrt(n) (independent residuals). These t-statistics ignore
# the estimation error of alpha and beta, which is negligible for a 120-day window.


def estimation_window(stock: pd.Series, market: pd.Series, end, days: int) -> pd.DataFrame:
    """The last `days` dates on or before `end` where both returns exist: columns stock, market."""
    if days < 3:
        raise ValueError("an estimation window needs at least 3 days")
    both = pd.concat({"stock": stock, "market": market}, axis=1).loc[: pd.Timestamp(end)].dropna()
    if len(both) < days:
        raise ValueError(
            f"only {len(both)} days with both returns on or before {pd.Timestamp(end).date()}; "
            f"the window needs {days}"
        )
    return both.iloc[-days:]


@dataclass(frozen=True)
class MarketModel:
    """An OLS fit of the market model, with what the notebooks read of it (the names statsmodels
    uses): params ('const' is alpha, 'market' beta), resid (the estimation residuals, by date),
    mse_resid (their sum of squares over n - 2) and rsquared."""

    params: pd.Series
    resid: pd.Series
    mse_resid: float
    rsquared: float
    nobs: int


def market_model(stock: pd.Series, market: pd.Series, end, days: int) -> MarketModel:
    """OLS of the stock's returns on the market's over the estimation window (see above), by
    least squares on [1, market]."""
    window = estimation_window(stock, market, end, days)
    y = window["stock"].to_numpy(dtype=float)
    x = np.column_stack([np.ones(len(window)), window["market"].to_numpy(dtype=float)])
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    resid = y - x @ coef
    centred = y - y.mean()
    return MarketModel(
        params=pd.Series(coef, index=["const", "market"]),
        resid=pd.Series(resid, index=window.index, name="resid"),
        mse_resid=float(resid @ resid / (len(y) - 2)),
        rsquared=float(1 - (resid @ resid) / (centred @ centred)),
        nobs=len(y),
    )


def residual_sigma(fit) -> float:
    """Standard deviation of the estimation residuals (degrees-of-freedom corrected)."""
    return float(fit.mse_resid) ** 0.5


def abnormal_returns(stock: pd.Series, market: pd.Series, alpha: float, beta: float) -> pd.Series:
    """Actual minus expected return, day by day: stock - (alpha + beta * market)."""
    return (stock - (alpha + beta * market)).rename("abnormal")


def t_statistic(abnormal: float, sigma: float) -> float:
    """How many residual standard deviations an abnormal return is."""
    if not sigma > 0:
        raise ValueError("sigma must be positive")
    return abnormal / sigma


def cumulative_abnormal(abnormal: pd.Series, start, end) -> tuple[float, int]:
    """The CAR over [start, end] (inclusive) and the number of days it sums."""
    window = abnormal.loc[pd.Timestamp(start) : pd.Timestamp(end)].dropna()
    if window.empty:
        raise ValueError(f"no abnormal returns between {start} and {end}")
    return float(window.sum()), len(window)


def car_t_statistic(car: float, sigma: float, days: int) -> float:
    """t of a CAR over `days` days: CAR / (sigma * sqrt(days))."""
    if days < 1:
        raise ValueError("days must be at least 1")
    return t_statistic(car, sigma * days**0.5)


def event_study(stock: pd.Series, market: pd.Series, event, end, days: int, car_window) -> dict:
    """The market-model event study of one stock on one day (returns in percent or fractions,
    as given): the day's return, the expected and abnormal returns, t, beta, CAR and its t."""
    fit = market_model(stock, market, end, days)
    alpha, beta = float(fit.params["const"]), float(fit.params["market"])
    sigma = residual_sigma(fit)
    ar = abnormal_returns(stock, market, alpha, beta)
    day = pd.Timestamp(event)
    car, n = cumulative_abnormal(ar, *car_window)
    return {
        "return": float(stock.loc[day]),
        "expected": float(stock.loc[day] - ar.loc[day]),
        "abnormal": float(ar.loc[day]),
        "t": t_statistic(float(ar.loc[day]), sigma),
        "beta": beta,
        "car": car,
        "car_t": car_t_statistic(car, sigma, n),
        "sigma": sigma,
        "fit": fit,
    }

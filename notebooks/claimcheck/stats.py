"""Statistics shared by notebooks: the market-model event study of notebook 01 (abnormal
returns, their t-statistics, CARs), each step a small function with a unit test.
"""

from __future__ import annotations

import pandas as pd

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


def market_model(stock: pd.Series, market: pd.Series, end, days: int):
    """OLS of the stock's returns on the market's over the estimation window (see above).

    Returns the statsmodels result; its params are 'const' (alpha) and 'market' (beta)."""
    import statsmodels.api as sm

    window = estimation_window(stock, market, end, days)
    return sm.OLS(window["stock"], sm.add_constant(window[["market"]])).fit()


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

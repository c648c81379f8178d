"""The event-study statistics on synthetic data where the answer is known by construction."""

import numpy as np
import pandas as pd
import pytest

from claimcheck import stats

DAYS = pd.bdate_range("2024-01-01", periods=200)
EVENT = DAYS[150]
ALPHA, BETA, SHOCK = 0.05, 1.7, -12.0


def synthetic(noise=0.5, seed=1):
    """Market returns, and a stock that follows alpha + beta * market + noise, with a shock
    on EVENT."""
    rng = np.random.default_rng(seed)
    market = pd.Series(rng.normal(0, 1, len(DAYS)), index=DAYS)
    stock = ALPHA + BETA * market + pd.Series(rng.normal(0, noise, len(DAYS)), index=DAYS)
    stock[EVENT] += SHOCK
    return stock, market


def test_window_ends_on_the_given_day_and_has_the_given_length():
    stock, market = synthetic()
    window = stats.estimation_window(stock, market, DAYS[140], 120)
    assert len(window) == 120 and window.index[-1] == DAYS[140] and window.index[0] == DAYS[21]


def test_window_skips_days_where_a_return_is_missing():
    stock, market = synthetic()
    stock[DAYS[140]] = np.nan
    window = stats.estimation_window(stock, market, DAYS[140], 10)
    assert window.index[-1] == DAYS[139] and len(window) == 10


def test_window_refuses_too_few_days():
    stock, market = synthetic()
    with pytest.raises(ValueError, match="only 11 days"):
        stats.estimation_window(stock, market, DAYS[10], 20)


def test_exact_linear_stock_gives_its_alpha_and_beta_and_the_shock_as_abnormal_return():
    stock, market = synthetic(noise=0.0)
    stock = stock + pd.Series(
        np.where(np.arange(len(DAYS)) % 2, 1e-9, -1e-9), index=DAYS
    )  # sigma > 0
    fit = stats.market_model(stock, market, DAYS[140], 120)
    assert fit.params["const"] == pytest.approx(ALPHA, abs=1e-6)
    assert fit.params["market"] == pytest.approx(BETA, abs=1e-6)
    ar = stats.abnormal_returns(stock, market, fit.params["const"], fit.params["market"])
    assert ar[EVENT] == pytest.approx(SHOCK, abs=1e-6)
    assert ar.drop(EVENT).abs().max() < 1e-6


def test_abnormal_return_is_actual_minus_expected():
    stock = pd.Series([1.0, -2.0, 3.0])
    market = pd.Series([0.5, -1.0, 0.0])
    ar = stats.abnormal_returns(stock, market, alpha=0.1, beta=2.0)
    assert ar.tolist() == pytest.approx([1.0 - 1.1, -2.0 + 1.9, 3.0 - 0.1])


def test_t_statistic_and_its_sign():
    assert stats.t_statistic(-6.0, 2.0) == -3.0
    assert stats.t_statistic(4.0, 2.0) == 2.0
    with pytest.raises(ValueError):
        stats.t_statistic(1.0, 0.0)


def test_cumulative_abnormal_sums_the_window_inclusive():
    ar = pd.Series([1.0, 2.0, -4.0, 8.0], index=DAYS[:4])
    assert stats.cumulative_abnormal(ar, DAYS[1], DAYS[2]) == (-2.0, 2)
    assert stats.cumulative_abnormal(ar, DAYS[0], DAYS[3]) == (7.0, 4)
    with pytest.raises(ValueError, match="no abnormal returns"):
        stats.cumulative_abnormal(ar, DAYS[10], DAYS[12])


def test_car_t_divides_by_sigma_times_root_days():
    assert stats.car_t_statistic(-6.0, 1.5, 4) == pytest.approx(-6.0 / (1.5 * 2.0))
    assert stats.car_t_statistic(3.0, 1.0, 1) == 3.0
    with pytest.raises(ValueError):
        stats.car_t_statistic(1.0, 1.0, 0)


def test_event_study_recovers_the_shock_with_noise():
    stock, market = synthetic(noise=0.5)
    out = stats.event_study(stock, market, EVENT, DAYS[140], 120, (DAYS[149], DAYS[152]))
    assert out["beta"] == pytest.approx(BETA, abs=0.15)
    assert out["abnormal"] == pytest.approx(SHOCK, abs=2.0)
    assert out["t"] == pytest.approx(out["abnormal"] / out["sigma"])
    assert out["t"] < -15
    assert out["expected"] == pytest.approx(out["return"] - out["abnormal"])
    assert out["sigma"] == pytest.approx(0.5, rel=0.2)
    fit = out["fit"]
    ar = stats.abnormal_returns(stock, market, fit.params["const"], fit.params["market"])
    assert out["car"] == pytest.approx(ar[DAYS[149] : DAYS[152]].sum())
    assert out["car_t"] == pytest.approx(out["car"] / (out["sigma"] * 2.0))


def test_event_study_estimation_ignores_the_event_day():
    """The estimation window ends before the event: the shock must not move alpha or beta."""
    stock, market = synthetic(noise=0.5)
    calm = stock.copy()
    calm[EVENT] -= SHOCK
    a = stats.event_study(stock, market, EVENT, DAYS[140], 120, (EVENT, EVENT))
    b = stats.event_study(calm, market, EVENT, DAYS[140], 120, (EVENT, EVENT))
    assert a["beta"] == b["beta"] and a["sigma"] == b["sigma"]
    assert a["abnormal"] - b["abnormal"] == pytest.approx(SHOCK)


# --- statsmodels, the reference the closed forms must match --------------------------------


@pytest.mark.parametrize("noise, seed", [(0.5, 1), (2.0, 7), (0.05, 42)])
def test_market_model_matches_statsmodels_ols(noise, seed):
    import statsmodels.api as sm

    stock, market = synthetic(noise=noise, seed=seed)
    fit = stats.market_model(stock, market, DAYS[140], 120)
    window = stats.estimation_window(stock, market, DAYS[140], 120)
    ref = sm.OLS(window["stock"], sm.add_constant(window[["market"]])).fit()
    assert list(fit.params.index) == ["const", "market"]
    assert fit.params.to_numpy() == pytest.approx(ref.params.to_numpy(), rel=1e-10, abs=1e-12)
    assert fit.resid.index.equals(ref.resid.index)
    assert fit.resid.to_numpy() == pytest.approx(ref.resid.to_numpy(), rel=1e-9, abs=1e-12)
    assert fit.mse_resid == pytest.approx(ref.mse_resid, rel=1e-10)
    assert fit.rsquared == pytest.approx(ref.rsquared, rel=1e-10)
    assert fit.nobs == ref.nobs == 120


@pytest.mark.parametrize(
    "k, n, confidence",
    [
        (0, 10, 0.95),
        (3, 10, 0.95),
        (10, 10, 0.95),
        (26, 50, 0.95),
        (52, 100, 0.9),
        (7, 1000, 0.99),
        (1, 1, 0.95),
    ],
)
def test_wilson_interval_matches_statsmodels(k, n, confidence):
    from statsmodels.stats.proportion import proportion_confint

    low, high = stats.wilson_interval(k, n, confidence=confidence)
    ref_low, ref_high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    assert low == pytest.approx(ref_low, abs=1e-12) and high == pytest.approx(ref_high, abs=1e-12)
    assert 0 <= low <= k / n <= high <= 1


@pytest.mark.parametrize(
    "k, n, confidence", [(-1, 10, 0.95), (11, 10, 0.95), (0, 0, 0.95), (1, 10, 1.0), (1, 10, 0.0)]
)
def test_wilson_interval_refuses_impossible_input(k, n, confidence):
    with pytest.raises(ValueError):
        stats.wilson_interval(k, n, confidence=confidence)

"""Quantiles -> P(congestion) and expected shortage: exact cases and properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netruimte.flex.forecast.flexradar import (
    QUANTILE_COLUMNS,
    QUANTILES,
    exceedance_probability,
    expected_excess_mw,
    flexradar_table,
    quantile_function,
)

TAUS = np.asarray(QUANTILES)


def laplace_deciles(mu: float, b: float) -> np.ndarray:
    """Exact deciles of a Laplace(mu, b) law."""
    q = np.where(TAUS < 0.5, mu + b * np.log(2 * TAUS), mu - b * np.log(2 * (1 - TAUS)))
    return q[None, :]


def test_quantile_function_passes_through_the_deciles() -> None:
    q = np.array([[1.0, 2.0, 2.5, 3.0, 4.0, 4.2, 5.0, 7.0, 9.0]])
    assert np.allclose(quantile_function(q, TAUS), q)
    mid = quantile_function(q, np.array([0.15, 0.45]))
    assert np.allclose(mid, [[1.5, 3.5]])


def test_laplace_tail_is_exact() -> None:
    mu, b = 10.0, 2.0
    q = laplace_deciles(mu, b)
    for c in (q[0, 8] + 0.5, mu + 3 * b, mu + 6 * b):
        p_exact = 0.5 * np.exp(-(c - mu) / b)
        excess_exact = 0.5 * b * np.exp(-(c - mu) / b)
        assert exceedance_probability(q, c)[0] == pytest.approx(p_exact, rel=1e-9)
        assert expected_excess_mw(q, c)[0] == pytest.approx(excess_exact, rel=1e-9)


def test_probability_at_the_deciles() -> None:
    q = laplace_deciles(0.0, 1.0)
    for i, tau in enumerate(QUANTILES):
        assert exceedance_probability(q, q[0, i])[0] == pytest.approx(1 - tau, abs=1e-12)


def test_expected_excess_below_all_mass_is_mean_minus_c() -> None:
    q = laplace_deciles(5.0, 1.0)  # symmetric: mean 5
    c = -100.0
    assert expected_excess_mw(q, c)[0] == pytest.approx(105.0, abs=1e-9)


@pytest.mark.parametrize("c", [-7.0, -1.0, 0.3, 2.0, 4.4, 8.0, 20.0])
def test_closed_forms_match_numerical_integration(c: float) -> None:
    """P and E from the closed forms equal a fine numerical integral of Q(tau)."""
    q = np.array([[-3.0, -1.0, 0.0, 0.0, 1.0, 2.5, 3.0, 4.0, 7.0]])
    taus = (np.arange(2_000_000) + 0.5) / 2_000_000
    grid = quantile_function(q, taus)[0]
    assert exceedance_probability(q, c)[0] == pytest.approx(np.mean(grid > c), abs=1e-5)
    assert expected_excess_mw(q, c)[0] == pytest.approx(
        np.mean(np.maximum(grid - c, 0)), abs=2e-4
    )


deciles = st.lists(
    st.floats(-50, 50, allow_nan=False), min_size=9, max_size=9
).map(lambda v: np.sort(np.asarray(v))[None, :])


@settings(max_examples=60, deadline=None)
@given(q=deciles, c1=st.floats(-80, 80), dc=st.floats(0, 40))
def test_monotone_in_capacity(q: np.ndarray, c1: float, dc: float) -> None:
    """More capacity never raises P(congestion) or the expected shortage; both stay in range."""
    p1, p2 = exceedance_probability(q, c1)[0], exceedance_probability(q, c1 + dc)[0]
    e1, e2 = expected_excess_mw(q, c1)[0], expected_excess_mw(q, c1 + dc)[0]
    assert 0.0 <= p2 <= p1 <= 1.0
    assert 0.0 <= e2 <= e1 + 1e-9


def test_feedin_mirrors_offtake() -> None:
    q = np.array([[-9.0, -7.0, -6.0, -5.0, -4.0, -3.5, -3.0, -1.0, 2.0]])
    idx = pd.date_range("2021-10-10", periods=1, freq="15min", tz="UTC")
    table = flexradar_table(pd.DataFrame(q, index=idx, columns=list(QUANTILE_COLUMNS)),
                            capacity_mw=1.0, feedin_capacity_mw=6.0)
    mirrored = -q[:, ::-1]
    assert table["p_congestion_feedin"].iloc[0] == pytest.approx(
        exceedance_probability(mirrored, 6.0)[0]
    )
    # P(L < -6): the P30 decile is -6 and the law is continuous, so exactly 0.3
    assert table["p_congestion_feedin"].iloc[0] == pytest.approx(0.3, abs=1e-12)
    assert table["p_congestion"].iloc[0] == pytest.approx(
        exceedance_probability(q, 1.0)[0]
    )
    assert str(table["time_local"].iloc[0].tz) == "Europe/Amsterdam"

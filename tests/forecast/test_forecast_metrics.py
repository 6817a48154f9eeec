"""Backtest metrics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from netruimte.flex.forecast import metrics

Y = np.array([0.0, 10.0, 20.0, 30.0, 40.0])
Q10 = np.array([-1.0, 5.0, 19.0, 31.0, 35.0])
Q50 = np.array([1.0, 10.0, 18.0, 30.0, 44.0])
Q90 = np.array([2.0, 12.0, 21.0, 29.0, 45.0])
P = np.array([0.0, 0.5, 0.2, 1.0, 0.9])
RANGE = 39.6 - 0.4  # P99 and P1 of Y with linear interpolation (index 3.96 and 0.04)


def test_range_is_p99_minus_p1() -> None:
    assert metrics.load_range_mw(Y) == pytest.approx(RANGE)


def test_scores_by_hand() -> None:
    s = metrics.score_quantiles(Y, Q10, Q50, Q90, P, threshold_mw=25.0)
    # |errors| of q50: 1, 0, 2, 0, 4 -> MAE 1.4
    assert s["rmae"] == pytest.approx(1.4 / RANGE)
    # P95 of Y is 38 (index 3.8): only y = 40 is a peak, its error is 4
    assert s["peak_rmae"] == pytest.approx(4.0 / RANGE)
    # pinball: q10 -> (0.1+0.5+0.1+0.9+0.5)/5 = 0.42; q50 -> 1.4/2 = 0.7;
    # q90 -> (0.2+0.2+0.1+0.9+0.5)/5 = 0.38; mean 0.5
    assert s["rql"] == pytest.approx(0.5 / RANGE)
    # y = 30 lies outside [31, 29]; the other four are inside
    assert s["cov80"] == pytest.approx(0.8)
    # events y > 25: 0,0,0,1,1 -> (0 + 0.25 + 0.04 + 0 + 0.01) / 5
    assert s["brier"] == pytest.approx(0.06)


def test_pinball_loss_by_hand() -> None:
    assert metrics.pinball_loss(np.array([3.0]), np.array([1.0]), 0.9) == pytest.approx(1.8)
    assert metrics.pinball_loss(np.array([1.0]), np.array([3.0]), 0.9) == pytest.approx(0.2)


def test_point_forecast_scores() -> None:
    s = metrics.score_point(Y, Q50, threshold_mw=25.0)
    assert s["rmae"] == pytest.approx(1.4 / RANGE)
    assert s["rql"] == pytest.approx(0.7 / RANGE)  # all three quantiles equal the point
    # point forecast exceeds 25 at 30 and 44: matches both events -> Brier 0
    assert s["brier"] == 0.0
    # an interval of zero width covers only exact hits (y = 10 and y = 30)
    assert s["cov80"] == pytest.approx(0.4)

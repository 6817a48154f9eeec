"""Forecast scores of the day-ahead backtest, all relative to the range of the actual load.

With `y` the actual load over the test window and `range = P99(y) - P1(y)`:

* `rmae = mean|y - q50| / range`
* `peak_rmae`: the same on the quarter-hours where `y >= P95(y)` (top 5% of actual load)
* `rql = mean over tau in {0.1, 0.5, 0.9} of mean pinball_tau(y, q_tau) / range`,
  `pinball_tau(y, q) = max(tau (y - q), (tau - 1)(y - q))`
* `cov80`: share of `y` inside `[q10, q90]`
* `brier = mean (p - 1[y > c])²` for the congestion probability `p = P(load > c)`.
"""

from __future__ import annotations

import numpy as np


def load_range_mw(actual_mw: np.ndarray) -> float:
    """P99 - P1 of the actual load (the scale all relative scores divide by)."""
    y = np.asarray(actual_mw, dtype=np.float64)
    y = y[np.isfinite(y)]
    return float(np.percentile(y, 99) - np.percentile(y, 1))


def pinball_loss(actual: np.ndarray, quantile: np.ndarray, tau: float) -> float:
    """Mean pinball (quantile) loss of forecast `quantile` at level `tau`."""
    diff = np.asarray(actual, dtype=np.float64) - np.asarray(quantile, dtype=np.float64)
    return float(np.mean(np.maximum(tau * diff, (tau - 1.0) * diff)))


def rmae(actual: np.ndarray, point: np.ndarray, range_mw: float) -> float:
    """MAE of the point forecast divided by the load range."""
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(point))) / range_mw)


def peak_mask(actual: np.ndarray, share: float = 0.05) -> np.ndarray:
    """Quarter-hours in the top `share` of the actual load (y >= its (1 - share) quantile)."""
    y = np.asarray(actual, dtype=np.float64)
    return y >= np.quantile(y, 1.0 - share)


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actuals inside the closed interval [lower, upper]."""
    y = np.asarray(actual)
    return float(np.mean((y >= np.asarray(lower)) & (y <= np.asarray(upper))))


def brier(prob: np.ndarray, event: np.ndarray) -> float:
    """Brier score of probabilities against 0/1 outcomes (0 is perfect)."""
    p = np.asarray(prob, dtype=np.float64)
    o = np.asarray(event, dtype=np.float64)
    return float(np.mean((p - o) ** 2))


def score_quantiles(
    actual: np.ndarray,
    q10: np.ndarray,
    q50: np.ndarray,
    q90: np.ndarray,
    prob_congestion: np.ndarray,
    threshold_mw: float,
) -> dict[str, float]:
    """All backtest scores of one series: rmae, peak_rmae, rql, cov80, brier (and range)."""
    y = np.asarray(actual, dtype=np.float64)
    rng = load_range_mw(y)
    peak = peak_mask(y)
    ql = np.mean([pinball_loss(y, q, t) for q, t in ((q10, 0.1), (q50, 0.5), (q90, 0.9))])
    return {
        "range_mw": rng,
        "rmae": rmae(y, q50, rng),
        "peak_rmae": rmae(y[peak], np.asarray(q50)[peak], rng),
        "rql": float(ql / rng),
        "cov80": coverage(y, q10, q90),
        "brier": brier(prob_congestion, y > threshold_mw),
    }


def score_point(actual: np.ndarray, point: np.ndarray, threshold_mw: float) -> dict[str, float]:
    """Scores of a point forecast (the persistence baselines): its interval has zero width,
    its quantile loss is that of a point, and its congestion 'probability' is 0 or 1."""
    p = np.asarray(point, dtype=np.float64)
    return score_quantiles(actual, p, p, p, (p > threshold_mw).astype(np.float64), threshold_mw)

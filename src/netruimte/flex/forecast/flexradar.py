"""From predicted quantiles to the flexradar: P(congestion) and expected MW shortage per step.

The model gives the deciles `q_0.1 .. q_0.9` of the load `L` (MW) for every quarter-hour.
They define a full predictive distribution through its quantile function `Q(tau)`:

* between the deciles `Q` is linear in `tau`;
* below `tau = 0.1` and above `0.9` it has exponential (Laplace) tails whose scale matches the
  spread of the inner quantiles: `Q(tau) = q_0.1 + b_lo ln(tau / 0.1)` with
  `b_lo = (q_0.5 - q_0.1) / ln 5`, and `Q(tau) = q_0.9 - b_hi ln((1 - tau) / 0.1)` with
  `b_hi = (q_0.9 - q_0.5) / ln 5` (for a Laplace law these hold exactly).

For an offtake capacity `c` (MW) the flexradar reports

* `P(congestion) = P(L > c) = 1 - F(c)`, with `F` the inverse of `Q`, and
* the expected shortage `E[max(L - c, 0)] = integral_0^1 max(Q(tau) - c, 0) dtau` (MW),

and for a feed-in capacity `c_f` (net feed-in is negative load) `P(L < -c_f)` and
`E[max(-c_f - L, 0)]`. Both are computed in closed form per piece (exact, vectorised over all
steps); `quantile_function` evaluates `Q` on a grid for plots and sampling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

QUANTILES = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
QUANTILE_COLUMNS = tuple(f"p{round(q * 100):d}_mw" for q in QUANTILES)
GRID_SIZE = 400
_LN5 = np.log(5.0)


def tau_grid(size: int = GRID_SIZE) -> np.ndarray:
    """Midpoints of `size` equal slices of (0, 1)."""
    return (np.arange(size) + 0.5) / size


def quantile_function(quantiles_mw: np.ndarray, taus: np.ndarray | None = None) -> np.ndarray:
    """Evaluate `Q(tau)` for every row of a (n, 9) decile array on the levels `taus`.

    Rows must be sorted (non-crossing); returns an (n, len(taus)) array, sorted per row.
    """
    q = np.asarray(quantiles_mw, dtype=np.float64)
    if q.ndim != 2 or q.shape[1] != len(QUANTILES):
        raise ValueError(f"expected an (n, {len(QUANTILES)}) decile array, got {q.shape}")
    t = tau_grid() if taus is None else np.asarray(taus, dtype=np.float64)
    levels = np.asarray(QUANTILES)
    inner = np.clip(t, levels[0], levels[-1])
    # Linear interpolation between deciles: locate the slice of each tau once (shared by rows).
    j = np.clip(np.searchsorted(levels, inner, side="right") - 1, 0, len(levels) - 2)
    w = (inner - levels[j]) / (levels[j + 1] - levels[j])
    out = q[:, j] * (1.0 - w) + q[:, j + 1] * w
    b_lo = np.maximum(q[:, 4] - q[:, 0], 0.0)[:, None] / _LN5
    b_hi = np.maximum(q[:, 8] - q[:, 4], 0.0)[:, None] / _LN5
    lo = t < levels[0]
    hi = t > levels[-1]
    if lo.any():
        out[:, lo] = q[:, [0]] + b_lo * np.log(t[lo] / levels[0])[None, :]
    if hi.any():
        out[:, hi] = q[:, [8]] - b_hi * np.log((1.0 - t[hi]) / (1.0 - levels[-1]))[None, :]
    return out


def _pieces(quantiles_mw: np.ndarray, threshold_mw: float | np.ndarray):
    q = np.asarray(quantiles_mw, dtype=np.float64)
    if q.ndim != 2 or q.shape[1] != len(QUANTILES):
        raise ValueError(f"expected an (n, {len(QUANTILES)}) decile array, got {q.shape}")
    c = np.broadcast_to(np.asarray(threshold_mw, dtype=np.float64), (q.shape[0],))
    b_lo = np.maximum(q[:, 4] - q[:, 0], 0.0) / _LN5
    b_hi = np.maximum(q[:, 8] - q[:, 4], 0.0) / _LN5
    return q, c, b_lo, b_hi


def _exp_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """exp(-num / den) for num >= 0, with den = 0 giving 0 (a point mass, no tail)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return np.where(den > 0, np.exp(-num / np.where(den > 0, den, 1.0)), 0.0)


def exceedance_probability(
    quantiles_mw: np.ndarray, threshold_mw: float | np.ndarray
) -> np.ndarray:
    """P(L > c) per row, exact for the distribution defined by the deciles (module docstring).

    `F(c)` is `0.1 exp((c - q_0.1) / b_lo)` below the first decile, the linear interpolation
    `0.1 + sum_k 0.1 clip((c - q_k) / (q_k+1 - q_k), 0, 1)` between deciles, and
    `1 - 0.1 exp(-(c - q_0.9) / b_hi)` above the last.
    """
    q, c, b_lo, b_hi = _pieces(quantiles_mw, threshold_mw)
    lo, hi = q[:, :-1], q[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        frac = np.where(hi > lo, (c[:, None] - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    frac = np.where(hi > lo, np.clip(frac, 0.0, 1.0), (c[:, None] >= hi).astype(np.float64))
    inner = 0.1 + 0.1 * frac.sum(axis=1)
    below = 0.1 * _exp_ratio(q[:, 0] - c, b_lo)
    above = 0.1 * _exp_ratio(c - q[:, 8], b_hi)
    cdf = np.where(c < q[:, 0], below, np.where(c > q[:, 8], 1.0 - above, inner))
    return np.clip(1.0 - cdf, 0.0, 1.0)


def expected_excess_mw(quantiles_mw: np.ndarray, threshold_mw: float | np.ndarray) -> np.ndarray:
    """E[max(L - c, 0)] per row (MW), exact: the integral of (Q(tau) - c)+ over each piece.

    Upper tail: `0.1 (q_0.9 - c + b_hi)` if `c <= q_0.9`, else `0.1 b_hi exp(-(c - q_0.9)/b_hi)`.
    Linear piece from `a` to `d`: `0.1 ((a + d)/2 - c)` if `c <= a`, `0.1 (d - c)²/(2 (d - a))`
    if `a < c < d`, else 0. Lower tail (only if `c < q_0.1`):
    `0.1 (q_0.1 - c - b_lo + b_lo exp(-(q_0.1 - c)/b_lo))`.
    """
    q, c, b_lo, b_hi = _pieces(quantiles_mw, threshold_mw)
    cc = c[:, None]
    a, d = q[:, :-1], q[:, 1:]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        partial = np.where(d > a, (d - cc) ** 2 / (2.0 * np.where(d > a, d - a, 1.0)), 0.0)
    piece = np.where(cc <= a, (a + d) / 2.0 - cc, np.where(cc < d, partial, 0.0))
    inner = 0.1 * piece.sum(axis=1)
    upper = np.where(
        c <= q[:, 8], 0.1 * (q[:, 8] - c + b_hi), 0.1 * b_hi * _exp_ratio(c - q[:, 8], b_hi)
    )
    gap = q[:, 0] - c
    lower = np.where(gap > 0, 0.1 * (gap - b_lo + b_lo * _exp_ratio(gap, b_lo)), 0.0)
    return np.maximum(inner + upper + lower, 0.0)


def flexradar_table(
    quantiles: pd.DataFrame,
    capacity_mw: float | None,
    feedin_capacity_mw: float | None = None,
) -> pd.DataFrame:
    """The flexradar per quarter-hour: deciles, P(congestion) and expected shortage (MW).

    `quantiles` has the columns `QUANTILE_COLUMNS` and a UTC index. `capacity_mw` is the
    offtake limit (load above it is congestion); `feedin_capacity_mw` the feed-in limit as a
    positive number (load below minus it is feed-in congestion). Either may be None.
    """
    q = quantiles.loc[:, list(QUANTILE_COLUMNS)].to_numpy(np.float64)
    out = quantiles.loc[:, list(QUANTILE_COLUMNS)].copy()
    out.insert(0, "time_local", quantiles.index.tz_convert("Europe/Amsterdam"))
    if capacity_mw is not None:
        out["capacity_mw"] = float(capacity_mw)
        out["p_congestion"] = exceedance_probability(q, capacity_mw)
        out["expected_shortage_mw"] = expected_excess_mw(q, capacity_mw)
    if feedin_capacity_mw is not None:
        # Feed-in: -L exceeds c_f. The deciles of -L are the reversed, negated deciles of L.
        neg = -q[:, ::-1]
        out["feedin_capacity_mw"] = float(feedin_capacity_mw)
        out["p_congestion_feedin"] = exceedance_probability(neg, feedin_capacity_mw)
        out["expected_shortage_feedin_mw"] = expected_excess_mw(neg, feedin_capacity_mw)
    return out

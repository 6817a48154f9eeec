"""Grouped statistics on sparse data (percentiles per group), vectorised with numpy."""

from __future__ import annotations

import numpy as np


def grouped_quantile(values: np.ndarray, groups: np.ndarray, n_groups: int, q: float) -> np.ndarray:
    """Quantile q (0..1) of `values` within each group, numpy's 'linear' method; NaN if empty."""
    out = np.full(n_groups, np.nan)
    if len(values) == 0:
        return out
    order = np.lexsort((values, groups))
    v, g = values[order], groups[order]
    counts = np.bincount(g, minlength=n_groups)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    has = counts > 0
    pos = q * (counts[has] - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, counts[has] - 1)
    frac = pos - lo
    base = starts[has]
    out[has] = v[base + lo] * (1 - frac) + v[base + hi] * frac
    return out


def grouped_max(
    values: np.ndarray, groups: np.ndarray, n_groups: int, empty: float = 0.0
) -> np.ndarray:
    """Maximum of `values` per group; `empty` where a group has no values."""
    out = np.full(n_groups, -np.inf)
    np.maximum.at(out, groups, values)
    out[np.isneginf(out)] = empty
    return out

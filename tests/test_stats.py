"""Grouped statistics against numpy per group."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from netruimte.stats import grouped_max, grouped_quantiles


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 300), st.integers(1, 12), st.integers(0, 2**31 - 1))
def test_grouped_quantiles_match_numpy(n: int, n_groups: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.exponential(5.0, n) * rng.choice([1e-3, 1.0, 1e3])
    groups = rng.integers(0, n_groups, n)
    qs = (0.0, 0.5, 0.95, 1.0)
    got = grouped_quantiles(values, groups, n_groups, qs)
    for g in range(n_groups):
        sel = values[groups == g]
        for i, q in enumerate(qs):
            if len(sel) == 0:
                assert np.isnan(got[i, g])
            else:
                want = np.percentile(sel, 100 * q)
                assert abs(got[i, g] - want) <= 1e-9 * (values.max() - values.min() + 1)
    mx = grouped_max(values, groups, n_groups)
    for g in range(n_groups):
        sel = values[groups == g]
        assert mx[g] == (sel.max() if len(sel) else 0.0)


def test_constant_values() -> None:
    got = grouped_quantiles(np.full(5, 2.5), np.array([0, 0, 1, 1, 1]), 3, (0.5,))
    assert got[0, 0] == 2.5 and got[0, 1] == 2.5 and np.isnan(got[0, 2])

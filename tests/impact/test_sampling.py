"""The Monte Carlo sample table: seeded, central row first, factors inside the margin."""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.impact.params import MonteCarlo
from netruimte.impact.sampling import FACTORS, sample_table


def test_central_row_and_margin() -> None:
    t = sample_table(MonteCarlo(samples=500, seed=1, spread=0.5))
    assert len(t) == 501
    assert (t.loc[0, list(FACTORS)] == 1.0).all()
    assert t.loc[0, "design_choice"] == 0
    mc = t.loc[1:, list(FACTORS)].to_numpy()
    assert mc.min() >= 0.5 and mc.max() <= 1.5
    # uniform: a quarter of the draws in each quarter of the margin (loose bounds)
    assert 0.2 < (mc < 0.75).mean() < 0.3
    assert set(t.loc[1:, "design_choice"]) == {0, 1, 2}


def test_seeded_and_triangular() -> None:
    a = sample_table(MonteCarlo(samples=50, seed=4))
    b = sample_table(MonteCarlo(samples=50, seed=4))
    c = sample_table(MonteCarlo(samples=50, seed=5))
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["growth"], c["growth"])
    tri = sample_table(MonteCarlo(samples=2000, seed=2, distribution="triangular"))
    uni = sample_table(MonteCarlo(samples=2000, seed=2))
    assert tri.loc[1:, "growth"].std() < uni.loc[1:, "growth"].std()
    none = sample_table(MonteCarlo(samples=10, spread=0.0))
    assert (none[list(FACTORS)] == 1.0).all().all()

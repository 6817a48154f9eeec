"""Players, masks and the Shapley matrix against the measures' brute-force attribution."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netruimte.impact import players as P
from netruimte.measures.attribution import shapley_by_orders, shapley_exact


def test_masks_and_combinations() -> None:
    assert P.mask_of(["risk_appetite", "budget"]) == 1 | 128
    assert P.members(1 | 128) == ("risk_appetite", "budget")
    assert P.load_combo(P.mask_of(["flex_norm", "prognosis"])) == 0b110
    assert P.flex_combo(P.mask_of(["budget", "flex_expectation"])) == 0b10010
    assert P.offer_level(0) == 0
    assert P.offer_level(P.BIT["flex_norm"]) == 1
    assert P.offer_level(P.BIT["contracts"] | P.BIT["flex_norm"]) == 2
    with pytest.raises(ValueError, match="unknown"):
        P.mask_of(["moonshot"])


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(-100, 100, allow_nan=False), min_size=32, max_size=32))
def test_shapley_matrix_equals_brute_force_orders(values) -> None:
    n = 5
    v = np.array(values)
    phi = v @ P.shapley_matrix(n)
    game = lambda s: v[sum(1 << i for i in s)]  # noqa: E731
    ref = shapley_by_orders(list(range(n)), game)
    assert np.allclose(phi, [ref[i] for i in range(n)])
    assert phi.sum() == pytest.approx(v[-1] - v[0])  # efficiency


def test_shapley_matrix_eight_players_matches_subset_formula() -> None:
    rng = np.random.default_rng(3)
    v = rng.normal(size=P.N_SETS)
    phi = v @ P.shapley_matrix()
    ref = shapley_exact(list(range(8)), lambda s: v[sum(1 << i for i in s)])
    assert np.allclose(phi, [ref[i] for i in range(8)])
    # a player that never changes anything (a null player) gets nothing
    null = v.copy()
    for s in range(P.N_SETS):
        null[s | 8] = null[s & ~8]
    assert abs((null @ P.shapley_matrix())[3]) < 1e-12

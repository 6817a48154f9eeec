"""Shapley attribution: exact equals brute force over orders; efficiency, symmetry, dummy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netruimte.measures.attribution import (
    shapley,
    shapley_by_orders,
    shapley_exact,
    shapley_sampled,
)


def _game(n: int, values: list[float]):
    players = [f"m{i}" for i in range(n)]
    subsets = [frozenset(c) for k in range(n + 1) for c in itertools.combinations(players, k)]
    table = dict(zip(subsets, values, strict=False))

    def v(s: frozenset) -> np.ndarray:
        return np.array([table.get(s, 0.0) if s else 0.0, len(s)])

    return players, v


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 5), st.lists(st.floats(-100, 100), min_size=32, max_size=32))
def test_exact_equals_brute_force_and_sums_to_the_whole(n, values) -> None:
    players, v = _game(n, values)
    exact = shapley_exact(players, v)
    brute = shapley_by_orders(players, v)
    for p in players:
        np.testing.assert_allclose(exact[p], brute[p], atol=1e-9)
    total = sum(exact.values())
    np.testing.assert_allclose(total, v(frozenset(players)) - v(frozenset()), atol=1e-9)


def test_symmetry_dummy_and_additivity() -> None:
    players = ["a", "b", "c"]
    # a and b are symmetric (only together worth 6); c is a dummy
    v = lambda s: np.array([6.0 if {"a", "b"} <= s else 0.0])  # noqa: E731
    phi = shapley_exact(players, v)
    assert phi["a"][0] == pytest.approx(3.0) and phi["b"][0] == pytest.approx(3.0)
    assert phi["c"][0] == pytest.approx(0.0)
    add = lambda s: np.array([sum({"a": 1.0, "b": 2.0, "c": 4.0}[p] for p in s)])  # noqa: E731
    phi = shapley_exact(players, add)
    assert [phi[p][0] for p in players] == pytest.approx([1.0, 2.0, 4.0])


def test_sampled_sums_exactly_and_approaches_the_exact_values() -> None:
    players, v = _game(5, list(np.random.default_rng(1).normal(size=32) * 10))
    exact = shapley_exact(players, v)
    sampled = shapley_sampled(players, v, samples=3000, seed=2)
    np.testing.assert_allclose(sum(sampled.values()), v(frozenset(players)) - v(frozenset()))
    for p in players:
        assert abs(sampled[p][0] - exact[p][0]) < 1.5
    _, method = shapley(players, v, max_exact=4, samples=50)
    assert method == "sampled, 50 orders"
    _, method = shapley(players, v, max_exact=8)
    assert method == "exact"

"""Attribution of a set's effect to its measures: Shapley values (average marginal contribution).

Measures are not additive, so a measure's share is its marginal contribution averaged over
all orders in which the set can be built: φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! ·
(v(S ∪ {i}) − v(S)). Exact for up to `max_exact` measures (2^n evaluations of v); above that,
the average over `samples` random orders (unbiased, seeded). The values sum to
v(N) − v(∅) exactly (efficiency), in both modes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Sequence

import numpy as np

Value = Callable[[frozenset], np.ndarray]


def _memo(value: Value) -> Value:
    cache: dict[frozenset, np.ndarray] = {}

    def v(s: frozenset) -> np.ndarray:
        if s not in cache:
            cache[s] = np.asarray(value(s), dtype=float)
        return cache[s]

    return v


def shapley_exact(players: Sequence[Hashable], value: Value) -> dict[Hashable, np.ndarray]:
    """Exact Shapley values by the subset formula (2^n calls of `value`, memoised)."""
    v = _memo(value)
    n = len(players)
    out = {}
    for p in players:
        others = [q for q in players if q != p]
        phi = 0.0
        for size in range(n):
            weight = math.factorial(size) * math.factorial(n - size - 1) / math.factorial(n)
            for subset in itertools.combinations(others, size):
                s = frozenset(subset)
                phi = phi + weight * (v(s | {p}) - v(s))
        out[p] = np.asarray(phi, dtype=float)
    return out


def shapley_by_orders(players: Sequence[Hashable], value: Value) -> dict[Hashable, np.ndarray]:
    """Average marginal contribution over all n! orders (a brute-force reference)."""
    v = _memo(value)
    totals = {p: 0.0 for p in players}
    orders = list(itertools.permutations(players))
    for order in orders:
        built: frozenset = frozenset()
        for p in order:
            totals[p] = totals[p] + v(built | {p}) - v(built)
            built = built | {p}
    return {p: np.asarray(t / len(orders), dtype=float) for p, t in totals.items()}


def shapley_sampled(
    players: Sequence[Hashable], value: Value, samples: int, seed: int = 0
) -> dict[Hashable, np.ndarray]:
    """Average marginal contribution over `samples` random orders (seeded)."""
    v = _memo(value)
    rng = np.random.default_rng(seed)
    totals = {p: 0.0 for p in players}
    for _ in range(samples):
        built: frozenset = frozenset()
        for j in rng.permutation(len(players)):
            p = players[j]
            totals[p] = totals[p] + v(built | {p}) - v(built)
            built = built | {p}
    return {p: np.asarray(t / samples, dtype=float) for p, t in totals.items()}


def shapley(
    players: Sequence[Hashable], value: Value, max_exact: int = 8, samples: int = 200, seed: int = 0
) -> tuple[dict[Hashable, np.ndarray], str]:
    """Shapley values and the method used ('exact' or 'sampled, N orders')."""
    if len(players) <= max_exact:
        return shapley_exact(players, value), "exact"
    return shapley_sampled(players, value, samples, seed), f"sampled, {samples} orders"

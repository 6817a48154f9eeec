"""The eight breakthroughs of the Aansluitoffensief as players of the impact roll-up.

A set of breakthroughs is an 8-bit mask (bit j = PLAYERS[j]). The mask splits into the parts
the surrogate needs: which breakthroughs change the load (risk appetite, prognoses, flex as the
norm: 8 load combinations), which add counted flex (risk appetite books it; tenders, top-50 and
the budget buy it; the flex expectation scales what they deliver) and which offer contracts.
"""

from __future__ import annotations

import numpy as np

# (name, breakthrough number, label); the order fixes the bit of each player
PLAYERS: tuple[tuple[str, int, str], ...] = (
    ("risk_appetite", 1, "risk appetite"),
    ("prognosis", 2, "better prognoses"),
    ("contracts", 3, "revised contract terms"),
    ("flex_expectation", 4, "flex expectation"),
    ("tenders", 5, "regional tenders"),
    ("top50", 6, "top-50 agreements"),
    ("flex_norm", 7, "flex as the norm"),
    ("budget", 8, "contracting above the financial floor"),
)
NAMES: tuple[str, ...] = tuple(p[0] for p in PLAYERS)
N_PLAYERS = len(PLAYERS)
N_SETS = 1 << N_PLAYERS
BIT = {name: 1 << j for j, name in enumerate(NAMES)}
ALL = N_SETS - 1

# the breakthroughs that transform the load and shapes, in the order they are applied
LOAD_PLAYERS: tuple[str, ...] = ("risk_appetite", "prognosis", "flex_norm")
# the breakthroughs that add counted flex; the enabler scales them
FLEX_PLAYERS: tuple[str, ...] = ("risk_appetite", "flex_expectation", "tenders", "top50", "budget")


def mask_of(names) -> int:
    """The mask of a collection of player names."""
    unknown = set(names) - set(NAMES)
    if unknown:
        raise ValueError(f"unknown breakthroughs {sorted(unknown)}; known: {list(NAMES)}")
    return int(sum(BIT[n] for n in set(names)))


def members(mask: int) -> tuple[str, ...]:
    """Player names in a mask, in player order."""
    return tuple(n for j, n in enumerate(NAMES) if mask >> j & 1)


def load_combo(mask: int) -> int:
    """Index 0..7 of the load combination (bit 0 risk appetite, 1 prognosis, 2 flex norm)."""
    return sum(1 << i for i, n in enumerate(LOAD_PLAYERS) if mask & BIT[n])


def flex_combo(mask: int) -> int:
    """Index 0..31 of the flex combination (bits in FLEX_PLAYERS order)."""
    return sum(1 << i for i, n in enumerate(FLEX_PLAYERS) if mask & BIT[n])


def offer_level(mask: int) -> int:
    """Contracts offered: 0 firm only, 1 CSC (flex as the norm), 2 all types (contracts)."""
    if mask & BIT["contracts"]:
        return 2
    return 1 if mask & BIT["flex_norm"] else 0


def combo_members(combo: int, players: tuple[str, ...]) -> tuple[str, ...]:
    """Player names of a load or flex combination index."""
    return tuple(n for i, n in enumerate(players) if combo >> i & 1)


def shapley_matrix(n: int = N_PLAYERS) -> np.ndarray:
    """W (2^n, n) with φ = v @ W the exact Shapley values of a game v over all masks.

    φ_i = Σ_{S ∌ i} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S)); linear in v, so the
    attribution of any value table (per sample, per operator, per area) is one product.
    """
    from math import factorial

    size = np.array([bin(s).count("1") for s in range(1 << n)])
    w = np.zeros((1 << n, n))
    for i in range(n):
        bit = 1 << i
        without = np.array([s for s in range(1 << n) if not s & bit])
        weight = np.array(
            [factorial(size[s]) * factorial(n - size[s] - 1) / factorial(n) for s in without]
        )
        w[without | bit, i] += weight
        w[without, i] -= weight
    return w

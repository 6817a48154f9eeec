"""Shortage: how far net load exceeds capacity, per direction.

Offtake: S = max(0, L − C_offtake). Feed-in: S = max(0, −L − C_feedin). L is net load in MW
(+ offtake, − feed-in); capacities are per area (last axis) and may be +inf (unknown).
"""

from __future__ import annotations

import numpy as np

DIRECTIONS = ("offtake", "feedin")


def shortage_mw(load_mw: np.ndarray, capacity_mw: np.ndarray, direction: str) -> np.ndarray:
    """Shortage in MW, same shape and dtype as `load_mw`; capacity broadcasts on the last axis."""
    cap = np.asarray(capacity_mw, dtype=load_mw.dtype)
    if direction == "offtake":
        excess = load_mw - cap
    elif direction == "feedin":
        excess = -load_mw - cap
    else:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    return np.maximum(excess, 0, out=excess)


def signed_for(direction: str) -> float:
    """+1 for offtake, −1 for feed-in: multiply net load by this to get load in that direction."""
    return 1.0 if direction == "offtake" else -1.0

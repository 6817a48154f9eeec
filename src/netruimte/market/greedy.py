"""A greedy merit-order baseline for the tender (and the MILP's starting solution).

Eligible bids in order of score (€ per MWh of need coverage; ties by tie rank); a bid is
accepted when it still adds MW where a block's need is not yet met — all of it if
indivisible, else as much as the largest remaining need in its hours (at least min_mw).
It stops once every need is covered at its reliability. A clean-up pass in reverse order then
drops or shrinks accepted bids that turned out to be redundant.
"""

from __future__ import annotations

import numpy as np

from netruimte.market.problem import TenderProblem

TOL = 1e-6


def greedy_merit_order(p: TenderProblem) -> np.ndarray | None:
    """Accepted MW per bid, or None when even all eligible bids cannot cover the need."""
    x = np.zeros(p.n_bids)
    cover = p.cover.tocsc()
    need = p.block_mw[p.atom_block]
    live = p.coverable[p.atom_block]
    remaining = np.where(live, need, 0.0)
    unmet_atoms = np.bincount(p.atom_block[live], minlength=p.n_blocks)
    covered = np.zeros(p.n_blocks, dtype=bool)
    covered[unmet_atoms == 0] = p.coverable[unmet_atoms == 0]

    def done() -> bool:
        return p.meets_reliability(covered)

    score = p.score_eur_per_mwh
    order = sorted(np.flatnonzero(p.eligible), key=lambda b: (score[b], p.tie_rank[b]))
    taken = []
    for b in order:  # per bid, not per time step
        if done():
            break
        rows = cover.indices[cover.indptr[b] : cover.indptr[b + 1]]
        short = rows[remaining[rows] > TOL]
        if len(short) == 0:
            continue
        if p.divisible[b]:
            amount = float(np.clip(remaining[short].max(), p.min_mw[b], p.mw[b]))
        else:
            amount = float(p.mw[b])
        x[b] = amount
        taken.append(b)
        before = remaining[rows] > TOL
        remaining[rows] -= amount
        met = rows[before & (remaining[rows] <= TOL)]
        if len(met):
            blocks, counts = np.unique(p.atom_block[met], return_counts=True)
            unmet_atoms[blocks] -= counts
            covered[blocks[unmet_atoms[blocks] == 0]] = True
    if not done():
        return None
    for b in reversed(taken):  # clean-up: drop or shrink what is not needed
        keep = x[b]
        x[b] = 0.0
        if p.feasible(x):
            continue
        if p.divisible[b]:
            rows = cover.indices[cover.indptr[b] : cover.indptr[b + 1]]
            supply = cover[rows] @ x
            lack = float((need[rows] - supply)[live[rows]].max(initial=0.0))
            trial = min(keep, max(p.min_mw[b], lack))
            x[b] = trial
            if p.feasible(x):
                continue
        x[b] = keep
    return x

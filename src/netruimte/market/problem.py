"""The tender as arrays: which bid counts where, what it costs, and the exact time aggregation.

Every quarter-hour of the delivery year lies in one cell (local day × hour) and windows are
whole cells, so a bid is either available in a whole cell or not. Need cells with the same
block and the same set of usable bids impose the same constraint, Σ_{b∈S} MW_b ≥ need(block);
they collapse into one *atom* without changing the problem (exact, not approximate). Inside a
block an atom whose bid set contains another atom's set is implied by it and is dropped too.

Eligibility of a bid for a need block: same area (or a relieving area), a direction it
relieves, its max duration ≥ the longest event touching the block, and its max activations
≥ the activations it would face in the blocks it serves (the sum over those blocks, capped by
the need's yearly total: a safe upper bound on distinct events).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import scipy.sparse as sp

from netruimte.market.bids import Bid
from netruimte.market.need import Need
from netruimte.market.windows import YearGrid, year_grid

EPS = 1e-9


@dataclass
class TenderProblem:
    """The arrays the MILP, the greedy baseline and the scorecards share."""

    needs: list[Need]
    bids: list[Bid]
    grid: YearGrid
    co2_eur_per_t: float
    # per bid (B,)
    mw: np.ndarray
    min_mw: np.ndarray
    divisible: np.ndarray
    contract_share: np.ndarray
    availability_eur_per_mw: np.ndarray
    activation_mwh_per_mw: np.ndarray
    activation_eur_per_mw: np.ndarray
    co2_t_per_mw: np.ndarray
    co2_eur_per_mw: np.ndarray
    cost_eur_per_mw: np.ndarray
    served_hours: np.ndarray
    eligible: np.ndarray
    binding: list[str]
    reason: list[str]
    tie_rank: np.ndarray
    # per block (NB,) over all needs
    block_need: np.ndarray
    block_index: np.ndarray  # index of the block inside its need
    block_mw: np.ndarray
    block_hours: np.ndarray
    coverable: np.ndarray
    # atoms (K,)
    atom_block: np.ndarray
    atom_steps: np.ndarray
    cover: sp.csc_matrix  # (K, B) 1 where bid b counts in atom k
    n_atoms_before_dominance: int = 0
    stats: dict[str, float] = field(default_factory=dict)

    @property
    def n_bids(self) -> int:
        return len(self.bids)

    @property
    def n_blocks(self) -> int:
        return len(self.block_mw)

    @property
    def score_eur_per_mwh(self) -> np.ndarray:
        """Cost per MW-year over the expected need hours it serves: € per MWh of coverage."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(
                self.served_hours > EPS, self.cost_eur_per_mw / self.served_hours, np.inf
            )

    def allowance_hours(self) -> np.ndarray:
        """Per need: expected congested hours that may stay uncovered, (1 − r) × total."""
        return np.array([(1.0 - n.reliability) * n.expected_hours_per_year for n in self.needs])

    def block_covered(self, accepted_mw: np.ndarray, tol: float = 1e-6) -> np.ndarray:
        """(NB,) whether every atom of each block has accepted MW ≥ its need."""
        supply = self.cover @ accepted_mw
        ok_atom = supply >= self.block_mw[self.atom_block] - tol
        covered = self.coverable.copy()
        bad = np.zeros(self.n_blocks, dtype=bool)
        bad[self.atom_block[~ok_atom]] = True
        return covered & ~bad

    @property
    def strict(self) -> np.ndarray:
        """(N,) needs with reliability 1: every coverable block must be covered."""
        return np.array([n.reliability >= 1.0 for n in self.needs], dtype=bool)

    def meets_reliability(self, covered: np.ndarray) -> bool:
        """Whether covered blocks (NB,) satisfy every need: all coverable blocks for a need at
        reliability 1, else uncovered expected hours within the (effective) allowance."""
        uncovered = ~covered
        hours = np.bincount(
            self.block_need[uncovered],
            weights=self.block_hours[uncovered],
            minlength=len(self.needs),
        )
        missed = np.bincount(self.block_need[uncovered & self.coverable], minlength=len(self.needs))
        ok = np.where(self.strict, missed == 0, hours <= self.effective_allowance() + 1e-6)
        return bool(ok.all())

    def feasible(self, accepted_mw: np.ndarray, tol: float = 1e-6) -> bool:
        """Whether an acceptance covers every need at its reliability (uncoverable blocks
        are exempt) and respects each bid's size limits."""
        x = np.asarray(accepted_mw, dtype=float)
        on = x > tol
        if (x > self.mw + tol).any() or (on & (x < self.min_mw - tol)).any():
            return False
        if (on & ~self.eligible).any():
            return False
        return self.meets_reliability(self.block_covered(x, tol))

    def effective_allowance(self) -> np.ndarray:
        """Allowance per need, raised to the uncoverable hours when the bids cannot reach r."""
        forced = np.bincount(
            self.block_need[~self.coverable],
            weights=self.block_hours[~self.coverable],
            minlength=len(self.needs),
        )
        return np.maximum(self.allowance_hours(), forced)

    def cost_of(self, accepted_mw: np.ndarray) -> float:
        return float(self.cost_eur_per_mw @ np.asarray(accepted_mw, dtype=float))


def _tie_rank(bids: list[Bid]) -> np.ndarray:
    """Tie-break order: earlier submission first (no time = last), then bid id."""
    far = "9999-12-31T23:59:59"
    keys = [
        (b.submitted_at.isoformat() if b.submitted_at is not None else far, b.bid_id) for b in bids
    ]
    order = sorted(range(len(bids)), key=lambda i: keys[i])
    rank = np.empty(len(bids), dtype=np.int64)
    rank[order] = np.arange(len(bids))
    return rank


def _contract_share(bids: list[Bid], year: int) -> np.ndarray:
    """Share of the delivery year a bid's contract runs (from its start date)."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    days = (last - first).days + 1
    out = np.empty(len(bids))
    for i, b in enumerate(bids):
        start = max(b.start_date, first)  # type: ignore[type-var]
        out[i] = max(0, (last - start).days + 1) / days
    return out


def _dominated(sets: sp.csr_matrix) -> np.ndarray:
    """Rows whose bid set strictly contains another row's set (implied within one block)."""
    k = sets.shape[0]
    if k < 2:
        return np.zeros(k, dtype=bool)
    s = sets.astype(np.float64)
    inter = (s @ s.T).toarray()
    size = np.asarray(s.sum(axis=1)).ravel()
    # row j is implied by row i when S_i ⊆ S_j, i != j (sets are distinct after unique)
    subset = np.isclose(inter, size[:, None])  # subset[i, j]: S_i ⊆ S_j
    np.fill_diagonal(subset, False)
    return subset.any(axis=0)


def build_problem(
    needs: list[Need], bids: list[Bid], co2_eur_per_t: float = 100.0
) -> TenderProblem:
    """Arrays of a tender: bids × needs → eligibility, costs and the aggregated atoms."""
    if not needs:
        raise ValueError("a tender needs at least one need")
    years = {n.year for n in needs}
    if len(years) != 1:
        raise ValueError(f"all needs of a tender must be for one delivery year, got {years}")
    year = years.pop()
    grid = year_grid(year)
    n_b = len(bids)
    mw = np.array([b.mw for b in bids], dtype=float)
    divisible = np.array([bool(b.divisible) for b in bids])
    min_mw = np.array([b.min_accept_mw for b in bids], dtype=float)
    max_dur = np.array([b.max_duration_h for b in bids], dtype=float)
    max_act = np.array([b.max_activations_per_year for b in bids], dtype=float)
    bid_cells = grid.windows_cells([list(b.windows) for b in bids], [b.start_date for b in bids])
    steps = grid.steps_per_cell.astype(np.float64)

    binding = [""] * n_b
    reason = [""] * n_b
    counts_any = np.zeros(n_b, dtype=bool)
    act_mwh = np.zeros(n_b)
    served = np.zeros(n_b)
    block_need, block_index, block_mw, block_hours = [], [], [], []
    atom_block_parts, atom_steps_parts, cover_parts = [], [], []
    n_before = 0
    n_need_cells = 0
    first_block = 0
    why_rank = {
        "": 0,
        "eligibility:window": 1,
        "eligibility:duration": 2,
        "eligibility:activations": 3,
    }
    best_why = np.zeros(n_b, dtype=np.int64) if n_b else np.zeros(0, dtype=np.int64)
    why_text: list[str] = [""] * n_b
    for ni, need in enumerate(needs):
        nb = len(need.blocks)
        b_mw = np.array([b.mw for b in need.blocks], dtype=float)
        b_hours = np.array([b.expected_hours_per_year for b in need.blocks], dtype=float)
        b_mwh = np.array([b.expected_mwh_per_year for b in need.blocks], dtype=float)
        b_acts = np.array([b.activations_per_year for b in need.blocks], dtype=float)
        b_dur = np.array([b.max_duration_h for b in need.blocks], dtype=float)
        block_need.extend([ni] * nb)
        block_index.extend(range(nb))
        block_mw.extend(b_mw)
        block_hours.extend(b_hours)
        if nb == 0:
            continue
        block_cells = grid.windows_cells([[b.window] for b in need.blocks])  # (nb, C)
        block_of_cell = np.where(block_cells.any(axis=0), block_cells.argmax(axis=0), -1)
        need_cells = np.flatnonzero(block_of_cell >= 0)
        n_need_cells += len(need_cells)
        cb = block_of_cell[need_cells]
        block_steps = np.bincount(cb, weights=steps[need_cells], minlength=nb)
        areas = set(need.areas)
        counts = np.array(
            [b.area_id in areas and b.relieves == need.direction for b in bids], dtype=bool
        )
        idx = np.flatnonzero(counts)
        if len(idx) == 0:  # nobody can serve this need: one empty atom per block
            atom_block_parts.append(first_block + np.arange(nb))
            atom_steps_parts.append(block_steps)
            cover_parts.append((np.zeros(0, np.int64), np.zeros(0, np.int64), nb))
            n_before += nb
            first_block += nb
            continue
        counts_any[idx] = True
        # available steps of each counting bid in each block: (B_i, nb)
        onehot = sp.csr_matrix((steps[need_cells], (need_cells, cb)), shape=(grid.n_cells, nb))
        avail = np.asarray((onehot.T @ bid_cells[idx].T.astype(np.float64)).T)
        overlap = avail > 0
        dur_ok = max_dur[idx, None] >= b_dur[None, :] - EPS
        elig = overlap & dur_ok
        bound = elig.astype(float) @ b_acts
        if need.max_activations_per_year > 0:
            bound = np.minimum(bound, need.max_activations_per_year)
        act_ok = max_act[idx] >= bound - EPS
        elig &= act_ok[:, None]
        # the best explanation when a bid counts nowhere in this need
        for j, b in enumerate(idx):
            if elig[j].any():
                best_why[b] = -1
                continue
            if best_why[b] < 0:
                continue
            if not overlap[j].any():
                w, txt = "eligibility:window", "its windows and start date miss every block"
            elif not (overlap[j] & dur_ok[j]).any():
                longest = float(b_dur[overlap[j]].min())
                w, txt = (
                    "eligibility:duration",
                    f"max duration {max_dur[b]:g} h is shorter than the events in its "
                    f"windows (at least {longest:g} h)",
                )
            else:
                w, txt = (
                    "eligibility:activations",
                    f"would be called up to {bound[j]:.0f} times a year in its windows; "
                    f"it offers {max_act[b]:.0f}",
                )
            if why_rank[w] >= best_why[b]:
                best_why[b], why_text[b] = why_rank[w], f"{need.key}: {txt}"
        # expected activation energy and served hours per MW (pro rata within each block)
        frac = np.where(elig, avail / np.maximum(block_steps, 1.0)[None, :], 0.0)
        per_mw = np.where(b_mw > 0, b_mwh / np.maximum(b_mw, EPS), 0.0)
        act_mwh[idx] = np.maximum(act_mwh[idx], frac @ per_mw)
        served[idx] = np.maximum(served[idx], frac @ b_hours)
        # atoms: need cells with the same block and the same usable bids
        usable = bid_cells[idx][:, need_cells] & elig[:, cb]  # (B_i, cells)
        packed = np.packbits(usable.T, axis=1)  # (cells, ceil(B_i / 8))
        keyed = np.concatenate([cb[:, None].astype(">u4").view(np.uint8), packed], axis=1)
        keys = np.ascontiguousarray(keyed).view(np.dtype((np.void, keyed.shape[1]))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        a_block = cb[first]
        a_steps = np.bincount(inverse.ravel(), weights=steps[need_cells], minlength=len(first))
        a_sets = sp.csr_matrix(usable[:, first].T)  # (K_i, B_i)
        n_before += len(first)
        keep = np.ones(len(first), dtype=bool)
        for blk in np.unique(a_block):  # per block: drop atoms implied by another atom
            rows = np.flatnonzero(a_block == blk)
            if len(rows) > 1:
                keep[rows[_dominated(a_sets[rows])]] = False
        a_sets = a_sets[keep]
        atom_block_parts.append(a_block[keep] + first_block)
        atom_steps_parts.append(a_steps[keep])
        coo = a_sets.tocoo()
        cover_parts.append((coo.row, idx[coo.col], a_sets.shape[0]))
        first_block += nb
    for b in range(n_b):
        if not counts_any[b]:
            binding[b], reason[b] = "eligibility:area", "no need in this tender can use it"
        elif best_why[b] >= 0:
            binding[b] = next(k for k, v in why_rank.items() if v == best_why[b])
            reason[b] = why_text[b]
    eligible = np.array([binding[b] == "" for b in range(n_b)], dtype=bool)
    # stack atoms of all needs
    rows, cols, offset = [], [], 0
    for r, c, k in cover_parts:
        rows.append(r + offset)
        cols.append(c)
        offset += k
    cover = sp.csc_matrix(
        (
            np.ones(sum(len(r) for r in rows)),
            (np.concatenate(rows) if rows else [], np.concatenate(cols) if cols else []),
        ),
        shape=(offset, n_b),
    )
    atom_block = np.concatenate(atom_block_parts) if atom_block_parts else np.zeros(0, int)
    atom_steps = np.concatenate(atom_steps_parts) if atom_steps_parts else np.zeros(0)
    # bids that count nowhere are ineligible: drop them from the atoms
    cover = cover @ sp.diags(eligible.astype(float))
    cover.eliminate_zeros()
    cover = sp.csc_matrix(cover)
    block_mw_a = np.asarray(block_mw, dtype=float)
    supply_max = cover @ mw
    atom_ok = supply_max >= block_mw_a[atom_block] - 1e-9
    coverable = np.ones(len(block_mw_a), dtype=bool)
    coverable[atom_block[~atom_ok]] = False
    max_energy = max_act * max_dur
    act_mwh = np.minimum(act_mwh, max_energy)
    share = _contract_share(bids, year)
    avail_eur = np.array([b.availability_eur_per_mw_yr for b in bids], dtype=float) * share
    act_eur = act_mwh * np.array([b.activation_eur_per_mwh for b in bids], dtype=float)
    co2_t = act_mwh * np.array([b.co2_kg_per_mwh for b in bids], dtype=float) / 1000.0
    co2_eur = co2_t * co2_eur_per_t
    return TenderProblem(
        needs=needs,
        bids=bids,
        grid=grid,
        co2_eur_per_t=co2_eur_per_t,
        mw=mw,
        min_mw=np.where(divisible, min_mw, mw),
        divisible=divisible,
        contract_share=share,
        availability_eur_per_mw=avail_eur,
        activation_mwh_per_mw=act_mwh,
        activation_eur_per_mw=act_eur,
        co2_t_per_mw=co2_t,
        co2_eur_per_mw=co2_eur,
        cost_eur_per_mw=avail_eur + act_eur + co2_eur,
        served_hours=served,
        eligible=eligible,
        binding=binding,
        reason=reason,
        tie_rank=_tie_rank(bids),
        block_need=np.asarray(block_need, dtype=np.int64),
        block_index=np.asarray(block_index, dtype=np.int64),
        block_mw=block_mw_a,
        block_hours=np.asarray(block_hours, dtype=float),
        coverable=coverable,
        atom_block=atom_block.astype(np.int64),
        atom_steps=atom_steps,
        cover=cover,
        n_atoms_before_dominance=n_before,
        stats={"need_cells": float(n_need_cells)},
    )

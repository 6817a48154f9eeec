"""Tender clearing: a MILP solved with HiGHS that covers the need at least cost.

Decision per bid: accepted MW x_b — all or nothing for an indivisible bid (x_b = MW_b·y_b,
y_b ∈ {0,1}), and 0 or between min_mw and MW for a divisible one. Per need block B a binary
z_B marks a block left uncovered; the uncovered blocks' expected congested hours may not
exceed (1 − reliability) of the need's hours. For every atom k (see problem.py):

    Σ_{b∈S_k} x_b + n_B·z_B ≥ n_B                     (cover the block's MW, or give it up)
    Σ_{B∈need} H_B·z_B ≤ (1 − r)·Σ_B H_B               (reliability, per need)
    min Σ_b c_b·x_b,  c_b = availability·share + E_b·(activation €/MWh + w_CO2·CO2/1000)

E_b is the expected activation energy per accepted MW (the need's expected MWh per MW of need,
pro rata over the block hours the bid serves). Ties are broken deterministically: each bid's
cost per MW is raised by 1e-6 × (mean cost) × (tie rank + 1)/(number of bids), tie rank being
earlier submission, then bid id; the reported costs are the unperturbed ones.
"""

from __future__ import annotations

import time
from typing import Literal

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp
from pydantic import BaseModel, Field

from netruimte.market.bids import Bid, BidRejection, BidSet, check_against_needs
from netruimte.market.need import Need
from netruimte.market.problem import EPS, TenderProblem, build_problem
from netruimte.market.solver import new_highs

TIE_EPS = 1e-6

Status = Literal["accepted", "rejected", "ineligible", "invalid"]


class BidOutcome(BaseModel):
    """What happened to one bid, with its score components (per offered MW and in total)."""

    bid_id: str | None
    bidder: str | None = None
    area_id: str | None = None
    status: Status
    accepted_mw: float = 0.0
    offered_mw: float | None = None
    binding: str = Field("", description="The constraint that decided it (see docs/market.md).")
    reason: str = ""
    availability_eur_per_mw_yr: float | None = None
    activation_mwh_per_mw_yr: float | None = None
    activation_eur_per_mw_yr: float | None = None
    co2_t_per_mw_yr: float | None = None
    co2_eur_per_mw_yr: float | None = None
    cost_eur_per_mw_yr: float | None = None
    served_hours_per_yr: float | None = None
    score_eur_per_mwh: float | None = None
    rank: int | None = Field(None, description="1 = best score among eligible bids.")
    cost_eur_per_yr: float = 0.0


class BlockCoverage(BaseModel):
    """Whether a need block is covered by the accepted bids."""

    area_id: str
    direction: str
    block: int
    window: str
    need_mw: float
    expected_hours_per_year: float
    min_accepted_mw: float
    covered: bool
    coverable: bool


class ClearingResult(BaseModel):
    """The outcome of a tender: per-bid outcomes, block coverage, cost and solver figures."""

    status: Literal["optimal", "gap_limit", "time_limit", "partial", "no_eligible_bids"]
    year: int
    needs: list[str]
    total_cost_eur_per_yr: float
    availability_eur_per_yr: float
    activation_eur_per_yr: float
    co2_t_per_yr: float
    co2_eur_per_yr: float
    accepted_mw: float
    accepted_bids: int
    reliability_target: list[float]
    reliability_achieved: list[float]
    co2_eur_per_t: float
    mip_gap: float
    dual_bound_eur: float
    greedy_cost_eur_per_yr: float | None
    solve_s: float
    build_s: float
    n_bids: int
    n_atoms: int
    n_atoms_before_aggregation: int
    n_need_cells: int = Field(description="Cells (local day × hour) with a need, all needs.")
    n_blocks: int = 0
    outcomes: list[BidOutcome]
    blocks: list[BlockCoverage]
    tie_break: str = "lower cost; then earlier submitted_at; then bid_id"

    def outcome_frame(self) -> pd.DataFrame:
        return pd.DataFrame([o.model_dump() for o in self.outcomes])

    def block_frame(self) -> pd.DataFrame:
        return pd.DataFrame([b.model_dump() for b in self.blocks])

    def summary(self) -> dict[str, object]:
        return self.model_dump(exclude={"outcomes", "blocks"})


def _solve_milp(
    p: TenderProblem,
    start_mw: np.ndarray | None,
    time_limit_s: float,
    mip_rel_gap: float,
    threads: int | None,
) -> tuple[np.ndarray, np.ndarray, dict[str, float], str]:
    """Build and solve the MILP; accepted MW per bid, uncovered blocks, solver info, status."""
    n_b, n_blk = p.n_bids, p.n_blocks
    elig = p.eligible
    allowance = p.effective_allowance()
    need_hours = np.bincount(p.block_need, weights=p.block_hours, minlength=len(p.needs))
    use_z = ~p.strict
    # columns: q_b (one per eligible bid), then y_b for divisible bids with min_mw > 0,
    # then z_B for blocks of needs with an allowance
    bid_idx = np.flatnonzero(elig)
    n_q = len(bid_idx)
    indiv = ~p.divisible[bid_idx]
    semi = p.divisible[bid_idx] & (p.min_mw[bid_idx] > EPS)
    semi_idx = np.flatnonzero(semi)
    z_blocks = np.flatnonzero(use_z[p.block_need])
    n_y, n_z = len(semi_idx), len(z_blocks)
    n_col = n_q + n_y + n_z
    mean_cost = float(np.mean(p.cost_eur_per_mw[bid_idx])) if n_q else 1.0
    tie = TIE_EPS * max(mean_cost, 1.0) * (p.tie_rank[bid_idx] + 1) / max(n_b, 1)
    unit = np.where(indiv, p.mw[bid_idx], 1.0)  # MW per unit of q
    cost = np.concatenate([(p.cost_eur_per_mw[bid_idx] + tie) * unit, np.zeros(n_y + n_z)])
    lower = np.zeros(n_col)
    upper = np.concatenate([np.where(indiv, 1.0, p.mw[bid_idx]), np.ones(n_y), np.ones(n_z)])
    z_col = np.full(n_blk, -1, dtype=np.int64)
    z_col[z_blocks] = n_q + n_y + np.arange(n_z)
    lower[z_col[z_blocks[~p.coverable[z_blocks]]]] = 1.0  # uncoverable: given up
    integ = np.zeros(n_col, dtype=bool)
    integ[:n_q] = indiv
    integ[n_q : n_q + n_y] = True
    integ[n_q + n_y :] = True
    # coverage rows for atoms of coverable blocks
    atom_keep = p.coverable[p.atom_block]
    cov = p.cover[atom_keep][:, bid_idx]  # (K, n_q)
    cov = cov @ sp.diags(unit)
    k_rows = cov.shape[0]
    a_blk = p.atom_block[atom_keep]
    need_k = p.block_mw[a_blk]
    z_part = sp.csr_matrix(
        (
            need_k[z_col[a_blk] >= 0],
            (np.flatnonzero(z_col[a_blk] >= 0), z_col[a_blk][z_col[a_blk] >= 0]),
        ),
        shape=(k_rows, n_col),
    )
    blocks_rows = [sp.hstack([cov, sp.csr_matrix((k_rows, n_y + n_z))]) + z_part]
    row_lo = [need_k]
    row_hi = [np.full(k_rows, np.inf)]
    if n_y:  # x − MW·y ≤ 0 and x − min·y ≥ 0
        q = semi_idx
        bmw = p.mw[bid_idx][q]
        bmin = p.min_mw[bid_idx][q]
        r = np.arange(n_y)
        link = sp.csr_matrix(
            (
                np.r_[np.ones(n_y), -bmw, np.ones(n_y), -bmin],
                (np.r_[r, r, n_y + r, n_y + r], np.r_[q, n_q + r, q, n_q + r]),
            ),
            shape=(2 * n_y, n_col),
        )
        blocks_rows.append(link)
        row_lo.append(np.r_[np.full(n_y, -np.inf), np.zeros(n_y)])
        row_hi.append(np.r_[np.zeros(n_y), np.full(n_y, np.inf)])
    needs_z = np.flatnonzero([(z_col[p.block_need == i] >= 0).any() for i in range(len(p.needs))])
    if len(needs_z):
        rr, cc, vv = [], [], []
        for j, i in enumerate(needs_z):
            blks = np.flatnonzero((p.block_need == i) & (z_col >= 0))
            rr.extend([j] * len(blks))
            cc.extend(z_col[blks])
            vv.extend(p.block_hours[blks])
        blocks_rows.append(sp.csr_matrix((vv, (rr, cc)), shape=(len(needs_z), n_col)))
        row_lo.append(np.full(len(needs_z), -np.inf))
        row_hi.append(allowance[needs_z] + 1e-9 * np.maximum(need_hours[needs_z], 1.0))
    a = sp.vstack(blocks_rows).tocsc()
    a.sort_indices()
    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = a.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate(row_lo)
    lp.row_upper_ = np.concatenate(row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(np.float64)
    lp.integrality_ = [
        highspy.HighsVarType.kInteger if v else highspy.HighsVarType.kContinuous for v in integ
    ]
    h = new_highs()
    h.setOptionValue("time_limit", float(time_limit_s))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("random_seed", 0)
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    h.passModel(lp)
    if start_mw is not None:
        sol = highspy.HighsSolution()
        x0 = np.zeros(n_col)
        x0[:n_q] = np.where(indiv, start_mw[bid_idx] > EPS, start_mw[bid_idx])
        if n_y:
            x0[n_q : n_q + n_y] = start_mw[bid_idx][semi_idx] > EPS
        if n_z:
            covered = p.block_covered(start_mw)
            x0[n_q + n_y :] = ~covered[z_blocks]
        sol.col_value = list(x0)
        h.setSolution(sol)
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kOptimal:
        state = "optimal"
    elif status == highspy.HighsModelStatus.kTimeLimit:
        state = "time_limit"
    else:
        state = h.modelStatusToString(status)
    if info.primal_solution_status != 2:  # no feasible solution
        raise RuntimeError(f"HiGHS found no feasible tender solution ({state})")
    col = np.asarray(h.getSolution().col_value)
    x = np.zeros(n_b)
    q_val = col[:n_q]
    x[bid_idx] = np.where(indiv, np.round(q_val) * p.mw[bid_idx], np.clip(q_val, 0, None))
    if n_y:  # clean semicontinuous values
        y = np.round(col[n_q : n_q + n_y])
        x[bid_idx[semi_idx]] = np.where(y > 0.5, x[bid_idx[semi_idx]], 0.0)
    x[x < 1e-7] = 0.0
    uncovered = np.zeros(n_blk, dtype=bool)
    if n_z:
        uncovered[z_blocks] = np.round(col[n_q + n_y :]) > 0.5
    tie_total = float((tie * unit) @ col[:n_q])
    solver = {
        "mip_gap": float(info.mip_gap) if n_y + indiv.sum() + n_z else 0.0,
        "dual_bound": float(info.mip_dual_bound) - tie_total
        if np.isfinite(info.mip_dual_bound)
        else float(info.objective_function_value) - tie_total,
        "objective": float(info.objective_function_value) - tie_total,
    }
    return x, uncovered, solver, state


def clear_problem(
    p: TenderProblem,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 1e-6,
    warm_start: bool = True,
    threads: int | None = None,
) -> tuple[np.ndarray, dict[str, object]]:
    """Solve a built problem: accepted MW per bid and solver figures (no outcome texts)."""
    from netruimte.market.greedy import greedy_merit_order

    t0 = time.perf_counter()
    greedy = greedy_merit_order(p)
    greedy_cost = p.cost_of(greedy) if greedy is not None else None
    if not p.eligible.any():
        return np.zeros(p.n_bids), {
            "state": "no_eligible_bids",
            "mip_gap": 0.0,
            "dual_bound": 0.0,
            "greedy_cost": greedy_cost,
            "solve_s": time.perf_counter() - t0,
        }
    x, _, solver, state = _solve_milp(
        p, greedy if warm_start else None, time_limit_s, mip_rel_gap, threads
    )
    return x, {
        "state": state,
        **solver,
        "greedy_cost": greedy_cost,
        "solve_s": time.perf_counter() - t0,
    }


def clear_tender(
    needs: Need | list[Need],
    bids: BidSet | list[Bid],
    co2_eur_per_t: float = 100.0,
    time_limit_s: float = 60.0,
    mip_rel_gap: float = 1e-6,
    warm_start: bool = True,
    threads: int | None = None,
) -> ClearingResult:
    """Clear a tender: needs (one or more areas, one delivery year) against bids.

    Invalid bids (from the reader) and bids no need can use are listed with their reason;
    the rest enter the MILP. Stable API: the service (issue 7) builds on it.
    """
    t0 = time.perf_counter()
    needs = [needs] if isinstance(needs, Need) else list(needs)
    bid_set = bids if isinstance(bids, BidSet) else _unique(list(bids))
    checked = check_against_needs(bid_set, needs)
    p = build_problem(needs, checked.bids, co2_eur_per_t)
    build_s = time.perf_counter() - t0
    x, info = clear_problem(p, time_limit_s, mip_rel_gap, warm_start, threads)
    return _result(p, x, info, checked.rejected, build_s)


def _unique(bids: list[Bid]) -> BidSet:
    """A BidSet of bids given as a list; a repeated bid id is rejected (first one counts)."""
    out = BidSet()
    for i, b in enumerate(bids, start=1):
        if b.bid_id in out.rows:
            reason = f"duplicate bid id (first in row {out.rows[b.bid_id]})"
            out.rejected.append(
                BidRejection(bid_id=b.bid_id, row=i, column="bid_id", reason=reason)
            )
            continue
        out.rows[b.bid_id] = i
        out.bids.append(b)
    return out


def _result(
    p: TenderProblem,
    x: np.ndarray,
    info: dict[str, object],
    rejected: list[BidRejection],
    build_s: float,
) -> ClearingResult:
    covered = p.block_covered(x)
    allowance = p.allowance_hours()
    need_hours = np.bincount(p.block_need, weights=p.block_hours, minlength=len(p.needs))
    cov_hours = np.bincount(
        p.block_need[covered], weights=p.block_hours[covered], minlength=len(p.needs)
    )
    achieved = np.where(need_hours > 0, cov_hours / np.maximum(need_hours, EPS), 1.0)
    missed = np.bincount(p.block_need[~covered], minlength=len(p.needs)) > 0
    over = (need_hours - cov_hours) > allowance + 1e-6
    partial = bool(np.where(p.strict, missed, over).any())
    state = str(info["state"])
    gap = float(info.get("mip_gap", 0.0))  # type: ignore[arg-type]
    if state == "optimal" and gap > 1e-9:
        state = "gap_limit"
    if state not in ("no_eligible_bids", "time_limit") and partial:
        state = "partial"
    if state not in ("optimal", "gap_limit", "time_limit", "partial", "no_eligible_bids"):
        state = "time_limit"
    outcomes = _outcomes(p, x, covered) + [
        BidOutcome(
            bid_id=r.bid_id, status="invalid", binding=f"invalid:{r.column or 'row'}", reason=str(r)
        )
        for r in rejected
    ]
    supply = p.cover @ x
    min_supply = np.full(p.n_blocks, np.inf)
    np.minimum.at(min_supply, p.atom_block, supply)
    min_supply[np.isinf(min_supply)] = 0.0
    blocks = [
        BlockCoverage(
            area_id=p.needs[p.block_need[k]].area_id,
            direction=p.needs[p.block_need[k]].direction,
            block=int(p.block_index[k]),
            window=str(p.needs[p.block_need[k]].blocks[p.block_index[k]].window),
            need_mw=float(p.block_mw[k]),
            expected_hours_per_year=float(p.block_hours[k]),
            min_accepted_mw=round(float(min_supply[k]), 6),
            covered=bool(covered[k]),
            coverable=bool(p.coverable[k]),
        )
        for k in range(p.n_blocks)
    ]
    return ClearingResult(
        status=state,  # type: ignore[arg-type]
        year=p.grid.year,
        needs=[n.key for n in p.needs],
        total_cost_eur_per_yr=p.cost_of(x),
        availability_eur_per_yr=float(p.availability_eur_per_mw @ x),
        activation_eur_per_yr=float(p.activation_eur_per_mw @ x),
        co2_t_per_yr=float(p.co2_t_per_mw @ x),
        co2_eur_per_yr=float(p.co2_eur_per_mw @ x),
        accepted_mw=float(x.sum()),
        accepted_bids=int((x > 0).sum()),
        reliability_target=[n.reliability for n in p.needs],
        reliability_achieved=[round(float(v), 6) for v in achieved],
        co2_eur_per_t=p.co2_eur_per_t,
        mip_gap=gap,
        dual_bound_eur=float(info.get("dual_bound", 0.0)),  # type: ignore[arg-type]
        greedy_cost_eur_per_yr=info.get("greedy_cost"),  # type: ignore[arg-type]
        solve_s=float(info.get("solve_s", 0.0)),  # type: ignore[arg-type]
        build_s=build_s,
        n_bids=p.n_bids + len(rejected),
        n_atoms=len(p.atom_block),
        n_atoms_before_aggregation=int(p.n_atoms_before_dominance),
        n_need_cells=int(p.stats.get("need_cells", 0)),
        n_blocks=int(p.n_blocks),
        outcomes=outcomes,
        blocks=blocks,
    )


def _outcomes(p: TenderProblem, x: np.ndarray, covered: np.ndarray) -> list[BidOutcome]:
    score = p.score_eur_per_mwh
    order = sorted(np.flatnonzero(p.eligible), key=lambda b: (score[b], p.tie_rank[b]))
    rank = {int(b): i + 1 for i, b in enumerate(order)}
    accepted = x > 0
    # per atom: the worst (highest) score among accepted bids that count there
    cover = p.cover.tocsc()
    worst_acc = np.full(cover.shape[0], -np.inf)
    for b in np.flatnonzero(accepted):  # per accepted bid (tens to hundreds)
        rows = cover.indices[cover.indptr[b] : cover.indptr[b + 1]]
        worst_acc[rows] = np.maximum(worst_acc[rows], score[b])
    out = []
    for b, bid in enumerate(p.bids):
        fields = {
            "bid_id": bid.bid_id,
            "bidder": bid.bidder,
            "area_id": bid.area_id,
            "offered_mw": float(p.mw[b]),
            "availability_eur_per_mw_yr": float(p.availability_eur_per_mw[b]),
            "activation_mwh_per_mw_yr": float(p.activation_mwh_per_mw[b]),
            "activation_eur_per_mw_yr": float(p.activation_eur_per_mw[b]),
            "co2_t_per_mw_yr": float(p.co2_t_per_mw[b]),
            "co2_eur_per_mw_yr": float(p.co2_eur_per_mw[b]),
            "cost_eur_per_mw_yr": float(p.cost_eur_per_mw[b]),
            "served_hours_per_yr": float(p.served_hours[b]),
            "score_eur_per_mwh": float(score[b]) if np.isfinite(score[b]) else None,
            "rank": rank.get(b),
            "accepted_mw": float(x[b]),
            "cost_eur_per_yr": float(p.cost_eur_per_mw[b] * x[b]),
        }
        if not p.eligible[b]:
            out.append(
                BidOutcome(status="ineligible", binding=p.binding[b], reason=p.reason[b], **fields)
            )
            continue
        if accepted[b]:
            part = x[b] < p.mw[b] - 1e-6
            out.append(
                BidOutcome(
                    status="accepted",
                    binding="partial" if part else "",
                    reason=(
                        f"accepted {x[b]:g} of {p.mw[b]:g} MW: the rest is not needed"
                        if part
                        else "accepted in full"
                    ),
                    **fields,
                )
            )
            continue
        rows = cover.indices[cover.indptr[b] : cover.indptr[b + 1]]
        blks = np.unique(p.atom_block[rows])
        if len(blks) == 0 or not covered[blks].any():
            binding, why = (
                "reliability",
                (
                    "the blocks it can serve are left uncovered within the reliability allowance"
                    if len(blks)
                    else "it serves no block left after aggregation"
                ),
            )
        elif np.isfinite(worst_acc[rows]).any() and score[b] < worst_acc[rows].max() - EPS:
            binding, why = (
                "combination",
                (
                    "its score beats some accepted bids in its hours, but a cheaper combination "
                    "covers the need without it (its size or windows do not fit the remaining need)"
                ),
            )
        else:
            binding, why = (
                "cost",
                ("the need in its hours is covered at lower cost by bids with better scores"),
            )
        out.append(BidOutcome(status="rejected", binding=binding, reason=why, **fields))
    return out

"""Counted flex per area for every flex combination and sample, and the budget allocation.

Flex options of a group (market/budget.py `flex_options`): the region's uncontracted flex
assets and flex agreements with its large connections (market/top50.py ranking), in merit
order (€ per MW-year) per group and direction, cut into `levels` levels. The breakthroughs:

- 1 risk appetite books uncontracted flex assets: `share` of their MW counts in their own area
  (as measures/risk_appetite.py `expected_flex`);
- 5 regional tenders: in every congested supply area (base shortage hours > 0 in the option's
  direction) the operator buys options cheapest first (€ per MW-year) while their cost stays
  within the area's financial floor (what it may spend without a budget);
- 6 top-50 agreements: the national top-N connections' relief at peak (× delivery factor);
- 8 contracting above the financial floor: the same allocation with the budget (€500M/yr
  nationally, the region's queue share otherwise);
- 4 flex expectation: without it, booked and bought flex delivers only `reach_without` of its
  MW (parties cannot price an ask they cannot see); with it, all of it.

An option bought by several breakthroughs counts once (the largest share). Bought options
relieve their area and every area above it (as `region_with_options`); booked flex counts in
its own area. Counted flex hours are the least max hours of what counts (as `flex_cover`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.impact.players import FLEX_PLAYERS

N_FLEX = 1 << len(FLEX_PLAYERS)
B1, B4, B5, B6, B8 = (1 << i for i in range(len(FLEX_PLAYERS)))


def option_matrices(
    options: pd.DataFrame, area_ids: list[str], parent: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(O, 2A) own-area and ancestor incidence of each option's direction."""
    a_n = len(area_ids)
    pos = {a: i for i, a in enumerate(area_ids)}
    own = np.zeros((len(options), 2 * a_n))
    anc = np.zeros((len(options), 2 * a_n))
    for o, (area, direction) in enumerate(
        zip(options["area_id"], options["direction"], strict=True)
    ):
        d = 0 if direction == "offtake" else 1
        a = pos[area]
        own[o, 2 * a + d] = 1.0
        up, hop = parent[a], 0
        while up >= 0 and hop < 10:
            anc[o, 2 * up + d] = 1.0
            up, hop = parent[up], hop + 1
    return own, anc


def hours_index(hours: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Index of each value in `levels` (−1 for inf); values not in `levels` take the next
    lower level (a conservative bound)."""
    idx = np.searchsorted(levels, hours, side="right") - 1
    return np.where(np.isfinite(hours), np.maximum(idx, 0), -1).astype(np.int64)


def _counted_hours(counted_own, counted_anc, own, anc, opt_hours, base_hours):
    """Least max hours over contracted flex and counted options per (config, ad)."""
    out = np.broadcast_to(base_hours, (counted_own.shape[0], len(base_hours))).copy()
    for h in np.unique(opt_hours[np.isfinite(opt_hours)]):
        sel = opt_hours <= h
        hit = (
            counted_own[:, sel].astype(float) @ own[sel]
            + counted_anc[:, sel].astype(float) @ anc[sel]
        )
        out = np.where((hit > 0) & (out > h), h, out)
    return out


def tender_bought(options: pd.DataFrame, area_ids, level, shortage, floor_eur) -> np.ndarray:
    """(S, O) options bought by tenders: per congested supply area, cheapest € per MW-year
    first while the area's cumulative cost stays within its floor (`floor_eur` (S,))."""
    out = np.zeros((len(floor_eur), len(options)), dtype=bool)
    if len(options) == 0:
        return out
    pos = {a: i for i, a in enumerate(area_ids)}
    a_idx = options["area_id"].map(pos).to_numpy()
    d_idx = (options["direction"] == "feedin").to_numpy().astype(int)
    ok = (np.asarray(level)[a_idx] == 0) & (np.asarray(shortage)[a_idx, d_idx] > 0)
    order = np.lexsort(
        (options["option_id"].to_numpy(), options["eur_per_mw_yr"].to_numpy(), a_idx)
    )
    order = order[ok[order]]
    cost = options["cost_eur_per_yr"].to_numpy(float)[order]
    area = a_idx[order]
    first = np.r_[True, area[1:] != area[:-1]]
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(area)), 0))
    cum = np.cumsum(cost)
    cum = cum - np.r_[0.0, cum][group_start]  # cumulative cost within the area
    out[:, order] = cum[None, :] <= np.asarray(floor_eur, float)[:, None] + 1e-9
    return out


def mw_by_direction(options: pd.DataFrame, bought: np.ndarray) -> np.ndarray:
    """(..., 2) MW of the bought options (`bought` (..., O), bool or share) per direction
    (offtake, feed-in)."""
    mw = options["mw"].to_numpy(float)
    feedin = (options["direction"] == "feedin").to_numpy()
    b = np.asarray(bought, dtype=float)
    return np.stack([b @ (mw * ~feedin), b @ (mw * feedin)], axis=-1)


def flex_tables(
    data,
    samples: pd.DataFrame,
    booked_share: float,
    reach_without: float,
    floor_eur: float,
    level8: np.ndarray,
    top_ids: set[str],
) -> tuple[np.ndarray, np.ndarray]:
    """Counted flex MW and hours-level index per (sample × flex combination, area-direction).

    `samples` are the rows of the sample table this task handles; floor_eur the central
    financial floor per supply area (× each sample's factor); level8 (S,) the merit level the
    budget buys in this group per sample.
    """
    opts = data.options
    s_n = len(samples)
    nad = len(data.cap)
    base_f = data.flex_mw
    base_h = data.flex_hours
    if len(opts) == 0:
        f = np.broadcast_to(base_f, (s_n * N_FLEX, nad)).copy()
        h = np.broadcast_to(hours_index(base_h, data.hours_levels), (s_n * N_FLEX, nad)).copy()
        return f, h
    own, anc = option_matrices(opts, data.area_ids, data.parent)
    mw = opts["mw"].to_numpy(float)
    hours = opts["max_hours_per_year"].astype(float).to_numpy()
    level = opts["level"].to_numpy()
    unc = (opts["source"] == "uncontracted flex asset").to_numpy()
    top = opts["option_id"].isin(top_ids).to_numpy()
    book = np.clip(booked_share * samples["risk_booked"].to_numpy(), 0.0, 1.0)  # (S,)
    t50 = samples["top50_delivery"].to_numpy()
    reach = np.clip(reach_without * samples["enabler_reach"].to_numpy(), 0.0, 1.0)
    floor_s = floor_eur * samples["tenders_floor"].to_numpy(float)
    bought5 = tender_bought(opts, data.area_ids, data.level, data.shortage_hours, floor_s)
    bought5 = bought5.astype(float)  # (S, O)
    bought8 = (level[None, :] <= level8[:, None]).astype(float)
    f_out = np.empty((s_n, N_FLEX, nad))
    h_out = np.empty((s_n, N_FLEX, nad), dtype=np.int64)
    for fc in range(N_FLEX):
        m_anc = np.zeros((s_n, len(opts)))
        if fc & B5:
            m_anc = np.maximum(m_anc, bought5)
        if fc & B6:
            m_anc = np.maximum(m_anc, top[None, :] * t50[:, None])
        if fc & B8:
            m_anc = np.maximum(m_anc, bought8)
        m_own = m_anc
        if fc & B1:
            m_own = np.maximum(m_anc, unc[None, :] * book[:, None])
        r = np.ones(s_n) if fc & B4 else reach
        f = (m_own * mw) @ own + (m_anc * mw) @ anc  # (S, NAD)
        f_out[:, fc] = base_f[None, :] + r[:, None] * f
        hrs = _counted_hours(m_own > 0, m_anc > 0, own, anc, hours, base_h)
        h_out[:, fc] = hours_index(hrs, data.hours_levels)
    return f_out.reshape(s_n * N_FLEX, nad), h_out.reshape(s_n * N_FLEX, nad)


def level_tables(data, levels: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Counted flex and hours per merit level 0..K (all options up to the level, full MW,
    both directions), and the options' cost per (area, direction, level) for the budget."""
    opts = data.options
    nad = len(data.cap)
    a_n = len(data.area_ids)
    cost = np.zeros((a_n, 2, levels + 1))
    if len(opts) == 0:
        f = np.broadcast_to(data.flex_mw, (levels + 1, nad)).copy()
        h = np.broadcast_to(hours_index(data.flex_hours, data.hours_levels), (levels + 1, nad))
        return f, h.copy(), cost
    own, anc = option_matrices(opts, data.area_ids, data.parent)
    mw = opts["mw"].to_numpy(float)
    hours = opts["max_hours_per_year"].astype(float).to_numpy()
    lvl = opts["level"].to_numpy()
    chosen = (lvl[None, :] <= np.arange(levels + 1)[:, None]).astype(float)  # (K+1, O)
    f = data.flex_mw[None, :] + (chosen * mw) @ (own + anc)
    hrs = _counted_hours(chosen > 0, chosen > 0, own, anc, hours, data.flex_hours)
    pos = {a: i for i, a in enumerate(data.area_ids)}
    a_idx = opts["area_id"].map(pos).to_numpy()
    d_idx = (opts["direction"] == "feedin").to_numpy().astype(int)
    c = opts["cost_eur_per_yr"].to_numpy(float)
    for k in range(levels + 1):
        sel = lvl <= k
        np.add.at(cost[:, :, k], (a_idx[sel], d_idx[sel]), c[sel])
    return f, hours_index(hrs, data.hours_levels), cost


def allocate_levels(
    curves_mw: np.ndarray,
    cost: np.ndarray,
    group_of_area: np.ndarray,
    floor_eur: np.ndarray,
    budget_eur: float,
) -> tuple[np.ndarray, float, float]:
    """Level per group for a budget above the floors (market.budget.allocate, HiGHS).

    curves_mw (G, 2, K+1) admitted MW per group and level; cost (A, 2, K+1); floor per area.
    Returns (level per group, MW gained over level 0, € spent above the floors).
    """
    from netruimte.market.budget import BudgetCurves, allocate

    g_n, _, k1 = curves_mw.shape
    curves = BudgetCurves(
        area_ids=[str(i) for i in range(len(group_of_area))],
        group_ids=[str(g) for g in range(g_n)],
        group_of_area=group_of_area,
        options=pd.DataFrame(),
        admitted_mw=curves_mw,
        admitted_area_mw=np.zeros((len(group_of_area), 2, k1)),
        cost_eur=cost,
        levels=k1 - 1,
        admission_runs=0,
        seconds=0.0,
    )
    level, gained, spent = allocate(curves, budget_eur, floor_eur)
    return level[:, 0].astype(np.int64), gained, spent

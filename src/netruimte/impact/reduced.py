"""One group's admission problem reduced to a few quarter-hours per area, for every load set.

The exact admission (queue/engine.py) checks each request against every candidate step of its
area and the areas above it. The roll-up needs 256 sets of breakthroughs × hundreds of Monte
Carlo samples, so per area and direction it keeps only the *rows* that decide admission:

- per weather year, the `rows_aggregate` steps where the room left, (C + F − L)/p, is smallest
  for the queue's MW-weighted profile p, and the `rows_per_key` smallest for each request
  profile (profile class × direction) below the area, among the `candidate_steps` highest-load
  steps of the year; with emergency curtailment also against (C + F)/(1 − e);
- for the emergency-call count (risk appetite): on the `emergency_days` days with the highest
  load and those with the least aggregate room, the `emergency_steps_per_day` highest-load
  steps and each profile's tightest step of the day (used only when curtailment is allowed).

Rows are the union over the 8 load combinations (risk appetite, prognoses, flex as the norm
on or off). At each row the load of every combination is stored as Möbius terms, so a set's
load is Σ_{T ⊆ set} Δ_T (exact at the central parameters) and a Monte Carlo sample scales
each term by the product of its members' factors. Beside the rows: whether a profile adds load
where an area is already short (for areas that fail their accepted risk before the queue), and
the flex-hours bound on the queue mix (order statistic of (C − L)/p) per hours level.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from netruimte.impact.params import Surrogate
from netruimte.impact.players import LOAD_PLAYERS
from netruimte.measures import flex_norm, prognosis, risk_appetite
from netruimte.measures.params import Measures
from netruimte.measures.picture import Picture, base_picture
from netruimte.profiles.library import ShapeLibrary
from netruimte.prognosis.cube import build_cube
from netruimte.region.model import Region
from netruimte.scenario import Scenario
from netruimte.timeaxis import STEP_H, STEPS_PER_DAY

EPS = 1e-6
N_COMBOS = 1 << len(LOAD_PLAYERS)
# rows are chosen on the loads without load measures, with each alone and with all three
# (their pairs lie between; validated against the exact engine, docs/national.md)
ROW_COMBOS = (0, 1, 2, 4, 7)


def mobius_matrix(n_bits: int = len(LOAD_PLAYERS)) -> np.ndarray:
    """M (2^n, 2^n): Δ_T = Σ_R M[T, R] · value_R with M[T, R] = (−1)^{|T∖R|} for R ⊆ T."""
    n = 1 << n_bits
    m = np.zeros((n, n))
    for t in range(n):
        for r in range(n):
            if r & ~t == 0:
                m[t, r] = (-1) ** bin(t & ~r).count("1")
    return m


def subset_weights(factors: np.ndarray) -> np.ndarray:
    """(S, 2^n, 2^n) weights w[s, L, T] = Π_{m∈T} f[s, m] for T ⊆ L, else 0 (f: (S, n))."""
    s_n, n_bits = factors.shape
    n = 1 << n_bits
    prod = np.ones((s_n, n))
    for t in range(n):
        for j in range(n_bits):
            if t >> j & 1:
                prod[:, t] *= factors[:, j]
    sub = np.array([[1.0 if t & ~lc == 0 else 0.0 for t in range(n)] for lc in range(n)])
    return prod[:, None, :] * sub[None, :, :]


def load_pictures(pic: Picture, measures: Measures) -> list[Picture]:
    """The picture of each load combination (bit 0 risk appetite, 1 prognoses, 2 flex norm).

    Risk appetite changes the load through time-of-use and the KEV growth path (its other
    options act on limits and flex, which the surrogate applies itself); the measures run in
    the framework's canonical order.
    """
    ra = measures.risk_appetite
    ra_load = [o for o in ("time_of_use", "kev_growth") if getattr(ra, o).enabled]

    def step(p: Picture, player: str) -> Picture:
        if player == "risk_appetite":
            return risk_appetite.apply(p, ra, ra_load) if ra.enabled else p
        if player == "prognosis":
            return prognosis.apply(p, measures.prognosis) if measures.prognosis.enabled else p
        return flex_norm.apply(p, measures.flex_norm) if measures.flex_norm.enabled else p

    out: list[Picture | None] = [None] * N_COMBOS
    out[0] = pic
    for combo in range(1, N_COMBOS):
        last = combo.bit_length() - 1  # built from the combination without its last player
        out[combo] = step(out[combo & ~(1 << last)], LOAD_PLAYERS[last])
    return out  # type: ignore[return-value]


@dataclass
class GroupData:
    """The reduced admission problem of one group in one target year (see module doc)."""

    group_id: str
    year: int
    area_ids: list[str]
    level: np.ndarray  # (A,) 0 dso, 1 tso
    operator: list[str]
    parent: np.ndarray  # (A,) local index of the parent, −1 none
    weather_kinds: tuple[str, ...]
    base_design_mask: int
    cap: np.ndarray  # (NAD,) capacity per area-direction (ad = 2·area + direction), inf
    flex_mw: np.ndarray  # (NAD,) contracted flex
    flex_hours: np.ndarray  # (NAD,) contracted flex max hours (min), inf
    row_start: np.ndarray  # (NAD + 1,) rows of an ad: core rows, then emergency-only rows
    core_end: np.ndarray  # (NAD,) end of the ad's core rows
    row_year: np.ndarray  # (R,) int8
    row_step: np.ndarray  # (R,) int32 (step within the year)
    row_core: np.ndarray  # (R,) bool; False: emergency-call row only
    delta: np.ndarray  # (R, 8) Möbius load terms, directional MW
    growth: np.ndarray  # (R,) growth part of the base load, directional MW
    shape: np.ndarray  # (8, K, R) per-MW directional shape of each key at each row
    touch: np.ndarray  # (8, K, NAD) uint8 year bits: key adds load where the area is short
    smax: np.ndarray  # (8, K) largest per-MW value of each key's shape
    hours_levels: np.ndarray  # (NH,) flex hours levels of the bound
    c_val: np.ndarray  # (8, NH, W, NAD) flex-hours bound on the queue mix (MW of mix)
    c_coef: np.ndarray  # (8, NH, K, NAD) a key's MW per MW of the mix at the bound
    keys: list[tuple[str, str]]
    queue: pd.DataFrame  # the group's requests (its own row order)
    req_key: np.ndarray  # (N,)
    shortage_hours: np.ndarray  # (A, 2) base shortage hours per year (design years)
    options: pd.DataFrame  # flex options (uncontracted assets, large-connection agreements)
    ranking: pd.DataFrame  # large connections ranked per bottleneck (top-50)
    stats: dict[str, float] = dataclasses.field(default_factory=dict)

    @property
    def n_areas(self) -> int:
        return len(self.area_ids)

    @property
    def n_rows(self) -> int:
        return len(self.row_year)


def _design_mask(kinds: tuple[str, ...], years: list[int]) -> int:
    return int(sum(1 << y for y in years))


def _keys(queue: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(set(zip(queue["profile_class"], queue["direction"], strict=True)))


def _smallest(x: np.ndarray, r: int) -> np.ndarray:
    """Positions of the r smallest values along the last axis; −1 where not finite."""
    m = x.shape[-1]
    if m > r:
        idx = np.argpartition(x, r - 1, axis=-1)[..., :r]
    else:
        idx = np.broadcast_to(np.arange(m), (*x.shape[:-1], m))
    ok = np.isfinite(np.take_along_axis(x, idx, axis=-1))
    return np.where(ok, idx, -1)


def _largest(x: np.ndarray, r: int) -> np.ndarray:
    """Positions of the r largest values along the last axis."""
    r = min(r, x.shape[-1])
    return np.argpartition(-x, r - 1, axis=-1)[..., :r]


def reduce_group(
    region: Region,
    scenario: Scenario,
    lib: ShapeLibrary,
    design_years: list[int],
    surrogate: Surrogate,
    large_connections: pd.DataFrame | None = None,
    shortlist_size: int = 10,
    levels: int = 5,
    emergency_kinds: tuple[str, ...] = ("typical", "mild"),
    cube=None,
) -> GroupData:
    """Reduce one group (a region closed under the hierarchy) for the scenario's target year.

    `cube` replaces the load cube built from the region's components (tests)."""
    measures = scenario.measures
    cube = build_cube(region, scenario, lib) if cube is None else cube
    pic0 = base_picture(region, scenario, cube, lib, design_years)
    pics = load_pictures(pic0, measures)
    nogrowth = pic0.with_quantities(pic0.base_year_quantities).load_mw
    w_n, t_n, a_n = pic0.load_mw.shape
    area_ids = list(region.area_ids)
    pos = {a: i for i, a in enumerate(area_ids)}
    queue = region.queue.reset_index(drop=True)
    keys = _keys(queue)
    kpos = {k: i for i, k in enumerate(keys)}
    k_n = len(keys)
    req_key = np.array(
        [kpos[k] for k in zip(queue["profile_class"], queue["direction"], strict=True)],
        dtype=np.int32,
    )
    key_dir = np.array([0 if d == "offtake" else 1 for _, d in keys], dtype=np.int64)
    # MW of each key in each area's subtree
    own = np.zeros((a_n, k_n))
    if len(queue):
        np.add.at(own, (queue["area_id"].map(pos).to_numpy(), req_key), queue["mw"].to_numpy())
    sub_mw = pic0.agg.astype(np.float64) @ own  # (A, K)
    # signed per-MW shapes (W, T) of each key in each combination (without peak factor)
    raw = [
        np.stack([p.raw_request_shape(pc, d).astype(np.float32) for pc, d in keys])
        if k_n
        else np.zeros((0, w_n, t_n), np.float32)
        for p in pics
    ]  # each (K, W, T)
    cap = np.stack([pic0.capacity_mw[:, 0], pic0.capacity_mw[:, 1]], axis=1).ravel()
    flex_mw = pic0.flex.mw.ravel().copy()
    flex_hours = pic0.flex.hours.ravel().copy()
    ra = measures.risk_appetite
    e_central = (
        ra.emergency_curtailment.share if ra.enabled and ra.emergency_curtailment.enabled else 0.0
    )
    # ------------------------------------------------------------------ base shortage hours
    n_design = max(len(design_years), 1)
    shortage = np.zeros((a_n, 2))
    for d, sign in ((0, 1.0), (1, -1.0)):
        capd = pic0.capacity_mw[:, d]
        over = sign * pic0.load_mw[design_years] > capd[None, None, :]
        shortage[:, d] = over.sum(axis=(0, 1)) * STEP_H / n_design
    prefix = _prefix_mixes(queue, req_key, k_n, pic0, shortage, scenario, n_points=8)
    # ------------------------------------------------------------------ rows
    # a row is coded (ad · W + year) · T + step; core rows always count, day rows only
    # with emergency curtailment
    core_codes: list[np.ndarray] = []
    day_codes: list[np.ndarray] = []
    touch = np.zeros((N_COMBOS, k_n, 2 * a_n), dtype=np.uint8)
    smax = np.zeros((N_COMBOS, k_n), dtype=np.float32)
    m_cand = min(surrogate.candidate_steps, t_n)
    for c in range(N_COMBOS):
        for k in range(k_n):
            sign = 1.0 if key_dir[k] == 0 else -1.0
            smax[c, k] = float((sign * raw[c][k]).max()) if t_n else 0.0
        emergency = e_central > 0 and c & 1
        for d in (0, 1):
            sign = 1.0 if d == 0 else -1.0
            kd = np.flatnonzero((key_dir == d) & (sub_mw.max(axis=0) > 0))
            q_tot = sub_mw[:, kd].sum(axis=1)  # (A,)
            live = np.isfinite(pic0.capacity_mw[:, d]) & (q_tot > 0)
            if not live.any() or len(kd) == 0:
                continue
            areas = np.flatnonzero(live)
            ads = 2 * areas + d
            capd = pic0.capacity_mw[areas, d]
            lim0 = (capd + pic0.flex.mw[areas, d]).astype(np.float32)
            mix = (sub_mw[np.ix_(areas, kd)] / q_tot[areas, None]).astype(np.float32)  # (a, kd)
            for y in range(w_n):
                # float32 is enough to choose rows (their loads are stored in float64)
                f32 = np.float32(sign)
                load = f32 * pics[c].load_mw[y][:, areas]  # (T, a)
                shp = f32 * raw[c][kd, y, :].T  # (T, kd) directional
                # touch: keys adding load where the area is already short (base)
                short = (load > capd[None, :] + EPS).astype(np.float32)
                if short.any():
                    hits = short.T @ (shp > EPS).astype(np.float32)  # (a, kd)
                    bit = np.uint8(1 << y)
                    touch[c][np.ix_(kd, ads)] |= np.where(hits.T > 0, bit, np.uint8(0))
                if c not in ROW_COMBOS:
                    continue
                # candidates: where the load, or the load with the whole queue added, is high
                load_t = np.ascontiguousarray(load.T)  # (a, T)
                shp_t = np.ascontiguousarray(shp.T)  # (kd, T)
                score = load_t + q_tot[areas][:, None].astype(np.float32) * (mix @ shp_t)
                cand = np.concatenate(
                    [_largest(score, m_cand), _largest(load_t, m_cand // 4)], axis=1
                )  # (a, M)
                lc = np.take_along_axis(load_t, cand, axis=1)
                sc = np.moveaxis(shp_t[:, cand], 0, 1)  # (a, kd, M)
                pre = prefix[d][np.ix_(areas, np.arange(prefix[d].shape[1]), kd)]  # (a, n, kd)
                pre = pre.astype(np.float32)
                mixes = np.concatenate(
                    [
                        np.einsum("akm,ak->am", sc, mix)[:, None, :],
                        np.einsum("akm,ajk->ajm", sc, pre),
                    ],
                    axis=1,
                )  # (a, 1 + n, M): the queue mix and its prefixes
                lims = [lim0] + ([lim0 / (1 - e_central)] if emergency else [])
                base_code = (ads * w_n + y) * t_n
                for lim in lims:
                    room = (lim[:, None] - lc)[:, None, :]  # (a, 1, M)
                    with np.errstate(all="ignore"):
                        rm = np.where(mixes > EPS, room / mixes, np.inf)
                        rk = np.where(sc > EPS, room / sc, np.inf)
                    for rat, r in ((rm, surrogate.rows_aggregate), (rk, surrogate.rows_per_key)):
                        idx = _smallest(rat, r)  # (a, X, r)
                        ok = idx >= 0
                        a_i = np.broadcast_to(np.arange(len(areas))[:, None, None], idx.shape)[ok]
                        core_codes.append(base_code[a_i] + cand[a_i, idx[ok]])
                kind = pic0.weather_kinds[y]
                if emergency and t_n % STEPS_PER_DAY == 0 and kind in emergency_kinds:
                    days = t_n // STEPS_PER_DAY
                    ld = load.reshape(days, STEPS_PER_DAY, len(areas))
                    pfull = shp @ mix.T  # (T, a)
                    with np.errstate(all="ignore"):
                        ratio_full = np.where(pfull > EPS, (lim0[None, :] - load) / pfull, np.inf)
                    rd = ratio_full.reshape(days, STEPS_PER_DAY, len(areas)).min(axis=1)
                    nd = min(surrogate.emergency_days, days)
                    by_load = np.argpartition(-ld.max(axis=1), nd - 1, axis=0)[:nd]
                    by_room = np.argpartition(rd, nd - 1, axis=0)[:nd]
                    chosen = np.concatenate([by_load, by_room])  # (2nd, a)
                    col = np.broadcast_to(np.arange(len(areas)), chosen.shape).ravel()
                    day = chosen.ravel()
                    seg = ld[day, :, col]  # (P, 96)
                    mr = min(surrogate.emergency_steps_per_day, STEPS_PER_DAY)
                    top = np.argpartition(-seg, mr - 1, axis=1)[:, :mr]  # (P, mr)
                    # the tightest step of the day for the queue mix, two early prefixes of
                    # it, and each profile with at least 10% of the area's queue MW
                    mixes = np.concatenate([mix[:, None, :], pre[:, [1, 3], :]], axis=1)
                    sday = shp.reshape(days, STEPS_PER_DAY, len(kd))[day]  # (P, 96, kd)
                    sd = np.concatenate(
                        [np.einsum("pqk,pjk->pqj", sday, mixes[col]), sday], axis=2
                    )  # (P, 96, 3 + kd)
                    with np.errstate(all="ignore"):
                        rk = np.where(sd > EPS, (lim0[col][:, None, None] - seg[:, :, None]) / sd,
                                      np.inf)  # fmt: skip
                    best = np.argmin(rk, axis=1)  # (P, 3 + kd)
                    ok = np.isfinite(np.take_along_axis(rk, best[:, None, :], axis=1)[:, 0, :])
                    ok[:, 3:] &= mix[col] >= 0.1
                    steps = np.concatenate(
                        [
                            (day[:, None] * STEPS_PER_DAY + top).ravel(),
                            (day[:, None] * STEPS_PER_DAY + best)[ok],
                        ]
                    )
                    cols = np.concatenate(
                        [np.repeat(col, mr), np.broadcast_to(col[:, None], best.shape)[ok]]
                    )
                    day_codes.append(base_code[cols] + steps)
    core = np.unique(np.concatenate(core_codes)) if core_codes else np.zeros(0, np.int64)
    extra = np.unique(np.concatenate(day_codes)) if day_codes else np.zeros(0, np.int64)
    extra = np.setdiff1d(extra, core)
    # per area-direction: its core rows, then its emergency-only rows, each by (year, step)
    core_ad, extra_ad = core // (t_n * w_n), extra // (t_n * w_n)
    codes = np.concatenate([core, extra])
    is_extra = np.r_[np.zeros(len(core)), np.ones(len(extra))]
    order = np.lexsort((codes, is_extra, codes // (t_n * w_n)))
    codes = codes[order]
    row_core = (order < len(core)).astype(bool)
    row_step = (codes % t_n).astype(np.int32)
    row_year = ((codes // t_n) % w_n).astype(np.int8)
    row_ad = codes // (t_n * w_n)
    row_start = np.searchsorted(row_ad, np.arange(2 * a_n + 1)).astype(np.int64)
    core_end = row_start[:-1] + np.bincount(core_ad, minlength=2 * a_n)[: 2 * a_n]
    del extra_ad
    r_area, r_dir = row_ad // 2, row_ad % 2
    r_sign = np.where(r_dir == 0, 1.0, -1.0)
    loads = np.stack(
        [r_sign * p.load_mw[row_year, row_step, r_area].astype(np.float64) for p in pics]
    )  # (8, R)
    delta = (mobius_matrix() @ loads).T.copy()  # (R, 8)
    growth = r_sign * (pic0.load_mw - nogrowth)[row_year, row_step, r_area].astype(np.float64)
    shape = np.zeros((N_COMBOS, k_n, len(row_year)), dtype=np.float32)
    for c in range(N_COMBOS):
        if k_n:
            shape[c] = raw[c][:, row_year, row_step] * r_sign[None, :].astype(np.float32)
    # ------------------------------------------------------------------ flex-hours bound
    hours_levels = _hours_levels(region, large_connections)
    nh = len(hours_levels)
    c_val = np.full((N_COMBOS, nh, w_n, 2 * a_n), np.inf)
    c_coef = np.zeros((N_COMBOS, nh, k_n, 2 * a_n), dtype=np.float32)
    if nh:
        kth = np.minimum((hours_levels / STEP_H).astype(np.int64), t_n - 1)
        band = 4
        top_n = int(min(t_n, kth.max() + band + 1))
        for c in range(N_COMBOS):
            for d in (0, 1):
                sign = 1.0 if d == 0 else -1.0
                kd = np.flatnonzero((key_dir == d) & (sub_mw.max(axis=0) > 0))
                q_tot = sub_mw[:, kd].sum(axis=1)
                areas = np.flatnonzero(np.isfinite(pic0.capacity_mw[:, d]) & (q_tot > 0))
                if len(areas) == 0:
                    continue
                mix = sub_mw[np.ix_(areas, kd)] / q_tot[areas, None]
                mix32 = mix.astype(np.float32)
                capd = pic0.capacity_mw[areas, d]
                cap32 = capd.astype(np.float32)
                best = np.full((nh, len(areas)), np.inf)
                best_year = np.zeros((nh, len(areas)), dtype=np.int64)
                for y in range(w_n):
                    f32 = np.float32(sign)  # float32: 7 digits are plenty for the bound
                    load = f32 * pics[c].load_mw[y][:, areas].T  # (a, T)
                    shp = f32 * raw[c][kd, y, :]  # (kd, T)
                    pfull = mix32 @ shp  # (a, T)
                    with np.errstate(all="ignore"):
                        r0 = np.where(pfull > EPS, (cap32[:, None] - load) / pfull, np.inf)
                    part = np.argpartition(r0, top_n - 1, axis=1)[:, :top_n]
                    vals = np.take_along_axis(r0, part, axis=1)
                    order = np.argsort(vals, axis=1, kind="stable")
                    part = np.take_along_axis(part, order, axis=1)  # (a, top_n)
                    vals = np.take_along_axis(vals, order, axis=1)
                    for h in range(nh):
                        v = vals[:, min(kth[h], top_n - 1)]
                        c_val[c, h, y, 2 * areas + d] = v
                        better = v < best[h]
                        best[h] = np.where(better, v, best[h])
                        best_year[h] = np.where(better, y, best_year[h])
                        if not better.any():
                            continue
                        lo, hi = max(0, kth[h] - band), min(top_n, kth[h] + band + 1)
                        steps = part[:, lo:hi]  # (a, b)
                        pb = np.take_along_axis(pfull, steps, axis=1).mean(axis=1)  # (a,)
                        # every key, in this direction: the other direction's keys relieve
                        shp_all = f32 * raw[c][:, y, :]  # (K, T)
                        sb = shp_all[:, steps].mean(axis=2).T  # (a, K)
                        coef = np.where(pb[:, None] > EPS, sb / np.maximum(pb, EPS)[:, None], 0.0)
                        cur = c_coef[c, h][:, 2 * areas + d]  # (K, a)
                        c_coef[c, h][:, 2 * areas + d] = np.where(better[None, :], coef.T, cur)
    # ------------------------------------------------------------------ market inputs
    options, ranking = _market_inputs(
        region, cube, lib, design_years, large_connections, shortlist_size, levels
    )
    parent = region.areas["parent_id"].map(pos)
    level = (region.areas["level"] == "tso").to_numpy().astype(np.int8)
    return GroupData(
        group_id=area_ids[0] if a_n else "",
        year=scenario.target_year,
        area_ids=area_ids,
        level=level,
        operator=[str(o) for o in region.areas["operator"]],
        parent=np.array([-1 if p != p or p is None else int(p) for p in parent], dtype=np.int64),
        weather_kinds=pic0.weather_kinds,
        base_design_mask=_design_mask(pic0.weather_kinds, design_years),
        cap=cap,
        flex_mw=flex_mw,
        flex_hours=flex_hours,
        row_start=row_start,
        core_end=core_end,
        row_year=row_year,
        row_step=row_step,
        row_core=row_core,
        delta=delta,
        growth=growth,
        shape=shape,
        touch=touch,
        smax=smax,
        hours_levels=hours_levels,
        c_val=c_val,
        c_coef=c_coef,
        keys=keys,
        queue=queue,
        req_key=req_key,
        shortage_hours=shortage,
        options=options,
        ranking=ranking,
        stats={
            "rows": float(len(row_year)),
            "core_rows": float(row_core.sum()),
            "areas": float(a_n),
            "requests": float(len(queue)),
        },
    )


def _prefix_mixes(queue, req_key, k_n, pic0, shortage, scenario, n_points: int = 8):
    """Per direction (A, n_points, K): the MW-weighted key mix of the first 1/n, 2/n, ...
    of each area's subtree queue in (local) priority order, so that rows also cover the steps
    where the requests admitted first peak together."""
    from netruimte.queue.priority import priority_permutation

    a_n = len(pic0.area_ids)
    out = [np.zeros((a_n, n_points, k_n)), np.zeros((a_n, n_points, k_n))]
    if len(queue) == 0:
        return out
    pos = {a: i for i, a in enumerate(pic0.area_ids)}
    area = queue["area_id"].map(pos).to_numpy()
    d_req = (queue["direction"] == "feedin").to_numpy().astype(int)
    agg = pic0.agg.astype(np.float64)  # agg[x, a] = 1 when a counts in x (x on a's path)
    path_short = np.stack([(agg * shortage[:, d][:, None]).max(axis=0) for d in (0, 1)], 1)
    order, _ = priority_permutation(queue, scenario.queue.ranking, path_short[area, 1 - d_req])
    mw = queue["mw"].to_numpy(float)[order]
    key, area, d_req = req_key[order], area[order], d_req[order]
    for x in range(a_n):
        below = pic0.agg[x, area] > 0
        for d in (0, 1):
            sel = np.flatnonzero(below & (d_req == d))
            if len(sel) == 0:
                continue
            cum = np.cumsum(mw[sel])
            onehot = np.zeros((len(sel), k_n))
            onehot[np.arange(len(sel)), key[sel]] = mw[sel]
            cum_k = np.cumsum(onehot, axis=0)
            cuts = np.searchsorted(cum, cum[-1] * np.arange(1, n_points + 1) / n_points)
            cuts = np.minimum(cuts, len(sel) - 1)
            part = cum_k[cuts]
            out[d][x] = part / np.maximum(part.sum(axis=1, keepdims=True), EPS)
    return out


def _hours_levels(region: Region, conns: pd.DataFrame | None) -> np.ndarray:
    """Distinct finite flex hours among the region's flex assets and flex agreements."""
    vals = []
    fa = region.flex_assets
    if len(fa):
        vals += fa["max_hours_per_year"].astype(float).dropna().tolist()
    if conns is not None and len(conns):
        vals += conns["max_hours_per_year"].astype(float).dropna().tolist()
    from netruimte.market.budget import UNKNOWN_HOURS

    vals.append(UNKNOWN_HOURS)
    return np.array(sorted({v for v in vals if np.isfinite(v) and v > 0}), dtype=np.float64)


def _market_inputs(region, cube, lib, design_years, conns, shortlist_size, levels):
    """Flex options of the group in merit levels, and the ranking of its large connections."""
    from netruimte.market.budget import flex_options, merit_levels
    from netruimte.market.top50 import rank_connections

    ranking = None
    if conns is not None and len(conns):
        inside = conns[conns["area_id"].isin(set(region.area_ids))].reset_index(drop=True)
        if len(inside):
            ranking = rank_connections(region, cube, lib, inside, design_years, shortlist_size)
    options = merit_levels(region, flex_options(region, ranking), levels)
    if ranking is None:
        ranking = pd.DataFrame()
    return options, ranking


def without_rows(data: GroupData) -> GroupData:
    """A copy with empty rows (for tests of the unconstrained case)."""
    a2 = len(data.cap)
    return replace(
        data,
        row_start=np.zeros(a2 + 1, dtype=np.int64),
        core_end=np.zeros(a2, dtype=np.int64),
        row_year=np.zeros(0, np.int8),
        row_step=np.zeros(0, np.int32),
        row_core=np.zeros(0, bool),
        delta=np.zeros((0, N_COMBOS)),
        growth=np.zeros(0),
        shape=np.zeros((N_COMBOS, len(data.keys), 0), np.float32),
    )

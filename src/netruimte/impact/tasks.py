"""The units of work of the roll-up: pure functions of their arguments, run in any process.

`reduce_task` (one group, one year), `curves_task` (the group's admitted MW per flex level and
sample, for the budget allocation) and `sets_task` (the group's admission for all 256 sets of
breakthroughs and a chunk of samples). The driver (rollup.py) calls them in-process or on a
Dask cluster (distributed.py); either way each returns the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netruimte.errors import InputError
from netruimte.impact import players as P
from netruimte.impact.flexsets import N_FLEX, flex_tables, level_tables
from netruimte.impact.kernel import admit_batch
from netruimte.impact.reduced import N_COMBOS, GroupData, reduce_group, subset_weights

MAX_PATH = 3


@dataclass(frozen=True)
class SetParams:
    """Central values of the breakthroughs' parameters the batch needs (from the scenario)."""

    emergency_share: float  # 0 when risk appetite or the option is off
    emergency_calls: float
    design_choices: tuple[tuple[str, ...], ...]  # weather kinds risk appetite may design for
    booked_share: float  # 0 when risk appetite or expected flex is off
    peak_reduction: float  # 1 − request peak factor; 0 when prognoses are off
    contracts_on: bool
    csc_for_batteries: bool  # flex as the norm offers CSC to batteries
    reach_without: float
    floor_eur: float  # financial floor per supply area, €/yr (tenders)


def set_params(scenario, impact_params) -> SetParams:
    """The SetParams of a scenario's `measures` section and the impact parameters."""
    m = scenario.measures
    ra = m.risk_appetite
    em = ra.emergency_curtailment
    on = ra.enabled
    return SetParams(
        emergency_share=em.share if on and em.enabled else 0.0,
        emergency_calls=float(em.max_calls_per_year),
        design_choices=tuple(tuple(c) for c in impact_params.monte_carlo.design_weather_choices)
        if on and ra.design_weather.enabled
        else (),
        booked_share=ra.expected_flex.share if on and ra.expected_flex.enabled else 0.0,
        peak_reduction=1.0 - m.prognosis.request_peak_factor if m.prognosis.enabled else 0.0,
        contracts_on=m.contracts.enabled,
        csc_for_batteries=m.flex_norm.enabled and m.flex_norm.offer_csc_to_batteries,
        reach_without=impact_params.enabler.reach_without,
        floor_eur=m.market.floor_eur_per_area_yr,
    )


def reduce_task(sub, scenario, lib, design_years, surrogate, conns, shortlist, levels, kinds):
    """Phase 1: the reduced problem of one group and year."""
    return reduce_group(
        sub, scenario, lib, design_years, surrogate, conns, shortlist, levels, kinds
    )


def request_arrays(data: GroupData, order: np.ndarray, cat_of: dict[tuple[str, int], int]):
    """Per-request arrays in admission order (`order`: positions into data.queue)."""
    q = data.queue.iloc[order]
    pos = {a: i for i, a in enumerate(data.area_ids)}
    area = q["area_id"].map(pos).to_numpy().astype(np.int64)
    path = np.full((len(q), MAX_PATH), -1, dtype=np.int64)
    for p in range(MAX_PATH):
        path[:, p] = (
            area if p == 0 else np.where(path[:, p - 1] >= 0, data.parent[path[:, p - 1]], -1)
        )
    mw = q["mw"].to_numpy(float)
    ctrl = (
        q["controllable_mw"].astype(float).fillna(0.0).to_numpy() if "controllable_mw" in q else 0
    )
    battery = (q["profile_class"] == "battery").to_numpy()
    steer = np.where(battery, np.maximum(ctrl, mw), ctrl).astype(float)
    share = q["flexible_share"].astype(float).fillna(0.0).clip(0, 1).to_numpy()
    cats = np.array([cat_of[(data.operator[a], int(data.level[a]))] for a in area], dtype=np.int64)
    return {
        "req_key": data.req_key[order].astype(np.int64),
        "req_dir": (q["direction"] == "feedin").to_numpy().astype(np.int64),
        "req_path": path,
        "req_mw": mw,
        "req_share": share,
        "req_steer": steer,
        "req_cat": cats,
        "req_area": area,
    }


def design_mask(kinds: tuple[str, ...], choice: tuple[str, ...]) -> int:
    """Bits of the weather years whose kind is in `choice`."""
    mask = sum(1 << y for y, k in enumerate(kinds) if k in choice)
    if not mask:
        raise InputError(
            f"no weather year of kind {list(choice)} in this run (kinds: {list(kinds)})",
            column="monte_carlo.design_weather_choices",
        )
    return int(mask)


def _run(data: GroupData, req: dict, batch: dict, weights, grow, flex_mw, flex_h, n_cat, n_rec):
    """Run the kernel on the distinct batch elements only and expand the results.

    Elements whose inputs are equal within the group (e.g. sets that differ only in flex the
    group does not get) give equal results, so each is computed once (exact, not an
    approximation)."""
    both = np.concatenate([flex_mw, flex_h.astype(np.float64)], axis=1)
    _, f_canon = np.unique(both, axis=0, return_inverse=True)
    emerg = batch["e"] > 0
    offer2 = batch["offer"] == 2
    key = np.stack(
        [
            batch["sample"].astype(np.float64),
            batch["load"].astype(np.float64),
            f_canon.ravel()[batch["flex"]].astype(np.float64),
            batch["e"],
            np.where(emerg, batch["calls"], 0.0),
            batch["years"].astype(np.float64),
            batch["pi"],
            np.where(offer2, batch["share"], 1.0),
            batch["offer"].astype(np.float64),
            batch["rec"].astype(np.float64),
        ],
        axis=1,
    )
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    u = {name: np.ascontiguousarray(v[first]) for name, v in batch.items()}
    mw, n, cmw, area = admit_batch(
        data.row_start, data.core_end, data.row_year, data.row_step, data.delta, data.growth,
        data.shape, data.cap, data.touch, data.smax, data.c_val, data.c_coef,
        req["req_key"], req["req_dir"], req["req_path"], req["req_mw"], req["req_share"],
        req["req_steer"], req["req_cat"], req["req_area"],
        u["sample"], u["load"], u["flex"], u["e"], u["calls"],
        u["years"], u["pi"], u["share"], u["offer"], u["rec"],
        weights, grow, flex_mw, flex_h, n_cat, n_rec, data.n_areas, len(data.weather_kinds),
    )  # fmt: skip
    return mw[inverse], n[inverse], cmw[inverse], area, len(first)


def _weights(samples: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    factors = samples[["risk_load", "prognosis_load", "flex_norm_load"]].to_numpy(float)
    return subset_weights(factors), samples["growth"].to_numpy(float)


def _threads(threads: int) -> None:
    import numba

    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))


def curves_task(
    data: GroupData,
    order: np.ndarray,
    samples: pd.DataFrame,
    levels: int,
    cat_of: dict,
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Phase 2: admitted MW (S, 2, K+1) of the group with the options up to each level
    bought (no breakthrough otherwise), and the options' cost (A, 2, K+1)."""
    _threads(threads)
    f, h, cost = level_tables(data, levels)
    s_n, k1 = len(samples), levels + 1
    n = s_n * k1
    batch = {
        "sample": np.repeat(np.arange(s_n), k1),
        "load": np.zeros(n, np.int64),
        "flex": np.tile(np.arange(k1), s_n),
        "e": np.zeros(n),
        "calls": np.zeros(n),
        "years": np.full(n, data.base_design_mask, np.int64),
        "pi": np.ones(n),
        "share": np.ones(n),
        "offer": np.zeros(n, np.int64),
        "rec": np.full(n, -1, np.int64),
    }
    req = request_arrays(data, order, cat_of)
    weights, grow = _weights(samples)
    mw, _, _, _, _ = _run(data, req, batch, weights, grow, f, h, len(cat_of), 0)
    per = mw.sum(axis=1).reshape(s_n, k1, 2)
    return np.moveaxis(per, 2, 1).copy(), cost


def sets_task(
    data: GroupData,
    order: np.ndarray,
    samples: pd.DataFrame,
    sp: SetParams,
    level8: np.ndarray,
    top_ids: set[str],
    cat_of: dict,
    threads: int = 1,
    record: tuple[int, ...] = (0, P.ALL),
) -> dict[str, np.ndarray]:
    """Phase 3: the group's admission for every set of breakthroughs and each sample.

    Returns mw / n (S, 256, C, 2) per output category, contract_mw (S, 256, 2), and area_mw
    (S, R, A, 2) for the recorded sets (default: the empty set and all eight).
    """
    _threads(threads)
    s_n = len(samples)
    f, h = flex_tables(
        data, samples, sp.booked_share, sp.reach_without, sp.floor_eur, level8, top_ids
    )
    masks = np.arange(P.N_SETS)
    load = np.array([P.load_combo(int(m)) for m in masks], dtype=np.int64)
    fcombo = np.array([P.flex_combo(int(m)) for m in masks], dtype=np.int64)
    has = {n: (masks & P.BIT[n]) > 0 for n in P.NAMES}
    offer = np.where(
        has["contracts"] & sp.contracts_on,
        2,
        np.where(has["flex_norm"] & sp.csc_for_batteries, 1, 0),
    )
    base = data.base_design_mask
    choice = samples["design_choice"].to_numpy(int)
    if sp.design_choices:
        ra_years = np.array([design_mask(data.weather_kinds, sp.design_choices[c]) for c in choice])
    else:
        ra_years = np.full(s_n, base)
    e_s = sp.emergency_share * samples["risk_emergency_share"].to_numpy(float)
    calls_s = np.round(sp.emergency_calls * samples["risk_emergency_calls"].to_numpy(float))
    pi_s = 1.0 - sp.peak_reduction * samples["prognosis_peak"].to_numpy(float)
    share_s = samples["contracts_share"].to_numpy(float)
    ra = has["risk_appetite"]
    sample = np.repeat(np.arange(s_n), P.N_SETS)
    m_all = np.tile(masks, s_n)
    ra_b = np.tile(ra, s_n)
    rec = np.full(len(sample), -1, dtype=np.int64)
    n_rec = len(record)
    for j, m in enumerate(record):
        rec[m_all == m] = n_rec * np.arange(s_n) + j
    batch = {
        "sample": sample,
        "load": np.tile(load, s_n),
        "flex": sample * N_FLEX + np.tile(fcombo, s_n),
        "e": np.where(ra_b, e_s[sample], 0.0),
        "calls": calls_s[sample],
        "years": np.where(ra_b, ra_years[sample], base).astype(np.int64),
        "pi": np.where(np.tile(has["prognosis"], s_n), pi_s[sample], 1.0),
        "share": np.where(np.tile(has["contracts"], s_n), share_s[sample], 1.0),
        "offer": np.tile(offer, s_n).astype(np.int64),
        "rec": rec,
    }
    req = request_arrays(data, order, cat_of)
    weights, grow = _weights(samples)
    mw, n, cmw, area, distinct = _run(
        data, req, batch, weights, grow, f, h, len(cat_of), n_rec * s_n
    )
    c_n = len(cat_of)
    return {
        "distinct": np.array([distinct]),
        "mw": mw.reshape(s_n, P.N_SETS, c_n, 2),
        "n": n.reshape(s_n, P.N_SETS, c_n, 2),
        "contract_mw": cmw.reshape(s_n, P.N_SETS, 2),
        "area_mw": area[: n_rec * s_n].reshape(s_n, n_rec, data.n_areas, 2),
    }


assert N_COMBOS == 8

"""The time aggregation is exact: the clearing on atoms equals a per-quarter-hour MILP.

The per-quarter-hour model is built from the reference masks (pandas, no cells, no atoms):
one coverage row for every quarter-hour of every block, solved with scipy.optimize.milp.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from netruimte.market.need import needs_from_cube
from netruimte.market.synthetic import random_bids
from netruimte.market.tender import clear_tender

from .tender_reference import reference_problem


def per_quarter_hour_optimum(need, bids, co2_eur_per_t: float) -> tuple[float, int]:
    rows, cost = reference_problem([need], bids, co2_eur_per_t)
    n_b, n_blk = len(bids), len(rows)
    mw = np.array([b.mw for b in bids])
    lo = np.array([b.min_accept_mw for b in bids])
    div = np.array([bool(b.divisible) for b in bids])
    strict = need.reliability >= 1
    # columns: x (MW) per bid, y (on/off) per bid, z (block given up) per block
    n = 2 * n_b + n_blk
    c = np.r_[cost, np.zeros(n_b + n_blk)]
    a_rows, lb, ub = [], [], []
    usable_any = []
    for k, (_, _, usable, need_mw, _) in enumerate(rows):
        coverable = (usable.astype(float) @ mw >= need_mw - 1e-9).all()
        usable_any.append(coverable)
        if not coverable:
            continue
        block = np.zeros((len(usable), n))
        block[:, :n_b] = usable
        block[:, 2 * n_b + k] = need_mw
        a_rows.append(block)
        lb.append(np.full(len(usable), need_mw))
        ub.append(np.full(len(usable), np.inf))
    link = np.zeros((2 * n_b, n))
    link[np.arange(n_b), np.arange(n_b)] = 1
    link[np.arange(n_b), n_b + np.arange(n_b)] = -mw
    link[n_b + np.arange(n_b), np.arange(n_b)] = 1
    link[n_b + np.arange(n_b), n_b + np.arange(n_b)] = -np.where(div, lo, mw)
    a_rows.append(link)
    lb.append(np.r_[np.full(n_b, -np.inf), np.zeros(n_b)])
    ub.append(np.r_[np.zeros(n_b), np.full(n_b, np.inf)])
    hours = np.array([r[4] for r in rows])
    z_lo = np.where(usable_any, 0.0, 1.0)
    z_hi = np.zeros(n_blk) if strict else np.ones(n_blk)
    z_hi = np.maximum(z_hi, z_lo)
    if not strict:
        forced = hours[~np.array(usable_any)].sum()
        allowance = max((1 - need.reliability) * hours.sum(), forced)
        row = np.zeros((1, n))
        row[0, 2 * n_b :] = hours
        a_rows.append(row)
        lb.append([-np.inf])
        ub.append([allowance + 1e-9])
    res = milp(
        c,
        constraints=LinearConstraint(np.vstack(a_rows), np.concatenate(lb), np.concatenate(ub)),
        integrality=np.r_[np.zeros(n_b), np.ones(n_b + n_blk)],
        bounds=Bounds(np.r_[np.zeros(2 * n_b), z_lo], np.r_[mw, np.ones(n_b), z_hi]),
        options={"mip_rel_gap": 0.0},
    )
    assert res.status == 0, res.message
    return float(res.fun), sum(len(r[2]) for r in rows)


@pytest.mark.parametrize(("seed", "reliability"), [(0, 1.0), (1, 1.0), (2, 0.9)])
def test_atoms_equal_quarter_hours(default_core, seed, reliability):
    r = default_core
    cube = r.cube
    needs = needs_from_cube(
        cube.load_mw,
        r.region.capacity_mw("offtake"),
        r.region.capacity_mw("feedin"),
        cube.axis,
        cube.area_ids,
        cube.weather_labels,
        areas=["DE34"],
        reliability=reliability,
    )
    need = next(n for n in needs if n.direction == "offtake")
    bids = random_bids([need], 30, seed=seed)
    result = clear_tender(need, bids, co2_eur_per_t=100.0, mip_rel_gap=0.0)
    reference, n_rows = per_quarter_hour_optimum(need, bids, 100.0)
    assert result.accepted_bids >= 2
    assert result.n_atoms * 10 < n_rows  # the same problem, an order of magnitude smaller
    assert result.total_cost_eur_per_yr == pytest.approx(reference, rel=1e-6)

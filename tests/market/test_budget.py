"""Budget above the financial floor: the allocation is optimal, the prediction is exact."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from netruimte.market.budget import (
    admitted_per_area,
    allocate,
    area_groups,
    budget_curves,
    efficiency_curve,
    flex_options,
    options_at,
    region_with_options,
    run_budget,
    tariff_effect,
)
from netruimte.market.large_connections import derive_large_connections
from netruimte.market.top50 import rank_connections
from netruimte.queue.admission import admit_queue

DESIGN = [0, 1, 2]


@pytest.fixture(scope="module")
def curves(small_core):
    r = small_core
    conns = derive_large_connections(r.region, r.library, r.admission, seed=3)
    ranking = rank_connections(r.region, r.cube, r.library, conns, DESIGN)
    options = flex_options(r.region, ranking)
    return budget_curves(
        r.region,
        r.scenario,
        r.cube,
        r.library,
        DESIGN,
        options,
        levels=3,
        base_admission=r.admission,
    )


def _spend(curves, level, floor):
    cost = np.zeros(len(curves.area_ids))
    for a in range(len(cost)):
        g = curves.group_of_area[a]
        cost[a] = sum(curves.cost_eur[a, d, level[g, d]] for d in range(2))
    return float(np.clip(cost - floor, 0, None).sum())


def test_groups_are_the_tennet_areas(small_core):
    ids, group_of = area_groups(small_core.region)
    assert ids == ["TN-NOORD", "TN-MIDDEN", "TN-ZUID"]
    parents = small_core.region.areas.parent_id
    for a, g in zip(small_core.region.area_ids, group_of, strict=True):
        assert ids[g] in (a, parents[a])


def test_allocation_equals_brute_force(curves):
    floor = np.full(len(curves.area_ids), 20_000.0)
    g_n, _, k_n = curves.admitted_mw.shape
    total = _spend(curves, np.full((g_n, 2), k_n - 1), floor)
    assert total > 0
    for budget in (0.0, 0.1 * total, 0.35 * total, 0.7 * total, total):
        level, gain, spend = allocate(curves, budget, floor)
        assert spend <= budget + 1e-3
        assert spend == pytest.approx(_spend(curves, level, floor))
        best = -np.inf
        for ks in itertools.product(range(k_n), repeat=g_n):  # both directions move together
            lv = np.array([[k, k] for k in ks])
            if _spend(curves, lv, floor) <= budget + 1e-6:
                g = sum(
                    curves.admitted_mw[i, d, lv[i, d]] - curves.admitted_mw[i, d, 0]
                    for i in range(g_n)
                    for d in range(2)
                )
                best = max(best, g)
        assert gain == pytest.approx(best)


def test_prediction_equals_admission_at_the_allocation(small_core, curves):
    r = small_core
    floor = np.zeros(len(curves.area_ids))
    total = _spend(curves, np.full((3, 2), curves.levels), floor)
    level, gain, _ = allocate(curves, 0.4 * total, floor)
    assert level.max() > 0 and len(set(level[:, 0])) > 1  # a genuine mix of group levels
    bought = options_at(curves, level)
    verified = admitted_per_area(
        admit_queue(region_with_options(r.region, bought), r.scenario, r.cube, r.library, DESIGN),
        curves.area_ids,
    ).sum()
    assert verified == pytest.approx(curves.admitted_mw[:, :, 0].sum() + gain)


def test_flex_admits_more_and_the_curve_is_monotone(curves):
    assert curves.admitted_mw[:, :, -1].sum() > curves.admitted_mw[:, :, 0].sum()
    curve = efficiency_curve(curves, np.zeros(len(curves.area_ids)))
    assert curve.admitted_mw.is_monotonic_increasing
    assert (curve.spent_above_floor_eur_per_yr <= curve.budget_eur_per_yr + 1e-3).all()
    assert curve.mw_from_budget.iloc[0] == 0.0


def test_options_count_in_their_area_and_above(small_core):
    r = small_core
    opts = flex_options(r.region, None)
    added = region_with_options(r.region, opts.head(2))
    new = added.flex_assets.iloc[len(r.region.flex_assets) :]
    first = opts.iloc[0]
    parent = r.region.areas.parent_id[first.area_id]
    rows = new[new.asset_id.str.startswith(f"{first.option_id}@")]
    assert sorted(rows.area_id) == sorted([first.area_id, parent])
    assert rows.contracted.all()
    assert (rows.mw == first.mw).all()


def test_run_budget_and_tariffs(small_core):
    r = small_core
    conns = derive_large_connections(r.region, r.library, r.admission, seed=3)
    options = flex_options(r.region, rank_connections(r.region, r.cube, r.library, conns, DESIGN))
    b = run_budget(
        r.region,
        r.scenario,
        r.cube,
        r.library,
        DESIGN,
        options,
        r.admission,
        budget_eur=200_000,
        floor_eur_per_area=10_000,
        levels=3,
        verify=True,
    )
    s = b.summary
    assert s["admitted_mw_at_budget_verified"] == pytest.approx(s["admitted_mw_at_budget"])
    assert s["admitted_mw_floor_only_verified"] == pytest.approx(s["admitted_mw_floor_only"])
    assert s["spent_above_floor_eur_per_yr"] <= 200_000 + 1e-3
    assert s["tariff_eur_per_mwh"] == pytest.approx(
        s["spent_above_floor_eur_per_yr"] / s["offtake_mwh_per_year"]
    )
    assert len(b.bought) == s["options_bought"]
    if len(b.allocation):
        assert (b.allocation.area_spend_above_floor_eur_per_yr >= 0).all()
    t = tariff_effect(1_000_000, 2_000_000)
    assert t["tariff_eur_per_mwh"] == 0.5 and t["per_household_eur_per_yr"] == pytest.approx(1.3)

"""Realdata: the roll-up on real national groups (the capacity map), against the exact engine."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from netruimte.impact import analysis
from netruimte.impact import players as P
from netruimte.impact.groups import partition, subregion
from netruimte.impact.params import ImpactParams
from netruimte.impact.rollup import LocalExecutor, run_impact
from netruimte.impact.validate import compare_sets
from netruimte.region.national import build_national_region, capacity_map_files
from netruimte.scenario import Scenario

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def real_groups(shared_data: Path):
    """Two real TenneT groups of the national region with queued offtake at both levels,
    the smallest such by number of requests (seconds, not minutes)."""
    region, _ = build_national_region(capacity_map_files(shared_data / "capacity-map"))
    groups = [g for g in partition(region) if len(g.area_ids) >= 4]
    q = region.queue
    size = [int(q["area_id"].isin(g.area_ids).sum()) for g in groups]
    chosen = [groups[i] for i in np.argsort(size, kind="stable")[:2]]
    return subregion(region, [a for g in chosen for a in g.area_ids])


def test_roll_up_on_real_groups(real_groups) -> None:
    params = ImpactParams.model_validate({"years": [2030], "monte_carlo": {"samples": 4}})
    res = run_impact(real_groups, Scenario(), params, LocalExecutor())
    a = analysis.attribution(analysis.values(res.years[2030], "mw_offtake"))
    assert np.allclose(a["shapley"].sum(axis=1), a["all"], atol=1e-6)
    queue_mw = float(real_groups.queue.query("direction == 'offtake'")["mw"].sum())
    assert (a["base"] + a["all"] <= queue_mw + 1e-6).all()
    assert a["all"][0] > 0, "all eight free nothing on real groups"
    comp = analysis.comparison_table(res)
    assert 0 < comp["reference_scale"].iloc[0] < 0.2  # two groups: a share of the country


def test_surrogate_close_to_exact_engine_on_real_groups(real_groups) -> None:
    table = compare_sets(real_groups, Scenario(), ImpactParams(), 2030, [0, P.ALL])
    t = table.set_index("mask")
    for col in ("mw_offtake", "mw_feedin"):
        exact, sur = t[f"exact_{col}"], t[f"surrogate_{col}"]
        assert (abs(sur - exact) <= 0.05 * exact + 2.0).all(), table
    freed_exact = t.at[P.ALL, "exact_mw_offtake"] - t.at[0, "exact_mw_offtake"]
    freed_sur = t.at[P.ALL, "surrogate_mw_offtake"] - t.at[0, "surrogate_mw_offtake"]
    assert freed_sur == pytest.approx(freed_exact, rel=0.1, abs=5.0), table

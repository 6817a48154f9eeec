"""The roll-up on a 2-worker Dask LocalCluster gives the same numbers as one process."""

from __future__ import annotations

import numpy as np

from netruimte.impact.distributed import dask_executor
from netruimte.impact.params import ImpactParams
from netruimte.impact.rollup import LocalExecutor, run_impact
from netruimte.scenario import Scenario


def test_local_cluster_identical_to_single_process(tiny_region) -> None:
    params = ImpactParams.model_validate(
        {"years": [2030], "monte_carlo": {"samples": 3, "seed": 8}, "sample_chunk": 2}
    )
    one = run_impact(tiny_region, Scenario(), params, LocalExecutor())
    with dask_executor(workers=2) as ex:
        assert ex.name == "Dask, 2 workers"
        two = run_impact(tiny_region, Scenario(), params, ex)
    a, b = one.years[2030], two.years[2030]
    for field in ("mw", "n", "contract_mw", "area_mw", "level8"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    assert a.spend.equals(b.spend)

"""Fixtures of the impact tests: a small generated region and one roll-up on it."""

from __future__ import annotations

import pytest

from netruimte.impact.params import ImpactParams
from netruimte.region.default import generate_default_region
from netruimte.scenario import Scenario


@pytest.fixture(scope="session")
def tiny_region():
    """Six supply areas under three TenneT areas (seconds to roll up)."""
    return generate_default_region(seed=7, n_areas=6)


@pytest.fixture(scope="session")
def tiny_params() -> ImpactParams:
    return ImpactParams.model_validate(
        {"years": [2027, 2030], "monte_carlo": {"samples": 6, "seed": 11}, "sample_chunk": 4}
    )


@pytest.fixture(scope="session")
def tiny_result(tiny_region, tiny_params):
    """The roll-up of the tiny region in this process."""
    from netruimte.impact.rollup import LocalExecutor, run_impact

    return run_impact(tiny_region, Scenario(), tiny_params, LocalExecutor())

"""Fixtures of the market tests. tests/market is a package, so this module is
`market.conftest` and never shadows another folder's `conftest`."""

from __future__ import annotations

import pytest

from netruimte.market.need import Need

from .market_cases import winter_need


@pytest.fixture
def need() -> Need:
    return winter_need()


@pytest.fixture(scope="session")
def small_core():
    """The core of a run (no stages) on a small generated region (6 supply areas)."""
    from netruimte.market.stage import core_run
    from netruimte.region.default import generate_default_region
    from netruimte.scenario import Scenario

    return core_run(generate_default_region(seed=7, n_areas=6), Scenario())


@pytest.fixture(scope="session")
def default_core():
    """The core of a run (no stages) on the embedded default region."""
    from netruimte.market.stage import core_run
    from netruimte.region.default import packaged_default_region_path
    from netruimte.region.folder import read_region
    from netruimte.scenario import Scenario

    return core_run(read_region(packaged_default_region_path()), Scenario())

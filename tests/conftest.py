"""Shared fixtures: the real data folder (skipped with a reason when absent) and small regions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("NETRUIMTE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def _require_realdata() -> bool:
    return os.environ.get("NETRUIMTE_REQUIRE_REALDATA", "") == "1"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data: real public data; tests using it are marked realdata."""
    if not SHARED_DATA.is_dir():
        if _require_realdata():
            pytest.fail(
                f"real data folder {SHARED_DATA} is missing but NETRUIMTE_REQUIRE_REALDATA=1"
            )
        pytest.skip(f"real data folder {SHARED_DATA} not found (a fresh clone has no ../shared)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def small_region():
    """A small generated region (6 supply areas) for fast end-to-end tests."""
    from netruimte.region.default import generate_default_region

    return generate_default_region(seed=7, n_areas=6)


@pytest.fixture(scope="session")
def default_run():
    """The main job computed once on the embedded default region (about 5 s)."""
    from netruimte.pipeline import compute
    from netruimte.region.default import packaged_default_region_path
    from netruimte.region.folder import read_region
    from netruimte.scenario import Scenario

    return compute(read_region(packaged_default_region_path()), Scenario(), run_stages=False)

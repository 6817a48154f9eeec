"""Realdata: the national region is the real map, completed and calibrated to the totals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netruimte.region.capacity_map import import_capacity_map
from netruimte.region.folder import read_region
from netruimte.region.national import (
    GENERATED,
    REAL,
    REGIONAL_OFFTAKE_MW,
    REGIONAL_OFFTAKE_REQUESTS,
    SCALED,
    TENNET_OFFTAKE_MW,
    TENNET_OFFTAKE_REQUESTS,
    build_national_region,
    capacity_map_files,
)

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def national(shared_data: Path):
    return build_national_region(capacity_map_files(shared_data / "capacity-map"))


def test_calibrated_to_national_totals(national) -> None:
    region, _ = national
    q = region.queue.merge(region.areas.reset_index(drop=True)[["area_id", "level"]], on="area_id")
    off = q[q.direction == "offtake"]
    regional, tennet = off[off.level == "dso"], off[off.level == "tso"]
    assert len(regional) == REGIONAL_OFFTAKE_REQUESTS
    assert regional.mw.sum() == pytest.approx(REGIONAL_OFFTAKE_MW, abs=0.5)
    assert len(tennet) == TENNET_OFFTAKE_REQUESTS
    assert tennet.mw.sum() == pytest.approx(TENNET_OFFTAKE_MW, abs=0.5)
    # per area, the generated requests add up to the area's (calibrated) queue
    per_area = off.groupby("area_id").mw.sum()
    areas = region.areas
    pd.testing.assert_series_equal(
        per_area.sort_index(),
        areas.loc[per_area.index, "queue_offtake_mw"].astype(float).sort_index(),
        check_names=False,
        atol=0.01 * per_area.max(),
        check_exact=False,
    )


def test_real_values_are_kept_and_origins_recorded(national, shared_data: Path) -> None:
    region, prov = national
    real = import_capacity_map(capacity_map_files(shared_data / "capacity-map")).areas
    known = real["capacity_offtake_mw"].notna()
    pd.testing.assert_series_equal(
        region.areas.loc[known, "capacity_offtake_mw"].astype(float),
        real.loc[known, "capacity_offtake_mw"].astype(float),
    )
    src = prov.set_index(["area_id", "field"])["source"]
    some_known = real.index[known & (real.level == "dso")][0]
    assert src[(some_known, "capacity_offtake_mw")] == REAL
    some_missing = real.index[~known & (real.level == "dso")][0]
    assert src[(some_missing, "capacity_offtake_mw")] == GENERATED
    assert (prov[prov.field == "queue_offtake_mw"].source == SCALED).all()
    assert set(prov.area_id) == set(region.areas.index)


def test_cli_writes_a_valid_folder(shared_data: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    out = tmp_path / "nl"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "netruimte",
            "region",
            "national",
            "--capacity-map",
            str(shared_data / "capacity-map"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    region = read_region(out)
    assert region.n_areas == 301
    assert (out / "provenance.csv").exists()

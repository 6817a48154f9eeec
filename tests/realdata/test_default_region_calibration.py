"""Realdata: the embedded default region's medians against the real capacity map."""

from __future__ import annotations

from pathlib import Path

import pytest

from netruimte.region.capacity_map import import_capacity_map
from netruimte.region.default import packaged_default_region_path
from netruimte.region.folder import read_region

pytestmark = pytest.mark.realdata
COLUMNS = (
    "capacity_offtake_mw",
    "capacity_feedin_mw",
    "queue_offtake_mw",
    "queue_feedin_mw",
    "requests_offtake",
    "requests_feedin",
)


def test_medians_within_factor_1_5(shared_data: Path) -> None:
    files = [
        shared_data / "capacity-map" / f"{n}.json" for n in ("liander", "enexis", "stedin", "other")
    ]
    real = import_capacity_map(files).areas
    real = real[real.level == "dso"]
    ours = read_region(packaged_default_region_path()).areas
    ours = ours[ours.level == "dso"]
    for col in COLUMNS:
        r_med = float(real[col].dropna().astype(float).median())
        o_med = float(ours[col].dropna().astype(float).median())
        ratio = o_med / r_med
        print(
            f"\n{col:22s} real median {r_med:8.1f}  default region {o_med:8.1f}  ratio {ratio:.2f}"
        )
        assert 1 / 1.5 <= ratio <= 1.5, col

"""Realdata: the capacity-map importer reproduces the source's totals exactly."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from netruimte.region.capacity_map import import_capacity_map
from netruimte.region.folder import read_region, write_region

pytestmark = pytest.mark.realdata
OPERATOR_FILES = ("liander", "enexis", "stedin", "tennet", "other")


def _files(shared: Path) -> list[Path]:
    return [shared / "capacity-map" / f"{n}.json" for n in OPERATOR_FILES]


def _source_totals(files: list[Path]) -> dict[str, dict[str, float]]:
    """Sums per operator computed straight from the JSON, independently of the importer."""
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for f in files:
        for rec in json.loads(f.read_text()).values():
            op = rec["rnb"]
            for key in (
                "queueWithdrawal",
                "queueInjection",
                "existingTransportCapacityWithdrawal",
                "existingTransportCapacityInjection",
            ):
                v = rec.get(key)
                if v not in (None, "-"):
                    totals[op][key] += float(v.split()[0])
            for key in ("uniqueRequestsWithdrawal", "uniqueRequestsInjection"):
                v = rec.get(key)
                if v not in (None, "-"):
                    totals[op][key] += int(v)
    return totals


def test_totals_per_operator_equal_the_source(shared_data: Path, tmp_path: Path) -> None:
    files = _files(shared_data)
    region = import_capacity_map(files)
    write_region(region, tmp_path)  # and through the folder format
    areas = read_region(tmp_path).areas
    src = _source_totals(files)
    cols = {
        "queueWithdrawal": "queue_offtake_mw",
        "queueInjection": "queue_feedin_mw",
        "existingTransportCapacityWithdrawal": "capacity_offtake_mw",
        "existingTransportCapacityInjection": "capacity_feedin_mw",
        "uniqueRequestsWithdrawal": "requests_offtake",
        "uniqueRequestsInjection": "requests_feedin",
    }
    for op, sums in src.items():
        part = areas[areas.operator == op]
        for key, col in cols.items():
            assert part[col].astype(float).sum() == pytest.approx(sums[key], abs=1e-6), (op, key)
    liander = areas[areas.operator == "Liander"]
    assert liander.queue_offtake_mw.sum() == pytest.approx(1725.1, abs=0.05)
    assert liander.requests_offtake.sum() == 3451
    assert len(areas) == 301
    assert (areas.level == "tso").sum() == 21


def test_areas_have_boxes_parents_and_projects(shared_data: Path) -> None:
    region = import_capacity_map(_files(shared_data))
    dso = region.areas[region.areas.level == "dso"]
    assert dso.bbox_west.notna().mean() > 0.95
    assert dso.parent_id.notna().mean() > 0.8  # TenneT parent found from the boxes
    assert len(region.projects) > 1000

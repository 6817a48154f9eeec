"""Splitting supply areas (the ~620-area national picture) keeps the national totals."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from netruimte.region.folder import read_region, write_region
from netruimte.region.national import SPLIT, split_areas


def _totals(region) -> pd.DataFrame:
    q = region.queue.merge(region.areas.reset_index(drop=True)[["area_id", "level"]], on="area_id")
    return q.groupby(["level", "direction"]).mw.agg(["size", "sum"])


def test_split_default_region_keeps_totals(tmp_path: Path) -> None:
    from netruimte.region.default import generate_default_region

    region = generate_default_region(seed=3, n_areas=10)
    prov = pd.DataFrame(
        [(a, "capacity_offtake_mw", "generated") for a in region.area_ids],
        columns=["area_id", "field", "source"],
    )
    split, prov2 = split_areas(region, prov, 20)  # 13 → 20 areas: 7 areas split
    assert split.n_areas == 20 and split.areas.index.is_unique
    pd.testing.assert_frame_equal(_totals(split), _totals(region))
    big = region.areas[region.areas.level == "dso"].capacity_offtake_mw.idxmax()
    halves = split.areas.loc[[big, f"{big} #2"]]
    assert halves.capacity_offtake_mw.sum() == pytest.approx(
        region.areas.at[big, "capacity_offtake_mw"], abs=0.01
    )
    assert halves.parent_id.nunique() == 1
    c0, c1 = region.components, split.components
    for col in ("count", "annual_mwh", "capacity_mw"):
        assert c1[col].astype(float).sum() == pytest.approx(c0[col].astype(float).sum())
    assert (prov2.source == f"{SPLIT} ({big})").any()
    write_region(split, tmp_path / "r")
    assert read_region(tmp_path / "r").n_areas == 20


@pytest.mark.realdata
def test_national_620_areas(shared_data: Path) -> None:
    from netruimte.region.national import build_national_region, capacity_map_files

    region, prov = build_national_region(capacity_map_files(shared_data / "capacity-map"))
    split, prov2 = split_areas(region, prov, 620)
    assert split.n_areas == 620
    pd.testing.assert_frame_equal(_totals(split), _totals(region))
    assert set(prov2.area_id) == set(split.areas.index)

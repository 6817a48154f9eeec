"""Realdata: importing the OpenSTEF example and substation series as measured area load."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netruimte.pipeline import compute
from netruimte.region.measured_load import read_measured_csv
from netruimte.scenario import Scenario

pytestmark = pytest.mark.realdata


def test_openstef_pid_file(shared_data: Path) -> None:
    m = read_measured_csv(shared_data / "substation-load" / "openstef-example" / "pid_287.csv")
    s = m.load_mw
    assert str(s.index.tz) == "UTC"
    assert s.index[0] == pd.Timestamp("2020-10-02 09:45", tz="UTC")
    assert (s.index.to_series().diff().dropna() == pd.Timedelta(minutes=15)).all()
    # the last ~2 days have no load: reported as a gap of empty values at the end
    assert m.gaps and m.gaps[-1].kind == "empty values"
    assert m.gaps[-1].end == s.index[-1] + pd.Timedelta(minutes=15)
    assert 150 <= sum(g.steps for g in m.gaps) <= 400


def test_substation_file(shared_data: Path) -> None:
    m = read_measured_csv(shared_data / "substation-load" / "substations" / "HAL.csv")
    assert len(m.load_mw) == 8832 or len(m.load_mw) >= 8832
    assert m.load_mw.notna().sum() >= 8800
    assert np.isfinite(m.load_mw.dropna()).all()


def test_measured_area_base_load_in_cube(shared_data: Path, small_region) -> None:
    region = small_region
    area = region.areas[region.areas.level == "dso"].index[0]
    m = read_measured_csv(shared_data / "substation-load" / "openstef-example" / "pid_307.csv")
    saved = dict(region.measured)
    region.measured = {}
    base = compute(region, Scenario(target_year=2026, growth={"path": "none"}), run_stages=False)
    region.measured = {area: m.load_mw}
    try:
        with_measured = compute(
            region, Scenario(target_year=2026, growth={"path": "none"}), run_stages=False
        )
    finally:
        region.measured = saved
    a = with_measured.cube.area_ids.index(area)
    cube = with_measured.cube.load_mw[0, :, a]
    # December (measured weeks) carries the measured level, not the modelled one
    axis = with_measured.cube.axis
    dec = (axis.month == 12) & (axis.day >= 7) & (axis.day <= 20)
    measured_dec = m.load_mw[(m.load_mw.index.month == 12)].mean()
    assert abs(cube[dec].mean() - measured_dec) < 0.25 * abs(measured_dec) + 0.2
    assert not np.allclose(cube, base.cube.load_mw[0, :, a])

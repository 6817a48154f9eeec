"""The monthly and day-ahead horizons in the main job (default region's measured area)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netruimte.flex.horizons import forecast_day, horizons_stage
from netruimte.progress import Silent


def test_forecast_day_is_the_first_day_issued_after_the_data() -> None:
    idx = pd.date_range("2026-12-01", "2026-12-14 23:45", freq="15min", tz="UTC")
    frame = pd.DataFrame({"load_mw": np.ones(len(idx))}, index=idx)
    assert forecast_day(frame) == pd.Timestamp("2026-12-15", tz="UTC")
    early = frame[frame.index < pd.Timestamp("2026-12-14 05:00", tz="UTC")]
    # last load before 06:00 on the 14th: D-1 06:00 must not be after the data → D = 14th
    assert forecast_day(early) == pd.Timestamp("2026-12-14", tz="UTC")


@pytest.mark.slow
def test_horizons_stage_on_the_default_region(default_run) -> None:
    horizons_stage(default_run, Silent())
    day = default_run.extra["flexradar_dayahead"]
    month = default_run.extra["flex_monthly_daily"]
    area = next(iter(default_run.region.meta.measured_load))
    assert set(day.area_id) == {area} and len(day) == 96
    q = day[[f"p{k}0_mw" for k in range(1, 10)]].to_numpy()
    assert (np.diff(q, axis=1) >= -1e-9).all()  # quantiles do not cross
    assert day.p_congestion.between(0, 1).all()
    # 30 UTC days from D; local dates may spill into a 31st
    assert (
        30 <= len(month) <= 31 and str(month.date_local.iloc[0]) == str(day.time_local.iloc[0])[:10]
    )
    assert default_run.sections[-1][0] == "Monthly and day-ahead horizons"

"""Monthly outlook: statistics by hand, and a small real run (shapes, determinism, no leakage)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netruimte.flex.forecast.data import MeasuredSeries
from netruimte.flex.forecast.monthly import (
    MonthlyConfig,
    WeatherOutlook,
    monthly_outlook,
    summarise_scenarios,
)


def test_summary_by_hand() -> None:
    axis = pd.date_range("2021-03-01 10:00", periods=8, freq="15min", tz="UTC")
    load = np.array(
        [
            [1, 5, 6, 1, 1, 7, 1, 1],  # two events: 0.5 h (1+2 MW), 0.25 h (3 MW)
            [1, 1, 1, 1, 1, 1, 1, 1],  # none
            [-9, -9, 1, 1, 1, 1, 1, 1],  # feed-in only: 0.5 h at 1 MW below -8
        ],
        dtype=np.float64,
    )
    out = summarise_scenarios(load, axis, capacity_mw=4.0, feedin_capacity_mw=8.0,
                              issue=axis[0] - pd.Timedelta(hours=18))
    off = out.summary.set_index("direction").loc["offtake"]
    assert off["p_any_congestion"] == pytest.approx(1 / 3)
    assert off["hours_mean"] == pytest.approx(0.75 / 3)
    assert off["events_mean"] == pytest.approx(2 / 3)
    assert off["mwh_mean"] == pytest.approx((1 + 2 + 3) * 0.25 / 3)
    assert off["peak_mw_p90"] == pytest.approx(np.percentile([3, 0, 0], 90))
    assert off["duration_h_p50"] == pytest.approx(0.375)  # events of 0.5 h and 0.25 h
    feed = out.summary.set_index("direction").loc["feedin"]
    assert feed["p_any_congestion"] == pytest.approx(1 / 3)
    assert feed["mwh_mean"] == pytest.approx(0.5 / 3)
    assert out.steps["p_congestion_offtake"].tolist()[:3] == pytest.approx([0, 1 / 3, 1 / 3])
    assert out.daily["p_congestion_day_offtake"].iloc[0] == pytest.approx(1 / 3)
    # 10:00-10:45 UTC is local hour 11 (CET): step probabilities 0, 1/3, 1/3, 0
    assert out.hourly.loc[11, "p_congestion_offtake"] == pytest.approx(1 / 6)
    assert out.hourly.loc[12, "p_congestion_offtake"] == pytest.approx(1 / 12)


SMALL = MonthlyConfig(n_scenarios=24, history_weeks=4, n_rounds=30)
START = pd.Timestamp("2021-09-01", tz="UTC")


@pytest.mark.realdata
def test_monthly_on_real_slice(hal_40days: MeasuredSeries) -> None:
    out = monthly_outlook(hal_40days, START, capacity_mw=5.0, feedin_capacity_mw=3.0, days=7,
                          config=SMALL)
    assert out.load_scenarios_mw.shape == (24, 7 * 96)
    assert set(out.summary["direction"]) == {"offtake", "feedin"}
    probs = out.steps[["p_congestion_offtake", "p_congestion_feedin"]].to_numpy()
    assert ((probs >= 0) & (probs <= 1)).all()
    assert (out.steps["p10_mw"] <= out.steps["p90_mw"]).all()
    assert len(out.daily) == 8  # 7 UTC days touch 8 local dates
    again = monthly_outlook(hal_40days, START, 5.0, 3.0, days=7, config=SMALL)
    np.testing.assert_array_equal(out.load_scenarios_mw, again.load_scenarios_mw)


@pytest.mark.realdata
def test_monthly_ignores_load_after_issue(hal_40days: MeasuredSeries) -> None:
    frame = hal_40days.frame.copy()
    issue = START - pd.Timedelta(hours=18)
    frame.loc[frame.index >= issue, "load_mw"] = 1e6
    poisoned = MeasuredSeries(frame=frame, meta=hal_40days.meta, source=hal_40days.source)
    a = monthly_outlook(hal_40days, START, 5.0, None, days=7, config=SMALL)
    b = monthly_outlook(poisoned, START, 5.0, None, days=7, config=SMALL)
    np.testing.assert_array_equal(a.load_scenarios_mw, b.load_scenarios_mw)


@pytest.mark.realdata
def test_outlook_moves_the_load(hal_40days: MeasuredSeries) -> None:
    """HAL is a wind area (net load falls as wind rises): a windier outlook lowers the load."""
    calm = monthly_outlook(hal_40days, START, 5.0, None, days=7, config=SMALL,
                           outlook=WeatherOutlook(wind_factor=0.7))
    windy = monthly_outlook(hal_40days, START, 5.0, None, days=7, config=SMALL,
                            outlook=WeatherOutlook(wind_factor=1.3))
    assert windy.load_scenarios_mw.mean() < calm.load_scenarios_mw.mean()

"""Day-ahead features: no load after the issue time (leakage), lags, calendar, weather shift."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netruimte.flex.forecast.data import MeasuredSeries, SeriesMeta
from netruimte.flex.forecast.features import (
    STEPS_PER_DAY,
    calendar_table,
    day_ahead_features,
    estimate_weather_shifts,
    issue_time,
    target_index,
    wind_power_fraction,
)


def _synthetic(days: int = 30, seed: int = 3, wind_lag_steps: int = 0) -> MeasuredSeries:
    """A synthetic area: daily cycle + wind generation reacting `wind_lag_steps` after the wind."""
    rng = np.random.default_rng(seed)
    idx = pd.date_range("2021-03-01", periods=days * STEPS_PER_DAY, freq="15min", tz="UTC")
    hours = idx.hour + idx.minute / 60
    wind = np.clip(8 + np.cumsum(rng.normal(0, 0.4, len(idx))) % 14, 0, 25)
    gen = 10 * wind_power_fraction(np.roll(wind, wind_lag_steps))
    load = 20 + 5 * np.sin(2 * np.pi * (hours - 6) / 24) - gen + rng.normal(0, 0.3, len(idx))
    frame = pd.DataFrame({"load_mw": load, "windspeed_100m": wind, "radiation": 0.0}, index=idx)
    frame.index.name = "time_utc"
    return MeasuredSeries(frame=frame, meta=SeriesMeta(name="synthetic"), source="synthetic")


def _poisoned_after(series: MeasuredSeries, moment: pd.Timestamp, value: float) -> pd.Series:
    load = series.frame["load_mw"].copy()
    load[load.index > moment] = value
    return load


def _assert_same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=True)


@pytest.mark.parametrize("poison", [1.0e6, np.nan, -3.0])
def test_no_load_after_issue_time_synthetic(poison: float) -> None:
    """Poison all load after D-1 06:00 UTC: the features of day D must not change."""
    series = _synthetic()
    for day in pd.date_range("2021-03-16", "2021-03-20", freq="D", tz="UTC"):
        days = pd.DatetimeIndex([day])
        clean = day_ahead_features(series, days)
        dirty = day_ahead_features(
            series, days, load_mw=_poisoned_after(series, issue_time(day), poison)
        )
        _assert_same(clean, dirty)


def test_poisoning_before_issue_time_is_detected() -> None:
    """The leakage test can fail: poisoning one step *at* the issue time changes features."""
    series = _synthetic()
    day = pd.Timestamp("2021-03-18", tz="UTC")
    clean = day_ahead_features(series, pd.DatetimeIndex([day]))
    dirty = day_ahead_features(
        series,
        pd.DatetimeIndex([day]),
        load_mw=_poisoned_after(series, issue_time(day) - pd.Timedelta(minutes=15), 1.0e6),
    )
    assert not clean.equals(dirty)
    assert (dirty["load_at_issue_mw"] == 1.0e6).all()


@pytest.mark.realdata
def test_no_load_after_issue_time_realdata(pid_full: MeasuredSeries) -> None:
    """Same poisoning on real data (pid_307), with the weather shift in use."""
    shifts = {"solar": 5, "wind": 14, "other": 3}
    for day in pd.DatetimeIndex(["2020-11-02", "2020-12-25", "2021-01-20"], tz="UTC"):
        days = pd.DatetimeIndex([day])
        clean = day_ahead_features(pid_full, days, weather_shift_steps=shifts)
        for poison in (9.9e5, np.nan):
            dirty = day_ahead_features(
                pid_full, days, weather_shift_steps=shifts,
                load_mw=_poisoned_after(pid_full, issue_time(day), poison),
            )
            _assert_same(clean, dirty)


def test_lags_by_hand() -> None:
    series = _synthetic()
    y = series.frame["load_mw"]
    day = pd.Timestamp("2021-03-20", tz="UTC")
    f = day_ahead_features(series, pd.DatetimeIndex([day]))
    t_early = day + pd.Timedelta(hours=5)  # 05:00 on D: D-1 05:00 is before the issue time
    t_late = day + pd.Timedelta(hours=12)  # 12:00 on D: D-1 12:00 is after it
    issue = issue_time(day)
    assert issue == pd.Timestamp("2021-03-19 06:00", tz="UTC")
    assert f.loc[t_early, "load_lag1d_mw"] == y[t_early - pd.Timedelta(days=1)]
    assert np.isnan(f.loc[t_late, "load_lag1d_mw"])
    assert f.loc[t_late, "load_lag2d_mw"] == y[t_late - pd.Timedelta(days=2)]
    assert f.loc[t_late, "load_lag7d_mw"] == y[t_late - pd.Timedelta(days=7)]
    assert f.loc[t_late, "load_at_issue_mw"] == y[issue]
    assert f.loc[t_late, "load_mean_24h_mw"] == pytest.approx(
        y[(y.index > issue - pd.Timedelta(days=1)) & (y.index <= issue)].mean()
    )
    week = [y[t_late - pd.Timedelta(days=k)] for k in range(2, 8)]
    assert f.loc[t_late, "load_lag_week_mean_mw"] == pytest.approx(np.mean(week))
    lead = f["lead_time_h"].to_numpy()
    assert lead.min() == 18.0 and lead.max() == 41.75


def test_target_index_and_calendar_dst() -> None:
    days = pd.DatetimeIndex(["2020-10-24", "2020-10-25"], tz="UTC")  # DST ends 25 Oct 01:00 UTC
    idx = target_index(days)
    assert len(idx) == 2 * STEPS_PER_DAY and str(idx.tz) == "UTC"
    cal = calendar_table(idx)
    # 00:00 UTC is 02:00 local in summer time (24 Oct) and 01:00 local on 25 Oct 00:00 UTC
    assert cal["tod_local_h"].iloc[0] == 2.0
    assert cal.loc[pd.Timestamp("2020-10-25 00:00", tz="UTC"), "tod_local_h"] == 2.0
    assert cal.loc[pd.Timestamp("2020-10-25 01:00", tz="UTC"), "tod_local_h"] == 2.0
    assert cal.loc[pd.Timestamp("2020-10-25 12:00", tz="UTC"), "tod_local_h"] == 13.0


def test_dutch_holidays_follow_the_local_date() -> None:
    idx = pd.DatetimeIndex(
        ["2020-12-24 22:45", "2020-12-24 23:00", "2021-04-27 10:00", "2021-04-28 10:00"], tz="UTC"
    )
    cal = calendar_table(idx)
    # 23:00 UTC on 24 Dec is 00:00 local on Christmas Day; King's Day is 27 April
    assert cal["is_holiday"].tolist() == [0.0, 1.0, 1.0, 0.0]
    assert cal["is_off_day"].iloc[2] == 1.0


def test_weather_shift_is_recovered() -> None:
    """Load that reacts to wind 14 quarter-hours late: the estimated shift is about 14."""
    series = _synthetic(days=40, wind_lag_steps=14)
    end = series.frame.index[-1]
    shifts = estimate_weather_shifts(series, end)
    assert abs(shifts["wind"] - 14) <= 1
    plain = estimate_weather_shifts(_synthetic(days=40, wind_lag_steps=0), end)
    assert abs(plain["wind"]) <= 1

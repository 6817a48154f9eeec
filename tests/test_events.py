"""Event extraction against hand-computed fixtures, including the year end and DST days."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from netruimte.congestion.events import events_from_cube, events_from_series
from netruimte.congestion.shortage import shortage_mw
from netruimte.flex.expectation import flex_expectation
from netruimte.timeaxis import year_axis


def test_two_events_hand_computed() -> None:
    s = np.array([[0, 2, 3, 0, 0, 1, 0, 0]], dtype=float)
    ev = events_from_series(s, step_h=0.25, wrap=False)
    assert ev.start.tolist() == [1, 5]
    assert ev.length.tolist() == [2, 1]
    assert ev.peak_mw.tolist() == [3.0, 1.0]
    assert ev.energy_mwh.tolist() == pytest.approx([(2 + 3) * 0.25, 0.25])
    assert ev.duration_h.tolist() == [0.5, 0.25]


def test_event_over_year_end_is_one_event_when_wrapping() -> None:
    # congested in the last two and the first three steps: one 5-step event starting at step 6
    s = np.array([[4, 5, 1, 0, 0, 0, 2, 3]], dtype=float)
    wrapped = events_from_series(s, step_h=0.25, wrap=True)
    assert len(wrapped) == 1
    assert wrapped.start.tolist() == [6]
    assert wrapped.length.tolist() == [5]
    assert wrapped.end.tolist() == [11]  # past the last step: carries into the next year
    assert wrapped.peak_mw.tolist() == [5.0]
    assert wrapped.energy_mwh.tolist() == pytest.approx([(4 + 5 + 1 + 2 + 3) * 0.25])
    open_ended = events_from_series(s, step_h=0.25, wrap=False)
    assert open_ended.start.tolist() == [0, 6]
    assert open_ended.length.tolist() == [3, 2]


def test_whole_year_congested_is_one_event() -> None:
    s = np.ones((1, 6))
    ev = events_from_series(s, wrap=True)
    assert len(ev) == 1 and ev.length.tolist() == [6] and ev.start.tolist() == [0]


def test_series_are_kept_apart() -> None:
    # series 0 ends congested, series 1 starts congested: must not join across series
    s = np.array([[0, 0, 1, 1], [1, 1, 0, 0]], dtype=float)
    ev = events_from_series(s, wrap=False)
    assert ev.series.tolist() == [0, 1]
    assert ev.start.tolist() == [2, 0]
    assert ev.length.tolist() == [2, 2]


def test_cube_path_equals_series_path() -> None:
    rng = np.random.default_rng(3)
    load = rng.normal(10, 3, size=(2, 500, 4)).astype(np.float32)
    cap = np.array([12.0, 14.0, np.inf, 9.0], dtype=np.float32)
    ev_cube, _ = events_from_cube(load, cap, "offtake")
    short = shortage_mw(load, cap, "offtake")  # (W, T, A)
    ev_series = events_from_series(np.transpose(short, (0, 2, 1)))  # series = w * A + a
    assert ev_cube.series.tolist() == ev_series.series.tolist()
    assert ev_cube.start.tolist() == ev_series.start.tolist()
    np.testing.assert_allclose(ev_cube.energy_mwh, ev_series.energy_mwh, rtol=1e-6)
    np.testing.assert_allclose(ev_cube.peak_mw, ev_series.peak_mw, rtol=1e-6)


def test_feedin_direction_uses_negative_load() -> None:
    load = np.array([[[0.0], [-12.0], [-15.0], [-5.0]]], dtype=np.float32)  # (1, 4, 1)
    ev, _ = events_from_cube(load, np.array([10.0], dtype=np.float32), "feedin", wrap=False)
    assert ev.start.tolist() == [1] and ev.length.tolist() == [2]
    assert ev.peak_mw.tolist() == [5.0]
    assert ev.energy_mwh.tolist() == pytest.approx([(2 + 5) * 0.25])


def _axis_year(year: int) -> pd.DatetimeIndex:
    return year_axis(year)


def test_dst_spring_day_event_duration_and_local_hours() -> None:
    """2030-03-31: clocks go 02:00 → 03:00 local. An event from 00:00 to 04:00 UTC lasts 4 h
    and in local time covers 01:00, then 03:00..05:59 (hour 02 does not exist)."""
    axis = _axis_year(2030)
    t0 = axis.get_loc(pd.Timestamp("2030-03-31 00:00", tz="UTC"))
    load = np.zeros((1, len(axis), 1), dtype=np.float32)
    load[0, t0 : t0 + 16, 0] = 11.0  # 4 hours, 1 MW over a 10 MW capacity
    fx = flex_expectation(load, np.array([10.0]), np.array([np.inf]), axis, ["A"], ("w",))
    row = fx.table[fx.table.direction == "offtake"].iloc[0]
    assert row.events_per_year_mean == 1
    assert row.hours_per_year_mean == pytest.approx(4.0)
    assert row.duration_h_max == pytest.approx(4.0)
    assert row.mwh_per_year_mean == pytest.approx(4.0)
    march = fx.heatmap_month_hour[0, 0, 2]
    assert march.sum() == pytest.approx(4.0)
    assert march[2] == 0.0  # 02:xx local does not exist on that day
    assert march[1] == pytest.approx(1.0) and march[3] == pytest.approx(1.0)
    assert march[5] == pytest.approx(1.0)


def test_dst_autumn_day_counts_the_repeated_hour_twice() -> None:
    """2030-10-27: 02:00-03:00 local happens twice (00:00-01:59 UTC)."""
    axis = _axis_year(2030)
    t0 = axis.get_loc(pd.Timestamp("2030-10-27 00:00", tz="UTC"))
    load = np.zeros((1, len(axis), 1), dtype=np.float32)
    load[0, t0 : t0 + 8, 0] = 12.0  # 2 hours UTC
    fx = flex_expectation(load, np.array([10.0]), np.array([np.inf]), axis, ["A"], ("w",))
    october = fx.heatmap_month_hour[0, 0, 9]
    assert october[2] == pytest.approx(2.0)  # both 02:xx local hours fall in hour 2
    assert fx.table.iloc[0].duration_h_max == pytest.approx(2.0)


def test_year_end_event_counted_in_its_start_month() -> None:
    axis = _axis_year(2030)
    n = len(axis)
    load = np.zeros((1, n, 1), dtype=np.float32)
    # from 22:00 UTC on 31 December (23:00 local) over the year end to 02:00 UTC on 1 January
    load[0, n - 8 :, 0] = 20.0
    load[0, :8, 0] = 20.0
    fx = flex_expectation(load, np.array([10.0]), np.array([np.inf]), axis, ["A"], ("w",))
    row = fx.table.iloc[0]
    assert row.events_per_year_mean == 1
    assert row.duration_h_max == pytest.approx(4.0)
    assert row.mwh_per_year_mean == pytest.approx(40.0)
    assert fx.events_per_month[0, 0, 11] == 1  # started in December (local)
    assert fx.events_per_month[0, 0, 0] == 0

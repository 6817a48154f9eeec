"""Flex expectation statistics against a hand-computed fixture, and their properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netruimte.flex.expectation import flex_expectation
from netruimte.timeaxis import year_axis

AXIS = year_axis(2030)
N = len(AXIS)


def _fixture() -> np.ndarray:
    """Two weather years, two areas (capacity 10 MW offtake, 5 MW feed-in).

    Year 0, area A: two events, 1 h at +2 MW and 2 h at +4 MW (12 MWh over 3 h).
    Year 1, area A: one event, 0.5 h at +6 MW (3 MWh).
    Area B: one feed-in event in year 1, 1 h at 3 MW below −5 MW (3 MWh).
    """
    load = np.zeros((2, N, 2), dtype=np.float32)
    load[0, 1000:1004, 0] = 12.0
    load[0, 5000:5008, 0] = 14.0
    load[1, 2000:2002, 0] = 16.0
    load[1, 3000:3004, 1] = -8.0
    return load


def test_hand_computed_statistics() -> None:
    fx = flex_expectation(
        _fixture(), np.array([10.0, 10.0]), np.array([5.0, 5.0]), AXIS, ["A", "B"], ("y0", "y1")
    )
    t = fx.table.set_index(["area_id", "direction"])
    a = t.loc[("A", "offtake")]
    assert a.events_per_year_mean == pytest.approx(1.5)  # 2 and 1
    assert a.events_per_year_p50 == pytest.approx(1.5)
    assert a.events_per_year_p90 == pytest.approx(1.9)  # linear between 1 and 2
    assert a.hours_per_year_mean == pytest.approx((3.0 + 0.5) / 2)
    assert a.mwh_per_year_mean == pytest.approx((2 * 1 + 4 * 2 + 6 * 0.5) / 2)
    assert a.duration_h_max == pytest.approx(2.0)
    assert a.duration_h_p50 == pytest.approx(1.0)  # durations 0.5, 1, 2
    assert a.mw_max == pytest.approx(6.0)
    assert a.peak_mw_mean == pytest.approx(5.0)  # annual max 4 and 6
    assert a.probability_any == pytest.approx(1.0)
    b = t.loc[("B", "feedin")]
    assert b.events_per_year_mean == pytest.approx(0.5)
    assert b.probability_any == pytest.approx(0.5)
    assert b.mwh_per_year_mean == pytest.approx(1.5)
    assert t.loc[("B", "offtake")].events_per_year_mean == 0
    assert t.loc[("A", "feedin")].hours_per_year_mean == 0


def test_heatmap_sums_to_event_hours() -> None:
    fx = flex_expectation(
        _fixture(), np.array([10.0, 10.0]), np.array([5.0, 5.0]), AXIS, ["A", "B"], ("y0", "y1")
    )
    t = fx.table.set_index(["area_id", "direction"])
    for a, area in enumerate(["A", "B"]):
        for d, direction in enumerate(["offtake", "feedin"]):
            hours = t.loc[(area, direction)].hours_per_year_mean
            assert fx.heatmap_month_hour[a, d].sum() == pytest.approx(hours)
            assert fx.heatmap_weekday_hour[a, d].sum() == pytest.approx(hours)
    long = fx.heatmap_frame()
    assert long.hours_per_year.sum() == pytest.approx(t.hours_per_year_mean.sum())


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**31 - 1), st.floats(0.5, 3.0))
def test_properties_on_random_cubes(seed: int, scale: float) -> None:
    rng = np.random.default_rng(seed)
    w, a = 3, 3
    base = 8 + 3 * np.sin(np.arange(N) * 2 * np.pi / 96)
    load = (base[None, :, None] + scale * rng.standard_normal((w, N, a))).astype(np.float32)
    fx = flex_expectation(
        load, np.full(a, 12.0), np.full(a, 0.0), AXIS, ["a", "b", "c"], ("1", "2", "3")
    )
    t = fx.table
    for stat in ("events_per_year", "hours_per_year", "mwh_per_year", "peak_mw"):
        assert (t[f"{stat}_p90"] >= t[f"{stat}_p50"] - 1e-9).all()
    assert (t.duration_h_p95 >= t.duration_h_p50 - 1e-9).all()
    assert (t.duration_h_max >= t.duration_h_p95 - 1e-9).all()
    assert (t.mw_max >= t.mw_p95 - 1e-9).all()
    sums = fx.heatmap_month_hour.sum(axis=(2, 3))
    np.testing.assert_allclose(sums.T.ravel(), t.hours_per_year_mean.to_numpy(), rtol=1e-9)
    np.testing.assert_allclose(
        fx.events_per_month.sum(axis=2).T.ravel(), t.events_per_year_mean.to_numpy(), rtol=1e-9
    )

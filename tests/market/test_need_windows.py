"""Windows on the cell grid equal a pandas quarter-hour reference; needs from shortage arrays."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from netruimte.market.need import Need, NeedBlock, derive_need, needs_from_cube
from netruimte.market.windows import Window, year_grid
from netruimte.timeaxis import year_axis

from .tender_reference import window_steps

YEAR = 2027


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 364),
    st.integers(0, 364),
    st.sampled_from(["all", "workday", "non-workday"]),
    st.integers(0, 23),
    st.integers(1, 24),
)
def test_window_cells_equal_pandas_steps(d0, d1, days, h0, h1):
    d0, d1 = min(d0, d1), max(d0, d1)
    if h0 == h1:
        h1 = 24 if h0 < 23 else 1
    w = Window(
        start=date(YEAR, 1, 1) + pd.Timedelta(days=d0),
        end=date(YEAR, 1, 1) + pd.Timedelta(days=d1),
        days=days,
        from_hour=h0,
        to_hour=h1,
    )
    grid = year_grid(YEAR)
    cells = grid.windows_cells([[w]])[0]
    assert np.array_equal(cells[grid.cell_of_step], window_steps(w, YEAR))


def test_dst_days_and_start_dates():
    grid = year_grid(YEAR)
    # 28 March 2027: 02:00 local does not exist; 31 October: 02:00 happens twice
    spring, autumn = grid.day_index(date(YEAR, 3, 28)), grid.day_index(date(YEAR, 10, 31))
    assert grid.steps_per_cell[spring * 24 + 2] == 0
    assert grid.steps_per_cell[autumn * 24 + 2] == 8
    assert grid.steps_per_cell.sum() == len(year_axis(YEAR))
    w = Window.parse("2027-03-28..2027-03-28 all 0-24")
    cells = grid.windows_cells([[w], [w]], [None, date(YEAR, 3, 29)])
    assert (cells[0][grid.cell_of_step]).sum() == 23 * 4
    assert not cells[1].any()
    assert grid.windows_cells([[]])[0].all()  # no windows: always


def test_window_text_round_trip_and_wrap():
    w = Window.parse(" 2027-11-01 .. 2027-12-31 workday 22-6 ")
    assert str(w) == "2027-11-01..2027-12-31 workday 22-6"
    assert Window.parse(str(w)) == w
    assert w.hours_mask().sum() == 8
    with pytest.raises(ValueError, match="not a window"):
        Window.parse("2027-11-01 to 2027-12-31")


def _axis_shortage():
    axis = year_axis(YEAR)
    local = axis.tz_convert("Europe/Amsterdam")
    s = np.zeros((2, len(axis)))
    evening = (local.hour >= 17) & (local.hour < 19)
    tue_jan = (local.month == 1) & (local.day == 5)
    tue_feb = (local.month == 2) & (local.day == 2)
    s[0, evening & tue_jan] = 3.0
    s[1, evening & tue_jan] = 4.0
    s[0, evening & tue_feb] = 4.0
    s[1, (local.month == 7) & (local.day == 4) & (local.hour == 12)] = 1.23  # a Sunday
    return axis, s


def test_derive_need_by_hand():
    axis, s = _axis_shortage()
    need = derive_need(s, axis, "A1", "offtake", ("cold", "mild"), design_years=[0, 1])
    by_window = {str(b.window): b for b in need.blocks}
    assert set(by_window) == {
        "2027-01-01..2027-02-28 workday 17-19",  # January and February: same 4 MW, merged
        "2027-07-01..2027-07-31 non-workday 12-13",
    }
    jf = by_window["2027-01-01..2027-02-28 workday 17-19"]
    assert jf.mw == 4.0
    assert jf.expected_hours_per_year == pytest.approx((2 + 2 + 2) / 2)
    assert jf.expected_mwh_per_year == pytest.approx((3 * 2 + 4 * 2 + 4 * 2) / 2)
    assert jf.activations_per_year == 2  # year 0: 5 January and 2 February
    assert jf.max_duration_h == 2.0
    jul = by_window["2027-07-01..2027-07-31 non-workday 12-13"]
    assert jul.mw == pytest.approx(1.3)  # 1.23 rounded up to 0.1 MW
    assert need.max_activations_per_year == 2
    assert need.max_duration_h == 2.0
    only_cold = derive_need(s, axis, "A1", "offtake", ("cold", "mild"), design_years=[0])
    assert {str(b.window): b.mw for b in only_cold.blocks} == {
        "2027-01-01..2027-01-31 workday 17-19": 3.0,
        "2027-02-01..2027-02-28 workday 17-19": 4.0,
    }


def test_need_validation():
    blk = NeedBlock(window=Window.parse("2027-01-01..2027-01-31 all 17-20"), mw=1)
    with pytest.raises(ValidationError, match="blocks 0 and 1 overlap"):
        Need(
            area_id="A",
            direction="offtake",
            year=YEAR,
            blocks=[
                blk,
                NeedBlock(window=Window.parse("2027-01-15..2027-02-15 workday 19-21"), mw=2),
            ],
        )
    with pytest.raises(ValidationError, match="outside the delivery year 2028"):
        Need(area_id="A", direction="offtake", year=2028, blocks=[blk])
    with pytest.raises(ValidationError):
        Need(area_id="A", direction="offtake", year=YEAR, reliability=0, blocks=[blk])


def test_needs_from_default_region_cover_every_shortage_step(default_core):
    """Every congested quarter-hour of a design year lies in a block with enough MW."""
    r = default_core
    cube = r.cube
    needs = needs_from_cube(
        cube.load_mw,
        r.region.capacity_mw("offtake"),
        r.region.capacity_mw("feedin"),
        cube.axis,
        cube.area_ids,
        cube.weather_labels,
    )
    assert len(needs) >= 5
    fx = r.flex.table
    congested = fx[fx.events_per_year_mean > 0]
    assert {(n.area_id, n.direction) for n in needs} == set(
        zip(congested.area_id, congested.direction, strict=True)
    )
    from netruimte.congestion.shortage import shortage_mw

    for need in needs[:6]:
        a = cube.area_ids.index(need.area_id)
        cap = r.region.capacity_mw(need.direction)[a]
        s = shortage_mw(cube.load_mw[:, :, a].astype(float), np.asarray(cap), need.direction)
        level = np.zeros(s.shape[1])
        for b in need.blocks:
            level[window_steps(b.window, YEAR)] = b.mw
        assert (s.max(axis=0) <= level + 1e-6).all()
        assert need.peak_mw == pytest.approx(float(np.ceil(s.max() * 10 - 1e-9) / 10))
        hours = (s > 0).sum() * 0.25 / s.shape[0]
        assert need.expected_hours_per_year == pytest.approx(hours, abs=1e-3)

"""Flex as the norm: water-filled smart charging and CSC batteries never worsen the peak."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from measures.tiny import AXIS, T, TinyLib, picture, region
from netruimte.measures import flex_norm
from netruimte.measures.params import FlexNorm
from netruimte.scenario import Scenario
from netruimte.timeaxis import STEPS_PER_DAY, local_calendar


def test_water_level_by_hand() -> None:
    base = np.array([[1.0, 2.0, 4.0]])
    # lifting 1 → 2 costs 1; the last 1 lifts both to 2.5
    assert flex_norm.water_level(base, np.array([2.0]))[0] == pytest.approx(2.5)
    assert flex_norm.water_level(base, np.array([0.0]))[0] == pytest.approx(1.0)
    assert flex_norm.water_level(base, np.array([5.0]))[0] == pytest.approx(4.0)
    padded = np.array([[1.0, 2.0, flex_norm.PAD]])
    assert flex_norm.water_level(padded, np.array([2.0]))[0] == pytest.approx(2.5)


def _ev_picture(load: np.ndarray, ev_count: float = 10.0, battery_mw: float = 0.0):
    hour = local_calendar(AXIS).hour
    ev = np.where((hour >= 17) & (hour < 21), 0.1, 0.0)[None, :].astype(np.float32)
    batt = np.where((hour >= 17) & (hour < 20), 0.8, -0.2)[None, :].astype(np.float32)
    lib = TinyLib(asset={"ev_charge_points": ev, "batteries": batt})
    comps = [{"area_id": "X", "asset_class": "ev_charge_points", "count": ev_count}]
    if battery_mw:
        comps.append({"area_id": "X", "asset_class": "batteries", "capacity_mw": battery_mw})
    reg = region([], components=comps, cap_off=7.0, cap_feed=5.0)
    own = load + ev_count * ev + battery_mw * batt
    return picture(reg, own.astype(np.float32), Scenario(growth={"path": "none"}), lib)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(2, 6), min_size=T // 8, max_size=T // 8), st.floats(0, 1))
def test_smart_charging_never_raises_the_peak_nor_deepens_the_trough(values, share) -> None:
    load = np.repeat(np.array(values, dtype=np.float32), 8)[None, :]
    pic = _ev_picture(load)
    delta = flex_norm.smart_charging_delta(pic, share, 16, 8)
    if delta is None:  # nothing to shift
        assert share == 0
        return
    before, after = pic.load_mw[0, :, 0], pic.load_mw[0, :, 0] + delta[0, :, 0]
    assert after.max() <= before.max() + 1e-4
    assert after.min() >= before.min() - 1e-4
    sessions = flex_norm.prognosis.session_index(pic.calendar, 16, 8)
    for s in np.unique(sessions[sessions >= 0]):
        sel = sessions == s
        assert after[sel].sum() == pytest.approx(before[sel].sum(), abs=1e-3)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.floats(1, 8), min_size=T // 4, max_size=T // 4))
def test_csc_battery_keeps_each_day_within_the_range_without_it(values) -> None:
    base = np.repeat(np.array(values, dtype=np.float32), 4)[None, :]
    pic = _ev_picture(base, ev_count=0.0, battery_mw=1.0)
    delta, mwh = flex_norm.battery_csc_delta(pic, FlexNorm())
    without = base[0]  # the area's load without the battery
    with_csc = pic.load_mw[0, :, 0] + delta[0, :, 0]
    for d in range(T // STEPS_PER_DAY):
        day = slice(d * STEPS_PER_DAY, (d + 1) * STEPS_PER_DAY)
        assert with_csc[day].max() <= without[day].max() + 1e-4
        assert with_csc[day].min() >= without[day].min() - 1e-4
    assert (mwh >= 0).all()


def test_csc_battery_relieves_a_shortage() -> None:
    base = np.full((1, T), 6.0, dtype=np.float32)
    base[0, 72:76] = 7.5  # 0.5 MW over the 7 MW capacity for one hour each... on day 1
    pic = _ev_picture(base, ev_count=0.0, battery_mw=1.0)
    delta, mwh = flex_norm.battery_csc_delta(pic, FlexNorm())
    merchant = pic.load_mw[0, :, 0]
    after = merchant + delta[0, :, 0]
    short = lambda x: np.maximum(x - 7.0, 0).sum()  # noqa: E731
    assert short(after) < short(base[0]) <= short(merchant)
    assert mwh[0] > 0  # redispatched energy is counted (and paid)


def test_flex_norm_never_increases_the_shortage() -> None:
    rng = np.random.default_rng(3)
    base = (5.5 + 1.5 * rng.random((1, T))).astype(np.float32)
    pic = _ev_picture(base, ev_count=10.0, battery_mw=1.0)
    after = flex_norm.apply(pic, FlexNorm())
    cap = 7.0
    assert np.maximum(after.load_mw - cap, 0).sum() <= np.maximum(pic.load_mw - cap, 0).sum()
    assert "csc" in after.offer
    assert after.extra_cost_eur["csc_batteries"][0] > 0

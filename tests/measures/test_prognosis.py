"""Prognoses: growth paths per class and year, flex in the profiles, the area quickscan."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from measures.tiny import AXIS, T, TinyLib, flat_load, picture, region
from netruimte.measures import prognosis
from netruimte.measures.framework import measure_function
from netruimte.measures.params import Measures, Prognosis, Window
from netruimte.region.schema import ASSET_CLASSES
from netruimte.scenario import GROWTH_PATHS, Scenario
from netruimte.timeaxis import local_calendar


def test_growth_paths_2026_to_2035() -> None:
    table = prognosis.growth_paths()
    assert set(table.path) == {"investment", "kev"}
    assert set(table.year) == set(range(2026, 2036))
    assert set(table.asset_class) == set(ASSET_CLASSES)
    wide = table.pivot_table(index=["asset_class", "year"], columns="path", values="factor")
    assert (wide["kev"] <= wide["investment"] + 1e-12).all()  # KEV/VT grows slower
    for path in ("investment", "kev"):
        for cls, rate in GROWTH_PATHS[path].items():  # 2027 equals the foundation's path
            assert prognosis.growth_factor(path, cls, 2026, 2027) == pytest.approx(1 + rate)
        f = table[(table.path == path)].sort_values("year").groupby("asset_class").factor
        assert f.apply(lambda s: bool(np.all(np.diff(s.to_numpy()) >= 0))).all()
    # EV on the investment path: 18% in 2027 tapering linearly to 10% in 2035
    assert prognosis.yearly_rate("investment", "ev_charge_points", 2031) == pytest.approx(0.14)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 10), min_size=T, max_size=T),
    st.floats(0, 1),
)
def test_shifting_conserves_energy_per_session(values, share) -> None:
    shape = np.array(values, dtype=np.float64)[None, :]
    cal = local_calendar(AXIS)
    session = prognosis.session_index(cal, 16, 8)
    night = Window(hours=[(22, 7)]).mask(cal)
    out = prognosis.shift_into_window(shape, share, session, night)
    for s in np.unique(session):
        sel = session == s
        assert out[0, sel].sum() == pytest.approx(shape[0, sel].sum(), rel=1e-9, abs=1e-9)
    # energy only leaves non-night steps of sessions and only arrives at night
    has_night = np.isin(session, np.unique(session[night & (session >= 0)])) & (session >= 0)
    moved = has_night & ~night
    np.testing.assert_allclose(out[0, moved], (1 - share) * shape[0, moved], atol=1e-9)
    np.testing.assert_allclose(out[0, session < 0], shape[0, session < 0])


def test_smart_share_by_year_and_request_peaks() -> None:
    assert prognosis.smart_share(2026) == pytest.approx(0.15)
    assert prognosis.smart_share(2028) == pytest.approx(0.25)
    assert prognosis.smart_share(2035) == pytest.approx(0.55)
    hour = local_calendar(AXIS).hour
    ev = np.where((hour >= 17) & (hour < 21), 1.0, 0.0)[None, :].astype(np.float32)
    lib = TinyLib(asset={"ev_charge_points": ev}, request={"ev_charging": ev.copy()})
    reg = region([], components=[{"area_id": "X", "asset_class": "ev_charge_points", "count": 3}])
    pic = picture(reg, flat_load(5.0), Scenario(growth={"path": "none"}), lib)
    after = prognosis.apply(pic, Prognosis(smart_charging_share=0.5, request_peak_factor=0.8))
    new_ev = after.class_shapes["ev_charge_points"][0]
    evening = (hour >= 17) & (hour < 21)
    np.testing.assert_allclose(new_ev[evening], 0.5)  # half of each evening moved to the night
    night = (hour >= 22) | (hour < 7)
    later = np.arange(T) >= 96  # the first morning belongs to a session before the axis
    assert (new_ev[night & later] > 0).all() and (new_ev[~night & ~evening] == 0).all()
    assert new_ev.sum() == pytest.approx(ev.sum(), rel=1e-6)
    assert after.request_shape("flat", "offtake").max() == pytest.approx(0.8)
    np.testing.assert_allclose(after.request_shape("ev_charging", "offtake")[0, evening], 0.4)
    expected = 3 * (new_ev - ev[0])[None, :, None]
    np.testing.assert_allclose(after.load_mw - pic.load_mw, expected, atol=1e-5)


def test_quickscan_by_hand() -> None:
    reg = region([], tso_cap=7.5)
    pic = picture(reg, flat_load(6.0))  # X: cap 10, TSO: cap 7.5, both carry 6 MW
    h, binding = prognosis.headroom_mw(pic, "X")
    assert h == pytest.approx(1.5, abs=0.01) and binding == "TSO"
    scan = prognosis.quickscan(
        pic, "X", request={"mw": 1.0, "profile_class": "flat", "direction": "offtake"}
    )
    assert scan["headroom_mw_before"] == pytest.approx(1.5, abs=0.01)
    assert scan["change_mw"] == pytest.approx(-1.0, abs=0.02)
    flex = [
        {"asset_id": "f", "area_id": "TSO", "direction": "offtake", "mw": 1.0, "contracted": False}
    ]
    reg2 = region([], flex, tso_cap=7.5)
    pic2 = picture(reg2, flat_load(6.0))
    booked = prognosis.quickscan(
        pic2, "X", measure=measure_function("risk_appetite.expected_flex", Measures())
    )
    assert booked["change_mw"] == pytest.approx(1.0, abs=0.02)  # flex covers 1 MW more

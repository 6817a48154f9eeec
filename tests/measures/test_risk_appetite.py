"""Risk appetite: a hand-computed case for each of the five options."""

from __future__ import annotations

import numpy as np
import pytest

from measures.tiny import T, TinyLib, flat_load, picture, region
from netruimte.measures import framework
from netruimte.measures.params import Measures
from netruimte.scenario import Scenario

M = Measures()


def _eval(pic, names, measures=M):
    return framework.evaluate(pic, names, measures, reasons=True)


def test_design_weather_typical_admits_more_and_counts_the_cold_year() -> None:
    reg = region([{"request_id": "r", "mw": 0.8}])
    load = np.stack([flat_load(9.0, peak_mw=9.5, peak=(72, 76))[0], flat_load(9.0)[0]])
    pic = picture(reg, load)  # year 0 is "cold (1987-like)", year 1 "typical (1997-like)"
    base = _eval(pic, [])
    assert base.admission.outcome.tolist() == ["waiting"]  # 9.5 + 0.8 > 10 in the cold year
    ev = _eval(pic, ["risk_appetite.design_weather"])
    assert ev.admission.outcome.tolist() == ["admitted"]
    assert framework.apply_set(pic, ["risk_appetite.design_weather"], M).design_years == (1,)
    # reliability over both years: 0.3 MW short for 1 h in the cold year → 0.15 MWh/yr
    assert ev.total["eens_mwh"] == pytest.approx(0.15, abs=1e-4)
    assert ev.total["eens_hours"] == pytest.approx(0.5)
    assert base.total["eens_mwh"] == pytest.approx(0.0)


def test_time_of_use_moves_a_share_of_the_peak_energy_to_off_peak() -> None:
    from measures.tiny import AXIS
    from netruimte.timeaxis import local_calendar

    hour = local_calendar(AXIS).hour
    shape = np.where((hour >= 16) & (hour < 20), 1.0, 0.0)[None, :].astype(np.float32)
    lib = TinyLib(asset={"households": shape})
    reg = region([], components=[{"area_id": "X", "asset_class": "households", "count": 2}])
    pic = picture(reg, flat_load(5.0), Scenario(growth={"path": "none"}), lib)
    after = framework.apply_set(pic, ["risk_appetite.time_of_use"], M)
    delta = (after.load_mw - pic.load_mw)[0, :, 0]
    # the household load itself sits in `q × shape`, 2 MW in the peak; the picture's load
    # changes by q × Δshape: −0.1 × 2 MW in the peak window, +3.2 MW·steps / 40 steps off-peak
    day2 = slice(96, 192)
    peak_steps = np.flatnonzero((hour[day2] >= 16) & (hour[day2] < 20)) + 96
    off_steps = np.flatnonzero((hour[day2] < 6) | ((hour[day2] >= 11) & (hour[day2] < 15))) + 96
    np.testing.assert_allclose(delta[peak_steps], -0.2, atol=1e-6)
    # local day 2 runs 23:00–23:00 UTC; its first off-peak hour is on the UTC day before
    day_local = local_calendar(AXIS).local_date_index
    on_day = np.flatnonzero(day_local == 1)
    moved_in = delta[on_day][delta[on_day] > 0]
    assert len(moved_in) == 40
    np.testing.assert_allclose(moved_in, 0.2 * 16 / 40, atol=1e-6)
    assert abs(delta[on_day].sum()) < 1e-5  # energy conserved per local day
    assert len(off_steps) > 0


def test_expected_flex_is_booked_with_its_share() -> None:
    flex = [
        {"asset_id": "f", "area_id": "X", "direction": "offtake", "mw": 1.0, "contracted": False}
    ]
    reg = region([{"request_id": "r", "mw": 1.0}], flex)
    pic = picture(reg, flat_load(8.0, peak_mw=9.5))  # 0.5 MW short for 1 h with the request
    assert _eval(pic, []).admission.outcome.tolist() == ["waiting"]
    assert _eval(pic, ["risk_appetite.expected_flex"]).admission.outcome.tolist() == ["admitted"]
    low = Measures.model_validate({"risk_appetite": {"expected_flex": {"share": 0.4}}})
    booked = framework.apply_set(pic, ["risk_appetite.expected_flex"], low)
    assert booked.flex.mw[0, 0] == pytest.approx(0.4)
    assert _eval(pic, ["risk_appetite.expected_flex"], low).admission.outcome.tolist() == [
        "waiting"
    ]


def test_kev_growth_requantifies_from_the_base_year() -> None:
    shape = np.full((1, T), 0.01, dtype=np.float32)  # 10 kW per household
    lib = TinyLib(asset={"households": shape})
    reg = region([], components=[{"area_id": "X", "asset_class": "households", "count": 100}])
    pic = picture(reg, flat_load(5.0), Scenario(target_year=2027), lib)
    c = pic.class_index("households")
    assert pic.quantities[c, 0] == pytest.approx(100 * 1.008)  # investment path, one year
    after = framework.apply_set(pic, ["risk_appetite.kev_growth"], M)
    assert after.quantities[c, 0] == pytest.approx(100 * 1.005)  # KEV path
    np.testing.assert_allclose(after.load_mw - pic.load_mw, 0.01 * (100.5 - 100.8), atol=1e-6)


def test_emergency_curtailment_within_its_share_and_calls() -> None:
    reg = region([{"request_id": "r", "mw": 0.8}])
    pic = picture(reg, flat_load(9.0, peak_mw=9.8, peak=(72, 76)))  # +0.8 → 0.6 MW short, 1 h
    assert _eval(pic, []).admission.outcome.tolist() == ["waiting"]
    ev = _eval(pic, ["risk_appetite.emergency_curtailment"])  # 10% of 10.6 MW ≥ 0.6 MW
    assert ev.admission.outcome.tolist() == ["admitted"]
    assert ev.total["emergency_calls"] == pytest.approx(1.0)
    assert ev.total["emergency_mwh"] == pytest.approx(0.6, abs=1e-4)
    assert ev.total["eens_mwh"] == pytest.approx(0.6, abs=1e-4)  # curtailed energy is unserved
    none = Measures.model_validate(
        {"risk_appetite": {"emergency_curtailment": {"max_calls_per_year": 0}}}
    )
    out = _eval(pic, ["risk_appetite.emergency_curtailment"], none).admission
    assert out.outcome.tolist() == ["waiting"]
    assert "emergency curtailment 1 calls/yr (accepted 0)" in out.reason.iloc[0]
    small = Measures.model_validate({"risk_appetite": {"emergency_curtailment": {"share": 0.05}}})
    assert _eval(
        pic, ["risk_appetite.emergency_curtailment"], small
    ).admission.outcome.tolist() == ["waiting"]  # 5% of 10.6 = 0.53 MW < 0.6 MW

"""Contract types as rules on a connection's profile: hand-computed cases and properties."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from measures.tiny import AXIS, flat_load, picture, region
from netruimte.errors import InputError
from netruimte.measures.contracts import (
    apply_contract,
    check_tbtr_blocks,
    compare_contracts,
    limited_hours_per_year,
    window_keep,
)
from netruimte.measures.params import ContractTerms, Window
from netruimte.timeaxis import local_calendar, year_axis

N = 96  # one day of quarter-hours is the "year" here: 24 h, 15% = 3.6 h
STEPS = np.arange(8)
P = np.full(8, 2.0)
ROOM = np.array([3.0, 1.0, 0.0, -1.0, 2.0, 2.0, 2.0, 2.0])


def rule(contract, terms=None, **kw):
    return apply_contract(
        contract, STEPS, P, ROOM, n_steps=N, n_years=1, terms=terms or ContractTerms(), **kw
    )


def test_firm_keeps_the_whole_profile() -> None:
    r = rule("firm")
    np.testing.assert_array_equal(r.firm_mw, P)
    assert r.fits and r.needs_firm_check


def test_tdtr_limits_to_the_room_in_few_hours() -> None:
    r = rule("tdtr", flexible_mw=2.0)
    np.testing.assert_array_equal(r.firm_mw, [2, 1, 0, 0, 2, 2, 2, 2])
    assert r.limited_hours_per_year == 1.0  # steps 1–3 are in clock hour 0
    assert r.fits
    short = rule("tdtr", flexible_mw=1.0)
    assert not short.fits and short.why == "cut 2.00 MW > 1.00 MW flexible"
    hours = ContractTerms(acceptance="hours", tdtr_max_limited_share=0.02)  # 0.48 h allowed
    assert rule("tdtr", hours).why == "limited 1 h/yr > 0 allowed"


def test_non_firm_has_no_firm_part() -> None:
    r = rule("non_firm", flexible_mw=2.0)
    np.testing.assert_array_equal(r.firm_mw, np.zeros(8))
    assert r.fits and r.limited_hours_per_year == 1.0
    by_hours = ContractTerms(acceptance="hours", user_max_limited_share=0.01)
    assert rule("non_firm", by_hours).why == "limited 1 h/yr > 0 accepted"


def test_cbc_a_counts_day_ahead_calls() -> None:
    day = np.zeros(N, dtype=np.int64)
    r = rule("cbc_a", local_day=day, flexible_mw=2.0)
    assert r.limited_days_per_year == 1.0 and r.fits
    none = ContractTerms(cbc_a_max_calls_per_year=0)
    assert rule("cbc_a", none, local_day=day, flexible_mw=2.0).why == "1 calls/yr > 0"


def test_csc_needs_enough_controllable_mw() -> None:
    assert rule("csc", steerable_mw=2.0).fits
    r = rule("csc", steerable_mw=1.5)
    assert not r.fits and r.why == "steering 2.00 MW needed > 1.50 MW controllable"
    assert rule("csc").why == "not steerable (no controllable MW)"


def test_window_contracts_follow_local_time() -> None:
    cal = local_calendar(AXIS)  # Monday 4 January 2027 is a workday; local = UTC+1
    terms = ContractTerms(acceptance="hours")
    keep = window_keep("tbtr", "offtake", terms, cal)
    # restricted 16:00–20:00 local = steps 60..75 UTC on the Monday
    assert keep[59] == 1.0 and keep[60] == 0.0 and keep[75] == 0.0 and keep[76] == 1.0
    assert (keep == 0).sum() == 4 * 16  # four workdays
    flex = window_keep("tbtr", "offtake", ContractTerms(), cal, flexible_share=0.25)
    assert flex[60] == 0.75  # the user gives up its flexible quarter in the block
    cbc = window_keep(
        "cbc_t", "offtake", ContractTerms(cbc_t_limit_share=0.4, acceptance="hours"), cal
    )
    # January workdays 07–09 and 16–20 local: steps 24..31 and 60..75 UTC
    assert cbc[24] == 0.4 and cbc[23] == 1.0 and cbc[60] == 0.4
    r = apply_contract(
        "tbtr",
        np.arange(96),
        np.full(96, 2.0),
        np.zeros(96),
        n_steps=len(AXIS),
        n_years=1,
        terms=terms,
        keep=keep,
    )
    assert r.limited_hours_per_year == 4.0 and r.needs_firm_check


def test_tbtr_blocks_must_leave_85_percent_firm() -> None:
    cal = local_calendar(year_axis(2027))
    wide = ContractTerms(tbtr_restricted={"offtake": Window(hours=[(8, 20)])})
    with pytest.raises(InputError, match="at most 15%"):
        check_tbtr_blocks(wide, cal)
    check_tbtr_blocks(ContractTerms(), cal)  # the default blocks are fine


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 5), min_size=96, max_size=96),
    st.lists(st.floats(-3, 6), min_size=96, max_size=96),
)
def test_tdtr_never_limits_more_than_15_percent_of_hours(profile, room) -> None:
    p, r = np.array(profile), np.array(room)
    res = apply_contract(
        "tdtr",
        np.arange(96),
        p,
        r,
        n_steps=96,
        n_years=1,
        terms=ContractTerms(),
        flexible_mw=10.0,
    )
    limited = np.flatnonzero(res.firm_mw < p - 1e-6)
    assert res.limited_hours_per_year == limited_hours_per_year(limited, 96, 1)
    if res.fits:
        assert res.limited_hours_per_year <= 0.15 * 24 + 1e-9
    # the firm part never exceeds the profile, nor the room where it is limited
    assert (res.firm_mw <= p + 1e-9).all()
    lim = res.firm_mw < p - 1e-6
    assert (res.firm_mw[lim] <= np.maximum(r[lim], 0) + 1e-9).all()


def test_engine_tdtr_admissions_stay_within_15_percent(small_region) -> None:
    from netruimte.pipeline import design_year_indices
    from netruimte.profiles.library import build_library
    from netruimte.profiles.weather_source import region_weather
    from netruimte.prognosis.cube import build_cube
    from netruimte.queue.admission import admit_queue
    from netruimte.queue.policy import QueuePolicy
    from netruimte.scenario import Scenario
    from netruimte.timeaxis import year_axis

    scen = Scenario(
        queue=QueuePolicy(offer=["tdtr", "non_firm"]),
    )
    weather = region_weather(small_region, year_axis(2027), [])
    lib = build_library(weather, small_region.meta.latitude, small_region.meta.longitude)
    cb = build_cube(small_region, scen, lib)
    out = admit_queue(small_region, scen, cb, lib, design_year_indices(scen, cb.weather_labels))
    tdtr = out[out.contract == "tdtr"]
    assert len(tdtr) > 0
    assert (tdtr.limited_hours_per_year <= 0.15 * 8760 + 1e-9).all()


def test_compare_contracts_by_hand() -> None:
    reg = region([])
    pic = picture(reg, flat_load(6.0))  # cap 10 → 4 MW of firm headroom all the time
    small = compare_contracts(
        pic, {"area_id": "X", "mw": 3.0, "direction": "offtake", "flexible_share": 0.5}
    ).set_index("contract")
    assert small.loc["firm", "fits_requested_mw"]
    assert small.loc["firm", "mw_admissible_now"] == pytest.approx(3.0)
    # 3 MW × 96 h = 288 MWh at 120 €/MWh, tariff 40 €/kW/yr × 3,000 kW
    assert small.loc["firm", "business_case_eur_per_yr"] == pytest.approx(288 * 120 - 120_000)
    big = compare_contracts(
        pic, {"area_id": "X", "mw": 5.0, "direction": "offtake", "flexible_share": 0.5}
    ).set_index("contract")
    assert not big.loc["firm", "fits_requested_mw"]
    assert big.loc["firm", "mw_admissible_now"] == pytest.approx(4.0, abs=0.01)
    assert not big.loc["tdtr", "fits_requested_mw"]  # 1 MW cut in every hour: 96 h > 14.4 h
    assert big.loc["tdtr", "mw_admissible_now"] == pytest.approx(4.0, abs=0.01)
    assert big.loc["non_firm", "discount_eur_per_yr"] == pytest.approx(0.65 * 40_000 * 5.0)
    assert not big.loc["csc", "fits_requested_mw"]

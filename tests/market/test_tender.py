"""Tender clearing: hand-computed cases, tie-breaks, eligibility, reliability, partial needs."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from netruimte.market.bids import parse_bids
from netruimte.market.need import Need, NeedBlock
from netruimte.market.tender import clear_tender
from netruimte.market.windows import Window

from .market_cases import (
    YEAR,
    make_bid,
    winter_need,
)

JAN = "2027-01-01..2027-01-31 workday 16-21"
FEB = "2027-02-01..2027-02-28 all 17-19"


def _free(**kw):
    return {"activation_eur_per_mwh": 0.0, **kw}


def test_hand_computed_optimum(need):
    bids = [
        make_bid("all", mw=10, availability_eur_per_mw_yr=20000, **_free()),
        make_bid("jan", mw=10, windows=JAN, availability_eur_per_mw_yr=5000, **_free()),
        make_bid("feb", mw=6, windows=FEB, availability_eur_per_mw_yr=4000, **_free()),
        make_bid("feb_big", mw=8, windows=FEB, availability_eur_per_mw_yr=2000, **_free()),
    ]
    r = clear_tender(need, bids)
    acc = {o.bid_id: o.accepted_mw for o in r.outcomes if o.status == "accepted"}
    assert acc == {"jan": 10.0, "feb_big": 8.0}
    assert r.total_cost_eur_per_yr == pytest.approx(50000 + 16000)
    assert r.status == "optimal"
    assert r.reliability_achieved == [1.0]
    assert all(b.covered for b in r.blocks)


def test_cost_components_by_hand(need):
    # jan bid serves the whole January block: 150 MWh / 10 MW = 15 MWh per MW accepted
    bids = [
        make_bid(
            "jan",
            mw=10,
            windows=JAN,
            availability_eur_per_mw_yr=5000,
            activation_eur_per_mwh=200,
            co2_kg_per_mwh=500,
        ),
        make_bid(
            "feb", mw=6, windows=FEB, availability_eur_per_mw_yr=1000, activation_eur_per_mwh=0
        ),
    ]
    r = clear_tender(need, bids, co2_eur_per_t=100)
    jan = next(o for o in r.outcomes if o.bid_id == "jan")
    assert jan.activation_mwh_per_mw_yr == pytest.approx(15.0)
    assert jan.activation_eur_per_mw_yr == pytest.approx(15 * 200)
    assert jan.co2_t_per_mw_yr == pytest.approx(15 * 0.5)
    assert jan.co2_eur_per_mw_yr == pytest.approx(15 * 0.5 * 100)
    assert jan.cost_eur_per_mw_yr == pytest.approx(5000 + 3000 + 750)
    assert jan.served_hours_per_yr == pytest.approx(30.0)
    assert jan.score_eur_per_mwh == pytest.approx(8750 / 30)
    assert r.total_cost_eur_per_yr == pytest.approx(10 * 8750 + 6 * 1000)
    assert r.co2_t_per_yr == pytest.approx(75.0)


def test_partial_window_serves_a_share_of_the_block(need):
    # 16-21 on January workdays covers the 17-20 block fully; 18-21 only 2 of its 3 hours
    bids = [make_bid("late", mw=10, windows="2027-01-01..2027-01-31 workday 18-21")]
    r = clear_tender(need, bids)
    late = r.outcomes[0]
    assert late.served_hours_per_yr == pytest.approx(30.0 * 2 / 3)
    assert r.status == "partial"  # no bid covers 17-18 in January nor February
    assert not any(b.covered for b in r.blocks)


def test_start_date_prorates_availability_and_removes_january(need):
    bids = [
        make_bid(
            "feb_only",
            mw=10,
            start_date=date(YEAR, 2, 1),
            availability_eur_per_mw_yr=3650,
            **_free(),
        ),
        make_bid("jan", mw=10, windows=JAN, availability_eur_per_mw_yr=9000, **_free()),
    ]
    r = clear_tender(need, bids)
    feb_only = next(o for o in r.outcomes if o.bid_id == "feb_only")
    assert feb_only.availability_eur_per_mw_yr == pytest.approx(3650 * 334 / 365)
    assert {o.bid_id for o in r.outcomes if o.status == "accepted"} == {"feb_only", "jan"}


def test_reliability_lets_the_small_block_go():
    bids = [
        make_bid("jan", mw=10, windows=JAN, availability_eur_per_mw_yr=5000, **_free()),
        make_bid("feb", mw=6, windows=FEB, availability_eur_per_mw_yr=4000, **_free()),
    ]
    full = clear_tender(winter_need(1.0), bids)
    assert full.accepted_bids == 2
    relaxed = clear_tender(winter_need(0.75), bids)  # Feb is 10 of 40 h: may stay uncovered
    assert [o.bid_id for o in relaxed.outcomes if o.status == "accepted"] == ["jan"]
    assert relaxed.reliability_achieved == [pytest.approx(0.75)]
    feb = next(o for o in relaxed.outcomes if o.bid_id == "feb")
    assert feb.binding == "reliability"
    tight = clear_tender(winter_need(0.76), bids)
    assert tight.accepted_bids == 2


def test_ties_go_to_earlier_submission_then_bid_id(need):
    same = {"mw": 10, "availability_eur_per_mw_yr": 1000, **_free()}
    r = clear_tender(need, [make_bid("b2", **same), make_bid("b1", **same)])
    assert [o.bid_id for o in r.outcomes if o.status == "accepted"] == ["b1"]
    r = clear_tender(
        need,
        [
            make_bid("b2", submitted_at=datetime(2026, 5, 1, 9), **same),
            make_bid("b1", submitted_at=datetime(2026, 5, 1, 10), **same),
        ],
    )
    assert [o.bid_id for o in r.outcomes if o.status == "accepted"] == ["b2"]
    loser = next(o for o in r.outcomes if o.bid_id == "b1")
    assert loser.status == "rejected" and loser.binding == "cost"


def test_eligibility_duration_and_activations(need):
    bids = [
        make_bid("short", mw=10, max_duration_h=2.0, **_free()),  # Jan events last 3 h
        make_bid("few", mw=10, max_activations_per_year=10, **_free()),  # faces up to 20
        make_bid("late", mw=10, start_date=date(YEAR, 3, 1), **_free()),  # after both blocks
        make_bid("ok", mw=10, availability_eur_per_mw_yr=50000, **_free()),
    ]
    r = clear_tender(need, bids)
    by = {o.bid_id: o for o in r.outcomes}
    assert by["short"].status == "rejected"  # eligible for February only, priced out there
    assert by["short"].served_hours_per_yr == pytest.approx(10.0)
    assert by["few"].status == "ineligible"
    assert by["few"].binding == "eligibility:activations"
    assert "20 times" in by["few"].reason
    assert by["late"].binding == "eligibility:window"
    assert by["ok"].status == "accepted"
    short_only = clear_tender(need, [make_bid("short", mw=10, max_duration_h=1.0)])
    assert short_only.outcomes[0].binding == "eligibility:duration"


def test_divisible_bid_is_accepted_partly(need):
    bids = [
        make_bid(
            "big", mw=25, divisible=True, min_mw=2, availability_eur_per_mw_yr=1000, **_free()
        ),
        make_bid("lumpy", mw=25, availability_eur_per_mw_yr=900, **_free()),
    ]
    r = clear_tender(need, bids)
    big = next(o for o in r.outcomes if o.bid_id == "big")
    assert big.accepted_mw == pytest.approx(10.0)
    assert big.binding == "partial"
    assert r.total_cost_eur_per_yr == pytest.approx(10000)
    lumpy = next(o for o in r.outcomes if o.bid_id == "lumpy")
    assert lumpy.binding == "combination"  # better score, but 25 MW all-or-nothing costs more


def test_semicontinuous_minimum_is_respected(need):
    bids = [
        make_bid(
            "min8", mw=20, divisible=True, min_mw=12, availability_eur_per_mw_yr=1000, **_free()
        ),
    ]
    r = clear_tender(need, bids)
    assert r.outcomes[0].accepted_mw == pytest.approx(12.0)


def test_invalid_and_unusable_bids_are_listed_with_reasons(need):
    records = [
        {
            "bid_id": "neg",
            "area_id": "A1",
            "asset": "new",
            "action": "less_offtake",
            "mw": "-5",
            "max_activations_per_year": 10,
            "max_duration_h": 4,
            "start_date": "2027-01-01",
        },
        {
            "bid_id": "else",
            "area_id": "ZZ",
            "asset": "new",
            "action": "less_offtake",
            "mw": 5,
            "max_activations_per_year": 10,
            "max_duration_h": 4,
            "start_date": "2027-01-01",
        },
        {
            "bid_id": "good",
            "area_id": "A1",
            "asset": "new",
            "action": "less_offtake",
            "mw": 10,
            "max_activations_per_year": 50,
            "max_duration_h": 4,
            "start_date": "2027-01-01",
        },
    ]
    r = clear_tender(need, parse_bids(records, "bids.csv"))
    by = {o.bid_id: o for o in r.outcomes}
    assert by["neg"].status == "invalid" and "row 1" in by["neg"].reason
    assert "must be more than 0" in by["neg"].reason
    assert by["else"].status == "invalid" and "no need in this tender" in by["else"].reason
    assert by["good"].status == "accepted"
    assert r.n_bids == 3


def test_uncoverable_block_gives_a_partial_result(need):
    r = clear_tender(need, [make_bid("small", mw=4, **_free())])
    assert r.status == "partial"
    assert not any(b.coverable for b in r.blocks)
    assert r.outcomes[0].status == "rejected"  # nothing is worth buying
    assert r.total_cost_eur_per_yr == 0


def test_parent_need_counts_child_bids_once():
    child = Need(
        area_id="C1",
        direction="offtake",
        year=YEAR,
        blocks=[
            NeedBlock(
                window=Window.parse("2027-01-01..2027-12-31"),
                mw=4,
                expected_hours_per_year=10,
                expected_mwh_per_year=20,
            )
        ],
    )
    parent = Need(
        area_id="T",
        direction="offtake",
        year=YEAR,
        relieving_area_ids=["C1", "C2"],
        blocks=[
            NeedBlock(
                window=Window.parse("2027-01-01..2027-12-31"),
                mw=6,
                expected_hours_per_year=10,
                expected_mwh_per_year=30,
            )
        ],
    )
    bids = [
        make_bid("c1", area_id="C1", mw=4, availability_eur_per_mw_yr=1000, **_free()),
        make_bid("c2", area_id="C2", mw=2, availability_eur_per_mw_yr=1000, **_free()),
        make_bid("t", area_id="T", mw=6, availability_eur_per_mw_yr=1500, **_free()),
    ]
    r = clear_tender([child, parent], bids)
    assert {o.bid_id for o in r.outcomes if o.status == "accepted"} == {"c1", "c2"}
    assert r.total_cost_eur_per_yr == pytest.approx(6000)
    assert np.allclose(r.reliability_achieved, [1.0, 1.0])


def test_result_round_trips_as_json(need):
    r = clear_tender(need, [make_bid("a", mw=10)])
    again = type(r).model_validate_json(r.model_dump_json())
    assert again == r


def test_repeated_bid_ids_in_a_list_are_rejected(need):
    r = clear_tender(need, [make_bid("a", mw=10), make_bid("a", mw=12)])
    assert [o.status for o in r.outcomes] == ["accepted", "invalid"]
    assert "duplicate bid id" in r.outcomes[1].reason
    assert r.n_blocks == 2
    # January workdays 17-20 (20 days × 3 h) and February evenings (28 × 2 h)
    assert r.n_need_cells == 20 * 3 + 28 * 2

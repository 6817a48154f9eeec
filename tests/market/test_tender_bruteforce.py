"""The MILP equals brute force on random small tenders; greedy is never cheaper.

The reference (tender_reference.py) shares no code with the clearing: it matches windows to
every quarter-hour with pandas, checks coverage step by step and tries every subset of bids.
"""

from __future__ import annotations

import calendar
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from netruimte.market.bids import Bid
from netruimte.market.greedy import greedy_merit_order
from netruimte.market.need import Need, NeedBlock
from netruimte.market.problem import build_problem
from netruimte.market.tender import clear_tender
from netruimte.market.windows import Window

from .market_cases import YEAR
from .tender_reference import brute_force, covers


@st.composite
def windows(draw, months):
    out = []
    for _ in range(draw(st.integers(0, 2))):
        m0 = draw(st.sampled_from(months))
        m1 = draw(st.integers(m0, min(12, m0 + 2)))
        d0 = draw(st.sampled_from([1, 1, 10]))
        d1 = calendar.monthrange(YEAR, m1)[1] if draw(st.booleans()) else 20
        h0 = draw(st.integers(0, 23))
        h1 = draw(st.integers(1, 24))
        if h0 == h1:
            h1 = 24 if h0 < 23 else 5
        out.append(
            Window(
                start=date(YEAR, m0, d0),
                end=date(YEAR, m1, d1),
                days=draw(st.sampled_from(["all", "workday", "non-workday"])),
                from_hour=h0,
                to_hour=h1,
            )
        )
    return out


@st.composite
def tenders(draw, max_bids: int, divisible: bool, reliability: bool):
    n_blocks = draw(st.integers(1, 3))
    cells = draw(
        st.lists(
            st.tuples(st.integers(1, 6), st.sampled_from(["workday", "non-workday"])),
            min_size=n_blocks,
            max_size=n_blocks,
            unique=True,
        )
    )
    blocks = []
    for m, days in cells:
        h0 = draw(st.integers(6, 20))
        h1 = draw(st.integers(h0 + 1, min(24, h0 + 4)))
        blocks.append(
            NeedBlock(
                window=Window(
                    start=date(YEAR, m, 1),
                    end=date(YEAR, m, calendar.monthrange(YEAR, m)[1]),
                    days=days,
                    from_hour=h0,
                    to_hour=h1,
                ),
                mw=draw(st.sampled_from([2.0, 5.0, 7.5, 12.0])),
                expected_hours_per_year=draw(st.sampled_from([0.0, 3.0, 10.0, 25.0])),
                expected_mwh_per_year=draw(st.sampled_from([0.0, 10.0, 60.0])),
                activations_per_year=draw(st.integers(0, 30)),
                max_duration_h=draw(st.sampled_from([0.5, 2.0, 4.0])),
            )
        )
    need = Need(
        area_id="A1",
        direction="offtake",
        year=YEAR,
        reliability=draw(st.sampled_from([1.0, 0.9, 0.6])) if reliability else 1.0,
        blocks=blocks,
        max_activations_per_year=draw(st.sampled_from([0, 25, 40])),
    )
    months = sorted({m for m, _ in cells})
    bids = []
    for i in range(draw(st.integers(1, max_bids))):
        mw = draw(st.sampled_from([1.0, 2.5, 4.0, 6.0, 10.0]))
        div = divisible and draw(st.booleans())
        bids.append(
            Bid(
                bid_id=f"b{i:02d}",
                area_id=draw(st.sampled_from(["A1", "A1", "A1", "A9"])),
                asset="new",
                action=draw(
                    st.sampled_from(["less_offtake", "more_feedin", "less_offtake", "more_offtake"])
                ),
                mw=mw,
                divisible=div,
                min_mw=draw(st.sampled_from([0.0, 0.5 * mw])) if div else None,
                windows=draw(windows(months)),
                max_activations_per_year=draw(st.sampled_from([5, 20, 100])),
                max_duration_h=draw(st.sampled_from([1.0, 3.0, 8.0])),
                availability_eur_per_mw_yr=draw(st.sampled_from([0.0, 3000.0, 7000.0, 12000.0])),
                activation_eur_per_mwh=draw(st.sampled_from([0.0, 90.0, 300.0])),
                co2_kg_per_mwh=draw(st.sampled_from([0.0, 450.0])),
                start_date=draw(st.sampled_from([date(YEAR, 1, 1), date(YEAR, 3, 1)])),
            )
        )
    return need, bids


def _check(need, bids):
    note(need.model_dump_json())
    note("[" + ",".join(b.model_dump_json() for b in bids) + "]")
    ref_cost, _ = brute_force([need], bids, co2_eur_per_t=80.0)
    r = clear_tender(need, bids, co2_eur_per_t=80.0, mip_rel_gap=0.0)
    x = np.array([next(o.accepted_mw for o in r.outcomes if o.bid_id == b.bid_id) for b in bids])
    assert r.total_cost_eur_per_yr == pytest.approx(ref_cost, rel=1e-6, abs=1e-6)
    p = build_problem(
        [need], [b for b in bids if b.area_id == "A1" and b.relieves == "offtake"], 80.0
    )
    g = greedy_merit_order(p)
    assert g is not None
    assert p.cost_of(g) >= r.total_cost_eur_per_yr - 1e-6 * max(1.0, ref_cost)
    assert p.feasible(g)
    return r, x


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tenders(max_bids=12, divisible=False, reliability=True))
def test_milp_equals_brute_force_indivisible(case):
    need, bids = case
    _, x = _check(need, bids)
    if need.reliability == 1.0:
        assert covers([need], bids, x)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tenders(max_bids=7, divisible=True, reliability=False))
def test_milp_equals_brute_force_with_divisible_bids(case):
    need, bids = case
    _, x = _check(need, bids)
    assert covers([need], bids, x)

"""The surrogate admission on hand-made cases (flat shapes, four days): known outcomes, and
the same admission as the exact engine (queue/engine.py) on the same picture."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from measures import tiny
from netruimte.impact import players as P
from netruimte.impact.params import ImpactParams
from netruimte.impact.reduced import reduce_group
from netruimte.impact.rollup import national_order
from netruimte.impact.sampling import sample_table
from netruimte.impact.tasks import SetParams, request_arrays, sets_task
from netruimte.scenario import Scenario

CENTRAL = sample_table(ImpactParams(monte_carlo={"samples": 0}).monte_carlo)


def sp(**kw) -> SetParams:
    base = dict(
        emergency_share=0.0,
        emergency_calls=5.0,
        design_choices=(),
        booked_share=1.0,
        peak_reduction=0.0,
        contracts_on=True,
        csc_for_batteries=False,
        reach_without=0.5,
        floor_eur=0.0,
    )
    return SetParams(**(base | kw))


def admitted(reg, load_x, mask: int, params: SetParams, years: int = 1) -> pd.Series:
    """MW admitted per request id by the surrogate for one set (central sample)."""
    lib = tiny.TinyLib(n_years=years)
    cube = tiny.cube(reg, load_x)
    data = reduce_group(
        reg, Scenario(), lib, list(range(years)), ImpactParams().surrogate, cube=cube
    )
    summary = {
        "queue": data.queue,
        "shortage_hours": data.shortage_hours,
        "parent": data.parent,
        "area_ids": data.area_ids,
    }
    order = national_order([summary], Scenario().queue.ranking)[0]
    cats = {c: 0 for c in zip(data.operator, data.level.tolist(), strict=True)}
    out = sets_task(data, order, CENTRAL, params, np.zeros(1, int), set(), cats, 1, record=(mask,))
    req = request_arrays(data, order, cats)
    total = out["mw"][0, mask].sum()
    return total, req, out


def test_first_come_first_served_with_skips() -> None:
    # capacity 10, load 6: 3 fits (9), 4 does not (13), 1 still fits (10)
    reg = tiny.region([{"request_id": "a", "mw": 3}, {"request_id": "b", "mw": 4},
                       {"request_id": "c", "mw": 1}])  # fmt: skip
    total, _, _ = admitted(reg, tiny.flat_load(6.0), 0, sp())
    assert total == pytest.approx(4.0)


def test_tenne_t_parent_binds() -> None:
    reg = tiny.region(
        [{"request_id": "a", "mw": 2}, {"request_id": "b", "mw": 2}, {"request_id": "c", "mw": 1}],
        tso_cap=9.0,
    )
    total, _, _ = admitted(reg, tiny.flat_load(6.0), 0, sp())
    assert total == pytest.approx(3.0)  # 2 fits (8 ≤ 9), 2 does not (10), 1 fits (9)


def test_peak_decides_and_contracts_fill_the_room() -> None:
    # flat 6 with a peak of 8 on four steps: room 2 at the peak
    load = tiny.flat_load(6.0, peak_mw=8.0)
    reg = tiny.region(
        [
            {"request_id": "a", "mw": 3, "flexible_share": 0.5},  # cut 1 ≤ 1.5: contract
            {"request_id": "b", "mw": 1, "flexible_share": 0.0},  # room used up: waits
        ]
    )
    firm, _, _ = admitted(reg, load, 0, sp())
    assert firm == pytest.approx(1.0)  # a blocked at the peak, b fits
    with_contracts, _, out = admitted(reg, load, P.BIT["contracts"], sp())
    assert with_contracts == pytest.approx(3.0)  # a on a contract, b no longer fits
    assert out["contract_mw"][0, P.BIT["contracts"]].sum() == pytest.approx(3.0)


def test_flex_counts_and_hours_limit() -> None:
    load = tiny.flat_load(6.0, peak_mw=9.0)  # 4 peak steps = 1 h above 6
    flex = [{"asset_id": "f", "area_id": "X", "direction": "offtake", "mw": 2.0,
             "contracted": True, "max_hours_per_year": 400.0}]  # fmt: skip
    reg = tiny.region([{"request_id": "a", "mw": 2}, {"request_id": "b", "mw": 1}], flex=flex)
    total, _, _ = admitted(reg, load, 0, sp())
    assert total == pytest.approx(3.0)  # 9 + 2 + 1 = 12 ≤ 10 + 2 flex at the peak


# four workdays are too short a year for the TBTR window check: limit contracts only
LIMIT_ONLY = Scenario.model_validate(
    {"measures": {"contracts": {"offer": ["csc", "tdtr", "cbc_a", "non_firm"]}}}
)


def exact_total(reg, load_x, mask: int) -> float:
    from netruimte.impact.exact import exact_admission

    pic = tiny.picture(reg, load_x, LIMIT_ONLY)
    adm = exact_admission(pic, mask, LIMIT_ONLY.measures, pic.flex.mw, pic.flex.hours)
    return float(adm.loc[adm.outcome == "admitted", "mw"].sum())


def test_flex_hours_too_short_to_use() -> None:
    load = tiny.flat_load(6.0, peak_mw=9.0)  # the 2 MW request makes 1 h short
    flex = [{"asset_id": "f", "area_id": "X", "direction": "offtake", "mw": 5.0,
             "contracted": True, "max_hours_per_year": 0.5}]  # fmt: skip
    reg = tiny.region([{"request_id": "a", "mw": 2}, {"request_id": "b", "mw": 1}], flex=flex)
    total, _, _ = admitted(reg, load, 0, sp())
    assert total == pytest.approx(1.0)
    assert exact_total(reg, load, 0) == pytest.approx(1.0)


@pytest.mark.parametrize("mask", [0, P.BIT["contracts"]])
def test_equals_exact_engine_on_a_mixed_queue(mask: int) -> None:
    rng = np.random.default_rng(5)
    queue = [
        {"request_id": f"r{i}", "mw": float(rng.uniform(0.2, 2.5)),
         "flexible_share": float(rng.choice([0.0, 0.3, 0.6]))}
        for i in range(25)
    ]  # fmt: skip
    load = tiny.flat_load(5.0, peak_mw=7.5)
    reg = tiny.region(queue, tso_cap=12.0)
    total, _, _ = admitted(reg, load, mask, sp())
    assert total == pytest.approx(exact_total(reg, load, mask), abs=1e-6)

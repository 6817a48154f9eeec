"""ACM admission on hand-made cases: one per category and per reservation rule, contracts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from measures.tiny import TinyLib, cube, flat_load, region
from netruimte.errors import InputError
from netruimte.queue.admission import admit_queue
from netruimte.queue.baseline import admit_queue_simple
from netruimte.queue.policy import QueuePolicy, Ranking, Reservation
from netruimte.queue.priority import efficiency_scores, priority_order
from netruimte.scenario import Scenario

RELIEF = {
    "category": "relief",
    "profile_class": "battery",
    "controllable_mw": 1.0,
    "available_from": "2027-01-01",
    "available_hours_per_year": 1000.0,
    "price_eur_per_mwh": 100.0,
}


def _run(reg, load, scenario=None):
    return admit_queue(reg, scenario or Scenario(), cube(reg, load), TinyLib(load.shape[0]))


def test_category_1_ranked_by_the_five_criteria() -> None:
    # three relievers; b is best on every criterion but the date, c best on date only
    reqs = [
        {"request_id": "a", "mw": 1, **RELIEF, "controllable_mw": 0.5, "price_eur_per_mwh": 300},
        {"request_id": "b", "mw": 1, **RELIEF, "available_hours_per_year": 4000.0},
        {"request_id": "c", "mw": 1, **RELIEF, "available_from": "2026-07-01"},
    ]
    reg = region(reqs)
    q = reg.queue
    score = efficiency_scores(q, None, Ranking())
    # hand: percentiles (rank-1)/(n-1) per criterion, location ties (0.5 each)
    # controllable: a 0, b 0.75, c 0.75; date: a 0.25, b 0.25, c 1; hours: a .25 b 1 c .25
    # price: a 0, b .75, c .75 → mean of five
    expected = np.array(
        [
            (0.5 + 0 + 0.25 + 0.25 + 0) / 5,
            (0.5 + 0.75 + 0.25 + 1 + 0.75) / 5,
            (0.5 + 0.75 + 1 + 0.25 + 0.75) / 5,
        ]
    )
    np.testing.assert_allclose(score, expected)
    assert priority_order(q)["request_id"].tolist() == ["b", "c", "a"]
    lexi = Ranking(method="lexicographic", order=["available_from", "price"])
    assert priority_order(q, lexi)["request_id"].tolist() == ["c", "b", "a"]
    fcfs = Ranking(method="fcfs")
    assert priority_order(q, fcfs)["request_id"].tolist() == ["a", "b", "c"]


def test_location_criterion_puts_the_reliever_in_the_bottleneck_first() -> None:
    # area X is feed-in congested; a battery charging (offtake) there relieves it
    reqs = [
        {"request_id": "late-here", "mw": 1, **RELIEF, "submitted": "2025-01-01"},
        {
            "request_id": "early-feedin",
            "mw": 1,
            **RELIEF,
            "direction": "feedin",
            "submitted": "2021-01-01",
        },
    ]
    reg = region(reqs, cap_feed=5.0)
    load = flat_load(-6.0)  # 1 MW of feed-in shortage all the time
    out = _run(reg, load, Scenario(queue=QueuePolicy(ranking=Ranking(weights={"location": 1}))))
    assert out["request_id"].tolist()[0] == "late-here"


def test_safety_then_basic_then_fcfs_with_room_for_one() -> None:
    reqs = [
        {"request_id": "other-early", "mw": 3, "submitted": "2020-01-01"},
        {"request_id": "basic", "mw": 3, "category": "basic", "submitted": "2024-01-01"},
        {"request_id": "safety", "mw": 3, "category": "safety", "submitted": "2025-01-01"},
    ]
    out = _run(region(reqs), flat_load(6.0)).set_index("request_id")  # 4 MW room
    assert out.loc["safety", "outcome"] == "admitted"
    assert out.loc["safety", "contract"] == "firm"
    assert out.loc["basic", "outcome"] == "waiting"
    assert out.loc["other-early", "outcome"] == "waiting"
    assert out.loc["safety", "priority"] < out.loc["basic", "priority"]
    assert out.loc["basic", "priority"] < out.loc["other-early", "priority"]


def test_basic_needs_are_offtake_only() -> None:
    # the schema rejects a feed-in basic request; a table built in code queues it FCFS
    q = pd.DataFrame(
        {
            "request_id": ["fi-basic", "other"],
            "area_id": ["X", "X"],
            "direction": ["feedin", "offtake"],
            "category": ["basic", "other"],
            "submitted": ["2022-01-01", "2021-01-01"],
            "available_from": [None, None],
            "controllable_mw": [None, None],
            "available_hours_per_year": [None, None],
            "price_eur_per_mwh": [None, None],
        }
    )
    assert priority_order(q)["request_id"].tolist() == ["other", "fi-basic"]


def test_reservation_holds_capacity_for_housing() -> None:
    reqs = [
        {"request_id": "business", "mw": 3, "submitted": "2020-01-01"},
        {"request_id": "small", "mw": 2, "submitted": "2021-01-01"},
        {
            "request_id": "homes",
            "mw": 2,
            "profile_class": "housing",
            "reservation": "housing",
            "submitted": "2025-01-01",
        },
    ]
    reg = region(reqs)
    scen = Scenario(queue=QueuePolicy(reservations={"housing": Reservation(areas={"X": 2.0})}))
    out = _run(reg, flat_load(6.0), scen).set_index("request_id")  # 4 MW room, 2 held back
    assert out.loc["business", "outcome"] == "waiting"  # 3 > 4 − 2
    assert out.loc["small", "outcome"] == "admitted"  # 2 ≤ 4 − 2
    assert out.loc["homes", "outcome"] == "admitted"  # last in line, but on the reserve
    without = _run(reg, flat_load(6.0)).set_index("request_id")
    assert without["outcome"].to_dict() == {
        "business": "admitted",
        "small": "waiting",
        "homes": "waiting",
    }


def test_reservation_share_of_capacity_and_unknown_area() -> None:
    reqs = [{"request_id": "r", "mw": 3.5}]
    reg = region(reqs)
    share = Scenario(
        queue=QueuePolicy(reservations={"housing": Reservation(share_of_capacity=0.1)})
    )
    assert _run(reg, flat_load(6.0), share).outcome.tolist() == ["waiting"]  # 3.5 > 4 − 1
    assert _run(reg, flat_load(6.0)).outcome.tolist() == ["admitted"]
    bad = Scenario(queue=QueuePolicy(reservations={"housing": Reservation(areas={"Y": 1.0})}))
    with pytest.raises(InputError, match="unknown areas"):
        _run(reg, flat_load(6.0), bad)


def test_admitted_on_tdtr_with_the_binding_reason() -> None:
    # 9 MW base, one clock hour (steps 72–75, 18:00–19:00 UTC) at 9.5 MW; a 1 MW request
    # overloads that hour by 0.5 MW: firm waits; TDTR cuts 0.5 MW in 1 clock hour → fits
    reqs = [{"request_id": "r", "mw": 1.0, "flexible_share": 0.5}]
    reg = region(reqs)
    load = flat_load(9.0, peak_mw=9.5, peak=(72, 76))
    firm = _run(reg, load)
    assert firm.outcome.tolist() == ["waiting"]
    assert "X: offtake shortage" in firm.reason.iloc[0]
    offer = Scenario(queue=QueuePolicy(offer=["tdtr"]))
    out = _run(reg, load, offer).iloc[0]
    assert (out.outcome, out.contract, out.binding_area) == ("admitted", "tdtr", "X")
    assert out.limited_hours_per_year == 1.0
    assert out.reason.startswith("tdtr: limited 1 h/yr; firm blocked: X: offtake shortage")


def test_contract_refused_when_the_cut_exceeds_the_flexible_mw() -> None:
    reqs = [{"request_id": "r", "mw": 1.0, "flexible_share": 0.2}]  # can give up 0.2 MW
    out = _run(
        region(reqs), flat_load(9.0, peak_mw=9.5), Scenario(queue=QueuePolicy(offer=["tdtr"]))
    )
    assert out.outcome.tolist() == ["waiting"]
    assert "tdtr: cut 0.50 MW > 0.20 MW flexible" in out.reason.iloc[0]


def test_tdtr_refused_beyond_15_percent_of_hours() -> None:
    # the area is full most of the time: a TDTR would be limited far more than 15% of hours
    reqs = [{"request_id": "r", "mw": 1.0, "flexible_share": 1.0}]
    load = flat_load(9.5)
    out = _run(region(reqs), load, Scenario(queue=QueuePolicy(offer=["tdtr"])))
    assert out.outcome.tolist() == ["waiting"]
    assert "limited 96 h/yr > 14 allowed" in out.reason.iloc[0]  # 4 days: 96 h, 15% = 14.4


def test_csc_admits_a_battery_that_is_steered() -> None:
    reqs = [{"request_id": "bat", "mw": 2.0, **RELIEF, "controllable_mw": 2.0}]
    out = _run(region(reqs), flat_load(9.5), Scenario(queue=QueuePolicy(offer=["csc"])))
    assert (out.outcome.iloc[0], out.contract.iloc[0]) == ("admitted", "csc")


def test_same_outcomes_as_the_simple_admission_when_ranked_fcfs(small_region) -> None:
    from netruimte.pipeline import design_year_indices
    from netruimte.profiles.library import build_library
    from netruimte.profiles.weather_source import region_weather
    from netruimte.prognosis.cube import build_cube
    from netruimte.timeaxis import year_axis

    scen = Scenario(queue=QueuePolicy(ranking=Ranking(method="fcfs")))
    weather = region_weather(small_region, year_axis(2027), [])
    lib = build_library(weather, small_region.meta.latitude, small_region.meta.longitude)
    cb = build_cube(small_region, scen, lib)
    design = design_year_indices(scen, cb.weather_labels)
    queue_before = small_region.queue.copy()
    load_before = cb.load_mw.copy()
    new = admit_queue(small_region, scen, cb, lib, design)
    old = admit_queue_simple(small_region, scen, cb, lib, design)
    assert new["request_id"].tolist() == old["request_id"].tolist()
    assert new["outcome"].tolist() == old["outcome"].tolist()
    assert new["binding_area"].tolist() == old["binding_area"].tolist()
    assert (new.outcome == "admitted").sum() > 0 and (new.outcome == "waiting").sum() > 0
    pd.testing.assert_frame_equal(small_region.queue, queue_before)  # pure
    np.testing.assert_array_equal(cb.load_mw, load_before)

"""Queue admission on hand-made cases: priority order, capacity, accepted risk, flex cover."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from netruimte.prognosis.cube import LoadCube
from netruimte.queue.admission import admit_queue
from netruimte.queue.priority import priority_order
from netruimte.region.meta import RegionMeta
from netruimte.region.model import Region
from netruimte.region.schema import TABLES
from netruimte.scenario import Risk, Scenario

T = 96 * 4  # four days is enough for hand-made cases


class FlatLibrary:
    """A shape library where every request is a flat 1.0 per MW (signed by direction)."""

    def __init__(self, n_years: int = 1):
        flat = np.ones((n_years, T), dtype=np.float32)
        self.request = {
            "flat": flat,
            "battery_offtake": flat,
            "battery_feedin": -flat,
            "business": flat,
            "housing": flat,
            "pv": -flat,
        }


def _frame(name: str, rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    for col in TABLES[name].model_fields:
        if col not in frame:
            frame[col] = None
    return frame[list(TABLES[name].model_fields)]


def _region(queue: list[dict], flex: list[dict] | None = None, cap_tso: float | None = None):
    areas = [
        {
            "area_id": "X",
            "operator": "op",
            "level": "dso",
            "capacity_offtake_mw": 10.0,
            "capacity_feedin_mw": 5.0,
            "parent_id": "TSO" if cap_tso else None,
        }
    ]
    if cap_tso:
        areas.insert(
            0,
            {
                "area_id": "TSO",
                "operator": "TenneT",
                "level": "tso",
                "capacity_offtake_mw": cap_tso,
                "capacity_feedin_mw": 100.0,
            },
        )
    q = [
        {"direction": "offtake", "category": "other", "profile_class": "flat", "area_id": "X", **r}
        for r in queue
    ]
    return Region(
        meta=RegionMeta(name="t"),
        areas=_frame("areas", areas).set_index("area_id", drop=False),
        components=_frame("load_components", []),
        queue=_frame("queue", q),
        flex_assets=_frame("flex_assets", flex or []),
        projects=_frame("projects", []),
    )


def _cube(region: Region, base_mw: float, peak_mw: float | None = None) -> LoadCube:
    load = np.full((1, T, region.n_areas), base_mw, dtype=np.float32)
    if peak_mw is not None:
        load[0, 70:74, :] = peak_mw  # one hour peak on day 1
    axis = pd.date_range("2030-01-01", periods=T, freq="15min", tz="UTC")
    return LoadCube(load, axis, ("w",), region.area_ids)


def test_priority_categories_then_fcfs() -> None:
    region = _region(
        [
            {"request_id": "late-other", "mw": 1, "submitted": date(2021, 1, 1)},
            {"request_id": "basic", "mw": 1, "submitted": date(2025, 1, 1), "category": "basic"},
            {"request_id": "relief", "mw": 1, "submitted": date(2026, 1, 1), "category": "relief"},
            {"request_id": "early-other", "mw": 1, "submitted": date(2020, 1, 1)},
            {"request_id": "safety", "mw": 1, "submitted": date(2024, 1, 1), "category": "safety"},
        ]
    )
    order = priority_order(region.queue)["request_id"].tolist()
    assert order == ["relief", "safety", "basic", "early-other", "late-other"]


def test_fills_capacity_then_waits_but_smaller_later_requests_fit() -> None:
    # 6 MW base, 10 MW capacity: 4 MW of room
    region = _region(
        [
            {"request_id": "r1", "mw": 3, "submitted": date(2021, 1, 1)},
            {"request_id": "r2", "mw": 2, "submitted": date(2021, 2, 1)},  # would make 11 > 10
            {"request_id": "r3", "mw": 1, "submitted": date(2021, 3, 1)},  # fits exactly
        ]
    )
    out = admit_queue(region, Scenario(), _cube(region, 6.0), FlatLibrary())
    assert out.set_index("request_id")["outcome"].to_dict() == {
        "r1": "admitted",
        "r2": "waiting",
        "r3": "admitted",
    }
    assert "X: offtake shortage" in out.set_index("request_id").loc["r2", "reason"]


def test_feedin_request_relieves_offtake_congested_area() -> None:
    region = _region(
        [
            {"request_id": "load", "mw": 2, "submitted": date(2021, 1, 1)},
            {
                "request_id": "pv",
                "mw": 1,
                "submitted": date(2021, 2, 1),
                "direction": "feedin",
                "profile_class": "pv",
            },
            {
                "request_id": "pv2",
                "mw": 1.5,
                "submitted": date(2021, 3, 1),
                "direction": "feedin",
                "profile_class": "pv",
            },
        ]
    )
    out = admit_queue(region, Scenario(), _cube(region, 9.0, peak_mw=12.0), FlatLibrary())
    res = out.set_index("request_id")
    assert res.loc["load", "outcome"] == "waiting"  # the area is already congested
    assert res.loc["pv", "outcome"] == "admitted"  # 12 - 1 = 11 MW: still congested, less so
    assert "does not increase" in res.loc["pv", "reason"]
    assert res.loc["pv2", "outcome"] == "admitted"  # 11 - 1.5 = 9.5 MW: congestion gone
    assert res.loc["pv2", "reason"] == "within capacity and accepted risk"


def test_accepted_risk_hours_admit_more() -> None:
    # base 8 MW with a one-hour peak at 9.5 MW; a 1 MW request overloads that hour only
    region = _region([{"request_id": "r", "mw": 1, "submitted": date(2021, 1, 1)}])
    cube = _cube(region, 8.0, peak_mw=9.5)
    strict = admit_queue(region, Scenario(), cube, FlatLibrary())
    assert strict.outcome.tolist() == ["waiting"]
    # the overload lasts 1 h in four days of data; accept 1 h per year
    lenient = admit_queue(
        region, Scenario(risk=Risk(max_shortage_hours_per_year=1.0)), cube, FlatLibrary()
    )
    assert lenient.outcome.tolist() == ["admitted"]


def test_contracted_flex_covers_shortage_within_its_hours() -> None:
    flex = [
        {
            "asset_id": "f",
            "area_id": "X",
            "direction": "offtake",
            "mw": 1.0,
            "contracted": True,
            "max_hours_per_year": 2.0,
        }
    ]
    region = _region([{"request_id": "r", "mw": 1, "submitted": date(2021, 1, 1)}], flex)
    out = admit_queue(region, Scenario(), _cube(region, 8.0, peak_mw=9.5), FlatLibrary())
    assert out.outcome.tolist() == ["admitted"]  # 0.5 MW short for 1 h, covered by 1 MW flex
    region_big = _region([{"request_id": "r", "mw": 2, "submitted": date(2021, 1, 1)}], flex)
    out_big = admit_queue(
        region_big, Scenario(), _cube(region_big, 8.0, peak_mw=9.5), FlatLibrary()
    )
    assert out_big.outcome.tolist() == ["waiting"]  # 1.5 MW short > 1 MW flex


def test_uncontracted_flex_only_counts_when_booked() -> None:
    flex = [
        {"asset_id": "f", "area_id": "X", "direction": "offtake", "mw": 1.0, "contracted": False}
    ]
    region = _region([{"request_id": "r", "mw": 1, "submitted": date(2021, 1, 1)}], flex)
    cube = _cube(region, 8.0, peak_mw=9.5)
    assert admit_queue(region, Scenario(), cube, FlatLibrary()).outcome.tolist() == ["waiting"]
    booked = Scenario(risk=Risk(count_uncontracted_flex=True))
    assert admit_queue(region, booked, cube, FlatLibrary()).outcome.tolist() == ["admitted"]


def test_parent_tso_area_binds() -> None:
    region = _region([{"request_id": "r", "mw": 2, "submitted": date(2021, 1, 1)}], cap_tso=7.0)
    out = admit_queue(region, Scenario(), _cube(region, 6.0), FlatLibrary())
    assert out.outcome.tolist() == ["waiting"]
    assert out.binding_area.tolist() == ["TSO"]


@pytest.mark.parametrize("n", [1, 5, 20])
def test_never_admits_beyond_capacity_when_no_risk_is_accepted(n: int) -> None:
    rng = np.random.default_rng(n)
    region = _region(
        [
            {
                "request_id": f"r{i}",
                "mw": float(rng.uniform(0.1, 3)),
                "submitted": date(2021, 1, 1 + i),
            }
            for i in range(n)
        ]
    )
    out = admit_queue(region, Scenario(), _cube(region, 5.0), FlatLibrary())
    assert out.loc[out.outcome == "admitted", "mw"].sum() <= 5.0 + 1e-9

"""KPIs on a hand-made case: the shortage cascade, events, costs and the tariff rule."""

from __future__ import annotations

import pandas as pd
import pytest

from measures.tiny import T, flat_load, picture, region
from netruimte.measures import kpis
from netruimte.measures.params import Costs


def _admitted(contracts: list[str], flexible_share: float = 0.0) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "request_id": [f"r{i}" for i in range(len(contracts))],
            "area_id": "X",
            "direction": "offtake",
            "mw": 1.0,
            "profile_class": "flat",
            "outcome": "admitted",
            "contract": contracts,
            "flexible_share": flexible_share,
        }
    )


def test_shortage_cascade_by_hand() -> None:
    flex = [
        {
            "asset_id": "f",
            "area_id": "X",
            "direction": "offtake",
            "mw": 0.5,
            "contracted": True,
            "availability_eur_per_mw_yr": 10_000.0,
            "activation_eur_per_mwh": 200.0,
        }
    ]
    reg = region([], flex)
    pic = picture(reg, flat_load(8.0, peak_mw=10.5, peak=(72, 76)))
    # firm + non-firm + TDTR, 1 MW flat each: load 11 MW (13.5 MW in one hour), cap 10
    per_area, total = kpis.compute(pic, _admitted(["firm", "non_firm", "tdtr"]), Costs())
    # 380 steps short 1 MW: the non-firm connection is curtailed 1 MW
    # 4 steps short 3.5 MW: non-firm 1, TDTR 1, flex 0.5, 1 MW not served
    assert total["curtailment_mwh"] == pytest.approx((380 * 1 + 4 * 2) * 0.25)
    assert total["curtailment_hours"] == pytest.approx(T * 0.25)
    assert total["curtailment_events"] == pytest.approx(1.0)
    assert total["flex_mwh"] == pytest.approx(4 * 0.5 * 0.25)
    assert total["flex_hours"] == pytest.approx(1.0) and total["flex_events"] == pytest.approx(1)
    assert total["eens_mwh"] == pytest.approx(4 * 1.0 * 0.25)
    assert total["eens_hours"] == pytest.approx(1.0)
    assert total["emergency_calls"] == 0 and total["feedin_unserved_mwh"] == 0
    # costs: flex 10,000 × 0.5 + 200 × 0.5 MWh; discounts 65% and 50% of 40 €/kW/yr × 1 MW
    assert total["flex_eur"] == pytest.approx(5_000 + 100)
    assert total["contract_eur"] == pytest.approx(0.65 * 40_000 + 0.5 * 40_000)
    assert total["operator_cost_eur"] == pytest.approx(51_100)
    assert total["admitted_mw"] == 3.0
    assert total["eur_per_mw_admitted"] == pytest.approx(51_100 / 3)
    offtake = (380 * 11 + 4 * 13.5) * 0.25  # MWh in the horizon (one "year")
    assert total["offtake_mwh"] == pytest.approx(offtake)
    assert total["tariff_eur_per_mwh"] == pytest.approx(51_100 / offtake)
    assert total["tariff_eur_per_household_yr"] == pytest.approx(2.6 * 51_100 / offtake)
    assert total["societal_unserved_eur"] == pytest.approx(1.0 * 8000)
    assert per_area.set_index("area_id").loc["X", "eens_mwh"] == pytest.approx(1.0)


def test_window_contracts_are_limited_in_their_windows() -> None:
    reg = region([])
    pic = picture(reg, flat_load(2.0))
    _per_area, total = kpis.compute(pic, _admitted(["cbc_t"], flexible_share=1.0), Costs())
    # CBC-T offtake windows: January workdays 07–09 and 16–20 local, 6 h a day, 4 workdays;
    # a fully flexible user gives up all of its 1 MW there
    assert total["window_limited_mwh"] == pytest.approx(1.0 * 6 * 4)
    assert total["contract_eur"] == pytest.approx(20_000.0)
    assert total["curtailment_mwh"] == 0

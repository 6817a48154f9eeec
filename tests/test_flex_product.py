"""The flex expectation product: versioned schema, round trip, agreement with the flat tables."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from netruimte.flex.product import (
    SCHEMA_PATH,
    FlexExpectationProduct,
    build_product,
    schema_text,
)
from netruimte.pipeline import compute, write_outputs
from netruimte.scenario import Scenario


def test_committed_schema_is_current() -> None:
    """The published schema file changes only with the model (bump the version then)."""
    assert SCHEMA_PATH.read_text() == schema_text()
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["properties"]["schema_version"]["const"] == "1.0.0"


def test_product_round_trip_and_consistency(default_run) -> None:
    product = build_product(default_run.flex, default_run.region.areas, "r", "s", 2027)
    back = FlexExpectationProduct.model_validate_json(product.model_dump_json())
    assert back == product
    table = default_run.flex.table.set_index(["area_id", "direction"])
    for area in product.areas:
        for d in (area.offtake, area.feedin):
            row = table.loc[(area.area_id, d.direction)]
            assert d.hours_per_year.mean == pytest.approx(row.hours_per_year_mean, abs=1e-3)
            assert sum(map(sum, d.hours_month_hour)) == pytest.approx(
                d.hours_per_year.mean, abs=1e-2
            )
            hist = sum(b.events_per_year for b in d.durations.histogram)
            assert hist == pytest.approx(d.events_per_year.mean, abs=1e-3)
            assert sum(d.events_per_month) == pytest.approx(d.events_per_year.mean, abs=1e-3)
            assert d.events_per_year.p90 >= d.events_per_year.p50
            probs = np.array(d.probability_month_hour)
            assert probs.min() >= 0 and probs.max() <= 1


def test_probability_heatmap_hand_computed() -> None:
    """One weather year, one area congested every day 18:00-19:00 local in January only."""
    from netruimte.flex.expectation import flex_expectation
    from netruimte.timeaxis import local_calendar, year_axis

    axis = year_axis(2030)
    cal = local_calendar(axis)
    load = np.zeros((1, len(axis), 1), dtype=np.float32)
    jan_18 = (cal.month == 1) & (cal.hour == 18)
    load[0, jan_18, 0] = 11.0
    fx = flex_expectation(load, np.array([10.0]), np.array([np.inf]), axis, ["A"], ("w",))
    prob = fx.probability_month_hour[0, 0]
    assert prob[0, 18] == pytest.approx(1.0)  # every January 18:xx quarter-hour
    assert prob.sum() == pytest.approx(1.0)
    assert fx.table.iloc[0].events_per_year_mean == 31
    # weekday x hour: January has 4 or 5 of each weekday out of ~52 in the year
    wk = fx.probability_weekday_hour[0, 0, :, 18]
    assert ((wk > 0.07) & (wk < 0.1)).all()
    # duration histogram: 31 one-hour events fall in the [1, 2) h bin
    assert fx.durations_per_year[0, 0].tolist()[2] == 31


def test_run_writes_product(small_region, tmp_path: Path) -> None:
    write_outputs(compute(small_region, Scenario(), run_stages=False), tmp_path)
    product = FlexExpectationProduct.model_validate_json(
        (tmp_path / "flex_expectation.json").read_text()
    )
    assert len(product.areas) == small_region.n_areas
    assert (tmp_path / "flex_expectation.schema.json").read_text() == schema_text()

"""The annual flex expectation as a published data product: a versioned JSON schema.

One document per run: per area and direction how often (events per year and month), how long
(block-duration statistics and histogram), when (month×hour and weekday×hour heatmaps, local
time), how much (shortage MW and MWh), with P50/P90 across weather years and the conditions of
the ask. The same numbers are in flex_expectation.csv/.parquet (flat) and flex_heatmap.csv.
"""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from netruimte.congestion.shortage import DIRECTIONS
from netruimte.flex.expectation import DURATION_BINS_H, FlexExpectation

SCHEMA_VERSION = "1.0.0"
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "flex_expectation.schema.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AcrossYears(_Model):
    """A statistic over the weather years: mean, median and 90th percentile."""

    mean: float
    p50: float
    p90: float


class DurationBin(_Model):
    """Events per year whose block duration is in [from_h, to_h)."""

    from_h: float
    to_h: float | None = Field(description="None = no upper bound")
    events_per_year: float


class Durations(_Model):
    """Block durations of the flex calls (consecutive congested quarter-hours)."""

    p50_h: float
    p95_h: float
    max_h: float
    histogram: list[DurationBin]


class Conditions(_Model):
    """The conditions of the ask: when the call is announced and the longest activation."""

    notice: Literal["day-ahead"]
    longest_activation_h: float


class DirectionExpectation(_Model):
    """The flex expectation of one area in one direction (offtake or feed-in congestion)."""

    direction: Literal["offtake", "feedin"]
    capacity_mw: float | None = Field(description="None = capacity unknown (not constraining)")
    events_per_year: AcrossYears
    hours_per_year: AcrossYears
    mwh_per_year: AcrossYears = Field(description="Shortage energy to move or curtail, MWh")
    peak_shortage_mw: AcrossYears = Field(description="Annual maximum shortage, MW")
    shortage_mw_max: float
    shortage_mw_p95: float = Field(description="P95 of shortage over congested quarter-hours")
    probability_any: float = Field(description="Share of weather years with any congestion")
    events_per_month: list[float] = Field(min_length=12, max_length=12)
    durations: Durations
    hours_month_hour: list[list[float]] = Field(
        description="Congested hours per year, 12 months × 24 local hours"
    )
    probability_month_hour: list[list[float]] = Field(
        description="P(a quarter-hour is congested), 12 months × 24 local hours"
    )
    probability_weekday_hour: list[list[float]] = Field(
        description="P(a quarter-hour is congested), 7 weekdays (Monday first) × 24 local hours"
    )
    conditions: Conditions


class AreaExpectation(_Model):
    """One supply area (or TenneT area) with both directions."""

    area_id: str
    name: str | None = None
    operator: str | None = None
    level: Literal["tso", "dso"]
    parent_id: str | None = None
    bbox: list[float] | None = Field(None, description="[west, south, east, north], WGS84")
    offtake: DirectionExpectation
    feedin: DirectionExpectation


class FlexExpectationProduct(_Model):
    """The annual flex expectation of a region (schema version in `schema_version`)."""

    schema_version: Literal["1.0.0"] = SCHEMA_VERSION
    horizon: Literal["annual"] = "annual"
    generated_at: datetime
    region: str
    scenario: str
    target_year: int
    weather_years: list[str]
    local_time_zone: Literal["Europe/Amsterdam"] = "Europe/Amsterdam"
    areas: list[AreaExpectation]


def _r(x: float) -> float:
    return round(float(x), 4)


def _grid(arr: np.ndarray) -> list[list[float]]:
    return np.round(arr.astype(float), 5).tolist()


def build_product(
    flex: FlexExpectation, areas, region_name: str, scenario_name: str, target_year: int
) -> FlexExpectationProduct:
    """Assemble the product from the computed expectation and the areas table."""
    table = flex.table.set_index(["area_id", "direction"])
    bins = DURATION_BINS_H
    out = []
    for a, area_id in enumerate(flex.area_ids):
        info = areas.loc[area_id]
        dirs = {}
        for d, direction in enumerate(DIRECTIONS):
            row = table.loc[(area_id, direction)]

            def years(stat: str, row=row) -> AcrossYears:
                return AcrossYears(
                    mean=_r(row[f"{stat}_mean"]),
                    p50=_r(row[f"{stat}_p50"]),
                    p90=_r(row[f"{stat}_p90"]),
                )

            cap = float(row["capacity_mw"])
            dirs[direction] = DirectionExpectation(
                direction=direction,
                capacity_mw=cap if math.isfinite(cap) else None,
                events_per_year=years("events_per_year"),
                hours_per_year=years("hours_per_year"),
                mwh_per_year=years("mwh_per_year"),
                peak_shortage_mw=years("peak_mw"),
                shortage_mw_max=_r(row["mw_max"]),
                shortage_mw_p95=_r(row["mw_p95"]),
                probability_any=_r(row["probability_any"]),
                events_per_month=[_r(x) for x in flex.events_per_month[a, d]],
                durations=Durations(
                    p50_h=_r(row["duration_h_p50"]),
                    p95_h=_r(row["duration_h_p95"]),
                    max_h=_r(row["duration_h_max"]),
                    histogram=[
                        DurationBin(
                            from_h=bins[i],
                            to_h=None if not math.isfinite(bins[i + 1]) else bins[i + 1],
                            events_per_year=_r(flex.durations_per_year[a, d, i]),
                        )
                        for i in range(len(bins) - 1)
                    ],
                ),
                hours_month_hour=_grid(flex.heatmap_month_hour[a, d]),
                probability_month_hour=_grid(flex.probability_month_hour[a, d]),
                probability_weekday_hour=_grid(flex.probability_weekday_hour[a, d]),
                conditions=Conditions(
                    notice="day-ahead", longest_activation_h=_r(row["duration_h_max"])
                ),
            )
        box = [info.get(k) for k in ("bbox_west", "bbox_south", "bbox_east", "bbox_north")]
        out.append(
            AreaExpectation(
                area_id=area_id,
                name=info.get("name"),
                operator=info.get("operator"),
                level=info.get("level"),
                parent_id=info.get("parent_id"),
                bbox=[float(b) for b in box]
                if all(b is not None and b == b for b in box)
                else None,
                offtake=dirs["offtake"],
                feedin=dirs["feedin"],
            )
        )
    return FlexExpectationProduct(
        generated_at=datetime.now(UTC),
        region=region_name,
        scenario=scenario_name,
        target_year=target_year,
        weather_years=list(flex.weather_labels),
        areas=out,
    )


def json_schema() -> dict:
    """The JSON schema of the product (what schemas/flex_expectation.schema.json holds)."""
    schema = FlexExpectationProduct.model_json_schema()
    schema["$id"] = f"https://netruimte.example/schemas/flex_expectation/{SCHEMA_VERSION}"
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def schema_text() -> str:
    """The schema as stable, pretty JSON text."""
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"

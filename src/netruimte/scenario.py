"""The scenario: target year, weather years, growth of small-user load and the accepted risk.

Read from a TOML file; every field has a documented default so an empty file is valid.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from netruimte.measures.params import Measures
from netruimte.queue.policy import QueuePolicy

# Annual growth of small-user load per asset class (fraction per year), two paths.
# "investment": operators' investment scenarios; "kev": the national KEV/VT outlook, slower.
GROWTH_PATHS: dict[str, dict[str, float]] = {
    "none": {},
    "investment": {
        "households": 0.008,
        "businesses": 0.02,
        "industry": 0.015,
        "heat_pumps": 0.16,
        "ev_charge_points": 0.18,
        "pv": 0.10,
        "wind": 0.06,
        "batteries": 0.30,
    },
    "kev": {
        "households": 0.005,
        "businesses": 0.01,
        "industry": 0.005,
        "heat_pumps": 0.10,
        "ev_charge_points": 0.12,
        "pv": 0.07,
        "wind": 0.05,
        "batteries": 0.20,
    },
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Growth(_Strict):
    """Growth of the load components from the region's base year to the target year."""

    path: Literal["none", "investment", "kev"] = "investment"
    factors: dict[str, float] = Field(
        default_factory=dict,
        description="Multiplicative factors per asset class that override the path.",
    )

    @field_validator("factors")
    @classmethod
    def _positive(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if x < 0:
                raise ValueError(f"growth factor for {k!r} is negative ({x})")
        return v


class Risk(_Strict):
    """Accepted risk when admitting requests (the operator's risk appetite)."""

    design_weather_years: list[str] = Field(
        default_factory=list,
        description="Weather-year labels the grid must be designed for; empty means all.",
    )
    max_shortage_hours_per_year: float = Field(
        0.0, ge=0, description="Hours per year a residual shortage (after flex) is accepted."
    )
    count_uncontracted_flex: bool = Field(
        False, description="Count flex assets that are expected but not yet contracted."
    )


class Scenario(_Strict):
    """A scenario for `netruimte run`."""

    name: str = "default"
    target_year: int = Field(2027, ge=2000, le=2100)
    weather_years: list[str] = Field(
        default_factory=list, description="Region weather-year labels to use; empty = all."
    )
    growth: Growth = Field(default_factory=Growth)
    risk: Risk = Field(default_factory=Risk)
    measures: Measures = Field(default_factory=Measures)
    queue: QueuePolicy = Field(default_factory=QueuePolicy)

    def growth_factor(self, asset_class: str, base_year: int) -> float:
        """Multiplier on an asset class from base year to the target year."""
        if asset_class in self.growth.factors:
            return float(self.growth.factors[asset_class])
        rate = GROWTH_PATHS[self.growth.path].get(asset_class, 0.0)
        years = max(0, self.target_year - base_year)
        return float((1.0 + rate) ** years)


def read_scenario(path: str | Path | None) -> Scenario:
    """Parse a scenario TOML file; None gives the default scenario."""
    if path is None:
        return Scenario()
    from netruimte.tomlfile import read_toml_model

    return read_toml_model(path, Scenario)

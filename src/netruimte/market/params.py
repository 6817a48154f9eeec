"""Parameters of the market stage (`[measures.market]` of a scenario), with their defaults.

Kept free of heavy imports so the scenario's typed `measures` model can include it.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from netruimte.errors import InputError, InputErrors

DEFAULT_FLOOR_EUR_PER_YR = 100_000.0  # per supply area; an assumption, see docs/market.md


class MarketParams(BaseModel):
    """Needs, tender, top-50 and budget settings of `netruimte run`."""

    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Run the market stage.")
    reliability: float = Field(1.0, gt=0, le=1, description="Reliability of published needs.")
    co2_eur_per_t: float = Field(100.0, ge=0, description="Sustainability weight, € per t CO₂.")
    floor_eur_per_area_yr: float = Field(
        DEFAULT_FLOOR_EUR_PER_YR, ge=0, description="Financial floor per supply area, €/yr."
    )
    budget_eur_per_yr: float | None = Field(
        None, ge=0, description="Budget above the floor; default: the region's share of €500M."
    )
    budget_levels: int = Field(4, ge=1, le=50, description="Merit-order levels of the sweep.")
    large_connection_min_mw: float = Field(1.0, gt=0, description="Smallest large connection.")
    shortlist_size: int = Field(10, ge=1, description="Most connections per area shortlist.")
    seed: int = Field(20260226, description="Seed of the generated large connections.")
    tender_time_limit_s: float = Field(20.0, gt=0, description="HiGHS time limit.")


def market_params(scenario) -> MarketParams:
    """The scenario's market parameters: a typed `measures.market`, a dict, or the defaults."""
    measures = scenario.measures
    if isinstance(measures, dict):
        raw = measures.get("market")
    else:
        raw = getattr(measures, "market", None)
    if isinstance(raw, MarketParams):
        return raw
    try:
        return MarketParams.model_validate(raw or {})
    except ValidationError as exc:
        raise InputErrors(
            [
                InputError(e["msg"], column="measures.market." + ".".join(map(str, e["loc"])))
                for e in exc.errors()
            ]
        ) from None

"""Typed parameters of the national impact run (`netruimte impact --params FILE.toml`).

The breakthroughs' own parameters (central values) come from the scenario's `measures`
section; this file holds what only the roll-up needs: target years, Monte Carlo size and
spread, the enabler mechanism of breakthrough 4, and the fidelity knobs of the surrogate.
Every number is described in docs/national.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from netruimte.tomlfile import read_toml_model


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MonteCarlo(_Strict):
    """How the uncertain parameters are drawn."""

    samples: int = Field(200, ge=0, le=100_000, description="Monte Carlo samples per year.")
    seed: int = Field(2026, description="Seed of the sample table (numpy PCG64).")
    spread: float = Field(
        0.5, ge=0, lt=1, description="Half-width m of the factor on each effect: [1 − m, 1 + m]."
    )
    distribution: Literal["uniform", "triangular"] = Field(
        "uniform", description="Shape of the factor on [1 − m, 1 + m] (triangular: mode 1)."
    )
    design_weather_choices: list[list[Literal["cold", "typical", "mild"]]] = Field(
        default_factory=lambda: [["typical", "mild"], ["typical"], ["mild"]],
        min_length=1,
        description="Weather kinds risk appetite may design for; one is drawn per sample "
        "(equally likely). The first is the central choice.",
    )


class Enabler(_Strict):
    """Breakthrough 4 (flex expectation): it enables the flex-buying breakthroughs."""

    reach_without: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of the MW of booked (1), tendered (5), top-50 (6) and budget (8) "
        "flex that is delivered when parties cannot price the ask (no flex expectation).",
    )


class Surrogate(_Strict):
    """Which quarter-hours of an area the surrogate admission checks (docs/national.md)."""

    rows_aggregate: int = Field(4, ge=1, le=64, description="Tightest steps for the queue mix.")
    rows_per_key: int = Field(2, ge=1, le=32, description="Tightest steps per request profile.")
    candidate_steps: int = Field(
        1500, ge=64, le=35_136, description="Highest-load steps per year searched for rows."
    )
    emergency_days: int = Field(12, ge=1, le=60, description="Days per year for the call count.")
    emergency_steps_per_day: int = Field(2, ge=1, le=96, description="Steps per such day.")


class ImpactParams(_Strict):
    """Parameters of `netruimte impact`."""

    years: list[int] = Field(default_factory=lambda: [2030, 2035], min_length=1)
    monte_carlo: MonteCarlo = Field(default_factory=MonteCarlo)
    enabler: Enabler = Field(default_factory=Enabler)
    surrogate: Surrogate = Field(default_factory=Surrogate)
    budget_levels: int = Field(
        5, ge=1, le=20, description="Merit-order levels per group for tenders and the budget."
    )
    top_n: int = Field(50, ge=1, le=1000, description="Agreements of the top-N (breakthrough 6).")
    sample_chunk: int = Field(
        50, ge=1, le=10_000, description="Samples per task (partition of the Monte Carlo)."
    )

    @field_validator("years")
    @classmethod
    def _years(cls, v: list[int]) -> list[int]:
        bad = [y for y in v if not 2026 <= y <= 2050]
        if bad:
            raise ValueError(f"target years must be 2026..2050, got {bad}")
        if len(set(v)) != len(v):
            raise ValueError(f"target years repeat in {v}")
        return v


def read_impact_params(path: str | Path | None) -> ImpactParams:
    """Parse an impact parameter TOML file; None gives the defaults."""
    if path is None:
        return ImpactParams()
    return read_toml_model(path, ImpactParams)

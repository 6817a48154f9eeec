"""The scenario's `queue` section: ranking of congestion relievers, reservations, contracts offered.

Defaults reproduce the ACM prioritisation framework (December 2025) with equal weights on the
five efficiency criteria, no reservations and firm contracts only (docs/queue.md).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from netruimte.measures.params import ContractName

CRITERIA: tuple[str, ...] = (
    "location",
    "controllable_mw",
    "available_from",
    "available_hours",
    "price",
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Ranking(_Strict):
    """How category 1 (congestion relievers) is ranked by the five efficiency criteria."""

    method: Literal["weighted", "lexicographic", "fcfs"] = "weighted"
    weights: dict[Literal[CRITERIA], float] = Field(  # type: ignore[valid-type]
        default_factory=lambda: dict.fromkeys(CRITERIA, 0.2)
    )
    order: list[Literal[CRITERIA]] = Field(  # type: ignore[valid-type]
        default_factory=lambda: list(CRITERIA),
        description="Criteria in order of precedence for the lexicographic method.",
    )

    @field_validator("weights")
    @classmethod
    def _weights(cls, v: dict[str, float]) -> dict[str, float]:
        for k, w in v.items():
            if w < 0:
                raise ValueError(f"weight of {k!r} is negative ({w})")
        full = dict.fromkeys(CRITERIA, 0.0) | v
        if sum(full.values()) <= 0:
            raise ValueError("at least one criterion needs a positive weight")
        return full


class Reservation(_Strict):
    """Capacity held back for one purpose (e.g. housing) in each area of the chosen levels."""

    direction: Literal["offtake", "feedin"] = "offtake"
    share_of_capacity: float = Field(0.0, ge=0, le=1)
    areas: dict[str, float] = Field(
        default_factory=dict, description="MW per area id; overrides the share there."
    )
    levels: list[Literal["dso", "tso"]] = Field(default_factory=lambda: ["dso"])

    @field_validator("areas")
    @classmethod
    def _mw(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if x < 0:
                raise ValueError(f"reserved MW for area {k!r} is negative ({x})")
        return v


class QueuePolicy(_Strict):
    """Queue admission policy of a scenario."""

    ranking: Ranking = Field(default_factory=Ranking)
    reservations: dict[str, Reservation] = Field(default_factory=dict)
    offer: list[ContractName] = Field(
        default_factory=lambda: ["firm"],
        description="Contract types offered, in order; firm is always tried first.",
    )

    @field_validator("offer")
    @classmethod
    def _firm_first(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError(f"contract types repeat in {v}")
        return ["firm", *[c for c in v if c != "firm"]]

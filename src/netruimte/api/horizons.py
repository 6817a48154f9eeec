"""Horizons of the flex expectation: annual (from the run), monthly and day-ahead (forecast).

The annual horizon comes from the run's weather years, for every area. The short horizons
come from the run's horizons stage (`netruimte.flex.horizons`: the day-ahead flexradar and the
monthly outlook of `netruimte.flex.forecast`), which needs an area's measured load in the
region folder; an area without it answers 404 with a JSON body naming the missing horizon and
the horizons the area has.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum

from netruimte.store.errors import NotFound


class Horizon(StrEnum):
    annual = "annual"
    monthly = "monthly"
    day_ahead = "day-ahead"


def missing_horizon(horizon: Horizon, available: Collection[str], area_id: str | None) -> NotFound:
    """The 404 for a horizon this region (or area) has no data for."""
    where = f"area {area_id}" if area_id else "this region"
    return NotFound(
        f"the {horizon.value} flex expectation is not available for {where}: the monthly and "
        "day-ahead horizons are forecast from an area's measured load in the region folder "
        "(netruimte.flex.forecast), which it does not have; use 'annual'",
        horizon=horizon.value,
        available=sorted(available, key=[h.value for h in Horizon].index),
    )

"""Horizons of the flex expectation: annual (from the run), monthly and day-ahead (forecast).

The annual horizon comes from the run's weather years. `netruimte.flex.forecast` computes the
monthly outlook (`monthly_outlook`) and the day-ahead flexradar (`day_ahead_flexradar`) from
an area's measured load *with weather* (a `MeasuredSeries`); a region folder carries measured
load without weather, so the service has no input for them and those horizons answer 404 with
a JSON body naming the missing horizon.
"""

from __future__ import annotations

from enum import StrEnum

from netruimte.store.errors import NotFound


class Horizon(StrEnum):
    annual = "annual"
    monthly = "monthly"
    day_ahead = "day-ahead"


AVAILABLE = (Horizon.annual,)


def require_horizon(horizon: Horizon) -> None:
    """Refuse horizons this service does not produce (404, naming the horizon)."""
    if horizon in AVAILABLE:
        return
    raise NotFound(
        f"the {horizon.value} flex expectation is not available: netruimte.flex.forecast needs "
        "an area's measured load with weather, which this region does not provide; use 'annual'",
        horizon=horizon.value,
        available=[h.value for h in AVAILABLE],
    )

"""Horizons of the flex expectation: annual (from the run), monthly and day-ahead (forecast).

The annual horizon comes from the run's weather years. Monthly and day-ahead expectations
come from `netruimte.flex.forecast` when it provides them; until then the API answers 404
with a JSON body naming the missing horizon.
"""

from __future__ import annotations

from enum import StrEnum

from netruimte.store.errors import NotFound


class Horizon(StrEnum):
    annual = "annual"
    monthly = "monthly"
    day_ahead = "day-ahead"


def forecast_provider(horizon: Horizon):
    """The forecast module's provider for `horizon`, or None when it has none (yet)."""
    try:
        from netruimte.flex import forecast
    except ImportError:
        return None
    name = {"monthly": "monthly_expectation", "day-ahead": "day_ahead_expectation"}[horizon.value]
    return getattr(forecast, name, None)


def require_horizon(horizon: Horizon) -> None:
    """Refuse horizons that no component of this installation produces."""
    if horizon is Horizon.annual:
        return
    if forecast_provider(horizon) is None:
        raise NotFound(
            f"the {horizon.value} flex expectation is not available: netruimte.flex.forecast "
            f"provides no {horizon.value} horizon in this installation; use 'annual'",
            horizon=horizon.value,
            available=["annual"],
        )
    raise NotFound(
        f"the {horizon.value} flex expectation needs measured load for the area, which this "
        "region does not have",
        horizon=horizon.value,
        available=["annual"],
    )

"""Horizons of the flex expectation: annual (from the run), monthly and day-ahead (forecast).

The annual horizon comes from the run's weather years. Monthly and day-ahead expectations per
area would come from `netruimte.flex.forecast`; this version has no per-area monthly or
day-ahead expectation to serve (the day-ahead flexradar needs measured load with a weather
forecast), so those horizons answer 404 with a JSON body naming the missing horizon.
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
        f"the {horizon.value} flex expectation is not available: this version of netruimte "
        f"produces no per-area {horizon.value} expectation (netruimte.flex.forecast provides "
        "none yet); use 'annual'",
        horizon=horizon.value,
        available=[h.value for h in AVAILABLE],
    )

"""Per-unit shapes of every asset class and queue profile class, for a region's weather.

Asset-class shapes are in MW per unit of the class's quantity (see region.schema.ASSET_CLASSES);
queue profile classes are per MW of request, signed (+ offtake, − feed-in), peak magnitude 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from netruimte.profiles import calendar_shapes as cal_shapes
from netruimte.profiles import weather_shapes as wx_shapes
from netruimte.profiles.weather import Weather
from netruimte.timeaxis import local_calendar

HOUSEHOLD_MWH_PER_YEAR = 2.6  # appliance use per household connection, NL average
EV_MWH_PER_CHARGE_POINT = 2.8  # energy charged per charge point per year


@dataclass
class ShapeLibrary:
    """Shapes on one axis and weather: `asset[class]` and `request[profile_class]`, (W, T)."""

    weather: Weather
    asset: dict[str, np.ndarray] = field(default_factory=dict)
    request: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_years(self) -> int:
        return self.weather.n_years

    @property
    def n_steps(self) -> int:
        return len(self.weather.axis)


def _years(shape_t: np.ndarray, n_years: int) -> np.ndarray:
    return np.broadcast_to(shape_t.astype(np.float32), (n_years, shape_t.shape[-1])).copy()


def _peak_one(x: np.ndarray) -> np.ndarray:
    peak = float(np.max(np.abs(x)))
    return (x / peak).astype(np.float32) if peak > 0 else x.astype(np.float32)


def build_library(weather: Weather, lat: float, lon: float) -> ShapeLibrary:
    """Compute all shapes for a weather cube (a second or so per weather year)."""
    axis, n = weather.axis, weather.n_years
    household = _years(cal_shapes.household_shape(axis), n)
    business = _years(cal_shapes.business_shape(axis), n)
    industry = _years(cal_shapes.industry_shape(axis), n)
    ev = _years(cal_shapes.ev_uncontrolled_shape(axis), n)
    heat_pump = wx_shapes.heat_pump_mw(weather)
    pv = wx_shapes.pv_mw_per_mwp(weather, lat, lon)
    wind = wx_shapes.wind_mw_per_mw(weather)
    battery = wx_shapes.battery_merchant_mw_per_mw(axis, n)
    lib = ShapeLibrary(weather=weather)
    lib.asset = {
        "households": household * HOUSEHOLD_MWH_PER_YEAR,  # per connection
        "businesses": business,  # per MWh/yr
        "industry": industry,  # per MWh/yr
        "heat_pumps": heat_pump,  # per heat pump
        "ev_charge_points": ev * EV_MWH_PER_CHARGE_POINT,  # per charge point
        "pv": -pv,  # per MWp
        "wind": -wind,  # per MW
        "batteries": battery,  # per MW
    }
    cal = local_calendar(axis)
    daylight = np.clip(-np.cos(2 * np.pi * (cal.minute_of_day / 1440.0)), 0, None)
    heat = wx_shapes.heat_demand_kw(weather.temperature_c, axis)
    chp = np.clip(0.35 + heat / max(float(heat.max()), 1e-9), 0, 1) * (0.55 + 0.45 * daylight)
    datacenter = 0.85 + 0.1 * np.clip(weather.temperature_c - 15.0, 0, None) / 15.0
    housing = household * HOUSEHOLD_MWH_PER_YEAR + heat_pump + 0.7 * ev * EV_MWH_PER_CHARGE_POINT
    lib.request = {
        "business": _peak_one(business),
        "industry": _peak_one(industry),
        "datacenter": _peak_one(datacenter),
        "heat_pump": _peak_one(heat_pump),
        "ev_charging": _peak_one(ev),
        "housing": _peak_one(housing),
        # electrolysers follow green power: a base plus the solar shape
        "electrolyser": _peak_one(0.2 + 0.8 * pv / max(float(pv.max()), 1e-9)),
        "flat": np.ones_like(business),
        "battery_offtake": _peak_one(np.clip(battery, 0, None)),
        "battery_feedin": -_peak_one(np.clip(-battery, 0, None)),
        "pv": -_peak_one(pv),
        "wind": -_peak_one(wind),
        "chp": -_peak_one(chp),
    }
    return lib


def request_shape(lib: ShapeLibrary, profile_class: str, direction: str) -> np.ndarray:
    """Signed per-MW shape (W, T) of a queue request: + offtake, − feed-in."""
    if profile_class == "battery":
        return lib.request[f"battery_{direction}"]
    shape = lib.request[profile_class]
    if profile_class == "flat" and direction == "feedin":
        return -shape
    return shape

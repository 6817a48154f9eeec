"""Realdata: our shapes against the real Dutch profiles (ETM dataset, MIT).

The ETM demand profiles are hourly for a calendar with 1 January on a Thursday (as 2015),
in local winter time; we build ours on that calendar and compare hour by hour.
Heat pumps are driven by the real air temperature of each weather year and compared with the
real space-heating shape of the same year.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from netruimte.profiles import calendar_shapes, weather_shapes
from netruimte.profiles.weather import Weather

pytestmark = pytest.mark.realdata
AXIS = pd.date_range("2014-12-31 23:00", periods=8760 * 4, freq="15min", tz="UTC")


def hourly(x: np.ndarray) -> np.ndarray:
    return x.reshape(-1, 4).mean(axis=1)


def r(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def mean_day(x: np.ndarray) -> np.ndarray:
    return x.reshape(365, 24).mean(axis=0)


CASES = [
    ("household", calendar_shapes.household_shape, "households_appliances", 0.8, 0.8),
    ("business", calendar_shapes.business_shape, "buildings_appliances", 0.8, 0.8),
    ("industry", calendar_shapes.industry_shape, "industry_other_electricity", 0.8, 0.8),
    # EV charging: measured sessions (profile 5); hour-by-hour timing is noisy, the day is not
    ("ev", calendar_shapes.ev_uncontrolled_shape, "electric_vehicle_profile_5", 0.6, 0.8),
]


@pytest.mark.parametrize(("name", "fn", "real", "min_hourly", "min_day"), CASES)
def test_demand_shapes(shared_data: Path, name, fn, real, min_hourly, min_day) -> None:
    ours = hourly(fn(AXIS))
    theirs = np.loadtxt(shared_data / "profiles" / f"{real}.csv")
    r_hour, r_day = r(ours, theirs), r(mean_day(ours), mean_day(theirs))
    print(f"\n{name:10s} vs {real}: hourly r = {r_hour:.3f}, mean-day r = {r_day:.3f}")
    assert r_hour >= min_hourly
    assert r_day >= min_day


@pytest.mark.parametrize("year", ["1987", "1997", "2004"])
def test_heat_pump_against_real_heating_of_same_year(shared_data: Path, year: str) -> None:
    folder = shared_data / "profiles" / "weather" / year
    temp = np.loadtxt(folder / "air_temperature.csv")
    t15 = np.interp(np.arange(8760 * 4) / 4, np.arange(8760), temp).astype(np.float32)[None]
    zeros = np.zeros_like(t15)
    hp = hourly(weather_shapes.heat_pump_mw(Weather(("x",), AXIS, t15, zeros, zeros))[0])
    heat = np.loadtxt(folder / "insulation_terraced_houses_medium.csv")
    r_hour = r(hp, heat)
    r_daily = r(hp.reshape(365, 24).mean(1), heat.reshape(365, 24).mean(1))
    print(f"\nheat pump {year}: hourly r = {r_hour:.3f}, daily r = {r_daily:.3f}")
    assert r_hour >= 0.8
    assert r_daily >= 0.9

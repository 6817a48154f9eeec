"""Demand shapes driven by the local clock: households, businesses, industry, EV charging.

Each shape is a smooth parametric function of local time of day, weekday and season; the
parameters are calibrated to the mean day, week and season of the Dutch standard profiles
(NEDU E1A for households, E3A for businesses, ETM EV profiles), checked by realdata tests.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.timeaxis import STEP_H, local_calendar


def _bump(hour: np.ndarray, centre: float, width: float) -> np.ndarray:
    """A Gaussian bump in local hours, wrapping around midnight."""
    d = (hour - centre + 12.0) % 24.0 - 12.0
    return np.exp(-0.5 * (d / width) ** 2)


def _season(day_of_year: np.ndarray, winter_gain: float) -> np.ndarray:
    """1 + winter_gain in mid-January, 1 - winter_gain in mid-July."""
    return 1.0 + winter_gain * np.cos(2 * np.pi * (day_of_year - 15) / 365.25)


def _normalise_energy(shape: np.ndarray) -> np.ndarray:
    """Scale so that the shape's energy over the year is 1 MWh per MW of shape · hours."""
    return shape / (shape.sum(axis=-1, keepdims=True) * STEP_H)


def household_shape(axis: pd.DatetimeIndex) -> np.ndarray:
    """Household appliance demand, MW per MWh/yr (energy-normalised), shape (T,)."""
    cal = local_calendar(axis)
    h = cal.minute_of_day / 60.0
    doy = cal.day_of_year.astype(np.float64)
    dark = np.clip(np.cos(2 * np.pi * (doy - 15) / 365.25), 0, None)  # lighting in winter
    weekend = (~cal.is_workday).astype(np.float64)
    base = 0.47 + 0.05 * _bump(h, 0.0, 1.6)
    morning = (0.42 - 0.08 * weekend) * _bump(h, 8.6 + 1.2 * weekend, 1.4)
    day = (0.55 + 0.12 * weekend) * _bump(h, 12.5, 3.2)
    evening = (0.80 + 0.50 * dark) * _bump(h, 18.9 - 0.5 * dark, 1.9)
    late = 0.25 * _bump(h, 22.0, 1.2)
    shape = (base + morning + day + evening + late) * _season(doy, 0.13)
    return _normalise_energy(shape).astype(np.float32)


def business_shape(axis: pd.DatetimeIndex) -> np.ndarray:
    """Commercial building demand (offices, shops), MW per MWh/yr, shape (T,)."""
    cal = local_calendar(axis)
    h = cal.minute_of_day / 60.0
    doy = cal.day_of_year.astype(np.float64)
    work = cal.is_workday.astype(np.float64)
    saturday = (cal.weekday == 5) & ~cal.is_holiday
    open_hours = 1.0 / (1 + np.exp(-(h - 7.3) * 2.2)) - 1.0 / (1 + np.exp(-(h - 17.2) * 1.6))
    level = work * 1.0 + saturday * 0.45
    shape = 0.62 + 0.95 * level * open_hours + 0.05 * _bump(h, 12.5, 1.5) * level
    shape = shape * _season(doy, 0.06)
    return _normalise_energy(shape).astype(np.float32)


def industry_shape(axis: pd.DatetimeIndex) -> np.ndarray:
    """Industrial demand: near-continuous, lower at night and weekends, MW per MWh/yr."""
    cal = local_calendar(axis)
    h = cal.minute_of_day / 60.0
    work = cal.is_workday.astype(np.float64)
    day_shift = 1.0 / (1 + np.exp(-(h - 6.0) * 2.0)) - 1.0 / (1 + np.exp(-(h - 21.0) * 2.0))
    shape = 0.88 + 0.18 * day_shift * (0.4 + 0.6 * work) - 0.04 * (1 - work)
    return _normalise_energy(shape).astype(np.float32)


def flat_shape(axis: pd.DatetimeIndex) -> np.ndarray:
    """Constant demand, MW per MWh/yr."""
    return _normalise_energy(np.ones(len(axis))).astype(np.float32)


# EV charging: plug-in sessions at home (evening arrival), at work (morning) and public.
# Arrival-time densities in local hours, session energy kWh and charging power kW.
EV_SESSION_TYPES = (
    # name, share of energy, arrival centre h, arrival width h, mean dwell h, energy kWh, kW
    ("home", 0.62, 18.0, 1.9, 13.0, 11.0, 7.4),
    ("work", 0.23, 8.4, 1.0, 8.5, 12.0, 11.0),
    ("public", 0.15, 13.5, 3.5, 3.0, 14.0, 11.0),
)


def ev_arrivals_and_durations(axis: pd.DatetimeIndex) -> list[tuple[np.ndarray, int, int, float]]:
    """Per session type: arrival density per step, charging steps, dwell steps, energy share."""
    cal = local_calendar(axis)
    h = cal.minute_of_day / 60.0
    work = cal.is_workday.astype(np.float64)
    out = []
    for name, share, centre, width, dwell_h, kwh, kw in EV_SESSION_TYPES:
        day_weight = {"home": 0.85 + 0.3 * work, "work": work, "public": 1.3 - 0.4 * work}[name]
        dens = _bump(h, centre, width) * day_weight
        charge_steps = max(1, round(kwh / kw / STEP_H))
        dwell_steps = max(charge_steps, round(dwell_h / STEP_H))
        out.append((dens, charge_steps, dwell_steps, share))
    return out


def ev_uncontrolled_shape(axis: pd.DatetimeIndex) -> np.ndarray:
    """Uncontrolled EV charging (charge at full power from plug-in), MW per MWh/yr."""
    cal = local_calendar(axis)
    season = _season(cal.day_of_year.astype(np.float64), 0.10)
    total = np.zeros(len(axis))
    for dens, charge_steps, _dwell, share in ev_arrivals_and_durations(axis):
        arrivals = dens * season
        load = np.convolve(
            np.r_[arrivals[-charge_steps:], arrivals], np.ones(charge_steps), mode="full"
        )[charge_steps : charge_steps + len(axis)]
        total += share * load / load.sum()
    return _normalise_energy(total).astype(np.float32)

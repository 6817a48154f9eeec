"""Weather-driven shapes: heat pumps from temperature, PV with pvlib, wind from a power curve."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

from netruimte.profiles.weather import Weather, solar_geometry
from netruimte.timeaxis import STEP_H, local_calendar

# Heat pump: a well-insulated dwelling with an air-source heat pump (35 °C supply).
HP_LOSS_KW_PER_K = 0.17  # heat loss coefficient of the dwelling
HP_BALANCE_C = 15.5  # outdoor temperature above which no space heating is needed
HP_TAU_H = 10.0  # thermal inertia: exponential smoothing time of outdoor temperature
HP_HOT_WATER_KW = 0.12  # average thermal hot-water demand
HP_SUPPLY_C = 35.0
HP_CARNOT_EFFICIENCY = 0.42


def _smooth_time(series: np.ndarray, tau_steps: float) -> np.ndarray:
    """Exponential smoothing along the last axis, done with scipy's IIR filter (no Python loop)."""
    from scipy.signal import lfilter

    alpha = 1.0 - np.exp(-1.0 / tau_steps)
    zi = (1 - alpha) * series[..., :1]
    out, _ = lfilter([alpha], [1, -(1 - alpha)], series, axis=-1, zi=zi)
    return out


def heat_pump_cop(outdoor_c: np.ndarray) -> np.ndarray:
    """Coefficient of performance of an air-source heat pump, Carnot-based, clipped 1.6..5.5."""
    lift = np.maximum(HP_SUPPLY_C + 5.0 - (outdoor_c - 5.0), 15.0)
    return np.clip(HP_CARNOT_EFFICIENCY * (HP_SUPPLY_C + 5.0 + 273.15) / lift, 1.6, 5.5)


def heat_demand_kw(temperature_c: np.ndarray, axis: pd.DatetimeIndex) -> np.ndarray:
    """Space-heating heat demand per dwelling in kW_th from outdoor temperature (W, T)."""
    cal = local_calendar(axis)
    h = cal.minute_of_day / 60.0
    t_eff = _smooth_time(temperature_c.astype(np.float64), HP_TAU_H / STEP_H)
    # thermostat programme: lower set-point at night, morning boost
    setback = -1.5 * ((h < 6.0) | (h >= 22.5)) + 0.8 * ((h >= 6.0) & (h < 9.0))
    return HP_LOSS_KW_PER_K * np.clip(HP_BALANCE_C + setback - t_eff, 0.0, None)


def heat_pump_mw(weather: Weather) -> np.ndarray:
    """Electric load per heat pump in MW (W, T): (space heat + hot water) / COP."""
    heat = heat_demand_kw(weather.temperature_c, weather.axis) + HP_HOT_WATER_KW
    cop = heat_pump_cop(weather.temperature_c.astype(np.float64))
    return (heat / cop / 1000.0).astype(np.float32)


def pv_mw_per_mwp(weather: Weather, lat: float, lon: float) -> np.ndarray:
    """PV AC output per MWp (W, T), pvlib: Erbs decomposition, POA, SAPM cell temp, PVWatts.

    A mix of orientations (half south at 35°, a quarter east and west at 15°) and a DC/AC
    ratio of 1.15 with 96% inverter efficiency.
    """
    pos = solar_geometry(weather.axis, lat, lon)
    zenith = pos["apparent_zenith"].to_numpy()
    azimuth = pos["azimuth"].to_numpy()
    doy = weather.axis.dayofyear.to_numpy()
    dni_extra = pvlib.irradiance.get_extra_radiation(doy)
    out = np.empty_like(weather.ghi_wm2, dtype=np.float32)
    for w in range(weather.n_years):  # over weather years only; time is vectorised
        ghi = weather.ghi_wm2[w].astype(np.float64)
        erbs = pvlib.irradiance.erbs(ghi, zenith, doy)
        total_dc = np.zeros_like(ghi)
        for tilt, surf_az, share in ((35.0, 180.0, 0.5), (15.0, 90.0, 0.25), (15.0, 270.0, 0.25)):
            poa = pvlib.irradiance.get_total_irradiance(
                tilt,
                surf_az,
                zenith,
                azimuth,
                erbs["dni"],
                erbs["dhi"],
                ghi,
                dni_extra=dni_extra,
                model="haydavies",
            )["poa_global"]
            poa = np.nan_to_num(np.asarray(poa, dtype=np.float64))
            cell = pvlib.temperature.sapm_cell(
                poa, weather.temperature_c[w], weather.wind_100m_ms[w] * 0.5, -3.56, -0.075, 3
            )
            total_dc += share * pvlib.pvsystem.pvwatts_dc(poa, cell, 1.0, -0.0037)
        ac = np.minimum(total_dc * 0.96 * 1.15, 1.0)  # 1 MWp DC behind 1/1.15 MW of inverter
        out[w] = np.clip(ac, 0.0, 1.0)
    return out


def wind_mw_per_mw(weather: Weather) -> np.ndarray:
    """Wind output per MW installed (W, T) from the 100 m speed: a generic IEC-II power curve."""
    v = weather.wind_100m_ms.astype(np.float64)
    cut_in, rated, cut_out = 3.0, 12.0, 25.0
    p = np.clip((v**3 - cut_in**3) / (rated**3 - cut_in**3), 0.0, 1.0)
    p = np.where(v >= cut_out, 0.0, p)
    return (0.95 * p).astype(np.float32)  # 5% wake and availability losses


def battery_merchant_mw_per_mw(axis: pd.DatetimeIndex, n_years: int) -> np.ndarray:
    """A grid-unaware merchant battery, MW per MW (+ charging, − discharging), (W, T).

    Charges at night and around solar noon, discharges in the morning and evening peaks,
    as day-ahead price spreads in the Netherlands reward; energy-neutral after 88% round trip.
    """
    cal = local_calendar(axis)
    h = cal.minute_of_day / 60.0
    charge = np.exp(-0.5 * ((h - 3.5) / 1.3) ** 2) * 0.6 + np.exp(-0.5 * ((h - 13.0) / 1.6) ** 2)
    discharge = np.exp(-0.5 * ((h - 8.0) / 1.0) ** 2) * 0.6 + np.exp(-0.5 * ((h - 19.0) / 1.4) ** 2)
    charge = charge / charge.max()
    discharge = discharge / discharge.max()
    scale = (charge.sum() * 0.88) / discharge.sum()
    profile = 0.8 * (charge - scale * discharge)
    return np.broadcast_to(profile.astype(np.float32), (n_years, len(axis))).copy()

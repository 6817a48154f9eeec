"""Weather for a region: a seeded generator calibrated to Dutch weather years, or a file.

The generator produces, per weather year, quarter-hourly air temperature (°C), global
horizontal irradiance (W/m²) and wind speed at 100 m (m/s) on the model's UTC axis. Its
parameters are set to the daily statistics of the real Dutch years 1987 (cold), 1997
(typical) and 2004 (mild) from the ETM dataset; a realdata test checks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pvlib

from netruimte.timeaxis import local_calendar


@dataclass(frozen=True)
class WeatherKind:
    """Generator parameters of one kind of weather year."""

    mean_c: float  # annual mean temperature before any cold spell
    seasonal_amplitude_c: float  # half the difference between July and January means
    spell_depth_c: float  # extra cold of a winter spell (0 = none)
    spell_days: int
    spell_start_doy: int
    wind_scale_ms: float  # Weibull scale at 100 m, annual


# Calibrated to the ETM air_temperature of 1987 / 1997 / 2004 (annual, Jan and Jul means,
# minima and heating degree days); see tests/realdata/test_weather_calibration.py.
KINDS: dict[str, WeatherKind] = {
    "cold": WeatherKind(9.3, 7.5, 11.0, 14, 5, 8.6),
    "typical": WeatherKind(10.5, 7.2, 8.0, 16, 1, 8.8),
    "mild": WeatherKind(10.4, 6.5, 0.0, 0, 0, 9.0),
}
COLDEST_DOY = 18  # day of year of the seasonal minimum in the Netherlands


@dataclass(frozen=True)
class Weather:
    """Weather cube: arrays shaped (weather_year, time), float32, on a UTC axis."""

    labels: tuple[str, ...]
    axis: pd.DatetimeIndex
    temperature_c: np.ndarray
    ghi_wm2: np.ndarray
    wind_100m_ms: np.ndarray

    @property
    def n_years(self) -> int:
        return len(self.labels)


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Unit-variance AR(1) series of length n (stationary start)."""
    eps = rng.standard_normal(n)
    out = np.empty(n)
    out[0] = eps[0]
    scale = np.sqrt(1.0 - phi * phi)
    # lfilter-free recursion over days only (365 steps), never over quarter-hours
    for i in range(1, n):
        out[i] = phi * out[i - 1] + scale * eps[i]
    return out


def _daily_to_steps(daily: np.ndarray, day_pos: np.ndarray) -> np.ndarray:
    """Interpolate values given at local noon of each day onto fractional day positions."""
    days = np.arange(len(daily)) + 0.5
    return np.interp(day_pos, days, daily)


@lru_cache(maxsize=8)
def _solar_geometry(axis_key: tuple[pd.Timestamp, int], lat: float, lon: float) -> pd.DataFrame:
    axis = pd.date_range(axis_key[0], periods=axis_key[1], freq="15min")
    # positions at the middle of each quarter-hour
    mid = axis + pd.Timedelta(minutes=7.5)
    pos = pvlib.solarposition.get_solarposition(mid, lat, lon, method="nrel_numpy")
    pos.index = axis
    return pos


def solar_geometry(axis: pd.DatetimeIndex, lat: float, lon: float) -> pd.DataFrame:
    """Solar position (zenith, azimuth, ...) per step, cached per axis and location."""
    return _solar_geometry((axis[0], len(axis)), round(lat, 3), round(lon, 3))


def clearsky_ghi_wm2(axis: pd.DatetimeIndex, lat: float, lon: float) -> np.ndarray:
    """Clear-sky GHI (Haurwitz model, needs no turbidity data), W/m²."""
    pos = solar_geometry(axis, lat, lon)
    cs = pvlib.clearsky.haurwitz(pos["apparent_zenith"])
    return cs["ghi"].to_numpy(np.float64)


def generate_year(
    kind: str, axis: pd.DatetimeIndex, seed: int, lat: float = 52.1, lon: float = 5.2
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One weather year of a kind: temperature °C, GHI W/m², wind at 100 m m/s per step."""
    params = KINDS[kind]
    rng = np.random.default_rng(seed)
    cal = local_calendar(axis)
    n_days = int(cal.local_date_index.max()) + 1
    doy = np.arange(n_days)
    # --- daily mean temperature: seasonal cycle + AR(1) anomaly + optional cold spell
    seasonal = params.mean_c - params.seasonal_amplitude_c * np.cos(
        2 * np.pi * (doy - COLDEST_DOY) / 365.25
    )
    anomaly_t = _ar1(rng, n_days, 0.8)
    # keep day-to-day weather but not month-scale drift: the kind sets the monthly climate
    window = np.ones(31) / 31
    anomaly_t = anomaly_t - np.convolve(
        np.r_[anomaly_t[-15:], anomaly_t, anomaly_t[:15]], window, mode="valid"
    )
    anomaly_t = anomaly_t / anomaly_t.std()
    winter = 0.5 * (1 + np.cos(2 * np.pi * (doy - COLDEST_DOY) / 365.25))  # 1 mid-Jan, 0 mid-Jul
    t_daily = seasonal + (2.2 + 1.0 * winter) * anomaly_t
    if params.spell_days:
        ramp = np.clip(
            np.minimum(
                doy - params.spell_start_doy + 1, params.spell_start_doy + params.spell_days - doy
            )
            / 3.0,
            0,
            1,
        )
        t_daily = t_daily - params.spell_depth_c * ramp
    # --- daily clear-sky index: seasonal mean, AR(1), cloudier when mild and windy in winter
    clear_latent = _ar1(rng, n_days, 0.45)
    k_mean = 0.45 + 0.17 * (1 - winter)
    k_daily = np.clip(k_mean + 0.2 * clear_latent, 0.08, 0.95)
    # --- daily mean wind at 100 m: Weibull via Gaussian copula; weaker in calm cold spells
    from scipy import stats

    wind_latent = 0.55 * _ar1(rng, n_days, 0.6) + 0.45 * (anomaly_t * winter)
    wind_latent = wind_latent / np.std(wind_latent)
    u = stats.norm.cdf(wind_latent)
    scale = params.wind_scale_ms * (1 + 0.15 * (winter - 0.5))
    wind_daily = scale * (-np.log1p(-np.clip(u, 1e-6, 1 - 1e-6))) ** (1 / 2.1)
    # --- onto the quarter-hour axis (local clock drives the diurnal cycle)
    day_pos = cal.local_date_index + cal.minute_of_day / 1440.0
    hour = cal.minute_of_day / 60.0
    t_mean = _daily_to_steps(t_daily, day_pos)
    k_steps = _daily_to_steps(k_daily, day_pos)
    amp = (1.8 + 2.6 * (1 - _daily_to_steps(winter, day_pos))) * (0.6 + 0.8 * k_steps)
    temperature = t_mean + amp * np.cos(2 * np.pi * (hour - 15.0) / 24.0)
    # intra-day noise: smooth AR at hourly scale
    n = len(axis)
    intra = _smooth_noise(rng, n, 12)
    temperature = temperature + 0.6 * intra
    kc = np.clip(k_steps + 0.12 * _smooth_noise(rng, n, 4), 0.05, 1.0)
    ghi = clearsky_ghi_wm2(axis, lat, lon) * (0.25 + 0.75 * kc) * np.clip(kc * 1.4, 0.2, 1.0)
    wind = _daily_to_steps(wind_daily, day_pos)
    wind = np.clip(
        wind
        * (1 + 0.18 * _smooth_noise(rng, n, 8))
        * (1 + 0.06 * np.cos(2 * np.pi * (hour - 14) / 24)),
        0.0,
        40.0,
    )
    return (temperature.astype(np.float32), ghi.astype(np.float32), wind.astype(np.float32))


def _smooth_noise(rng: np.random.Generator, n: int, width_steps: int) -> np.ndarray:
    """Unit-variance noise smoothed over `width_steps` quarter-hours (vectorised)."""
    raw = rng.standard_normal(n + 4 * width_steps)
    kernel = np.hanning(4 * width_steps + 1)
    smooth = np.convolve(raw, kernel / kernel.sum(), mode="same")[
        2 * width_steps : 2 * width_steps + n
    ]
    return smooth / smooth.std()


def generate_weather(
    kinds: list[str],
    labels: list[str],
    axis: pd.DatetimeIndex,
    seed: int,
    lat: float = 52.1,
    lon: float = 5.2,
) -> Weather:
    """Weather for several years; year i uses seed + i so adding a year keeps the others."""
    temps, ghis, winds = [], [], []
    for i, kind in enumerate(kinds):
        t, g, w = generate_year(kind, axis, seed + 1009 * i, lat, lon)
        temps.append(t)
        ghis.append(g)
        winds.append(w)
    return Weather(tuple(labels), axis, np.stack(temps), np.stack(ghis), np.stack(winds))


def heating_degree_days(
    temperature_c: np.ndarray, steps_per_day: int, base_c: float = 18.0
) -> float:
    """Heating degree days: daily mean temperature below `base_c`, summed over the days."""
    days = temperature_c.size // steps_per_day
    per_day = temperature_c[: days * steps_per_day].reshape(days, steps_per_day).mean(axis=1)
    return float(np.clip(base_c - per_day, 0, None).sum())

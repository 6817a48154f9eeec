"""Day-ahead features: what is known at D-1 06:00 UTC about each quarter-hour of day D.

One row per target quarter-hour `t` of a forecast day `D` (UTC). The issue time is
`issue(D) = D - 1 day + 06:00 UTC`, so the lead time `t - issue(D)` runs from 18 h to 41.75 h.

* **Load lags** use only measured load stamped at or before the issue time. A same-quarter-hour
  lag `t - k days` is used only when `t - k days <= issue(D)`; for `k = 1` that holds only for
  the early hours of D, so the feature is NaN after 06:00 (LightGBM treats NaN as "unknown").
  Level features (last value, trailing means) are read at the issue time itself.
* **Weather** at `t` is the weather forecast. In the backtest the measured weather is used as
  a perfect forecast (stated wherever figures are shown). Weather at the lag times is measured
  history and is known at the issue time; the differences `x(t) - x(t - k days)` let the
  model explain why today differs from the lagged load (more sun, less wind).
* **Calendar** fields follow the local clock (Europe/Amsterdam, DST-correct) with Dutch public
  holidays; the solar geometry follows UTC and the site position.

Everything is vectorised over positions on the regular 15-minute grid; no loop over steps.
All load-derived columns end in `_mw`, so a model can rescale them per series.
"""

from __future__ import annotations

from collections.abc import Mapping

import holidays
import numpy as np
import pandas as pd

from netruimte.flex.forecast.data import STEP, MeasuredSeries, SeriesMeta

ISSUE_HOUR_UTC = 6
STEPS_PER_DAY = 96
LOCAL_TZ = "Europe/Amsterdam"
#: Same-quarter-hour load lags in days (each used only where it is before the issue time).
LAG_DAYS = (1, 2, 3, 7, 14)
#: Weather columns whose lagged differences are built (when present).
DIFF_WEATHER = ("radiation_wm2", "wind_power_frac", "temp")
#: Weather-derived columns that follow the solar shift.
SOLAR_COLUMNS = (
    "radiation_wm2",
    "poa_south_wm2",
    "clear_sky_index",
    "clear_sky_wm2",
    "sun_elev_sin",
    "clearsky_ulf",
    "clearsky_dlf",
)
#: Largest weather shift searched, in quarter-hours (6 h).
MAX_SHIFT_STEPS = 24
#: Days of history before the first issue time the features look back at.
HISTORY_DAYS = 15


def issue_time(day: pd.Timestamp) -> pd.Timestamp:
    """The day-ahead issue time for forecast day `day` (a UTC midnight): D-1 06:00 UTC."""
    return day - pd.Timedelta(days=1) + pd.Timedelta(hours=ISSUE_HOUR_UTC)


def target_index(days: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """All quarter-hours of the given UTC days, in order (96 per day)."""
    days = pd.DatetimeIndex(days).tz_convert("UTC").tz_localize(None)
    offsets = np.arange(STEPS_PER_DAY, dtype=np.int64) * np.timedelta64(15, "m")
    stamps = (days.to_numpy()[:, None] + offsets[None, :]).ravel()
    return pd.DatetimeIndex(stamps, name="time_utc").tz_localize("UTC")


def wind_power_fraction(windspeed_ms: np.ndarray) -> np.ndarray:
    """A generic turbine power curve at hub height: 0 below 3 m/s, cubic to rated at 12 m/s,
    1 up to cut-out at 25 m/s, 0 above. Gives the tree and the lag differences a feature
    proportional to wind power rather than to wind speed."""
    v = np.asarray(windspeed_ms, dtype=np.float64)
    v_in, v_rated, v_out = 3.0, 12.0, 25.0
    frac = np.clip((v**3 - v_in**3) / (v_rated**3 - v_in**3), 0.0, 1.0)
    return np.where(v > v_out, 0.0, frac)


def solar_elevation_sin(times: pd.DatetimeIndex, lat_deg: float, lon_deg: float) -> np.ndarray:
    """Sine of the sun's elevation (NOAA low-precision formulas, error < 0.5 degree).

    The timestamp is taken as the middle of the quarter-hour ending at it (minus 7.5 min),
    the convention of the substation files; a half-step error here is harmless for trees.
    """
    t = times - pd.Timedelta(minutes=7.5)
    doy = t.dayofyear.to_numpy(np.float64)
    hour = (t.hour + t.minute / 60.0).to_numpy(np.float64)
    g = 2.0 * np.pi / 365.0 * (doy - 1.0 + (hour - 12.0) / 24.0)
    decl = (
        0.006918
        - 0.399912 * np.cos(g)
        + 0.070257 * np.sin(g)
        - 0.006758 * np.cos(2 * g)
        + 0.000907 * np.sin(2 * g)
        - 0.002697 * np.cos(3 * g)
        + 0.00148 * np.sin(3 * g)
    )
    eqtime_min = 229.18 * (
        0.000075
        + 0.001868 * np.cos(g)
        - 0.032077 * np.sin(g)
        - 0.014615 * np.cos(2 * g)
        - 0.040849 * np.sin(2 * g)
    )
    solar_time_min = hour * 60.0 + eqtime_min + 4.0 * lon_deg
    hour_angle = np.deg2rad(solar_time_min / 4.0 - 180.0)
    lat = np.deg2rad(lat_deg)
    return np.sin(lat) * np.sin(decl) + np.cos(lat) * np.cos(decl) * np.cos(hour_angle)


def clear_sky_ghi_wm2(sin_elev: np.ndarray) -> np.ndarray:
    """Haurwitz clear-sky global horizontal irradiance (W/m²) from the sine of the elevation."""
    s = np.clip(sin_elev, 0.0, None)
    with np.errstate(divide="ignore", over="ignore"):
        ghi = 1098.0 * s * np.exp(-0.057 / np.where(s > 0, s, np.inf))
    return np.where(s > 0, ghi, 0.0)


def plane_of_array_wm2(
    times: pd.DatetimeIndex,
    ghi_wm2: np.ndarray,
    lat_deg: float,
    lon_deg: float,
    tilt_deg: float = 35.0,
    azimuth_deg: float = 180.0,
) -> np.ndarray:
    """Irradiance on a south-facing 35° panel (W/m²): Erbs split of GHI into direct and
    diffuse, isotropic transposition (pvlib). PV output follows this rather than GHI, and the
    ratio changes with the season (low autumn sun), which a tree trained on summer cannot know."""
    import pvlib

    mid = times - pd.Timedelta(minutes=7.5)
    sun = pvlib.solarposition.get_solarposition(mid, lat_deg, lon_deg, method="nrel_numpy")
    ghi = pd.Series(np.nan_to_num(ghi_wm2, nan=0.0), index=mid)
    split = pvlib.irradiance.erbs(ghi, sun["zenith"], mid)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt_deg,
        azimuth_deg,
        sun["apparent_zenith"],
        sun["azimuth"],
        split["dni"],
        ghi,
        split["dhi"],
        model="isotropic",
        albedo=0.2,
    )["poa_global"].to_numpy()
    return np.where(np.isfinite(ghi_wm2), np.nan_to_num(poa, nan=0.0), np.nan)


def _radiation_wm2(radiation: np.ndarray) -> np.ndarray:
    """KNMI-style radiation is J/m² per hour (values up to ~3e6); convert to W/m²."""
    finite = radiation[np.isfinite(radiation)]
    scale = 3600.0 if finite.size and np.nanmax(finite) > 5000.0 else 1.0
    return np.clip(radiation / scale, 0.0, None)


def weather_table(series: MeasuredSeries, grid: pd.DatetimeIndex) -> pd.DataFrame:
    """Weather and derived weather features on `grid`, at the weather's own timestamps."""
    return derived_weather(series.frame.reindex(grid)[series.weather_columns], series.meta)


def derived_weather(raw: pd.DataFrame, meta: SeriesMeta) -> pd.DataFrame:
    """Raw weather columns (UTC index) plus the derived ones: radiation in W/m² (from
    `radiation`, any unit, or `radiation_wm2`), wind power fraction, sun elevation, clear-sky
    irradiance, plane-of-array irradiance and clear-sky index."""
    grid = pd.DatetimeIndex(raw.index)
    out: dict[str, np.ndarray] = {}
    for col in raw.columns:
        values = raw[col].to_numpy(np.float64)
        if col == "radiation":
            out["radiation_wm2"] = _radiation_wm2(values)
        elif col == "radiation_wm2":
            out["radiation_wm2"] = np.clip(values, 0.0, None)
        else:
            out[col] = values
    if "windspeed_100m" in out:
        out["wind_power_frac"] = wind_power_fraction(out["windspeed_100m"])
    sin_el = solar_elevation_sin(grid, meta.lat_deg, meta.lon_deg)
    out["sun_elev_sin"] = sin_el
    ghi_cs = clear_sky_ghi_wm2(sin_el)
    out["clear_sky_wm2"] = ghi_cs
    if "radiation_wm2" in out:
        out["poa_south_wm2"] = plane_of_array_wm2(
            grid, out["radiation_wm2"], meta.lat_deg, meta.lon_deg
        )
        with np.errstate(divide="ignore", invalid="ignore"):
            out["clear_sky_index"] = np.where(
                ghi_cs > 50.0, np.clip(out["radiation_wm2"] / ghi_cs, 0.0, 1.5), np.nan
            )
    return pd.DataFrame(out, index=grid)


def calendar_table(times: pd.DatetimeIndex) -> pd.DataFrame:
    """Local-clock calendar features (Europe/Amsterdam, DST-correct, Dutch public holidays)."""
    local = times.tz_convert(LOCAL_TZ)
    dates = local.normalize().tz_localize(None)
    years = sorted({int(y) for y in local.year} | {int(y) + 1 for y in local.year})
    nl = holidays.country_holidays("NL", years=years)
    hol = pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in nl))
    is_holiday = dates.isin(hol)
    weekday = local.weekday.to_numpy()
    tod_h = (local.hour + local.minute / 60.0).to_numpy(np.float64)
    is_off = (weekday >= 5) | is_holiday
    # Christmas-to-New-Year week: many firms close, load behaves like a long weekend.
    xmas = ((local.month == 12) & (local.day >= 24)) | ((local.month == 1) & (local.day <= 1))
    return pd.DataFrame(
        {
            "tod_local_h": tod_h,
            "weekday": weekday.astype(np.float64),
            "is_holiday": is_holiday.astype(np.float64),
            "is_off_day": is_off.astype(np.float64),
            "is_xmas_break": np.asarray(xmas, dtype=np.float64),
            "tod_sin": np.sin(2 * np.pi * tod_h / 24.0),
            "tod_cos": np.cos(2 * np.pi * tod_h / 24.0),
        },
        index=times,
    )


def day_ahead_features(
    series: MeasuredSeries,
    days: pd.DatetimeIndex,
    load_mw: pd.Series | None = None,
    weather_shift_steps: Mapping[str, int] | None = None,
) -> pd.DataFrame:
    """Feature table for every quarter-hour of the UTC `days`, as known at each day's issue time.

    `load_mw` overrides the series' own load (the leakage test poisons it); it is aligned on
    the series grid. `weather_shift_steps` maps a weather group ("solar", "wind", "other") to
    the number of quarter-hours the weather is read earlier than the target (see
    `estimate_weather_shifts`). Rows are indexed by target time; the column `issue_time_utc`
    is kept for checks and dropped by the model.
    """
    days = pd.DatetimeIndex(days)
    if days.tz is None:
        raise ValueError("days must be tz-aware UTC midnights")
    days = days.tz_convert("UTC")
    targets = target_index(days)
    start = min(series.frame.index[0], issue_time(days.min()) - pd.Timedelta(days=HISTORY_DAYS))
    end = max(series.frame.index[-1], targets[-1])
    grid = pd.date_range(start, end, freq=STEP, name="time_utc")
    y_series = series.frame["load_mw"] if load_mw is None else load_mw
    y = y_series.reindex(grid).to_numpy(np.float64)

    pos_t = grid.get_indexer(targets)
    issue = issue_time(days).repeat(STEPS_PER_DAY)
    pos_i = grid.get_indexer(issue)

    # Level at the issue time: last measured value at or before it, and trailing means.
    last_valid = pd.Series(y).ffill().to_numpy()
    ys = pd.Series(y)
    roll_4h = ys.rolling(16, min_periods=4).mean().to_numpy()
    roll_24h = ys.rolling(STEPS_PER_DAY, min_periods=48).mean().to_numpy()
    roll_7d = ys.rolling(7 * STEPS_PER_DAY, min_periods=2 * STEPS_PER_DAY).mean().to_numpy()
    roll_max_7d = ys.rolling(7 * STEPS_PER_DAY, min_periods=2 * STEPS_PER_DAY).max().to_numpy()
    roll_min_7d = ys.rolling(7 * STEPS_PER_DAY, min_periods=2 * STEPS_PER_DAY).min().to_numpy()
    feats: dict[str, np.ndarray] = {
        "lead_time_h": (pos_t - pos_i) * 0.25,
        "load_at_issue_mw": last_valid[pos_i],
        "load_mean_4h_mw": roll_4h[pos_i],
        "load_mean_24h_mw": roll_24h[pos_i],
        "load_mean_7d_mw": roll_7d[pos_i],
        "load_max_7d_mw": roll_max_7d[pos_i],
        "load_min_7d_mw": roll_min_7d[pos_i],
    }
    lagged: dict[int, np.ndarray] = {}
    for k in LAG_DAYS:
        pos_lag = pos_t - k * STEPS_PER_DAY
        ok = (pos_lag >= 0) & (pos_lag <= pos_i)
        lagged[k] = np.where(ok, y[np.clip(pos_lag, 0, None)], np.nan)
        feats[f"load_lag{k}d_mw"] = lagged[k]
    # Same quarter-hour, mean over the last week that is fully before the issue time (D-2..D-7).
    week = np.stack([y[np.clip(pos_t - k * STEPS_PER_DAY, 0, None)] for k in range(2, 8)])
    n_week = np.isfinite(week).sum(axis=0)
    feats["load_lag_week_mean_mw"] = np.where(
        n_week > 0, np.nansum(week, axis=0) / np.maximum(n_week, 1), np.nan
    )
    # Same quarter-hour on the last day of the same kind (workday vs weekend/holiday).
    cal = calendar_table(grid)
    off = cal["is_off_day"].to_numpy()
    same_kind = np.full(len(targets), np.nan)
    for k in range(7, 1, -1):  # seven lags at most; nearest matching day wins
        pos_lag = pos_t - k * STEPS_PER_DAY
        match = (pos_lag >= 0) & (off[np.clip(pos_lag, 0, None)] == off[pos_t])
        same_kind = np.where(match, y[np.clip(pos_lag, 0, None)], same_kind)
    feats["load_same_daytype_mw"] = same_kind

    # Weather is read between 8 days + 6 h before the first target and 6 h after the last.
    margin = pd.Timedelta(days=8) + MAX_SHIFT_STEPS * STEP
    window = grid[(grid >= targets[0] - margin) & (grid <= targets[-1] + MAX_SHIFT_STEPS * STEP)]
    wx = weather_table(series, window).reindex(grid)
    shifts = dict(weather_shift_steps or {})
    for col in wx.columns:
        w = wx[col].to_numpy()
        pos_w = pos_t - shifts.get(weather_group(col), 0)
        feats[col] = _take(w, pos_w)
        if col in DIFF_WEATHER:
            for k in (2, 7):
                feats[f"{col}_diff{k}d"] = feats[col] - _take(w, pos_w - k * STEPS_PER_DAY)
            w_week = np.stack([_take(w, pos_w - k * STEPS_PER_DAY) for k in range(2, 8)])
            feats[f"{col}_diff_week"] = feats[col] - w_week.mean(axis=0)
    for col in cal.columns:
        feats[col] = cal[col].to_numpy()[pos_t]
    _add_static(feats, series.meta, len(targets))
    out = pd.DataFrame(feats, index=targets)
    out["issue_time_utc"] = issue
    return out


def _take(values: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """values[pos], NaN where pos falls outside the array."""
    ok = (pos >= 0) & (pos < len(values))
    return np.where(ok, values[np.clip(pos, 0, len(values) - 1)], np.nan)


def weather_group(column: str) -> str:
    """Which shift a weather-derived column follows: "solar", "wind", "profile" or "other"."""
    if column in SOLAR_COLUMNS:
        return "solar"
    if column.startswith("wind"):
        return "wind"
    if column.startswith("sjv_"):
        return "profile"  # NEDU standard profiles are on the load's own clock
    return "other"


def estimate_weather_shifts(series: MeasuredSeries, end: pd.Timestamp) -> dict[str, int]:
    """Estimate, from data before `end` only, how many quarter-hours the weather leads the load.

    Why: the clocks of weather and load files do not always agree. In the substation files the
    net load reacts to wind about 3.5 h and to sun about 3 h *after* the stamped weather
    (e.g. the solar part bottoms out at 14:00 UTC while radiation peaks at 11:00 UTC). Reading
    the weather at `t - shift` restores the physical link. The shift is the lag `s` in
    [-6 h, +6 h] maximising |corr(y(t) - y(t - 2 d), w(t - s) - w(t - 2 d - s))|: the
    two-day difference removes the daily cycle that both series share, so only weather-driven
    changes count. A group whose best |corr| is below 0.2 borrows the strongest group's shift.
    Under a perfect weather forecast, reading weather a few hours earlier than the target stays
    inside the forecast horizon (the earliest target is 18 h after the issue time).
    """
    frame = series.frame[series.frame.index < end]
    if len(frame) < 4 * STEPS_PER_DAY:
        return {}
    wx = weather_table(series, frame.index)
    y = frame["load_mw"].to_numpy()
    lag = 2 * STEPS_PER_DAY
    m = MAX_SHIFT_STEPS
    dy = y[lag + m : len(y) - m] - y[m : -lag - m]
    best: dict[str, tuple[int, float]] = {}
    for group, col in (("solar", "radiation_wm2"), ("wind", "wind_power_frac")):
        if col not in wx.columns:
            continue
        w = wx[col].to_numpy()
        corrs = np.full(2 * MAX_SHIFT_STEPS + 1, 0.0)
        for i, shift in enumerate(range(-MAX_SHIFT_STEPS, MAX_SHIFT_STEPS + 1)):
            a = lag + MAX_SHIFT_STEPS - shift
            b = MAX_SHIFT_STEPS - shift
            dw = w[a : a + len(dy)] - w[b : b + len(dy)]
            ok = np.isfinite(dy) & np.isfinite(dw)
            if ok.sum() > STEPS_PER_DAY and np.std(dw[ok]) > 0 and np.std(dy[ok]) > 0:
                corrs[i] = np.corrcoef(dy[ok], dw[ok])[0, 1]
        i_best = int(np.argmax(np.abs(corrs)))
        best[group] = (i_best - MAX_SHIFT_STEPS, float(abs(corrs[i_best])))
    if not best:
        return {}
    strongest = max(best.values(), key=lambda sc: sc[1])[0]
    shifts = {g: (sc[0] if sc[1] >= 0.2 else strongest) for g, sc in best.items()}
    shifts.setdefault("solar", strongest)
    shifts.setdefault("wind", strongest)
    shifts["other"] = strongest
    return shifts


def _add_static(feats: dict[str, np.ndarray], meta: SeriesMeta, n: int) -> None:
    feats["solar_on"] = np.full(n, meta.solar_on, dtype=np.float64)
    feats["wind_on"] = np.full(n, meta.wind_on, dtype=np.float64)

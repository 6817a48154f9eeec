"""Monthly dynamic flex expectation: the coming weeks' congestion probabilities for one area.

Conditioned on the recent measured load and a weather outlook, it answers: how likely is
congestion in the coming month, on which days and hours, how many hours, how long the blocks,
how many MW and MWh. Method (docs/flexradar.md, "Monthly outlook"):

1. **Recent behaviour.** A LightGBM mean model `m(calendar, weather)` is fitted on the last
   `history_weeks` of measured load before the issue time, weighted towards the most recent
   days (half-life `half_life_days`). It carries the current level and weather response of the
   area (new solar, autumn lighting) rather than last year's.
2. **Residual days.** Out-of-fold residuals (blocked by week) of that model form a pool of
   whole residual days `e_d(t)`: they hold the intraday correlation and the level drift that
   the model does not explain. They are drawn in blocks of `residual_block_days` consecutive
   days, so multi-day level drifts carry into the scenario's monthly totals.
3. **Weather outlook → scenarios.** Either given scenarios (a table per scenario and quarter-
   hour), or analogues: blocks of `block_days` consecutive days of recent weather drawn at
   random, with the sun moved to the target date through the clear-sky index
   (`radiation = k_sampled * GHI_clear(target)`) and an outlook applied: temperature
   `+ temp_anomaly_c`, wind speed `* wind_factor`, clear-sky index `* sun_factor`.
4. **Load scenarios.** `L_s(t) = m(calendar(t), weather_s(t)) + e_{d_s}(t)`, a cube
   (S, T, 1) of the month, and congestion statistics from it with the congestion core
   (`events_from_cube`, no year-end wrap): probability of any congestion, congested hours,
   events, MWh and peak MW across scenarios (mean, P10, P50, P90), block durations, the
   probability of congestion per day and per local hour.

All random draws come from one seeded generator: the same inputs give the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import lightgbm as lgb
import numpy as np
import pandas as pd

from netruimte.errors import InputError
from netruimte.flex.forecast.data import MeasuredSeries
from netruimte.flex.forecast.features import (
    LOCAL_TZ,
    MAX_SHIFT_STEPS,
    STEPS_PER_DAY,
    calendar_table,
    clear_sky_ghi_wm2,
    derived_weather,
    estimate_weather_shifts,
    solar_elevation_sin,
    weather_group,
    wind_power_fraction,
)

STEP = pd.Timedelta(minutes=15)
DIRECTIONS = ("offtake", "feedin")


@dataclass(frozen=True)
class WeatherOutlook:
    """A simple monthly weather outlook applied to analogue weather days."""

    temp_anomaly_c: float = 0.0
    wind_factor: float = 1.0
    sun_factor: float = 1.0


@dataclass(frozen=True)
class MonthlyConfig:
    """Settings of the monthly outlook (defaults documented in docs/flexradar.md)."""

    n_scenarios: int = 200
    history_weeks: int = 8
    half_life_days: float = 14.0
    block_days: int = 3
    #: Residual days are drawn in blocks of consecutive days: a level that drifts for a week
    #: stays drifted in the scenario, so monthly totals get their true spread.
    residual_block_days: int = 7
    n_rounds: int = 200
    learning_rate: float = 0.05
    num_leaves: int = 15
    min_data_in_leaf: int = 40
    seed: int = 20260601


@dataclass
class MonthlyOutlook:
    """Result of the monthly outlook for one area."""

    summary: pd.DataFrame  # one row per direction: probabilities and quantiles across scenarios
    daily: pd.DataFrame  # per local date: P(any congested quarter-hour), expected hours
    hourly: pd.DataFrame  # per local hour: P(congested quarter-hour)
    steps: pd.DataFrame  # per quarter-hour: load P10/P50/P90, P(congestion) per direction
    load_scenarios_mw: np.ndarray  # (S, T)
    issue_time: pd.Timestamp


def _features(
    calendar: pd.DataFrame, weather: pd.DataFrame, static: dict[str, float]
) -> pd.DataFrame:
    feats = pd.concat([calendar, weather], axis=1)
    for key, value in static.items():
        feats[key] = value
    return feats


def _shifted_weather(
    derived: pd.DataFrame, targets: pd.DatetimeIndex, shifts: dict[str, int]
) -> pd.DataFrame:
    """Derived weather read at `t - shift(group)` for each target (NaN outside the table)."""
    pos_t = derived.index.get_indexer(targets)
    out = {}
    for col in derived.columns:
        w = derived[col].to_numpy()
        pos = pos_t - shifts.get(weather_group(col), 0)
        ok = (pos >= 0) & (pos < len(w)) & (pos_t >= 0)
        out[col] = np.where(ok, w[np.clip(pos, 0, len(w) - 1)], np.nan)
    return pd.DataFrame(out, index=targets)


def _lgb_params(config: MonthlyConfig) -> dict[str, object]:
    return {
        "objective": "regression",
        "learning_rate": config.learning_rate,
        "num_leaves": config.num_leaves,
        "min_data_in_leaf": config.min_data_in_leaf,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "max_bin": 63,
        "seed": config.seed,
        "deterministic": True,
        "force_col_wise": True,
        "num_threads": 1,
        "verbose": -1,
    }


def _month_axis(start: pd.Timestamp, days: int) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=days * STEPS_PER_DAY, freq=STEP, name="time_utc")


def analogue_weather(
    series: MeasuredSeries,
    pool_start: pd.Timestamp,
    pool_end: pd.Timestamp,
    axis: pd.DatetimeIndex,
    n_scenarios: int,
    block_days: int,
    outlook: WeatherOutlook,
    rng: np.random.Generator,
) -> np.ndarray:
    """Analogue weather scenarios on `axis`: (S, T, C) raw weather, columns as the series'.

    Blocks of `block_days` whole days are drawn from the weather in [pool_start, pool_end);
    radiation is carried over as clear-sky index and rescaled to the target time's clear-sky
    irradiance, then the outlook adjusts temperature, wind and sun.
    """
    cols = series.weather_columns
    pool = series.frame.loc[(series.frame.index >= pool_start) & (series.frame.index < pool_end),
                            cols]
    n_pool_days = len(pool) // STEPS_PER_DAY
    if n_pool_days < block_days:
        raise InputError("too little recent weather to draw outlook scenarios from",
                         file=series.source)
    pool = pool.iloc[: n_pool_days * STEPS_PER_DAY]
    meta = series.meta
    values = pool.to_numpy(np.float64).reshape(n_pool_days, STEPS_PER_DAY, len(cols))
    n_days = len(axis) // STEPS_PER_DAY
    n_blocks = -(-n_days // block_days)
    starts = rng.integers(0, n_pool_days - block_days + 1, size=(n_scenarios, n_blocks))
    day_idx = (starts[:, :, None] + np.arange(block_days)[None, None, :]).reshape(
        n_scenarios, -1
    )[:, :n_days]
    sampled = values[day_idx]  # (S, days, 96, C)
    sampled = sampled.reshape(n_scenarios, n_days * STEPS_PER_DAY, len(cols))
    if "radiation" in cols:
        j = cols.index("radiation")
        pool_times = pool.index
        pool_rad = derived_weather(pool[["radiation"]], meta)["radiation_wm2"].to_numpy()
        pool_cs = clear_sky_ghi_wm2(solar_elevation_sin(pool_times, meta.lat_deg, meta.lon_deg))
        with np.errstate(divide="ignore", invalid="ignore"):
            k_pool = np.where(pool_cs > 20.0, np.clip(pool_rad / pool_cs, 0.0, 1.5), 0.0)
        k = k_pool.reshape(n_pool_days, STEPS_PER_DAY)[day_idx].reshape(n_scenarios, -1)
        target_cs = clear_sky_ghi_wm2(solar_elevation_sin(axis, meta.lat_deg, meta.lon_deg))
        sampled[:, :, j] = (
            np.clip(k * outlook.sun_factor, 0.0, 1.5) * target_cs[None, :]
            * radiation_scale(series)
        )
    for j, col in enumerate(cols):
        if col.startswith("windspeed"):
            sampled[:, :, j] *= outlook.wind_factor
        elif col == "temp":
            sampled[:, :, j] += outlook.temp_anomaly_c
    return sampled


def _scenario_features(
    raw: np.ndarray,
    wide: pd.DatetimeIndex,
    axis: pd.DatetimeIndex,
    series: MeasuredSeries,
    shifts: dict[str, int],
    static: dict[str, float],
    columns: list[str],
) -> np.ndarray:
    """Model features for every scenario and step, (S * T, F), in `columns` order.

    The derived weather of `derived_weather` (without the plane-of-array irradiance), computed
    for all scenarios at once: the solar geometry is shared, the rest is elementwise.
    """
    n_s = raw.shape[0]
    meta = series.meta
    cols = series.weather_columns
    sin_el = solar_elevation_sin(wide, meta.lat_deg, meta.lon_deg)
    ghi_cs = clear_sky_ghi_wm2(sin_el)
    derived: dict[str, np.ndarray] = {}
    for j, col in enumerate(cols):
        if col == "radiation":
            derived["radiation_wm2"] = np.clip(raw[:, :, j] / radiation_scale(series), 0.0, None)
        else:
            derived[col] = raw[:, :, j]
    if "windspeed_100m" in derived:
        derived["wind_power_frac"] = wind_power_fraction(derived["windspeed_100m"])
    derived["sun_elev_sin"] = np.broadcast_to(sin_el, (n_s, len(wide)))
    derived["clear_sky_wm2"] = np.broadcast_to(ghi_cs, (n_s, len(wide)))
    if "radiation_wm2" in derived:
        with np.errstate(divide="ignore", invalid="ignore"):
            derived["clear_sky_index"] = np.where(
                ghi_cs > 50.0, np.clip(derived["radiation_wm2"] / ghi_cs, 0.0, 1.5), np.nan
            )
    cal = calendar_table(axis)
    pos_t = wide.get_indexer(axis)
    out = np.empty((n_s, len(axis), len(columns)), dtype=np.float32)
    for f, name in enumerate(columns):  # per feature column (a few dozen)
        if name in cal.columns:
            out[:, :, f] = cal[name].to_numpy()[None, :]
        elif name in static:
            out[:, :, f] = static[name]
        elif name in derived:
            pos = np.clip(pos_t - shifts.get(weather_group(name), 0), 0, len(wide) - 1)
            out[:, :, f] = derived[name][:, pos]
        else:
            out[:, :, f] = np.nan
    return out.reshape(n_s * len(axis), len(columns))


def radiation_scale(series: MeasuredSeries) -> float:
    """Divisor from the series' radiation unit to W/m² (3600 for J/m² per hour)."""
    if "radiation" not in series.frame.columns:
        return 1.0
    values = series.frame["radiation"].to_numpy(np.float64)
    finite = values[np.isfinite(values)]
    return 3600.0 if finite.size and np.nanmax(finite) > 5000.0 else 1.0


def monthly_outlook(
    series: MeasuredSeries,
    start: str | pd.Timestamp,
    capacity_mw: float | None,
    feedin_capacity_mw: float | None = None,
    days: int = 30,
    outlook: WeatherOutlook | None = None,
    weather_scenarios: np.ndarray | None = None,
    config: MonthlyConfig | None = None,
    issue_time: pd.Timestamp | None = None,
) -> MonthlyOutlook:
    """Congestion probabilities for the `days` days from `start` (a UTC midnight).

    Uses load before `issue_time` (default: `start - 18 h`, i.e. D-1 06:00 UTC as the
    flexradar). `weather_scenarios`, if given, is an (S, T, C) array of raw weather on the
    month's quarter-hours in the series' weather columns (e.g. the measured weather as a
    perfect outlook); otherwise analogue scenarios with `outlook` are drawn.
    """
    config = config or MonthlyConfig()
    outlook = outlook or WeatherOutlook()
    start = pd.Timestamp(start)
    start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    issue = issue_time if issue_time is not None else start - pd.Timedelta(hours=18)
    rng = np.random.default_rng(config.seed)
    frame = series.frame
    hist_start = issue - pd.Timedelta(weeks=config.history_weeks)
    hist = frame[(frame.index >= hist_start) & (frame.index < issue)]
    known = hist["load_mw"].notna().to_numpy()
    if known.sum() < 14 * STEPS_PER_DAY:
        raise InputError(
            f"too little recent load: {known.sum() / STEPS_PER_DAY:.1f} days in the "
            f"{config.history_weeks} weeks before {issue} (14 needed)",
            file=series.source, column="load",
        )
    shifts = estimate_weather_shifts(series, issue)
    static = {"solar_on": series.meta.solar_on, "wind_on": series.meta.wind_on}

    # 1. recent-behaviour model on the history window
    hist_times = hist.index[known]
    derived_hist = derived_weather(frame[series.weather_columns], series.meta).drop(
        columns=["poa_south_wm2"], errors="ignore"
    )
    x_hist = _features(
        calendar_table(hist_times), _shifted_weather(derived_hist, hist_times, shifts), static
    )
    columns = list(x_hist.columns)
    y_hist = hist["load_mw"].to_numpy()[known]
    age_days = (issue - hist_times).total_seconds().to_numpy() / 86400.0
    weight = 0.5 ** (age_days / config.half_life_days)
    params = _lgb_params(config)
    x_np = x_hist.to_numpy(np.float32)
    model = lgb.train(params, lgb.Dataset(x_np, y_hist, weight=weight), config.n_rounds)

    # 2. out-of-fold residual days, folds = calendar weeks of the history
    week = ((hist_times - hist_start) // pd.Timedelta(weeks=1)).to_numpy()
    resid = np.full(len(y_hist), np.nan)
    for w in np.unique(week):  # one fit per week of history (a handful), not per step
        test = week == w
        fold = lgb.train(params, lgb.Dataset(x_np[~test], y_hist[~test], weight=weight[~test]),
                         config.n_rounds)
        resid[test] = y_hist[test] - fold.predict(x_np[test], num_threads=1)
    day_of = ((hist_times - hist_times[0].floor("D")) // pd.Timedelta(days=1)).to_numpy()
    slot = ((hist_times - hist_times.floor("D")) // STEP).to_numpy()
    n_hist_days = int(day_of.max()) + 1
    resid_days = np.full((n_hist_days, STEPS_PER_DAY), np.nan)
    resid_days[day_of, slot] = resid
    complete = np.isfinite(resid_days).all(axis=1)
    if complete.sum() < 5:
        raise InputError("too few complete days of recent load for the residual pool",
                         file=series.source, column="load")
    # Keep the days in order (blocks of consecutive days are drawn); unmeasured steps count 0.
    resid_days = np.nan_to_num(resid_days[int(np.argmax(complete)):], nan=0.0)

    # 3. weather scenarios on the month (plus the shift margin before it)
    axis = _month_axis(start, days)
    pad = MAX_SHIFT_STEPS
    wide = pd.date_range(axis[0] - pad * STEP, axis[-1] + pad * STEP, freq=STEP)
    if weather_scenarios is None:
        pool_start = issue - pd.Timedelta(weeks=config.history_weeks)
        wide_days = -(-len(wide) // STEPS_PER_DAY)
        wide_axis = pd.date_range(wide[0], periods=wide_days * STEPS_PER_DAY, freq=STEP)
        raw = analogue_weather(series, pool_start, issue, wide_axis, config.n_scenarios,
                               config.block_days, outlook, rng)[:, : len(wide)]
    else:
        given = np.asarray(weather_scenarios, dtype=np.float64)
        if given.ndim != 3 or given.shape[1] != len(axis):
            raise InputError(
                f"weather scenarios must be (S, {len(axis)}, {len(series.weather_columns)})"
            )
        edge_lo = np.repeat(given[:, :1], pad, axis=1)
        edge_hi = np.repeat(given[:, -1:], pad, axis=1)
        raw = np.concatenate([edge_lo, given, edge_hi], axis=1)
    n_s = raw.shape[0]

    # 4. load scenarios: model on each scenario's weather + a drawn residual day per day
    x_all = _scenario_features(raw, wide, axis, series, shifts, static, columns)
    mean_mw = model.predict(x_all, num_threads=1).reshape(n_s, len(axis))
    block = max(1, min(config.residual_block_days, len(resid_days)))
    n_blocks = -(-days // block)
    first = rng.integers(0, len(resid_days) - block + 1, size=(n_s, n_blocks))
    draw = (first[:, :, None] + np.arange(block)[None, None, :]).reshape(n_s, -1)[:, :days]
    noise = resid_days[draw].reshape(n_s, len(axis))
    load = mean_mw + noise
    return summarise_scenarios(load, axis, capacity_mw, feedin_capacity_mw, issue)


def summarise_scenarios(
    load_mw: np.ndarray,
    axis: pd.DatetimeIndex,
    capacity_mw: float | None,
    feedin_capacity_mw: float | None,
    issue: pd.Timestamp,
) -> MonthlyOutlook:
    """Congestion statistics of load scenarios (S, T) against the capacities."""
    from netruimte.congestion.events import events_from_cube

    n_s = load_mw.shape[0]
    local = axis.tz_convert(LOCAL_TZ)
    local_day = local.normalize().tz_localize(None)
    day_codes, day_labels = pd.factorize(local_day)
    hours = local.hour.to_numpy()
    steps = pd.DataFrame(
        {
            "p10_mw": np.percentile(load_mw, 10, axis=0),
            "p50_mw": np.percentile(load_mw, 50, axis=0),
            "p90_mw": np.percentile(load_mw, 90, axis=0),
        },
        index=axis,
    )
    rows, daily, hourly = [], {"date_local": day_labels.date}, {"hour_local": np.arange(24)}
    for direction, cap in zip(DIRECTIONS, (capacity_mw, feedin_capacity_mw), strict=True):
        if cap is None:
            continue
        cube = load_mw[:, :, None]
        events, _ = events_from_cube(cube, np.array([cap], dtype=np.float64), direction,
                                     wrap=False)
        congested = load_mw > cap if direction == "offtake" else load_mw < -cap
        excess = (np.maximum(load_mw - cap, 0.0) if direction == "offtake"
                  else np.maximum(-cap - load_mw, 0.0))
        hours_s = congested.sum(axis=1) * 0.25
        mwh_s = excess.sum(axis=1) * 0.25
        peak_s = excess.max(axis=1)
        n_events_s = np.bincount(events.series, minlength=n_s)
        durations = events.duration_h
        row = {
            "direction": direction,
            "capacity_mw": float(cap),
            "p_any_congestion": float(np.mean(n_events_s > 0)),
            "scenarios": n_s,
        }
        for name, values in (("hours", hours_s), ("events", n_events_s), ("mwh", mwh_s),
                             ("peak_mw", peak_s)):
            row[f"{name}_mean"] = float(np.mean(values))
            for p in (10, 50, 90):
                row[f"{name}_p{p}"] = float(np.percentile(values, p))
        row["duration_h_p50"] = float(np.percentile(durations, 50)) if len(durations) else 0.0
        row["duration_h_p95"] = float(np.percentile(durations, 95)) if len(durations) else 0.0
        rows.append(row)
        steps[f"p_congestion_{direction}"] = congested.mean(axis=0)
        day_starts = np.flatnonzero(np.r_[True, day_codes[1:] != day_codes[:-1]])
        per_day = np.logical_or.reduceat(congested, day_starts, axis=1)
        daily[f"p_congestion_day_{direction}"] = per_day.mean(axis=0)
        daily[f"expected_hours_{direction}"] = (
            np.bincount(day_codes, weights=congested.mean(axis=0), minlength=len(day_labels))
            * 0.25
        )
        per_hour = np.bincount(hours, weights=congested.mean(axis=0), minlength=24)
        count_hour = np.bincount(hours, minlength=24)
        with np.errstate(invalid="ignore", divide="ignore"):
            hourly[f"p_congestion_{direction}"] = np.where(count_hour > 0,
                                                           per_hour / count_hour, 0.0)
    return MonthlyOutlook(
        summary=pd.DataFrame(rows),
        daily=pd.DataFrame(daily),
        hourly=pd.DataFrame(hourly),
        steps=steps,
        load_scenarios_mw=load_mw,
        issue_time=issue,
    )

"""Train and apply the day-ahead quantile model of the flexradar (LightGBM, one series).

Model (all choices made on training data only; see docs/flexradar.md):

1. **Two families of LightGBM quantile regressors**, averaged per quantile:
   * *level*: predicts the load `y(t)` itself;
   * *week-referenced*: predicts `y(t) - r(t)` with `r(t)` the mean same-quarter-hour load of
     D-2..D-7 (all before the issue time), and adds `r(t)` back. Differencing against recent
     load follows regime changes (a new generator, autumn lighting) that a level model trained
     on older weeks misses; the level model is better where the load is a stable function of
     weather and calendar. Their average beats each alone.
2. Each family fits the levels `FIT_QUANTILES` (0.1, 0.3, 0.5, 0.7, 0.9) with the pinball loss;
   the even deciles are linear interpolations in `tau`.
3. **Quantile crossing** is removed by sorting each row (the rearrangement of Chernozhukov et al.,
   which never increases the pinball loss).
4. **Calibration** (normalised split-conformal, rolling): the training window is split like
   the backtest (first 75% / last 25%, at a UTC midnight); models fitted on the first part
   predict the second. For every level `tau != 0.5` a factor `s_tau` is chosen so that the
   share of actuals below `q50 + s_tau (q_tau - q50)` equals the target level (`tau` moved
   `calibration_margin` = 0.2 of the way to its tail). The final models are refitted on the
   whole window. Each forecast day is recalibrated on the out-of-sample errors of the last
   `recalibration_days` = 14 days before its issue time (the holdout, then earlier forecast
   days whose load is known by then), so the interval width follows the recent error level.
   Margin, weighting and window were chosen on the dev protocol (inside the training window).

Everything is seeded (`seed`, `deterministic=True`, fixed thread count), so two runs on the
same data give identical numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import lightgbm as lgb
import numpy as np
import pandas as pd

from netruimte.flex.forecast.data import MeasuredSeries
from netruimte.flex.forecast.features import (
    STEPS_PER_DAY,
    day_ahead_features,
    estimate_weather_shifts,
    issue_time,
)
from netruimte.flex.forecast.flexradar import QUANTILE_COLUMNS, QUANTILES

FIT_QUANTILES = (0.1, 0.3, 0.5, 0.7, 0.9)
REFERENCE_COLUMN = "load_lag_week_mean_mw"
FAMILIES = ("level", "weekref")
#: Fewest days of measured load the flexradar trains on (calibration needs a holdout too).
MIN_TRAIN_DAYS = 14


@dataclass(frozen=True)
class FlexradarConfig:
    """Hyperparameters of the day-ahead model (defaults chosen on training data only)."""

    families: tuple[str, ...] = FAMILIES
    fit_quantiles: tuple[float, ...] = FIT_QUANTILES
    n_rounds: int = 200
    learning_rate: float = 0.075
    num_leaves: int = 15
    min_data_in_leaf: int = 50
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8
    max_bin: int = 63
    seed: int = 20260601
    num_threads: int = 1  # OpenMP threads spin badly on a busy machine; 1 is robust
    calibrate: bool = True
    calibration_margin: float = 0.2
    calibration_weighting: str = "count"
    #: Recalibrate every forecast day on the out-of-sample errors of the last this many days
    #: before its issue time (holdout first, then earlier forecast days); None = holdout only.
    recalibration_days: int | None = 14
    #: Width floor in the calibration, as a share of the training load range (avoids 0/0).
    width_floor_share: float = 0.01

    def lgb_params(self, alpha: float) -> dict[str, object]:
        """LightGBM parameters for the pinball loss at level `alpha`."""
        return {
            "objective": "quantile",
            "alpha": alpha,
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "feature_fraction": self.feature_fraction,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": 1,
            "max_bin": self.max_bin,
            "seed": self.seed,
            "deterministic": True,
            "force_col_wise": True,
            "num_threads": self.num_threads,
            "verbose": -1,
        }


@dataclass
class FlexradarModel:
    """A trained day-ahead quantile model for one measured series."""

    config: FlexradarConfig
    series_name: str
    feature_columns: list[str]
    weather_shift_steps: dict[str, int]
    boosters: dict[str, list[lgb.Booster]]
    scales: np.ndarray  # calibration factor per fitted quantile (1 for the median)
    width_floor_mw: float
    fallback_reference_mw: float
    train_end: pd.Timestamp
    n_train_rows: int
    diagnostics: dict[str, float] = field(default_factory=dict)
    #: Out-of-sample holdout pairs for recalibration: raw quantiles, actuals, target times.
    calib_raw: np.ndarray | None = None
    calib_actual_mw: np.ndarray | None = None
    calib_time: pd.DatetimeIndex | None = None


def training_days(series: MeasuredSeries, train_end: pd.Timestamp) -> pd.DatetimeIndex:
    """UTC days with at least one measured quarter-hour before `train_end`."""
    frame = series.frame
    obs = frame.index[frame["load_mw"].notna().to_numpy() & (frame.index < train_end)]
    if len(obs) == 0:
        return pd.DatetimeIndex([], tz="UTC")
    return pd.date_range(obs[0].floor("D"), obs[-1].floor("D"), freq="D")


def _training_table(
    series: MeasuredSeries, train_end: pd.Timestamp, shifts: dict[str, int]
) -> tuple[pd.DataFrame, np.ndarray]:
    days = training_days(series, train_end)
    feats = day_ahead_features(series, days, weather_shift_steps=shifts)
    y = series.frame["load_mw"].reindex(feats.index).to_numpy(np.float64)
    keep = np.isfinite(y) & (feats.index < train_end)
    return feats.loc[keep], y[keep]


def _reference(feats: pd.DataFrame, family: str, fallback_mw: float) -> np.ndarray:
    if family == "level":
        return np.zeros(len(feats))
    if family == "weekref":
        return np.nan_to_num(feats[REFERENCE_COLUMN].to_numpy(np.float64), nan=fallback_mw)
    raise ValueError(f"unknown model family {family!r}")


def _fit_families(
    x: np.ndarray, feats: pd.DataFrame, y: np.ndarray, config: FlexradarConfig, fallback_mw: float
) -> dict[str, list[lgb.Booster]]:
    boosters: dict[str, list[lgb.Booster]] = {}
    for family in config.families:
        target = y - _reference(feats, family, fallback_mw)
        data = lgb.Dataset(
            x, target, params={"max_bin": config.max_bin, "verbose": -1}, free_raw_data=False
        )
        boosters[family] = [
            lgb.train(config.lgb_params(alpha), data, num_boost_round=config.n_rounds)
            for alpha in config.fit_quantiles
        ]
    return boosters


def _predict_raw(
    boosters: dict[str, list[lgb.Booster]],
    x: np.ndarray,
    feats: pd.DataFrame,
    fallback_mw: float,
    num_threads: int,
) -> np.ndarray:
    """Family-averaged, sorted predictions at the fitted levels, shape (n, n_fit)."""
    per_family = [
        np.stack([b.predict(x, num_threads=num_threads) for b in models], axis=1)
        + _reference(feats, family, fallback_mw)[:, None]
        for family, models in boosters.items()
    ]
    return np.sort(np.mean(per_family, axis=0), axis=1)


def _median_index(levels: tuple[float, ...]) -> int:
    if 0.5 not in levels:
        raise ValueError("the fitted quantiles must include 0.5")
    return levels.index(0.5)


def _signed_width(raw: np.ndarray, levels: np.ndarray, i_med: int, floor_mw: float) -> np.ndarray:
    """q_tau - q50, pushed at least `floor_mw` away from 0 on the correct side."""
    width = raw - raw[:, [i_med]]
    lower = levels < 0.5
    upper = levels > 0.5
    width = np.where(lower, np.minimum(width, -floor_mw), width)
    width = np.where(upper, np.maximum(width, floor_mw), width)
    return np.where(lower | upper, width, 0.0)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, level: float) -> float:
    """The `level` quantile of `values` under non-negative `weights` (midpoint interpolation)."""
    order = np.argsort(values, kind="stable")
    v, w = values[order], weights[order]
    cum = np.cumsum(w) - 0.5 * w
    return float(np.interp(level * w.sum(), cum, v))


def calibration_scales(
    raw: np.ndarray,
    actual_mw: np.ndarray,
    levels: tuple[float, ...],
    margin: float,
    floor_mw: float,
    weighting: str = "count",
) -> np.ndarray:
    """Factors `s_tau` for `q50 + s_tau (q_tau - q50)` from a holdout.

    With the width `w = q_tau - q50` and `r = (y - q50) / w`: for `tau > 0.5` the actual lies
    below the calibrated quantile iff `r < s`, for `tau < 0.5` (negative width) iff `r > s`.
    `weighting="count"` (default) makes the share of actuals below equal the target level
    (plain normalised conformal). `weighting="width"` weighs each holdout step by `|w|`:
    that `s` minimises the holdout pinball loss of the calibrated quantile (its first-order
    condition is the `|w|`-weighted share), and steps whose predicted width is nearly zero,
    where `r` explodes, no longer decide the factor. The target level is `tau` moved `margin`
    of the way to its tail: `tau (1 - margin)` below the median, `1 - (1 - tau)(1 - margin)`
    above it.
    """
    lv = np.asarray(levels, dtype=np.float64)
    i_med = _median_index(tuple(levels))
    width = _signed_width(raw, lv, i_med, floor_mw)
    scales = np.ones(len(lv))
    y = np.asarray(actual_mw, dtype=np.float64)
    for i, tau in enumerate(lv):
        if tau == 0.5:
            continue
        r = (y - raw[:, i_med]) / width[:, i]
        weights = np.abs(width[:, i]) if weighting == "width" else np.ones(len(r))
        if tau < 0.5:
            level = 1.0 - tau * (1.0 - margin)
        else:
            level = 1.0 - (1.0 - tau) * (1.0 - margin)
        scales[i] = weighted_quantile(r, weights, level)
    # A negative factor would flip a tail over the median: keep a sliver of width instead.
    return np.maximum(scales, 0.05)


def apply_calibration(
    raw: np.ndarray, scales: np.ndarray, levels: tuple[float, ...], floor_mw: float
) -> np.ndarray:
    """`q50 + s_tau (q_tau - q50)`, sorted per row (`scales` per level, or per row and level)."""
    lv = np.asarray(levels, dtype=np.float64)
    i_med = _median_index(tuple(levels))
    width = _signed_width(raw, lv, i_med, floor_mw)
    factors = scales if np.ndim(scales) == 2 else np.asarray(scales)[None, :]
    return np.sort(raw[:, [i_med]] + factors * width, axis=1)


def to_deciles(fitted: np.ndarray, levels: tuple[float, ...]) -> np.ndarray:
    """Linear interpolation in tau from the fitted levels to the deciles 0.1..0.9."""
    lv = np.asarray(levels, dtype=np.float64)
    target = np.asarray(QUANTILES)
    j = np.clip(np.searchsorted(lv, target, side="right") - 1, 0, len(lv) - 2)
    w = np.clip((target - lv[j]) / (lv[j + 1] - lv[j]), 0.0, 1.0)
    return fitted[:, j] * (1.0 - w) + fitted[:, j + 1] * w


def _inner_split(index: pd.DatetimeIndex) -> pd.Timestamp:
    t0, t1 = index[0], index[-1]
    return (t0 + 0.75 * (t1 - t0)).ceil("D")


def train_flexradar(
    series: MeasuredSeries,
    train_end: pd.Timestamp | None = None,
    config: FlexradarConfig | None = None,
) -> FlexradarModel:
    """Fit the day-ahead model on all measured load before `train_end` (default: all of it).

    Only target quarter-hours before `train_end` are used; their features use load up to their
    own issue time, so nothing at or after `train_end` enters. Raises ValueError when fewer
    than `MIN_TRAIN_DAYS` days of load are available.
    """
    config = config or FlexradarConfig()
    frame = series.frame
    if train_end is None:
        train_end = frame.index[frame["load_mw"].notna().to_numpy()][-1] + pd.Timedelta(minutes=15)
    shifts = estimate_weather_shifts(series, train_end)
    feats, y = _training_table(series, train_end, shifts)
    if len(y) < MIN_TRAIN_DAYS * STEPS_PER_DAY:
        raise ValueError(
            f"{series.meta.name}: {len(y) / STEPS_PER_DAY:.1f} days of measured load before "
            f"{train_end}; the flexradar needs at least {MIN_TRAIN_DAYS}"
        )
    columns = [c for c in feats.columns if c != "issue_time_utc"]
    x = feats[columns].to_numpy(np.float32)
    fallback = float(np.mean(y))
    y_range = float(np.percentile(y, 99) - np.percentile(y, 1))
    floor_mw = config.width_floor_share * max(y_range, 1e-6)

    scales = np.ones(len(config.fit_quantiles))
    diagnostics: dict[str, float] = {}
    calib: tuple[np.ndarray, np.ndarray, pd.DatetimeIndex] | tuple[None, None, None] = (
        None, None, None
    )
    if config.calibrate:
        cut = _inner_split(feats.index)
        inner = np.asarray(feats.index < cut)
        if inner.sum() >= 7 * STEPS_PER_DAY and (~inner).sum() >= 3 * STEPS_PER_DAY:
            inner_models = _fit_families(x[inner], feats.loc[inner], y[inner], config, fallback)
            raw_hold = _predict_raw(
                inner_models, x[~inner], feats.loc[~inner], fallback, config.num_threads
            )
            scales = calibration_scales(
                raw_hold, y[~inner], config.fit_quantiles, config.calibration_margin, floor_mw,
                config.calibration_weighting,
            )
            lo, hi = raw_hold[:, 0], raw_hold[:, -1]
            diagnostics["holdout_days"] = float((~inner).sum() / STEPS_PER_DAY)
            inside = (y[~inner] >= lo) & (y[~inner] <= hi)
            diagnostics["holdout_raw_cov80"] = float(np.mean(inside))
            calib = (raw_hold, y[~inner], feats.index[~inner])
    boosters = _fit_families(x, feats, y, config, fallback)
    return FlexradarModel(
        config=config,
        series_name=series.meta.name,
        feature_columns=columns,
        weather_shift_steps=shifts,
        boosters=boosters,
        scales=scales,
        width_floor_mw=floor_mw,
        fallback_reference_mw=fallback,
        train_end=pd.Timestamp(train_end),
        n_train_rows=len(y),
        diagnostics=diagnostics,
        calib_raw=calib[0],
        calib_actual_mw=calib[1],
        calib_time=calib[2],
    )


def predict_flexradar(
    model: FlexradarModel, series: MeasuredSeries, days: pd.DatetimeIndex
) -> pd.DataFrame:
    """Deciles P10..P90 (MW) for every quarter-hour of the UTC `days`, each issued at D-1 06:00.

    The series supplies load history (only values up to each issue time are read) and the
    weather forecast for the target days. With `recalibration_days`, each day's calibration
    factors come from the out-of-sample errors of the last that many days before its issue
    time: the training holdout, then earlier days of this call whose load is known by then.
    """
    feats = day_ahead_features(series, days, weather_shift_steps=model.weather_shift_steps)
    x = feats[model.feature_columns].to_numpy(np.float32)
    raw = _predict_raw(
        model.boosters, x, feats, model.fallback_reference_mw, model.config.num_threads
    )
    levels = model.config.fit_quantiles
    scales = _scales_per_row(model, series, feats.index, feats["issue_time_utc"], raw)
    fitted = apply_calibration(raw, scales, levels, model.width_floor_mw)
    deciles = to_deciles(fitted, levels)
    out = pd.DataFrame(deciles, index=feats.index, columns=list(QUANTILE_COLUMNS))
    out["issue_time_utc"] = feats["issue_time_utc"].to_numpy()
    return out


def _scales_per_row(
    model: FlexradarModel,
    series: MeasuredSeries,
    times: pd.DatetimeIndex,
    issues: pd.Series,
    raw: np.ndarray,
) -> np.ndarray:
    """Calibration factors for each row: fixed, or recomputed per issue time (rolling)."""
    config = model.config
    fixed = np.broadcast_to(model.scales, raw.shape)
    if not config.calibrate or config.recalibration_days is None or model.calib_raw is None:
        return fixed
    actual_now = series.frame["load_mw"].reindex(times).to_numpy(np.float64)
    pool_raw = np.concatenate([model.calib_raw, raw])
    pool_y = np.concatenate([model.calib_actual_mw, actual_now])
    pool_t = np.concatenate([model.calib_time.asi8, times.asi8])
    issue_ns = pd.DatetimeIndex(issues).asi8
    window_ns = pd.Timedelta(days=config.recalibration_days).value
    out = np.empty_like(raw)
    for issue in np.unique(issue_ns):  # once per forecast day, vectorised inside
        rows = issue_ns == issue
        use = (pool_t <= issue) & (pool_t > issue - window_ns) & np.isfinite(pool_y)
        if use.sum() < 3 * STEPS_PER_DAY:
            out[rows] = model.scales
            continue
        out[rows] = calibration_scales(
            pool_raw[use], pool_y[use], config.fit_quantiles, config.calibration_margin,
            model.width_floor_mw, config.calibration_weighting,
        )
    return out


def with_config(**changes: object) -> FlexradarConfig:
    """A default config with some fields changed (for benchmarks and experiments)."""
    return replace(FlexradarConfig(), **changes)


__all__ = [
    "FlexradarConfig",
    "FlexradarModel",
    "apply_calibration",
    "calibration_scales",
    "issue_time",
    "predict_flexradar",
    "to_deciles",
    "train_flexradar",
]

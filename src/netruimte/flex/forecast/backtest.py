"""The day-ahead backtest protocol, shared with the peer measurement (OpenSTEF 3.4.93).

Per series:

* `[t0, t1]` is the span of *observed* load; the split is `t0 + 0.75 (t1 - t0)` rounded up to
  a UTC midnight. The model trains on everything before the split.
* The test days are the whole UTC days from the split on that lie inside `[t0, t1]`.
* Each quarter-hour of test day D is forecast at D-1 06:00 UTC (lead 18 to 41.75 h) with load
  up to that moment only. Weather at the target time is the measured weather, used as a
  *perfect forecast*: real figures will be somewhat worse.
* Baselines in the same run: persistence 7 days and 2 days back (load at `t - 7 d`, `t - 2 d`;
  both are before the issue time).
* Congestion threshold for the Brier score: P95 of the actual load over the test window (so
  the event rate is 5%, the climatological Brier score is 0.0475).

`dev=True` applies the same protocol inside the training window (train on its first 75%,
test on the rest): this is where model choices are made, never on the test window.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.flex.forecast import metrics
from netruimte.flex.forecast.data import MeasuredSeries, read_measured_load
from netruimte.flex.forecast.features import target_index
from netruimte.flex.forecast.flexradar import exceedance_probability
from netruimte.flex.forecast.model import FlexradarConfig, predict_flexradar, train_flexradar

STEP = pd.Timedelta(minutes=15)


@dataclass(frozen=True)
class Split:
    """Train/test split of one series."""

    split: pd.Timestamp  # training uses load strictly before this UTC midnight
    test_days: pd.DatetimeIndex  # whole UTC days inside the observed span


def protocol_split(t0: pd.Timestamp, t1: pd.Timestamp) -> Split:
    """Split at `t0 + 0.75 (t1 - t0)` rounded up to a UTC day; test on the whole days after it."""
    split = (t0 + 0.75 * (t1 - t0)).ceil("D")
    last_day = (t1 + STEP).floor("D") - pd.Timedelta(days=1)  # its 23:45 is <= t1
    return Split(split=split, test_days=pd.date_range(split, last_day, freq="D"))


def series_split(series: MeasuredSeries, dev: bool = False) -> Split:
    """The protocol split of a series; with `dev`, the split applied inside its training part."""
    t0, t1 = series.observed_span()
    outer = protocol_split(t0, t1)
    if not dev:
        return outer
    return protocol_split(t0, outer.split - STEP)


def restrict_to(series: MeasuredSeries, end: pd.Timestamp) -> MeasuredSeries:
    """The series with load at or after `end` removed (weather kept): for dev runs."""
    frame = series.frame.copy()
    frame.loc[frame.index >= end, "load_mw"] = np.nan
    return MeasuredSeries(frame=frame, meta=series.meta, source=series.source)


def persistence_mw(series: MeasuredSeries, targets: pd.DatetimeIndex, days_back: int) -> np.ndarray:
    """Load `days_back` days before each target (known at the issue time for days_back >= 2)."""
    load = series.frame["load_mw"]
    return load.reindex(targets - pd.Timedelta(days=days_back)).to_numpy(np.float64)


def backtest_series(
    series: MeasuredSeries, config: FlexradarConfig | None = None, dev: bool = False
) -> dict[str, object]:
    """Train, forecast the test days and score ours and both persistence baselines."""
    split = series_split(series, dev=dev)
    if dev:
        t0, t1 = series.observed_span()
        series = restrict_to(series, protocol_split(t0, t1).split)
    started = time.perf_counter()
    model = train_flexradar(series, train_end=split.split, config=config)
    quant = predict_flexradar(model, series, split.test_days)
    seconds = time.perf_counter() - started
    targets = target_index(split.test_days)
    actual = series.frame["load_mw"].reindex(targets).to_numpy(np.float64)
    ok = np.isfinite(actual)
    actual = actual[ok]
    q = quant.drop(columns="issue_time_utc").to_numpy(np.float64)[ok]
    threshold = float(np.percentile(actual, 95))
    prob = exceedance_probability(q, threshold)
    ours = metrics.score_quantiles(actual, q[:, 0], q[:, 4], q[:, 8], prob, threshold)
    out: dict[str, object] = {
        "series": series.meta.name,
        "split": split.split,
        "test_days": len(split.test_days),
        "threshold_mw": threshold,
        "seconds": seconds,
        "ours": ours,
        "shifts": model.weather_shift_steps,
        "scales": model.scales.tolist(),
        "quantiles": quant,
    }
    for days_back in (7, 2):
        point = persistence_mw(series, targets, days_back)[ok]
        out[f"persist{days_back}d"] = metrics.score_point(actual, point, threshold)
    return out


def backtest_files(
    paths: list[Path], config: FlexradarConfig | None = None, dev: bool = False
) -> list[dict[str, object]]:
    """Backtest every file (one series each), in the given order."""
    return [backtest_series(read_measured_load(p), config=config, dev=dev) for p in paths]


def results_table(results: list[dict[str, object]]) -> pd.DataFrame:
    """One row per series and method, with the five scores, plus a 'mean' row per method."""
    rows = []
    for res in results:
        for method in ("ours", "persist7d", "persist2d"):
            scores = res[method]
            assert isinstance(scores, dict)
            rows.append({"series": res["series"], "method": method, **scores})
    table = pd.DataFrame(rows)
    means = table.groupby("method", sort=False).mean(numeric_only=True).reset_index()
    means["series"] = "mean"
    return pd.concat([table, means], ignore_index=True)

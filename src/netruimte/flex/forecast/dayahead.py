"""The day-ahead flexradar for one area with measured load: validate, train, forecast, table.

This is the function the CLI (`netruimte flexradar`) and the main job call. It takes a
measured series (load history and a weather forecast for the target day), trains the quantile
model on all load up to the issue time D-1 06:00 UTC and returns the flexradar table of day D.
"""

from __future__ import annotations

import pandas as pd

from netruimte.errors import InputError
from netruimte.flex.forecast.data import MeasuredSeries
from netruimte.flex.forecast.features import STEPS_PER_DAY, issue_time, target_index
from netruimte.flex.forecast.flexradar import flexradar_table
from netruimte.flex.forecast.model import (
    MIN_TRAIN_DAYS,
    FlexradarConfig,
    FlexradarModel,
    predict_flexradar,
    train_flexradar,
)

STEP = pd.Timedelta(minutes=15)


def parse_day(value: str | pd.Timestamp, source: str | None = None) -> pd.Timestamp:
    """A forecast day as a UTC midnight; InputError when it is not a date."""
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"not a date: {value!r} (use YYYY-MM-DD)", file=source) from exc
    if day.tzinfo is None:
        day = day.tz_localize("UTC")
    day = day.tz_convert("UTC")
    if day != day.floor("D"):
        raise InputError(f"the date {value!r} must be a UTC day (YYYY-MM-DD)", file=source)
    return day


def check_forecastable(series: MeasuredSeries, day: pd.Timestamp) -> None:
    """Raise InputError unless `day` can be forecast from `series` at D-1 06:00 UTC.

    Needs: the day inside the file (its weather forecast rows; a load-only file may end at
    the issue time, the model then uses calendar and load only), weather values on every
    quarter-hour of the day for each weather column, at least `MIN_TRAIN_DAYS` days of
    measured load before the issue time, and measured load in the week before it.
    """
    frame = series.frame
    first, last = frame.index[0], frame.index[-1]
    targets = target_index(pd.DatetimeIndex([day]))
    # Without weather columns nothing is needed from day D itself (calendar and lags only).
    needs_rows = bool(series.weather_columns)
    if targets[0] < first or (needs_rows and targets[-1] > last) or issue_time(day) > last:
        raise InputError(
            f"date {day.date()} is outside the data ({first} .. {last}); the file must hold "
            "the weather forecast for every quarter-hour of the day",
            file=series.source,
        )
    day_rows = frame.reindex(targets)
    for col in series.weather_columns:
        missing = int(day_rows[col].isna().sum())
        if missing:
            raise InputError(
                f"{missing} of {STEPS_PER_DAY} quarter-hours of {day.date()} have no value "
                "(the weather forecast for the day is needed)",
                file=series.source, column=col,
            )
    issue = issue_time(day)
    known = frame["load_mw"][frame.index <= issue].dropna()
    days_known = len(known) / STEPS_PER_DAY
    if days_known < MIN_TRAIN_DAYS:
        raise InputError(
            f"too little history: {days_known:.1f} days of measured load up to the issue time "
            f"{issue} (at least {MIN_TRAIN_DAYS} needed)",
            file=series.source, column="load",
        )
    if known.index[-1] < issue - pd.Timedelta(days=7):
        raise InputError(
            f"the measured load ends at {known.index[-1]}, more than a week before the issue "
            f"time {issue}: the day-ahead forecast needs recent load",
            file=series.source, column="load",
        )


def day_ahead_flexradar(
    series: MeasuredSeries,
    day: str | pd.Timestamp,
    capacity_mw: float | None,
    feedin_capacity_mw: float | None = None,
    config: FlexradarConfig | None = None,
) -> tuple[pd.DataFrame, FlexradarModel]:
    """Flexradar table of `day` (per quarter-hour P10..P90, P(congestion), expected shortage).

    The model sees load only up to the issue time D-1 06:00 UTC. Returns the table (UTC index,
    a `time_local` column) and the trained model (for its diagnostics).
    """
    day = parse_day(day, source=series.source)
    check_forecastable(series, day)
    issue = issue_time(day)
    model = train_flexradar(series, train_end=issue + STEP, config=config)
    quant = predict_flexradar(model, series, pd.DatetimeIndex([day]))
    table = flexradar_table(quant, capacity_mw, feedin_capacity_mw)
    table.insert(1, "issue_time_utc", quant["issue_time_utc"])
    return table, model

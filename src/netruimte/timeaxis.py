"""The model time axis: one calendar year at 15 minutes, tz-aware UTC inside.

Human behaviour (profiles, heatmaps, holidays) follows the local clock in Europe/Amsterdam,
so `local_calendar` gives the local fields for every UTC step, DST included.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

STEP_MINUTES = 15
STEP_H = STEP_MINUTES / 60.0
STEPS_PER_HOUR = 60 // STEP_MINUTES
STEPS_PER_DAY = 24 * STEPS_PER_HOUR
LOCAL_TZ = "Europe/Amsterdam"


def year_axis(year: int) -> pd.DatetimeIndex:
    """All quarter-hours of a UTC calendar year (35,040 steps, 35,136 in a leap year)."""
    start = pd.Timestamp(year=year, month=1, day=1, tz="UTC")
    end = pd.Timestamp(year=year + 1, month=1, day=1, tz="UTC")
    return pd.date_range(start, end, freq=f"{STEP_MINUTES}min", inclusive="left")


def steps_in_year(year: int) -> int:
    """Number of quarter-hours in a UTC calendar year."""
    return len(year_axis(year))


@dataclass(frozen=True)
class LocalCalendar:
    """Local-clock fields (Europe/Amsterdam) for every step of a UTC axis."""

    month: np.ndarray  # 1..12, int8
    hour: np.ndarray  # 0..23, int8
    weekday: np.ndarray  # 0=Monday..6=Sunday, int8
    day_of_year: np.ndarray  # 0-based day of the local year, int16
    minute_of_day: np.ndarray  # 0..1439, int16
    is_holiday: np.ndarray  # Dutch public holiday (local date), bool
    local_date_index: np.ndarray  # day number since the axis' first local date, int32

    @property
    def is_workday(self) -> np.ndarray:
        """Monday..Friday and not a public holiday."""
        return (self.weekday < 5) & ~self.is_holiday


def local_calendar(axis: pd.DatetimeIndex) -> LocalCalendar:
    """Local calendar fields of a tz-aware UTC axis (vectorised; DST-correct)."""
    return _local_calendar_cached(axis[0], len(axis), axis.freqstr or "15min")


@lru_cache(maxsize=16)
def _local_calendar_cached(start: pd.Timestamp, n: int, freq: str) -> LocalCalendar:
    axis = pd.date_range(start, periods=n, freq=freq)
    if axis.tz is None:
        raise ValueError("the time axis must be tz-aware UTC")
    local = axis.tz_convert(LOCAL_TZ)
    dates = local.normalize().tz_localize(None)
    years = sorted(set(local.year))
    nl = holidays.country_holidays("NL", years=years)
    hol_days = pd.DatetimeIndex(sorted(pd.Timestamp(d) for d in nl))
    first = dates[0]
    return LocalCalendar(
        month=local.month.to_numpy(np.int8),
        hour=local.hour.to_numpy(np.int8),
        weekday=local.weekday.to_numpy(np.int8),
        day_of_year=(local.dayofyear.to_numpy(np.int16) - 1),
        minute_of_day=(local.hour * 60 + local.minute).to_numpy(np.int16),
        is_holiday=dates.isin(hol_days),
        local_date_index=((dates - first).days).to_numpy(np.int32),
    )


def hour_of_day_fraction(axis: pd.DatetimeIndex) -> np.ndarray:
    """Local clock time in hours (e.g. 17.25), float32: the x of daily profile shapes."""
    cal = local_calendar(axis)
    return (cal.minute_of_day / 60.0).astype(np.float32)

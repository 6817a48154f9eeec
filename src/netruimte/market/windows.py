"""Availability windows and the delivery-year grid of local (day, hour) cells they live on.

A window is a date range, a day type and an hour range on the local clock (Europe/Amsterdam),
all in whole hours. Every quarter-hour of the delivery year falls in one cell (local day ×
local hour), so a window is exactly a set of cells: the tender works on cells, not steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from netruimte.timeaxis import local_calendar, year_axis

DayType = Literal["all", "workday", "non-workday"]
HOURS = 24

_WINDOW_TEXT = re.compile(
    r"^\s*(?P<start>\d{4}-\d{2}-\d{2})\s*\.\.\s*(?P<end>\d{4}-\d{2}-\d{2})"
    r"(?:\s+(?P<days>all|workday|non-workday))?"
    r"(?:\s+(?P<from>\d{1,2})\s*-\s*(?P<to>\d{1,2}))?\s*$"
)


class Window(BaseModel):
    """Local dates start..end (inclusive), a day type, local hours from_hour..to_hour (exclusive).

    `from_hour > to_hour` wraps over midnight (22-6 is 22:00-06:00 on every matching date).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: date
    end: date
    days: DayType = "all"
    from_hour: int = Field(0, ge=0, le=23)
    to_hour: int = Field(24, ge=1, le=24)

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        if self.start > self.end:
            raise ValueError(f"window starts ({self.start}) after it ends ({self.end})")
        if self.from_hour == self.to_hour:
            raise ValueError(f"window hours {self.from_hour}-{self.to_hour} are empty")
        return self

    @classmethod
    def parse(cls, text: str) -> Window:
        """'2027-01-01..2027-03-31 workday 17-21' (day type and hours optional)."""
        m = _WINDOW_TEXT.match(text)
        if not m:
            raise ValueError(
                f"{text.strip()!r} is not a window; write 'YYYY-MM-DD..YYYY-MM-DD "
                "[all|workday|non-workday] [H-H]'"
            )
        try:
            start, end = date.fromisoformat(m["start"]), date.fromisoformat(m["end"])
        except ValueError as exc:
            raise ValueError(f"{text.strip()!r}: {exc}") from None
        fields: dict[str, object] = {"start": start, "end": end}
        if m["days"]:
            fields["days"] = m["days"]
        if m["from"] is not None:
            fields["from_hour"], fields["to_hour"] = int(m["from"]), int(m["to"])
        return cls(**fields)

    def __str__(self) -> str:
        return f"{self.start}..{self.end} {self.days} {self.from_hour}-{self.to_hour}"

    def hours_mask(self) -> np.ndarray:
        """(24,) bool: local hours inside the window."""
        h = np.arange(HOURS)
        if self.from_hour < self.to_hour:
            return (h >= self.from_hour) & (h < self.to_hour)
        return (h >= self.from_hour) | (h < self.to_hour)

    def outside_year(self, year: int) -> str:
        """'' when the window lies inside the calendar year, else the reason."""
        first, last = date(year, 1, 1), date(year, 12, 31)
        if self.start < first or self.end > last:
            return f"window {self} lies (partly) outside the delivery year {year}"
        return ""


def parse_windows(value: object) -> list[Window]:
    """Windows from a cell: '' (always), 'a; b' text, or a list of dicts/strings/Windows."""
    if value is None:
        return []
    if isinstance(value, float) and np.isnan(value):
        return []
    if isinstance(value, str):
        parts = [p for p in value.split(";") if p.strip()]
        return [Window.parse(p) for p in parts]
    if isinstance(value, Window):
        return [value]
    if isinstance(value, list | tuple):
        out = []
        for item in value:
            if isinstance(item, Window):
                out.append(item)
            elif isinstance(item, str):
                out.append(Window.parse(item))
            elif isinstance(item, dict):
                out.append(Window.model_validate(item))
            else:
                raise ValueError(f"{item!r} is not a window")
        return out
    raise ValueError(f"{value!r} is not a list of windows")


@dataclass(frozen=True)
class YearGrid:
    """Cells (local day of the delivery year × local hour) and how many quarter-hours each has.

    Day 0 is 1 January; the last UTC hour of the year falls on 1 January of the next year
    (local clock), which no window of the delivery year can reach.
    """

    year: int
    n_days: int
    cell_of_step: np.ndarray  # (T,) int32, day * 24 + hour
    steps_per_cell: np.ndarray  # (n_days * 24,) int32
    is_workday_day: np.ndarray  # (n_days,) bool
    axis: pd.DatetimeIndex

    @property
    def n_cells(self) -> int:
        return self.n_days * HOURS

    def day_index(self, d: date) -> int:
        return (d - date(self.year, 1, 1)).days

    def day_date(self, i: int) -> date:
        return date(self.year, 1, 1) + timedelta(days=int(i))

    def windows_cells(
        self, windows_per_item: list[list[Window]], start_dates: list[date | None] | None = None
    ) -> np.ndarray:
        """(N, n_cells) bool: cells inside any window of item i (no windows = every cell),
        from its start date on. Vectorised over all windows at once."""
        n = len(windows_per_item)
        day_ok = np.ones((n, self.n_days), dtype=bool)
        if start_dates is not None:
            first = np.array(
                [0 if d is None else self.day_index(d) for d in start_dates], dtype=np.int64
            )
            day_ok &= np.arange(self.n_days)[None, :] >= first[:, None]
        owner, starts, ends, kind, hours = [], [], [], [], []
        kinds = {"all": 0, "workday": 1, "non-workday": 2}
        for i, windows in enumerate(windows_per_item):
            for w in windows:
                owner.append(i)
                starts.append(self.day_index(w.start))
                ends.append(self.day_index(w.end))
                kind.append(kinds[w.days])
                hours.append(w.hours_mask())
        cells = np.zeros((n, self.n_days, HOURS), dtype=bool)
        has_window = np.zeros(n, dtype=bool)
        if owner:
            owner_a = np.asarray(owner)
            has_window[owner_a] = True
            d = np.arange(self.n_days)[None, :]
            in_range = (d >= np.asarray(starts)[:, None]) & (d <= np.asarray(ends)[:, None])
            k = np.asarray(kind)[:, None]
            wd = self.is_workday_day[None, :]
            in_range &= (k == 0) | ((k == 1) & wd) | ((k == 2) & ~wd)
            per_window = in_range[:, :, None] & np.asarray(hours)[:, None, :]
            order = np.argsort(owner_a, kind="stable")
            sorted_owner = owner_a[order]
            first = np.flatnonzero(np.r_[True, sorted_owner[1:] != sorted_owner[:-1]])
            cells[sorted_owner[first]] = np.logical_or.reduceat(per_window[order], first, axis=0)
        cells[~has_window] = True
        cells &= day_ok[:, :, None]
        return cells.reshape(n, self.n_cells)


@lru_cache(maxsize=8)
def year_grid(year: int) -> YearGrid:
    """The cell grid of a delivery year (cached)."""
    axis = year_axis(year)
    cal = local_calendar(axis)
    day = cal.local_date_index.astype(np.int64)
    n_days = int(day.max()) + 1
    cell = (day * HOURS + cal.hour.astype(np.int64)).astype(np.int32)
    steps = np.bincount(cell, minlength=n_days * HOURS).astype(np.int32)
    workday = np.zeros(n_days, dtype=bool)
    workday[day] = cal.is_workday
    return YearGrid(year, n_days, cell, steps, workday, axis)

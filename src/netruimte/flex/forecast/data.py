"""Read a measured-load CSV into the forecaster's frame: UTC quarter-hours, `load_mw`, weather.

Two real formats are recognised (see ../shared/data/README.md):

* OpenSTEF example (`index`, `load`, weather columns, NEDU `sjv_*` profile fractions, `APX`),
* substation files (`datetime`, `total_substation`, `radiation`, `windspeed_100m`, ...),

and a plain one (`datetime`/`timestamp`/`time`, `load_mw`/`load`). Columns that would leak
the answer or are not known at the issue time are dropped here, once, at the edge:
`APX` (the day-ahead price is published after D-1 06:00 UTC) and `total_solar_part` /
`total_wind_part` (they decompose the target). Static site fields (`lat`, `lon`,
`solar_on`, `wind_on`) become `SeriesMeta`; everything else numeric is a weather column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.errors import InputError

STEP = pd.Timedelta(minutes=15)
TIME_COLUMNS = ("index", "datetime", "timestamp", "time", "utc", "datetime_utc")
LOAD_COLUMNS = ("load_mw", "load", "total_substation")
#: Never inputs: published after the issue time (APX) or parts of the target.
LEAKY_COLUMNS = ("apx", "total_solar_part", "total_wind_part")
#: Derived or index-like columns that carry no information of their own.
IGNORED_COLUMNS = ("unnamed: 0", "hour", "minute", "")
STATIC_COLUMNS = ("lat", "lon", "solar_on", "wind_on")


@dataclass(frozen=True)
class SeriesMeta:
    """Static facts about one measured series (site position and generation flags)."""

    name: str
    lat_deg: float = 52.1  # default: the middle of the Netherlands
    lon_deg: float = 5.2
    solar_on: float = np.nan  # 1 if the area has notable solar, 0 if not, NaN if unknown
    wind_on: float = np.nan


@dataclass(frozen=True)
class MeasuredSeries:
    """A measured series on a regular UTC 15-minute grid.

    `frame` has a tz-aware UTC DatetimeIndex without gaps (missing steps are NaN rows),
    a float column `load_mw` (NaN where not measured) and float weather columns.
    """

    frame: pd.DataFrame
    meta: SeriesMeta
    source: str

    @property
    def weather_columns(self) -> list[str]:
        """All columns except the load."""
        return [c for c in self.frame.columns if c != "load_mw"]

    def observed_span(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First and last timestamp with a measured load value."""
        obs = self.frame.index[self.frame["load_mw"].notna().to_numpy()]
        return obs[0], obs[-1]


def _pick(columns: dict[str, str], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in columns:
            return columns[name]
    return None


def read_measured_load(path: str | Path, name: str | None = None) -> MeasuredSeries:
    """Read and validate a measured-load CSV; raise `InputError` naming file, row and column.

    Row numbers in errors count data rows from 1 after the header. The result is put on a
    regular 15-minute UTC grid; finer data are averaged to quarter-hours, coarser data are
    refused (the flexradar works per quarter-hour).
    """
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", file=path)
    try:
        raw = pd.read_csv(path, low_memory=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(f"not a readable CSV ({exc})", file=path) from exc
    return frame_from_table(raw, source=str(path), name=name or path.stem)


def frame_from_table(raw: pd.DataFrame, source: str, name: str) -> MeasuredSeries:
    """Validate a raw table (as read from CSV) and turn it into a `MeasuredSeries`."""
    lower = {str(c).strip().lower(): c for c in raw.columns}
    tcol = _pick(lower, TIME_COLUMNS)
    ycol = _pick(lower, LOAD_COLUMNS)
    if tcol is None:
        raise InputError(
            f"no timestamp column; expected one of {', '.join(TIME_COLUMNS)}", file=source
        )
    if ycol is None:
        raise InputError(f"no load column; expected one of {', '.join(LOAD_COLUMNS)}", file=source)
    if len(raw) == 0:
        raise InputError("the file has no data rows", file=source)

    times = pd.to_datetime(raw[tcol], utc=True, errors="coerce", format="mixed")
    bad = np.flatnonzero(times.isna().to_numpy())
    if bad.size:
        i = int(bad[0])
        raise InputError(
            f"unparseable timestamp {raw[tcol].iloc[i]!r} ({bad.size} bad in total)",
            file=source,
            row=i + 1,
            column=str(tcol),
        )
    dup = np.flatnonzero(times.duplicated().to_numpy())
    if dup.size:
        i = int(dup[0])
        raise InputError(
            f"duplicate timestamp {times.iloc[i]}", file=source, row=i + 1, column=str(tcol)
        )

    data: dict[str, pd.Series] = {}
    statics: dict[str, float] = {}
    for key, col in lower.items():
        if col in (tcol,) or key in LEAKY_COLUMNS or key in IGNORED_COLUMNS:
            continue
        if key.startswith("unnamed"):
            continue
        values = pd.to_numeric(raw[col], errors="coerce")
        nonnum = np.flatnonzero(values.isna().to_numpy() & raw[col].notna().to_numpy())
        if nonnum.size:
            i = int(nonnum[0])
            if col == ycol:
                raise InputError(
                    f"not a number: {raw[col].iloc[i]!r}", file=source, row=i + 1, column=str(col)
                )
            continue  # a text column that is not a load is simply not a feature
        if col == ycol:
            data["load_mw"] = values
        elif key in STATIC_COLUMNS:
            statics[key] = float(values.median()) if values.notna().any() else np.nan
        else:
            data[key] = values

    frame = pd.DataFrame(data)
    frame.index = pd.DatetimeIndex(times, name="time_utc")
    frame = frame.sort_index()
    frame = _to_quarter_hours(frame, source)
    if frame["load_mw"].notna().sum() == 0:
        raise InputError("the load column has no values", file=source, column=str(ycol))
    meta = SeriesMeta(
        name=name,
        lat_deg=statics.get("lat", SeriesMeta.lat_deg),
        lon_deg=statics.get("lon", SeriesMeta.lon_deg),
        solar_on=statics.get("solar_on", np.nan),
        wind_on=statics.get("wind_on", np.nan),
    )
    return MeasuredSeries(frame=frame.astype(np.float64), meta=meta, source=source)


def _to_quarter_hours(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Put a sorted frame on a gap-free 15-minute grid (mean of finer steps; refuse coarser)."""
    if len(frame) > 1:
        step = pd.Series(frame.index).diff().mode().min()  # the usual step, gaps aside
        if step > STEP:
            raise InputError(
                f"time step is {step}, the flexradar needs quarter-hour (15 min) data", file=source
            )
        off_grid = (frame.index - frame.index.floor(STEP)) != pd.Timedelta(0)
        if step < STEP or off_grid.any():
            frame = frame.resample(STEP, label="right", closed="right").mean()
    grid = pd.date_range(frame.index[0], frame.index[-1], freq=STEP, name="time_utc")
    return frame.reindex(grid)

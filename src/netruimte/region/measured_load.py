"""Import measured area load (OpenSTEF CSV and similar) as an area's base load.

Timestamps become tz-aware UTC (naive ones are read in a given zone, DST-checked); the
series is put on the 15-minute grid; gaps (missing steps and empty values) are reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte import atomic
from netruimte.errors import InputError
from netruimte.region.tables import decode_text

TIME_COLUMNS = ("timestamp", "datetime", "index", "time", "date")
LOAD_COLUMNS = ("load_mw", "load", "total_substation")


@dataclass
class Gap:
    """A run of missing quarter-hours in a measured series."""

    start: pd.Timestamp
    end: pd.Timestamp  # exclusive
    steps: int
    kind: str  # "missing timestamps" or "empty values"


@dataclass
class MeasuredLoad:
    """A measured series on the UTC 15-minute grid, with its gaps."""

    load_mw: pd.Series
    gaps: list[Gap]
    source: Path

    @property
    def coverage(self) -> float:
        """Share of grid steps in the span that carry a value."""
        return float(self.load_mw.notna().mean()) if len(self.load_mw) else 0.0


def _pick(
    columns: list[str], wanted: str | None, choices: tuple[str, ...], what: str, path: Path
) -> str:
    if wanted:
        if wanted not in columns:
            raise InputError(
                f"{what} column {wanted!r} not found; columns are {columns}",
                file=path,
                column=wanted,
            )
        return wanted
    for c in choices:
        if c in columns:
            return c
    raise InputError(
        f"no {what} column; expected one of {list(choices)} or pass it explicitly", file=path
    )


def read_measured_csv(
    path: str | Path,
    load_column: str | None = None,
    time_column: str | None = None,
    timezone: str = "UTC",
) -> MeasuredLoad:
    """Read a CSV of timestamped load in MW into a UTC 15-minute series, reporting gaps."""
    path = Path(path)
    import io

    text = decode_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise InputError(f"malformed CSV: {exc}", file=path) from None
    if frame.empty:
        raise InputError("no data rows", file=path)
    cols = list(frame.columns)
    tcol = _pick(cols, time_column, (*TIME_COLUMNS, "Unnamed: 0"), "time", path)
    lcol = _pick(cols, load_column, LOAD_COLUMNS, "load", path)
    raw_t = frame[tcol].str.strip()
    has_offset = raw_t.str.contains(r"(?:[+-]\d\d:?\d\d|Z)$", regex=True)
    if has_offset.any() and not has_offset.all():
        row = int(np.flatnonzero(~has_offset.to_numpy())[0]) + 1
        raise InputError(
            "mixes timestamps with and without a UTC offset", file=path, row=row, column=tcol
        )
    if has_offset.all():
        ts = pd.to_datetime(raw_t, utc=True, errors="coerce", format="ISO8601")
        _bad_times(ts, raw_t, path, tcol)
    else:
        naive = pd.to_datetime(raw_t, errors="coerce", format="ISO8601")
        _bad_times(naive, raw_t, path, tcol)
        try:
            local = pd.DatetimeIndex(naive).tz_localize(
                timezone, ambiguous="infer", nonexistent="raise"
            )
        except Exception as exc:  # pytz/zoneinfo raise several types
            bad = _first_nonexistent(pd.DatetimeIndex(naive), timezone)
            detail = (
                f"{raw_t.iloc[bad]!r} does not exist in {timezone} (DST gap)"
                if bad is not None
                else f"ambiguous local times: {exc}"
            )
            raise InputError(
                detail, file=path, row=None if bad is None else bad + 1, column=tcol
            ) from None
        ts = pd.Series(local.tz_convert("UTC"))
    values = pd.Series(
        pd.to_numeric(
            frame[lcol].str.strip().replace({"": np.nan, "nan": np.nan, "NaN": np.nan}),
            errors="coerce",
        )
    )
    text_vals = frame[lcol].str.strip()
    bad_num = values.isna() & ~text_vals.isin(["", "nan", "NaN", "NA"])
    if bad_num.any():
        row = int(np.flatnonzero(bad_num.to_numpy())[0]) + 1
        raise InputError(
            f"{text_vals.iloc[row - 1]!r} is not a number in MW", file=path, row=row, column=lcol
        )
    if np.isinf(values.to_numpy(dtype=float)).any():
        row = int(np.flatnonzero(np.isinf(values.to_numpy(dtype=float)))[0]) + 1
        raise InputError("infinite load", file=path, row=row, column=lcol)
    series = pd.Series(values.to_numpy(dtype=float), index=pd.DatetimeIndex(ts.to_numpy()))
    series.index = series.index.tz_localize("UTC") if series.index.tz is None else series.index
    dup = series.index.duplicated()
    if dup.any():
        row = int(np.flatnonzero(dup)[0]) + 1
        raise InputError(
            f"duplicate timestamp {series.index[row - 1]}", file=path, row=row, column=tcol
        )
    series = series.sort_index()
    return to_quarter_hours(series, path)


def _bad_times(ts: pd.Series, raw: pd.Series, path: Path, col: str) -> None:
    bad = ts.isna().to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0]) + 1
        raise InputError(
            f"{raw.iloc[row - 1]!r} is not a date-time", file=path, row=row, column=col
        )


def _first_nonexistent(naive: pd.DatetimeIndex, tz: str) -> int | None:
    probe = naive.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    # nonexistent and ambiguous both give NaT; nonexistent ones differ after a round trip
    shifted = naive.tz_localize(tz, ambiguous="NaT", nonexistent="shift_forward")
    idx = np.flatnonzero(probe.isna() & ~shifted.isna() & (shifted.tz_localize(None) != naive))
    return int(idx[0]) if len(idx) else None


def to_quarter_hours(series: pd.Series, source: Path) -> MeasuredLoad:
    """Put a UTC series on the 15-minute grid (finer: mean, coarser: hold) and list gaps."""
    if series.empty:
        raise InputError("no values", file=source)
    start = series.index[0].floor("15min")
    end = series.index[-1].floor("15min") + pd.Timedelta(minutes=15)
    grid = pd.date_range(start, end, freq="15min", inclusive="left")
    step = series.index.to_series().diff().median()
    if pd.isna(step) or step <= pd.Timedelta(minutes=15):
        q = series.resample("15min").mean().reindex(grid)
        stamps = pd.Series(1, index=series.index).resample("15min").count()
        present = stamps.reindex(grid).fillna(0) > 0
    else:  # coarser data (e.g. hourly): hold each value over its quarter-hours
        q = series.reindex(grid, method="ffill", limit=int(step / pd.Timedelta(minutes=15)) - 1)
        present = pd.Series(True, index=grid)
        present[q.isna()] = False
    gaps = _gaps(q, present)
    return MeasuredLoad(load_mw=q.astype("float64"), gaps=gaps, source=source)


def _gaps(q: pd.Series, present: pd.Series) -> list[Gap]:
    """Runs of missing values, labelled by whether the timestamp was absent or empty."""
    missing = q.isna().to_numpy()
    if not missing.any():
        return []
    edges = np.diff(np.r_[0, missing.astype(np.int8), 0])
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    absent = ~present.to_numpy()
    out = []
    for s, e in zip(starts, ends, strict=True):  # per gap, not per quarter-hour
        kind = "missing timestamps" if absent[s:e].all() else "empty values"
        out.append(Gap(q.index[s], q.index[e - 1] + pd.Timedelta(minutes=15), int(e - s), kind))
    return out


def write_measured_parquet(measured: MeasuredLoad, path: Path) -> None:
    """Store a measured series (timestamp UTC, load_mw) atomically."""
    frame = pd.DataFrame({"timestamp": measured.load_mw.index, "load_mw": measured.load_mw.values})
    with atomic.atomic_path(path) as tmp:
        frame.to_parquet(tmp, index=False)


def read_measured_parquet(path: Path) -> pd.Series:
    """A stored measured series as a UTC-indexed Series in MW."""
    if not path.exists():
        raise InputError("measured load file not found", file=path)
    frame = pd.read_parquet(path)
    if list(frame.columns[:2]) != ["timestamp", "load_mw"]:
        raise InputError("expected columns timestamp, load_mw", file=path)
    idx = pd.DatetimeIndex(frame["timestamp"])
    idx = idx.tz_localize("UTC") if idx.tz is None else idx.tz_convert("UTC")
    return pd.Series(frame["load_mw"].to_numpy(dtype=float), index=idx)

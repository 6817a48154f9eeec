"""The weather of a region for a target year: generated from its seed, or read from its file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.errors import InputError
from netruimte.profiles.weather import Weather, generate_weather
from netruimte.region.model import Region

WEATHER_COLUMNS = ("weather_year", "timestamp", "temperature_c", "ghi_wm2", "wind_100m_ms")


def region_weather(region: Region, axis: pd.DatetimeIndex, labels: list[str] | None) -> Weather:
    """Weather cube for the chosen weather-year labels (all when None/empty)."""
    spec = region.meta.weather
    known = [y.label for y in spec.years]
    labels = labels or known
    unknown = [lab for lab in labels if lab not in known]
    if unknown:
        raise InputError(
            f"unknown weather year(s) {unknown}; the region has {known}", column="weather_years"
        )
    if spec.source == "generated":
        kinds = {y.label: y.kind for y in spec.years}
        # seed per label position in the region, so subsets give identical years
        weathers = [
            generate_weather(
                [kinds[lab]],
                [lab],
                axis,
                spec.seed + 1009 * known.index(lab),
                region.meta.latitude,
                region.meta.longitude,
            )
            for lab in labels
        ]
        return Weather(
            tuple(labels),
            axis,
            np.concatenate([w.temperature_c for w in weathers]),
            np.concatenate([w.ghi_wm2 for w in weathers]),
            np.concatenate([w.wind_100m_ms for w in weathers]),
        )
    assert region.folder is not None and spec.file is not None
    return read_weather_file(region.folder / spec.file, axis, labels)


def read_weather_file(path: Path, axis: pd.DatetimeIndex, labels: list[str]) -> Weather:
    """Weather from Parquet/CSV (weather_year, timestamp UTC, temperature_c, ghi_wm2,
    wind_100m_ms), placed on the target axis by day of year and time of day."""
    if not path.exists():
        raise InputError("weather file not found", file=path)
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    missing = [c for c in WEATHER_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"missing columns {missing}", file=path)
    ts = pd.to_datetime(frame["timestamp"], utc=True, errors="coerce")
    if ts.isna().any():
        row = int(np.flatnonzero(ts.isna().to_numpy())[0]) + 1
        raise InputError("timestamp is not a date-time", file=path, row=row, column="timestamp")
    frame = frame.assign(timestamp=ts)
    arrays: dict[str, list[np.ndarray]] = {c: [] for c in WEATHER_COLUMNS[2:]}
    target_pos = (
        (axis.dayofyear.to_numpy() - 1) * 96
        + axis.hour.to_numpy() * 4
        + axis.minute.to_numpy() // 15
    )
    for lab in labels:
        part = frame[frame["weather_year"].astype(str) == lab].set_index("timestamp").sort_index()
        if part.empty:
            raise InputError(f"weather year {lab!r} has no rows", file=path, column="weather_year")
        q = part[list(arrays)].resample("15min").mean().interpolate(limit_direction="both")
        src_pos = (
            (q.index.dayofyear.to_numpy() - 1) * 96
            + q.index.hour.to_numpy() * 4
            + q.index.minute.to_numpy() // 15
        )
        for col in arrays:
            series = pd.Series(q[col].to_numpy(), index=src_pos).groupby(level=0).mean()
            full = series.reindex(np.arange(366 * 96)).interpolate(limit_direction="both")
            arrays[col].append(full.to_numpy()[target_pos].astype(np.float32))
    return Weather(tuple(labels), axis, *(np.stack(arrays[c]) for c in WEATHER_COLUMNS[2:]))

"""Measured base load in the cube: measured where we have it, modelled and scaled elsewhere.

The measured series (base year) is placed on the target axis by ISO week, weekday and local
time of day. Steps without a measurement take the modelled base load times a scale factor
fitted on the overlap (least squares). The scenario's growth is added on top.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.profiles.library import ShapeLibrary
from netruimte.region.model import Region
from netruimte.scenario import Scenario
from netruimte.timeaxis import local_calendar


def _keys(index: pd.DatetimeIndex) -> np.ndarray:
    local = index.tz_convert("Europe/Amsterdam")
    week = local.isocalendar().week.to_numpy().astype(np.int64)
    return (
        (week * 7 + local.weekday.to_numpy()) * 1440
        + local.hour.to_numpy() * 60
        + local.minute.to_numpy()
    )


def measured_on_axis(series: pd.Series, axis: pd.DatetimeIndex) -> np.ndarray:
    """Measured MW on the target axis where a same-week/weekday/time value exists, else NaN."""
    s = series.dropna()
    if s.empty:
        return np.full(len(axis), np.nan)
    table = pd.Series(s.to_numpy(), index=_keys(pd.DatetimeIndex(s.index))).groupby(level=0).mean()
    return table.reindex(_keys(axis)).to_numpy(dtype=np.float64)


def apply_measured(
    own: np.ndarray,
    region: Region,
    scenario: Scenario,
    lib: ShapeLibrary,
    classes: list[str],
    q_grown: np.ndarray,
) -> np.ndarray:
    """Replace the modelled base of measured areas in `own` (W, T, A) and keep their growth."""
    from netruimte.prognosis.cube import component_quantities

    base_scenario = scenario.model_copy(update={"target_year": region.meta.base_year})
    _, q_base = component_quantities(region, base_scenario)
    shapes = np.stack([lib.asset[c] for c in classes], axis=-1)
    axis = lib.weather.axis
    _ = local_calendar(axis)
    for area_id, series in region.measured.items():  # per measured area, vectorised in time
        a = region.area_ids.index(area_id)
        modelled_base = shapes @ q_base[:, a].astype(np.float32)  # (W, T)
        growth = own[:, :, a] - modelled_base
        measured = measured_on_axis(series, axis)
        have = ~np.isnan(measured)
        if have.any():
            b = modelled_base[:, have].astype(np.float64)
            denom = float((b * b).sum())
            scale = float((b * measured[have]).sum() / denom) if denom > 0 else 1.0
            scale = float(np.clip(scale, 0.2, 5.0)) if denom > 0 else 1.0
        else:
            scale = 1.0
        base = np.where(have, measured, modelled_base * scale)
        own[:, :, a] = (base + growth).astype(own.dtype)
    return own

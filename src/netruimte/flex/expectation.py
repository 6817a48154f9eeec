"""The annual flex expectation per area and direction: how often, how long, when, how much.

From the congestion events of every weather year: events, hours and MWh per year (mean, P50
and P90 across weather years), block durations (P50/P95/max), shortage MW (max, P95), the
probability that a year has congestion at all, and month×hour / weekday×hour heatmaps of
congested hours in local time (Europe/Amsterdam).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netruimte.congestion.events import CongestedSteps, EventTable, events_from_cube_both
from netruimte.congestion.shortage import DIRECTIONS
from netruimte.stats import grouped_max, grouped_quantile, grouped_quantiles
from netruimte.timeaxis import STEP_H, local_calendar

NOTICE = "day-ahead"  # conditions of the ask: CBC-A calls are announced the day before
# Block-duration bins in hours: [0.25, 0.5), [0.5, 1), ... [24, inf)
DURATION_BINS_H = (0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 12.0, 24.0, np.inf)


@dataclass
class FlexExpectation:
    """Per (area, direction) statistics plus heatmaps, for one load cube."""

    table: pd.DataFrame  # one row per area and direction
    heatmap_month_hour: np.ndarray  # (A, 2, 12, 24) congested hours per year (mean over w)
    heatmap_weekday_hour: np.ndarray  # (A, 2, 7, 24)
    events_per_month: np.ndarray  # (A, 2, 12) events per year starting in each month
    probability_month_hour: np.ndarray  # (A, 2, 12, 24) P(congested) of a quarter-hour in a cell
    probability_weekday_hour: np.ndarray  # (A, 2, 7, 24)
    durations_per_year: np.ndarray  # (A, 2, len(DURATION_BINS_H) - 1) events per year per bin
    events: dict[str, EventTable]
    area_ids: list[str]
    weather_labels: tuple[str, ...]

    def heatmap_frame(self) -> pd.DataFrame:
        """Long table: area_id, direction, month, hour, hours_per_year."""
        a, d, m, h = np.indices(self.heatmap_month_hour.shape)
        frame = pd.DataFrame(
            {
                "area_id": np.asarray(self.area_ids, dtype=object)[a.ravel()],
                "direction": np.asarray(DIRECTIONS, dtype=object)[d.ravel()],
                "month": m.ravel() + 1,
                "hour": h.ravel(),
                "hours_per_year": self.heatmap_month_hour.ravel(),
            }
        )
        return frame[frame["hours_per_year"] > 0].reset_index(drop=True)


def _across_years(per_series: np.ndarray, n_years: int, n_areas: int) -> dict[str, np.ndarray]:
    per_year = per_series.reshape(n_years, n_areas)
    return {
        "mean": per_year.mean(axis=0),
        "p50": np.percentile(per_year, 50, axis=0),
        "p90": np.percentile(per_year, 90, axis=0),
    }


def expectation_for_direction(
    events: EventTable,
    steps: CongestedSteps,
    n_years: int,
    n_areas: int,
    month: np.ndarray,
    hour: np.ndarray,
    weekday: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One direction: columns per area, heatmaps (A, 12, 24) and (A, 7, 24) in hours per year,
    events per month (A, 12) and events per duration bin (A, bins), per year."""
    n_series = n_years * n_areas
    area_of_event = events.series % n_areas
    area_of_step = steps.series % n_areas
    cols: dict[str, np.ndarray] = {}
    for name, per_series in (
        ("events_per_year", np.bincount(events.series, minlength=n_series).astype(float)),
        ("hours_per_year", np.bincount(steps.series, minlength=n_series) * STEP_H),
        ("mwh_per_year", np.bincount(events.series, weights=events.energy_mwh, minlength=n_series)),
        ("peak_mw", grouped_max(events.peak_mw, events.series, n_series)),
    ):
        for stat, values in _across_years(per_series, n_years, n_areas).items():
            cols[f"{name}_{stat}"] = values
    years_with = np.bincount(events.series, minlength=n_series).reshape(n_years, n_areas) > 0
    cols["probability_any"] = years_with.mean(axis=0)
    dur = events.duration_h
    cols["duration_h_p50"], cols["duration_h_p95"] = grouped_quantiles(
        dur, area_of_event, n_areas, (0.5, 0.95)
    )
    cols["duration_h_max"] = grouped_max(dur, area_of_event, n_areas)
    cols["mw_max"] = grouped_max(steps.shortage_mw, area_of_step, n_areas)
    cols["mw_p95"] = grouped_quantile(steps.shortage_mw, area_of_step, n_areas, 0.95)
    cols["mwh_per_event_max"] = grouped_max(events.energy_mwh, area_of_event, n_areas)
    mh = area_of_step * 288 + (month[steps.step].astype(np.int64) - 1) * 24 + hour[steps.step]
    heat_mh = np.bincount(mh, minlength=n_areas * 288).reshape(n_areas, 12, 24) * STEP_H / n_years
    wh = area_of_step * 168 + weekday[steps.step].astype(np.int64) * 24 + hour[steps.step]
    heat_wh = np.bincount(wh, minlength=n_areas * 168).reshape(n_areas, 7, 24) * STEP_H / n_years
    em = area_of_event * 12 + (month[events.start % events.n_steps].astype(np.int64) - 1)
    ev_month = np.bincount(em, minlength=n_areas * 12).reshape(n_areas, 12) / n_years
    bins = np.asarray(DURATION_BINS_H)
    n_bins = len(bins) - 1
    b = np.clip(np.searchsorted(bins, dur, side="right") - 1, 0, n_bins - 1)
    durations = np.bincount(area_of_event * n_bins + b, minlength=n_areas * n_bins)
    durations = durations.reshape(n_areas, n_bins) / n_years
    return cols, heat_mh, heat_wh, ev_month, durations


def flex_expectation(
    load_mw: np.ndarray,
    capacity_offtake_mw: np.ndarray,
    capacity_feedin_mw: np.ndarray,
    axis: pd.DatetimeIndex,
    area_ids: list[str],
    weather_labels: tuple[str, ...],
) -> FlexExpectation:
    """The annual flex expectation of a load cube (W, T, A) against area capacities."""
    n_years, _, n_areas = load_mw.shape
    cal = local_calendar(axis)
    month, hour, weekday = cal.month, cal.hour.astype(np.int64), cal.weekday
    rows = []
    n_bins = len(DURATION_BINS_H) - 1
    heat_mh = np.zeros((n_areas, 2, 12, 24))
    heat_wh = np.zeros((n_areas, 2, 7, 24))
    ev_month = np.zeros((n_areas, 2, 12))
    durations = np.zeros((n_areas, 2, n_bins))
    all_events = {}
    both = events_from_cube_both(load_mw, capacity_offtake_mw, capacity_feedin_mw)
    for d, (direction, cap) in enumerate(
        zip(DIRECTIONS, (capacity_offtake_mw, capacity_feedin_mw), strict=True)
    ):
        events, steps = both[direction]
        all_events[direction] = events
        cols, hmh, hwh, evm, dur = expectation_for_direction(
            events, steps, n_years, n_areas, month, hour, weekday
        )
        heat_mh[:, d], heat_wh[:, d], ev_month[:, d], durations[:, d] = hmh, hwh, evm, dur
        frame = pd.DataFrame(cols)
        frame.insert(0, "direction", direction)
        frame.insert(0, "area_id", area_ids)
        frame["capacity_mw"] = cap
        frame["notice"] = NOTICE
        rows.append(frame)
    table = pd.concat(rows, ignore_index=True)
    for col in ("duration_h_p50", "duration_h_p95", "mw_p95"):
        table[col] = table[col].fillna(0.0)
    # hours per year in a cell over the hours per year that cell has = P(congested quarter-hour)
    cell_mh = np.bincount((month.astype(np.int64) - 1) * 24 + hour, minlength=288) * STEP_H
    cell_wh = np.bincount(weekday.astype(np.int64) * 24 + hour, minlength=168) * STEP_H
    with np.errstate(invalid="ignore", divide="ignore"):
        prob_mh = np.nan_to_num(heat_mh / cell_mh.reshape(12, 24))
        prob_wh = np.nan_to_num(heat_wh / cell_wh.reshape(7, 24))
    return FlexExpectation(
        table,
        heat_mh,
        heat_wh,
        ev_month,
        prob_mh,
        prob_wh,
        durations,
        all_events,
        list(area_ids),
        tuple(weather_labels),
    )

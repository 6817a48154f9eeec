"""Network congestion of a whole region, as tables for `netruimte run`.

For every area with `networks/<area_id>.json` in the region folder, the area's year is run on
its network (profiles aligned to the run's time axis) and reported per asset. The tables go
into the run's outputs next to the area-total ones:

- `asset_congestion`: one row per line, transformer and node of every networked area: worst
  loading / voltage, hours congested, MWh and peak MW per direction;
- `asset_congestion_events`: every congestion event per asset (start, duration, peak, MWh),
  from the congestion core's event extraction;
- `network_area_congestion`: per networked area and direction, the worst-asset shortage
  summed up (events, hours, MWh, peak), the network counterpart of the area-total view;
- `network_flex_expectation` / `asset_flex_expectation`: the core's annual flex expectation
  (frequency, block durations, MW and MWh percentiles, ...) of the worst-asset shortage per
  area and of each congested asset.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.grid.area import AreaNetworkResult, list_area_networks, load_area_network
from netruimte.grid.area import run_area_network as _run_area_network


@dataclass
class RegionNetworkCongestion:
    """Per-area network results plus the report tables built from them."""

    results: dict[str, AreaNetworkResult]
    tables: dict[str, pd.DataFrame]


def _events(result: AreaNetworkResult) -> pd.DataFrame:
    from netruimte.congestion.events import events_from_series

    cong = result.congestion
    t = cong.time_utc
    step = t[1] - t[0] if len(t) > 1 else pd.Timedelta(minutes=15)
    step_h = step.total_seconds() / 3600.0
    frames = []
    for direction, shortage in (
        ("offtake", cong.shortage_offtake_mw),
        ("feedin", cong.shortage_feedin_mw),
    ):
        ev = events_from_series(shortage, step_h=step_h, wrap=True)
        if len(ev) == 0:
            continue
        rows = cong.assets.iloc[ev.series]
        start = t[ev.start]
        frames.append(
            pd.DataFrame(
                {
                    "area_id": result.area_id,
                    "asset_id": rows["asset_id"].to_numpy(),
                    "kind": rows["kind"].to_numpy(),
                    "name": rows["name"].to_numpy(),
                    "direction": direction,
                    "start_utc": start,
                    "end_utc": start + step * ev.length,
                    "duration_h": ev.duration_h,
                    "peak_mw": ev.peak_mw.round(4),
                    "energy_mwh": ev.energy_mwh.round(4),
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _area_rows(result: AreaNetworkResult) -> list[dict[str, object]]:
    from netruimte.congestion.events import events_from_series

    cong = result.congestion
    t = cong.time_utc
    step_h = (t[1] - t[0]).total_seconds() / 3600.0 if len(t) > 1 else 0.25
    rows = []
    for direction, shortage, worst in (
        ("offtake", cong.area_shortage_offtake_mw, cong.area_worst_asset_offtake),
        ("feedin", cong.area_shortage_feedin_mw, cong.area_worst_asset_feedin),
    ):
        ev = events_from_series(shortage[None, :], step_h=step_h, wrap=True)
        binding = worst[worst >= 0]
        top = cong.assets.iloc[int(np.bincount(binding).argmax())]["name"] if len(binding) else ""
        rows.append(
            {
                "area_id": result.area_id,
                "direction": direction,
                "events": len(ev),
                "hours_congested": float((shortage > 0).sum() * step_h),
                "longest_event_h": float(ev.duration_h.max()) if len(ev) else 0.0,
                "peak_shortage_mw": float(shortage.max()),
                "shortage_mwh": float(shortage.sum() * step_h),
                "most_binding_asset": top,
            }
        )
    return rows


def network_flex_expectation(
    results: dict[str, AreaNetworkResult], per_asset: bool = False
) -> pd.DataFrame:
    """The core's annual flex expectation of the network shortages, per area or per asset.

    Per area it runs on the worst-asset shortage; per asset on each congested asset's own
    shortage (`series` = "<area_id>/<asset name or id>"). The shortage is handed to the core as a
    load against a capacity of 0 in its direction (and no limit in the other), so its event
    extraction, statistics and heatmaps apply unchanged. The network profiles are one typical
    year, so the "weather year" axis has one entry.
    """
    from netruimte.flex.expectation import flex_expectation

    frames = []
    for direction in ("offtake", "feedin"):
        series: list[str] = []
        columns: list[np.ndarray] = []
        axis = None
        for area_id, res in results.items():
            cong = res.congestion
            axis = cong.time_utc
            if per_asset:
                short = (
                    cong.shortage_offtake_mw if direction == "offtake" else cong.shortage_feedin_mw
                )
                hot = np.flatnonzero(short.any(axis=1))
                for row in hot:
                    asset = cong.assets.iloc[row]
                    label = asset["name"] or f"id {asset['asset_id']}"
                    series.append(f"{area_id}/{label}")
                    columns.append(short[row])
            else:
                series.append(area_id)
                columns.append(
                    cong.area_shortage_offtake_mw
                    if direction == "offtake"
                    else cong.area_shortage_feedin_mw
                )
        if not columns or axis is None:
            continue
        cube = np.stack(columns, axis=1)[None]  # (1, T, S)
        zero = np.zeros(len(series))
        inf = np.full(len(series), np.inf)
        if direction == "offtake":
            fx = flex_expectation(cube, zero, inf, axis, series, ("network profile year",))
        else:
            fx = flex_expectation(-cube, inf, zero, axis, series, ("network profile year",))
        table = fx.table[fx.table["direction"] == direction].drop(columns=["capacity_mw"])
        frames.append(table.rename(columns={"area_id": "series"}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def region_network_congestion(
    region_folder: str | Path | None,
    time_utc: pd.DatetimeIndex | None = None,
    area_ids: list[str] | None = None,
) -> RegionNetworkCongestion:
    """Run every networked area of a region folder; empty when the region has no networks.

    `area_ids`, when given, restricts the run to networks of those areas (a network file for an
    area the region does not have is ignored).
    """
    results: dict[str, AreaNetworkResult] = {}
    if region_folder is not None:
        for area_id in list_area_networks(region_folder):
            if area_ids is not None and area_id not in area_ids:
                continue
            model = load_area_network(region_folder, area_id)
            results[area_id] = _run_area_network(model, time_utc=time_utc, area_id=area_id)
    tables: dict[str, pd.DataFrame] = {}
    if results:
        summaries = []
        for area_id, res in results.items():
            s = res.congestion.summary()
            s.insert(0, "area_id", area_id)
            summaries.append(s)
        tables["asset_congestion"] = pd.concat(summaries, ignore_index=True).round(5)
        tables["asset_congestion_events"] = pd.concat(
            [_events(r) for r in results.values()], ignore_index=True
        )
        tables["network_area_congestion"] = pd.DataFrame(
            [row for r in results.values() for row in _area_rows(r)]
        ).round(4)
        tables["network_flex_expectation"] = network_flex_expectation(results).round(4)
        tables["asset_flex_expectation"] = network_flex_expectation(results, per_asset=True).round(
            4
        )
    return RegionNetworkCongestion(results=results, tables=tables)


def network_congestion_frames(
    region, time_utc: pd.DatetimeIndex | None = None
) -> dict[str, pd.DataFrame]:
    """The hook for `netruimte run`: report tables for a `Region` (empty without networks)."""
    folder = getattr(region, "folder", None)
    ids = list(region.area_ids) if hasattr(region, "area_ids") else None
    return region_network_congestion(folder, time_utc, ids).tables

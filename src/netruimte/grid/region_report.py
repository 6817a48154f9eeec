"""Network congestion of a whole region, as tables for `netruimte run`.

For every area with `networks/<area_id>.json` in the region folder, the area's year is run on
its network (profiles aligned to the run's time axis) and reported per asset. The tables go
into the run's outputs next to the area-total ones:

- `asset_congestion`: one row per line, transformer and node of every networked area: worst
  loading / voltage, hours congested, MWh and peak MW per direction;
- `asset_congestion_events`: every congestion event per asset (start, duration, peak, MWh),
  from the congestion core's event extraction;
- `network_area_congestion`: per networked area and direction, the worst-asset shortage
  summed up (events, hours, MWh, peak), the network counterpart of the area-total view.
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
    return RegionNetworkCongestion(results=results, tables=tables)


def network_congestion_frames(
    region, time_utc: pd.DatetimeIndex | None = None
) -> dict[str, pd.DataFrame]:
    """The hook for `netruimte run`: report tables for a `Region` (empty without networks)."""
    folder = getattr(region, "folder", None)
    ids = list(region.area_ids) if hasattr(region, "area_ids") else None
    return region_network_congestion(folder, time_utc, ids).tables

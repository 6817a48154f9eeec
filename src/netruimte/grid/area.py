"""Network models of a region's areas: where they live and how an area's year is run.

`run_area_network` is the hook for `netruimte run`: it takes an area's `GridModel` and returns
per-asset loading and shortage arrays plus the area's worst-asset shortage per direction, on
the run's own time axis.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.errors import InputError
from netruimte.grid.asset_congestion import AssetCongestion, asset_congestion
from netruimte.grid.checks import (
    check_input_data,
    check_model,
    check_profiles,
    check_time_axis,
    check_topology,
)
from netruimte.grid.model import ApplianceProfiles, GridModel
from netruimte.grid.pgm_json import (
    PROFILE_SUFFIX,
    read_pgm_json,
    read_profiles,
    write_pgm_json,
    write_profiles,
)
from netruimte.grid.powerflow import (
    DEFAULT_METHOD,
    Method,
    PowerFlowEngine,
    PowerFlowResult,
    TransformerLoading,
)

NETWORKS_DIR = "networks"


def network_path(region_dir: str | Path, area_id: str) -> Path:
    """`<region>/networks/<area_id>.json`."""
    return Path(region_dir) / NETWORKS_DIR / f"{area_id}.json"


def profiles_path(region_dir: str | Path, area_id: str) -> Path:
    """`<region>/networks/<area_id>.profiles.parquet`."""
    return Path(region_dir) / NETWORKS_DIR / f"{area_id}{PROFILE_SUFFIX}"


def list_area_networks(region_dir: str | Path) -> list[str]:
    """Area ids that have a network model in the region folder (sorted)."""
    folder = Path(region_dir) / NETWORKS_DIR
    if not folder.is_dir():
        return []
    return sorted(p.name[: -len(".json")] for p in folder.glob("*.json"))


def load_area_network(region_dir: str | Path, area_id: str) -> GridModel:
    """Read and check one area's network and (when present) its profiles."""
    path = network_path(region_dir, area_id)
    if not path.exists():
        raise InputError(f"area '{area_id}' has no network model", file=path)
    model = read_pgm_json(path, name=area_id)
    prof = profiles_path(region_dir, area_id)
    if prof.exists():
        model.profiles = read_profiles(prof)
    check_model(model)
    return model


def save_area_network(region_dir: str | Path, area_id: str, model: GridModel) -> list[Path]:
    """Write one area's network (and profiles, when it has them) into the region folder."""
    written = [write_pgm_json(model, network_path(region_dir, area_id))]
    if model.profiles is not None:
        written.append(write_profiles(model.profiles, profiles_path(region_dir, area_id)))
    return written


def _calendar_key(axis: pd.DatetimeIndex) -> np.ndarray:
    return ((axis.month * 100 + axis.day) * 10_000 + axis.hour * 100 + axis.minute).to_numpy()


def align_profiles(profiles: ApplianceProfiles, time_utc: pd.DatetimeIndex) -> ApplianceProfiles:
    """The profiles on another year's axis, matched by calendar position (month, day, time).

    A typical-year profile (e.g. SimBench 2016) can so drive any target year: 29 February is
    dropped for a common year and filled from 28 February for a leap year. Same-length axes
    with the same calendar are simply relabelled.
    """
    check_time_axis(time_utc, "target time axis")
    src_key = _calendar_key(profiles.time_utc)
    dst_key = _calendar_key(time_utc)
    pos = pd.Index(src_key).get_indexer(dst_key)
    leap = (pos < 0) & (time_utc.month == 2) & (time_utc.day == 29)
    if leap.any():
        pos[leap] = pd.Index(src_key).get_indexer(dst_key[leap] - 10_000)
    if (pos < 0).any():
        missing = time_utc[pos < 0]
        raise InputError(
            f"profiles cover {profiles.time_utc[0]} .. {profiles.time_utc[-1]} and do not match "
            f"the time axis: no value for {missing[0]} ({len(missing)} step(s) in all)"
        )
    return ApplianceProfiles(
        time_utc=time_utc,
        appliance_ids=profiles.appliance_ids,
        p_mw=profiles.p_mw[pos],
        q_mvar=profiles.q_mvar[pos],
    )


@dataclass
class AreaNetworkResult:
    """What one area's network contributes to a run."""

    area_id: str
    power_flow: PowerFlowResult
    congestion: AssetCongestion

    @property
    def time_utc(self) -> pd.DatetimeIndex:
        """The tz-aware UTC axis of every array."""
        return self.congestion.time_utc


def run_area_network(
    model: GridModel,
    time_utc: pd.DatetimeIndex | None = None,
    profiles: ApplianceProfiles | None = None,
    area_id: str | None = None,
    method: Method = DEFAULT_METHOD,
    transformer_loading: TransformerLoading = "current",
    threads: int = 0,
) -> AreaNetworkResult:
    """Full-year power flow of one area and its congestion per asset and for the area.

    `profiles` default to the model's own; with `time_utc` they are first aligned to that axis
    (see `align_profiles`). Returns asset-major (A, T) shortage arrays in MW per direction and
    the area's worst-asset shortage (T,) per direction, ready for the congestion core.
    """
    check_input_data(model)
    check_topology(model)
    profiles = profiles if profiles is not None else model.profiles
    if profiles is None:
        raise InputError(
            f"network '{model.name}' has no load profiles: add "
            f"networks/{model.name}{PROFILE_SUFFIX} or pass profiles"
        )
    check_profiles(model, profiles)
    if time_utc is not None:
        profiles = align_profiles(profiles, time_utc)
    engine = PowerFlowEngine(
        model, method=method, transformer_loading=transformer_loading, threads=threads
    )
    update = engine.build_update(profiles)
    result = engine.run_update(update, profiles.time_utc)
    congestion = asset_congestion(engine, result, update)
    return AreaNetworkResult(
        area_id=area_id or model.name, power_flow=result, congestion=congestion
    )

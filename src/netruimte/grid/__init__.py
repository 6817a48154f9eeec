"""Network layer: full-year power flow with power-grid-model and congestion per asset.

Public entry points:
- `GridModel`, `ApplianceProfiles`: the model of one area's network and its profiles.
- `read_pgm_json`, `load_simbench`: importers (SimBench needs `netruimte[simbench]`).
- `run_year`, `PowerFlowEngine`: one batch call over every time step.
- `run_area_network`: per-asset and per-area shortage arrays for the congestion core.
- `Quickscan`: what a new request of X MW at a node does to worst loading and congestion.
"""

from netruimte.grid.area import (
    AreaNetworkResult,
    align_profiles,
    list_area_networks,
    load_area_network,
    run_area_network,
    save_area_network,
)
from netruimte.grid.asset_congestion import AssetCongestion, asset_congestion
from netruimte.grid.model import ApplianceProfiles, GridModel
from netruimte.grid.pgm_json import read_pgm_json, read_profiles, write_pgm_json, write_profiles
from netruimte.grid.powerflow import PowerFlowEngine, PowerFlowResult, run_year
from netruimte.grid.quickscan import Quickscan, QuickscanResult
from netruimte.grid.region_report import region_network_congestion
from netruimte.grid.simbench_import import load_simbench

__all__ = [
    "ApplianceProfiles",
    "AreaNetworkResult",
    "AssetCongestion",
    "GridModel",
    "PowerFlowEngine",
    "PowerFlowResult",
    "Quickscan",
    "QuickscanResult",
    "align_profiles",
    "asset_congestion",
    "list_area_networks",
    "load_area_network",
    "load_simbench",
    "read_pgm_json",
    "read_profiles",
    "region_network_congestion",
    "run_area_network",
    "run_year",
    "save_area_network",
    "write_pgm_json",
    "write_profiles",
]

"""Tiny hand-made pictures: a few areas, four days at 15 minutes, shapes chosen by the test."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netruimte.measures.picture import Picture, base_picture
from netruimte.prognosis.cube import LoadCube
from netruimte.region.meta import RegionMeta
from netruimte.region.model import Region
from netruimte.region.schema import ASSET_CLASSES, TABLES
from netruimte.scenario import Scenario

T = 96 * 4  # Monday 4 January 2027 .. Thursday, UTC
AXIS = pd.date_range("2027-01-04", periods=T, freq="15min", tz="UTC")
LABELS = ("cold (1987-like)", "typical (1997-like)")


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """A region table with all its columns."""
    out = pd.DataFrame(rows)
    for col in TABLES[name].model_fields:
        if col not in out:
            out[col] = None
    return out[list(TABLES[name].model_fields)]


@dataclass
class TinyLib:
    """A shape library stand-in: flat request shapes, zero asset shapes unless given."""

    n_years: int = 1
    asset: dict[str, np.ndarray] = field(default_factory=dict)
    request: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        flat = np.ones((self.n_years, T), dtype=np.float32)
        for c in ASSET_CLASSES:
            self.asset.setdefault(c, np.zeros((self.n_years, T), dtype=np.float32))
        defaults = {
            "flat": flat,
            "business": flat,
            "industry": flat,
            "housing": flat,
            "ev_charging": flat,
            "battery_offtake": flat,
            "battery_feedin": -flat,
            "pv": -flat,
        }
        for k, v in defaults.items():
            self.request.setdefault(k, v)


def region(
    queue: list[dict],
    flex: list[dict] | None = None,
    cap_off: float = 10.0,
    cap_feed: float = 5.0,
    components: list[dict] | None = None,
    tso_cap: float | None = None,
) -> Region:
    """One supply area X (optionally under a TenneT area TSO) with the given queue."""
    areas = [
        {
            "area_id": "X",
            "operator": "op",
            "level": "dso",
            "capacity_offtake_mw": cap_off,
            "capacity_feedin_mw": cap_feed,
            "parent_id": "TSO" if tso_cap else None,
        }
    ]
    if tso_cap:
        areas.insert(
            0,
            {
                "area_id": "TSO",
                "operator": "TenneT",
                "level": "tso",
                "capacity_offtake_mw": tso_cap,
                "capacity_feedin_mw": 100.0,
            },
        )
    q = [
        {
            "direction": "offtake",
            "category": "other",
            "profile_class": "flat",
            "area_id": "X",
            "submitted": f"2021-01-{i + 1:02d}",
            **r,
        }
        for i, r in enumerate(queue)
    ]
    return Region(
        meta=RegionMeta(name="tiny", base_year=2026),
        areas=frame("areas", areas).set_index("area_id", drop=False),
        components=frame("load_components", components or []),
        queue=frame("queue", q),
        flex_assets=frame("flex_assets", flex or []),
        projects=frame("projects", []),
    )


def cube(reg: Region, load_x: np.ndarray) -> LoadCube:
    """Cube with area X's net load `load_x` (W, T); a TenneT parent carries the same."""
    w = load_x.shape[0]
    load = np.zeros((w, T, reg.n_areas), dtype=np.float32)
    for a in range(reg.n_areas):
        load[:, :, a] = load_x  # X is the only supply area; a parent carries the same
    return LoadCube(load, AXIS, LABELS[:w], reg.area_ids)


def picture(
    reg: Region,
    load_x: np.ndarray,
    scenario: Scenario | None = None,
    lib: TinyLib | None = None,
) -> Picture:
    """The base picture of a tiny region."""
    lib = lib or TinyLib(n_years=load_x.shape[0])
    return base_picture(reg, scenario or Scenario(), cube(reg, load_x), lib)


def flat_load(mw: float, years: int = 1, peak_mw: float | None = None, peak=(70, 74)):
    """(W, T) load of `mw`, with an optional peak on steps [peak[0], peak[1]) of day 1."""
    load = np.full((years, T), mw, dtype=np.float32)
    if peak_mw is not None:
        load[:, peak[0] : peak[1]] = peak_mw
    return load

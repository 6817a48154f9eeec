"""The load cube: net load in MW per weather year, time step and area.

L[w, t, a] is float32, positive for net offtake and negative for net feed-in. TenneT areas
carry the sum of their child areas plus their own components.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from netruimte.profiles.library import ShapeLibrary
from netruimte.region.model import Region
from netruimte.region.schema import ASSET_CLASSES
from netruimte.scenario import Scenario

CUBE_DTYPE = np.float32


@dataclass
class LoadCube:
    """Net load L[w, t, a] in MW with its axes."""

    load_mw: np.ndarray
    axis: pd.DatetimeIndex
    weather_labels: tuple[str, ...]
    area_ids: list[str]

    @property
    def shape(self) -> tuple[int, int, int]:
        return self.load_mw.shape  # type: ignore[return-value]

    def area(self, area_id: str) -> np.ndarray:
        """(W, T) net load of one area."""
        return self.load_mw[:, :, self.area_ids.index(area_id)]


def component_quantities(region: Region, scenario: Scenario) -> tuple[list[str], np.ndarray]:
    """Quantity matrix Q[c, a] in each class's unit, grown to the target year."""
    classes = list(ASSET_CLASSES)
    pos = {a: i for i, a in enumerate(region.area_ids)}
    q = np.zeros((len(classes), region.n_areas), dtype=np.float64)
    comp = region.components
    for c, cls in enumerate(classes):
        rows = comp[comp["asset_class"] == cls]
        if rows.empty:
            continue
        unit = ASSET_CLASSES[cls]
        values = rows[unit].astype(float).to_numpy()
        if cls == "households":  # an explicit annual_mwh replaces count × default use
            from netruimte.profiles.library import HOUSEHOLD_MWH_PER_YEAR

            mwh = rows["annual_mwh"].astype(float).to_numpy()
            values = np.where(np.isnan(mwh), values, mwh / HOUSEHOLD_MWH_PER_YEAR)
        idx = rows["area_id"].map(pos).to_numpy()
        np.add.at(q[c], idx, values * scenario.growth_factor(cls, region.meta.base_year))
    return classes, q


def aggregation_matrix(region: Region) -> sp.csr_matrix:
    """Sparse M[a, b] = 1 when area b's own load counts in area a (itself, or an ancestor)."""
    return sp.csr_matrix(region.parent_matrix())


def build_cube(region: Region, scenario: Scenario, lib: ShapeLibrary) -> LoadCube:
    """L = shapes (W,T,C) @ quantities (C,A), then measured areas, then TenneT roll-up."""
    classes, q = component_quantities(region, scenario)
    shapes = np.stack([lib.asset[c] for c in classes], axis=-1)  # (W, T, C)
    own = np.matmul(shapes, q.astype(CUBE_DTYPE))  # (W, T, A)
    if region.measured:
        from netruimte.prognosis.measured import apply_measured

        own = apply_measured(own, region, scenario, lib, classes, q)
    w, t, a = own.shape
    agg = aggregation_matrix(region)
    if agg.nnz == a:  # no hierarchy: identity
        load = own
    else:
        load = np.asarray((agg @ own.reshape(w * t, a).T).T, dtype=CUBE_DTYPE).reshape(w, t, a)
    return LoadCube(
        load_mw=np.ascontiguousarray(load, dtype=CUBE_DTYPE),
        axis=lib.weather.axis,
        weather_labels=lib.weather.labels,
        area_ids=region.area_ids,
    )

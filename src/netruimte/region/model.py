"""The Region: validated tables of one region, ready for the numeric core."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.region.meta import RegionMeta


@dataclass
class Region:
    """Areas, load components, queue, flex assets and measured load of one region.

    `areas` is indexed by area_id in file order; the numeric core uses that order for the
    area axis of the load cube.
    """

    meta: RegionMeta
    areas: pd.DataFrame
    components: pd.DataFrame
    queue: pd.DataFrame
    flex_assets: pd.DataFrame
    projects: pd.DataFrame
    measured: dict[str, pd.Series] = field(default_factory=dict)
    folder: Path | None = None
    # full measured tables (timestamp, load_mw and weather columns) to be written with the region
    measured_tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def area_ids(self) -> list[str]:
        """Area ids in cube order."""
        return list(self.areas.index)

    @property
    def n_areas(self) -> int:
        return len(self.areas)

    def capacity_mw(self, direction: str) -> np.ndarray:
        """Capacity per area for 'offtake' or 'feedin'; unknown capacity is +inf (no limit)."""
        col = f"capacity_{direction}_mw"
        return self.areas[col].astype(float).fillna(np.inf).to_numpy()

    def parent_matrix(self) -> np.ndarray:
        """A[a, b] = 1 when area b's load counts towards area a (itself or a child), float32.

        TenneT areas carry the sum of their child areas' load plus their own components.
        """
        ids = self.area_ids
        pos = {a: i for i, a in enumerate(ids)}
        n = len(ids)
        mat = np.eye(n, dtype=np.float32)
        parents = self.areas["parent_id"].tolist()
        for child, parent in enumerate(parents):
            seen = set()
            while parent is not None and parent in pos and parent not in seen:
                seen.add(parent)
                mat[pos[parent], child] = 1.0
                parent = self.areas["parent_id"].iloc[pos[parent]]
        return mat

    def summary(self) -> dict[str, object]:
        """Counts for a quick look."""
        q = self.queue
        return {
            "name": self.meta.name,
            "areas": self.n_areas,
            "operators": sorted(self.areas["operator"].unique().tolist()),
            "queue_requests": len(q),
            "queue_offtake_mw": float(q.loc[q.direction == "offtake", "mw"].sum()),
            "queue_feedin_mw": float(q.loc[q.direction == "feedin", "mw"].sum()),
            "flex_assets": len(self.flex_assets),
            "measured_areas": sorted(self.measured),
        }

"""Independent area groups: a TenneT area with everything below it, or a lone supply area.

Load, capacity and queue of one group never touch another group's, so the roll-up computes
each group on its own (in any process) and adds the results. The order of groups and of the
areas inside a group follows the region's area order, so every partition gives the same sums.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netruimte.market.budget import area_groups
from netruimte.region.model import Region


@dataclass(frozen=True)
class Group:
    """One group: its id (the top area) and its areas in region order."""

    group_id: str
    index: int
    area_ids: tuple[str, ...]


def partition(region: Region) -> list[Group]:
    """The region's groups in the order of their top areas."""
    ids, group_of = area_groups(region)
    area_ids = region.area_ids
    out = []
    for g, gid in enumerate(ids):
        members = tuple(area_ids[i] for i in np.flatnonzero(group_of == g))
        out.append(Group(gid, g, members))
    return out


def subregion(region: Region, area_ids: tuple[str, ...] | list[str]) -> Region:
    """The region restricted to a set of areas closed under the hierarchy (a group)."""
    inside = set(area_ids)
    areas = region.areas.loc[list(area_ids)]
    parents = areas["parent_id"].dropna()
    outside = sorted(set(parents) - inside)
    if outside:
        raise ValueError(f"areas {outside} are parents of the subset but not in it")

    def only(frame: pd.DataFrame) -> pd.DataFrame:
        if frame is None or len(frame) == 0 or "area_id" not in frame:
            return frame
        return frame[frame["area_id"].isin(inside)].reset_index(drop=True)

    return Region(
        meta=region.meta,
        areas=areas,
        components=only(region.components),
        queue=only(region.queue),
        flex_assets=only(region.flex_assets),
        projects=only(region.projects),
        measured={k: v for k, v in region.measured.items() if k in inside},
        folder=region.folder,
        measured_tables={k: v for k, v in region.measured_tables.items() if k in inside},
    )

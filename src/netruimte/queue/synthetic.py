"""A national-scale queue instance from the project's own region generator (for benchmarks).

Several generated default regions (region/default.py, each calibrated to the capacity map)
are joined under distinct ids into one region of `n_areas` supply areas, and the offtake
queue is subsampled to `n_requests` (the national count in February 2026 is 14,044 offtake
requests at the regional operators, 9.1 GW).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.region.default import DEFAULT_SEED, generate_default_region
from netruimte.region.model import Region

NATIONAL_OFFTAKE_REQUESTS = 14_044
NATIONAL_OFFTAKE_MW = 9_100.0


def _prefixed(region: Region, prefix: str) -> dict[str, pd.DataFrame]:
    ren = {a: f"{prefix}{a}" for a in region.area_ids}
    areas = region.areas.reset_index(drop=True).copy()
    areas["area_id"] = areas["area_id"].map(ren)
    areas["parent_id"] = areas["parent_id"].map(lambda p: ren.get(p) if p else None)
    out = {"areas": areas}
    for name in ("components", "queue", "flex_assets", "projects"):
        frame = getattr(region, name).copy()
        frame["area_id"] = frame["area_id"].map(ren)
        for col in ("request_id", "asset_id"):
            if col in frame:
                frame[col] = prefix + frame[col].astype(str)
        out[name] = frame
    return out


def national_region(
    n_areas: int = 600,
    n_requests: int = NATIONAL_OFFTAKE_REQUESTS,
    seed: int = DEFAULT_SEED,
    areas_per_part: int = 200,
    offtake_only: bool = True,
) -> Region:
    """Join generated regions into one with `n_areas` supply areas and `n_requests` requests."""
    regions = []
    left, k = n_areas, 0
    while left > 0:
        n = min(areas_per_part, left)
        regions.append(generate_default_region(seed + 7919 * k, n))
        left -= n
        k += 1
    parts = [_prefixed(r, f"P{k + 1}-") for k, r in enumerate(regions)]
    joined = {name: pd.concat([p[name] for p in parts], ignore_index=True) for name in parts[0]}
    queue = joined["queue"]
    if offtake_only:
        queue = queue[queue["direction"] == "offtake"]
    rng = np.random.default_rng(seed)
    if len(queue) >= n_requests:
        queue = queue.iloc[np.sort(rng.choice(len(queue), n_requests, replace=False))]
    else:  # too few: repeat requests with new ids and shuffled dates
        extra = queue.iloc[rng.choice(len(queue), n_requests - len(queue), replace=True)].copy()
        extra["request_id"] = [f"X{i:05d}-{r}" for i, r in enumerate(extra["request_id"])]
        queue = pd.concat([queue, extra], ignore_index=True)
    return Region(
        meta=regions[0].meta.model_copy(
            update={"name": f"national test instance ({n_areas} supply areas)"}
        ),
        areas=joined["areas"].set_index("area_id", drop=False),
        components=joined["components"],
        queue=queue.reset_index(drop=True),
        flex_assets=joined["flex_assets"],
        projects=joined["projects"],
    )

"""Top-50 (breakthrough 6): rank large connections per bottleneck by structural contribution.

For a congested area and direction (a bottleneck) and each large connection whose load counts
there (its own area or a child area), over the congested quarter-hours of the design years:

* coincidence  = mean over congested steps of load / peak (how its load meets the shortage);
* load at the bottleneck's worst quarter-hour, and its share of the area's load then;
* relief at peak = min(flexible share × load at the worst step, shortage then) — the MW an
  agreement frees at the design moment; relief MWh/yr = Σ min(flexible share × load, shortage);
* cost €/yr = availability €/MW/yr × relief at peak + price €/MWh × relief MWh/yr.

Rank: relief at peak (desc), then relief MWh/yr (desc), then cost per MW (asc), then id. The
shortlist of an area takes connections in rank order until their relief at peak covers the
peak shortage (at most `shortlist_size`). The top-50 is the 50 best by relief at peak over all
bottlenecks (each connection once, at its best bottleneck).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.congestion.shortage import shortage_mw
from netruimte.market.large_connections import connection_loads
from netruimte.profiles.library import ShapeLibrary
from netruimte.prognosis.cube import LoadCube
from netruimte.region.model import Region
from netruimte.timeaxis import STEP_H

RANK_COLUMNS = [
    "bottleneck_area",
    "direction",
    "rank",
    "shortlisted",
    "connection_id",
    "area_id",
    "sector",
    "source",
    "generated",
    "peak_mw",
    "flexible_mw",
    "coincidence",
    "load_at_peak_mw",
    "share_of_area_load",
    "relief_at_peak_mw",
    "relief_mwh_per_year",
    "cost_eur_per_yr",
    "cost_eur_per_mw_yr",
    "peak_shortage_mw",
    "max_hours_per_year",
    "price_eur_per_mwh",
    "availability_eur_per_mw_yr",
]


def rank_connections(
    region: Region,
    cube: LoadCube,
    lib: ShapeLibrary,
    conns: pd.DataFrame,
    design_years: list[int],
    shortlist_size: int = 10,
) -> pd.DataFrame:
    """Ranking of large connections per bottleneck (one row per bottleneck × connection)."""
    agg = region.parent_matrix()
    ids = region.area_ids
    pos = {a: i for i, a in enumerate(ids)}
    conn_area = conns.area_id.map(pos).to_numpy() if len(conns) else np.zeros(0, int)
    frames = []
    for direction in ("offtake", "feedin"):
        cap_all = region.capacity_mw(direction)
        for x, area in enumerate(ids):  # per area; each step vectorised over (years, T)
            if not np.isfinite(cap_all[x]):
                continue
            load = cube.load_mw[design_years, :, x].astype(np.float64)
            s = shortage_mw(load, np.asarray(cap_all[x]), direction).reshape(-1)
            steps = np.flatnonzero(s > 0)
            if len(steps) == 0:
                continue
            members = (agg[x, conn_area] > 0) & (conns.direction.to_numpy() == direction)
            part = conns[members]
            if part.empty:
                continue
            mw = connection_loads(part, lib, design_years, steps)  # (N, S)
            short = s[steps]
            worst = int(np.argmax(short))
            area_load = (load.reshape(-1) if direction == "offtake" else -load.reshape(-1))[
                steps[worst]
            ]
            share = part.flexible_share.to_numpy(dtype=float)
            peak = part.peak_mw.to_numpy(dtype=float)
            relief = np.minimum(share[:, None] * mw, short[None, :])
            relief_peak = relief[:, worst]
            relief_mwh = relief.sum(axis=1) * STEP_H / len(design_years)
            cost = (
                part.availability_eur_per_mw_yr.to_numpy(dtype=float) * relief_peak
                + part.price_eur_per_mwh.to_numpy(dtype=float) * relief_mwh
            )
            with np.errstate(divide="ignore", invalid="ignore"):
                per_mw = np.where(relief_peak > 0, cost / relief_peak, np.inf)
            frame = pd.DataFrame(
                {
                    "bottleneck_area": area,
                    "direction": direction,
                    "connection_id": part.connection_id.to_numpy(),
                    "area_id": part.area_id.to_numpy(),
                    "sector": part.sector.to_numpy(),
                    "source": part.source.to_numpy(),
                    "generated": part.generated.to_numpy(),
                    "peak_mw": peak,
                    "flexible_mw": share * peak,
                    "coincidence": mw.mean(axis=1) / np.maximum(peak, 1e-9),
                    "load_at_peak_mw": mw[:, worst],
                    "share_of_area_load": mw[:, worst] / max(float(area_load), 1e-9),
                    "relief_at_peak_mw": relief_peak,
                    "relief_mwh_per_year": relief_mwh,
                    "cost_eur_per_yr": cost,
                    "cost_eur_per_mw_yr": per_mw,
                    "peak_shortage_mw": float(short[worst]),
                    "max_hours_per_year": part.max_hours_per_year.to_numpy(dtype=float),
                    "price_eur_per_mwh": part.price_eur_per_mwh.to_numpy(dtype=float),
                    "availability_eur_per_mw_yr": part.availability_eur_per_mw_yr.to_numpy(
                        dtype=float
                    ),
                }
            )
            frame = frame.sort_values(
                ["relief_at_peak_mw", "relief_mwh_per_year", "cost_eur_per_mw_yr", "connection_id"],
                ascending=[False, False, True, True],
                kind="stable",
            ).reset_index(drop=True)
            frame["rank"] = np.arange(1, len(frame) + 1)
            cum = frame.relief_at_peak_mw.cumsum().to_numpy()
            before = np.r_[0.0, cum[:-1]]
            frame["shortlisted"] = (
                (frame.relief_at_peak_mw > 0)
                & (before < float(short[worst]) - 1e-9)
                & (frame["rank"] <= shortlist_size)
            )
            frames.append(frame)
    if not frames:
        return pd.DataFrame(columns=RANK_COLUMNS)
    return pd.concat(frames, ignore_index=True)[RANK_COLUMNS]


def shortlist(ranking: pd.DataFrame) -> pd.DataFrame:
    """The shortlisted connections per bottleneck."""
    return ranking[ranking.shortlisted].reset_index(drop=True)


def top50(ranking: pd.DataFrame, n: int = 50) -> pd.DataFrame:
    """The n connections with the most relief at peak, each at its best bottleneck."""
    useful = ranking[ranking.relief_at_peak_mw > 0]
    best = useful.sort_values(
        ["relief_at_peak_mw", "cost_eur_per_mw_yr", "connection_id"],
        ascending=[False, True, True],
        kind="stable",
    ).drop_duplicates("connection_id")
    out = best.head(n).reset_index(drop=True)
    out.insert(0, "top_rank", np.arange(1, len(out) + 1))
    return out

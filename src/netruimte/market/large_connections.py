"""Large connections (≥ 1 MW) of a region: from the queue, or generated where the region has none.

A region folder has no table of individual large users, so they are derived, and every
generated one is marked `generated = True`:

* **admitted queue requests** of at least `min_mw` (real rows of the region's queue), with
  their own profile class, flexible share and asked price;
* **industry and businesses**: the area's annual energy of these classes is split into large
  users — a share of it (`LARGE_SHARE`) in connections with Pareto-distributed peaks (≥ 1 MW),
  each with its own daily pattern (a seeded mix of the project's industry, business and flat
  shapes), full-load hours, flexible share and price;
* **wind and PV**: all wind capacity and a share of PV capacity as parks of drawn size.

The generator is seeded (`seed`), so the same region gives the same connections.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.profiles.library import ShapeLibrary
from netruimte.region.model import Region

# per-MW signed shapes (peak 1) of the shape library used as a basis for connection profiles
BASIS = (
    "industry",
    "business",
    "flat",
    "datacenter",
    "heat_pump",
    "ev_charging",
    "electrolyser",
    "housing",
    "pv",
    "wind",
    "chp",
    "battery_offtake",
    "battery_feedin",
)
# share of each class's energy or capacity that sits in connections of ≥ 1 MW (assumption)
LARGE_SHARE = {"industry": 0.7, "businesses": 0.25, "wind": 1.0, "pv": 0.5}
# flexible share and price ranges (€/MWh activation, €/MW/yr availability) per sector
SECTORS = {
    "industry": ((0.05, 0.30), (150.0, 600.0), (5000.0, 25000.0)),
    "business": ((0.05, 0.20), (100.0, 400.0), (3000.0, 15000.0)),
    "wind": ((0.5, 1.0), (40.0, 120.0), (0.0, 5000.0)),
    "pv": ((0.8, 1.0), (30.0, 100.0), (0.0, 3000.0)),
    "queue": ((0.0, 0.0), (100.0, 400.0), (3000.0, 15000.0)),
}
AGREEMENT_HOURS = (100.0, 200.0, 400.0)  # max hours per year of a flex agreement
COLUMNS = [
    "connection_id",
    "area_id",
    "direction",
    "sector",
    "source",
    "generated",
    "peak_mw",
    "annual_mwh",
    "flexible_share",
    "price_eur_per_mwh",
    "availability_eur_per_mw_yr",
    "max_hours_per_year",
    *[f"w_{b}" for b in BASIS],
]


def _pareto_sizes(rng: np.random.Generator, total: float, min_mw: float, cap: float) -> list:
    """Peaks (MW) of Pareto(α=1.3) sizes ≥ min_mw until they add up to `total`."""
    out: list[float] = []
    left = total
    while left >= min_mw:
        size = min(min_mw * (1 + rng.pareto(1.3)), cap, left)
        out.append(round(size, 2))
        left -= size
    return out


def derive_large_connections(
    region: Region,
    lib: ShapeLibrary,
    admission: pd.DataFrame | None = None,
    seed: int = 20260226,
    min_mw: float = 1.0,
) -> pd.DataFrame:
    """One row per large connection with its profile mix (weights over BASIS)."""
    rng = np.random.default_rng(seed)
    rows: list[dict] = []
    full_load = {c: float(lib.request[c].sum() * 0.25 / lib.n_years) for c in BASIS}
    if admission is not None and len(admission):
        big = admission[(admission.outcome == "admitted") & (admission.mw >= min_mw)]
        queue = region.queue.set_index("request_id")
        for req in big.itertuples():  # per large admitted request
            q = queue.loc[req.request_id]
            basis = (
                f"battery_{req.direction}"
                if req.profile_class == "battery"
                else (req.profile_class)
            )
            weights = {basis: 1.0}
            price = q.get("price_eur_per_mwh")
            rows.append(
                {
                    "connection_id": f"Q-{req.request_id}",
                    "area_id": req.area_id,
                    "direction": req.direction,
                    "sector": str(req.profile_class),
                    "source": "admitted queue request",
                    "generated": False,
                    "peak_mw": float(req.mw),
                    "annual_mwh": float(req.mw) * abs(full_load.get(basis, 0.0)),
                    "flexible_share": float(q.get("flexible_share") or 0.0),
                    "price_eur_per_mwh": float(price)
                    if price is not None and not pd.isna(price)
                    else float(np.round(rng.uniform(*SECTORS["queue"][1]))),
                    "availability_eur_per_mw_yr": float(
                        np.round(rng.uniform(*SECTORS["queue"][2]), -2)
                    ),
                    "max_hours_per_year": float(rng.choice(AGREEMENT_HOURS)),
                    **{f"w_{k}": v for k, v in weights.items()},
                }
            )
    comp = region.components
    for area in region.area_ids:  # per area: a handful of draws each
        part = comp[comp.area_id == area]
        for cls, sector, direction in (
            ("industry", "industry", "offtake"),
            ("businesses", "business", "offtake"),
            ("wind", "wind", "feedin"),
            ("pv", "pv", "feedin"),
        ):
            sel = part[part.asset_class == cls]
            if sel.empty:
                continue
            alpha = [4.0, 1.5, 1.5] if cls == "industry" else [1.0, 5.0, 1.0]
            if direction == "offtake":  # energy → MW with the mean mix's full-load hours
                energy = float(sel.annual_mwh.fillna(0).sum()) * LARGE_SHARE[cls]
                mean_mix = np.asarray(alpha) / sum(alpha)
                flh = float(mean_mix @ [full_load[b] for b in ("industry", "business", "flat")])
                total_mw = energy / max(flh, 1.0)
            else:
                total_mw = float(sel.capacity_mw.fillna(0).sum()) * LARGE_SHARE[cls]
            cap = 60.0 if sector in ("industry", "wind") else 25.0
            for k, peak in enumerate(_pareto_sizes(rng, total_mw, min_mw, cap)):
                if direction == "offtake":
                    w = rng.dirichlet(alpha)
                    weights = {"industry": w[0], "business": w[1], "flat": w[2]}
                else:
                    weights = {sector: 1.0}
                share_rng, price_rng, avail_rng = SECTORS[sector]
                flh = abs(sum(v * full_load[b] for b, v in weights.items()))
                rows.append(
                    {
                        "connection_id": f"G-{area}-{sector[:3].upper()}{k + 1:02d}",
                        "area_id": area,
                        "direction": direction,
                        "sector": sector,
                        "source": f"generated from {cls}",
                        "generated": True,
                        "peak_mw": float(peak),
                        "annual_mwh": round(float(peak) * flh, 1),
                        "flexible_share": round(float(rng.uniform(*share_rng)), 3),
                        "price_eur_per_mwh": float(np.round(rng.uniform(*price_rng))),
                        "availability_eur_per_mw_yr": float(np.round(rng.uniform(*avail_rng), -2)),
                        "max_hours_per_year": float(rng.choice(AGREEMENT_HOURS)),
                        **{f"w_{b}": v for b, v in weights.items()},
                    }
                )
    frame = pd.DataFrame(rows)
    for col in COLUMNS:
        if col not in frame.columns:
            frame[col] = 0.0
    weights_cols = [f"w_{b}" for b in BASIS]
    frame[weights_cols] = frame[weights_cols].fillna(0.0)
    frame = frame[COLUMNS].reset_index(drop=True)
    frame["profile_norm"] = profile_norms(frame, lib) if len(frame) else []
    return frame


def profile_norms(conns: pd.DataFrame, lib: ShapeLibrary) -> np.ndarray:
    """Peak |mix| of each connection's weighted BASIS shapes over all weather years."""
    weights = conns[[f"w_{b}" for b in BASIS]].to_numpy(dtype=np.float64)
    uniq, inverse = np.unique(weights, axis=0, return_inverse=True)
    norms = np.empty(len(uniq))
    for u, w in enumerate(uniq):  # per distinct mix (single shapes share one)
        used = np.flatnonzero(w)
        series = sum(w[j] * lib.request[BASIS[j]].astype(np.float64) for j in used)
        norms[u] = float(np.abs(series).max()) if len(used) else 1.0
    return norms[inverse.ravel()]


def connection_loads(
    conns: pd.DataFrame, lib: ShapeLibrary, years: list[int], steps: np.ndarray
) -> np.ndarray:
    """(N, len(steps)) MW in each connection's own direction (≥ 0) at flat steps of (years, T).

    A connection's profile is its weighted mix of BASIS shapes, rescaled to peak 1 over the
    whole year (`profile_norm`), times its peak MW.
    """
    if len(conns) == 0:
        return np.zeros((0, len(steps)))
    basis = np.stack(
        [lib.request[b][years].reshape(-1)[steps].astype(np.float64) for b in BASIS]
    )  # (J, S)
    weights = conns[[f"w_{b}" for b in BASIS]].to_numpy(dtype=np.float64)  # (N, J)
    norm = (
        conns["profile_norm"].to_numpy(dtype=np.float64)
        if "profile_norm" in conns
        else profile_norms(conns, lib)
    )
    sign = np.where(conns.direction.to_numpy() == "offtake", 1.0, -1.0)
    series = (weights @ basis) * (sign / norm)[:, None]
    return np.clip(series, 0.0, None) * conns.peak_mw.to_numpy(dtype=np.float64)[:, None]

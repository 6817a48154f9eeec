"""Tables of the roll-up: freed MW per breakthrough (alone and attributed), totals, operators.

v(S) = MW (or requests) admitted with the set S of breakthroughs; freed(S) = v(S) − v(∅).
Per sample: the effect of each breakthrough alone, freed({i}); its exact Shapley value
φ_i = Σ_S w_S (v(S ∪ {i}) − v(S)) over all 256 sets (players.shapley_matrix), which sums to
freed(all eight); and freed(all eight). Statistics: the central case (sample 0) and P10, P50,
P90 and the mean over the Monte Carlo samples (1..S). Percentiles of a sum are taken of the
per-sample sums (not the sum of percentiles).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.impact import players as P
from netruimte.impact.reference import (
    ESTIMATES,
    QUEUE_REGIONAL_OFFTAKE_GW,
    QUEUE_TENNET_OFFTAKE_GW,
    reference_table,
)
from netruimte.impact.rollup import ImpactResult, YearResult

QUANTILES = (10, 50, 90)
METRICS = {
    "mw_offtake": ("MW", 0),
    "mw_feedin": ("MW", 1),
    "requests": ("requests", None),
}


def values(yr: YearResult, metric: str, cats: np.ndarray | None = None) -> np.ndarray:
    """(S+1, 256) admitted MW or requests per sample and set (optionally some categories)."""
    sel = slice(None) if cats is None else cats
    if metric == "requests":
        return yr.n[:, :, sel, :].sum(axis=(2, 3)).astype(float)
    d = METRICS[metric][1]
    return yr.mw[:, :, sel, d].sum(axis=2)


def attribution(v: np.ndarray) -> dict[str, np.ndarray]:
    """Per sample: freed MW of each breakthrough alone and attributed, and of all eight."""
    freed = v - v[:, :1]
    phi = freed @ P.shapley_matrix()  # (S+1, 8)
    alone = np.stack([freed[:, 1 << j] for j in range(P.N_PLAYERS)], axis=1)
    return {"alone": alone, "shapley": phi, "all": freed[:, P.ALL], "base": v[:, 0]}


def stats(x: np.ndarray) -> dict[str, float]:
    """Central value (row 0) and P10/P50/P90/mean over the Monte Carlo rows (1..)."""
    mc = x[1:]
    out = {"central": float(x[0])}
    if len(mc):
        for q, v in zip(QUANTILES, np.percentile(mc, QUANTILES), strict=True):
            out[f"p{q}"] = float(v)
        out["mean"] = float(mc.mean())
    else:
        out |= {f"p{q}": float(x[0]) for q in QUANTILES} | {"mean": float(x[0])}
    return out


def breakthrough_table(res: ImpactResult) -> pd.DataFrame:
    """Per year, metric and breakthrough: alone and attributed statistics; plus all eight."""
    rows = []
    for year, yr in res.years.items():
        for metric in METRICS:
            a = attribution(values(yr, metric))
            for j, (name, number, label) in enumerate(P.PLAYERS):
                for kind in ("alone", "shapley"):
                    rows.append(
                        {
                            "year": year,
                            "metric": metric,
                            "breakthrough": number,
                            "name": name,
                            "label": label,
                            "effect": "alone" if kind == "alone" else "attributed (Shapley)",
                            **stats(a[kind][:, j]),
                        }
                    )
            rows.append(
                {
                    "year": year,
                    "metric": metric,
                    "breakthrough": 0,
                    "name": "all",
                    "label": "all eight together",
                    "effect": "together",
                    **stats(a["all"]),
                }
            )
            rows.append(
                {
                    "year": year,
                    "metric": metric,
                    "breakthrough": -1,
                    "name": "baseline",
                    "label": "admitted without any breakthrough",
                    "effect": "baseline",
                    **stats(a["base"]),
                }
            )
    return pd.DataFrame(rows)


def level_split(res: ImpactResult) -> pd.DataFrame:
    """Freed offtake MW of all eight at the regional operators and at TenneT (statistics)."""
    rows = []
    cats = res.categories
    for year, yr in res.years.items():
        for level, label in ((0, "regional operators"), (1, "TenneT")):
            sel = np.array([i for i, c in enumerate(cats) if c[1] == level], dtype=int)
            for metric in ("mw_offtake", "mw_feedin", "requests"):
                a = attribution(values(yr, metric, sel))
                rows.append(
                    {"year": year, "queue": label, "metric": metric, **stats(a["all"])}
                    | {"baseline_central": float(a["base"][0])}
                )
    return pd.DataFrame(rows)


def queue_share(region) -> float:
    """The region's offtake queue as a share of the national one (9.1 + 38 GW), at most 1."""
    q = region.queue
    mw = float(q.loc[q["direction"] == "offtake", "mw"].sum())
    return min(1.0, mw / ((QUEUE_REGIONAL_OFFTAKE_GW + QUEUE_TENNET_OFFTAKE_GW) * 1000))


def comparison_table(res: ImpactResult) -> pd.DataFrame:
    """Our attributed offtake GW next to the Aansluitoffensief estimates (our reading).

    For a region smaller than the country the national figures are scaled by its share of
    the national offtake queue (`reference_scale`; 1 for the national region)."""
    ref = reference_table(list(res.years))
    share = queue_share(res.region)
    for col in ("reference_gw", "reference_low_gw", "reference_high_gw"):
        ref[col] = ref[col] * share
    ref["reference_scale"] = share
    rows = []
    for year, yr in res.years.items():
        a = attribution(values(yr, "mw_offtake"))
        for label, (players, *_rest) in ESTIMATES.items():
            idx = [P.NAMES.index(p) for p in players]
            alone_only = label.endswith("alone")
            if alone_only:
                x = a["alone"][:, idx[0]]
            else:
                x = a["shapley"][:, idx].sum(axis=1)
            rows.append(
                {
                    "year": year,
                    "item": label,
                    "ours": "alone" if alone_only else "attributed",
                    **{f"ours_{k}_gw": v / 1000 for k, v in stats(x).items()},
                }
            )
        rows.append(
            {
                "year": year,
                "item": "all eight",
                "ours": "together",
                **{f"ours_{k}_gw": v / 1000 for k, v in stats(a["all"]).items()},
            }
        )
    ours = pd.DataFrame(rows)
    out = ref.merge(ours, on=["year", "item"], how="left")
    out["within_reference_band"] = (out.ours_p50_gw >= out.reference_low_gw - 1e-9) & (
        out.ours_p50_gw <= out.reference_high_gw + 1e-9
    )
    return out


def operator_table(res: ImpactResult) -> pd.DataFrame:
    """Per year and operator (level): baseline, freed offtake MW of all eight (statistics) and
    the attributed P50 of each breakthrough."""
    rows = []
    for year, yr in res.years.items():
        for i, (op, level) in enumerate(res.categories):
            v = values(yr, "mw_offtake", np.array([i]))
            a = attribution(v)
            n = attribution(values(yr, "requests", np.array([i])))
            row = {
                "year": year,
                "operator": op,
                "level": "tso" if level else "dso",
                "baseline_mw_offtake": float(a["base"][0]),
                **{f"freed_mw_{k}": v_ for k, v_ in stats(a["all"]).items()},
                "freed_requests_p50": stats(n["all"])["p50"],
            }
            for j, (name, *_x) in enumerate(P.PLAYERS):
                row[f"{name}_mw_p50"] = stats(a["shapley"][:, j])["p50"]
            rows.append(row)
    return pd.DataFrame(rows)


def area_table(res: ImpactResult) -> pd.DataFrame:
    """Per year and area: queue, baseline admitted and freed MW of all eight (central, P50)."""
    areas = res.region.areas
    q = res.region.queue
    queue_mw = q.pivot_table(
        index="area_id", columns="direction", values="mw", aggfunc="sum", fill_value=0.0
    ).reindex(res.area_ids, fill_value=0.0)
    rows = []
    for year, yr in res.years.items():
        base = yr.area_mw[:, 0]  # (S+1, A, 2)
        full = yr.area_mw[:, 1]
        freed = full - base
        mc = freed[1:] if len(freed) > 1 else freed
        p50 = np.percentile(mc, 50, axis=0)
        frame = pd.DataFrame(
            {
                "year": year,
                "area_id": res.area_ids,
                "name": areas["name"].to_numpy(),
                "operator": areas["operator"].to_numpy(),
                "level": areas["level"].to_numpy(),
                "queue_mw_offtake": queue_mw.get("offtake", 0.0),
                "queue_mw_feedin": queue_mw.get("feedin", 0.0),
                "baseline_mw_offtake": base[0, :, 0],
                "baseline_mw_feedin": base[0, :, 1],
                "freed_mw_offtake_central": freed[0, :, 0],
                "freed_mw_feedin_central": freed[0, :, 1],
                "freed_mw_offtake_p50": p50[:, 0],
                "freed_mw_feedin_p50": p50[:, 1],
            }
        )
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def sample_table(res: ImpactResult) -> pd.DataFrame:
    """The sample table with, per year, freed offtake MW of all eight and each attribution."""
    out = res.samples.copy()
    for year, yr in res.years.items():
        a = attribution(values(yr, "mw_offtake"))
        out[f"{year}_baseline_mw_offtake"] = a["base"]
        out[f"{year}_all_eight_mw_offtake"] = a["all"]
        for j, name in enumerate(P.NAMES):
            out[f"{year}_{name}_mw_offtake"] = a["shapley"][:, j]
        out[f"{year}_budget_level_sum"] = yr.level8.sum(axis=1)
        spend = yr.spend.set_index("sample")
        out[f"{year}_budget_spent_above_floor_eur"] = spend[
            "budget_spent_above_floor_eur_per_yr"
        ].to_numpy()
    return out


def sets_table(res: ImpactResult) -> pd.DataFrame:
    """The central value of every one of the 256 sets (admitted MW and requests)."""
    rows = []
    for year, yr in res.years.items():
        off, feed, req = (values(yr, m)[0] for m in ("mw_offtake", "mw_feedin", "requests"))
        for mask in range(P.N_SETS):
            rows.append(
                {
                    "year": year,
                    "mask": mask,
                    "members": " + ".join(P.members(mask)) or "(none)",
                    "admitted_mw_offtake": off[mask],
                    "admitted_mw_feedin": feed[mask],
                    "admitted_requests": req[mask],
                    "contract_mw": float(yr.contract_mw[0, mask].sum()),
                    "freed_mw_offtake": off[mask] - off[0],
                }
            )
    return pd.DataFrame(rows)

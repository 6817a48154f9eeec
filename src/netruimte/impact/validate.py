"""Surrogate against the exact engine, set by set, at the central parameters.

For each requested set of breakthroughs both paths get the same inputs (the picture of the
set from measures/framework.py, the same counted flex from the same allocation); the exact
path admits the queue with queue/engine.py on every candidate step, the surrogate on its rows.
The table gives admitted MW and requests per path and the differences; `shapley_check` also
compares the attribution when all 256 sets are evaluated.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from netruimte.impact import players as P
from netruimte.impact import rollup, tasks
from netruimte.impact.exact import exact_admission
from netruimte.impact.flexsets import flex_tables
from netruimte.measures.picture import base_picture
from netruimte.prognosis.cube import build_cube


def compare_sets(
    region, scenario, params, year: int, masks: list[int], executor=None, progress=None
) -> pd.DataFrame:
    """Exact and surrogate admitted MW (offtake, feed-in) and requests per mask (central)."""
    central = params.model_copy(
        update={"monte_carlo": params.monte_carlo.model_copy(update={"samples": 0})}
    )
    ctx = rollup.context(region, scenario, central, executor, progress)
    yi = rollup.year_inputs(ctx, year)
    sur = rollup.year_sets(ctx, yi)
    ex = ctx.executor
    datas = [ex.resolve(d) if hasattr(ex, "resolve") else d.result() for d in yi.data]
    a_n = region.n_areas
    sample0 = ctx.samples.iloc[:1].reset_index(drop=True)
    f_nat = {}
    for g, data in zip(ctx.groups, datas, strict=True):
        f, h = flex_tables(
            data,
            sample0,
            ctx.sp.booked_share,
            ctx.sp.reach_without,
            ctx.sp.floor_eur,
            yi.level8[:1, g.index],
            set(yi.top_ids),
        )
        idx = [ctx.area_pos[a] for a in g.area_ids]
        f_nat[g.index] = (idx, f, h, data.hours_levels)
    cube = build_cube(region, yi.scenario, yi.lib)
    pic = base_picture(region, yi.scenario, cube, yi.lib, yi.design)
    kinds = ctx.sp.design_choices[0] if ctx.sp.design_choices else None
    rows = []
    for mask in masks:
        fc = P.flex_combo(mask)
        flex = np.zeros((a_n, 2))
        hours = np.full((a_n, 2), np.inf)
        for idx, f, h, levels in f_nat.values():
            flex[idx] = f[fc].reshape(-1, 2)
            hi = h[fc].reshape(-1, 2)
            hours[idx] = np.where(hi >= 0, levels[np.maximum(hi, 0)] if len(levels) else 0, np.inf)
        adm = exact_admission(pic, mask, yi.scenario.measures, flex, hours, kinds)
        got = adm[adm["outcome"] == "admitted"]
        s_off = sur.mw[0, mask, :, 0].sum()
        s_feed = sur.mw[0, mask, :, 1].sum()
        e_off = float(got.loc[got["direction"] == "offtake", "mw"].sum())
        e_feed = float(got.loc[got["direction"] == "feedin", "mw"].sum())
        rows.append(
            {
                "year": year,
                "mask": mask,
                "members": " + ".join(P.members(mask)) or "(none)",
                "exact_mw_offtake": e_off,
                "surrogate_mw_offtake": float(s_off),
                "exact_mw_feedin": e_feed,
                "surrogate_mw_feedin": float(s_feed),
                "exact_requests": len(got),
                "surrogate_requests": int(sur.n[0, mask].sum()),
            }
        )
    out = pd.DataFrame(rows)
    out["diff_mw_offtake"] = out.surrogate_mw_offtake - out.exact_mw_offtake
    out["diff_mw_feedin"] = out.surrogate_mw_feedin - out.exact_mw_feedin
    return out


def freed_and_shapley(table: pd.DataFrame, column: str) -> tuple[pd.Series, np.ndarray]:
    """MW freed per mask (over the empty set) and the Shapley values, from a full table."""
    v = table.set_index("mask")[column].reindex(range(P.N_SETS)).to_numpy(float)
    freed = v - v[0]
    return pd.Series(freed, index=range(P.N_SETS)), freed @ P.shapley_matrix()


__all__ = ["compare_sets", "freed_and_shapley", "tasks"]

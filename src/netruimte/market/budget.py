"""Budget above the financial floor (breakthrough 8): buy flex where it admits the most MW.

Flex options (uncontracted flex assets of the region, and flex agreements with the large
connections of the top-50 ranking) relieve their own area and every area above it, since
their MW lower the load there too. Areas are grouped by their top ancestor (a TenneT area
and its supply areas); groups share no area, so what one group admits does not depend on
another group's flex. Within a group and direction the options are put in merit order
(€ per MW-year) and level k buys the first ⌈k·n/K⌉ of its n options.

To relate flex to MW admitted we call the queue's own admission, `admit_queue`, as a black
box: once per level k, with every group at level k. Because groups are independent, the
admitted MW of any mix of group levels is exactly the sum of the per-group results of the
sweep (checked by `verify`, which runs `admit_queue` at the chosen allocation).

Offtake and feed-in are not independent (an admitted feed-in request lowers the net load and
so makes room for offtake, and vice versa), so a group moves both directions to the same
level. The allocation is a multiple-choice knapsack solved with HiGHS: one level per group,
maximising admitted MW subject to
Σ_areas max(0, cost of the area's options − floor_area) ≤ budget: what an area spends below
its financial floor the operator pays anyway; only the part above it draws on the budget.

Tariffs: the budget spent is socialised over the region's transport tariffs pro rata to
annual offtake energy (€/MWh = spent / offtake MWh per year), shown also per household.
"""

from __future__ import annotations

import dataclasses
import math
import time

import highspy
import numpy as np
import pandas as pd
import scipy.sparse as sp

from netruimte.market.params import DEFAULT_FLOOR_EUR_PER_YR
from netruimte.market.solver import new_highs
from netruimte.profiles.library import HOUSEHOLD_MWH_PER_YEAR, ShapeLibrary
from netruimte.prognosis.cube import LoadCube
from netruimte.queue.admission import admit_queue
from netruimte.region.model import Region
from netruimte.scenario import Scenario
from netruimte.timeaxis import STEP_H

NATIONAL_BUDGET_EUR_PER_YR = 500e6  # Aansluitoffensief: €500M/yr extra (2026-2027)
NATIONAL_QUEUE_MW = 9_100.0 + 4_600.0  # regional operators, Feb 2026 (offtake + feed-in)
DEFAULT_LEVELS = 5
UNKNOWN_HOURS = 400.0  # activation hours assumed for options without a max


def flex_options(region: Region, ranking: pd.DataFrame | None = None) -> pd.DataFrame:
    """Options: option_id, area_id, direction, source, mw, max_hours, cost and € per MW-yr.

    Cost per year = MW × (availability €/MW/yr + activation €/MWh × max hours per year): the
    activation is priced at the option's full hours, an upper bound, because admitting more
    requests makes congestion longer (up to what the flex can give). Without a max hours,
    the area's congested hours are not known in advance, so such options use 400 h.
    """
    rows = []
    fa = region.flex_assets
    if len(fa):
        free = fa[~fa["contracted"].fillna(True).astype(bool)]
        for r in free.itertuples():  # per asset (tens)
            max_h = _hours(r.max_hours_per_year)
            rows.append(
                {
                    "option_id": r.asset_id,
                    "area_id": r.area_id,
                    "direction": r.direction,
                    "source": "uncontracted flex asset",
                    "mw": float(r.mw),
                    "max_hours_per_year": max_h,
                    "cost_eur_per_yr": float(r.mw)
                    * (
                        float(r.availability_eur_per_mw_yr or 0.0)
                        + float(r.activation_eur_per_mwh or 0.0) * max_h
                    ),
                }
            )
    if ranking is not None and len(ranking):
        useful = ranking[ranking.relief_at_peak_mw > 1e-3]
        best = useful.sort_values(["relief_at_peak_mw", "connection_id"], ascending=[False, True])
        best = best.drop_duplicates("connection_id")
        for r in best.itertuples():  # per connection (hundreds)
            max_h = _hours(r.max_hours_per_year)
            mw = float(r.relief_at_peak_mw)
            rows.append(
                {
                    "option_id": f"top50:{r.connection_id}",
                    "area_id": r.area_id,
                    "direction": r.direction,
                    "source": "top-50 agreement",
                    "mw": mw,
                    "max_hours_per_year": max_h,
                    "cost_eur_per_yr": mw
                    * (r.availability_eur_per_mw_yr + r.price_eur_per_mwh * max_h),
                }
            )
    cols = [
        "option_id",
        "area_id",
        "direction",
        "source",
        "mw",
        "max_hours_per_year",
        "cost_eur_per_yr",
    ]
    out = pd.DataFrame(rows, columns=cols)
    out["eur_per_mw_yr"] = out.cost_eur_per_yr / out.mw.clip(lower=1e-9)
    return out.sort_values(
        ["area_id", "direction", "eur_per_mw_yr", "option_id"], kind="stable"
    ).reset_index(drop=True)


def _hours(value: object) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return UNKNOWN_HOURS
    return float(value)  # type: ignore[arg-type]


def area_groups(region: Region) -> tuple[list[str], np.ndarray]:
    """Top ancestor of every area: group ids and the group index of each area."""
    parents = region.areas["parent_id"].to_dict()
    roots = []
    for area in region.area_ids:
        top, hop = area, 0
        while parents.get(top) is not None and parents.get(top) in parents and hop < 20:
            top, hop = parents[top], hop + 1
        roots.append(top)
    ids = sorted(set(roots), key=roots.index)
    pos = {g: i for i, g in enumerate(ids)}
    return ids, np.array([pos[r] for r in roots], dtype=np.int64)


def merit_levels(region: Region, options: pd.DataFrame, levels: int) -> pd.DataFrame:
    """Options with their group, merit position in (group, direction) and level 1..K."""
    out = options.copy()
    ids, group_of = area_groups(region)
    pos = {a: i for i, a in enumerate(region.area_ids)}
    out["group"] = [ids[group_of[pos[a]]] for a in out.area_id] if len(out) else []
    out = out.sort_values(["group", "direction", "eur_per_mw_yr", "option_id"], kind="stable")
    out["merit"] = out.groupby(["group", "direction"]).cumcount()
    n = out.groupby(["group", "direction"])["option_id"].transform("size")
    out["level"] = np.ceil((out.merit.to_numpy() + 1) * levels / n.to_numpy() - 1e-9).astype(int)
    return out.reset_index(drop=True)


def region_with_options(region: Region, options: pd.DataFrame) -> Region:
    """The region with options added as contracted flex in their area and every area above."""
    if options.empty:
        return region
    parents = region.areas["parent_id"].to_dict()
    rows = []
    for r in options.itertuples():  # per option
        area, hop = r.area_id, 0
        while area is not None and area in parents and hop < 10:
            rows.append(
                {
                    "asset_id": f"{r.option_id}@{area}",
                    "area_id": area,
                    "direction": r.direction,
                    "technology": r.source,
                    "mw": r.mw,
                    "contracted": True,
                    "max_hours_per_year": r.max_hours_per_year,
                    "max_activations_per_year": np.nan,
                    "max_duration_h": np.nan,
                    "availability_eur_per_mw_yr": 0.0,
                    "activation_eur_per_mwh": 0.0,
                    "co2_kg_per_mwh": 0.0,
                }
            )
            area, hop = parents.get(area), hop + 1
    added = pd.DataFrame(rows, columns=list(region.flex_assets.columns))
    base = region.flex_assets
    flex = (
        added
        if base.empty
        else pd.concat([base.astype(object), added.astype(object)], ignore_index=True)
    )
    flex = flex.infer_objects()
    flex["contracted"] = [True if v is None or v != v else bool(v) for v in flex["contracted"]]
    return dataclasses.replace(region, flex_assets=flex)


def admitted_per_area(admission: pd.DataFrame, area_ids: list[str]) -> np.ndarray:
    """(A, 2) admitted MW per area and direction (offtake, feed-in)."""
    out = np.zeros((len(area_ids), 2))
    adm = admission[admission.outcome == "admitted"]
    if len(adm):
        pos = {a: i for i, a in enumerate(area_ids)}
        np.add.at(
            out,
            (adm.area_id.map(pos).to_numpy(), (adm.direction == "feedin").to_numpy().astype(int)),
            adm.mw.to_numpy(dtype=float),
        )
    return out


@dataclasses.dataclass
class BudgetCurves:
    """Admitted MW per group (G, 2, K+1) and option cost per area (A, 2, K+1) at each level."""

    area_ids: list[str]
    group_ids: list[str]
    group_of_area: np.ndarray
    options: pd.DataFrame  # with group, merit, level
    admitted_mw: np.ndarray
    admitted_area_mw: np.ndarray  # (A, 2, K+1)
    cost_eur: np.ndarray
    levels: int
    admission_runs: int
    seconds: float


def budget_curves(
    region: Region,
    scenario: Scenario,
    cube: LoadCube,
    lib: ShapeLibrary,
    design_years: list[int],
    options: pd.DataFrame,
    levels: int = DEFAULT_LEVELS,
    base_admission: pd.DataFrame | None = None,
    progress=None,
) -> BudgetCurves:
    """Admitted MW per group and direction at each merit-order level (admit_queue sweep)."""
    t0 = time.perf_counter()
    ids = region.area_ids
    group_ids, group_of = area_groups(region)
    opts = merit_levels(region, options, levels)
    pos = {a: i for i, a in enumerate(ids)}
    a_idx = opts.area_id.map(pos).to_numpy(dtype=np.int64) if len(opts) else np.zeros(0, int)
    d_idx = (opts.direction == "feedin").to_numpy().astype(int)
    lvl = opts.level.to_numpy() if len(opts) else np.zeros(0, int)
    area_mw = np.zeros((len(ids), 2, levels + 1))
    cost = np.zeros((len(ids), 2, levels + 1))
    runs = 0
    steps = range(levels + 1)
    if progress is not None:
        steps = progress.track(steps, "budget: admission per flex level", total=levels + 1)
    for k in steps:  # one admission run per level
        chosen = lvl <= k
        np.add.at(
            cost[:, :, k], (a_idx[chosen], d_idx[chosen]), opts.cost_eur_per_yr.to_numpy()[chosen]
        )
        if (k == 0 or not chosen.any()) and base_admission is not None:
            adm = base_admission  # nothing bought: the run's own admission
        else:
            adm = admit_queue(
                region_with_options(region, opts[chosen]), scenario, cube, lib, design_years
            )
            runs += 1
        area_mw[:, :, k] = admitted_per_area(adm, ids)
    group_mw = np.zeros((len(group_ids), 2, levels + 1))
    np.add.at(group_mw, group_of, area_mw)
    return BudgetCurves(
        ids,
        group_ids,
        group_of,
        opts,
        group_mw,
        area_mw,
        cost,
        levels,
        runs,
        time.perf_counter() - t0,
    )


def _group_choices(curves: BudgetCurves, floor_eur: np.ndarray):
    """Per group the undominated levels (as offtake, feed-in pairs) with gain and spend."""
    g_n, _, k_n = curves.admitted_mw.shape
    gain = curves.admitted_mw - curves.admitted_mw[:, :, :1]
    # both directions move together: an admitted feed-in request lowers the net load and so
    # makes room for offtake (and vice versa), so only the swept pairs (k, k) are exact
    ko = kf = np.arange(k_n)
    out = []
    for g in range(g_n):  # per group: K+1 levels
        members = np.flatnonzero(curves.group_of_area == g)
        c = curves.cost_eur[members]  # (m, 2, K+1)
        spend = np.clip(c[:, 0, ko] + c[:, 1, kf] - floor_eur[members, None], 0, None).sum(0)
        gg = gain[g, 0, ko] + gain[g, 1, kf]
        order = np.lexsort((-gg, spend))  # cheapest first, best gain first among equal spend
        keep, best = [], -np.inf
        for i in order:
            if gg[i] > best + 1e-9:
                keep.append(i)
                best = gg[i]
        keep = np.asarray(keep, dtype=np.int64)
        out.append((ko[keep], kf[keep], gg[keep], spend[keep]))
    return out


def allocate(
    curves: BudgetCurves,
    budget_eur: float,
    floor_eur: np.ndarray,
) -> tuple[np.ndarray, float, float]:
    """Best level pair per group (G, 2) for a budget; MW gain over no flex and budget spent.

    A multiple-choice knapsack (one level pair per group) solved as a MILP with HiGHS.
    """
    choices = _group_choices(curves, floor_eur)
    sizes = [len(c[0]) for c in choices]
    n_col = int(sum(sizes))
    group = np.repeat(np.arange(len(choices)), sizes)
    gains = np.concatenate([c[2] for c in choices])
    spends = np.concatenate([c[3] for c in choices])
    n_grp = len(choices)
    rows = np.r_[group, np.full(n_col, n_grp)]
    cols = np.r_[np.arange(n_col), np.arange(n_col)]
    vals = np.r_[np.ones(n_col), spends]
    a = sp.csc_matrix((vals, (rows, cols)), shape=(n_grp + 1, n_col))
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n_col, n_grp + 1
    lp.col_cost_ = -gains
    lp.col_lower_ = np.zeros(n_col)
    lp.col_upper_ = np.ones(n_col)
    lp.row_lower_ = np.r_[np.ones(n_grp), -np.inf]
    lp.row_upper_ = np.r_[np.ones(n_grp), float(budget_eur) + 1e-6]
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = a.indptr.astype(np.int32)
    lp.a_matrix_.index_ = a.indices.astype(np.int32)
    lp.a_matrix_.value_ = a.data.astype(np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_col
    h = new_highs()
    h.setOptionValue("mip_rel_gap", 1e-9)
    h.setOptionValue("time_limit", 30.0)
    h.passModel(lp)
    h.run()
    x = np.round(np.asarray(h.getSolution().col_value)) > 0.5
    level = np.zeros((n_grp, 2), dtype=int)
    start = np.r_[0, np.cumsum(sizes)[:-1]]
    for g, c in enumerate(choices):
        pick = np.flatnonzero(x[start[g] : start[g] + sizes[g]])
        i = int(pick[0]) if len(pick) else 0
        level[g] = (c[0][i], c[1][i])
    return level, float(gains[x].sum()), float(spends[x].sum())


def options_at(curves: BudgetCurves, level: np.ndarray) -> pd.DataFrame:
    """The options bought at chosen level pairs per group (G, 2)."""
    opts = curves.options
    if opts.empty:
        return opts
    g_pos = {g: i for i, g in enumerate(curves.group_ids)}
    g_idx = opts.group.map(g_pos).to_numpy()
    d_idx = (opts.direction == "feedin").to_numpy().astype(int)
    return opts[opts.level.to_numpy() <= level[g_idx, d_idx]].reset_index(drop=True)


def offtake_mwh_per_year(cube: LoadCube, region: Region) -> float:
    """Annual net offtake energy of the supply areas (mean over weather years)."""
    dso = np.flatnonzero((region.areas["level"] == "dso").to_numpy())
    pos_load = np.clip(cube.load_mw[:, :, dso], 0, None)
    return float(pos_load.sum(dtype=np.float64) * STEP_H / cube.load_mw.shape[0])


def default_budget_eur(region: Region) -> float:
    """The region's pro-rata share of the national €500M/yr by queue MW."""
    share = float(region.queue.mw.sum()) / NATIONAL_QUEUE_MW
    return NATIONAL_BUDGET_EUR_PER_YR * min(share, 1.0)


def efficiency_curve(
    curves: BudgetCurves,
    floor_eur: np.ndarray,
    budgets_eur: list[float] | None = None,
) -> pd.DataFrame:
    """Predicted MW admitted per budget above the floor, and the marginal € per MW.

    Budget 0 is the floor-only case (what operators buy anyway); gains are relative to it.
    """
    total_above = float(np.clip(curves.cost_eur[:, :, -1].sum(axis=1) - floor_eur, 0, None).sum())
    if budgets_eur is None:
        top = max(total_above, 1.0)
        fractions = (0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.8, 1.0)
        budgets_eur = sorted({0.0, *(top * f for f in fractions)})
    base = float(curves.admitted_mw[:, :, 0].sum())
    rows = []
    floor_gain, prev_b, prev_mw = None, None, None
    for b in budgets_eur:
        level, gained, spend = allocate(curves, b, floor_eur)
        if floor_gain is None:
            _, floor_gain, _ = allocate(curves, 0.0, floor_eur)
        extra = gained - floor_gain
        marginal = (
            (b - prev_b) / (extra - prev_mw)
            if prev_b is not None and extra - prev_mw > 1e-9
            else math.nan
        )
        rows.append(
            {
                "budget_eur_per_yr": b,
                "spent_above_floor_eur_per_yr": spend,
                "admitted_mw": base + gained,
                "mw_from_budget": extra,
                "mw_per_meur": extra / (b / 1e6) if b > 0 else math.nan,
                "marginal_eur_per_mw": marginal,
                "options_bought": len(options_at(curves, level)),
            }
        )
        prev_b, prev_mw = b, extra
    return pd.DataFrame(rows)


def tariff_effect(spent_eur: float, offtake_mwh: float) -> dict[str, float]:
    """Socialised over transport tariffs pro rata to offtake energy."""
    per_mwh = spent_eur / max(offtake_mwh, 1e-9)
    return {
        "spent_above_floor_eur_per_yr": spent_eur,
        "offtake_mwh_per_year": offtake_mwh,
        "tariff_eur_per_mwh": per_mwh,
        "per_household_eur_per_yr": per_mwh * HOUSEHOLD_MWH_PER_YEAR,
    }


@dataclasses.dataclass
class BudgetResult:
    """Everything `netruimte budget` and the report show."""

    budget_eur: float
    floor_eur: np.ndarray
    curve: pd.DataFrame
    allocation: pd.DataFrame  # per area: levels, options, MW, cost, spend above floor
    bought: pd.DataFrame  # the options bought at the budget
    summary: dict[str, float]
    curves: BudgetCurves


def _allocation_table(
    curves: BudgetCurves, level: np.ndarray, bought: pd.DataFrame, floor: np.ndarray
) -> pd.DataFrame:
    """Per area and direction with options: level of its group, what is bought, MW, cost."""
    rows = []
    for a, area in enumerate(curves.area_ids):  # per area: a table row per direction
        g = int(curves.group_of_area[a])
        for d, direction in enumerate(("offtake", "feedin")):
            k = int(level[g, d])
            mine = bought[(bought.area_id == area) & (bought.direction == direction)]
            mw_k = curves.admitted_area_mw[a, d]
            if curves.cost_eur[a, d, -1] == 0 and mw_k.max() == mw_k.min():
                continue
            rows.append(
                {
                    "group": curves.group_ids[g],
                    "area_id": area,
                    "direction": direction,
                    "level": k,
                    "levels": curves.levels,
                    "options_bought": len(mine),
                    "flex_mw": float(mine.mw.sum()),
                    "cost_eur_per_yr": float(mine.cost_eur_per_yr.sum()),
                    "admitted_mw_without_flex": float(curves.admitted_area_mw[a, d, 0]),
                    "admitted_mw": float(curves.admitted_area_mw[a, d, k]),
                }
            )
    out = pd.DataFrame(rows)
    if len(out):
        cost_area = out.groupby("area_id").cost_eur_per_yr.sum()
        floor_of = dict(zip(curves.area_ids, floor, strict=True))
        out["area_spend_above_floor_eur_per_yr"] = [
            max(0.0, float(cost_area[a]) - floor_of[a]) for a in out.area_id
        ]
    return out


def run_budget(
    region: Region,
    scenario: Scenario,
    cube: LoadCube,
    lib: ShapeLibrary,
    design_years: list[int],
    options: pd.DataFrame,
    base_admission: pd.DataFrame,
    budget_eur: float | None = None,
    floor_eur_per_area: float | dict[str, float] = DEFAULT_FLOOR_EUR_PER_YR,
    levels: int = DEFAULT_LEVELS,
    verify: bool = True,
    progress=None,
) -> BudgetResult:
    """Curves, efficiency curve, allocation at `budget_eur` (default: the region's share of
    the national €500M/yr), verified with `admit_queue` at the floor-only and budget points."""
    ids = region.area_ids
    is_dso = (region.areas["level"] == "dso").to_numpy()
    if isinstance(floor_eur_per_area, dict):
        floor = np.array([float(floor_eur_per_area.get(a, 0.0)) for a in ids])
    else:
        floor = np.where(is_dso, float(floor_eur_per_area), 0.0)
    budget = default_budget_eur(region) if budget_eur is None else float(budget_eur)
    curves = budget_curves(
        region, scenario, cube, lib, design_years, options, levels, base_admission, progress
    )
    curve = efficiency_curve(curves, floor)
    level, gained, spend = allocate(curves, budget, floor)
    level0, gained0, _ = allocate(curves, 0.0, floor)
    bought = options_at(curves, level)
    base_mw = float(curves.admitted_mw[:, :, 0].sum())
    summary: dict[str, float] = {
        "budget_eur_per_yr": budget,
        "floor_eur_per_area_yr": float(floor[is_dso].mean()) if is_dso.any() else 0.0,
        "spent_above_floor_eur_per_yr": spend,
        "admitted_mw_without_flex": base_mw,
        "admitted_mw_floor_only": base_mw + gained0,
        "admitted_mw_at_budget": base_mw + gained,
        "options": float(len(options)),
        "options_bought": float(len(bought)),
        "admission_runs": float(curves.admission_runs),
    }
    if verify:
        t0 = time.perf_counter()
        at0 = admit_queue(
            region_with_options(region, options_at(curves, level0)),
            scenario,
            cube,
            lib,
            design_years,
        )
        at_b = admit_queue(region_with_options(region, bought), scenario, cube, lib, design_years)
        summary["admitted_mw_floor_only_verified"] = float(admitted_per_area(at0, ids).sum())
        summary["admitted_mw_at_budget_verified"] = float(admitted_per_area(at_b, ids).sum())
        summary["verify_s"] = time.perf_counter() - t0
    extra = gained - gained0
    summary["mw_from_budget"] = extra
    summary["mw_per_meur_spent"] = extra / (spend / 1e6) if spend > 0 else math.nan
    tariff = tariff_effect(spend, offtake_mwh_per_year(cube, region))
    summary.update(tariff)
    allocation = _allocation_table(curves, level, bought, floor)
    return BudgetResult(budget, floor, curve, allocation, bought, summary, curves)

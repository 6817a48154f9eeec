"""The national roll-up: every group, every set of breakthroughs, every sample, two years.

Phases per target year (each a batch of independent tasks, tasks.py):
1. reduce each group (its load cube, the 8 load combinations, rows, flex options, ranking);
2. in the driver: the national ACM priority order (its location criterion needs every group's
   shortage hours), the national top-N of large connections;
3. per group: admitted MW per flex merit level and sample; in the driver the budget
   allocation of the budget per sample (HiGHS, market/budget.py); the spend table gives
   the € and the flex MW tenders and the budget buy, per direction (feed-in options are far
   cheaper per MW, so most bought MW are feed-in; only offtake options free offtake room);
4. per group and chunk of samples: all 256 sets; in the driver the sums over groups.
Tasks run through an executor: in this process (`LocalExecutor`) or on a Dask cluster
(distributed.py). The driver adds group results in group order, so both give equal numbers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from netruimte.errors import InputError
from netruimte.impact import tasks
from netruimte.impact.flexsets import allocate_levels, mw_by_direction, tender_bought
from netruimte.impact.groups import partition, subregion
from netruimte.impact.params import ImpactParams
from netruimte.impact.sampling import sample_table
from netruimte.progress import Progress, Silent
from netruimte.region.model import Region
from netruimte.scenario import Scenario


class LocalExecutor:
    """Runs the tasks in this process on a pool of `threads` threads (numpy and the numba
    kernel release the GIL); each task is deterministic, so the pool changes no number."""

    def __init__(self, threads: int = 0):
        import os
        from concurrent.futures import ThreadPoolExecutor

        self.threads = threads or (os.cpu_count() or 1)
        self.name = "1 process" + (f", {self.threads} threads" if self.threads > 1 else "")
        self._pool = ThreadPoolExecutor(self.threads) if self.threads > 1 else None
        self.task_threads = 1  # numba threads inside a task: the pool runs tasks in parallel

    def scatter(self, value):
        return value

    def submit(self, fn, *args, **kwargs):
        from concurrent.futures import Future

        def call():
            resolved = tuple(a.result() if isinstance(a, Future) else a for a in args)
            return fn(*resolved, **kwargs)

        if self._pool is None:
            done: Future = Future()
            done.set_result(call())
            return done
        return self._pool.submit(call)

    def gather(self, futures: list) -> list:
        return [f.result() for f in futures]

    def resolve(self, value):
        return value.result() if hasattr(value, "result") else value


@dataclass
class YearResult:
    """Sums over all groups for one target year."""

    year: int
    mw: np.ndarray  # (S+1, 256, C, 2) admitted MW per sample, set, category, direction
    n: np.ndarray  # (S+1, 256, C, 2) admitted requests
    contract_mw: np.ndarray  # (S+1, 256, 2)
    area_mw: np.ndarray  # (S+1, 2, A, 2) admitted MW per area, empty set and all eight
    level8: np.ndarray  # (S+1, G) merit level bought by the budget
    spend: pd.DataFrame  # per sample: € of tenders and budget, MW gained in the allocation
    top_ids: list[str]
    group_stats: pd.DataFrame
    timings_s: dict[str, float] = field(default_factory=dict)


@dataclass
class ImpactResult:
    """Everything the report and the tables need."""

    region: Region
    scenario: Scenario
    params: ImpactParams
    samples: pd.DataFrame
    categories: list[tuple[str, int]]  # (operator, level 0 dso / 1 tso)
    groups: list
    area_ids: list[str]
    years: dict[int, YearResult]
    executor: str
    timings_s: dict[str, float] = field(default_factory=dict)


def check_scenario(scenario: Scenario) -> None:
    """The roll-up models the foundation's accepted risk and queue policy defaults only."""
    if scenario.risk.max_shortage_hours_per_year > 0:
        raise InputError(
            "the impact roll-up needs risk.max_shortage_hours_per_year = 0 (accepted risk is "
            "what breakthrough 1 changes)",
            column="risk.max_shortage_hours_per_year",
        )
    if any(r.share_of_capacity > 0 or r.areas for r in scenario.queue.reservations.values()):
        raise InputError(
            "the impact roll-up does not model capacity reservations",
            column="queue.reservations",
        )


def categories(region: Region) -> list[tuple[str, int]]:
    """Output categories: (operator, level) of the areas, sorted."""
    level = (region.areas["level"] == "tso").astype(int)
    return sorted(set(zip(region.areas["operator"].astype(str), level, strict=True)))


def _summary(data) -> dict:
    """What the driver needs from a reduced group (small)."""
    cols = [
        "request_id",
        "area_id",
        "direction",
        "mw",
        "category",
        "submitted",
        "controllable_mw",
        "available_from",
        "available_hours_per_year",
        "price_eur_per_mwh",
    ]
    return {
        "queue": data.queue[[c for c in cols if c in data.queue]].copy(),
        "shortage_hours": data.shortage_hours,
        "parent": data.parent,
        "area_ids": data.area_ids,
        "ranking": data.ranking,
        "level": data.level,
        "options": data.options,
        "stats": data.stats,
    }


def national_order(summaries: list[dict], ranking_policy) -> list[np.ndarray]:
    """Per group, positions of its requests in the national ACM priority order."""
    from netruimte.queue.priority import priority_permutation

    frames, locs = [], []
    for g, s in enumerate(summaries):
        q = s["queue"]
        pos = {a: i for i, a in enumerate(s["area_ids"])}
        sh = s["shortage_hours"]
        parent = s["parent"]
        worst = sh.copy()
        for a in range(len(pos)):  # worst shortage on the area's path (hundreds of areas)
            up, hop = parent[a], 0
            while up >= 0 and hop < 10:
                worst[a] = np.maximum(worst[a], sh[up])
                up, hop = parent[up], hop + 1
        area = q["area_id"].map(pos).to_numpy()
        d = (q["direction"] == "feedin").to_numpy().astype(int)
        locs.append(worst[area, 1 - d] if len(q) else np.zeros(0))
        frames.append(q.assign(_group=g, _local=np.arange(len(q))))
    nat = pd.concat(frames, ignore_index=True)
    order, _ = priority_permutation(nat, ranking_policy, np.concatenate(locs))
    ranked = nat.iloc[order]
    return [
        ranked.loc[ranked["_group"] == g, "_local"].to_numpy(np.int64)
        for g in range(len(summaries))
    ]


def top_option_ids(summaries: list[dict], n: int) -> list[str]:
    """Option ids of the national top-n large connections (market/top50.py)."""
    from netruimte.market.top50 import top50

    frames = [s["ranking"] for s in summaries if len(s["ranking"])]
    if not frames:
        return []
    best = top50(pd.concat(frames, ignore_index=True), n)
    return [f"top50:{c}" for c in best["connection_id"]]


@dataclass
class Context:
    """What every year shares: the partition, output categories, central parameters."""

    region: Region
    scenario: Scenario
    params: ImpactParams
    samples: pd.DataFrame
    groups: list
    subs: list
    cats: list[tuple[str, int]]
    cat_of: dict
    sp: tasks.SetParams
    budget_central: float
    is_dso: np.ndarray
    area_pos: dict[str, int]
    group_of_area: np.ndarray
    executor: object
    threads: int
    progress: Progress


def context(region, scenario, params, executor=None, progress=None) -> Context:
    """The shared context of a run (checks the scenario)."""
    from netruimte.market.budget import default_budget_eur

    check_scenario(scenario)
    executor = executor or LocalExecutor()
    groups = partition(region)
    cats = categories(region)
    mp = scenario.measures.market
    area_pos = {a: i for i, a in enumerate(region.area_ids)}
    group_of_area = np.zeros(region.n_areas, dtype=np.int64)
    for g in groups:
        group_of_area[[area_pos[a] for a in g.area_ids]] = g.index
    return Context(
        region=region,
        scenario=scenario,
        params=params,
        samples=sample_table(params.monte_carlo),
        groups=groups,
        subs=[subregion(region, g.area_ids) for g in groups],
        cats=cats,
        cat_of={c: i for i, c in enumerate(cats)},
        sp=tasks.set_params(scenario, params),
        budget_central=(
            default_budget_eur(region) if mp.budget_eur_per_yr is None else mp.budget_eur_per_yr
        ),
        is_dso=(region.areas["level"] == "dso").to_numpy(),
        area_pos=area_pos,
        group_of_area=group_of_area,
        executor=executor,
        threads=getattr(executor, "task_threads", 1),
        progress=progress or Silent(),
    )


@dataclass
class YearInputs:
    """Phases 1 and 2 of a year: reduced groups (futures), orders, allocations."""

    year: int
    scenario: Scenario
    lib: object
    design: list[int]
    data: list  # futures of GroupData
    summaries: list[dict]
    orders: list[np.ndarray]
    top_ids: list[str]
    level8: np.ndarray
    spend: pd.DataFrame
    timings: dict[str, float]


def year_inputs(ctx: Context, year: int) -> YearInputs:
    """Phases 1 and 2 for one target year."""
    from netruimte.market.large_connections import derive_large_connections
    from netruimte.pipeline import design_year_indices
    from netruimte.profiles.library import build_library
    from netruimte.profiles.weather_source import region_weather
    from netruimte.timeaxis import year_axis

    ex, progress, region, samples = ctx.executor, ctx.progress, ctx.region, ctx.samples
    mp = ctx.scenario.measures.market
    k = ctx.params.budget_levels
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    scen = ctx.scenario.model_copy(update={"target_year": year})
    progress.step(f"{year}: weather, profiles, large connections")
    weather = region_weather(region, year_axis(year), scen.weather_years)
    lib = build_library(weather, region.meta.latitude, region.meta.longitude)
    design = design_year_indices(scen, tuple(weather.labels))
    conns = derive_large_connections(region, lib, None, mp.seed, mp.large_connection_min_mw)
    lib_ref = ex.scatter(lib)
    timings["prepare"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    data = [
        ex.submit(
            tasks.reduce_task,
            sub,
            scen,
            lib_ref,
            design,
            ctx.params.surrogate,
            conns[conns["area_id"].isin(set(g.area_ids))].reset_index(drop=True),
            mp.shortlist_size,
            k,
            tuple(sorted({kind for c in ctx.sp.design_choices for kind in c})),
        )
        for g, sub in zip(ctx.groups, ctx.subs, strict=True)
    ]
    summaries = list(
        progress.track(
            (ex.submit(_summary, d).result() for d in data),
            f"{year}: reduce groups",
            total=len(data),
        )
    )
    timings["reduce"] = time.perf_counter() - t1
    orders = national_order(summaries, scen.queue.ranking)
    top_ids = top_option_ids(summaries, ctx.params.top_n)
    t2 = time.perf_counter()
    futs = [
        ex.submit(tasks.curves_task, d, o, samples, k, ctx.cat_of, ctx.threads)
        for d, o in zip(data, orders, strict=True)
    ]
    curves = list(
        progress.track((f.result() for f in futs), f"{year}: flex levels", total=len(futs))
    )
    cost = np.zeros((region.n_areas, 2, k + 1))
    for g, (_, c) in zip(ctx.groups, curves, strict=True):
        cost[[ctx.area_pos[a] for a in g.area_ids]] = c
    level8 = np.zeros((len(samples), len(ctx.groups)), dtype=np.int64)
    floors = mp.floor_eur_per_area_yr * samples["tenders_floor"].to_numpy(float)
    tender_cost = np.zeros(len(samples))
    tender_mw = np.zeros((len(samples), 2))  # offtake, feed-in
    for s_ in summaries:
        bought = tender_bought(
            s_["options"], s_["area_ids"], s_["level"], s_["shortage_hours"], floors
        )
        if len(s_["options"]):
            tender_cost += bought @ s_["options"]["cost_eur_per_yr"].to_numpy(float)
            tender_mw += mw_by_direction(s_["options"], bought)
    rows = []
    for s in range(len(samples)):
        cur = np.stack([c[0][s] for c in curves])  # (G, 2, K+1)
        floor = np.where(ctx.is_dso, mp.floor_eur_per_area_yr * samples.at[s, "tenders_floor"], 0.0)
        budget = ctx.budget_central * samples.at[s, "budget_eur"]
        level8[s], gain8, spent8 = allocate_levels(cur, cost, ctx.group_of_area, floor, budget)
        budget_mw = sum(
            (
                mw_by_direction(s_["options"], s_["options"]["level"].to_numpy() <= level8[s, g])
                for g, s_ in enumerate(summaries)
                if len(s_["options"])
            ),
            np.zeros(2),
        )
        rows.append(
            {
                "sample": s,
                "floor_eur_per_area_yr": float(floor[ctx.is_dso].mean())
                if ctx.is_dso.any()
                else 0.0,
                "tenders_cost_eur_per_yr": tender_cost[s],
                "tenders_flex_mw": tender_mw[s].sum(),
                "tenders_flex_mw_offtake": tender_mw[s, 0],
                "tenders_flex_mw_feedin": tender_mw[s, 1],
                "budget_eur_per_yr": budget,
                "budget_spent_above_floor_eur_per_yr": spent8,
                "budget_cost_eur_per_yr": _bought_cost(cost, ctx.group_of_area, level8[s]),
                "budget_mw_gain_in_allocation": gain8,
                "budget_flex_mw_offtake": budget_mw[0],
                "budget_flex_mw_feedin": budget_mw[1],
            }
        )
    timings["flex levels and allocation"] = time.perf_counter() - t2
    return YearInputs(
        year, scen, lib, design, data, summaries, orders, top_ids, level8,
        pd.DataFrame(rows), timings,
    )  # fmt: skip


def year_sets(ctx: Context, yi: YearInputs) -> YearResult:
    """Phase 3 for one target year: all sets for all samples, summed over groups."""
    ex, samples, region = ctx.executor, ctx.samples, ctx.region
    chunk = ctx.params.sample_chunk
    t3 = time.perf_counter()
    futs = []
    for g, (d, o) in enumerate(zip(yi.data, yi.orders, strict=True)):
        for start in range(0, len(samples), chunk):
            rows = slice(start, min(start + chunk, len(samples)))
            part = samples.iloc[rows].reset_index(drop=True)
            futs.append(
                (
                    g,
                    rows,
                    ex.submit(
                        tasks.sets_task,
                        d,
                        o,
                        part,
                        ctx.sp,
                        yi.level8[rows, g],
                        set(yi.top_ids),
                        ctx.cat_of,
                        ctx.threads,
                    ),
                )
            )
    s_n, c_n = len(samples), len(ctx.cats)
    mw = np.zeros((s_n, 256, c_n, 2))
    nn = np.zeros((s_n, 256, c_n, 2), dtype=np.int64)
    cmw = np.zeros((s_n, 256, 2))
    area_mw = np.zeros((s_n, 2, region.n_areas, 2))
    parts = {}
    for g, rows, f in ctx.progress.track(futs, f"{yi.year}: 256 sets × samples", total=len(futs)):
        parts[(g, rows.start)] = (rows, f.result())
    for key in sorted(parts):  # add in group order: the same sums on any executor
        rows, out = parts[key]
        idx = [ctx.area_pos[a] for a in ctx.groups[key[0]].area_ids]
        mw[rows] += out["mw"]
        nn[rows] += out["n"]
        cmw[rows] += out["contract_mw"]
        area_mw[rows.start : rows.stop, :, idx, :] = out["area_mw"]
    timings = dict(yi.timings)
    timings["sets"] = time.perf_counter() - t3
    stats = pd.DataFrame(
        [{"group": g.group_id, **s["stats"]} for g, s in zip(ctx.groups, yi.summaries, strict=True)]
    )
    return YearResult(
        year=yi.year,
        mw=mw,
        n=nn,
        contract_mw=cmw,
        area_mw=area_mw,
        level8=yi.level8,
        spend=yi.spend,
        top_ids=yi.top_ids,
        group_stats=stats,
        timings_s=timings | {"total": sum(timings.values())},
    )


def run_impact(
    region: Region,
    scenario: Scenario,
    params: ImpactParams,
    executor=None,
    progress: Progress | None = None,
) -> ImpactResult:
    """The national impact of the eight breakthroughs for each target year (module doc)."""
    t_start = time.perf_counter()
    ctx = context(region, scenario, params, executor, progress)
    years = {}
    for year in params.years:
        years[year] = year_sets(ctx, year_inputs(ctx, year))
    return ImpactResult(
        region=region,
        scenario=scenario,
        params=params,
        samples=ctx.samples,
        categories=ctx.cats,
        groups=ctx.groups,
        area_ids=list(region.area_ids),
        years=years,
        executor=getattr(ctx.executor, "name", type(ctx.executor).__name__),
        timings_s={"total": time.perf_counter() - t_start},
    )


def _bought_cost(cost: np.ndarray, group_of_area: np.ndarray, level: np.ndarray) -> float:
    """€/yr of the options bought at a level per group."""
    per_area_level = level[group_of_area]  # (A,)
    return float(np.take_along_axis(cost.sum(axis=1), per_area_level[:, None], axis=1).sum())

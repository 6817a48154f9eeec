"""Queue admission under the ACM prioritisation framework, from a region and a scenario.

`admit_queue(region, scenario, cube, lib, design_years, progress)` is a pure function: it
orders the queue (queue/priority.py), builds the arrays of an AdmissionProblem (capacity,
counted flex, accepted risk, reservations, contracts offered) and runs the engine
(queue/engine.py). Each request ends admitted (firm, or on contract type X) or waiting, with
the binding reason. docs/queue.md states the contract for callers (e.g. the budget allocator).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netruimte.errors import InputError
from netruimte.profiles.library import ShapeLibrary, request_shape
from netruimte.prognosis.cube import LoadCube
from netruimte.queue.engine import (
    DIR_NAMES,
    EPS_MW,
    AdmissionProblem,
    RiskRule,
    run_admission,
)
from netruimte.queue.policy import QueuePolicy
from netruimte.region.model import Region
from netruimte.scenario import Scenario
from netruimte.timeaxis import local_calendar

__all__ = [
    "DIR_NAMES",
    "EPS_MW",
    "AreaLimits",
    "admit_queue",
    "area_limits",
    "build_problem",
    "reserved_capacity",
]


@dataclass
class AreaLimits:
    """What an area tolerates: capacity, flex cover and accepted residual hours, per direction."""

    capacity_mw: np.ndarray  # (A, 2) offtake, feed-in; inf = unknown
    flex_mw: np.ndarray  # (A, 2)
    flex_hours: np.ndarray  # (A, 2) max activation hours per year; inf = unlimited
    max_residual_hours: float


def area_limits(
    region: Region, scenario: Scenario, uncontracted_share: float | None = None
) -> AreaLimits:
    """Capacities and counted flex per area from the region and the scenario's risk.

    Uncontracted flex counts with `uncontracted_share` of its MW (default: all of it when the
    scenario's risk.count_uncontracted_flex is set, else none).
    """
    if uncontracted_share is None:
        uncontracted_share = 1.0 if scenario.risk.count_uncontracted_flex else 0.0
    a_n = region.n_areas
    cap = np.stack([region.capacity_mw("offtake"), region.capacity_mw("feedin")], axis=1)
    flex_mw = np.zeros((a_n, 2))
    flex_hours = np.full((a_n, 2), np.inf)
    fa = region.flex_assets
    if len(fa):
        contracted = fa["contracted"].fillna(True).astype(bool).to_numpy()
        share = np.where(contracted, 1.0, uncontracted_share)
        pos = {a: i for i, a in enumerate(region.area_ids)}
        a_idx = fa["area_id"].map(pos).to_numpy()
        d_idx = (fa["direction"] == "feedin").to_numpy().astype(int)
        np.add.at(flex_mw, (a_idx, d_idx), fa["mw"].to_numpy(dtype=float) * share)
        hours = fa["max_hours_per_year"].astype(float).to_numpy()
        limited = (share > 0) & ~np.isnan(hours)
        np.minimum.at(flex_hours, (a_idx[limited], d_idx[limited]), hours[limited])
    return AreaLimits(cap, flex_mw, flex_hours, scenario.risk.max_shortage_hours_per_year)


def reserved_capacity(region: Region, policy: QueuePolicy) -> dict[str, np.ndarray]:
    """MW held back per purpose, (A, 2), from the policy's reservations."""
    out: dict[str, np.ndarray] = {}
    ids = region.area_ids
    level = region.areas["level"].to_numpy()
    for purpose, res in policy.reservations.items():
        unknown = [a for a in res.areas if a not in region.areas.index]
        if unknown:
            raise InputError(
                f"reservation {purpose!r} names unknown areas {unknown}",
                column=f"queue.reservations.{purpose}.areas",
            )
        d = 0 if res.direction == "offtake" else 1
        cap = region.capacity_mw(res.direction)
        mw = np.zeros((len(ids), 2))
        in_level = np.isin(level, res.levels)
        mw[:, d] = np.where(in_level & np.isfinite(cap), res.share_of_capacity * cap, 0.0)
        for a, v in res.areas.items():
            mw[ids.index(a), d] = v
        out[purpose] = mw
    return out


def build_problem(
    region: Region,
    scenario: Scenario,
    cube: LoadCube,
    lib: ShapeLibrary,
    design_years: list[int] | None = None,
) -> AdmissionProblem:
    """The AdmissionProblem of a run: the queue in ACM order and the scenario's limits."""
    years = design_years if design_years is not None else list(range(cube.load_mw.shape[0]))
    limits = area_limits(region, scenario)
    offer = tuple(scenario.queue.offer)
    terms = scenario.measures.contracts.terms
    calendar = local_calendar(cube.axis) if len(offer) > 1 else None
    if calendar is not None and "tbtr" in offer:
        from netruimte.measures.contracts import check_tbtr_blocks

        check_tbtr_blocks(terms, calendar)

    def shape(profile_class: str, direction: str) -> np.ndarray:
        return request_shape(lib, profile_class, direction)

    return AdmissionProblem(
        load_mw=cube.load_mw,
        design_years=list(years),
        capacity_mw=limits.capacity_mw,
        flex_mw=limits.flex_mw,
        flex_hours=limits.flex_hours,
        agg=region.parent_matrix(),
        area_ids=region.area_ids,
        queue=region.queue,
        shape=shape,
        rule=RiskRule(max_residual_hours=limits.max_residual_hours),
        offer=offer,
        terms=terms,
        calendar=calendar,
        reserved_mw=reserved_capacity(region, scenario.queue),
        ranking=scenario.queue.ranking,
    )


def admit_queue(
    region: Region,
    scenario: Scenario,
    cube: LoadCube,
    lib: ShapeLibrary,
    design_years: list[int] | None = None,
    progress=None,
) -> pd.DataFrame:
    """Admission outcome for every request, in priority order, with the binding reason.

    Columns: priority, request_id, area_id, direction, mw, category, submitted,
    profile_class, outcome (admitted | waiting), contract (firm | non_firm | tdtr | tbtr |
    cbc_a | cbc_t | csc | '' when waiting), reason, binding_area, limited_hours_per_year,
    efficiency_score (category 1), reservation.
    """
    problem = build_problem(region, scenario, cube, lib, design_years)
    ordered, outcome = run_admission(problem, progress)
    return outcome.frame(ordered)

"""The foundation's simple admission, kept as a reference engine and as the speed baseline.

It is the admission of netruimte 0.1 unchanged (category then first-come-first-served, firm
only, both directions checked for every request). Tests compare the ACM admission against it
with ranking "fcfs" and no reservations; benchmarks/bench_queue.py times both.

A request adds its profile (MW × per-MW shape) to its area and every area above it. It is
blocked when, in some affected area and direction, the check fails after adding it (the
shortage left after contracted flex lasts more than the accepted hours per year in a design
weather year, or the flex is called for more hours than it offers) and the request increases
that shortage. A request that does not worsen an already congested direction is admitted.

Speed: offtake requests only raise net load and feed-in requests only lower it, so a step can
ever be congested in a direction only if its base load plus all the queue's MW in that
direction reaches the capacity. Each area keeps just those candidate steps; a check costs
O(candidates), not O(years × quarter-hours).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from netruimte.profiles.library import ShapeLibrary, request_shape
from netruimte.prognosis.cube import LoadCube
from netruimte.queue.admission import AreaLimits, area_limits
from netruimte.region.model import Region
from netruimte.scenario import Scenario
from netruimte.timeaxis import STEP_H

EPS_MW = 1e-6
DIR_NAMES = ("offtake", "feed-in")


@dataclass
class DirectionState:
    """Candidate steps of one area and direction: flat indices, year of each, load there."""

    index: np.ndarray  # flat indices into (W, T)
    year: np.ndarray
    load_mw: np.ndarray  # load in this direction (+) at the candidates, float64
    capacity_mw: float
    flex_mw: float
    flex_hours: float

    def evaluate(
        self, extra_mw: np.ndarray | None, n_years: int, max_residual_hours: float
    ) -> tuple[float, str]:
        """Shortage energy (MWh over the design years) and the failure reason ('' = ok)."""
        if len(self.index) == 0:
            return 0.0, ""
        load = self.load_mw if extra_mw is None else self.load_mw + extra_mw
        short = load - self.capacity_mw
        over = short > EPS_MW
        if not over.any():
            return 0.0, ""
        energy = float(short[over].sum()) * STEP_H
        called = np.bincount(self.year[over], minlength=n_years).max() * STEP_H
        resid = np.bincount(self.year[short > self.flex_mw + EPS_MW], minlength=n_years).max()
        resid_h = resid * STEP_H
        if resid_h > max_residual_hours:
            return energy, (
                f"shortage {resid_h:.2f} h/yr after {self.flex_mw:g} MW flex "
                f"(accepted {max_residual_hours:g} h/yr)"
            )
        if called > self.flex_hours:
            return energy, f"flex needed {called:.2f} h/yr (offered {self.flex_hours:g} h/yr)"
        return energy, ""


def _candidate_states(
    load: np.ndarray, limits: AreaLimits, x: int, queue_mw: tuple[float, float]
) -> list[DirectionState]:
    """Steps of area x (load (W, T)) that the whole queue could push into congestion."""
    n_steps = load.shape[1]
    states = []
    for d, sign in ((0, 1.0), (1, -1.0)):
        cap = float(limits.capacity_mw[x, d])
        directional = sign * load.ravel()
        if np.isfinite(cap):
            idx = np.flatnonzero(directional + queue_mw[d] > cap - EPS_MW)
        else:
            idx = np.zeros(0, dtype=np.int64)
        states.append(
            DirectionState(
                idx,
                idx // n_steps,
                directional[idx].astype(np.float64),
                cap,
                float(limits.flex_mw[x, d]),
                float(limits.flex_hours[x, d]),
            )
        )
    return states


CATEGORY_RANK = {"relief": 0, "safety": 1, "basic": 2, "other": 3}


def simple_priority_order(queue: pd.DataFrame) -> pd.DataFrame:
    """Category, then submitted date, then request id; with a 1-based `priority` column."""
    if queue.empty:
        return queue.assign(priority=pd.Series(dtype="int64"))
    ranked = queue.assign(_rank=queue["category"].map(CATEGORY_RANK).astype(int))
    ranked = ranked.sort_values(["_rank", "submitted", "request_id"], kind="stable")
    ranked = ranked.drop(columns="_rank").reset_index(drop=True)
    ranked["priority"] = range(1, len(ranked) + 1)
    return ranked


def admit_queue_simple(
    region: Region,
    scenario: Scenario,
    cube: LoadCube,
    lib: ShapeLibrary,
    design_years: list[int] | None = None,
    progress=None,
) -> pd.DataFrame:
    """Admission outcome for every request, in priority order, with the binding reason."""
    queue = simple_priority_order(region.queue)
    limits = area_limits(region, scenario)
    years = design_years if design_years is not None else list(range(cube.load_mw.shape[0]))
    n_years = len(years)
    agg = region.parent_matrix()  # agg[x, a] = 1 when a counts in x
    area_ids = region.area_ids
    pos = {a: i for i, a in enumerate(area_ids)}
    # total queue MW per area subtree and direction: bounds what could ever be added
    q_area = queue["area_id"].map(pos).to_numpy()
    q_dir = (queue["direction"] == "feedin").to_numpy().astype(int)
    own = np.zeros((region.n_areas, 2))
    np.add.at(own, (q_area, q_dir), queue["mw"].to_numpy(dtype=float))
    subtree = agg @ own
    shapes: dict[tuple[str, str], np.ndarray] = {}
    states: dict[int, list[DirectionState]] = {}
    energy: dict[int, np.ndarray] = {}
    outcome, reason, binding = [], [], []
    rows = queue.itertuples()
    if progress is not None:
        rows = progress.track(rows, "queue admission", total=len(queue))
    for req in rows:  # per request; each check is vectorised over its candidate steps
        a = pos[req.area_id]
        key = (req.profile_class, req.direction)
        if key not in shapes:
            shapes[key] = request_shape(lib, *key)[years].ravel()
        shape = shapes[key]
        blocked, congested_ok, why, pending = False, False, [], []
        for x in np.flatnonzero(agg[:, a]):
            if x not in states:
                states[x] = _candidate_states(
                    cube.load_mw[years, :, x], limits, x, (subtree[x, 0], subtree[x, 1])
                )
                energy[x] = np.array(
                    [s.evaluate(None, n_years, limits.max_residual_hours)[0] for s in states[x]]
                )
            extras, e_after = [], np.zeros(2)
            for d, (st, sign) in enumerate(zip(states[x], (1.0, -1.0), strict=True)):
                extra = sign * req.mw * shape[st.index]
                e_after[d], msg = st.evaluate(extra, n_years, limits.max_residual_hours)
                extras.append(extra)
                if not msg:
                    continue
                if e_after[d] > energy[x][d] + 1e-9:  # fails and this request makes it worse
                    blocked = True
                    why.append(f"{area_ids[x]}: {DIR_NAMES[d]} {msg}")
                else:
                    congested_ok = True
            pending.append((x, extras, e_after))
        if not blocked:
            for x, extras, e_after in pending:
                for st, extra in zip(states[x], extras, strict=True):
                    st.load_mw += extra
                energy[x] = e_after
            outcome.append("admitted")
            reason.append(
                "does not increase the shortage of a congested area"
                if congested_ok
                else "within capacity and accepted risk"
            )
            binding.append("")
        else:
            outcome.append("waiting")
            reason.append(" | ".join(why))
            binding.append(why[0].split(":")[0])
    result = queue[
        [
            "priority",
            "request_id",
            "area_id",
            "direction",
            "mw",
            "category",
            "submitted",
            "profile_class",
        ]
    ].copy()
    result["outcome"] = outcome
    result["contract"] = np.where(np.asarray(outcome) == "admitted", "firm", "")
    result["reason"] = reason
    result["binding_area"] = binding
    return result

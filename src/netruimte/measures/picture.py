"""The picture a measure transforms: load, shapes and quantities, limits, accepted risk, contracts.

A Picture is immutable; a measure returns a new one (dataclasses.replace). Changing a class
shape or quantity updates the aggregated load cube incrementally: Δload = Δshape ⊗ (agg @ q),
so no measure rebuilds the cube. Everything is arrays and tables (no I/O).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from netruimte.measures.params import ContractTerms
from netruimte.profiles.library import ShapeLibrary, request_shape
from netruimte.prognosis.cube import CUBE_DTYPE, LoadCube, component_quantities
from netruimte.queue.engine import AdmissionProblem, RiskRule
from netruimte.queue.policy import QueuePolicy
from netruimte.region.model import Region
from netruimte.scenario import Scenario
from netruimte.timeaxis import LocalCalendar, local_calendar


@dataclass(frozen=True)
class FlexCover:
    """Counted congestion-management flex per area and direction, with its prices."""

    mw: np.ndarray  # (A, 2)
    hours: np.ndarray  # (A, 2) hours per year offered; inf = unlimited
    availability_eur_per_yr: np.ndarray  # (A, 2) € per year for the counted MW
    activation_eur_per_mwh: np.ndarray  # (A, 2) MW-weighted activation price


def flex_cover(flex_assets: pd.DataFrame, area_ids: list[str], uncontracted_share: float):
    """Counted flex: contracted assets fully, uncontracted ones with `uncontracted_share`."""
    n = len(area_ids)
    mw = np.zeros((n, 2))
    hours = np.full((n, 2), np.inf)
    avail = np.zeros((n, 2))
    act_w = np.zeros((n, 2))
    if len(flex_assets):
        fa = flex_assets
        share = np.where(fa["contracted"].fillna(True).astype(bool), 1.0, uncontracted_share)
        pos = {a: i for i, a in enumerate(area_ids)}
        a_idx = fa["area_id"].map(pos).to_numpy()
        d_idx = (fa["direction"] == "feedin").to_numpy().astype(int)
        counted = fa["mw"].to_numpy(dtype=float) * share
        np.add.at(mw, (a_idx, d_idx), counted)
        price = fa["availability_eur_per_mw_yr"].astype(float).fillna(0.0).to_numpy()
        np.add.at(avail, (a_idx, d_idx), counted * price)
        act = fa["activation_eur_per_mwh"].astype(float).fillna(0.0).to_numpy()
        np.add.at(act_w, (a_idx, d_idx), counted * act)
        h = fa["max_hours_per_year"].astype(float).to_numpy()
        lim = (share > 0) & ~np.isnan(h)
        np.minimum.at(hours, (a_idx[lim], d_idx[lim]), h[lim])
    with np.errstate(invalid="ignore", divide="ignore"):
        act_price = np.where(mw > 0, act_w / np.where(mw > 0, mw, 1.0), 0.0)
    return FlexCover(mw, hours, avail, act_price)


@dataclass(frozen=True)
class Picture:
    """Everything the measures act on, for one region and scenario."""

    region: Region
    scenario: Scenario
    lib: ShapeLibrary
    axis: pd.DatetimeIndex
    calendar: LocalCalendar
    weather_labels: tuple[str, ...]
    weather_kinds: tuple[str, ...]
    area_ids: list[str]
    agg: np.ndarray  # (A, A) dense parent matrix, float32
    agg_sparse: sp.csr_matrix
    load_mw: np.ndarray  # (W, T, A) float32 net load before the queue
    classes: tuple[str, ...]
    class_shapes: dict[str, np.ndarray]  # per-unit (W, T) of each asset class
    quantities: np.ndarray  # (C, A) own quantities in each class's unit (grown)
    base_year_quantities: np.ndarray  # (C, A) before growth
    capacity_mw: np.ndarray  # (A, 2)
    design_years: tuple[int, ...]
    rule: RiskRule
    flex: FlexCover
    uncontracted_share: float
    offer: tuple[str, ...]
    terms: ContractTerms
    policy: QueuePolicy
    reserved_mw: dict[str, np.ndarray]
    request_peak_factor: float = 1.0
    request_shapes: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)
    extra_cost_eur: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (A,) €/yr
    extra_energy_mwh: dict[str, np.ndarray] = field(default_factory=dict)  # name -> (A,) MWh/yr
    applied: tuple[str, ...] = ()

    @property
    def n_areas(self) -> int:
        return len(self.area_ids)

    def class_index(self, cls: str) -> int:
        return self.classes.index(cls)

    def raw_request_shape(self, profile_class: str, direction: str) -> np.ndarray:
        """Signed per-MW shape of a request with the picture's overrides, before peak factor."""
        shape = self.request_shapes.get((profile_class, direction))
        if shape is None:
            shape = request_shape(self.lib, profile_class, direction)
        return shape

    def request_shape(self, profile_class: str, direction: str) -> np.ndarray:
        """Signed per-MW shape of a request, with the picture's overrides and peak factor."""
        shape = self.raw_request_shape(profile_class, direction)
        if self.request_peak_factor != 1.0:
            shape = shape * np.float32(self.request_peak_factor)
        return shape

    def aggregate(self, own_mw: np.ndarray) -> np.ndarray:
        """(W, T, A) own values → values of each area incl. the areas below it."""
        w, t, a = own_mw.shape
        flat = own_mw.reshape(w * t, a)
        out = (self.agg_sparse @ flat.T).T
        return np.asarray(out, dtype=CUBE_DTYPE).reshape(w, t, a)

    def own_load(self) -> np.ndarray:
        """(W, T, A) own load of each area (its load minus its direct children's)."""
        parent = self.region.areas["parent_id"].map({a: i for i, a in enumerate(self.area_ids)})
        own = self.load_mw.copy()
        for child, p in enumerate(parent.to_numpy()):
            if p == p and p is not None:  # not NaN
                own[:, :, int(p)] -= self.load_mw[:, :, child]
        return own

    def restrict(self, area_ids: list[str]) -> Picture:
        """The picture of a subset of areas closed under the hierarchy (e.g. one TenneT area
        and everything below it): same arrays, fewer columns. For fast per-area scans."""
        keep = [self.area_ids.index(a) for a in area_ids]
        reg = self.region
        areas = reg.areas.loc[area_ids]
        inside = set(area_ids)
        sub = Region(
            meta=reg.meta,
            areas=areas,
            components=reg.components[reg.components["area_id"].isin(inside)],
            queue=reg.queue[reg.queue["area_id"].isin(inside)],
            flex_assets=reg.flex_assets[reg.flex_assets["area_id"].isin(inside)],
            projects=reg.projects[reg.projects["area_id"].isin(inside)],
            measured={k: v for k, v in reg.measured.items() if k in inside},
            folder=reg.folder,
        )
        agg = self.agg[np.ix_(keep, keep)]
        f = self.flex
        return replace(
            self,
            region=sub,
            area_ids=list(area_ids),
            agg=agg,
            agg_sparse=sp.csr_matrix(agg),
            load_mw=np.ascontiguousarray(self.load_mw[:, :, keep]),
            quantities=self.quantities[:, keep],
            base_year_quantities=self.base_year_quantities[:, keep],
            capacity_mw=self.capacity_mw[keep],
            flex=FlexCover(
                f.mw[keep],
                f.hours[keep],
                f.availability_eur_per_yr[keep],
                f.activation_eur_per_mwh[keep],
            ),
            reserved_mw={k: v[keep] for k, v in self.reserved_mw.items()},
            extra_cost_eur={k: v[keep] for k, v in self.extra_cost_eur.items()},
            extra_energy_mwh={k: v[keep] for k, v in self.extra_energy_mwh.items()},
        )

    def family(self, area_id: str) -> list[str]:
        """The area's top-level ancestor and every area below it, in cube order."""
        a = self.area_ids.index(area_id)
        roots = [x for x in np.flatnonzero(self.agg[:, a]) if self.agg[:, x].sum() == 1]
        members = np.flatnonzero(self.agg[roots].any(axis=0))
        return [self.area_ids[i] for i in members]

    # ---------------------------------------------------------------- transformations
    def with_class_shape(self, cls: str, shape: np.ndarray, note: str = "") -> Picture:
        """Replace a class's per-unit shape; the load follows incrementally."""
        c = self.class_index(cls)
        q_agg = (self.agg.astype(np.float64) @ self.quantities[c]).astype(CUBE_DTYPE)
        delta = (shape - self.class_shapes[cls]).astype(CUBE_DTYPE)
        load = self.load_mw + delta[:, :, None] * q_agg[None, None, :]
        shapes = {**self.class_shapes, cls: shape.astype(CUBE_DTYPE)}
        return replace(self, load_mw=load, class_shapes=shapes, applied=(*self.applied, note))

    def with_quantities(self, quantities: np.ndarray, note: str = "") -> Picture:
        """Replace the own quantities (C, A); the load follows incrementally."""
        dq = quantities - self.quantities
        load = self.load_mw.copy()
        for c, cls in enumerate(self.classes):
            if not np.any(dq[c]):
                continue
            dq_agg = (self.agg.astype(np.float64) @ dq[c]).astype(CUBE_DTYPE)
            load += self.class_shapes[cls][:, :, None] * dq_agg[None, None, :]
        return replace(self, load_mw=load, quantities=quantities, applied=(*self.applied, note))

    def with_own_delta(self, delta_own_mw: np.ndarray, note: str = "") -> Picture:
        """Add an area-specific change of own load (W, T, A); the areas above follow."""
        load = self.load_mw + self.aggregate(delta_own_mw)
        return replace(self, load_mw=load, applied=(*self.applied, note))

    # ---------------------------------------------------------------- admission
    def problem(self) -> AdmissionProblem:
        """The queue admission problem of this picture (ACM order, offered contracts)."""
        return AdmissionProblem(
            load_mw=self.load_mw,
            design_years=list(self.design_years),
            capacity_mw=self.capacity_mw,
            flex_mw=self.flex.mw,
            flex_hours=self.flex.hours,
            agg=self.agg,
            area_ids=self.area_ids,
            queue=self.region.queue,
            shape=self.request_shape,
            rule=self.rule,
            offer=self.offer,
            terms=self.terms,
            calendar=self.calendar,
            reserved_mw=self.reserved_mw,
            ranking=self.policy.ranking,
        )


def base_picture(
    region: Region,
    scenario: Scenario,
    cube: LoadCube,
    lib: ShapeLibrary,
    design_years: list[int] | None = None,
) -> Picture:
    """The picture of a run before any measure (it reproduces the run's admission)."""
    from netruimte.queue.admission import reserved_capacity

    classes, q = component_quantities(region, scenario)
    base_scenario = scenario.model_copy(
        update={"growth": scenario.growth.model_copy(update={"path": "none", "factors": {}})}
    )
    _, q0 = component_quantities(region, base_scenario)
    kinds = {y.label: y.kind for y in region.meta.weather.years}
    share = 1.0 if scenario.risk.count_uncontracted_flex else 0.0
    years = design_years if design_years is not None else list(range(len(cube.weather_labels)))
    agg = region.parent_matrix()
    return Picture(
        region=region,
        scenario=scenario,
        lib=lib,
        axis=cube.axis,
        calendar=local_calendar(cube.axis),
        weather_labels=tuple(cube.weather_labels),
        weather_kinds=tuple(kinds.get(lab, "typical") for lab in cube.weather_labels),
        area_ids=list(region.area_ids),
        agg=agg,
        agg_sparse=sp.csr_matrix(agg),
        load_mw=cube.load_mw,
        classes=tuple(classes),
        class_shapes={c: lib.asset[c].astype(CUBE_DTYPE) for c in classes},
        quantities=q,
        base_year_quantities=q0,
        capacity_mw=np.stack([region.capacity_mw("offtake"), region.capacity_mw("feedin")], axis=1),
        design_years=tuple(years),
        rule=RiskRule(max_residual_hours=scenario.risk.max_shortage_hours_per_year),
        flex=flex_cover(region.flex_assets, list(region.area_ids), share),
        uncontracted_share=share,
        offer=tuple(scenario.queue.offer),
        terms=scenario.measures.contracts.terms,
        policy=scenario.queue,
        reserved_mw=reserved_capacity(region, scenario.queue),
    )

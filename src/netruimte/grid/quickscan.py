"""Quickscan: what a new request of X MW with a profile at one node does to the grid.

It answers, for a whole year at 15 minutes, how the worst loading of every line, transformer
and node voltage changes and how the congestion (and so the flex expectation: hours, blocks,
MW, MWh per direction) changes, in well under a second once the base year is known.

How it stays exact while fast: the base year is solved once (`Quickscan(...)`). For a request,
two small engine batches measure how much one MW at that node moves each branch loading and
node voltage. With a safety factor and margin that gives, per asset and step, a band in which
the new value must lie. Steps where no asset can reach a limit, nor its yearly extreme, cannot
change the answer and are skipped; all others are solved exactly by power-grid-model with the
request added as a real load. Reported maxima and shortages therefore come from the engine,
not from the linear estimate (tests compare them with a full-year run).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from power_grid_model import ComponentType, LoadGenType, initialize_array
from power_grid_model import DatasetType as DT

from netruimte.errors import InputError
from netruimte.grid.asset_congestion import (
    LOADING_MAX,
    U_MAX_PU,
    U_MIN_PU,
    AssetCongestion,
    asset_congestion,
)
from netruimte.grid.checks import check_model, check_node, check_profiles
from netruimte.grid.model import ApplianceProfiles, GridModel
from netruimte.grid.powerflow import DEFAULT_METHOD, Method, PowerFlowEngine, TransformerLoading

# The screening band around the estimate: a share of the largest first-order change the
# request can cause at that asset, plus an absolute margin. Generous on purpose: a step wrongly
# skipped would be an error, a step needlessly solved only costs ~50 us.
BAND_SHARE = 0.25
LOADING_MARGIN = 2e-3  # loading fraction
VOLTAGE_MARGIN_PU = 1e-3
MAX_CANDIDATES = 64  # steps solved per branch for its yearly maximum when near-ties abound


@dataclass
class CongestionStats:
    """Congestion of an area in one direction: what the flex expectation is made of."""

    hours: float
    events: int
    longest_event_h: float
    max_mw: float
    mwh: float


def congestion_stats(shortage_mw: np.ndarray, step_h: float) -> CongestionStats:
    """Hours, events (blocks, the year taken as cyclic), longest block, peak MW and MWh of a
    (T,) shortage, from the congestion core's event extraction."""
    from netruimte.congestion.events import events_from_series

    events = events_from_series(shortage_mw[None, :], step_h=step_h, wrap=True)
    return CongestionStats(
        hours=float((shortage_mw > 0).sum() * step_h),
        events=len(events),
        longest_event_h=float(events.duration_h.max()) if len(events) else 0.0,
        max_mw=float(shortage_mw.max()) if len(shortage_mw) else 0.0,
        mwh=float(shortage_mw.sum() * step_h),
    )


@dataclass
class QuickscanResult:
    """Before/after of one request; `assets` has the worst values per asset."""

    node_id: int
    request_mw: np.ndarray  # (T,) + offtake, - feed-in
    assets: pd.DataFrame  # per line/transformer: worst loading before and after
    voltage: dict[str, float]  # area's lowest and highest node voltage before and after, pu
    before: dict[str, CongestionStats]  # 'offtake' / 'feedin'
    after: dict[str, CongestionStats]
    congestion_after: AssetCongestion  # full (A, T) shortage arrays with the request
    steps_solved: int
    n_steps: int
    seconds: float

    @property
    def worst_loading_before(self) -> float:
        """Highest branch loading in the year without the request (fraction)."""
        return float(self.assets["worst_before"].max())

    @property
    def worst_loading_after(self) -> float:
        """Highest branch loading in the year with the request (fraction)."""
        return float(self.assets["worst_after"].max())


def _with_request(model: GridModel, node_id: int) -> tuple[GridModel, int]:
    """The model with one extra constant-power load at `node_id` (power set per step)."""
    data = dict(model.input_data)
    all_ids = np.concatenate([a["id"] for a in data.values() if len(a)])
    extra = initialize_array(DT.input, ComponentType.sym_load, 1)
    request_id = int(all_ids.max()) + 1
    extra["id"] = request_id
    extra["node"] = node_id
    extra["status"] = 1
    extra["type"] = LoadGenType.const_power
    extra["p_specified"] = 0.0
    extra["q_specified"] = 0.0
    loads = data.get(ComponentType.sym_load)
    data[ComponentType.sym_load] = extra if loads is None else np.concatenate([loads, extra])
    names = dict(model.names)
    names[request_id] = "quickscan request"
    return GridModel(name=model.name, input_data=data, names=names), request_id


def _capped(candidates: np.ndarray, score: np.ndarray) -> np.ndarray:
    """At most MAX_CANDIDATES of the candidate steps: those with the highest score."""
    if candidates.sum() <= MAX_CANDIDATES:
        return candidates
    out = np.zeros_like(candidates)
    out[np.argpartition(-np.where(candidates, score, -np.inf), MAX_CANDIDATES)[:MAX_CANDIDATES]] = (
        True
    )
    return out


class Quickscan:
    """Solves the base year once; `scan` then answers requests in a fraction of a second."""

    def __init__(
        self,
        model: GridModel,
        profiles: ApplianceProfiles | None = None,
        method: Method = DEFAULT_METHOD,
        transformer_loading: TransformerLoading = "current",
        threads: int = 0,
    ) -> None:
        check_model(model)
        profiles = profiles if profiles is not None else model.profiles
        if profiles is None:
            raise InputError(f"network '{model.name}' has no profiles to scan a year with")
        check_profiles(model, profiles)
        self.model = model
        self.profiles = profiles
        self.method = method
        self.transformer_loading = transformer_loading
        self.threads = threads
        self.engine = PowerFlowEngine(
            model,
            method=method,
            transformer_loading=transformer_loading,
            threads=threads,
            branch_flows=True,
        )
        self.update = self.engine.build_update(profiles)
        self.base = self.engine.run_update(self.update, profiles.time_utc)
        self.base_congestion = asset_congestion(self.engine, self.base, self.update)
        self._branch_loading = np.concatenate(
            [self.base.line_loading, self.base.transformer_loading], axis=1
        )  # (T, B)
        n_branch = self._branch_loading.shape[1]
        self._rating_mva = self.base_congestion.assets["rating_mva"].to_numpy()[:n_branch]
        t = profiles.time_utc
        self.step_h = (t[1] - t[0]).total_seconds() / 3600.0 if len(t) > 1 else 0.25

    def _request_update(
        self, steps: np.ndarray, p_w: np.ndarray, q_var: np.ndarray
    ) -> dict[ComponentType, dict[str, np.ndarray]]:
        upd = {c: {a: v[steps] for a, v in attrs.items()} for c, attrs in self.update.items()}
        if ComponentType.sym_load in upd:
            loads = upd[ComponentType.sym_load]
            loads["p_specified"] = np.concatenate([loads["p_specified"], p_w[:, None]], axis=1)
            loads["q_specified"] = np.concatenate([loads["q_specified"], q_var[:, None]], axis=1)
        else:
            upd[ComponentType.sym_load] = {
                "p_specified": p_w[:, None].copy(),
                "q_specified": q_var[:, None].copy(),
            }
        return upd

    def scan(
        self,
        node_id: int,
        request_mw: float | np.ndarray,
        power_factor: float = 1.0,
    ) -> QuickscanResult:
        """Add `request_mw` (scalar or (T,) profile; + offtake, - feed-in) at `node_id`."""
        start = time.perf_counter()
        check_node(self.model, node_id)
        n_t = self.profiles.n_steps
        p_mw = np.asarray(request_mw, dtype=float)
        if p_mw.ndim == 0:
            p_mw = np.full(n_t, float(p_mw))
        if p_mw.shape != (n_t,) or not np.isfinite(p_mw).all():
            raise InputError(
                f"request profile must be {n_t} finite values (one per time step of the year)"
            )
        if not 0 < power_factor <= 1:
            raise InputError(f"power factor must be in (0, 1], got {power_factor}")
        q_mvar = np.abs(p_mw) * np.tan(np.arccos(power_factor)) * np.sign(p_mw)
        s_mva = np.hypot(p_mw, q_mvar)
        if not np.any(s_mva > 0):
            return self._summarise(node_id, p_mw, self.base_congestion, np.arange(0), start)
        model2, _ = _with_request(self.model, int(node_id))
        engine2 = PowerFlowEngine(
            model2,
            method=self.method,
            transformer_loading=self.transformer_loading,
            threads=self.threads,
            branch_flows=True,
        )
        steps = self._steps_to_solve(engine2, p_mw, q_mvar, s_mva)
        upd = self._request_update(steps, p_mw[steps] * 1e6, q_mvar[steps] * 1e6)
        res = engine2.run_update(upd, self.profiles.time_utc[steps])
        cong_sub = asset_congestion(engine2, res, upd)
        after = self._scatter(cong_sub, steps)
        return self._summarise(node_id, p_mw, after, steps, start)

    def _steps_to_solve(
        self, engine2: PowerFlowEngine, p_mw: np.ndarray, q_mvar: np.ndarray, s_mva: np.ndarray
    ) -> np.ndarray:
        """Steps where the request might push an asset over a limit or to its yearly extreme."""
        n_t = self.profiles.n_steps
        # Signed sensitivities at a few operating points (heaviest offtake and feed-in, and the
        # request's peak), from +x and -x MW probes solved by the engine.
        total = (
            self.update[ComponentType.sym_load]["p_specified"].sum(axis=1)
            if ComponentType.sym_load in self.update
            else np.zeros(n_t)
        )
        if ComponentType.sym_gen in self.update:
            total = total - self.update[ComponentType.sym_gen]["p_specified"].sum(axis=1)
        probe = np.unique([int(np.argmax(total)), int(np.argmin(total)), int(np.argmax(s_mva))])
        x_mw = float(np.abs(p_mw).max())
        tan_phi = float(np.max(np.abs(q_mvar) / np.maximum(np.abs(p_mw), 1e-12)))
        k = len(probe)
        probe_steps = np.concatenate([probe, probe])
        p_probe = np.concatenate([np.full(k, x_mw), np.full(k, -x_mw)])
        upd = self._request_update(probe_steps, p_probe * 1e6, p_probe * tan_phi * 1e6)
        res = engine2.run_update(upd, self.profiles.time_utc[probe_steps])
        base = self.base
        dp_b = res.branch_p_from_mw - base.branch_p_from_mw[probe_steps]
        dq_b = res.branch_q_from_mvar - base.branch_q_from_mvar[probe_steps]
        du = res.u_pu - base.u_pu[probe_steps]
        sign = np.sign(p_probe)[:, None]
        f_p = (dp_b * sign).mean(axis=0) / x_mw  # MW through branch per MW requested
        f_q = (dq_b * sign).mean(axis=0) / x_mw
        s_u = (du * sign).mean(axis=0) / x_mw  # pu per MW
        new_b = np.concatenate([res.line_loading, res.transformer_loading], axis=1)
        reach_b = np.abs(new_b - self._branch_loading[probe_steps]).max(axis=0) / x_mw
        reach_u = np.abs(du).max(axis=0) / x_mw

        # Estimate: the branch's from-side apparent power with the request's share added; its
        # change over the branch rating is the change in loading (first order).
        p0, q0 = base.branch_p_from_mw, base.branch_q_from_mvar
        d_s = np.hypot(p0 + f_p * p_mw[:, None], q0 + f_q * p_mw[:, None]) - np.hypot(p0, q0)
        l0 = self._branch_loading
        est_b = l0 + d_s / self._rating_mva
        band_b = BAND_SHARE * reach_b * s_mva[:, None] + LOADING_MARGIN
        est_u = base.u_pu + s_u * p_mw[:, None]
        band_u = BAND_SHARE * reach_u * s_mva[:, None] + VOLTAGE_MARGIN_PU
        changed_b = reach_b > 0
        lb, ub = est_b - band_b, est_b + band_b
        need = ((ub >= LOADING_MAX) & changed_b).any(axis=1)
        # May hold a branch's yearly maximum (unchanged branches keep theirs: base argmax).
        # A branch whose loading hardly varies (e.g. only charging current behind an open
        # switch) has near-ties everywhere: there the MAX_CANDIDATES steps with the highest
        # upper bound are solved, which bounds the error of its reported maximum by the band.
        cand = (ub >= lb.max(axis=0)) & changed_b
        crowded = np.flatnonzero(cand.sum(axis=0) > MAX_CANDIDATES)
        if len(crowded):
            cand[:, crowded] = False
            top = np.argpartition(-ub[:, crowded], MAX_CANDIDATES, axis=0)[:MAX_CANDIDATES]
            cand[top, crowded[None, :]] = True
        need |= cand.any(axis=1)
        need[np.argmax(l0, axis=0)] = True
        lo_u, hi_u = est_u - band_u, est_u + band_u
        need |= (lo_u <= U_MIN_PU).any(axis=1) | (hi_u >= U_MAX_PU).any(axis=1)
        # Steps that may hold the area's lowest or highest voltage (capped like branches).
        lo_min, hi_min = lo_u.min(axis=1), hi_u.min(axis=1)
        lo_max, hi_max = lo_u.max(axis=1), hi_u.max(axis=1)
        need |= _capped(lo_min <= hi_min.min(), -lo_min)
        need |= _capped(hi_max >= lo_max.max(), hi_max)
        # Every step congested without the request stays solved: its shortage changes.
        c = self.base_congestion
        need |= (c.shortage_offtake_mw > 0).any(axis=0) | (c.shortage_feedin_mw > 0).any(axis=0)
        return np.flatnonzero(need)

    def _scatter(self, sub: AssetCongestion, steps: np.ndarray) -> AssetCongestion:
        """Full-year arrays from the solved steps; skipped steps carry no shortage."""
        n_t = self.profiles.n_steps
        a = len(sub.assets)

        def full(x: np.ndarray, fill: float) -> np.ndarray:
            out = np.full((a, n_t), fill)
            out[:, steps] = x
            return out

        off = full(sub.shortage_offtake_mw, 0.0)
        feed = full(sub.shortage_feedin_mw, 0.0)
        area_off = np.zeros(n_t)
        area_off[steps] = sub.area_shortage_offtake_mw
        area_feed = np.zeros(n_t)
        area_feed[steps] = sub.area_shortage_feedin_mw
        w_off = np.full(n_t, -1)
        w_off[steps] = sub.area_worst_asset_offtake
        w_feed = np.full(n_t, -1)
        w_feed[steps] = sub.area_worst_asset_feedin
        return AssetCongestion(
            time_utc=self.profiles.time_utc,
            assets=sub.assets,
            loading=full(sub.loading, np.nan),  # NaN: step not solved (provably not critical)
            overload_pu=full(sub.overload_pu, 0.0),
            shortage_offtake_mw=off,
            shortage_feedin_mw=feed,
            area_shortage_offtake_mw=area_off,
            area_shortage_feedin_mw=area_feed,
            area_worst_asset_offtake=w_off,
            area_worst_asset_feedin=w_feed,
        )

    def _summarise(
        self,
        node_id: int,
        p_mw: np.ndarray,
        after: AssetCongestion,
        steps: np.ndarray,
        start: float,
    ) -> QuickscanResult:
        base = self.base_congestion
        is_node = (base.assets["kind"] == "node").to_numpy()
        assets = base.assets.loc[~is_node, ["asset_id", "kind", "name"]].copy()
        with np.errstate(invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: nothing solved
            assets["worst_before"] = base.loading[~is_node].max(axis=1)
            assets["worst_after"] = np.nanmax(after.loading[~is_node], axis=1)
            u_after = after.loading[is_node]
            voltage = {
                "u_min_before_pu": float(base.loading[is_node].min()),
                "u_max_before_pu": float(base.loading[is_node].max()),
                "u_min_after_pu": float(np.nanmin(u_after)) if len(steps) else np.nan,
                "u_max_after_pu": float(np.nanmax(u_after)) if len(steps) else np.nan,
            }
        # Steps left unsolved cannot hold a branch's maximum (see _steps_to_solve); a branch
        # with no solved step kept its base maximum.
        assets["worst_after"] = assets["worst_after"].fillna(assets["worst_before"])
        if not len(steps):
            voltage["u_min_after_pu"] = voltage["u_min_before_pu"]
            voltage["u_max_after_pu"] = voltage["u_max_before_pu"]
        h = self.step_h
        before = {
            "offtake": congestion_stats(base.area_shortage_offtake_mw, h),
            "feedin": congestion_stats(base.area_shortage_feedin_mw, h),
        }
        aft = {
            "offtake": congestion_stats(after.area_shortage_offtake_mw, h),
            "feedin": congestion_stats(after.area_shortage_feedin_mw, h),
        }
        return QuickscanResult(
            node_id=int(node_id),
            request_mw=p_mw,
            assets=assets.reset_index(drop=True),
            voltage=voltage,
            before=before,
            after=aft,
            congestion_after=after,
            steps_solved=len(steps),
            n_steps=self.profiles.n_steps,
            seconds=time.perf_counter() - start,
        )

"""Quickscan: what a new request of X MW with a profile at one node does to the grid.

It answers, for a whole year at 15 minutes, how the worst loading of every line, transformer
and node voltage changes and how the congestion (and so the flex expectation: hours, blocks,
MW, MWh per direction) changes, in well under a second once the base year is known.

How it stays exact while fast: the base year is solved once (`Quickscan(...)`, about as long
as one full-year run). For a request, a few small engine batches measure how the request moves
each line, transformer and node (probes at +/-X MW, fitted as a quadratic because losses grow
with the square), estimate every step from the base year, and calibrate the estimate's error on
a spread of steps solved exactly. A band of three times the worst calibration error (plus a
margin) around the estimate then bounds the new value. Steps where no band reaches a limit or
a yearly extreme are skipped; all others are solved exactly by power-grid-model with the
request added as a real load. So the shortages (hence congestion events and flex expectation)
and the worst loading come from the engine, not from the estimate; tests compare them with a
full-year run for random requests. Where many steps tie for an asset's maximum (a cable that
only carries charging current) at most 64 are solved, so that asset's reported maximum is
exact to within the band; the same holds for the area's lowest and highest voltage.

The band is a calibrated heuristic, not a proof: a request whose effect the probes and the
calibration steps cannot see would be missed. The calibration covers the heaviest offtake and
feed-in steps, the request's peak and evenly spread steps, which is why this did not happen
in any test.
"""

from __future__ import annotations

import time
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
from netruimte.grid.powerflow import (
    DEFAULT_METHOD,
    Method,
    PowerFlowEngine,
    TransformerLoading,
)

# The screening band around the estimate: a share of the largest first-order change the
# request can cause at that asset, plus an absolute margin. Generous on purpose: a step wrongly
# skipped would be an error, a step needlessly solved only costs ~50 us.
BAND_SHARE = 0.02  # of the largest first-order change the request can cause at the asset
MISS_FACTOR = 3.0  # times the largest estimation error seen on the calibration steps
CALIBRATION_STEPS = 96
LOADING_MARGIN = 2e-3  # loading fraction
VOLTAGE_MARGIN_PU = 1e-3
AFFECTED_LOADING = 1e-4  # a branch the request moves less than this keeps its base values
NEAR_LIMIT_LOADING = 5e-3  # base steps this close to a limit are always solved
NEAR_LIMIT_PU = 5e-4
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
        assets = self.base_congestion.assets.iloc[:n_branch]
        self._rating_mva = assets["rating_mva"].to_numpy()
        self._from_index = pd.Index(model.node_ids).get_indexer(assets["from_node"].to_numpy())
        self._s0_mva = np.hypot(self.base.branch_p_from_mw, self.base.branch_q_from_mvar)
        total_w = np.zeros(profiles.n_steps)
        if ComponentType.sym_load in self.update:
            total_w += self.update[ComponentType.sym_load]["p_specified"].sum(axis=1)
        if ComponentType.sym_gen in self.update:
            total_w -= self.update[ComponentType.sym_gen]["p_specified"].sum(axis=1)
        self._heaviest_step = int(np.argmax(total_w))
        self._lightest_step = int(np.argmin(total_w))
        # Steps solved for every request: each branch's base maximum, every step congested or
        # near a limit without the request (an asset the request hardly moves can still tip).
        c = self.base_congestion
        always = (c.shortage_offtake_mw > 0).any(axis=0) | (c.shortage_feedin_mw > 0).any(axis=0)
        always |= (self._branch_loading >= LOADING_MAX - NEAR_LIMIT_LOADING).any(axis=1)
        u = self.base.u_pu
        always |= (u <= U_MIN_PU + NEAR_LIMIT_PU).any(axis=1)
        always |= (u >= U_MAX_PU - NEAR_LIMIT_PU).any(axis=1)
        always[np.argmax(self._branch_loading, axis=0)] = True
        always[[int(np.argmin(u.min(axis=1))), int(np.argmax(u.max(axis=1)))]] = True
        self._always = always
        self._u_min_node = u.min(axis=0)
        self._u_max_node = u.max(axis=0)
        self._is_node = (c.assets["kind"] == "node").to_numpy()
        self._worst_before = c.loading[~self._is_node].max(axis=1)
        self._voltage_before = {
            "u_min_before_pu": float(self._u_min_node.min()),
            "u_max_before_pu": float(self._u_max_node.max()),
        }
        t = profiles.time_utc
        self.step_h = (t[1] - t[0]).total_seconds() / 3600.0 if len(t) > 1 else 0.25

    def _request_update(
        self, node: int, steps: np.ndarray, p_w: np.ndarray, q_var: np.ndarray
    ) -> dict[ComponentType, dict[str, np.ndarray]]:
        """The base update at `steps` with the request (W, var) added at node column `node`."""
        return self.engine.sub_update(self.update, steps, node, p_w, q_var)

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
            return self._summarise(node_id, p_mw, self.base_congestion, None, np.arange(0), start)
        node = self.engine.node_index(int(node_id))
        steps = self._steps_to_solve(node, p_mw, q_mvar, s_mva)
        upd = self._request_update(node, steps, p_mw[steps] * 1e6, q_mvar[steps] * 1e6)
        res = self.engine.run_update(upd, self.profiles.time_utc[steps])
        cong_sub = asset_congestion(self.engine, res, upd)
        after = self._scatter(cong_sub, steps)
        return self._summarise(node_id, p_mw, after, cong_sub.loading, steps, start)

    def _steps_to_solve(
        self, node: int, p_mw: np.ndarray, q_mvar: np.ndarray, s_mva: np.ndarray
    ) -> np.ndarray:
        """Steps where the request might push an asset over a limit or to its yearly extreme.

        1. Probes: the request at +x and -x MW at the heaviest offtake and feed-in steps and at
           the request's peak, solved exactly, give per branch and node a quadratic response
           to the request (losses grow with its square).
        2. Estimate every step: the branch's from-side power with that response added, at
           the from node's moved voltage (loading = S / U); node voltages likewise.
        3. Calibrate: solve a spread of steps exactly and take a multiple of the largest
           estimation error seen there (per MVA requested) as the band around the estimate.
        4. Keep the steps where a band reaches a limit or a yearly extreme.
        Only assets the request measurably moves are estimated; the others keep their base
        values (their base extremes and near-limit steps are always solved).
        """
        n_t = self.profiles.n_steps
        base = self.base
        probe = np.unique([self._heaviest_step, self._lightest_step, int(np.argmax(s_mva))])
        x_mw = float(np.abs(p_mw).max())
        tan_phi = float(np.max(np.abs(q_mvar) / np.maximum(np.abs(p_mw), 1e-12)))
        k = len(probe)
        probe_steps = np.concatenate([probe, probe])
        p_probe = np.concatenate([np.full(k, x_mw), np.full(k, -x_mw)])
        upd = self._request_update(node, probe_steps, p_probe * 1e6, p_probe * tan_phi * 1e6)
        res = self.engine.run_update(upd, self.profiles.time_utc[probe_steps])
        new_b = np.concatenate([res.line_loading, res.transformer_loading], axis=1)
        reach_b = np.abs(new_b - self._branch_loading[probe_steps]).max(axis=0) / x_mw
        reach_u = np.abs(res.u_pu - base.u_pu[probe_steps]).max(axis=0) / x_mw
        cols_b = np.flatnonzero(reach_b * x_mw > AFFECTED_LOADING)
        from_u = self._from_index[cols_b]  # node column of each affected branch's from side

        def fit(d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            plus, minus = d[:k], d[k:]
            return (
                ((plus - minus) / (2 * x_mw)).mean(axis=0),
                ((plus + minus) / (2 * x_mw**2)).mean(axis=0),
            )

        a_p, c_p = fit(
            res.branch_p_from_mw[:, cols_b] - base.branch_p_from_mw[probe_steps][:, cols_b]
        )
        a_q, c_q = fit(
            res.branch_q_from_mvar[:, cols_b] - base.branch_q_from_mvar[probe_steps][:, cols_b]
        )
        a_u, c_u = fit(res.u_pu - base.u_pu[probe_steps])  # every node, pu per MW and MW^2
        u_probe = base.u_pu[probe].mean(axis=0)

        def estimate_b(steps: np.ndarray | slice, req: np.ndarray) -> np.ndarray:
            r = req[:, None]
            p0 = base.branch_p_from_mw[steps][:, cols_b]
            q0 = base.branch_q_from_mvar[steps][:, cols_b]
            d_s = np.hypot(p0 + a_p * r + c_p * r**2, q0 + a_q * r + c_q * r**2)
            d_s -= self._s0_mva[steps][:, cols_b]
            u0 = base.u_pu[steps][:, from_u]
            u1 = u0 + (a_u[from_u] * r + c_u[from_u] * r**2) * (u_probe[from_u] / u0)
            est = self._branch_loading[steps][:, cols_b] * u0 + d_s / self._rating_mva[cols_b]
            est /= np.maximum(u1, 0.5)
            return est

        def estimate_u(steps: np.ndarray | slice, req: np.ndarray, cols: np.ndarray) -> np.ndarray:
            r = req[:, None]
            u0 = base.u_pu[steps][:, cols]
            # A voltage rise is current times impedance, and current is power over voltage:
            # the response measured at the probes scales with u_probe / u at other steps.
            return u0 + (a_u[cols] * r + c_u[cols] * r**2) * (u_probe[cols] / u0)

        est_b = estimate_b(slice(None), p_mw)
        l0 = self._branch_loading[:, cols_b]
        moved = np.abs(est_b - l0).max(axis=1) if len(cols_b) else np.zeros(n_t)
        cal = np.unique(
            np.concatenate(
                [
                    np.linspace(0, n_t - 1, min(n_t, CALIBRATION_STEPS), dtype=int),
                    np.argsort(-moved)[:CALIBRATION_STEPS],
                    probe,
                ]
            )
        )
        cal = cal[s_mva[cal] > 0]
        upd = self._request_update(node, cal, p_mw[cal] * 1e6, q_mvar[cal] * 1e6)
        res_cal = self.engine.run_update(upd, self.profiles.time_utc[cal])
        exact_b = np.concatenate([res_cal.line_loading, res_cal.transformer_loading], axis=1)
        # Error per MVA requested; steps where the request is tiny (a shape's tail) would turn
        # a rounding-level error into a huge ratio, so the divisor is floored at 10% of it.
        per_mva = 1.0 / np.maximum(s_mva[cal], 0.1 * float(s_mva.max()))[:, None]
        miss_b = (np.abs(exact_b[:, cols_b] - est_b[cal]) * per_mva).max(axis=0, initial=0.0)
        all_u = np.arange(len(a_u))
        miss_u = (np.abs(res_cal.u_pu - estimate_u(cal, p_mw[cal], all_u)) * per_mva).max(
            axis=0, initial=0.0
        )
        s_col = s_mva[:, None]
        band_b = (MISS_FACTOR * miss_b + BAND_SHARE * reach_b[cols_b]) * s_col + LOADING_MARGIN
        k_u = MISS_FACTOR * miss_u + BAND_SHARE * reach_u  # band per MVA, every node

        need = self._always.copy()
        need[cal] = True
        lb, ub = est_b - band_b, est_b + band_b
        need |= (ub >= LOADING_MAX).any(axis=1)
        # May hold an affected branch's yearly maximum. A branch whose loading hardly varies
        # has near-ties everywhere: there the MAX_CANDIDATES steps with the highest estimate
        # are solved, which bounds the error of its reported maximum by the band.
        cand = ub >= lb.max(axis=0, initial=-np.inf)
        crowded = np.flatnonzero(cand.sum(axis=0) > MAX_CANDIDATES)
        if len(crowded):
            cand[:, crowded] = False
            top = np.argpartition(-est_b[:, crowded], MAX_CANDIDATES, axis=0)[:MAX_CANDIDATES]
            cand[top, crowded[None, :]] = True
        need |= cand.any(axis=1)

        # Voltages: only nodes whose year range, moved by the most the request can do, reaches
        # a limit or the area's extreme need a per-step look.
        x_mva = float(s_mva.max())
        shift = np.abs(a_u) * x_mw + np.abs(c_u) * x_mw**2 + k_u * x_mva + VOLTAGE_MARGIN_PU
        lo_node, hi_node = self._u_min_node - shift, self._u_max_node + shift
        may_limit = (lo_node <= U_MIN_PU) | (hi_node >= U_MAX_PU)
        may_min = lo_node <= (self._u_min_node + shift).min()
        may_max = hi_node >= (self._u_max_node - shift).max()
        for cols, test in (
            (np.flatnonzero(may_limit), "limit"),
            (np.flatnonzero(may_min), "min"),
            (np.flatnonzero(may_max), "max"),
        ):
            if not len(cols):
                continue
            est_u = estimate_u(slice(None), p_mw, cols)
            band_u = k_u[cols] * s_col + VOLTAGE_MARGIN_PU
            if test == "limit":
                need |= ((est_u - band_u) <= U_MIN_PU).any(axis=1)
                need |= ((est_u + band_u) >= U_MAX_PU).any(axis=1)
            elif test == "min":  # steps that may hold the area's lowest voltage (capped)
                lo = (est_u - band_u).min(axis=1)
                need |= _capped(lo <= (est_u + band_u).min(axis=1).min(), -lo)
            else:
                hi = (est_u + band_u).max(axis=1)
                need |= _capped(hi >= (est_u - band_u).max(axis=1).max(), hi)
        return np.flatnonzero(need)

    def _scatter(self, sub: AssetCongestion, steps: np.ndarray) -> AssetCongestion:
        """Full-year arrays from the solved steps; skipped steps carry no shortage."""
        n_t = self.profiles.n_steps
        a = len(sub.assets)

        def full(x: np.ndarray, fill: float) -> np.ndarray:
            out = np.zeros((a, n_t)) if fill == 0.0 else np.full((a, n_t), fill)
            hot = np.flatnonzero(x.any(axis=0)) if fill == 0.0 else np.arange(len(steps))
            out[:, steps[hot]] = x[:, hot]
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
            loading=full(sub.loading, np.nan),  # NaN: step not solved (screened out)
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
        solved: np.ndarray | None,
        steps: np.ndarray,
        start: float,
    ) -> QuickscanResult:
        base = self.base_congestion
        is_node = self._is_node
        assets = base.assets.loc[~is_node, ["asset_id", "kind", "name"]].copy()
        assets["worst_before"] = self._worst_before
        voltage = dict(self._voltage_before)
        if solved is None or not len(steps):  # nothing changed
            assets["worst_after"] = self._worst_before
            voltage["u_min_after_pu"] = voltage["u_min_before_pu"]
            voltage["u_max_after_pu"] = voltage["u_max_before_pu"]
        else:
            # Each branch's base maximum step is always solved and no skipped step can hold a
            # new maximum (see _steps_to_solve): the maxima over the solved steps are the year's.
            assets["worst_after"] = solved[~is_node].max(axis=1)
            voltage["u_min_after_pu"] = float(solved[is_node].min())
            voltage["u_max_after_pu"] = float(solved[is_node].max())
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

"""Congestion per asset from a year of power flow, in the shape the congestion core takes.

An asset is congested when a line or transformer is loaded above 100% or a node's voltage
leaves the 0.90-1.10 pu band. Each violation is turned into a shortage in MW, per direction,
so the same event extraction and flex expectation as for area totals can run on it:

- Line or transformer: shortage = (loading - 1) x rated power (MVA at rated voltage, taken as
  MW: flex is bought as active power). The direction is *offtake* when the power flows away
  from the source (downstream), *feed-in* when it flows back towards it.
- Node voltage: shortage = distance outside the band (pu) / dU/dP (pu per MW), the voltage
  sensitivity of that node to active power, computed by the engine itself at the worst step
  as a secant over the change that resolves the node's worst violation (so the MW are right
  where they matter most, not only for small deviations).
  Under-voltage is offtake congestion, over-voltage is feed-in congestion.

The area takes its worst asset: at each time step the area's shortage in a direction is the
largest shortage of any asset in that direction (the binding constraint at that moment).

All arrays are asset-major (A, T) or (T,) on the tz-aware UTC axis of the power flow.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from power_grid_model import ComponentType
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import shortest_path

from netruimte.grid.model import GridModel
from netruimte.grid.powerflow import PowerFlowEngine, PowerFlowResult, Update

U_MIN_PU = 0.90
U_MAX_PU = 1.10
LOADING_MAX = 1.0
MIN_SENSITIVITY_PU_PER_MW = 1e-6  # floor so a stiff node cannot turn a tiny deviation into GW


@dataclass
class AssetCongestion:
    """Per-asset and per-area congestion over time.

    `assets` has one row per asset (lines, transformers, nodes; see `GridModel.asset_table`)
    and the row order of every (A, T) array.
    """

    time_utc: pd.DatetimeIndex
    assets: pd.DataFrame
    loading: np.ndarray  # (A, T) branch loading fraction; voltage u_pu for nodes
    shortage_offtake_mw: np.ndarray  # (A, T) >= 0
    shortage_feedin_mw: np.ndarray  # (A, T) >= 0
    area_shortage_offtake_mw: np.ndarray  # (T,) worst asset per step
    area_shortage_feedin_mw: np.ndarray  # (T,)
    area_worst_asset_offtake: np.ndarray  # (T,) row index into assets, -1 when none
    area_worst_asset_feedin: np.ndarray  # (T,)
    u_min_pu: float = U_MIN_PU
    u_max_pu: float = U_MAX_PU

    def overload_pu(self) -> np.ndarray:
        """(A, T): loading above 1.0 for branches, distance outside the band for nodes."""
        is_node = (self.assets["kind"] == "node").to_numpy()
        out = np.maximum(self.loading - LOADING_MAX, 0.0)
        u = self.loading[is_node]
        out[is_node] = np.maximum(self.u_min_pu - u, 0.0) + np.maximum(u - self.u_max_pu, 0.0)
        return out

    def summary(self) -> pd.DataFrame:
        """One row per asset: worst loading or voltage, hours congested, MWh per direction."""
        step_h = (
            (self.time_utc[1] - self.time_utc[0]).total_seconds() / 3600.0
            if len(self.time_utc) > 1
            else 0.25
        )
        table = self.assets.copy()
        is_node = (table["kind"] == "node").to_numpy()
        table["max_loading"] = np.where(is_node, np.nan, self.loading.max(axis=1))
        table["u_min_pu"] = np.where(is_node, self.loading.min(axis=1), np.nan)
        table["u_max_pu"] = np.where(is_node, self.loading.max(axis=1), np.nan)
        congested = (self.shortage_offtake_mw > 0) | (self.shortage_feedin_mw > 0)
        table["hours_congested"] = congested.sum(axis=1) * step_h
        table["offtake_mwh"] = self.shortage_offtake_mw.sum(axis=1) * step_h
        table["feedin_mwh"] = self.shortage_feedin_mw.sum(axis=1) * step_h
        table["max_shortage_offtake_mw"] = self.shortage_offtake_mw.max(axis=1)
        table["max_shortage_feedin_mw"] = self.shortage_feedin_mw.max(axis=1)
        return table


def node_depth(model: GridModel) -> np.ndarray:
    """Number of switched-on branches between each node and the nearest source (input order)."""
    nodes = model.node_ids
    index = pd.Series(np.arange(len(nodes)), index=nodes)
    rows, cols = [], []
    for comp in (ComponentType.line, ComponentType.transformer, ComponentType.link):
        arr = model.input_data.get(comp)
        if arr is None or not len(arr):
            continue
        on = (arr["from_status"] == 1) & (arr["to_status"] == 1)
        rows.append(index.loc[arr["from_node"][on]].to_numpy())
        cols.append(index.loc[arr["to_node"][on]].to_numpy())
    r = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(r)), (r, c)), shape=(len(nodes), len(nodes))).tocsr()
    src = model.input_data[ComponentType.source]
    src_idx = index.loc[src["node"][src["status"] == 1]].to_numpy()
    dist = shortest_path(graph, directed=False, unweighted=True, indices=src_idx)
    return np.atleast_2d(dist).min(axis=0)


def downstream_sign(model: GridModel) -> np.ndarray:
    """+1 where a branch's from node is nearer the source than its to node, else -1.

    Lines then transformers, input order. Positive `p_from` times this sign is flow away from
    the source (offtake direction). Where both ends are equally far (a meshed tie) the branch's
    own orientation is kept.
    """
    depth = node_depth(model)
    index = pd.Series(np.arange(len(model.node_ids)), index=model.node_ids)
    signs = []
    for comp in (ComponentType.line, ComponentType.transformer):
        arr = model.input_data.get(comp)
        if arr is None or not len(arr):
            continue
        d_from = depth[index.loc[arr["from_node"]].to_numpy()]
        d_to = depth[index.loc[arr["to_node"]].to_numpy()]
        signs.append(np.where(d_from <= d_to, 1.0, -1.0))
    return np.concatenate(signs) if signs else np.zeros(0)


def voltage_sensitivity_pu_per_mw(
    engine: PowerFlowEngine,
    update: Update,
    step: int,
    node_index: np.ndarray,
    delta_mw: np.ndarray | float = 1.0,
) -> np.ndarray:
    """-dU/dP at each node in `node_index` (pu per MW of extra offtake), at one time step.

    One small batch: the operating point of `step`, then per node the same with `delta_mw`
    more offtake at that node (negative sheds load). The result is the secant slope.
    """
    k = len(node_index)
    if k == 0:
        return np.zeros(0)
    delta = np.broadcast_to(np.asarray(delta_mw, dtype=float), (k,))
    steps = np.full(k + 1, step)
    nodes = np.concatenate([[node_index[0]], node_index])
    extra = np.concatenate([[0.0], delta]) * 1e6
    sub = engine.sub_update(update, steps, nodes, extra, 0.0)
    u = engine.run_update(sub, engine_axis(k + 1)).u_pu
    sens = (u[0, node_index] - u[1 + np.arange(k), node_index]) / delta
    return np.maximum(sens, MIN_SENSITIVITY_PU_PER_MW)


def engine_axis(n: int) -> pd.DatetimeIndex:
    """A synthetic 15-minute UTC axis for probe batches (their steps are probes, not times)."""
    return pd.date_range("2000-01-01", periods=n, freq="15min", tz="UTC")


def asset_congestion(
    engine: PowerFlowEngine,
    result: PowerFlowResult,
    update: Update,
    u_min_pu: float = U_MIN_PU,
    u_max_pu: float = U_MAX_PU,
) -> AssetCongestion:
    """Shortage per asset and direction, and the area's worst asset, from a power flow.

    `update` is the batch update the result came from; it is needed only to ask the engine for
    flow directions and voltage sensitivities on the few steps that are congested.
    """
    model = engine.model
    assets = model.asset_table()
    n_t = result.n_steps
    n_l = result.line_loading.shape[1]
    n_b = n_l + result.transformer_loading.shape[1]
    # One (A, T) array per quantity, filled in place: a year of a 150-node grid is ~40 MB
    # per array, so temporaries matter. Shortage arrays start as zeros (pages untouched until
    # written) and only congested entries are written.
    loading = np.empty((len(assets), n_t))
    loading[:n_l] = result.line_loading.T
    loading[n_l:n_b] = result.transformer_loading.T
    loading[n_b:] = result.u_pu.T
    short_off = np.zeros(loading.shape)  # calloc: untouched pages cost nothing
    short_feed = np.zeros(loading.shape)
    rating = assets["rating_mva"].to_numpy()[:n_b]

    rows, steps = np.nonzero(loading[:n_b] > LOADING_MAX)
    if len(rows):
        hot_steps, where = np.unique(steps, return_inverse=True)
        p_from = engine.branch_p_from_mw(update, hot_steps)  # (H, B)
        downstream = (p_from[where, rows] * downstream_sign(model)[rows]) >= 0
        mw = (loading[rows, steps] - LOADING_MAX) * rating[rows]
        short_off[rows[downstream], steps[downstream]] = mw[downstream]
        short_feed[rows[~downstream], steps[~downstream]] = mw[~downstream]

    u = loading[n_b:]
    for limit, out, sign in ((u_min_pu, short_off, -1.0), (u_max_pu, short_feed, 1.0)):
        bad = u < limit if sign < 0 else u > limit
        r, t = np.nonzero(bad)
        if not len(r):
            continue
        dev = np.abs(u[r, t] - limit)
        bad_nodes, node_of = np.unique(r, return_inverse=True)
        worst_dev = np.zeros(len(bad_nodes))
        np.maximum.at(worst_dev, node_of, dev)
        worst_step = int(t[np.argmax(dev)])
        # Secant slope over the change that resolves each node's worst violation: shed load
        # for under-voltage, add load (= curtail feed-in) for over-voltage. A 1 MW probe
        # sizes the change, two more passes measure over that size.
        sens = voltage_sensitivity_pu_per_mw(engine, update, worst_step, bad_nodes, sign)
        for _ in range(2):
            delta = sign * np.maximum(worst_dev / sens, 1e-3)
            sens = voltage_sensitivity_pu_per_mw(engine, update, worst_step, bad_nodes, delta)
        out[n_b + r, t] = dev / sens[node_of]

    area_off, worst_off = _worst(short_off, n_t)
    area_feed, worst_feed = _worst(short_feed, n_t)
    return AssetCongestion(
        time_utc=result.time_utc,
        assets=assets,
        loading=loading,
        shortage_offtake_mw=short_off,
        shortage_feedin_mw=short_feed,
        area_shortage_offtake_mw=area_off,
        area_shortage_feedin_mw=area_feed,
        area_worst_asset_offtake=worst_off,
        area_worst_asset_feedin=worst_feed,
        u_min_pu=u_min_pu,
        u_max_pu=u_max_pu,
    )


def _worst(shortage: np.ndarray, n_t: int) -> tuple[np.ndarray, np.ndarray]:
    """Per step the largest shortage of any asset and which asset; -1 where none."""
    rows = np.flatnonzero(shortage.any(axis=1))
    if len(rows) == 0:
        return np.zeros(n_t), np.full(n_t, -1)
    sub = shortage[rows]
    pick = sub.argmax(axis=0)
    value = sub[pick, np.arange(n_t)]
    return value, np.where(value > 0, rows[pick], -1)

"""Full-year power flow: every time step in one power-grid-model batch call.

Method choice (measured on the SimBench MV grids, see benchmarks/RESULTS.md): the
iterative-current method agrees with Newton-Raphson to about 4e-10 pu and is about 2x faster,
because its admittance matrix is factorised once for the whole batch and only the current
injections change per step. The linear method treats loads as impedances and is off by up to
4e-3 pu and 7.7 points of line loading, too coarse for congestion, so it is not offered as a
default.

Only the outputs the congestion analysis needs are requested (node voltage magnitude, line
loading, transformer currents or loading): the full output of a year is 0.4-0.7 GB, the
filtered one a few tens of MB. The direction of branch flows is asked for afterwards, only on
the steps where a branch is overloaded.

Constant-power loads and generators are summed per node for the calculation (exact for
constant power, about 2x faster on the SimBench grids); see `PowerFlowEngine`.

Transformer loading definition: by default *current-based*, as pandapower and the thermal rating
of the windings: loading = max(I_hv / I_n,hv, I_lv / I_n,lv) with I_n = S_n / (sqrt(3) U_n) of that
side. power-grid-model's own `loading` is *power-based* (max(|S_hv|, |S_lv|) / S_n); it reads
higher by the voltage in pu (about 0.5 points on these grids) and is available as
`transformer_loading="power"`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from power_grid_model import (
    CalculationMethod,
    ComponentType,
    DatasetType,
    LoadGenType,
    PowerGridModel,
    initialize_array,
)
from scipy.sparse import csr_matrix

from netruimte.errors import InputError
from netruimte.grid.model import ApplianceProfiles, GridModel

Method = Literal["iterative_current", "newton_raphson", "linear"]
TransformerLoading = Literal["current", "power"]

_METHODS = {
    "iterative_current": CalculationMethod.iterative_current,
    "newton_raphson": CalculationMethod.newton_raphson,
    "linear": CalculationMethod.linear,
}
DEFAULT_METHOD: Method = "iterative_current"
# Convergence limit on the voltage update between iterations. With iterative current this
# lands within ~2e-8 pu of Newton-Raphson on the SimBench MV grids (1e-8 gives ~4e-10, about
# 10% slower): far inside the 1e-6 pu the validation asks and the ~3e-7 pu by which two
# independent engines (pandapower, lightsim2grid) differ from it.
DEFAULT_TOLERANCE_PU = 1e-6


@dataclass
class PowerFlowResult:
    """Per-step results of a batch power flow, time-major as the engine returns them.

    Arrays are (T, n): u_pu per node and loading (fraction, 1.0 = 100%) per line and
    transformer. The direction of branch flows is not part of it: it is asked for only on the
    few steps that are overloaded (`PowerFlowEngine.branch_p_from_mw`).
    """

    time_utc: pd.DatetimeIndex
    node_ids: np.ndarray
    u_pu: np.ndarray
    line_ids: np.ndarray
    line_loading: np.ndarray
    transformer_ids: np.ndarray
    transformer_loading: np.ndarray
    method: str
    transformer_loading_definition: str
    seconds: float
    # Optional (engine built with branch_flows=True): from-side P and Q of lines then
    # transformers, (T, B), MW and Mvar.
    branch_p_from_mw: np.ndarray | None = None
    branch_q_from_mvar: np.ndarray | None = None

    @property
    def n_steps(self) -> int:
        """Number of time steps T."""
        return len(self.time_utc)


Update = dict[ComponentType, dict[str, np.ndarray]]


class PowerFlowEngine:
    """A power-grid-model instance for one network, reused for many batch calls.

    Constant-power loads and generators are summed per node into one load per node (net
    offtake, load sign convention) for the calculation: that is exact for constant power and
    roughly halves the engine's work per step on the SimBench grids. It also gives every node
    an injection column, so a request or a probe at any node is just a change of the update,
    never a new model. Loads and generators of other types (constant impedance or current)
    keep their own entries. The user's `GridModel` is not changed.
    """

    def __init__(
        self,
        model: GridModel,
        method: Method = DEFAULT_METHOD,
        transformer_loading: TransformerLoading = "current",
        threads: int = 0,
        tolerance_pu: float = DEFAULT_TOLERANCE_PU,
        max_iterations: int = 50,
        branch_flows: bool = False,
    ) -> None:
        if method not in _METHODS:
            raise InputError(f"unknown power-flow method '{method}' (use one of {list(_METHODS)})")
        if transformer_loading not in ("current", "power"):
            raise InputError("transformer_loading must be 'current' or 'power'")
        self.model = model
        self.method = method
        self.transformer_loading = transformer_loading
        self.threads = threads
        self.tolerance_pu = tolerance_pu
        self.max_iterations = max_iterations
        self._build_calculation_model()
        self._pgm = PowerGridModel(self._calc_data)
        self._pgm_method = _METHODS[method]
        self._outputs: dict[ComponentType, list[str]] = {ComponentType.node: ["u_pu"]}
        if model.count(ComponentType.line):
            self._outputs[ComponentType.line] = ["loading"]
        if model.count(ComponentType.transformer):
            tr_attrs = ["i_from", "i_to"] if transformer_loading == "current" else ["loading"]
            self._outputs[ComponentType.transformer] = tr_attrs
            tr = model.input_data[ComponentType.transformer]
            self._i_n_from_a = tr["sn"] / (np.sqrt(3.0) * tr["u1"])
            self._i_n_to_a = tr["sn"] / (np.sqrt(3.0) * tr["u2"])
        self.branch_flows = branch_flows
        if branch_flows:
            for comp in (ComponentType.line, ComponentType.transformer):
                if comp in self._outputs:
                    self._outputs[comp] = [*self._outputs[comp], "p_from", "q_from"]

    def _build_calculation_model(self) -> None:
        """The calculation dataset: one constant-power load per node plus the others."""
        model = self.model
        data = dict(model.input_data)
        nodes = model.node_ids
        self.n_nodes = len(nodes)
        node_pos = pd.Index(nodes)
        all_ids = np.concatenate([arr["id"] for arr in data.values() if len(arr)])
        agg = initialize_array(DatasetType.input, ComponentType.sym_load, self.n_nodes)
        agg["id"] = int(all_ids.max()) + 1 + np.arange(self.n_nodes)
        agg["node"] = nodes
        agg["status"] = 1
        agg["type"] = LoadGenType.const_power
        static_p = np.zeros(self.n_nodes)
        static_q = np.zeros(self.n_nodes)
        # appliance id -> (node column, sign) for the aggregated ones; -> column for others
        self._agg_ids: list[np.ndarray] = []
        self._agg_cols: list[np.ndarray] = []
        self._agg_sign: list[np.ndarray] = []
        self._agg_static: list[tuple[np.ndarray, np.ndarray]] = []
        others: dict[ComponentType, np.ndarray] = {}
        for comp, sign in ((ComponentType.sym_load, 1.0), (ComponentType.sym_gen, -1.0)):
            arr = data.pop(comp, None)
            if arr is None or not len(arr):
                continue
            cp = (arr["type"] == LoadGenType.const_power) & (arr["status"] == 1)
            sel = arr[cp]
            cols = node_pos.get_indexer(sel["node"])
            np.add.at(static_p, cols, sign * sel["p_specified"])
            np.add.at(static_q, cols, sign * sel["q_specified"])
            self._agg_ids.append(sel["id"])
            self._agg_cols.append(cols)
            self._agg_sign.append(np.full(len(sel), sign))
            self._agg_static.append((sign * sel["p_specified"], sign * sel["q_specified"]))
            rest = arr[~cp & (arr["status"] == 1)]
            if len(rest):
                others[comp] = rest
        agg["p_specified"] = static_p
        agg["q_specified"] = static_q
        self._static_p_w = static_p
        self._static_q_var = static_q
        self._others = others
        loads = [agg] + (
            [others[ComponentType.sym_load]] if ComponentType.sym_load in others else []
        )
        data[ComponentType.sym_load] = np.concatenate(loads)
        if ComponentType.sym_gen in others:
            data[ComponentType.sym_gen] = others[ComponentType.sym_gen]
        self._calc_data = data

    def node_index(self, node_id: int) -> int:
        """Column of a node in the injection arrays of an update (= its input position)."""
        return int(np.flatnonzero(self.model.node_ids == node_id)[0])

    def build_update(
        self,
        profiles: ApplianceProfiles | None,
        n_steps: int | None = None,
    ) -> Update:
        """Columnar batch update: net constant-power offtake per node (W, var), then the
        other loads and generators with their own values. No ids: every entry is updated in
        the calculation model's order, which saves an (T, n) id array and the look-up."""
        n = profiles.n_steps if profiles is not None else n_steps
        if n is None:
            raise InputError(f"network '{self.model.name}' has no profiles to run over time")
        static_p = self._static_p_w.copy()
        static_q = self._static_q_var.copy()
        prof_cols, prof_nodes, prof_sign = [], [], []
        ids = profiles.appliance_ids if profiles is not None else np.zeros(0, dtype=np.int64)
        lookup = pd.Index(ids)
        for app_ids, cols, sign, (sp, sq) in zip(
            self._agg_ids, self._agg_cols, self._agg_sign, self._agg_static, strict=True
        ):
            pos = lookup.get_indexer(app_ids)
            mine = pos >= 0
            # A profiled appliance replaces its static value.
            np.subtract.at(static_p, cols[mine], sp[mine])
            np.subtract.at(static_q, cols[mine], sq[mine])
            prof_cols.append(pos[mine])
            prof_nodes.append(cols[mine])
            prof_sign.append(sign[mine])
        pc = np.concatenate(prof_cols) if prof_cols else np.zeros(0, dtype=int)
        pn = np.concatenate(prof_nodes) if prof_nodes else np.zeros(0, dtype=int)
        ps = np.concatenate(prof_sign) if prof_sign else np.zeros(0)
        p_w = np.empty((n, self.n_nodes))
        p_w[:] = static_p
        q_var = np.empty((n, self.n_nodes))
        q_var[:] = static_q
        if len(pc):
            # Sum the profiled appliances per node: one sparse (N x n_prof) product carrying
            # the sign and the MW -> W factor.
            scatter = csr_matrix((ps * 1e6, (pn, pc)), shape=(self.n_nodes, len(ids)))
            p_w += scatter.dot(profiles.p_mw.T).T
            if profiles.q_mvar[:, np.unique(pc)].any():
                q_var += scatter.dot(profiles.q_mvar.T).T
        loads_p, loads_q = [p_w], [q_var]
        update: Update = {}
        for comp, arr in self._others.items():
            p_o = np.empty((n, len(arr)))
            p_o[:] = arr["p_specified"]
            q_o = np.empty((n, len(arr)))
            q_o[:] = arr["q_specified"]
            if profiles is not None:
                pos = lookup.get_indexer(arr["id"])
                mine = pos >= 0
                p_o[:, mine] = profiles.p_mw[:, pos[mine]] * 1e6
                q_o[:, mine] = profiles.q_mvar[:, pos[mine]] * 1e6
            if comp == ComponentType.sym_load:
                loads_p.append(p_o)
                loads_q.append(q_o)
            else:
                update[comp] = {"p_specified": p_o, "q_specified": q_o}
        update[ComponentType.sym_load] = {
            "p_specified": loads_p[0] if len(loads_p) == 1 else np.concatenate(loads_p, axis=1),
            "q_specified": loads_q[0] if len(loads_q) == 1 else np.concatenate(loads_q, axis=1),
        }
        return update

    def sub_update(
        self,
        update: Update,
        steps: np.ndarray,
        node_index: np.ndarray | int | None = None,
        extra_p_w: np.ndarray | float = 0.0,
        extra_q_var: np.ndarray | float = 0.0,
    ) -> Update:
        """The update at some steps, optionally with extra offtake at node column(s).

        `node_index` and the extras broadcast per scenario: a scalar node with (S,) extras adds
        a request over time; an (S,) array of nodes adds a probe at a different node per step.
        """
        sub = {c: {a: v[steps] for a, v in attrs.items()} for c, attrs in update.items()}
        if node_index is not None:
            rows = np.arange(len(steps))
            loads = sub[ComponentType.sym_load]
            loads["p_specified"][rows, node_index] += extra_p_w
            loads["q_specified"][rows, node_index] += extra_q_var
        return sub

    def run_update(
        self,
        update: dict[ComponentType, dict[str, np.ndarray]],
        time_utc: pd.DatetimeIndex,
    ) -> PowerFlowResult:
        """One batch call for a prepared update (one scenario per time step)."""
        start = time.perf_counter()
        out = self._pgm.calculate_power_flow(
            update_data=update,
            calculation_method=_METHODS[self.method],
            error_tolerance=self.tolerance_pu,
            max_iterations=self.max_iterations,
            threading=self.threads,
            output_component_types=self._outputs,
        )
        n_t = len(time_utc)
        empty = np.zeros((n_t, 0))
        line_loading = out[ComponentType.line]["loading"] if ComponentType.line in out else empty
        if ComponentType.transformer in out:
            tr = out[ComponentType.transformer]
            if self.transformer_loading == "current":
                tr_loading = np.maximum(
                    tr["i_from"] / self._i_n_from_a, tr["i_to"] / self._i_n_to_a
                )
            else:
                tr_loading = tr["loading"]
        else:
            tr_loading = empty
        flows: dict[str, np.ndarray | None] = {"p": None, "q": None}
        if self.branch_flows:
            comps = [c for c in (ComponentType.line, ComponentType.transformer) if c in out]
            for key, attr in (("p", "p_from"), ("q", "q_from")):
                parts = [out[c][attr] / 1e6 for c in comps]
                flows[key] = np.concatenate(parts, axis=1) if parts else empty
        return PowerFlowResult(
            time_utc=time_utc,
            node_ids=self.model.node_ids,
            u_pu=out[ComponentType.node]["u_pu"],
            line_ids=self.model.ids(ComponentType.line),
            line_loading=line_loading,
            transformer_ids=self.model.ids(ComponentType.transformer),
            transformer_loading=tr_loading,
            method=self.method,
            transformer_loading_definition=self.transformer_loading,
            seconds=time.perf_counter() - start,
            branch_p_from_mw=flows["p"],
            branch_q_from_mvar=flows["q"],
        )

    def branch_p_from_mw(
        self, update: dict[ComponentType, dict[str, np.ndarray]], steps: np.ndarray
    ) -> np.ndarray:
        """Active power entering each branch (lines, then transformers) at its from side, MW.

        Shape (len(steps), n_lines + n_transformers); one extra batch call over `steps` only.
        """
        n_branch = self.model.count(ComponentType.line) + self.model.count(
            ComponentType.transformer
        )
        if len(steps) == 0 or n_branch == 0:
            return np.zeros((len(steps), n_branch))
        sub = {c: {k: v[steps] for k, v in attrs.items()} for c, attrs in update.items()}
        outputs = {
            c: ["p_from"]
            for c in (ComponentType.line, ComponentType.transformer)
            if self.model.count(c)
        }
        out = self._pgm.calculate_power_flow(
            update_data=sub,
            calculation_method=_METHODS[self.method],
            error_tolerance=self.tolerance_pu,
            max_iterations=self.max_iterations,
            threading=self.threads,
            output_component_types=outputs,
        )
        parts = [out[c]["p_from"] / 1e6 for c in outputs]
        return np.concatenate(parts, axis=1)

    def run(self, profiles: ApplianceProfiles | None = None) -> PowerFlowResult:
        """Power flow for every step of `profiles` (default: the model's own) in one call."""
        profiles = profiles if profiles is not None else self.model.profiles
        if profiles is None:
            raise InputError(f"network '{self.model.name}' has no profiles to run over time")
        return self.run_update(self.build_update(profiles), profiles.time_utc)


def run_year(
    model: GridModel,
    profiles: ApplianceProfiles | None = None,
    method: Method = DEFAULT_METHOD,
    transformer_loading: TransformerLoading = "current",
    threads: int = 0,
    tolerance_pu: float = DEFAULT_TOLERANCE_PU,
) -> PowerFlowResult:
    """Power flow over every time step of the profiles in one power-grid-model batch call.

    `threads`: 0 uses all cores, -1 runs sequentially, n > 0 uses n threads.
    `tolerance_pu`: the engine's convergence limit on the voltage update of an iteration.
    """
    engine = PowerFlowEngine(
        model,
        method=method,
        transformer_loading=transformer_loading,
        threads=threads,
        tolerance_pu=tolerance_pu,
    )
    return engine.run(profiles)

"""Full-year power flow: every time step in one power-grid-model batch call.

Method choice (measured on the SimBench MV grids, see benchmarks/RESULTS.md): the
iterative-current method agrees with Newton-Raphson to about 4e-10 pu and is about 2x faster,
because its admittance matrix is factorised once for the whole batch and only the current
injections change per step. The linear method treats loads as impedances and is off by up to
4e-3 pu and 7.7 points of line loading, too coarse for congestion, so it is not offered as a
default.

Only the outputs the congestion analysis needs are requested (node voltage magnitude; line
loading; transformer currents or loading; branch active power for the direction of the flow):
the full output of a year is 0.4-0.7 GB, the filtered one a few tens of MB.

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
from power_grid_model import CalculationMethod, ComponentType, PowerGridModel

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
DEFAULT_TOLERANCE_PU = 1e-8


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


def _specified_power(
    model: GridModel, comp: ComponentType, profiles: ApplianceProfiles | None, n_steps: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """(T, n) p and q in W/var for all appliances of one type, in input order.

    q is None when no profile changes it from the static input (e.g. generators at unity
    power factor): the update then leaves it out, which saves a (T, n) array.
    """
    arr = model.input_data[comp]
    p_w = np.empty((n_steps, len(arr)))
    p_w[:] = arr["p_specified"]
    q_var: np.ndarray | None = None
    if profiles is not None and len(arr):
        pos = pd.Index(arr["id"]).get_indexer(profiles.appliance_ids)
        mine = pos >= 0
        p_w[:, pos[mine]] = profiles.p_mw[:, mine] * 1e6
        q_prof = profiles.q_mvar[:, mine] * 1e6
        if not np.array_equal(q_prof, np.broadcast_to(arr["q_specified"][pos[mine]], q_prof.shape)):
            q_var = np.empty((n_steps, len(arr)))
            q_var[:] = arr["q_specified"]
            q_var[:, pos[mine]] = q_prof
    return p_w, q_var


def update_values(
    model: GridModel,
    update: dict[ComponentType, dict[str, np.ndarray]],
    comp: ComponentType,
    attr: str,
    steps: np.ndarray | list[int],
) -> np.ndarray:
    """(S, n) values of one attribute at some steps: from the update, else the static input."""
    if comp in update and attr in update[comp]:
        return update[comp][attr][steps]
    static = model.input_data[comp][attr]
    return np.broadcast_to(static, (len(steps), len(static))).copy()


class PowerFlowEngine:
    """A power-grid-model instance for one network, reused for many batch calls.

    Building the engine copies and indexes the input once; each `run` then costs one batch call.
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
        self._pgm = PowerGridModel(model.input_data)
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

    def build_update(
        self,
        profiles: ApplianceProfiles | None,
        n_steps: int | None = None,
    ) -> dict[ComponentType, dict[str, np.ndarray]]:
        """Columnar batch update covering every sym_load and sym_gen in input order.

        Updating all appliances of a type in input order lets the ids be left out, which saves
        an (T, n) id array and the engine's id look-up per step.
        """
        n = profiles.n_steps if profiles is not None else n_steps
        if n is None:
            raise InputError(f"network '{self.model.name}' has no profiles to run over time")
        update: dict[ComponentType, dict[str, np.ndarray]] = {}
        for comp in (ComponentType.sym_load, ComponentType.sym_gen):
            if self.model.count(comp):
                p_w, q_var = _specified_power(self.model, comp, profiles, n)
                update[comp] = {"p_specified": p_w}
                if q_var is not None:
                    update[comp]["q_specified"] = q_var
        return update

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
) -> PowerFlowResult:
    """Power flow over every time step of the profiles in one power-grid-model batch call.

    `threads`: 0 uses all cores, -1 runs sequentially, n > 0 uses n threads.
    """
    engine = PowerFlowEngine(
        model, method=method, transformer_loading=transformer_loading, threads=threads
    )
    return engine.run(profiles)

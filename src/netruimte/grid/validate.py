"""Validation of the power-grid-model pipeline against pandapower on the same grid.

Both engines see the same converted SimBench grid (see `simbench_import`) with an ideal slack
and the same transformer taps, and the same injections at a sample of time steps. pandapower
is pinned to its own Newton-Raphson (`lightsim2grid=False`: once lightsim2grid is installed
pandapower would otherwise silently use it as the solver).

Transformer loading has two definitions; both are compared like for like:
- current-based (pandapower's default, netruimte's default): max(I_hv/I_n,hv, I_lv/I_n,lv);
- power-based (power-grid-model's `loading`): max(|S_hv|, |S_lv|) / S_n.
They differ by the voltage in pu, about 0.5 points on the SimBench MV grids; that gap is
reported too, so the choice is visible.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from netruimte.grid.powerflow import Method, PowerFlowEngine
from netruimte.grid.simbench_import import SimbenchGrid

# Acceptance limits from the network-layer issue.
MAX_DU_PU = 1e-6
MAX_D_LINE_LOADING = 1e-4


@dataclass
class ValidationReport:
    """Largest differences over the sampled steps, all elements (pu and loading fractions)."""

    grid: str
    method: str
    n_steps: int
    max_du_pu: float
    max_d_line_loading: float
    max_d_trafo_loading_current: float
    max_d_trafo_loading_power: float
    trafo_definition_gap: float  # max |power-based - current-based| loading, pandapower
    pandapower_seconds_per_step: float

    def passes(self) -> bool:
        """Within the issue's limits for voltage and line loading (and the same for trafos)."""
        return (
            self.max_du_pu <= MAX_DU_PU
            and self.max_d_line_loading <= MAX_D_LINE_LOADING
            and self.max_d_trafo_loading_current <= MAX_D_LINE_LOADING
            and self.max_d_trafo_loading_power <= MAX_D_LINE_LOADING
        )


def set_pandapower_step(grid: SimbenchGrid, step: int) -> None:
    """Put the absolute profile values of one time step into the pandapower net."""
    net = grid.net
    if grid.load_p_mw is not None:
        net.load.loc[grid.load_p_mw.columns, "p_mw"] = grid.load_p_mw.iloc[step].to_numpy()
        net.load.loc[grid.load_q_mvar.columns, "q_mvar"] = grid.load_q_mvar.iloc[step].to_numpy()
    if grid.sgen_p_mw is not None and len(grid.sgen_p_mw.columns):
        net.sgen.loc[grid.sgen_p_mw.columns, "p_mw"] = grid.sgen_p_mw.iloc[step].to_numpy()


def run_pandapower_steps(grid: SimbenchGrid, steps: np.ndarray) -> dict[str, np.ndarray]:
    """pandapower Newton-Raphson (its own, not lightsim2grid) at each step, one at a time.

    Returns (S, n) arrays in pandapower index order: vm_pu, line_loading, trafo loading
    current- and power-based (fractions), plus the wall time per step.
    """
    import time

    import pandapower as pp

    net = grid.net
    out: dict[str, list[np.ndarray]] = {"vm_pu": [], "line": [], "trafo_i": [], "trafo_s": []}
    start = time.perf_counter()
    for step in steps:
        set_pandapower_step(grid, int(step))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pp.runpp(
                net,
                algorithm="nr",
                lightsim2grid=False,
                calculate_voltage_angles=True,
                init="dc",
                trafo_loading="current",
                tolerance_mva=1e-10,
                max_iteration=30,
                numba=False,
            )
        out["vm_pu"].append(net.res_bus["vm_pu"].to_numpy().copy())
        out["line"].append(net.res_line["loading_percent"].to_numpy() / 100.0)
        out["trafo_i"].append(net.res_trafo["loading_percent"].to_numpy() / 100.0)
        res = net.res_trafo
        s_hv = np.hypot(res["p_hv_mw"], res["q_hv_mvar"]).to_numpy()
        s_lv = np.hypot(res["p_lv_mw"], res["q_lv_mvar"]).to_numpy()
        sn = (net.trafo["sn_mva"] * net.trafo["parallel"]).to_numpy()
        out["trafo_s"].append(np.maximum(s_hv, s_lv) / sn)
    seconds = (time.perf_counter() - start) / max(len(steps), 1)
    arrays = {k: np.array(v) for k, v in out.items()}
    arrays["seconds_per_step"] = np.array(seconds)
    return arrays


def compare_with_pandapower(
    grid: SimbenchGrid, steps: np.ndarray, method: Method = "iterative_current"
) -> ValidationReport:
    """Run both engines on the same steps and report the largest element-wise differences."""
    steps = np.asarray(steps, dtype=int)
    model = grid.model
    assert model.profiles is not None
    sample = model.profiles.select(steps)
    pgm_i = PowerFlowEngine(model, method=method, transformer_loading="current").run(sample)
    pgm_s = PowerFlowEngine(model, method=method, transformer_loading="power").run(sample)
    ref = run_pandapower_steps(grid, steps)

    node_pos = pd.Index(pgm_i.node_ids).get_indexer(grid.node_of_bus.loc[grid.net.bus.index])
    line_pos = pd.Index(pgm_i.line_ids).get_indexer(grid.line_of_pp.loc[grid.net.line.index])
    tr_pos = pd.Index(pgm_i.transformer_ids).get_indexer(
        grid.transformer_of_pp.loc[grid.net.trafo.index]
    )
    du = np.abs(pgm_i.u_pu[:, node_pos] - ref["vm_pu"])
    dl = np.abs(pgm_i.line_loading[:, line_pos] - ref["line"])
    dti = np.abs(pgm_i.transformer_loading[:, tr_pos] - ref["trafo_i"])
    dts = np.abs(pgm_s.transformer_loading[:, tr_pos] - ref["trafo_s"])
    gap = np.abs(ref["trafo_s"] - ref["trafo_i"])
    return ValidationReport(
        grid=grid.code,
        method=method,
        n_steps=len(steps),
        max_du_pu=float(np.nanmax(du)),
        max_d_line_loading=float(np.nanmax(dl)),
        max_d_trafo_loading_current=float(np.nanmax(dti)) if dti.size else 0.0,
        max_d_trafo_loading_power=float(np.nanmax(dts)) if dts.size else 0.0,
        trafo_definition_gap=float(np.nanmax(gap)) if gap.size else 0.0,
        pandapower_seconds_per_step=float(ref["seconds_per_step"]),
    )


def pandapower_without_switches(net) -> tuple[object, pd.Series]:
    """A copy of a pandapower net with its switches applied to the topology.

    lightsim2grid's pandapower reader ignores switches (it warns and goes on), so on SimBench
    grids it would close every open ring and leave bus-coupled transformers dangling. Here
    closed bus-bus switches fuse their buses, and an open line or transformer switch moves
    that branch end to a new auxiliary bus (the branch stays energised from its other end,
    as in pandapower and power-grid-model). Returns the net and, per original bus, the bus
    that represents it.
    """
    import copy

    import pandapower as pp

    net = copy.deepcopy(net)
    rep = pd.Series(net.bus.index, index=net.bus.index)
    sw = net.switch
    for bus, element in sw.loc[(sw.et == "b") & sw.closed, ["bus", "element"]].itertuples(
        index=False
    ):
        keep, drop = rep[bus], rep[element]
        if keep != drop:
            pp.toolbox.fuse_buses(net, keep, drop)
            rep[rep == drop] = keep
    for table, et, sides in (
        ("line", "l", ("from_bus", "to_bus")),
        ("trafo", "t", ("hv_bus", "lv_bus")),
    ):
        for bus, element in sw.loc[(sw.et == et) & ~sw.closed, ["bus", "element"]].itertuples(
            index=False
        ):
            aux = pp.create_bus(net, vn_kv=net.bus.vn_kv.at[bus], name="open switch end")
            side = sides[0] if net[table].at[element, sides[0]] == bus else sides[1]
            net[table].at[element, side] = aux
    net.switch = net.switch.iloc[0:0]
    return net, rep


def sample_steps(n_steps: int, n_sample: int, seed: int = 0) -> np.ndarray:
    """A reproducible sample of steps that always includes the first and last step."""
    rng = np.random.default_rng(seed)
    inner = rng.choice(np.arange(1, n_steps - 1), size=max(n_sample - 2, 0), replace=False)
    return np.sort(np.concatenate([[0], inner, [n_steps - 1]]))

"""Full-year power flow on the SimBench MV grids: netruimte against its peers, side by side.

Every engine runs in this one process, interleaved round by round (this machine drifts by up
to 2x between runs, so ratios are taken within a round and then the median over rounds).

Engines, all on the same grid and the same year of 15-minute injections:
  netruimte            run_area_network: power-grid-model iterative current, one batch call,
                       filtered outputs, congestion per asset; all cores (threads=0)
  netruimte 1 thread   the same, sequential
  netruimte PF only    the power flow alone (profiles -> voltages and loadings), all cores / 1
                       thread: the same work as lightsim2grid below
  pgm NR raw           a plain power-grid-model batch call, Newton-Raphson, row-based update,
                       all node/line/transformer outputs (what a first user would write)
  lightsim2grid TS     lightsim2grid's C++ TimeSeriesCPP (NR with KLU, each step warm-started
                       from the previous one), voltages and branch currents
  pandapower           pandapower run_timeseries (its own Newton-Raphson with numba when
                       installed, lightsim2grid pinned off) on a sample of steps, extrapolated

Accuracy: max |dV| of every engine against power-grid-model Newton-Raphson (all steps; for
pandapower its sample). Peak memory: growth of the process's peak resident set during the run
(Linux VmHWM, reset before each run through /proc/self/clear_refs).

Also the quickscan: time per request (base year solved once, not counted) for a few typical
requests and one that creates heavy congestion.

    .venv/bin/python benchmarks/bench_powerflow.py [--rounds 3] [--grids rural urban]
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import platform
import statistics
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")

try:  # pandapower is much faster with numba; give it its best
    import numba  # noqa: F401

    HAVE_NUMBA = True
except ImportError:
    HAVE_NUMBA = False

GRIDS = {
    "rural": "1-MV-rural--0-sw",
    "semiurb": "1-MV-semiurb--0-sw",
    "urban": "1-MV-urban--0-sw",
    "comm": "1-MV-comm--0-sw",
}


# ---------------------------------------------------------------- memory -----------------
def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return 0


def _reset_peak() -> int:
    """Reset the peak-RSS counter (Linux); returns the current RSS in kB."""
    gc.collect()
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return _status_kb("VmRSS:")


def _peak_growth_mb(rss_before_kb: int) -> float:
    return max(_status_kb("VmHWM:") - rss_before_kb, 0) / 1024.0


# ---------------------------------------------------------------- engines ----------------
@dataclass
class Engine:
    name: str
    run: Callable[[], np.ndarray]  # returns |V| (T or sample, n_bus) in pp bus order
    steps_per_run: int
    scale: float = 1.0  # extrapolation factor to the whole year
    times_s: list[float] = field(default_factory=list)
    peak_mb: list[float] = field(default_factory=list)
    max_du_pu: float = float("nan")
    sample: np.ndarray | None = None


def build_engines(grid, n_sample: int) -> list[Engine]:
    import pandapower as pp
    import pandas as pd
    from lightsim2grid.network import init_from_pandapower
    from lightsim2grid.timeSerie import TimeSeriesCPP
    from power_grid_model import (
        CalculationMethod,
        ComponentType,
        DatasetType,
        PowerGridModel,
        initialize_array,
    )

    from netruimte.grid.area import run_area_network
    from netruimte.grid.powerflow import PowerFlowEngine
    from netruimte.grid.validate import pandapower_without_switches

    model = grid.model
    prof = model.profiles
    n_t = prof.n_steps
    net = grid.net
    bus_order = grid.node_of_bus.loc[net.bus.index].to_numpy()
    node_pos = pd.Index(model.node_ids).get_indexer(bus_order)

    # netruimte: the whole network stage, congestion included.
    def ours(threads: int) -> Callable[[], np.ndarray]:
        def run() -> np.ndarray:
            res = run_area_network(model, threads=threads)
            return res.power_flow.u_pu[:, node_pos]

        return run

    # The power flow alone (profiles -> voltages and loadings), the work lightsim2grid does.
    def ours_pf(threads: int) -> Callable[[], np.ndarray]:
        def run() -> np.ndarray:
            res = PowerFlowEngine(model, threads=threads).run()
            return res.u_pu[:, node_pos]

        return run

    # Raw power-grid-model NR: row-based update with ids, full outputs.
    pgm = PowerGridModel(model.input_data)
    raw_update = {}
    for comp in (ComponentType.sym_load, ComponentType.sym_gen):
        arr = model.input_data[comp]
        upd = initialize_array(DatasetType.update, comp, (n_t, len(arr)))
        upd["id"] = arr["id"]
        pos = pd.Index(arr["id"]).get_indexer(prof.appliance_ids)
        mine = pos >= 0
        p = np.broadcast_to(arr["p_specified"], (n_t, len(arr))).copy()
        q = np.broadcast_to(arr["q_specified"], (n_t, len(arr))).copy()
        p[:, pos[mine]] = prof.p_mw[:, mine] * 1e6
        q[:, pos[mine]] = prof.q_mvar[:, mine] * 1e6
        upd["p_specified"] = p
        upd["q_specified"] = q
        raw_update[comp] = upd

    def pgm_nr() -> np.ndarray:
        out = pgm.calculate_power_flow(
            update_data=raw_update,
            calculation_method=CalculationMethod.newton_raphson,
            threading=-1,
            output_component_types=[
                ComponentType.node,
                ComponentType.line,
                ComponentType.transformer,
            ],
        )
        return out[ComponentType.node]["u_pu"][:, node_pos]

    # lightsim2grid TimeSeriesCPP on the same pandapower net (ideal slack, same taps). It
    # ignores switches, so it gets the switch-free equivalent (see validate.py).
    ls_net, rep = pandapower_without_switches(net)
    ls_pos = pd.Index(ls_net.bus.index).get_indexer(rep.loc[net.bus.index])
    pp.runpp(ls_net, lightsim2grid=False, calculate_voltage_angles=True, init="dc")
    v_init = (
        ls_net.res_bus.vm_pu.to_numpy() * np.exp(1j * np.deg2rad(ls_net.res_bus.va_degree))
    ).astype(complex)
    ls_model = init_from_pandapower(ls_net)
    load_p = np.ascontiguousarray(grid.load_p_mw.to_numpy())
    load_q = np.ascontiguousarray(grid.load_q_mvar.to_numpy())
    sgen_p = np.ascontiguousarray(grid.sgen_p_mw.to_numpy())
    gen_p = np.zeros((n_t, len(net.gen) + len(net.ext_grid)))

    def lightsim() -> np.ndarray:
        ts = TimeSeriesCPP(ls_model)
        status = ts.compute_Vs(gen_p, sgen_p, load_p, load_q, v_init, 20, 1e-8)
        if status != 1:
            raise RuntimeError(f"lightsim2grid diverged after {ts.nb_solved()} steps")
        ts.compute_flows()  # branch currents, as the loading needs them
        return np.abs(ts.get_voltages())[:, ls_pos]

    # pandapower run_timeseries on an evenly spread sample of steps.
    sample = np.linspace(0, n_t - 1, n_sample, dtype=int)
    pp_net = copy.deepcopy(net)
    from pandapower.control import ConstControl
    from pandapower.timeseries import DFData, OutputWriter, run_timeseries

    pp_net.controller = pp_net.controller.iloc[0:0]
    for table, var, frame in (
        ("load", "p_mw", grid.load_p_mw),
        ("load", "q_mvar", grid.load_q_mvar),
        ("sgen", "p_mw", grid.sgen_p_mw),
    ):
        if len(frame.columns):
            data = DFData(frame.iloc[sample].reset_index(drop=True))
            ConstControl(
                pp_net,
                table,
                var,
                element_index=frame.columns,
                profile_name=frame.columns,
                data_source=data,
            )

    def pandapower_ts() -> np.ndarray:
        ow = OutputWriter(pp_net, time_steps=range(n_sample), output_path=None, log_variables=[])
        ow.log_variable("res_bus", "vm_pu")
        ow.log_variable("res_line", "loading_percent")
        ow.log_variable("res_trafo", "loading_percent")
        run_timeseries(
            pp_net,
            time_steps=range(n_sample),
            verbose=False,
            algorithm="nr",
            lightsim2grid=False,
            calculate_voltage_angles=True,
            numba=HAVE_NUMBA,
        )
        return ow.output["res_bus.vm_pu"].to_numpy()

    return [
        Engine("netruimte", ours(0), n_t),
        Engine("netruimte 1 thread", ours(-1), n_t),
        Engine("netruimte PF only", ours_pf(0), n_t),
        Engine("netruimte PF 1 thread", ours_pf(-1), n_t),
        Engine("pgm NR raw", pgm_nr, n_t),
        Engine("lightsim2grid TS", lightsim, n_t),
        Engine("pandapower", pandapower_ts, n_sample, scale=n_t / n_sample, sample=sample),
    ]


def bench_grid(key: str, rounds: int, n_sample: int) -> dict:
    from netruimte.grid.simbench_import import load_simbench

    t0 = time.perf_counter()
    grid = load_simbench(GRIDS[key])
    load_s = time.perf_counter() - t0
    engines = build_engines(grid, n_sample)
    reference = None
    for r in range(rounds):
        order = engines if r % 2 == 0 else engines[::-1]  # alternate to spread drift
        for eng in order:
            rss = _reset_peak()
            start = time.perf_counter()
            v = eng.run()
            eng.times_s.append((time.perf_counter() - start) * eng.scale)
            eng.peak_mb.append(_peak_growth_mb(rss))
            if eng.name == "pgm NR raw":
                reference = v
            eng._last = v  # type: ignore[attr-defined]
            del v
    for eng in engines:
        ref = reference if eng.sample is None else reference[eng.sample]
        eng.max_du_pu = float(np.abs(eng._last - ref).max())  # type: ignore[attr-defined]
    ours = engines[0]
    per_round = {e.name: [e.times_s[i] / ours.times_s[i] for i in range(rounds)] for e in engines}
    peer = next(e for e in engines if e.name == "lightsim2grid TS")
    peer_ratio = {
        e.name: statistics.median([peer.times_s[i] / e.times_s[i] for i in range(rounds)])
        for e in engines
    }
    return {
        "grid": GRIDS[key],
        "nodes": len(grid.model.node_ids),
        "steps": grid.model.profiles.n_steps,
        "load_s": load_s,
        "engines": [
            {
                "name": e.name,
                "median_s": statistics.median(e.times_s),
                "min_s": min(e.times_s),
                "times_s": e.times_s,
                "ratio_to_netruimte": statistics.median(per_round[e.name]),
                "lightsim2grid_time_over_this": peer_ratio[e.name],
                "peak_mb": max(e.peak_mb),
                "max_du_pu_vs_nr": e.max_du_pu,
                "extrapolated_from_steps": e.steps_per_run if e.scale != 1.0 else None,
            }
            for e in engines
        ],
        "quickscan": bench_quickscan(grid, rounds),
        "validation": validate(grid, n_sample),
    }


def validate(grid, n_sample: int) -> dict:
    """pandapower (own NR) against netruimte on sampled steps plus the year's extremes."""
    from power_grid_model import ComponentType

    from netruimte.grid.validate import compare_with_pandapower, sample_steps

    prof = grid.model.profiles
    loads = np.isin(prof.appliance_ids, grid.model.ids(ComponentType.sym_load))
    net_mw = prof.p_mw[:, loads].sum(axis=1) - prof.p_mw[:, ~loads].sum(axis=1)
    steps = np.unique(
        np.concatenate(
            [sample_steps(prof.n_steps, n_sample), [np.argmax(net_mw), np.argmin(net_mw)]]
        )
    )
    rep = compare_with_pandapower(grid, steps)
    return {
        "steps": len(steps),
        "max_du_pu": rep.max_du_pu,
        "max_d_line_loading": rep.max_d_line_loading,
        "max_d_trafo_loading_current": rep.max_d_trafo_loading_current,
        "max_d_trafo_loading_power": rep.max_d_trafo_loading_power,
        "trafo_definition_gap": rep.trafo_definition_gap,
        "passes": rep.passes(),
    }


def bench_quickscan(grid, rounds: int) -> dict:
    """Per-request time of the quickscan on the full year (base solved once, not counted)."""
    from netruimte.grid.quickscan import Quickscan

    t0 = time.perf_counter()
    scanner = Quickscan(grid.model)
    base_s = time.perf_counter() - t0
    n_t = scanner.profiles.n_steps
    hour = (np.arange(n_t) % 96) / 4.0
    nodes = scanner.model.node_ids
    mv = nodes[scanner.model.node_u_rated_v().loc[nodes].to_numpy() < 50e3]
    far, mid = int(mv[-1]), int(mv[len(mv) // 2])
    requests = {
        "2 MW flat offtake, far node": (far, np.full(n_t, 2.0)),
        "3 MW evening EV charging, mid node": (mid, 3.0 * np.exp(-(((hour - 19) / 2.5) ** 2))),
        "2 MW solar feed-in, far node": (
            far,
            -2.0 * np.clip(np.sin(np.pi * (hour - 6) / 12), 0, None),
        ),
        "4 MW flat feed-in, far node (over-voltage nearly all year)": (far, np.full(n_t, -4.0)),
    }
    out = {}
    for label, (node, req) in requests.items():
        times, solved = [], 0
        for _ in range(rounds):
            res = scanner.scan(node, req)
            times.append(res.seconds)
            solved = res.steps_solved
        out[label] = {
            "node": node,
            "median_s": statistics.median(times),
            "steps_solved": solved,
            "worst_before": res.worst_loading_before,
            "worst_after": res.worst_loading_after,
            "feedin_hours_after": res.after["feedin"].hours,
            "offtake_hours_after": res.after["offtake"].hours,
        }
    return {"base_s": base_s, "requests": out}


def versions() -> dict[str, str]:
    names = [
        "power-grid-model",
        "power-grid-model-io",
        "pandapower",
        "lightsim2grid",
        "simbench",
        "numpy",
        "pandas",
    ]
    out = {"python": platform.python_version()}
    for n in names:
        try:
            out[n] = version(n)
        except Exception:  # a peer may be missing
            out[n] = "absent"
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    import os

    out["cpu"] = f"{cpu}, {os.cpu_count()} cores"
    return out


def print_report(results: list[dict], vers: dict[str, str]) -> None:
    print("versions: " + ", ".join(f"{k} {v}" for k, v in vers.items()))
    for res in results:
        print(f"\n{res['grid']}: {res['nodes']} nodes, {res['steps']} steps (15 min, one year)")
        print(
            f"{'engine':<22}{'median s':>10}{'min s':>9}{'x netruimte':>13}"
            f"{'ls2g / this':>13}{'peak MB':>10}{'max|dV| pu':>12}"
        )
        for e in res["engines"]:
            note = (
                f"  (from {e['extrapolated_from_steps']} steps)"
                if e["extrapolated_from_steps"]
                else ""
            )
            print(
                f"{e['name']:<22}{e['median_s']:>10.3f}{e['min_s']:>9.3f}"
                f"{e['ratio_to_netruimte']:>13.2f}{e['lightsim2grid_time_over_this']:>13.2f}"
                f"{e['peak_mb']:>10.0f}"
                f"{e['max_du_pu_vs_nr']:>12.1e}{note}"
            )
        v = res["validation"]
        print(
            f"validation vs pandapower ({v['steps']} steps incl. heaviest offtake and feed-in): "
            f"max|dV| {v['max_du_pu']:.1e} pu, max|d line loading| {v['max_d_line_loading']:.1e}, "
            f"trafo current-based {v['max_d_trafo_loading_current']:.1e}, power-based "
            f"{v['max_d_trafo_loading_power']:.1e}; power- vs current-based gap "
            f"{v['trafo_definition_gap']:.4f} -> {'PASS' if v['passes'] else 'FAIL'}"
        )
        q = res["quickscan"]
        print(f"quickscan (base year solved once in {q['base_s']:.2f} s):")
        for label, r in q["requests"].items():
            print(
                f"  {label:<58}{r['median_s']:>7.3f} s  {r['steps_solved']:>6} steps solved  "
                f"worst {r['worst_before']:.0%} -> {r['worst_after']:.0%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--grids", nargs="+", default=["rural", "urban"], choices=list(GRIDS))
    parser.add_argument("--pandapower-steps", type=int, default=96)
    parser.add_argument("--json", type=Path, help="Also write the figures as JSON here.")
    args = parser.parse_args()
    vers = versions()
    results = [bench_grid(g, args.rounds, args.pandapower_steps) for g in args.grids]
    print_report(results, vers)
    if args.json:
        args.json.write_text(json.dumps({"versions": vers, "results": results}, indent=1))


if __name__ == "__main__":
    main()

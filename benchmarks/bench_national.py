"""Benchmark: the whole national impact run, 1 process against a 2-worker Dask LocalCluster.

    .venv/bin/python benchmarks/bench_national.py --areas 620 --samples 200 --compare-samples 20

1. Builds the national region from ../shared/data/capacity-map (split to --areas supply and
   TenneT areas), then runs the roll-up for the target years with all 256 sets of the eight
   breakthroughs and --samples Monte Carlo samples on --executor; prints wall time, CPU time
   and peak memory (this process, and each Dask worker) and writes the outputs to --out.
2. Runs the same roll-up with --compare-samples samples on 1 process and on a 2-worker
   LocalCluster, in this process one after the other, and prints both times, their ratio
   and whether every number is identical.
3. With --validate: the exact engine against the surrogate for the empty set, each
   breakthrough alone and all eight (central case, first year), with the errors.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _hwm_mb() -> float:
    """Peak RSS of this process image (VmHWM). Unlike ru_maxrss it is not inherited from
    the parent across fork/exec, so a spawned Dask worker reports only its own peak."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _worker_rss(executor) -> list[float]:
    if not hasattr(executor, "client"):
        return []

    return sorted(executor.client.run(_hwm_mb).values())


def _run(region, params, kind: str):
    """One roll-up on the named executor: result, wall s, CPU s of this process, worker RSS."""
    from netruimte.impact.distributed import dask_executor
    from netruimte.impact.rollup import LocalExecutor, run_impact
    from netruimte.scenario import Scenario

    t0, c0 = time.perf_counter(), time.process_time()
    if kind == "local":
        ex = LocalExecutor()
        res = run_impact(region, Scenario(), params, ex)
        rss: list[float] = []
    else:
        with dask_executor(workers=2) as ex:
            t0, c0 = time.perf_counter(), time.process_time()  # cluster start not counted
            res = run_impact(region, Scenario(), params, ex)
            rss = _worker_rss(ex)
    return res, time.perf_counter() - t0, time.process_time() - c0, rss


def _same(a, b) -> bool:
    return all(
        np.array_equal(getattr(a.years[y], f), getattr(b.years[y], f))
        for y in a.years
        for f in ("mw", "n", "contract_mw", "area_mw", "level8")
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--capacity-map", default=str(ROOT.parent / "shared/data/capacity-map"))
    ap.add_argument("--areas", type=int, default=620)
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--years", default="2030,2035")
    ap.add_argument("--executor", choices=["local", "dask"], default="dask")
    ap.add_argument("--compare-samples", type=int, default=20)
    ap.add_argument("--validate", action="store_true")
    ap.add_argument("--out", default="out/impact-bench")
    args = ap.parse_args()

    from netruimte import __version__
    from netruimte.impact import analysis
    from netruimte.impact.outputs import write_outputs
    from netruimte.impact.params import ImpactParams
    from netruimte.region.national import build_national_region, capacity_map_files, split_areas

    years = [int(y) for y in args.years.split(",")]
    t0 = time.perf_counter()
    region, prov = build_national_region(capacity_map_files(args.capacity_map))
    if args.areas > region.n_areas:
        region, prov = split_areas(region, prov, args.areas)
    t_region = time.perf_counter() - t0
    q = region.queue
    print(
        f"netruimte {__version__}, Python {sys.version.split()[0]}, numpy {np.__version__}; "
        f"region: {region.n_areas} areas, {len(q):,} requests "
        f"({q.loc[q.direction == 'offtake', 'mw'].sum() / 1e3:.1f} GW offtake), "
        f"built in {t_region:.1f} s"
    )
    params = ImpactParams.model_validate({"years": years, "monte_carlo": {"samples": args.samples}})
    print(f"full run: {args.samples} samples × 256 sets × {years} on {args.executor} ...")
    res, wall, cpu, rss = _run(region, params, args.executor)
    print(
        f"  wall {wall:.1f} s (goal ≤ 600 s), driver CPU {cpu:.1f} s, driver peak RSS "
        f"{_rss_mb():,.0f} MB" + (f", worker peak RSS {[round(r) for r in rss]} MB" if rss else "")
    )
    for y, yr in res.years.items():
        print(f"  {y}: " + ", ".join(f"{k} {v:.1f} s" for k, v in yr.timings_s.items()))
    comp = analysis.comparison_table(res)
    print("\nofftake GW freed (attributed; 'alone' rows alone) beside the Aansluitoffensief:")
    print(
        comp[
            ["year", "item", "ours_central_gw", "ours_p10_gw", "ours_p50_gw", "ours_p90_gw",
             "reference_gw", "reference_low_gw", "reference_high_gw"]
        ].round(2).to_string(index=False)
    )  # fmt: skip
    bt = analysis.breakthrough_table(res)
    print("\nper breakthrough (offtake MW and requests):")
    print(
        bt[bt.metric.isin(["mw_offtake", "requests"])][
            ["year", "metric", "breakthrough", "name", "effect", "central", "p10", "p50", "p90"]
        ].round(0).to_string(index=False)
    )  # fmt: skip
    print("\nqueues:")
    print(analysis.level_split(res).round(0).to_string(index=False))
    info = {"executor": res.executor, "seconds": round(wall, 1), "peak_rss_mb": round(_rss_mb())}
    validation = None
    if args.validate:
        from netruimte.impact import players as P
        from netruimte.impact.validate import compare_sets
        from netruimte.scenario import Scenario

        masks = [0, *(1 << j for j in range(P.N_PLAYERS)), P.ALL]
        t1 = time.perf_counter()
        validation = compare_sets(region, Scenario(), params, years[0], masks)
        print(f"\nvalidation ({time.perf_counter() - t1:.0f} s): surrogate − exact, central")
        print(validation.drop(columns=["year"]).round(1).to_string(index=False))
        base = validation.set_index("mask")
        for col in ("mw_offtake", "mw_feedin"):
            fe = base[f"exact_{col}"] - base.at[0, f"exact_{col}"]
            fs = base[f"surrogate_{col}"] - base.at[0, f"surrogate_{col}"]
            print(
                f"  freed {col}: all eight exact {fe[P.ALL]:,.0f} surrogate {fs[P.ALL]:,.0f} "
                f"({(fs[P.ALL] / fe[P.ALL] - 1) * 100:+.1f}%)"
            )
    write_outputs(res, args.out, info, validation)
    print(f"\noutputs in {args.out}")
    if args.compare_samples > 0:
        small = ImpactParams.model_validate(
            {"years": years, "monte_carlo": {"samples": args.compare_samples}}
        )
        print(f"\n1 process vs 2-worker LocalCluster ({args.compare_samples} samples, {years}):")
        one, w1, c1, _ = _run(region, small, "local")
        two, w2, _, rss2 = _run(region, small, "dask")
        print(f"  {one.executor}: {w1:.1f} s wall ({c1:.1f} s CPU in the process)")
        print(f"  {two.executor}: {w2:.1f} s wall, worker peak RSS {[round(r) for r in rss2]} MB")
        print(f"  ratio 1 process / cluster: {w1 / w2:.2f}; identical numbers: {_same(one, two)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

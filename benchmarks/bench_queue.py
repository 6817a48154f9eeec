"""National-scale benchmark of queue admission under the ACM prioritisation framework.

The instance: 600 supply areas joined from the project's generated regions (calibrated to the
capacity map) under 9 TenneT areas, 14,044 offtake requests (the national count, Feb 2026),
3 weather years × 35,040 quarter-hours. Times the ACM admission (firm only, and with all
contract types offered) against the foundation's simple admission (queue/baseline.py) on the
same instance in the same process, and checks that with ranking "fcfs" both admit the same.

    .venv/bin/python benchmarks/bench_queue.py [--areas 600] [--requests 14044] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from netruimte.profiles.library import build_library
from netruimte.profiles.weather_source import region_weather
from netruimte.prognosis.cube import build_cube
from netruimte.queue.admission import admit_queue
from netruimte.queue.baseline import admit_queue_simple
from netruimte.queue.policy import QueuePolicy, Ranking
from netruimte.queue.synthetic import national_region
from netruimte.scenario import Scenario
from netruimte.timeaxis import year_axis

CPU: dict[str, float] = {}


def best_of(rounds: int, fn, label: str = ""):
    """Best wall time of `rounds` runs (and the best CPU time, kept in CPU[label])."""
    times, cpu, out = [], [], None
    for _ in range(rounds):
        t0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    CPU[label] = min(cpu)
    return min(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--areas", type=int, default=600)
    ap.add_argument("--requests", type=int, default=14_044)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    region = national_region(args.areas, args.requests)
    scenario = Scenario()
    axis = year_axis(scenario.target_year)
    lib = build_library(
        region_weather(region, axis, []), region.meta.latitude, region.meta.longitude
    )
    cube = build_cube(region, scenario, lib)
    print(
        f"instance: {region.n_areas} areas ({(region.areas.level == 'dso').sum()} supply), "
        f"{len(region.queue):,} requests, {region.queue.mw.sum():,.0f} MW, cube "
        f"{cube.load_mw.shape} in {time.perf_counter() - t0:.1f} s"
    )
    acm = scenario
    fcfs = scenario.model_copy(update={"queue": QueuePolicy(ranking=Ranking(method="fcfs"))})
    offer = scenario.model_copy(
        update={
            "queue": QueuePolicy(offer=["firm", *scenario.measures.contracts.offer]),
        }
    )
    t_base, base = best_of(
        args.rounds, lambda: admit_queue_simple(region, scenario, cube, lib), "base"
    )
    t_fcfs, new_fcfs = best_of(args.rounds, lambda: admit_queue(region, fcfs, cube, lib), "fcfs")
    t_acm, new_acm = best_of(args.rounds, lambda: admit_queue(region, acm, cube, lib), "acm")
    t_offer, new_offer = best_of(
        args.rounds, lambda: admit_queue(region, offer, cube, lib), "offer"
    )
    same = (
        base.set_index("request_id")["outcome"].reindex(new_fcfs["request_id"]).to_numpy()
        == new_fcfs["outcome"].to_numpy()
    )
    print("                                   wall (best)  CPU (best)  wall ratio to baseline")
    for label, name, t in (
        ("base", "simple admission (baseline)", t_base),
        ("fcfs", "ACM admission, ranking fcfs", t_fcfs),
        ("acm", "ACM admission, five criteria", t_acm),
        ("offer", "ACM admission, all contracts", t_offer),
    ):
        print(f"{name:34s} {t:8.2f} s  {CPU[label]:8.2f} s  {t_base / t:6.1f}x faster")
    print(f"fcfs outcomes equal to baseline: {bool(np.all(same))} ({same.mean():.2%})")
    for name, out in (("baseline", base), ("acm", new_acm), ("acm+contracts", new_offer)):
        adm = out[out.outcome == "admitted"]
        by = adm.groupby("contract")["mw"].sum().round(0).to_dict() if "contract" in adm else {}
        print(f"  {name:14s} admitted {len(adm):6,} requests, {adm.mw.sum():8,.0f} MW  {by}")
    verdict = "met" if t_acm <= 2.0 else "NOT met (wall)"
    print(f"target ≤ 2 s for {args.requests:,} requests: {verdict}; CPU {CPU['acm']:.2f} s")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()

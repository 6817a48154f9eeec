"""The area quickscan (prognoses, breakthrough 2): headroom now and after one request or one
measure, for every supply area of the default region. Goal: under 1 s per scan.

Baseline in the same process: a full queue admission of the region (what answering the same
question by re-running admission would cost).

    .venv/bin/python benchmarks/bench_quickscan.py [--areas 12]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from netruimte.measures.framework import measure_function
from netruimte.measures.picture import base_picture
from netruimte.measures.prognosis import quickscan
from netruimte.pipeline import design_year_indices
from netruimte.profiles.library import build_library
from netruimte.profiles.weather_source import region_weather
from netruimte.prognosis.cube import build_cube
from netruimte.queue.admission import admit_queue
from netruimte.region.default import packaged_default_region_path
from netruimte.region.folder import read_region
from netruimte.scenario import Scenario
from netruimte.timeaxis import year_axis


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--areas", type=int, default=12, help="Supply areas to scan.")
    args = ap.parse_args()
    region = read_region(packaged_default_region_path())
    scenario = Scenario()
    lib = build_library(
        region_weather(region, year_axis(scenario.target_year), []),
        region.meta.latitude,
        region.meta.longitude,
    )
    cube = build_cube(region, scenario, lib)
    design = design_year_indices(scenario, cube.weather_labels)
    pic = base_picture(region, scenario, cube, lib, design)
    areas = region.areas.index[region.areas.level == "dso"][: args.areas]
    request = {"mw": 2.0, "profile_class": "business", "direction": "offtake"}
    cases = {
        "headroom + one 2 MW request": dict(request=request),
        "headroom + measure prognosis": dict(
            measure=measure_function("prognosis", scenario.measures)
        ),
        "headroom + measure flex_norm": dict(
            measure=measure_function("flex_norm", scenario.measures)
        ),
    }
    t0 = time.perf_counter()
    admit_queue(region, scenario, cube, lib, design)
    t_adm = time.perf_counter() - t0
    print(f"default region, {len(areas)} supply areas; full admission {t_adm:.2f} s")
    for name, kw in cases.items():
        times = []
        for area in areas:
            t0 = time.perf_counter()
            quickscan(pic, area, "offtake", **kw)
            times.append(time.perf_counter() - t0)
        print(
            f"{name:32s} median {statistics.median(times):.3f} s  max {max(times):.3f} s  "
            f"({t_adm / statistics.median(times):.1f}x faster than admission)"
        )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; goal < 1 s per scan")


if __name__ == "__main__":
    main()

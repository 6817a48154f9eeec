"""National-scale benchmark of the annual flex expectation.

A generated cube of N areas × 35,040 quarter-hours × 3 weather years (float32) with realistic
shapes (the project's own profile library) and capacities set so areas are congested between
0 and a few percent of the time. Prints the time of the full annual product, the time of a
single numpy pass over the same cube (a max reduction) and their ratio, and peak memory.

    .venv/bin/python benchmarks/bench_flex_expectation.py [--areas 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from netruimte.flex.expectation import flex_expectation
from netruimte.profiles.library import build_library
from netruimte.profiles.weather import generate_weather
from netruimte.timeaxis import year_axis


def make_cube(n_areas: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(W, T, A) float32 net load from 6 asset shapes mixed per area, and capacities."""
    axis = year_axis(2030)
    weather = generate_weather(["cold", "typical", "mild"], ["c", "t", "m"], axis, seed)
    lib = build_library(weather, 52.1, 5.2)
    classes = ["households", "businesses", "industry", "heat_pumps", "ev_charge_points", "pv"]
    shapes = np.stack([lib.asset[c] / np.abs(lib.asset[c]).max() for c in classes], axis=-1)
    rng = np.random.default_rng(seed)
    mix = rng.dirichlet(np.ones(len(classes)), size=n_areas).T.astype(np.float32)  # (C, A)
    mix[-1] *= -3.0  # PV feeds in
    cube = np.matmul(
        shapes.astype(np.float32), mix * rng.uniform(10, 200, n_areas).astype(np.float32)
    )
    peak = cube[0].max(axis=0)
    trough = -cube.min(axis=(0, 1))
    cap_off = (peak * rng.uniform(0.85, 1.05, n_areas)).astype(np.float32)
    cap_feed = np.maximum(trough * rng.uniform(0.8, 1.1, n_areas), 1.0).astype(np.float32)
    return np.ascontiguousarray(cube, dtype=np.float32), cap_off, cap_feed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    t0 = time.perf_counter()
    cube, cap_off, cap_feed = make_cube(args.areas)
    axis = year_axis(2030)
    ids = [f"A{i}" for i in range(args.areas)]
    print(
        f"cube {cube.shape} float32 = {cube.nbytes / 1e9:.2f} GB, made in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    congested = float((cube > cap_off).mean() + (cube < -cap_feed).mean())
    print(f"share of congested (area, step, year) cells: {congested:.3%}")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    pass_times, flex_times, extra_peaks = [], [], []
    for r in range(args.rounds):  # interleaved, so machine drift hits both alike
        t = time.perf_counter()
        cube.max(axis=1)
        pass_times.append(time.perf_counter() - t)
        tracemalloc.start()
        t = time.perf_counter()
        fx = flex_expectation(cube, cap_off, cap_feed, axis, ids, ("c", "t", "m"))
        flex_times.append(time.perf_counter() - t)
        extra_peaks.append(tracemalloc.get_traced_memory()[1] / 1e9)
        tracemalloc.stop()
        print(
            f"round {r + 1}: single pass {pass_times[-1]:.2f} s, flex expectation "
            f"{flex_times[-1]:.2f} s, ratio {flex_times[-1] / pass_times[-1]:.1f}×"
        )
    events = sum(len(e) for e in fx.events.values())
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
    best_pass, best_flex = min(pass_times), min(flex_times)
    print(f"events: {events:,}")
    print(f"single numpy pass (cube.max over time): best {best_pass:.2f} s")
    print(
        f"annual flex expectation, both directions: best {best_flex:.2f} s "
        f"(median {np.median(flex_times):.2f} s)"
    )
    print(f"ratio: {best_flex / best_pass:.1f}× a single pass (goal ≤ 10×)")
    print(
        f"memory: cube {cube.nbytes / 1e9:.2f} GB + working set {max(extra_peaks):.2f} GB "
        f"(tracemalloc); peak RSS {peak_rss:.2f} GB (before rounds {rss_before:.2f} GB; "
        f"goal ≤ 6 GB)"
    )


if __name__ == "__main__":
    main()

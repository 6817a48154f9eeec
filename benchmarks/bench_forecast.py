"""Day-ahead flexradar backtest on the 10 real series, on the protocol shared with the peer.

Protocol (see src/netruimte/flex/forecast/backtest.py and docs/flexradar.md): split each
series at t0 + 0.75 (t1 - t0) of its observed load, rounded up to a UTC day; train before it;
forecast every quarter-hour of each whole test day D at D-1 06:00 UTC with load up to then.
Weather at the target time is the measured weather, used as a PERFECT forecast. APX and the
solar/wind parts of the target are not inputs. Baselines: persistence 7 and 2 days back.

The peer, OpenSTEF 3.4.93 on exactly this protocol (mean of the same 10 series): rMAE 0.141,
persistence 0.178 (7 d) / 0.169 (2 d), peak rMAE 0.183, rQL 0.046, cov80 0.64-0.66.

    .venv/bin/python benchmarks/bench_forecast.py            # the test windows (the figures)
    .venv/bin/python benchmarks/bench_forecast.py --dev      # the protocol inside training only
    .venv/bin/python benchmarks/bench_forecast.py --check-determinism   # run twice, compare
    .venv/bin/python benchmarks/bench_forecast.py --monthly  # monthly outlook over the test window

Everything is seeded; two runs print identical figures.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.flex.forecast import metrics
from netruimte.flex.forecast.backtest import (
    backtest_files,
    restrict_to,
    results_table,
    series_split,
)
from netruimte.flex.forecast.data import read_measured_load
from netruimte.flex.forecast.features import STEPS_PER_DAY, target_index
from netruimte.flex.forecast.model import FlexradarConfig
from netruimte.flex.forecast.monthly import MonthlyConfig, monthly_outlook

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("NETRUIMTE_SHARED_DATA", ROOT.parent / "shared" / "data"))
SERIES_DIR = DATA / "substation-load"
PEER = {"rmae": 0.141, "peak_rmae": 0.183, "rql": 0.046, "cov80": "0.64-0.66"}
SCORES = ["rmae", "peak_rmae", "rql", "cov80", "brier"]


def series_files() -> list[Path]:
    """The 2 OpenSTEF-example series and the 8 substations, in a fixed order."""
    files = sorted((SERIES_DIR / "openstef-example").glob("pid_*.csv"))
    files += sorted((SERIES_DIR / "substations").glob("*.csv"))
    return files


def run(dev: bool, config: FlexradarConfig) -> tuple[pd.DataFrame, list[dict], float]:
    started = time.perf_counter()
    results = backtest_files(series_files(), config=config, dev=dev)
    return results_table(results), results, time.perf_counter() - started


def print_report(table: pd.DataFrame, results: list[dict], seconds: float, dev: bool) -> None:
    window = "DEV (protocol inside the training window)" if dev else "TEST windows"
    print(f"Day-ahead backtest on {window}; weather = perfect forecast (measured)")
    print(
        f"series: {len(results)}; wall time {seconds:.0f} s "
        f"(python {platform.python_version()}, {os.cpu_count()} cpus)"
    )
    wide = table.pivot(index="series", columns="method", values=SCORES)
    order = [r["series"] for r in results] + ["mean"]
    wide = wide.reindex(order)
    for score in SCORES:
        part = wide[score][["ours", "persist7d", "persist2d"]]
        print(f"\n{score}")
        print(part.round(4).to_string())
    mean = table[table.series == "mean"].set_index("method")
    ours, p7, p2 = mean.loc["ours"], mean.loc["persist7d"], mean.loc["persist2d"]
    print("\nsummary (mean over series)")
    print(
        f"  rMAE       ours {ours.rmae:.4f} | persistence 7d {p7.rmae:.4f}, 2d {p2.rmae:.4f}"
        f" | peer {PEER['rmae']} | vs 7d: {100 * (1 - ours.rmae / p7.rmae):.1f}% better"
    )
    print(f"  peak rMAE  ours {ours.peak_rmae:.4f} | peer {PEER['peak_rmae']}")
    print(f"  rQL        ours {ours.rql:.4f} | peer {PEER['rql']}")
    print(f"  cov80      ours {ours.cov80:.4f} | peer {PEER['cov80']} | goal 0.75-0.85")
    print(
        f"  Brier      ours {ours.brier:.4f} | persistence 7d {p7.brier:.4f}, "
        f"2d {p2.brier:.4f} | climatology 0.0475 (threshold = test P95)"
    )
    print("\nper series: split, test days, weather shift (quarter-hours), calibration factors")
    for r in results:
        scales = ", ".join(f"{s:.2f}" for s in r["scales"])
        print(
            f"  {r['series']:8s} split {r['split'].date()} days {r['test_days']:2d} "
            f"shift {r['shifts']} scales [{scales}] fit+predict {r['seconds']:.1f} s"
        )


def monthly_backtest(config: MonthlyConfig, dev: bool = False) -> pd.DataFrame:
    """The monthly outlook issued at the split (D-1 06:00 of the first test day) for the whole
    test window, scored per quarter-hour against a P95-of-test threshold, in two variants:
    analogue weather (no outlook: recent weather redrawn) and the measured weather as a perfect
    outlook. Baseline: the share of quarter-hours above the threshold per local hour in the
    4 weeks before the issue time (recent climatology)."""
    rows = []
    for path in series_files():
        series = read_measured_load(path)
        split = series_split(series, dev=dev)
        if dev:
            series = restrict_to(series, series_split(series).split)
        targets = target_index(split.test_days)
        actual = series.frame["load_mw"].reindex(targets).to_numpy(np.float64)
        cap = float(np.percentile(actual, 95))
        event = actual > cap
        issue = split.test_days[0] - pd.Timedelta(hours=18)
        recent = series.frame["load_mw"][
            (series.frame.index <= issue) & (series.frame.index > issue - pd.Timedelta(days=28))
        ].dropna()
        hours_local = recent.index.tz_convert("Europe/Amsterdam").hour
        share = (recent > cap).groupby(hours_local).mean().reindex(range(24)).fillna(0.0)
        clim = share.to_numpy()[targets.tz_convert("Europe/Amsterdam").hour]
        perfect = series.frame[series.weather_columns].reindex(targets).to_numpy(np.float64)
        variants = {
            "analogue": None,
            "perfect": np.broadcast_to(perfect, (config.n_scenarios, *perfect.shape)),
        }
        for name, weather in variants.items():
            started = time.perf_counter()
            out = monthly_outlook(series, split.test_days[0], cap, None,
                                  days=len(split.test_days), config=config,
                                  weather_scenarios=weather, issue_time=issue)
            summary = out.summary.set_index("direction").loc["offtake"]
            prob = out.steps["p_congestion_offtake"].to_numpy()
            rows.append({
                "series": series.meta.name,
                "outlook": name,
                "brier": metrics.brier(prob, event),
                "brier_recent_climatology": metrics.brier(clim, event),
                "cov80": metrics.coverage(actual, out.steps["p10_mw"], out.steps["p90_mw"]),
                "hours_actual": float(event.sum() / 4),
                "hours_p10": summary["hours_p10"],
                "hours_p50": summary["hours_p50"],
                "hours_p90": summary["hours_p90"],
                "seconds": time.perf_counter() - started,
            })
    table = pd.DataFrame(rows)
    table["hours_inside"] = table["hours_actual"].between(table["hours_p10"], table["hours_p90"])
    return table


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", action="store_true", help="protocol inside the training window")
    ap.add_argument("--check-determinism", action="store_true", help="run twice and compare")
    ap.add_argument("--monthly", action="store_true", help="backtest the monthly outlook")
    args = ap.parse_args()
    if not SERIES_DIR.is_dir():
        print(f"skipped: {SERIES_DIR} not found (the benchmark needs ../shared/data)")
        return 0
    if args.monthly:
        started = time.perf_counter()
        table = monthly_backtest(MonthlyConfig(), dev=args.dev)
        window = "DEV windows" if args.dev else "TEST windows"
        print(f"Monthly outlook over each of the {window} (issued at D-1 06:00 of its first "
              "day); threshold = P95 of the window's actual load")
        print(f"wall time {time.perf_counter() - started:.0f} s, "
              f"{STEPS_PER_DAY} quarter-hours a day")
        with pd.option_context("display.width", 160):
            print(table.round(4).to_string(index=False))
            means = table.groupby("outlook")[
                ["brier", "brier_recent_climatology", "cov80", "hours_inside"]
            ].mean()
            print("\nmean over series")
            print(means.round(4).to_string())
        return 0
    config = FlexradarConfig()
    table, results, seconds = run(args.dev, config)
    print_report(table, results, seconds, args.dev)
    if args.check_determinism:
        again, _, _ = run(args.dev, config)
        same = np.array_equal(table[SCORES].to_numpy(), again[SCORES].to_numpy())
        print(f"\ndeterminism: second run {'identical' if same else 'DIFFERENT'}")
        return 0 if same else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

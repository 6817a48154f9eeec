"""Reality check: the shape of our flex calls beside real GOPACS redispatch activations.

Prints markdown tables (durations, MW per event, energy per event, share of events per month,
start hour) for the real cleared GOPACS events (2018-12 … 2025-10, all operators) and for the
congestion events of `netruimte run` on the default region. Nothing is tuned to match.

    .venv/bin/python benchmarks/reality_check_gopacs.py [--shared ../shared/data] [--year 2027]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.pipeline import compute, events_frame
from netruimte.region.default import packaged_default_region_path
from netruimte.region.folder import read_region
from netruimte.scenario import Scenario

QS = (0.1, 0.25, 0.5, 0.75, 0.9, 1.0)


def gopacs_events(path: Path) -> pd.DataFrame:
    """One row per cleared GOPACS event: duration h, MW (max over PTUs), MWh, start (UTC)."""
    g = pd.read_csv(path, parse_dates=["eventStartTime", "ptuStartTime"])
    ev = g.groupby("clearingEventId").agg(
        operator=("organisationName", "first"),
        start=("eventStartTime", "first"),
        duration_h=("eventDurationHours", "first"),
        ptus=("ptuStartTime", "nunique"),
        peak_mw=("buyVolumeInMW", "max"),
        energy_mwh=("buyVolumeInMWh", "first"),
    )
    return ev.reset_index()


def ours(year: int) -> pd.DataFrame:
    """Offtake and feed-in congestion events of the default region, all weather years."""
    result = compute(read_region(packaged_default_region_path()), Scenario(target_year=year))
    ev = events_frame(result)
    dso = result.region.areas.index[result.region.areas.level == "dso"]
    return ev[ev.area_id.isin(dso)].rename(columns={"start_utc": "start"})


def quantile_table(series: dict[str, pd.Series], unit: str) -> str:
    head = "| | " + " | ".join(f"P{int(q * 100)}" if q < 1 else "max" for q in QS) + " |"
    lines = [head, "|---" * (len(QS) + 1) + "|"]
    for name, s in series.items():
        vals = " | ".join(f"{s.quantile(q):,.2f}" for q in QS)
        lines.append(f"| {name} ({unit}, n={len(s):,}) | {vals} |")
    return "\n".join(lines)


def share_table(series: dict[str, pd.Series], labels: list[str], title: str) -> str:
    lines = [f"| {title} | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for name, s in series.items():
        counts = s.value_counts(normalize=True).reindex(range(len(labels)), fill_value=0.0)
        lines.append(f"| {name} | " + " | ".join(f"{100 * x:.0f}" for x in counts) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=Path("../shared/data"))
    parser.add_argument("--year", type=int, default=2027)
    args = parser.parse_args()
    real = gopacs_events(args.shared / "gopacs" / "gopacs_cleared_buckets.csv")
    ev = ours(args.year)
    off, feed = ev[ev.direction == "offtake"], ev[ev.direction == "feedin"]
    local = lambda s: pd.DatetimeIndex(s).tz_convert("Europe/Amsterdam")  # noqa: E731
    print(
        f"GOPACS: {len(real):,} cleared events, {real.start.min():%Y-%m} … "
        f"{real.start.max():%Y-%m}; by operator: "
        + ", ".join(f"{k} {v}" for k, v in real.operator.value_counts().items())
    )
    print(
        f"netruimte default region, target {args.year}: {len(off):,} offtake and "
        f"{len(feed):,} feed-in events over {ev.weather_year.nunique()} weather years\n"
    )
    print("### Block duration\n")
    print(
        quantile_table(
            {
                "GOPACS": real.duration_h,
                "ours, offtake": off.duration_h,
                "ours, feed-in": feed.duration_h,
            },
            "h",
        )
    )
    print("\n### MW per event (peak)\n")
    print(
        quantile_table(
            {
                "GOPACS (buy volume)": real.peak_mw,
                "ours, offtake": off.peak_mw,
                "ours, feed-in": feed.peak_mw,
            },
            "MW",
        )
    )
    print("\n### Energy per event\n")
    print(
        quantile_table(
            {
                "GOPACS": real.energy_mwh,
                "ours, offtake": off.energy_mwh,
                "ours, feed-in": feed.energy_mwh,
            },
            "MWh",
        )
    )
    months = ["J", "F", "M", "A", "M", "J", "J", "A", "S", "O", "N", "D"]
    print("\n### Share of events by start month (%)\n")
    print(
        share_table(
            {
                "GOPACS": pd.Series(local(real.start).month - 1),
                "ours, offtake": pd.Series(local(off.start).month - 1),
                "ours, feed-in": pd.Series(local(feed.start).month - 1),
            },
            months,
            "month",
        )
    )
    print("\n### Share of events by local start hour (%)\n")
    hours = [str(h) for h in range(24)]
    print(
        share_table(
            {
                "GOPACS": pd.Series(local(real.start).hour),
                "ours, offtake": pd.Series(local(off.start).hour),
                "ours, feed-in": pd.Series(local(feed.start).hour),
            },
            hours,
            "hour",
        )
    )
    per_month = real.groupby(real.start.dt.tz_convert(None).dt.to_period("M")).size()
    print(
        f"\nGOPACS events per calendar month: mean {per_month.mean():.1f}, "
        f"max {per_month.max()} ({per_month.idxmax()}); months with any event: "
        f"{len(per_month)} of {int((real.start.max() - real.start.min()).days / 30.4) + 1}"
    )
    years = ev.weather_year.nunique()
    print(
        f"ours: {len(off) / years:.0f} offtake and {len(feed) / years:.0f} feed-in events per "
        f"year over {ev.area_id.nunique()} supply areas "
        f"({np.mean([len(off), len(feed)]) / years / 12:.1f} per month per direction)"
    )


if __name__ == "__main__":
    main()

"""The main job: region + scenario → load cube → congestion → flex expectation → queue → outputs.

Each step is a pure function of its inputs; this module only composes them and writes the
outputs atomically (nothing is written when a step fails).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte import __version__
from netruimte.atomic import staged_dir
from netruimte.flex.expectation import FlexExpectation, flex_expectation
from netruimte.flex.product import build_product, schema_text
from netruimte.profiles.library import ShapeLibrary, build_library
from netruimte.profiles.weather_source import region_weather
from netruimte.prognosis.cube import LoadCube, build_cube
from netruimte.progress import Progress, Silent
from netruimte.queue.admission import admit_queue
from netruimte.region.model import Region
from netruimte.scenario import Scenario
from netruimte.timeaxis import year_axis


@dataclass
class RunResult:
    """Everything one run computed, ready for the report, the API or a test."""

    region: Region
    scenario: Scenario
    cube: LoadCube
    library: ShapeLibrary
    flex: FlexExpectation
    admission: pd.DataFrame
    timings_s: dict[str, float] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    sections: list[tuple[str, str]] = field(default_factory=list)
    extra_summary: dict[str, object] = field(default_factory=dict)

    def summary(self) -> dict[str, object]:
        """Headline numbers of the run (also written as summary.json)."""
        fx = self.flex.table
        adm = self.admission
        dso = set(self.region.areas.index[self.region.areas["level"] == "dso"])

        def congested(direction: str) -> int:
            t = fx[(fx.direction == direction) & fx.area_id.isin(dso)]
            return int((t.events_per_year_mean > 0).sum())

        admitted = adm[adm.outcome == "admitted"]
        return {
            "netruimte_version": __version__,
            "region": self.region.meta.name,
            "scenario": self.scenario.name,
            "target_year": self.scenario.target_year,
            "weather_years": list(self.cube.weather_labels),
            "areas": int(self.region.n_areas),
            "supply_areas": len(dso),
            "supply_areas_congested_offtake": congested("offtake"),
            "supply_areas_congested_feedin": congested("feedin"),
            "shortage_mwh_per_year_offtake": float(
                fx.loc[
                    (fx.direction == "offtake") & fx.area_id.isin(dso), "mwh_per_year_mean"
                ].sum()
            ),
            "shortage_mwh_per_year_feedin": float(
                fx.loc[(fx.direction == "feedin") & fx.area_id.isin(dso), "mwh_per_year_mean"].sum()
            ),
            "queue_requests": len(adm),
            "queue_mw": float(adm["mw"].sum()),
            "admitted_requests": len(admitted),
            "admitted_mw": float(admitted["mw"].sum()),
            "admitted_mw_offtake": float(admitted.loc[admitted.direction == "offtake", "mw"].sum()),
            "admitted_mw_feedin": float(admitted.loc[admitted.direction == "feedin", "mw"].sum()),
            "waiting_requests": int((adm.outcome == "waiting").sum()),
            "waiting_mw": float(adm.loc[adm.outcome == "waiting", "mw"].sum()),
            **self.extra_summary,
            "timings_s": {k: round(v, 3) for k, v in self.timings_s.items()},
        }


def design_year_indices(scenario: Scenario, labels: tuple[str, ...]) -> list[int]:
    """Indices of the weather years the grid is designed for (all when none are named)."""
    chosen = scenario.risk.design_weather_years
    if not chosen:
        return list(range(len(labels)))
    from netruimte.errors import InputError

    unknown = [c for c in chosen if c not in labels]
    if unknown:
        raise InputError(
            f"design weather years {unknown} are not among the run's {list(labels)}",
            column="risk.design_weather_years",
        )
    return [labels.index(c) for c in chosen]


def compute(
    region: Region,
    scenario: Scenario,
    progress: Progress | None = None,
    run_stages: bool = True,
) -> RunResult:
    """Run the numeric pipeline in memory (no files); `run_stages=False` stops after the core
    (load cube, flex expectation, queue admission), skipping the optional stages."""
    progress = progress or Silent()
    timings: dict[str, float] = {}

    def timed(label: str, fn, *args):
        progress.step(label)
        t0 = time.perf_counter()
        out = fn(*args)
        timings[label] = time.perf_counter() - t0
        return out

    axis = year_axis(scenario.target_year)
    weather = timed("weather", region_weather, region, axis, scenario.weather_years)
    lib = timed("profiles", build_library, weather, region.meta.latitude, region.meta.longitude)
    cube = timed("load cube", build_cube, region, scenario, lib)
    flex = timed(
        "flex expectation",
        flex_expectation,
        cube.load_mw,
        region.capacity_mw("offtake"),
        region.capacity_mw("feedin"),
        axis,
        cube.area_ids,
        cube.weather_labels,
    )
    design = design_year_indices(scenario, cube.weather_labels)
    t0 = time.perf_counter()
    admission = admit_queue(region, scenario, cube, lib, design, progress)
    timings["queue admission"] = time.perf_counter() - t0
    result = RunResult(region, scenario, cube, lib, flex, admission, timings)
    from netruimte.stages import stages

    for name, stage in stages() if run_stages else []:
        progress.step(name)
        t0 = time.perf_counter()
        stage(result, progress)
        timings[name] = time.perf_counter() - t0
    return result


def events_frame(result: RunResult) -> pd.DataFrame:
    """All congestion events with area, weather year, UTC start/end, duration, peak and MWh."""
    frames = []
    n_areas = len(result.cube.area_ids)
    axis = result.cube.axis
    step = axis[1] - axis[0]
    for direction, ev in result.flex.events.items():
        if len(ev) == 0:
            continue
        start = axis[ev.start]
        frames.append(
            pd.DataFrame(
                {
                    "area_id": np.asarray(result.cube.area_ids, dtype=object)[ev.series % n_areas],
                    "weather_year": np.asarray(result.cube.weather_labels, dtype=object)[
                        ev.series // n_areas
                    ],
                    "direction": direction,
                    "start_utc": start,
                    "end_utc": start + step * ev.length,
                    "duration_h": ev.duration_h,
                    "peak_mw": ev.peak_mw.round(3),
                    "energy_mwh": ev.energy_mwh.round(3),
                }
            )
        )
    cols = [
        "area_id",
        "weather_year",
        "direction",
        "start_utc",
        "end_utc",
        "duration_h",
        "peak_mw",
        "energy_mwh",
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)


def write_outputs(result: RunResult, out: str | Path, progress: Progress | None = None) -> Path:
    """Write all outputs into `out`; each file appears atomically, only after all are made."""
    from netruimte.report.html import render_report

    progress = progress or Silent()
    out = Path(out)
    progress.step("report")
    t0 = time.perf_counter()
    html = render_report(result)
    result.timings_s["report"] = time.perf_counter() - t0
    summary = result.summary()
    with staged_dir(out) as stage:
        fx = result.flex.table.round(4)
        fx.to_csv(stage / "flex_expectation.csv", index=False)
        fx.to_parquet(stage / "flex_expectation.parquet", index=False)
        result.flex.heatmap_frame().round(4).to_csv(stage / "flex_heatmap.csv", index=False)
        product = build_product(
            result.flex,
            result.region.areas,
            result.region.meta.name,
            result.scenario.name,
            result.scenario.target_year,
        )
        (stage / "flex_expectation.json").write_text(product.model_dump_json(indent=1) + "\n")
        (stage / "flex_expectation.schema.json").write_text(schema_text())
        events_frame(result).to_csv(stage / "congestion_events.csv", index=False)
        result.admission.to_csv(stage / "queue_admission.csv", index=False)
        for name, frame in result.extra.items():
            if isinstance(frame, pd.DataFrame):
                frame.to_csv(stage / f"{name}.csv", index=False)
        (stage / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
        (stage / "report.html").write_text(html, encoding="utf-8")
    return out

"""The read side of the service: one run of the main job, turned into ready-made responses.

The run is computed once at start-up; every public read (areas, flex expectation per area
and horizon, load-duration curves, queue status) is rendered here once as JSON and CSV
bytes, so a request only looks up bytes in a dict.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.congestion.shortage import DIRECTIONS
from netruimte.flex.product import FlexExpectationProduct, build_product
from netruimte.pipeline import RunResult

LDC_POINTS = 300


def clean(value: object) -> object:
    """JSON-safe: numpy scalars to Python, NaN/inf to None, dates to ISO strings."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if value is pd.NA or value is pd.NaT or value is None:
        return None
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def dumps(value: object) -> bytes:
    return json.dumps(clean(value), separators=(",", ":"), allow_nan=False).encode()


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False, float_format="%.10g").encode()


def _records(frame: pd.DataFrame) -> list[dict]:
    return [clean(r) for r in frame.astype(object).to_dict(orient="records")]


#: The short horizons and the table of `result.extra` each comes from (added by the run's
#: horizons stage, netruimte.flex.horizons, for areas with measured load): one row per area
#: and time step (day-ahead) or day (monthly).
SHORT_HORIZON_TABLES = {"day-ahead": "flexradar_dayahead", "monthly": "flex_monthly_daily"}


@dataclass
class Rendered:
    """One response in both formats."""

    json: bytes
    csv: bytes


@dataclass
class AreaView:
    """Everything served about one area, pre-rendered."""

    info: dict
    flex_json: bytes
    flex_csv: bytes
    heatmap_csv: bytes
    ldc_json: bytes
    queue_json: bytes
    queue_csv: bytes
    short: dict[str, Rendered] = field(default_factory=dict)


@dataclass
class ReadModel:
    """Pre-rendered public data of one run."""

    region_name: str
    target_year: int
    weather_years: list[str]
    areas: list[dict]
    by_area: dict[str, AreaView]
    flex_all_json: bytes
    flex_all_csv: bytes
    queue_all_json: bytes
    queue_all_csv: bytes
    summary_json: bytes
    areas_json: bytes
    flex_stats: dict[tuple[str, str], dict] = field(default_factory=dict)
    result: RunResult | None = None
    short_all: dict[str, Rendered] = field(default_factory=dict)

    def need_inputs(self, area_id: str, direction: str) -> dict:
        """The annual flex statistics of an area and direction (the basis of a tender need)."""
        return self.flex_stats[(area_id, direction)]


def _area_info(region, fx: pd.DataFrame, adm: pd.DataFrame) -> list[dict]:
    areas = region.areas
    hours = fx.pivot(index="area_id", columns="direction", values="hours_per_year_mean")
    mwh = fx.pivot(index="area_id", columns="direction", values="mwh_per_year_mean")
    mw_max = fx.pivot(index="area_id", columns="direction", values="mw_max")
    q = adm.groupby(["area_id", "outcome"])["mw"].agg(["sum", "count"]).unstack(fill_value=0)
    out = []
    for aid, a in areas.iterrows():
        bbox = None
        if not pd.isna(a.get("bbox_west")):
            bbox = {k: float(a[f"bbox_{k}"]) for k in ("west", "south", "east", "north")}

        def qv(stat: str, outcome: str, aid=aid) -> float:
            try:
                return float(q.loc[aid, (stat, outcome)])
            except KeyError:
                return 0.0

        out.append(
            clean(
                {
                    "area_id": aid,
                    "name": a.get("name"),
                    "operator": a.get("operator"),
                    "level": a.get("level"),
                    "parent_id": a.get("parent_id"),
                    "province": a.get("province"),
                    "capacity_offtake_mw": a.get("capacity_offtake_mw"),
                    "capacity_feedin_mw": a.get("capacity_feedin_mw"),
                    "lat": a.get("lat"),
                    "lon": a.get("lon"),
                    "bbox": bbox,
                    "congested_hours_per_year": {d: hours.loc[aid, d] for d in DIRECTIONS},
                    "shortage_mwh_per_year": {d: mwh.loc[aid, d] for d in DIRECTIONS},
                    "shortage_mw_max": {d: mw_max.loc[aid, d] for d in DIRECTIONS},
                    "queue": {
                        "admitted_requests": int(qv("count", "admitted")),
                        "admitted_mw": qv("sum", "admitted"),
                        "waiting_requests": int(qv("count", "waiting")),
                        "waiting_mw": qv("sum", "waiting"),
                    },
                }
            )
        )
    return out


def _product_json(product: FlexExpectationProduct, areas: list) -> bytes:
    """The product document restricted to `areas` (same schema, fewer areas)."""
    return product.model_copy(update={"areas": areas}).model_dump_json().encode()


def _ldc(result: RunResult, a: int, info: dict) -> dict:
    load = result.cube.load_mw[:, :, a]
    n_steps = load.shape[1]
    idx = np.unique(np.r_[np.geomspace(1, n_steps, LDC_POINTS).astype(int) - 1, n_steps - 1])
    sorted_load = -np.sort(-load, axis=1)[:, idx]
    return {
        "area_id": info["area_id"],
        "hours": (idx + 1) * 0.25,
        "load_mw": {
            lab: sorted_load[w].round(3) for w, lab in enumerate(result.cube.weather_labels)
        },
        "capacity_offtake_mw": info["capacity_offtake_mw"],
        "capacity_feedin_mw": info["capacity_feedin_mw"],
        "note": "net load sorted high to low; + offtake, − feed-in; hours per year at or above",
    }


def _queue_summary(rows: pd.DataFrame) -> dict:
    out: dict[str, object] = {"requests": len(rows), "mw": float(rows["mw"].sum())}
    for outcome in ("admitted", "waiting"):
        part = rows[rows.outcome == outcome]
        out[f"{outcome}_requests"] = len(part)
        out[f"{outcome}_mw"] = float(part["mw"].sum())
    return out


def _short_horizons(result: RunResult) -> tuple[dict[str, Rendered], dict[str, dict]]:
    """The short-horizon tables of the run, for all areas and per area."""
    everything: dict[str, Rendered] = {}
    per_area: dict[str, dict[str, Rendered]] = {}
    for horizon, name in SHORT_HORIZON_TABLES.items():
        frame = result.extra.get(name)
        if not isinstance(frame, pd.DataFrame) or "area_id" not in frame or frame.empty:
            continue
        head = {"horizon": horizon, "source": name}
        everything[horizon] = Rendered(dumps({**head, "rows": _records(frame)}), _csv(frame))
        for aid, part in frame.groupby("area_id", sort=False):
            per_area.setdefault(str(aid), {})[horizon] = Rendered(
                dumps({"area_id": aid, **head, "rows": _records(part)}), _csv(part)
            )
    return everything, per_area


def add_short_horizons(result: RunResult, progress=None) -> None:
    """Run the horizons stage (day-ahead, monthly) when the region has measured load and the
    run has not done so already (serve computes only the core by default)."""
    if any(name in result.extra for name in SHORT_HORIZON_TABLES.values()):
        return
    if not getattr(result.region.meta, "measured_load", None):
        return
    try:
        from netruimte.flex.horizons import horizons_stage
    except ImportError:
        return
    from netruimte.progress import Silent

    horizons_stage(result, progress or Silent())


def build_read_model(result: RunResult) -> ReadModel:
    """Render every public response of a run once."""
    region, fx, adm = result.region, result.flex.table, result.admission
    infos = _area_info(region, fx, adm)
    stats_rows = _records(fx)
    flex_stats = {(r["area_id"], r["direction"]): r for r in stats_rows}
    heat = result.flex.heatmap_frame()
    product = build_product(
        result.flex,
        region.areas,
        region.meta.name,
        result.scenario.name,
        result.scenario.target_year,
    )
    product_areas = {a.area_id: a for a in product.areas}
    by_area: dict[str, AreaView] = {}
    pos = {aid: i for i, aid in enumerate(result.cube.area_ids)}
    queue_rows = adm.sort_values("priority", kind="stable") if "priority" in adm else adm
    short_all, short_per_area = _short_horizons(result)
    for info in infos:
        aid = info["area_id"]
        a = pos[aid]
        area_q = queue_rows[queue_rows.area_id == aid]
        by_area[aid] = AreaView(
            info=info,
            flex_json=_product_json(product, [product_areas[aid]]),
            flex_csv=_csv(fx[fx.area_id == aid]),
            heatmap_csv=_csv(heat[heat.area_id == aid]),
            ldc_json=dumps(_ldc(result, a, info)),
            queue_json=dumps(
                {
                    "area_id": aid,
                    "summary": _queue_summary(area_q),
                    "requests": _records(area_q),
                }
            ),
            queue_csv=_csv(area_q),
            short=short_per_area.get(aid, {}),
        )
    per_area = []
    for info in infos:
        per_area.append({"area_id": info["area_id"], **info["queue"]})
    queue_frame = pd.DataFrame(per_area)
    summary = result.summary()
    return ReadModel(
        region_name=region.meta.name,
        target_year=result.scenario.target_year,
        weather_years=list(result.flex.weather_labels),
        areas=infos,
        by_area=by_area,
        flex_all_json=_product_json(product, product.areas),
        flex_all_csv=_csv(fx),
        queue_all_json=dumps({"summary": _queue_summary(adm), "areas": per_area}),
        queue_all_csv=_csv(queue_frame),
        summary_json=dumps(summary),
        areas_json=dumps(infos),
        flex_stats=flex_stats,
        result=result,
        short_all=short_all,
    )


def compute_read_model(region_dir: Path | None, scenario_file: Path | None) -> ReadModel:
    """Run the main job on a region folder (default: the embedded region) and render it."""
    from netruimte.pipeline import compute
    from netruimte.region.default import packaged_default_region_path
    from netruimte.region.folder import read_region
    from netruimte.scenario import read_scenario

    region = read_region(region_dir if region_dir is not None else packaged_default_region_path())
    result = compute(region, read_scenario(scenario_file), run_stages=False)
    add_short_horizons(result)
    return build_read_model(result)

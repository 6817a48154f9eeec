"""The national region: the real capacity map, completed and calibrated to national totals.

Real (from the Netbeheer Nederland capacity map): areas, operators, bounding boxes, available
capacity per direction, queue MW and request counts per direction, required capacity, planned
reinforcements. Generated (with the default region's generator, seeded): missing values, load
components behind each area, the individual queue requests and flex assets. Calibrated: the
regional offtake queue is scaled to the national reference of February 2026 (14,044 requests,
9.1 GW) and the TenneT offtake queue to 212 requests, 38 GW; the map (mid 2026) covers less.
Every value's origin is in `provenance.csv` (area_id, field, source).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from netruimte.profiles.library import build_library
from netruimte.profiles.weather import generate_weather
from netruimte.region import default as gen
from netruimte.region.capacity_map import import_capacity_map
from netruimte.region.meta import RegionMeta, WeatherSpec
from netruimte.region.model import Region
from netruimte.region.schema import TABLES
from netruimte.timeaxis import year_axis

# National reference totals (Netbeheer Nederland / Aansluitoffensief, February 2026)
REGIONAL_OFFTAKE_REQUESTS = 14_044
REGIONAL_OFFTAKE_MW = 9_100.0
REGIONAL_FEEDIN_REQUESTS = 8_539  # reported beside; feed-in is kept as the map says
REGIONAL_FEEDIN_MW = 4_600.0
TENNET_OFFTAKE_REQUESTS = 212
TENNET_OFFTAKE_MW = 38_000.0

REAL = "real: capacity map"
GENERATED = "generated"
SCALED = "real, scaled to the national total"
OPERATOR_FILES = ("liander", "enexis", "stedin", "tennet", "other")

_TENNET_OFFTAKE = ("industry", "datacenter", "electrolyser", "battery", "flat")
_TENNET_OFFTAKE_P = (0.35, 0.25, 0.2, 0.15, 0.05)
_TENNET_FEEDIN = ("wind", "pv", "battery")
_TENNET_FEEDIN_P = (0.45, 0.35, 0.2)


def capacity_map_files(folder: str | Path) -> list[Path]:
    """The per-operator JSON files of a capacity-map folder (as in ../shared/data)."""
    folder = Path(folder)
    files = [folder / f"{n}.json" for n in OPERATOR_FILES if (folder / f"{n}.json").exists()]
    if not files:
        from netruimte.errors import InputError

        raise InputError(f"no per-operator files {list(OPERATOR_FILES)} found", file=folder)
    return files


def _round_to_total(values: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to `values` summing exactly to `total` (largest remainder)."""
    raw = values / values.sum() * total
    out = np.floor(raw).astype(np.int64)
    short = int(total - out.sum())
    if short > 0:
        out[np.argsort(-(raw - out), kind="stable")[:short]] += 1
    return out


def build_national_region(files: list[Path], seed: int = 2026) -> tuple[Region, pd.DataFrame]:
    """The national region and its provenance table."""
    base = import_capacity_map(files, name="Netherlands (capacity map, completed)")
    rng = np.random.default_rng(seed)
    areas = base.areas.copy()
    prov: list[tuple[str, str, str]] = []
    dso = (areas["level"] == "dso").to_numpy()
    tso = ~dso

    def fill(col: str, mask: np.ndarray, draw) -> None:
        miss = mask & areas[col].isna().to_numpy()
        for aid in areas.index[mask & ~miss]:
            prov.append((aid, col, REAL))
        if miss.any():
            areas.loc[miss, col] = np.round(draw(int(miss.sum())), 1)
            for aid in areas.index[miss]:
                prov.append((aid, col, GENERATED))

    fill("capacity_offtake_mw", dso, lambda n: gen.CAPACITY_OFFTAKE.draw(rng, n))
    fill("capacity_feedin_mw", dso, lambda n: gen.CAPACITY_FEEDIN.draw(rng, n))
    fill("queue_feedin_mw", dso, lambda n: gen.QUEUE_FEEDIN_MW.draw(rng, n))
    fill("requests_feedin", dso, lambda n: np.maximum(1, gen.REQUESTS_FEEDIN.draw(rng, n)))
    fill("queue_offtake_mw", dso, lambda n: gen.QUEUE_OFFTAKE_MW.draw(rng, n))
    fill("requests_offtake", dso, lambda n: np.maximum(1, gen.REQUESTS_OFFTAKE.draw(rng, n)))
    fill("queue_offtake_mw", tso, lambda n: np.full(n, 500.0))
    fill("requests_offtake", tso, lambda n: np.full(n, 3.0))
    fill("queue_feedin_mw", tso, lambda n: np.full(n, 300.0))
    fill("requests_feedin", tso, lambda n: np.full(n, 2.0))
    # calibrate the offtake queues to the national reference totals
    for mask, n_total, mw_total in (
        (dso, REGIONAL_OFFTAKE_REQUESTS, REGIONAL_OFFTAKE_MW),
        (tso, TENNET_OFFTAKE_REQUESTS, TENNET_OFFTAKE_MW),
    ):
        mw = areas.loc[mask, "queue_offtake_mw"].astype(float).to_numpy()
        n = areas.loc[mask, "requests_offtake"].astype(float).to_numpy()
        areas.loc[mask, "queue_offtake_mw"] = np.round(mw * mw_total / mw.sum(), 3)
        areas.loc[mask, "requests_offtake"] = _round_to_total(np.maximum(n, 1e-9), n_total)
        prov += [
            (aid, c, SCALED)
            for aid in areas.index[mask]
            for c in ("queue_offtake_mw", "requests_offtake")
        ]
    areas["requests_offtake"] = areas["requests_offtake"].astype(int)
    areas["requests_feedin"] = areas["requests_feedin"].astype(float).round().astype(int)
    # load components behind each supply area, sized on required (or drawn) peaks
    ids = list(areas.index[dso])
    cap_off = areas.loc[ids, "capacity_offtake_mw"].astype(float).to_numpy()
    cap_feed = areas.loc[ids, "capacity_feedin_mw"].astype(float).to_numpy()
    req_off = areas.loc[ids, "required_offtake_mw"].astype(float).to_numpy()
    req_feed = areas.loc[ids, "required_feedin_mw"].astype(float).to_numpy()
    util_off = np.clip(gen.UTILISATION_OFFTAKE.draw(rng, len(ids)), 0.55, 1.15)
    util_feed = np.clip(gen.UTILISATION_FEEDIN.draw(rng, len(ids)), 0.25, 1.3)
    peak_off = np.where(
        np.isnan(req_off) | (req_off <= 0), cap_off * util_off, np.minimum(req_off, cap_off * 1.15)
    )
    peak_feed = np.where(
        np.isnan(req_feed) | (req_feed <= 0),
        cap_feed * util_feed,
        np.minimum(req_feed, cap_feed * 1.3),
    )
    kinds = rng.choice(list(gen.AREA_TYPES), size=len(ids), p=[0.45, 0.4, 0.15])
    weather = generate_weather(
        ["cold", "typical", "mild"], ["c", "t", "m"], year_axis(gen.BASE_YEAR), seed
    )
    lib = build_library(weather, 52.1, 5.2)
    comp_rows = gen._components(rng, lib, ids, kinds, peak_off, peak_feed)
    prov += [(aid, "load_components", GENERATED) for aid in ids]
    # TenneT capacities where the map is silent: the children's coincident peak × headroom
    comp = pd.DataFrame(comp_rows)
    _fill_tso_capacity(rng, areas, comp, lib, prov)
    # individual requests
    targets = {
        aid: {
            "offtake": (
                int(areas.at[aid, "requests_offtake"]),
                float(areas.at[aid, "queue_offtake_mw"]),
            ),
            "feedin": (
                int(areas.at[aid, "requests_feedin"]),
                float(areas.at[aid, "queue_feedin_mw"]),
            ),
        }
        for aid in areas.index
    }
    queue = pd.concat(
        [
            gen._queue(rng, ids, kinds, targets, floor_mw=0.001),
            _tennet_queue(rng, list(areas.index[tso]), targets),
        ],
        ignore_index=True,
    )
    flex = gen._flex_assets(rng, ids, cap_off, util_off, cap_feed, util_feed)
    prov += [(aid, "queue requests", GENERATED) for aid in areas.index]
    meta = RegionMeta(
        name="Netherlands (capacity map mid 2026, completed and calibrated)",
        description=(
            "Areas, capacities and queue totals from the Netbeheer Nederland capacity "
            "map; missing values, load components, individual requests and flex "
            "assets generated; offtake queues scaled to the February 2026 national "
            "totals. See provenance.csv."
        ),
        base_year=gen.BASE_YEAR,
        weather=WeatherSpec(source="generated", seed=seed),
        sources={**base.meta.sources, "totals": "Aansluitoffensief, February 2026"},
    )
    frames = {"load_components": pd.DataFrame(comp_rows), "queue": queue, "flex_assets": flex}
    for name, frame in frames.items():
        for col in TABLES[name].model_fields:
            if col not in frame.columns:
                frame[col] = None
        frames[name] = frame[list(TABLES[name].model_fields)]
    region = Region(
        meta=meta,
        areas=areas,
        components=frames["load_components"],
        queue=frames["queue"],
        flex_assets=frames["flex_assets"],
        projects=base.projects,
    )
    provenance = pd.DataFrame(prov, columns=["area_id", "field", "source"])
    # scaling overrides the origin recorded first: one row per area and field
    provenance = provenance.drop_duplicates(["area_id", "field"], keep="last")
    return region, provenance


def _fill_tso_capacity(rng, areas: pd.DataFrame, comp: pd.DataFrame, lib, prov: list) -> None:
    for tid in areas.index[areas["level"] == "tso"]:
        children = set(areas.index[areas["parent_id"] == tid])
        load = gen.components_load(comp, lib, children)
        for col, peak, lo_hi in (
            ("capacity_offtake_mw", float(load.max()), gen.TSO_HEADROOM_OFFTAKE),
            ("capacity_feedin_mw", float((-load).max()), gen.TSO_HEADROOM_FEEDIN),
        ):
            if pd.isna(areas.at[tid, col]):
                floor = (
                    0.3 * float(areas.loc[list(children), col].astype(float).sum())
                    if children
                    else 100.0
                )
                areas.at[tid, col] = round(max(peak * rng.uniform(*lo_hi), floor, 1.0), 1)
                prov.append((tid, col, GENERATED))
            else:
                prov.append((tid, col, REAL))


def _tennet_queue(rng, tso_ids: list[str], targets) -> pd.DataFrame:
    """Large direct connection requests at TenneT level."""
    rows = []
    start = date(2019, 1, 1)
    span = (date(2026, 1, 31) - start).days
    for tid in tso_ids:
        for direction, classes, p in (
            ("offtake", _TENNET_OFFTAKE, _TENNET_OFFTAKE_P),
            ("feedin", _TENNET_FEEDIN, _TENNET_FEEDIN_P),
        ):
            n, total = targets[tid][direction]
            if n <= 0 or total <= 0:
                continue
            weights = np.exp(0.8 * rng.standard_normal(n))
            sizes = np.maximum(np.round(total * weights / weights.sum(), 3), 0.001)
            for k in range(n):
                profile = str(rng.choice(classes, p=p))
                relief = profile == "battery"
                rows.append(
                    {
                        "request_id": f"{tid}-T{'O' if direction == 'offtake' else 'F'}{k + 1:03d}",
                        "area_id": tid,
                        "direction": direction,
                        "mw": float(sizes[k]),
                        "category": "relief" if relief else "other",
                        "submitted": (
                            start + timedelta(days=int(rng.integers(0, span)))
                        ).isoformat(),
                        "profile_class": profile,
                        "flexible_share": float(rng.choice([0.0, 0.1, 0.3])),
                        "controllable_mw": float(sizes[k]) if relief else None,
                        "available_from": "2027-01-01" if relief else None,
                        "available_hours_per_year": 2000.0 if relief else None,
                        "price_eur_per_mwh": float(np.round(rng.uniform(80, 300)))
                        if relief
                        else None,
                    }
                )
    return pd.DataFrame(rows)


SPLIT = "generated: split of a real area"


def split_areas(
    region: Region, provenance: pd.DataFrame, target_areas: int
) -> tuple[Region, pd.DataFrame]:
    """The region with its largest supply areas split in two until it has `target_areas`.

    The real map has about 300 areas; a finer national picture (the ~620 areas of the issue's
    performance target) is made by splitting supply areas, largest offtake capacity first, into
    a west and an east half: capacities, the map's queue figures and load components halve;
    the area's requests and flex assets go alternately (in their order) to the two halves, so
    the national totals (14,044 / 9.1 GW regional, 212 / 38 GW TenneT) do not change. The new
    halves are recorded in the provenance as generated.
    """
    while True:  # each round splits each supply area at most once
        need = target_areas - len(region.areas)
        if need <= 0:
            return region, provenance
        n_dso = int(
            (
                (region.areas["level"] == "dso") & ~region.areas.index.isin(list(region.measured))
            ).sum()
        )
        if n_dso == 0 or target_areas > 4 * len(region.areas) + 1000:
            from netruimte.errors import InputError

            raise InputError(f"cannot reach {target_areas} areas by splitting", column="--areas")
        region, provenance = _split_round(region, provenance, min(need, n_dso))


def _split_round(region: Region, provenance: pd.DataFrame, need: int):
    """Split the `need` largest supply areas once (see split_areas)."""
    areas = region.areas
    # areas with measured load keep their series whole: they are not split
    dso = areas[(areas["level"] == "dso") & ~areas.index.isin(list(region.measured))]
    size = dso["capacity_offtake_mw"].astype(float).fillna(0.0)
    chosen = list(size.sort_values(ascending=False, kind="stable").index[:need])
    halve = [
        "capacity_offtake_mw",
        "capacity_feedin_mw",
        "queue_offtake_mw",
        "queue_feedin_mw",
        "required_offtake_mw",
        "required_feedin_mw",
    ]
    new_rows, comp_rows, prov_rows = [], [], []
    areas = areas.copy()
    queue = region.queue.copy()
    flex = region.flex_assets.copy()
    comp = region.components.copy()
    taken = set(areas.index)

    def fresh(aid: str) -> str:
        k = 2
        while f"{aid} #{k}" in taken:
            k += 1
        taken.add(f"{aid} #{k}")
        return f"{aid} #{k}"

    twin = {a: fresh(a) for a in chosen}
    for aid in chosen:  # per split area (hundreds)
        row = areas.loc[aid].copy()
        for col in halve:
            if pd.notna(row[col]):
                row[col] = round(float(row[col]) / 2, 3)
        for col in ("requests_offtake", "requests_feedin"):
            if pd.notna(row[col]):
                row[col] = int(row[col]) // 2
        west, east = row.copy(), row.copy()
        east["area_id"] = twin[aid]
        east["name"] = f"{row['name']} (east half)"
        if pd.notna(row["bbox_west"]):
            mid = (float(row["bbox_west"]) + float(row["bbox_east"])) / 2
            west["bbox_east"], east["bbox_west"] = mid, mid
            west["lon"] = (float(west["bbox_west"]) + mid) / 2
            east["lon"] = (mid + float(east["bbox_east"])) / 2
        for col in ("requests_offtake", "requests_feedin"):
            if pd.notna(areas.at[aid, col]):
                east[col] = int(areas.at[aid, col]) - int(west[col])
        areas.loc[aid] = west
        new_rows.append(east)
        prov_rows += [
            (twin[aid], f, f"{SPLIT} ({aid})")
            for f in provenance.loc[provenance["area_id"] == aid, "field"]
        ]
    areas = pd.concat([areas, pd.DataFrame(new_rows).set_index("area_id", drop=False)])
    # requests and flex assets alternate between the halves, in their order
    for frame in (queue, flex):
        if len(frame) == 0:
            continue
        inside = frame["area_id"].isin(twin)
        nth = frame[inside].groupby("area_id").cumcount()
        odd = nth.index[nth.to_numpy() % 2 == 1]
        frame.loc[odd, "area_id"] = frame.loc[odd, "area_id"].map(twin)
    # load components: each half gets half (whole counts split as floor / rest)
    parts = comp[comp["area_id"].isin(twin)]
    comp = comp[~comp["area_id"].isin(twin)]
    for r in parts.to_dict("records"):  # per component row of a split area
        a, b = dict(r), dict(r)
        b["area_id"] = twin[r["area_id"]]
        for col in ("count", "annual_mwh", "capacity_mw"):
            v = r.get(col)
            if v is None or pd.isna(v):
                continue
            if col == "count":
                a[col] = int(v) // 2
                b[col] = int(v) - int(v) // 2
            else:
                a[col] = b[col] = float(v) / 2
        comp_rows += [a, b]
    comp = pd.concat([comp, pd.DataFrame(comp_rows, columns=comp.columns)], ignore_index=True)
    out = Region(
        meta=region.meta.model_copy(
            update={"description": region.meta.description + f" {need} supply areas split."}
        ),
        areas=areas,
        components=comp,
        queue=queue,
        flex_assets=flex,
        projects=region.projects,
        measured=region.measured,
        folder=region.folder,
        measured_tables=region.measured_tables,
    )
    prov = pd.concat([provenance, pd.DataFrame(prov_rows, columns=provenance.columns)])
    return out, prov.reset_index(drop=True)

"""The region folder format: region.toml plus CSV/Parquet tables. Read, validate, write."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import tomli_w

from netruimte import atomic
from netruimte.errors import InputError, InputErrors
from netruimte.region.meta import RegionMeta, read_meta
from netruimte.region.model import Region
from netruimte.region.schema import TABLES
from netruimte.region.tables import find_table, read_table

META_FILE = "region.toml"


def read_region(folder: str | Path) -> Region:
    """Read and validate a region folder; every problem names its file, row and column."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("region folder not found", file=folder)
    meta_path = folder / META_FILE
    if not meta_path.exists():
        raise InputError(f"{META_FILE} is missing; a region folder needs one", file=folder)
    meta = read_meta(meta_path)
    frames: dict[str, pd.DataFrame] = {}
    for name, model in TABLES.items():
        path = find_table(folder, name)
        if path is None:
            if name == "areas":
                raise InputError("areas.csv (or areas.parquet) is missing", file=folder)
            frames[name] = pd.DataFrame(columns=list(model.model_fields))
            continue
        frames[name] = read_table(path, model)
    _check_references(folder, frames)
    areas = frames["areas"].set_index("area_id", drop=False)
    region = Region(
        meta=meta,
        areas=areas,
        components=frames["load_components"],
        queue=frames["queue"],
        flex_assets=frames["flex_assets"],
        projects=frames["projects"],
        folder=folder,
    )
    if meta.measured_load:
        from netruimte.region.measured_load import read_measured_parquet

        for area_id, rel in meta.measured_load.items():
            if area_id not in areas.index:
                raise InputError(
                    f"measured_load names unknown area {area_id!r}",
                    file=meta_path,
                    column=f"measured_load.{area_id}",
                )
            region.measured[area_id] = read_measured_parquet(folder / rel)
    return region


def _file(folder: Path, name: str) -> Path:
    return find_table(folder, name) or folder / f"{name}.csv"


def _duplicates(frame: pd.DataFrame, cols: list[str]) -> pd.Series:
    return frame.duplicated(subset=cols, keep="first")


def _check_references(folder: Path, frames: dict[str, pd.DataFrame]) -> None:
    """Cross-table checks: unique ids, known areas, parents that exist and do not loop."""
    errors: list[InputError] = []
    areas = frames["areas"]
    area_file = _file(folder, "areas")
    for i in areas.index[_duplicates(areas, ["area_id"])]:
        errors.append(
            InputError(
                f"duplicate area_id {areas.at[i, 'area_id']!r}",
                file=area_file,
                row=i + 1,
                column="area_id",
            )
        )
    known = set(areas["area_id"])
    parent_of = dict(zip(areas["area_id"], areas["parent_id"], strict=True))
    for i, (aid, parent) in enumerate(zip(areas["area_id"], areas["parent_id"], strict=True)):
        if parent is not None and parent not in known:
            errors.append(
                InputError(
                    f"parent area {parent!r} is not in the areas table",
                    file=area_file,
                    row=i + 1,
                    column="parent_id",
                )
            )
            continue
        level_of = dict(zip(areas["area_id"], areas["level"], strict=True))
        if parent is not None and level_of.get(aid) == "tso" and level_of.get(parent) != "tso":
            errors.append(
                InputError(
                    f"TenneT area {aid!r} cannot sit under supply area {parent!r}",
                    file=area_file,
                    row=i + 1,
                    column="parent_id",
                )
            )
        seen, p = {aid}, parent
        while p is not None and p in parent_of:
            if p in seen:
                errors.append(
                    InputError(
                        f"parent chain of {aid!r} loops back on itself",
                        file=area_file,
                        row=i + 1,
                        column="parent_id",
                    )
                )
                break
            seen.add(p)
            p = parent_of[p]
    checks = {
        "load_components": ["area_id", "asset_class"],
        "queue": ["request_id"],
        "flex_assets": ["asset_id"],
    }
    for name, key in checks.items():
        frame = frames[name]
        path = _file(folder, name)
        for i in frame.index[_duplicates(frame, key)]:
            what = " / ".join(str(frame.at[i, k]) for k in key)
            errors.append(
                InputError(
                    f"duplicate {'+'.join(key)} {what!r}", file=path, row=i + 1, column=key[-1]
                )
            )
    for name in ("load_components", "queue", "flex_assets", "projects"):
        frame = frames[name]
        path = _file(folder, name)
        bad = ~frame["area_id"].isin(known)
        for i in frame.index[bad]:
            errors.append(
                InputError(
                    f"unknown area {frame.at[i, 'area_id']!r}",
                    file=path,
                    row=i + 1,
                    column="area_id",
                )
            )
    if errors:
        raise InputErrors(errors[:50])


def write_region(region: Region, folder: str | Path, fmt: str = "csv") -> Path:
    """Write a region folder (each file atomically); returns the folder."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = {
        "areas": region.areas.reset_index(drop=True),
        "load_components": region.components,
        "queue": region.queue,
        "flex_assets": region.flex_assets,
        "projects": region.projects,
    }
    for name, frame in tables.items():
        if frame is None or (len(frame) == 0 and name != "areas"):
            continue
        frame = _typed(frame[list(TABLES[name].model_fields)], name)
        frame = _drop_empty_optional(frame, name)
        if fmt == "parquet":
            with atomic.atomic_path(folder / f"{name}.parquet") as tmp:
                frame.to_parquet(tmp, index=False)
        else:
            atomic.write_text(
                folder / f"{name}.csv", frame.to_csv(index=False, lineterminator="\n")
            )
    for area_id, table in region.measured_tables.items():
        rel = region.meta.measured_load[area_id]
        with atomic.atomic_path(folder / rel) as tmp:
            table.to_parquet(tmp, index=False)
    meta = region.meta.model_dump(mode="json", exclude_defaults=False)
    atomic.write_text(folder / META_FILE, tomli_w.dumps(_drop_none(meta)))
    return folder


def _typed(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Whole-number columns as nullable integers, so files show 12 and not 12.0."""
    frame = frame.copy()
    for col, info in TABLES[name].model_fields.items():
        if info.annotation in (int, int | None) and col in frame.columns:
            frame[col] = pd.to_numeric(frame[col], errors="coerce").round().astype("Int64")
    return frame


def _drop_empty_optional(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Leave out optional columns that are empty in every row, for readable files."""
    fields = TABLES[name].model_fields
    keep = [c for c in frame.columns if fields[c].is_required() or frame[c].notna().any()]
    return frame[keep]


def _drop_none(value: object) -> object:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None and v != {}}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def meta_from_dict(data: dict) -> RegionMeta:
    """Build RegionMeta from a plain dict (used by generators and importers)."""
    return RegionMeta.model_validate(data)


__all__ = ["InputErrors", "meta_from_dict", "read_region", "write_region"]

"""Read and write network models as power-grid-model JSON, profiles as Parquet.

Folder format (inside a region folder, see docs/grid.md):

    networks/<area_id>.json              power-grid-model input JSON (format version 1.0);
                                         any element may carry an extra "name" (ignored by
                                         the engine, used in reports and error messages)
    networks/<area_id>.profiles.parquet  optional: column `time_utc` (tz-aware UTC, fixed
                                         step) and per appliance `p_mw:<id>` and optionally
                                         `q_mvar:<id>`, in the sym_load / sym_gen's own sign
                                         convention (load: + consumes; gen: + produces)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from power_grid_model.utils import json_deserialize, json_serialize

from netruimte.errors import InputError
from netruimte.grid.model import ApplianceProfiles, GridModel

PROFILE_SUFFIX = ".profiles.parquet"
_COLUMN = re.compile(r"^(p_mw|q_mvar):(-?\d+)$")


def read_pgm_json(path: str | Path, name: str | None = None) -> GridModel:
    """A `GridModel` from a power-grid-model input JSON file (profiles not included)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read network file: {exc.strerror}", file=path) from exc
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at line {exc.lineno})", file=path) from exc
    if not isinstance(raw, dict) or raw.get("type") != "input" or raw.get("is_batch"):
        raise InputError(
            'not a power-grid-model input dataset (expected "type": "input", "is_batch": false)',
            file=path,
        )
    try:
        data = json_deserialize(text)
    except Exception as exc:  # the engine raises its own error classes for bad datasets
        raise InputError(f"power-grid-model cannot read it: {exc}", file=path) from exc
    names: dict[int, str] = {}
    for rows in (raw.get("data") or {}).values():
        if isinstance(rows, list):
            for row in rows:
                if isinstance(row, dict) and "name" in row and "id" in row:
                    names[int(row["id"])] = str(row["name"])
    return GridModel(name=name or path.stem, input_data=dict(data), names=names)


def write_pgm_json(model: GridModel, path: str | Path) -> Path:
    """Write the model's input data (with element names) as power-grid-model JSON."""
    path = Path(path)
    raw = json.loads(json_serialize(model.input_data, use_compact_list=False))
    for rows in raw["data"].values():
        for row in rows:
            label = model.names.get(int(row["id"]))
            if label:
                row["name"] = label
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return path


def write_profiles(profiles: ApplianceProfiles, path: str | Path) -> Path:
    """Write appliance profiles as a wide Parquet table (see module docstring)."""
    path = Path(path)
    cols: dict[str, np.ndarray] = {}
    for j, app_id in enumerate(profiles.appliance_ids):
        cols[f"p_mw:{int(app_id)}"] = profiles.p_mw[:, j]
    for j, app_id in enumerate(profiles.appliance_ids):
        if np.any(profiles.q_mvar[:, j] != 0):
            cols[f"q_mvar:{int(app_id)}"] = profiles.q_mvar[:, j]
    frame = pd.DataFrame(cols)
    frame.insert(0, "time_utc", profiles.time_utc)
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


def read_profiles(path: str | Path) -> ApplianceProfiles:
    """Appliance profiles from a wide Parquet table; column names are checked here, ids and
    shapes against the grid in `checks.check_profiles`."""
    path = Path(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:
        raise InputError(f"cannot read profile table: {exc}", file=path) from exc
    if "time_utc" not in frame:
        raise InputError("missing the time column", file=path, column="time_utc")
    time_utc = pd.DatetimeIndex(frame["time_utc"])
    if time_utc.tz is None:
        raise InputError("times must be tz-aware UTC", file=path, column="time_utc")
    time_utc = time_utc.tz_convert("UTC")
    p_cols: dict[int, str] = {}
    q_cols: dict[int, str] = {}
    for col in frame.columns:
        if col == "time_utc":
            continue
        match = _COLUMN.match(str(col))
        if not match:
            raise InputError(
                "column name must be 'p_mw:<id>' or 'q_mvar:<id>'", file=path, column=str(col)
            )
        (p_cols if match.group(1) == "p_mw" else q_cols)[int(match.group(2))] = col
    orphan_q = sorted(set(q_cols) - set(p_cols))
    if orphan_q:
        raise InputError(f"q_mvar without p_mw for appliance id(s) {orphan_q[:8]}", file=path)
    ids = np.array(sorted(p_cols), dtype=np.int64)
    p = np.column_stack([frame[p_cols[i]].to_numpy(float) for i in ids]) if len(ids) else None
    q = np.zeros((len(frame), len(ids)))
    for j, i in enumerate(ids):
        if i in q_cols:
            q[:, j] = frame[q_cols[i]].to_numpy(float)
    return ApplianceProfiles(
        time_utc=time_utc,
        appliance_ids=ids,
        p_mw=np.zeros((len(frame), 0)) if p is None else np.ascontiguousarray(p),
        q_mvar=q,
    )

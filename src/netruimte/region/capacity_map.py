"""Import the Netbeheer Nederland capacity map (per-area JSON) into a Region.

Values are strings with units ("56 MW", "1,2 GW", "-" for unknown); every value is parsed
with a clear error naming the file, area and field. Supply areas get the TenneT area whose
bounding box holds their centre (smallest first) as parent; that link is a documented
heuristic because the map does not publish it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from netruimte.errors import InputError, InputErrors
from netruimte.region.meta import RegionMeta
from netruimte.region.model import Region
from netruimte.region.schema import TABLES
from netruimte.region.tables import decode_text

_VALUE = re.compile(r"^\s*([-+]?\d+(?:[.,]\d+)?)\s*(kW|MW|GW)?\s*$")
_UNIT_TO_MW = {"kW": 1e-3, "MW": 1.0, "GW": 1e3, None: 1.0}

FIELDS = {
    "existingTransportCapacityWithdrawal": "capacity_offtake_mw",
    "existingTransportCapacityInjection": "capacity_feedin_mw",
    "requiredTransportCapacityWithdrawal": "required_offtake_mw",
    "requiredTransportCapacityInjection": "required_feedin_mw",
    "queueWithdrawal": "queue_offtake_mw",
    "queueInjection": "queue_feedin_mw",
}
COUNTS = {
    "uniqueRequestsWithdrawal": "requests_offtake",
    "uniqueRequestsInjection": "requests_feedin",
    "yearSolvedWithdrawal": "year_solved_offtake",
    "yearSolvedInjection": "year_solved_feedin",
    "tennetWithdrawalMax": "upstream_status_offtake",
    "tennetInjectionMax": "upstream_status_feedin",
}


def parse_mw(value: object, file: Path, area: str, field: str) -> float | None:
    """'56 MW' → 56.0, '1,5 GW' → 1500.0, '-' / '' / None → None; anything else is an error."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if text in ("", "-"):
        return None
    m = _VALUE.match(text)
    if not m:
        raise InputError(f"{text!r} is not a power like '56 MW'", file=file, row=area, column=field)
    return float(m.group(1).replace(",", ".")) * _UNIT_TO_MW[m.group(2)]


def parse_count(value: object, file: Path, area: str, field: str) -> int | None:
    """'23' → 23, '-' → None; a non-integer is an error."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text in ("", "-"):
        return None
    if not re.fullmatch(r"\d+", text):
        raise InputError(f"{text!r} is not a whole number", file=file, row=area, column=field)
    return int(text)


def _first_int(value: object, pattern: str) -> int | None:
    """The first match of `pattern` in a free-text planning field, or None."""
    m = re.search(pattern, str(value)) if value is not None else None
    return int(m.group(0)) if m else None


def _load_json(path: Path) -> dict:
    try:
        data = json.loads(decode_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON at line {exc.lineno}: {exc.msg}", file=path) from None
    if not isinstance(data, dict):
        raise InputError("expected a JSON object keyed by area id", file=path)
    return data


def import_capacity_map(files: list[Path], name: str | None = None) -> Region:
    """Read per-operator capacity-map JSON files into one Region (areas and projects)."""
    rows: list[dict] = []
    projects: list[dict] = []
    errors: list[InputError] = []
    seen: dict[str, Path] = {}
    for path in files:
        data = _load_json(Path(path))
        is_tso = Path(path).stem.lower() == "tennet"
        for key, rec in data.items():
            if not isinstance(rec, dict):
                errors.append(InputError("expected an object", file=path, row=key))
                continue
            aid = str(rec.get("id") or key).strip()
            if aid in seen:
                errors.append(
                    InputError(
                        f"area id {aid!r} also appears in {seen[aid]}",
                        file=path,
                        row=key,
                        column="id",
                    )
                )
                continue
            seen[aid] = Path(path)
            operator = str(rec.get("rnb") or Path(path).stem).strip()
            row: dict[str, object] = {
                "area_id": aid,
                "name": rec.get("name") or aid,
                "operator": operator,
                "level": "tso" if is_tso or operator == "TenneT" else "dso",
            }
            try:
                for src, dst in FIELDS.items():
                    row[dst] = parse_mw(rec.get(src), Path(path), key, src)
                for src, dst in COUNTS.items():
                    row[dst] = parse_count(rec.get(src), Path(path), key, src)
                box = [rec.get(k) for k in ("bboxLeft", "bboxBottom", "bboxRight", "bboxTop")]
                if all(isinstance(b, int | float) for b in box):
                    row.update(
                        bbox_west=box[0],
                        bbox_south=box[1],
                        bbox_east=box[2],
                        bbox_north=box[3],
                        lon=(box[0] + box[2]) / 2,
                        lat=(box[1] + box[3]) / 2,
                    )
            except InputError as exc:
                errors.append(exc)
                continue
            rows.append(row)
            for p in rec.get("projects") or []:
                projects.append(
                    {
                        "area_id": aid,
                        "name": p.get("name"),
                        # planning text is free-form ("2028-afname 2030-opwek"): first year wins
                        "year": _first_int(p.get("year"), r"(19|20)\d\d"),
                        "quarter": _first_int(p.get("quarter"), r"[1-4]"),
                        "operator": p.get("gridOperator"),
                        "source": p.get("source"),
                    }
                )
    if errors:
        raise InputErrors(errors)
    if not rows:
        raise InputError("no areas found in the given files", file=files[0] if files else None)
    areas = pd.DataFrame(rows)
    areas["parent_id"] = _tso_parents(areas)
    for col in TABLES["areas"].model_fields:
        if col not in areas:
            areas[col] = None
    areas = areas[list(TABLES["areas"].model_fields)]
    # validate through the same schema as a region folder
    from netruimte.region.schema import AreaRow

    for rec in areas.astype(object).where(areas.notna(), None).to_dict("records"):
        try:
            AreaRow.model_validate(rec)
        except Exception as exc:
            raise InputError(f"area does not validate: {exc}", row=rec["area_id"]) from None
    meta = RegionMeta(
        name=name or "Netherlands capacity map (imported)",
        description="Imported from the Netbeheer Nederland capacity map per-area JSON.",
        sources={f"capacity_map_{i}": str(Path(f).name) for i, f in enumerate(files)},
    )
    proj = pd.DataFrame(projects, columns=list(TABLES["projects"].model_fields))
    empty = {
        n: pd.DataFrame(columns=list(TABLES[n].model_fields))
        for n in ("load_components", "queue", "flex_assets")
    }
    return Region(
        meta=meta,
        areas=areas.set_index("area_id", drop=False),
        components=empty["load_components"],
        queue=empty["queue"],
        flex_assets=empty["flex_assets"],
        projects=proj,
    )


def _tso_parents(areas: pd.DataFrame) -> list[str | None]:
    """Parent TenneT area per supply area: the smallest TenneT bbox holding its centre."""
    tso = areas[(areas["level"] == "tso") & areas["bbox_west"].notna()]
    out: list[str | None] = []
    for row in areas.itertuples():  # per area (hundreds), not per time step
        if row.level == "tso" or pd.isna(row.lat):
            out.append(None)
            continue
        inside = tso[
            (tso.bbox_west <= row.lon)
            & (tso.bbox_east >= row.lon)
            & (tso.bbox_south <= row.lat)
            & (tso.bbox_north >= row.lat)
        ]
        if inside.empty:
            out.append(None)
            continue
        size = (inside.bbox_east - inside.bbox_west) * (inside.bbox_north - inside.bbox_south)
        out.append(str(inside.loc[size.idxmin(), "area_id"]))
    return out

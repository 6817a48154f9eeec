"""Reading region tables (CSV or Parquet) into typed DataFrames, with row/column error messages."""

from __future__ import annotations

import csv
import difflib
import io
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from netruimte.errors import InputError, InputErrors
from netruimte.region.schema import Row

MAX_ERRORS = 50


def decode_text(path: Path) -> str:
    """Read a file as UTF-8 (BOM allowed); a wrong encoding names the line and byte."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file not found", file=path) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16 encoded; save it as UTF-8", file=path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        bad = raw[exc.start : exc.start + 1].hex()
        raise InputError(
            f"not valid UTF-8 (byte 0x{bad} at line {line}); save the file as UTF-8",
            file=path,
            row=line - 1 if line > 1 else None,
        ) from None


def read_csv_records(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file; rows with the wrong number of fields are an error."""
    text = decode_text(path)
    if not text.strip():
        raise InputError("file is empty (no header row)", file=path)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
        rows = list(reader)
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=path, row=reader.line_num) from None
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise InputError(f"duplicate column names {dup}", file=path)
    records = []
    for i, fields in enumerate(rows, start=1):
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            hint = " (the file looks truncated)" if i == len(rows) else ""
            raise InputError(
                f"has {len(fields)} fields but the header has {len(header)}{hint}",
                file=path,
                row=i,
            )
        records.append(dict(zip(header, fields, strict=True)))
    return header, records


def read_parquet_records(path: Path) -> tuple[list[str], list[dict[str, object]]]:
    """Header and rows of a Parquet file."""
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for corrupt files
        raise InputError(f"cannot read Parquet: {exc}", file=path) from None
    frame = frame.astype(object).where(frame.notna(), None)
    return list(frame.columns), frame.to_dict(orient="records")


def read_table(path: Path, model: type[Row]) -> pd.DataFrame:
    """Validate every row of a table against its schema; all problems are reported together."""
    if path.suffix == ".parquet":
        header, records = read_parquet_records(path)
    else:
        header, records = read_csv_records(path)
    fields = model.model_fields
    unknown = [c for c in header if c not in fields]
    errors: list[InputError] = []
    for col in unknown:
        close = difflib.get_close_matches(col, list(fields), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        errors.append(InputError(f"unknown column{hint}", file=path, column=col))
    required = [n for n, f in fields.items() if f.is_required()]
    for col in required:
        if col not in header:
            errors.append(InputError("required column is missing", file=path, column=col))
    if errors:
        raise InputErrors(errors)
    rows = []
    for i, rec in enumerate(records, start=1):
        try:
            rows.append(model.model_validate(rec).model_dump())
        except ValidationError as exc:
            for err in exc.errors():
                col = str(err["loc"][0]) if err["loc"] else None
                msg = err["msg"].removeprefix("Value error, ")
                value = rec.get(col) if col else None
                shown = f" (got {value!r})" if col and value not in (None, "") else ""
                errors.append(InputError(msg + shown, file=path, row=i, column=col))
            if len(errors) >= MAX_ERRORS:
                break
    if errors:
        raise InputErrors(errors)
    return pd.DataFrame(rows, columns=list(fields))


def find_table(folder: Path, name: str) -> Path | None:
    """The CSV or Parquet file of a table in a region folder, if present."""
    for suffix in (".parquet", ".csv"):
        candidate = folder / f"{name}{suffix}"
        if candidate.exists():
            return candidate
    return None

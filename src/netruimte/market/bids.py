"""Tender bids: the schema, CSV/JSON readers and the checks that reject a bad bid with a reason.

A file that cannot be read as a table (missing or unknown columns, malformed CSV/JSON) is an
`InputError` naming file, row and column. A single bad bid inside a good file is *rejected*
with a clear reason (row, column, problem) and the tender clears the rest; `strict=True`
turns every rejection into an error instead.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from netruimte.errors import InputError, InputErrors
from netruimte.market.need import RELIEVES, Need
from netruimte.market.windows import Window, parse_windows
from netruimte.region.schema import Id
from netruimte.region.tables import decode_text, read_csv_records
from netruimte.region.values import (
    Date,
    NonNegative,
    PositiveMW,
    _bool,
    _int,
    _non_negative,
    _plain,
    _positive,
    _text,
)

Action = Literal["more_feedin", "less_offtake", "more_offtake", "less_feedin"]


def _count(value: object) -> int | None:
    x = _int(value)
    if x is not None and x < 1:
        raise ValueError(f"{x} must be 1 or more")
    return x


def _windows(value: object) -> list[Window]:
    return parse_windows(value)


def _zero_default(value: object) -> float:
    x = _plain(value)
    return 0.0 if x is None else x


ZeroOrMore = Annotated[float, BeforeValidator(_zero_default), AfterValidator(_non_negative)]
PositiveNumber = Annotated[float | None, BeforeValidator(_plain), AfterValidator(_positive)]
Flag = Annotated[bool, BeforeValidator(lambda v: bool(_bool(v)))]


def _timestamp(value: object) -> datetime | None:
    text = _text(value)
    if text is None:
        return None
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a timestamp; use ISO 8601") from None


class Bid(BaseModel):
    """One bid in a regional flex tender. Units are in the field names."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    bid_id: Id
    bidder: Annotated[str | None, BeforeValidator(_text)] = None
    area_id: Id
    asset: Literal["existing", "new"]
    action: Action = Field(description="What the asset does when called.")
    technology: Annotated[str, BeforeValidator(lambda v: _text(v) or "")] = ""
    mw: PositiveMW
    divisible: Flag = False
    min_mw: NonNegative = None
    windows: Annotated[list[Window], BeforeValidator(_windows)] = Field(
        default_factory=list, description="Availability windows; none means always."
    )
    max_activations_per_year: Annotated[int | None, BeforeValidator(_count)]
    max_duration_h: PositiveNumber
    availability_eur_per_mw_yr: ZeroOrMore = 0.0
    activation_eur_per_mwh: ZeroOrMore = 0.0
    co2_kg_per_mwh: ZeroOrMore = 0.0
    start_date: Date
    submitted_at: Annotated[datetime | None, BeforeValidator(_timestamp)] = None

    @model_validator(mode="after")
    def _consistent(self) -> Bid:
        if self.mw is None:
            raise ValueError("mw is required")
        if self.max_activations_per_year is None:
            raise ValueError("max_activations_per_year is required")
        if self.max_duration_h is None:
            raise ValueError("max_duration_h is required")
        if self.start_date is None:
            raise ValueError("start_date is required (YYYY-MM-DD)")
        if self.min_mw is not None and self.min_mw > self.mw:
            raise ValueError(f"min_mw {self.min_mw:g} exceeds mw {self.mw:g}")
        if self.min_mw is not None and self.min_mw > 0 and not self.divisible:
            raise ValueError("min_mw is only meaningful for a divisible bid")
        if self.max_duration_h > 8784:
            raise ValueError("max_duration_h exceeds the hours in a year")
        return self

    @property
    def relieves(self) -> str:
        """The congestion direction this bid relieves: offtake or feedin."""
        return RELIEVES[self.action]

    @property
    def min_accept_mw(self) -> float:
        """Smallest MW the operator may accept: mw if indivisible, else min_mw (default 0)."""
        if not self.divisible:
            return float(self.mw)  # type: ignore[arg-type]
        return float(self.min_mw or 0.0)


class BidRejection(BaseModel):
    """A bid that could not enter the clearing, and why."""

    bid_id: str | None
    row: int | None = None
    column: str | None = None
    reason: str
    file: str | None = None

    def __str__(self) -> str:
        where = ", ".join(
            x
            for x in (
                self.file,
                None if self.row is None else f"row {self.row}",
                None if self.column is None else f"column '{self.column}'",
            )
            if x
        )
        who = f"bid {self.bid_id}" if self.bid_id else "a bid"
        return f"{who} ({where}): {self.reason}" if where else f"{who}: {self.reason}"


@dataclass
class BidSet:
    """Valid bids and rejected ones (with reasons), in file order."""

    bids: list[Bid] = field(default_factory=list)
    rejected: list[BidRejection] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # bid_id -> row, for messages
    file: str | None = None


def _rejections_from(
    exc: ValidationError, rec: dict, row: int, file: str | None
) -> list[BidRejection]:
    out = []
    bid_id = _text(rec.get("bid_id"))
    for err in exc.errors():
        col = str(err["loc"][0]) if err["loc"] else None
        msg = err["msg"].removeprefix("Value error, ")
        value = rec.get(col) if col else None
        shown = f" (got {value!r})" if col and value not in (None, "") else ""
        out.append(BidRejection(bid_id=bid_id, row=row, column=col, reason=msg + shown, file=file))
    return out


def parse_bids(records: list[dict], file: str | None = None) -> BidSet:
    """Validate bid records (dicts); bad ones become rejections, duplicates of an id too."""
    out = BidSet(file=file)
    for i, rec in enumerate(records, start=1):
        try:
            bid = Bid.model_validate(rec)
        except ValidationError as exc:
            out.rejected.extend(_rejections_from(exc, rec, i, file))
            continue
        if bid.bid_id in out.rows:
            out.rejected.append(
                BidRejection(
                    bid_id=bid.bid_id,
                    row=i,
                    column="bid_id",
                    reason=f"duplicate bid id (first in row {out.rows[bid.bid_id]})",
                    file=file,
                )
            )
            continue
        out.rows[bid.bid_id] = i
        out.bids.append(bid)
    return out


def read_bids(path: str | Path, strict: bool = False) -> BidSet:
    """Bids from a CSV or JSON file (a list of objects, or {"bids": [...]})."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        text = decode_text(path)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid JSON: {exc.msg}", file=path, row=exc.lineno) from None
        if isinstance(data, dict) and "bids" in data:
            data = data["bids"]
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise InputError('expected a list of bid objects (or {"bids": [...]})', file=path)
        header = sorted({k for r in data for k in r})
        records = data
    else:
        header, records = read_csv_records(path)
    _check_columns(header, path)
    bids = parse_bids(records, str(path))
    if strict and bids.rejected:
        raise InputErrors(
            [InputError(r.reason, file=path, row=r.row, column=r.column) for r in bids.rejected]
        )
    return bids


def _check_columns(header: list[str], path: Path) -> None:
    fields = Bid.model_fields
    errors = []
    for col in header:
        if col not in fields:
            close = difflib.get_close_matches(col, list(fields), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            errors.append(InputError(f"unknown column{hint}", file=path, column=col))
    for name, f in fields.items():
        if f.is_required() and name not in header:
            errors.append(InputError("required column is missing", file=path, column=name))
    if errors:
        raise InputErrors(errors)


def check_against_needs(bids: BidSet, needs: list[Need]) -> BidSet:
    """Reject bids that no need of this tender can use: unknown area, wrong direction, windows
    or start date outside the delivery year. Eligibility per block is the clearing's job."""
    if not needs:
        return bids
    year = needs[0].year
    areas: dict[str, set[str]] = {}
    for n in needs:
        for a in n.areas:
            areas.setdefault(a, set()).add(n.direction)
    out = BidSet(rows=dict(bids.rows), rejected=list(bids.rejected), file=bids.file)
    for bid in bids.bids:
        row = bids.rows.get(bid.bid_id)
        reason, column = "", None
        if bid.area_id not in areas:
            reason, column = f"area {bid.area_id!r} has no need in this tender", "area_id"
        elif bid.relieves not in areas[bid.area_id]:
            reason = (
                f"a {bid.action!r} bid relieves {bid.relieves} congestion, but area "
                f"{bid.area_id} needs {' and '.join(sorted(areas[bid.area_id]))} flex"
            )
            column = "action"
        elif bid.start_date > date(year, 12, 31):  # type: ignore[operator]
            reason = f"start date {bid.start_date} is after the delivery year {year}"
            column = "start_date"
        else:
            for w in bid.windows:
                why = w.outside_year(year)
                if why:
                    reason, column = why, "windows"
                    break
        if reason:
            out.rejected.append(
                BidRejection(
                    bid_id=bid.bid_id, row=row, column=column, reason=reason, file=bids.file
                )
            )
        else:
            out.bids.append(bid)
    return out


def bids_from_frame_records(records: list[dict]) -> BidSet:
    """Bids made by code (e.g. from flex assets); same checks as a file."""
    return parse_bids(records, None)

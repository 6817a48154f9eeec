"""Row schemas of the region tables. One pydantic model per table row; units are in the names."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from netruimte.region.values import (
    MW,
    Count,
    Date,
    Flag,
    Fraction,
    MWh,
    NonNegative,
    Number,
    PositiveMW,
    Text,
    _text,
)

_ID = re.compile(r"^[^\x00-\x1f\x7f]{1,200}$")


def _id(value: object) -> str:
    text = _text(value)
    if text is None:
        raise ValueError("an id is required")
    if not _ID.match(text):
        raise ValueError(f"{text!r} is not a valid id (1-200 characters, no control characters)")
    return text


def _required_text(value: object) -> str:
    text = _text(value)
    if text is None:
        raise ValueError("a value is required")
    return text


Id = Annotated[str, BeforeValidator(_id)]
OptionalId = Annotated[str | None, BeforeValidator(lambda v: None if _text(v) is None else _id(v))]

# Asset classes of the load components, and the quantity each is counted in.
ASSET_CLASSES: dict[str, str] = {
    "households": "count",  # connections; optional annual_mwh overrides the default use
    "businesses": "annual_mwh",
    "industry": "annual_mwh",
    "heat_pumps": "count",
    "ev_charge_points": "count",
    "pv": "capacity_mw",  # MWp
    "wind": "capacity_mw",
    "batteries": "capacity_mw",
}
AssetClass = Literal[
    "households",
    "businesses",
    "industry",
    "heat_pumps",
    "ev_charge_points",
    "pv",
    "wind",
    "batteries",
]

# Profile classes of queue requests; the direction each may take.
PROFILE_DIRECTIONS: dict[str, tuple[str, ...]] = {
    "business": ("offtake",),
    "industry": ("offtake",),
    "datacenter": ("offtake",),
    "heat_pump": ("offtake",),
    "ev_charging": ("offtake",),
    "housing": ("offtake",),
    "electrolyser": ("offtake",),
    "flat": ("offtake", "feedin"),
    "battery": ("offtake", "feedin"),
    "pv": ("feedin",),
    "wind": ("feedin",),
    "chp": ("feedin",),
}
ProfileClass = Literal[
    "business",
    "industry",
    "datacenter",
    "heat_pump",
    "ev_charging",
    "housing",
    "electrolyser",
    "flat",
    "battery",
    "pv",
    "wind",
    "chp",
]
Direction = Literal["offtake", "feedin"]
# ACM prioritisation framework (Dec 2025): 1 relief, 2 safety, 3 basic needs, else FCFS.
Category = Literal["relief", "safety", "basic", "other"]
_CATEGORY_ALIASES = {
    "1": "relief",
    "2": "safety",
    "3": "basic",
    "0": "other",
    "-": "other",
    "none": "other",
    "": "other",
}


def _category(value: object) -> str:
    text = (_text(value) or "").lower()
    return _CATEGORY_ALIASES.get(text, text)


class Row(BaseModel):
    """Base of every table row: no unknown fields, strings stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class AreaRow(Row):
    """A supply area (voedingsgebied) or a TenneT area above it."""

    area_id: Id
    name: Text = None
    operator: Annotated[str, BeforeValidator(_required_text)]
    level: Literal["tso", "dso"] = "dso"
    parent_id: OptionalId = None
    capacity_offtake_mw: MW = None  # empty = unknown (not constraining)
    capacity_feedin_mw: MW = None
    lat: Number = None
    lon: Number = None
    bbox_west: Number = None
    bbox_south: Number = None
    bbox_east: Number = None
    bbox_north: Number = None
    queue_offtake_mw: MW = None  # as published on the capacity map
    queue_feedin_mw: MW = None
    requests_offtake: Count = None
    requests_feedin: Count = None
    required_offtake_mw: MW = None
    required_feedin_mw: MW = None
    year_solved_offtake: Count = None
    year_solved_feedin: Count = None
    upstream_status_offtake: Count = None  # TenneT status above the area: 0 free .. 3 queue
    upstream_status_feedin: Count = None
    province: Text = None

    @model_validator(mode="after")
    def _coordinates(self) -> AreaRow:
        if self.lat is not None and not -90 <= self.lat <= 90:
            raise ValueError(f"lat {self.lat:g} is outside -90..90")
        if self.lon is not None and not -180 <= self.lon <= 180:
            raise ValueError(f"lon {self.lon:g} is outside -180..180")
        box = (self.bbox_west, self.bbox_south, self.bbox_east, self.bbox_north)
        if any(v is not None for v in box):
            if any(v is None for v in box):
                raise ValueError("give all four of bbox_west, bbox_south, bbox_east, bbox_north")
            if self.bbox_west > self.bbox_east or self.bbox_south > self.bbox_north:  # type: ignore[operator]
                raise ValueError("bbox is inverted (west > east or south > north)")
        if self.parent_id is not None and self.parent_id == self.area_id:
            raise ValueError("an area cannot be its own parent")
        return self


class ComponentRow(Row):
    """A load component of an area: an asset class with its count, annual energy or capacity."""

    area_id: Id
    asset_class: AssetClass
    count: Count = None
    annual_mwh: MWh = None
    capacity_mw: MW = None

    @model_validator(mode="after")
    def _quantity(self) -> ComponentRow:
        need = ASSET_CLASSES[self.asset_class]
        if getattr(self, need) is None:
            raise ValueError(f"asset class {self.asset_class!r} needs column {need!r}")
        return self


class QueueRow(Row):
    """A connection or transport request on the waiting list (wachtrij)."""

    request_id: Id
    area_id: Id
    direction: Direction
    mw: PositiveMW
    category: Annotated[Category, BeforeValidator(_category)] = "other"
    submitted: Date
    profile_class: ProfileClass = "flat"
    flexible_share: Fraction = 0.0
    name: Text = None
    # Category 1 (congestion relievers): the five efficiency criteria of the ACM framework.
    controllable_mw: MW = None
    available_from: Date = None
    available_hours_per_year: NonNegative = None
    price_eur_per_mwh: NonNegative = None
    reservation: Text = None  # e.g. "housing": draws on a capacity reservation

    @model_validator(mode="after")
    def _consistent(self) -> QueueRow:
        if self.submitted is None:
            raise ValueError("submitted date is required (YYYY-MM-DD)")
        if self.direction not in PROFILE_DIRECTIONS[self.profile_class]:
            raise ValueError(
                f"profile class {self.profile_class!r} cannot be a {self.direction} request"
            )
        if self.category in ("safety", "basic") and self.direction != "offtake":
            raise ValueError(f"category {self.category!r} is for offtake requests only")
        if (
            self.controllable_mw is not None
            and self.mw is not None
            and self.controllable_mw > self.mw
        ):
            raise ValueError("controllable_mw exceeds mw")
        if self.available_hours_per_year is not None and self.available_hours_per_year > 8784:
            raise ValueError("available_hours_per_year exceeds the hours in a year")
        return self


class FlexAssetRow(Row):
    """Flex that can relieve an area: contracted (CBC, redispatch, tender) or only expected."""

    asset_id: Id
    area_id: Id
    direction: Direction  # the congestion direction it relieves
    technology: Text = None
    mw: PositiveMW
    contracted: Flag = True
    max_hours_per_year: NonNegative = None
    max_activations_per_year: Count = None
    max_duration_h: NonNegative = None
    availability_eur_per_mw_yr: NonNegative = 0.0
    activation_eur_per_mwh: NonNegative = 0.0
    co2_kg_per_mwh: NonNegative = 0.0

    @model_validator(mode="after")
    def _limits(self) -> FlexAssetRow:
        if self.max_hours_per_year is not None and self.max_hours_per_year > 8784:
            raise ValueError("max_hours_per_year exceeds the hours in a year")
        return self


class ProjectRow(Row):
    """A planned grid reinforcement of an area (from the capacity map)."""

    area_id: Id
    name: Text = None
    year: Count = None
    quarter: Count = None
    operator: Text = None
    source: Text = None


TABLES: dict[str, type[Row]] = {
    "areas": AreaRow,
    "load_components": ComponentRow,
    "queue": QueueRow,
    "flex_assets": FlexAssetRow,
    "projects": ProjectRow,
}
REQUIRED_TABLES = ("areas",)

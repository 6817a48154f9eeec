"""Request and response models of the API (they make the published OpenAPI spec)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

Direction = Literal["offtake", "feedin"]


class ErrorOut(BaseModel):
    """Every refusal: a machine code and a message; extra fields name what was wrong."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str


class BBox(BaseModel):
    west: float
    south: float
    east: float
    north: float


class PerDirection(BaseModel):
    offtake: float | None
    feedin: float | None


class QueueCounts(BaseModel):
    admitted_requests: int
    admitted_mw: float
    waiting_requests: int
    waiting_mw: float


class AreaOut(BaseModel):
    """A supply area (or TenneT area) with its headline congestion and queue numbers."""

    area_id: str
    name: str | None
    operator: str | None
    level: str | None
    parent_id: str | None
    province: str | None
    capacity_offtake_mw: float | None
    capacity_feedin_mw: float | None
    lat: float | None
    lon: float | None
    bbox: BBox | None
    congested_hours_per_year: PerDirection
    shortage_mwh_per_year: PerDirection
    shortage_mw_max: PerDirection
    queue: QueueCounts


class ShortHorizonOut(BaseModel):
    """A short-horizon forecast table (day-ahead flexradar or monthly outlook per day)."""

    area_id: str | None = None
    horizon: str
    source: str
    rows: list[dict[str, Any]]


class LoadDurationOut(BaseModel):
    area_id: str
    hours: list[float]
    load_mw: dict[str, list[float]]
    capacity_offtake_mw: float | None
    capacity_feedin_mw: float | None
    note: str


class QueueSummary(BaseModel):
    model_config = ConfigDict(extra="allow")
    requests: int
    mw: float
    admitted_requests: int
    admitted_mw: float
    waiting_requests: int
    waiting_mw: float


class AreaQueueOut(BaseModel):
    area_id: str
    summary: QueueSummary
    requests: list[dict[str, Any]]


class QueueOut(BaseModel):
    summary: QueueSummary
    areas: list[dict[str, Any]]


class HealthOut(BaseModel):
    status: Literal["ok"]
    region: str
    areas: int
    target_year: int
    database: str


class MeOut(BaseModel):
    party_id: str | None
    name: str
    role: str


class TenderCreate(BaseModel):
    """The operator's request for a tender on an area's need."""

    model_config = ConfigDict(extra="forbid")
    area_id: str = Field(min_length=1, max_length=200)
    direction: Direction
    deadline: AwareDatetime
    title: str | None = Field(default=None, max_length=300)


class TenderOut(BaseModel):
    id: str
    area_id: str
    direction: str
    title: str
    need: dict[str, Any]
    deadline: datetime
    status: str
    accepting_bids: bool
    created_at: datetime
    cleared_at: datetime | None


class BidOut(BaseModel):
    """A bid as its owner (or, after clearing, the operator) sees it."""

    id: str
    tender_id: str
    status: str
    version: int
    bid: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    party: str | None = None


class ResultOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    tender_id: str
    view: Literal["operator", "bidder"]
    summary: dict[str, Any]
    scorecards: dict[str, Any]
    ranking: list[dict[str, Any]]


class AuditOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    tender_id: str | None
    detail: dict[str, Any]

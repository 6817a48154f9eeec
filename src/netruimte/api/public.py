"""Public read endpoints: areas, flex expectation per area and horizon, load-duration, queue."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from netruimte.api.horizons import Horizon, missing_horizon
from netruimte.api.readmodel import AreaView
from netruimte.api.schemas import (
    AreaOut,
    AreaQueueOut,
    ErrorOut,
    HealthOut,
    LoadDurationOut,
    QueueOut,
    ShortHorizonOut,
)
from netruimte.api.service import Service, get_service
from netruimte.flex.product import FlexExpectationProduct
from netruimte.store.errors import NotFound

router = APIRouter(prefix="/api", tags=["public"])
Svc = Annotated[Service, Depends(get_service)]
JSON = "application/json"
CSV = "text/csv; charset=utf-8"
NOT_FOUND = {404: {"model": ErrorOut, "description": "unknown area or unavailable horizon"}}


class Format(StrEnum):
    json = "json"
    csv = "csv"


FormatQ = Annotated[Format, Query(description="json (default) or csv")]


def _json(body: bytes) -> Response:
    return Response(body, media_type=JSON)


def _pick(fmt: Format, json_body: bytes, csv_body: bytes, filename: str) -> Response:
    if fmt is Format.csv:
        return Response(
            csv_body,
            media_type=CSV,
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )
    return _json(json_body)


def _with_csv(model: type, description: str) -> dict:
    return {
        200: {
            "model": model,
            "description": description,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }


def _area(service: Service, area_id: str) -> AreaView:
    view = service.data.by_area.get(area_id)
    if view is None:
        raise NotFound("no such area", area_id=area_id)
    return view


@router.get("/health", response_model=HealthOut)
async def health(service: Svc) -> HealthOut:
    """Liveness and what is served."""
    return HealthOut(
        status="ok",
        region=service.data.region_name,
        areas=len(service.data.areas),
        target_year=service.data.target_year,
        database=service.db.engine.dialect.name,
    )


@router.get("/summary", responses={200: {"description": "headline numbers of the run"}})
async def summary(service: Svc) -> Response:
    """Headline numbers of the run (as summary.json of `netruimte run`)."""
    return _json(service.data.summary_json)


@router.get("/areas", response_model=list[AreaOut])
async def areas(service: Svc) -> Response:
    """All areas with bounding box, congested hours per year and queue counts."""
    return _json(service.data.areas_json)


@router.get("/areas/{area_id}", response_model=AreaOut, responses=NOT_FOUND)
async def area(service: Svc, area_id: str) -> AreaOut:
    """One area."""
    return AreaOut.model_validate(_area(service, area_id).info)


@router.get(
    "/flex/{horizon}",
    responses={
        **_with_csv(
            FlexExpectationProduct | ShortHorizonOut,
            "annual: the flex expectation product (CSV: the flat statistics); day-ahead, "
            "monthly: the forecast tables",
        ),
        **NOT_FOUND,
    },
)
async def flex_table(service: Svc, horizon: Horizon, format: FormatQ = Format.json) -> Response:
    """The flex expectation of every area: annual (schema flex_expectation 1.0.0) or, where
    the region has measured load, the day-ahead and monthly forecast tables."""
    d = service.data
    name = f"flex_{horizon.value}.csv"
    if horizon is Horizon.annual:
        return _pick(format, d.flex_all_json, d.flex_all_csv, name)
    short = d.short_all.get(horizon.value)
    if short is None:
        raise missing_horizon(horizon, ["annual", *d.short_all], None)
    return _pick(format, short.json, short.csv, name)


@router.get(
    "/areas/{area_id}/flex/{horizon}",
    responses={
        **_with_csv(
            FlexExpectationProduct | ShortHorizonOut,
            "annual: the product for this one area (CSV: its flat statistics); day-ahead, "
            "monthly: the area's forecast table",
        ),
        **NOT_FOUND,
    },
)
async def area_flex(
    service: Svc, area_id: str, horizon: Horizon, format: FormatQ = Format.json
) -> Response:
    """The flex expectation of one area: per direction how often, how long, when, how much
    (annual); the forecast table where the area has measured load (day-ahead, monthly)."""
    view = _area(service, area_id)
    name = f"flex_{area_id}_{horizon.value}.csv"
    if horizon is Horizon.annual:
        return _pick(format, view.flex_json, view.flex_csv, name)
    short = view.short.get(horizon.value)
    if short is None:
        raise missing_horizon(horizon, ["annual", *view.short], area_id)
    return _pick(format, short.json, short.csv, name)


@router.get(
    "/areas/{area_id}/flex/{horizon}/heatmap.csv",
    responses={200: {"content": {"text/csv": {"schema": {"type": "string"}}}}, **NOT_FOUND},
    response_class=Response,
)
async def area_heatmap_csv(service: Svc, area_id: str, horizon: Horizon) -> Response:
    """The month × local-hour heatmap of one area as a long CSV table (annual horizon)."""
    view = _area(service, area_id)
    if horizon is not Horizon.annual:
        raise missing_horizon(horizon, ["annual"], area_id)
    return Response(view.heatmap_csv, media_type=CSV)


@router.get("/areas/{area_id}/load-duration", response_model=LoadDurationOut, responses=NOT_FOUND)
async def load_duration(service: Svc, area_id: str) -> Response:
    """The load-duration curve of one area per weather year, with both capacities."""
    return _json(_area(service, area_id).ldc_json)


@router.get(
    "/areas/{area_id}/queue",
    responses={
        **_with_csv(AreaQueueOut, "queue requests of the area and their outcome"),
        **NOT_FOUND,
    },
)
async def area_queue(service: Svc, area_id: str, format: FormatQ = Format.json) -> Response:
    """Queue status of one area: every request with its outcome and reason, in priority order."""
    view = _area(service, area_id)
    return _pick(format, view.queue_json, view.queue_csv, f"queue_{area_id}.csv")


@router.get("/queue", responses=_with_csv(QueueOut, "queue status per area"))
async def queue(service: Svc, format: FormatQ = Format.json) -> Response:
    """Queue status per area: admitted and waiting requests and MW."""
    d = service.data
    return _pick(format, d.queue_all_json, d.queue_all_csv, "queue.csv")

"""The web face: a map of the areas and an area page, static files served by the API app.

Works without internet: plotly.js is served from the plotly Python package that netruimte
depends on, the pages fetch only this app's own /api endpoints, and the map draws the areas'
bounding boxes (no tile server).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import plotly
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(str(files("netruimte.web"))) / "static"
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
CACHE = {"Cache-Control": "public, max-age=3600"}

router = APIRouter(include_in_schema=False)


def _page(name: str) -> HTMLResponse:
    return HTMLResponse((STATIC_DIR / name).read_text(encoding="utf-8"))


@router.get("/")
async def index() -> HTMLResponse:
    """The map page."""
    return _page("index.html")


@router.get("/areas/{area_id}")
async def area_page(request: Request, area_id: str) -> Response:
    """The page of one area (404 page for an unknown area)."""
    if area_id not in request.app.state.service.data.by_area:
        return HTMLResponse(
            "<!doctype html><title>Unknown area</title><h1>Unknown area</h1>"
            '<p><a href="/">Back to the map</a></p>',
            status_code=404,
        )
    return _page("area.html")


@router.get("/vendor/plotly.min.js")
async def plotly_js() -> FileResponse:
    """plotly.js from the installed plotly package (no CDN)."""
    return FileResponse(PLOTLY_JS, media_type="text/javascript", headers=CACHE)


def static_files() -> StaticFiles:
    """The page assets (CSS, JS) under /static."""
    return StaticFiles(directory=STATIC_DIR)

"""The FastAPI app factory: public reads, tenders with sealed bids, and the web pages."""

from __future__ import annotations

from fastapi import FastAPI

from netruimte import __version__
from netruimte.api import errors, public
from netruimte.api.market import MarketBridge, market_bridge
from netruimte.api.readmodel import ReadModel
from netruimte.api.service import Clock, Service, utc_now
from netruimte.api.tenders import tender_router
from netruimte.store.db import Database

DESCRIPTION = """
Flex expectation, queue status and regional flex tenders of one region.

* **Public** (no token): areas, the flex expectation per area and horizon (JSON and CSV),
  load-duration curves, queue status, tenders and their needs.
* **Bidders** (bearer token): submit, modify and withdraw their own sealed bids until the
  deadline; after clearing, their own scorecards and the anonymised ranking.
* **Operator** (bearer token): create tenders from an area's need, clear them after the
  deadline, see all bids and the audit log once cleared.

Writes accept an `Idempotency-Key` header. Errors are JSON: `{"error": code, "message": text}`.
"""


def create_app(
    data: ReadModel,
    db: Database,
    clock: Clock = utc_now,
    market: MarketBridge | None = None,
) -> FastAPI:
    """The app serving `data` (one computed run) with tenders kept in `db`."""
    from netruimte import web

    app = FastAPI(
        title="netruimte",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/api/openapi.json",
        docs_url=None,  # the Swagger UI would load from a CDN; the spec is enough offline
        redoc_url=None,
    )
    app.state.service = Service(data=data, db=db, clock=clock)
    errors.install(app)
    app.include_router(public.router)
    app.include_router(tender_router(market or market_bridge()))
    app.include_router(web.router)
    app.mount("/static", web.static_files(), name="static")
    return app

"""Tender endpoints: the operator creates and clears; bidders submit, modify, withdraw.

Bids are sealed until clearing (see netruimte.store.tenders for the rules). Writes take an
optional `Idempotency-Key` header: a retry with the same key and body returns the first
answer (with `Idempotent-Replayed: true`) and writes nothing again.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse

from netruimte.api.auth import AnyActor, Bidder, Operator
from netruimte.api.market import BidIn, MarketBridge
from netruimte.api.schemas import (
    AuditOut,
    BidOut,
    ErrorOut,
    MeOut,
    ResultOut,
    TenderCreate,
    TenderOut,
)
from netruimte.api.service import Service, get_service
from netruimte.store import audit as audit_log
from netruimte.store import tenders as lifecycle
from netruimte.store.errors import NotFound
from netruimte.store.idempotency import fingerprint, run_once
from netruimte.store.models import Bid, Tender
from netruimte.store.parties import party_names

Svc = Annotated[Service, Depends(get_service)]
IdemKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Unique per intended write (e.g. a UUID); a retry with the same key and "
        "body returns the first answer and writes nothing again.",
        max_length=200,
    ),
]
IfMatch = Annotated[
    int | None,
    Header(alias="If-Match", description="Expected bid version (optimistic locking).", ge=1),
]


def _errors(*codes: int) -> dict:
    text = {
        400: "the body is not valid JSON",
        401: "no valid token",
        403: "the caller's role may not do this",
        404: "no such tender or bid (the same answer for another party's bid)",
        409: "the tender is closed, not cleared, cleared already, or bids are sealed",
        422: "invalid request",
    }
    return {c: {"model": ErrorOut, "description": text[c]} for c in codes}


def tender_out(tender: Tender, now) -> dict:
    return TenderOut(
        id=tender.id,
        area_id=tender.area_id,
        direction=tender.direction,
        title=tender.title,
        need=tender.need,
        deadline=tender.deadline,
        status=tender.status,
        accepting_bids=lifecycle.is_open(tender, now),
        created_at=tender.created_at,
        cleared_at=tender.cleared_at,
    ).model_dump(mode="json")


def bid_out(bid: Bid, party: str | None = None) -> dict:
    return BidOut(
        id=bid.id,
        tender_id=bid.tender_id,
        status=bid.status,
        version=bid.version,
        bid=bid.payload,
        created_at=bid.created_at,
        updated_at=bid.updated_at,
        party=party,
    ).model_dump(mode="json")


def _answer(status: int, body: dict, replayed: bool) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return JSONResponse(body, status_code=status, headers=headers)


def tender_router(market: MarketBridge) -> APIRouter:
    """The tender routes, with bids validated by the market's Bid model."""
    router = APIRouter(prefix="/api", tags=["tenders"])

    @router.get("/me", response_model=MeOut, responses=_errors(401))
    def me(caller: AnyActor) -> MeOut:
        """Who the token belongs to."""
        return MeOut(party_id=caller.party_id, name=caller.name, role=caller.role)

    @router.get("/tenders", response_model=list[TenderOut])
    def list_tenders(
        service: Svc,
        area_id: Annotated[str | None, Query(max_length=200)] = None,
        status: Annotated[str | None, Query(pattern="^(open|cleared)$")] = None,
    ) -> list[dict]:
        """All tenders (public: area, need, deadline, status; never bids or bid counts)."""
        now = service.clock()
        with service.db.reading() as s:
            return [tender_out(t, now) for t in lifecycle.list_tenders(s, area_id, status)]

    @router.post(
        "/tenders",
        status_code=201,
        response_model=TenderOut,
        responses=_errors(400, 401, 403, 404, 422),
    )
    def create_tender(
        request: Request,
        service: Svc,
        caller: Operator,
        body: TenderCreate,
        idempotency_key: IdemKey = None,
    ) -> JSONResponse:
        """Create a tender from an area's need (operator only)."""
        if body.area_id not in service.data.by_area:
            raise NotFound("no such area", area_id=body.area_id)
        need = market.need_for(service.data, body.area_id, body.direction)
        now = service.clock()

        def write(session) -> tuple[int, dict]:
            tender = lifecycle.create_tender(
                session,
                caller,
                area_id=body.area_id,
                direction=body.direction,
                title=body.title or f"Flex tender {body.area_id} {body.direction}",
                need=need,
                deadline=body.deadline,
                now=now,
            )
            return 201, tender_out(tender, now)

        fp = fingerprint("POST", request.url.path, body.model_dump(mode="json"))
        return _answer(*run_once(service.db, caller.party_id, idempotency_key, fp, now, write))

    @router.get("/tenders/{tender_id}", response_model=TenderOut, responses=_errors(404))
    def get_tender(service: Svc, tender_id: str) -> dict:
        """One tender (public)."""
        with service.db.reading() as s:
            return tender_out(lifecycle.get_tender(s, tender_id), service.clock())

    @router.post(
        "/tenders/{tender_id}/bids",
        status_code=201,
        response_model=BidOut,
        responses=_errors(400, 401, 403, 404, 409, 422),
    )
    def submit_bid(
        request: Request,
        service: Svc,
        caller: Bidder,
        tender_id: str,
        body: BidIn,
        idempotency_key: IdemKey = None,
    ) -> JSONResponse:
        """Submit a sealed bid before the deadline (bidders only)."""
        payload = market.bid_payload(body)
        now = service.clock()

        def write(session) -> tuple[int, dict]:
            tender = lifecycle.get_tender(session, tender_id)
            market.check_bid(body, tender)
            return 201, bid_out(lifecycle.submit_bid(session, caller, tender_id, payload, now))

        fp = fingerprint("POST", request.url.path, payload)
        return _answer(*run_once(service.db, caller.party_id, idempotency_key, fp, now, write))

    @router.get(
        "/tenders/{tender_id}/bids",
        response_model=list[BidOut],
        responses=_errors(401, 404, 409),
    )
    def list_bids(service: Svc, caller: AnyActor, tender_id: str) -> list[dict]:
        """A bidder's own bids; all bids for the operator once the tender is cleared."""
        with service.db.reading() as s:
            bids = lifecycle.visible_bids(s, caller, tender_id)
            names = party_names(s) if caller.is_operator else {}
            return [bid_out(b, names.get(b.party_id)) for b in bids]

    @router.get(
        "/tenders/{tender_id}/bids/{bid_id}",
        response_model=BidOut,
        responses=_errors(401, 404, 409),
    )
    def get_bid(service: Svc, caller: AnyActor, tender_id: str, bid_id: str) -> dict:
        """One bid, under the same rules as the list."""
        with service.db.reading() as s:
            bid = lifecycle.visible_bid(s, caller, tender_id, bid_id)
            names = party_names(s) if caller.is_operator else {}
            return bid_out(bid, names.get(bid.party_id))

    @router.put(
        "/tenders/{tender_id}/bids/{bid_id}",
        response_model=BidOut,
        responses=_errors(400, 401, 403, 404, 409, 422),
    )
    def modify_bid(
        request: Request,
        service: Svc,
        caller: Bidder,
        tender_id: str,
        bid_id: str,
        body: BidIn,
        idempotency_key: IdemKey = None,
        if_match: IfMatch = None,
    ) -> JSONResponse:
        """Replace one's own bid before the deadline; the version goes up by one."""
        payload = market.bid_payload(body)
        now = service.clock()

        def write(session) -> tuple[int, dict]:
            tender = lifecycle.get_tender(session, tender_id)
            lifecycle.visible_bid(session, caller, tender_id, bid_id)  # NotFound first
            market.check_bid(body, tender)
            bid = lifecycle.modify_bid(
                session, caller, tender_id, bid_id, payload, now, expected_version=if_match
            )
            return 200, bid_out(bid)

        fp = fingerprint("PUT", request.url.path, {"bid": payload, "if_match": if_match})
        return _answer(*run_once(service.db, caller.party_id, idempotency_key, fp, now, write))

    @router.delete(
        "/tenders/{tender_id}/bids/{bid_id}",
        response_model=BidOut,
        responses=_errors(401, 403, 404, 409),
    )
    def withdraw_bid(service: Svc, caller: Bidder, tender_id: str, bid_id: str) -> dict:
        """Withdraw one's own bid before the deadline (idempotent)."""
        now = service.clock()
        with service.db.writing() as s:
            return bid_out(lifecycle.withdraw_bid(s, caller, tender_id, bid_id, now))

    @router.post(
        "/tenders/{tender_id}/clear",
        response_model=ResultOut,
        responses=_errors(401, 403, 404, 409),
    )
    def clear(service: Svc, caller: Operator, tender_id: str) -> dict:
        """Clear the tender after its deadline (operator only); returns the full result."""
        now = service.clock()
        db = service.db
        lifecycle.clear_tender(db.reading, db.writing, caller, tender_id, now, market.clearing)
        with db.reading() as s:
            return lifecycle.result_view(s, caller, tender_id)

    @router.get(
        "/tenders/{tender_id}/result",
        response_model=ResultOut,
        responses=_errors(401, 404, 409),
    )
    def result(service: Svc, caller: AnyActor, tender_id: str) -> dict:
        """After clearing: the operator sees everything; a bidder its own scorecards and the
        anonymised ranking."""
        with service.db.reading() as s:
            return lifecycle.result_view(s, caller, tender_id)

    @router.get("/audit", response_model=list[AuditOut], responses=_errors(401, 403))
    def audit(
        service: Svc,
        caller: Operator,
        after: Annotated[int, Query(ge=0, le=2**62)] = 0,
        limit: Annotated[int, Query(ge=1, le=1000)] = 500,
    ) -> list[dict]:
        """The audit log, oldest first (operator only; bid entries appear once cleared)."""
        with service.db.reading() as s:
            return [
                AuditOut(
                    seq=e.seq,
                    at=e.at,
                    actor=e.actor_name,
                    action=e.action,
                    object_type=e.object_type,
                    object_id=e.object_id,
                    tender_id=e.tender_id,
                    detail=e.detail,
                ).model_dump(mode="json")
                for e in audit_log.entries(s, after, limit)
            ]

    return router

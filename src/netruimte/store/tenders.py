"""Tender and bid lifecycle with sealed bids.

Rules:
- the operator creates a tender (area, direction, need, deadline in the future);
- a bidder submits, modifies and withdraws its own bids while `now < deadline`;
- before clearing nobody but the owner sees a bid, its existence or a count of bids: a bid of
  another party and a missing bid both give the same NotFound, and the operator gets Sealed;
- after the deadline the operator clears; then each bidder sees its own scorecards and the
  anonymised ranking, and the operator sees everything.
Every write appends an audit entry in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from netruimte.store import audit
from netruimte.store.audit import Actor
from netruimte.store.errors import Conflict, Forbidden, Invalid, NotFound, Sealed
from netruimte.store.models import Bid, Tender

BID_NOT_FOUND = "no such bid among your bids in this tender"
#: clearing(tender, active bids) -> the result document: "summary" (operator), "bidder_summary",
#: "scorecards" {bid_id: card}, "ranking" [rows with rank, status, bid_id, ...] and more
Clearing = Callable[[Tender, list[Bid]], dict]
#: What a bidder sees of each ranking row (besides whether it is its own).
BIDDER_RANKING_FIELDS = ("rank", "status")


def _require_operator(actor: Actor, what: str) -> None:
    if not actor.is_operator:
        raise Forbidden(f"only the grid operator may {what}")


def _require_bidder(actor: Actor, what: str) -> None:
    if not actor.is_bidder:
        raise Forbidden(f"only bidders may {what}")


def create_tender(
    session: Session,
    actor: Actor,
    *,
    area_id: str,
    direction: str,
    title: str,
    need: dict,
    deadline: datetime,
    now: datetime,
) -> Tender:
    """A new open tender; the deadline must lie in the future."""
    _require_operator(actor, "create tenders")
    if deadline <= now:
        raise Invalid("the deadline must lie in the future", field="deadline")
    tender = Tender(
        id=str(uuid.uuid4()),
        area_id=area_id,
        direction=direction,
        title=title,
        need=need,
        deadline=deadline,
        status="open",
        created_by=actor.party_id,
        created_at=now,
    )
    session.add(tender)
    session.flush()
    audit.append(
        session,
        actor,
        "tender.create",
        "tender",
        tender.id,
        now,
        {"area_id": area_id, "direction": direction, "deadline": deadline.isoformat()},
        tender_id=tender.id,
    )
    return tender


def get_tender(session: Session, tender_id: str, lock: str | None = None) -> Tender:
    """The tender (public); `lock` 'share' or 'update' takes a row lock on PostgreSQL."""
    q = select(Tender).where(Tender.id == tender_id)
    if lock == "share":
        q = q.with_for_update(read=True)
    elif lock == "update":
        q = q.with_for_update()
    tender = session.scalar(q)
    if tender is None:
        raise NotFound("no such tender")
    return tender


def list_tenders(
    session: Session, area_id: str | None = None, status: str | None = None
) -> list[Tender]:
    q = select(Tender).order_by(Tender.created_at, Tender.id)
    if area_id is not None:
        q = q.where(Tender.area_id == area_id)
    if status is not None:
        q = q.where(Tender.status == status)
    return list(session.scalars(q))


def is_open(tender: Tender, now: datetime) -> bool:
    """Bids may be written: not cleared and before the deadline."""
    return tender.status == "open" and now < tender.deadline


def _require_open(tender: Tender, now: datetime) -> None:
    if not is_open(tender, now):
        raise Conflict(
            f"the tender closed for bids at its deadline {tender.deadline.isoformat()}",
            deadline=tender.deadline.isoformat(),
        )


def _own_bid(session: Session, actor: Actor, tender_id: str, bid_id: str, lock: bool) -> Bid:
    q = select(Bid).where(
        Bid.id == bid_id, Bid.tender_id == tender_id, Bid.party_id == actor.party_id
    )
    if lock:
        q = q.with_for_update()
    bid = session.scalar(q)
    if bid is None:
        raise NotFound(BID_NOT_FOUND)
    return bid


def submit_bid(session: Session, actor: Actor, tender_id: str, payload: dict, now: datetime) -> Bid:
    """A new active bid of `actor`."""
    _require_bidder(actor, "submit bids")
    tender = get_tender(session, tender_id, lock="share")
    _require_open(tender, now)
    bid = Bid(
        id=str(uuid.uuid4()),
        tender_id=tender.id,
        party_id=actor.party_id,
        status="active",
        version=1,
        payload=payload,
        created_at=now,
        updated_at=now,
    )
    session.add(bid)
    session.flush()
    audit.append(
        session,
        actor,
        "bid.submit",
        "bid",
        bid.id,
        now,
        {"version": 1, "payload": payload},
        tender_id=tender.id,
    )
    return bid


def modify_bid(
    session: Session,
    actor: Actor,
    tender_id: str,
    bid_id: str,
    payload: dict,
    now: datetime,
    expected_version: int | None = None,
) -> Bid:
    """Replace the payload of one's own active bid; the version goes up by one."""
    _require_bidder(actor, "modify bids")
    tender = get_tender(session, tender_id, lock="share")
    bid = _own_bid(session, actor, tender_id, bid_id, lock=True)
    _require_open(tender, now)
    if bid.status != "active":
        raise Conflict("the bid is withdrawn; submit a new bid instead")
    if expected_version is not None and expected_version != bid.version:
        raise Conflict(
            f"the bid is at version {bid.version}, not {expected_version}", version=bid.version
        )
    bid.payload = payload
    bid.version += 1
    bid.updated_at = now
    audit.append(
        session,
        actor,
        "bid.modify",
        "bid",
        bid.id,
        now,
        {"version": bid.version, "payload": payload},
        tender_id=tender_id,
    )
    return bid


def withdraw_bid(session: Session, actor: Actor, tender_id: str, bid_id: str, now: datetime) -> Bid:
    """Withdraw one's own bid (kept with status 'withdrawn'); withdrawing twice is a no-op."""
    _require_bidder(actor, "withdraw bids")
    tender = get_tender(session, tender_id, lock="share")
    bid = _own_bid(session, actor, tender_id, bid_id, lock=True)
    _require_open(tender, now)
    if bid.status == "withdrawn":
        return bid
    bid.status = "withdrawn"
    bid.version += 1
    bid.updated_at = now
    audit.append(
        session,
        actor,
        "bid.withdraw",
        "bid",
        bid.id,
        now,
        {"version": bid.version},
        tender_id=tender_id,
    )
    return bid


def visible_bids(session: Session, actor: Actor, tender_id: str) -> list[Bid]:
    """Bids the actor may see: a bidder its own; the operator all, once cleared."""
    tender = get_tender(session, tender_id)
    q = select(Bid).where(Bid.tender_id == tender.id).order_by(Bid.created_at, Bid.id)
    if actor.is_operator:
        if tender.status != "cleared":
            raise Sealed("bids are sealed until the tender is cleared")
        return list(session.scalars(q))
    return list(session.scalars(q.where(Bid.party_id == actor.party_id)))


def visible_bid(session: Session, actor: Actor, tender_id: str, bid_id: str) -> Bid:
    """One bid, under the same rules as `visible_bids`."""
    tender = get_tender(session, tender_id)
    if actor.is_operator:
        if tender.status != "cleared":
            raise Sealed("bids are sealed until the tender is cleared")
        bid = session.scalar(select(Bid).where(Bid.id == bid_id, Bid.tender_id == tender.id))
        if bid is None:
            raise NotFound("no such bid in this tender")
        return bid
    return _own_bid(session, actor, tender_id, bid_id, lock=False)


def bids_for_clearing(
    session: Session, actor: Actor, tender_id: str, now: datetime
) -> tuple[Tender, list[Bid]]:
    """The tender and its active bids, once the deadline has passed (operator only).

    After the deadline no bid can be written, so the set read here is final; the clearing
    itself runs outside any write transaction.
    """
    _require_operator(actor, "clear tenders")
    tender = get_tender(session, tender_id)
    if tender.status == "cleared":
        raise Conflict("the tender is cleared already")
    if now < tender.deadline:
        raise Conflict(
            f"bids are open until the deadline {tender.deadline.isoformat()}; clear after it",
            deadline=tender.deadline.isoformat(),
        )
    bids = list(
        session.scalars(
            select(Bid)
            .where(Bid.tender_id == tender.id, Bid.status == "active")
            .order_by(Bid.created_at, Bid.id)
        )
    )
    return tender, bids


def record_clearing(
    session: Session, actor: Actor, tender_id: str, now: datetime, result: dict, n_bids: int
) -> Tender:
    """Store a clearing result and unseal the tender (refused if cleared meanwhile)."""
    _require_operator(actor, "clear tenders")
    tender = get_tender(session, tender_id, lock="update")
    if tender.status == "cleared":
        raise Conflict("the tender is cleared already")
    tender.result = result
    tender.status = "cleared"
    tender.cleared_at = now
    audit.append(
        session,
        actor,
        "tender.clear",
        "tender",
        tender.id,
        now,
        {"bids": n_bids, "summary": result.get("summary", {})},
        tender_id=tender.id,
    )
    return tender


def clear_tender(
    db_reading, db_writing, actor: Actor, tender_id: str, now: datetime, clearing: Clearing
) -> Tender:
    """Read the final bids, run `clearing` without holding a write lock, store the result.

    `db_reading` / `db_writing` are the session context factories of a Database.
    """
    with db_reading() as session:
        tender, bids = bids_for_clearing(session, actor, tender_id, now)
        result = clearing(tender, bids)
    with db_writing() as session:
        return record_clearing(session, actor, tender_id, now, result, len(bids))


def result_view(session: Session, actor: Actor, tender_id: str) -> dict:
    """The cleared result as the actor may see it.

    Operator: everything. Bidder: the public summary, its own scorecards and the anonymised
    ranking (rank and status only; its own rows are marked `yours`).
    """
    tender = get_tender(session, tender_id)
    if tender.status != "cleared" or tender.result is None:
        raise Conflict("the tender is not cleared yet")
    result = tender.result
    if actor.is_operator:
        return {"tender_id": tender.id, "view": "operator", **result}
    own_ids = set(
        session.scalars(
            select(Bid.id).where(Bid.tender_id == tender.id, Bid.party_id == actor.party_id)
        )
    )
    cards = {k: v for k, v in result.get("scorecards", {}).items() if k in own_ids}
    ranking = []
    for row in result.get("ranking", []):
        public = {k: row.get(k) for k in BIDDER_RANKING_FIELDS}
        public["yours"] = row.get("bid_id") in own_ids
        ranking.append(public)
    return {
        "tender_id": tender.id,
        "view": "bidder",
        "summary": result.get("bidder_summary", {}),
        "scorecards": cards,
        "ranking": ranking,
    }

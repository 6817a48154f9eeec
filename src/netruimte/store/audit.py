"""The append-only audit log: every write adds one entry in its own transaction.

Database triggers (see the initial migration) refuse UPDATE and DELETE on the table, so an
entry, once committed, stays as written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from netruimte.store.models import AuditEntry, Tender


@dataclass(frozen=True)
class Actor:
    """Who does something: a party with a role, or the operator's command line."""

    party_id: str | None
    name: str
    role: str  # bidder | operator

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"

    @property
    def is_bidder(self) -> bool:
        return self.role == "bidder"


CLI = Actor(None, "operator-cli", "operator")


def append(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: str,
    now: datetime,
    detail: dict | None = None,
    tender_id: str | None = None,
) -> AuditEntry:
    """Add an audit entry to the session's transaction."""
    entry = AuditEntry(
        at=now,
        actor_id=actor.party_id,
        actor_name=actor.name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        tender_id=tender_id,
        detail=detail or {},
    )
    session.add(entry)
    return entry


def entries(
    session: Session, after_seq: int = 0, limit: int = 500, include_sealed: bool = False
) -> list[AuditEntry]:
    """Entries after `after_seq`, oldest first.

    Unless `include_sealed`, entries about bids of tenders not yet cleared are left out: they
    would reveal that bids exist (and how many) before clearing.
    """
    q = select(AuditEntry).where(AuditEntry.seq > after_seq).order_by(AuditEntry.seq)
    if not include_sealed:
        cleared = select(Tender.id).where(Tender.status == "cleared")
        q = q.where((AuditEntry.object_type != "bid") | AuditEntry.tender_id.in_(cleared))
    return list(session.scalars(q.limit(limit)))

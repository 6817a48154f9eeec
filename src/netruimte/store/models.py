"""Tables of the service store: parties and their tokens, tenders, bids, idempotency, audit.

Timestamps are stored as naive UTC and read back tz-aware (UTC) on every backend. The schema
is created and changed only by the Alembic migrations in `store/migrations`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ROLES = ("bidder", "operator")
TENDER_STATUSES = ("open", "cleared")
BID_STATUSES = ("active", "withdrawn")


class UTCDateTime(TypeDecorator):
    """A UTC timestamp: tz-aware in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be tz-aware")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base of the store."""


class Party(Base):
    """A market party (bidder) or a grid operator user."""

    __tablename__ = "parties"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Token(Base):
    """A bearer token of a party; only a scrypt hash of its secret is stored."""

    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # public key id
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"), index=True)
    secret_hash: Mapped[bytes] = mapped_column(LargeBinary(64))
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    kdf: Mapped[str] = mapped_column(String(64))  # e.g. "scrypt:n=16384,r=8,p=1"
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Tender(Base):
    """A regional flex tender for one area and direction, built from the area's need."""

    __tablename__ = "tenders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    area_id: Mapped[str] = mapped_column(String(200), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(300))
    need: Mapped[dict] = mapped_column(JSON)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_by: Mapped[str] = mapped_column(ForeignKey("parties.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    result: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class Bid(Base):
    """A sealed bid of one party in one tender; withdrawn bids are kept (status)."""

    __tablename__ = "bids"
    __table_args__ = (Index("ix_bids_tender_party", "tender_id", "party_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    tender_id: Mapped[str] = mapped_column(ForeignKey("tenders.id"))
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    version: Mapped[int] = mapped_column(Integer, default=1)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdempotencyRecord(Base):
    """The stored answer to a write made with an Idempotency-Key, per party and key."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("party_id", "key", name="uq_idempotency_party_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("parties.id"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # sha256 of method, path and body
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """One write, appended in the same transaction as the write; never updated or deleted."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(200))
    tender_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    detail: Mapped[dict] = mapped_column(JSON)

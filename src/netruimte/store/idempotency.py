"""Idempotency keys: a retried write with the same key returns the first answer, once stored.

The key is scoped to the party. The record is inserted before the write itself, in the same
transaction, so a concurrent request with the same key waits on the unique index and then
replays the committed answer instead of writing twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from netruimte.store.db import Database
from netruimte.store.errors import IdempotencyMismatch, Invalid
from netruimte.store.models import IdempotencyRecord

MAX_KEY_LENGTH = 200


def fingerprint(method: str, path: str, body: object) -> str:
    """SHA-256 of the request's method, path and canonical JSON body."""
    canon = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method}\n{path}\n{canon}".encode()).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise Invalid(
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters",
            field="Idempotency-Key",
        )
    return key


def _replay(
    session: Session, party_id: str, key: str, request_fingerprint: str
) -> tuple[int, dict, bool] | None:
    """The stored answer for (party, key), or None; refuses a key reused for another request."""
    record = session.scalar(
        select(IdempotencyRecord).where(
            IdempotencyRecord.party_id == party_id, IdempotencyRecord.key == key
        )
    )
    if record is None:
        return None
    if record.fingerprint != request_fingerprint:
        raise IdempotencyMismatch("this Idempotency-Key was used before with a different request")
    return record.status_code, record.response, True


def run_once(
    db: Database,
    party_id: str,
    key: str | None,
    request_fingerprint: str,
    now: datetime,
    write: Callable[[Session], tuple[int, dict]],
) -> tuple[int, dict, bool]:
    """Run `write` in a write transaction at most once per (party, key).

    Returns (status code, JSON body, replayed). Without a key the write simply runs.
    Failed writes (exceptions) store nothing, so a retry runs them again.
    """
    if key is None:
        with db.writing() as session:
            status, body = write(session)
        return status, body, False
    key = check_key(key)
    with db.reading() as session:  # a retry of a stored write needs no write lock
        found = _replay(session, party_id, key, request_fingerprint)
    if found is not None:
        return found
    for _ in range(5):
        try:
            with db.writing() as session:
                found = _replay(session, party_id, key, request_fingerprint)
                if found is not None:
                    return found
                record = IdempotencyRecord(
                    party_id=party_id,
                    key=key,
                    fingerprint=request_fingerprint,
                    status_code=0,
                    response={},
                    created_at=now,
                )
                session.add(record)
                session.flush()  # a concurrent holder of the same key makes this wait or fail
                status, body = write(session)
                record.status_code, record.response = status, body
            return status, body, False
        except IntegrityError:
            continue  # the same key was committed by a concurrent request: replay it
    raise IdempotencyMismatch("this Idempotency-Key is in use by a concurrent request")

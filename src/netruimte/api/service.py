"""What the request handlers share: the read model, the store, the token verifier, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastapi import Request

from netruimte.api.readmodel import ReadModel
from netruimte.store.db import Database
from netruimte.store.tokens import Verifier

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Service:
    """The state of one running app."""

    data: ReadModel
    db: Database
    clock: Clock = utc_now
    verifier: Verifier = field(default_factory=Verifier)


def get_service(request: Request) -> Service:
    return request.app.state.service

"""Bearer-token authentication: `Authorization: Bearer nrt_<key id>_<secret>`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from netruimte.api.service import Service, get_service
from netruimte.store.audit import Actor
from netruimte.store.errors import Forbidden, Unauthorized
from netruimte.store.parties import INVALID_TOKEN, authenticate

bearer = HTTPBearer(
    auto_error=False,
    description="A token made by the operator with `netruimte token create`.",
)


def optional_actor(
    service: Annotated[Service, Depends(get_service)],
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Actor | None:
    """The caller, or None when no token is given; a bad token is refused (401)."""
    if creds is None:
        return None
    with service.db.reading() as session:
        return authenticate(session, service.verifier, creds.credentials)


def actor(caller: Annotated[Actor | None, Depends(optional_actor)]) -> Actor:
    """The caller; 401 without a valid token."""
    if caller is None:
        raise Unauthorized(INVALID_TOKEN)
    return caller


def operator(caller: Annotated[Actor, Depends(actor)]) -> Actor:
    """The caller, who must be the grid operator (403 otherwise)."""
    if not caller.is_operator:
        raise Forbidden("only the grid operator may do this")
    return caller


def bidder(caller: Annotated[Actor, Depends(actor)]) -> Actor:
    """The caller, who must be a bidder (403 otherwise)."""
    if not caller.is_bidder:
        raise Forbidden("only bidders may do this")
    return caller


AnyActor = Annotated[Actor, Depends(actor)]
Operator = Annotated[Actor, Depends(operator)]
Bidder = Annotated[Actor, Depends(bidder)]

"""Parties and their tokens: create, list, revoke, and authenticate a bearer token."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from netruimte.store import audit
from netruimte.store.audit import Actor
from netruimte.store.errors import Conflict, Invalid, NotFound, Unauthorized
from netruimte.store.models import ROLES, Party, Token
from netruimte.store.tokens import Verifier, new_token, parse_token

INVALID_TOKEN = "missing, invalid or revoked bearer token"


def create_party(session: Session, actor: Actor, name: str, role: str, now: datetime) -> Party:
    """A new party; names are unique."""
    name = name.strip()
    if not name or len(name) > 200:
        raise Invalid("a party name needs 1 to 200 characters", field="name")
    if role not in ROLES:
        raise Invalid(f"role must be one of {list(ROLES)}", field="role")
    if session.scalar(select(Party).where(Party.name == name)) is not None:
        raise Conflict(f"a party named {name!r} exists already", field="name")
    party = Party(id=str(uuid.uuid4()), name=name, role=role, created_at=now)
    session.add(party)
    session.flush()
    audit.append(
        session, actor, "party.create", "party", party.id, now, {"name": name, "role": role}
    )
    return party


def party_by_name(session: Session, name: str) -> Party:
    party = session.scalar(select(Party).where(Party.name == name))
    if party is None:
        raise NotFound(f"no party named {name!r}")
    return party


def issue_token(
    session: Session, actor: Actor, party: Party, now: datetime, label: str | None = None
) -> str:
    """Make a token for `party`; returns the token text (shown once, never stored)."""
    made = new_token()
    session.add(
        Token(
            id=made.key_id,
            party_id=party.id,
            secret_hash=made.secret_hash,
            salt=made.salt,
            kdf=made.kdf,
            label=label,
            created_at=now,
        )
    )
    audit.append(session, actor, "token.create", "token", made.key_id, now, {"party": party.name})
    return made.token


def revoke_token(session: Session, actor: Actor, key_id: str, now: datetime) -> Token:
    token = session.get(Token, key_id)
    if token is None:
        raise NotFound(f"no token with key id {key_id!r}")
    if token.revoked_at is None:
        token.revoked_at = now
        audit.append(session, actor, "token.revoke", "token", key_id, now, {})
    return token


def list_tokens(session: Session) -> list[tuple[Token, Party]]:
    rows = session.execute(
        select(Token, Party).join(Party, Token.party_id == Party.id).order_by(Token.created_at)
    )
    return [(t, p) for t, p in rows]


def authenticate(session: Session, verifier: Verifier, token_text: str) -> Actor:
    """The actor a bearer token belongs to; Unauthorized (one message for all causes) else."""
    parsed = parse_token(token_text)
    if parsed is None:
        raise Unauthorized(INVALID_TOKEN)
    key_id, secret = parsed
    row = session.execute(
        select(Token, Party).join(Party, Token.party_id == Party.id).where(Token.id == key_id)
    ).first()
    if row is None:
        raise Unauthorized(INVALID_TOKEN)
    token, party = row
    if token.revoked_at is not None:
        raise Unauthorized(INVALID_TOKEN)
    if not verifier.verify(key_id, secret, token.secret_hash, token.salt, token.kdf):
        raise Unauthorized(INVALID_TOKEN)
    return Actor(party.id, party.name, party.role)


def party_names(session: Session) -> dict[str, str]:
    """{party id: name} of every party."""
    return {pid: name for pid, name in session.execute(select(Party.id, Party.name))}

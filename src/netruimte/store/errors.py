"""Refusals of the store, each with the HTTP status the API answers with.

Messages never depend on data the caller may not see: a bid of another party and a bid that
does not exist give the same NotFound, word for word.
"""

from __future__ import annotations


class StoreError(Exception):
    """A refused request: `status` (HTTP), a short machine `code` and a human `message`."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, **detail: object):
        super().__init__(message)
        self.message = message
        self.detail = detail

    def as_dict(self) -> dict[str, object]:
        return {"error": self.code, "message": self.message, **self.detail}


class Unauthorized(StoreError):
    status, code = 401, "unauthorized"


class Forbidden(StoreError):
    status, code = 403, "forbidden"


class NotFound(StoreError):
    status, code = 404, "not_found"


class Conflict(StoreError):
    status, code = 409, "conflict"


class Sealed(StoreError):
    """Bids are sealed until the tender is cleared."""

    status, code = 409, "sealed"


class IdempotencyMismatch(StoreError):
    """The Idempotency-Key was used before with a different request."""

    status, code = 422, "idempotency_key_reused"


class Invalid(StoreError):
    status, code = 422, "invalid"

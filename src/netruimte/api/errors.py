"""Error responses: every refusal is JSON with `error` and `message`; never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from netruimte.errors import InputError
from netruimte.store.errors import StoreError

log = logging.getLogger("netruimte.api")


def error_response(status: int, error: str, message: str, **detail: object) -> JSONResponse:
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(
        {"error": error, "message": message, **detail}, status_code=status, headers=headers
    )


def install(app: FastAPI) -> None:
    """Map store refusals, input errors and unexpected failures to JSON responses."""

    @app.exception_handler(StoreError)
    async def _store_error(_request: Request, exc: StoreError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, **exc.detail)

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError) -> JSONResponse:
        body = exc.as_dict()
        return error_response(422, "invalid_input", body.pop("message"), **body)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "internal", "internal server error")

"""Error responses: every refusal is JSON with `error` and `message`; never a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

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

    @app.exception_handler(HTTPException)
    async def _http_error(_request: Request, exc: HTTPException) -> JSONResponse:
        codes = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}
        response = error_response(
            exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail)
        )
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        parts = [
            f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in errs[:5]
        ]
        more = f" (and {len(errs) - 5} more)" if len(errs) > 5 else ""
        detail = jsonable_encoder(errs, custom_encoder={BaseException: str})
        return error_response(422, "invalid_request", "; ".join(parts) + more, detail=detail)

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError) -> JSONResponse:
        body = exc.as_dict()
        return error_response(422, "invalid_input", body.pop("message"), **body)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "internal", "internal server error")

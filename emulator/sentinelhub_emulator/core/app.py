"""The emulator's ASGI application: services mounted under their base paths, one error shape.

Each `Service` contributes a list of routes and the base paths to mount them under (BYOC, for
one, is served under both ``/api/v1/byoc`` and ``/byoc/v1``); the list of services is passed in
(`sentinelhub_emulator.services.SERVICES`), so the core imports none. The fault-injection
middleware wraps the whole application, outside Starlette's own error handling, so that it can
drop connections (inside it, `QueryLimitMiddleware` refuses requests with absurdly many query
parameters); the request-id middleware (`sentinelhub_emulator.core.request_ids`) wraps
that, so every answer, injected faults included, carries ``SH-Request-Id``. A service's own
``middleware`` sits between the two (the dashboard's request log sees ids and faults).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from sentinelhub_emulator.core import admin as admin
from sentinelhub_emulator.core import auth as auth
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import (
    BAD_PAYLOAD,
    EXCEPTION,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    ApiError,
    error_response,
)
from sentinelhub_emulator.core.faults import FaultMiddleware
from sentinelhub_emulator.core.params import QueryLimitMiddleware
from sentinelhub_emulator.core.ratelimit import RateLimitMiddleware
from sentinelhub_emulator.core.request_ids import RequestIdMiddleware
from sentinelhub_emulator.core.service import Service

__all__ = ["build_app"]

logger = logging.getLogger(__name__)


_HTTP_CODES = {404: NOT_FOUND, 405: METHOD_NOT_ALLOWED}


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.to_response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = _HTTP_CODES.get(exc.status_code, BAD_PAYLOAD if exc.status_code < 500 else EXCEPTION)
    message = {
        404: f"No resource at {request.url.path}.",
        405: f"Method {request.method} is not allowed on {request.url.path}.",
    }.get(exc.status_code, exc.detail)
    return error_response(exc.status_code, message, code, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    logger.error(
        "unexpected error answering %s %s (request id %s)",
        request.method,
        request.url.path,
        getattr(request.state, "request_id", None),
        exc_info=exc,
    )
    return error_response(500, "The emulator failed unexpectedly; see its log.", EXCEPTION)


def build_app(context: EmulatorContext, services: Sequence[Service]) -> ASGIApp:
    """The full application for one emulator context serving ``services``."""
    routes: list[BaseRoute] = [*auth.routes(), *admin.routes()]
    for service in services:
        for base_path in service.base_paths:
            if not base_path:  # the service's routes carry their full paths
                routes.extend(service.routes())
                continue
            routes.append(
                Mount(base_path, routes=list(service.routes()), name=f"{service.name}{base_path}")
            )
    app = Starlette(
        routes=routes,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _unexpected_error,
        },
    )
    app.state.emulator = context
    wrapped: ASGIApp = FaultMiddleware(
        RateLimitMiddleware(QueryLimitMiddleware(app), context), context.faults
    )
    for service in services:  # a service's own layer (the dashboard's request log)
        if service.middleware is not None:
            wrapped = service.middleware(wrapped, context)
    return RequestIdMiddleware(wrapped)

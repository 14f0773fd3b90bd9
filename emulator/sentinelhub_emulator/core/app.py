"""The emulator's ASGI application: services mounted under their base paths, one error shape.

Each service contributes a list of routes and the base paths to mount them under; BYOC is served
under both ``/api/v1/byoc`` (the style clients use) and ``/byoc/v1`` (the reference's style).
A later service (Batch v1) is one more entry in `SERVICES`. The fault-injection middleware wraps
the whole application, outside Starlette's own error handling, so that it can drop connections.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.types import ASGIApp

from sentinelhub_emulator.batch import routes as batch
from sentinelhub_emulator.byoc import files as files
from sentinelhub_emulator.byoc import routes as byoc
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
from sentinelhub_emulator.process import routes as process

__all__ = ["SERVICES", "Service", "build_app"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Service:
    """A group of routes served under one or more base paths."""

    name: str
    base_paths: tuple[str, ...]
    routes: Callable[[], list[BaseRoute]]


def _byoc_routes() -> list[BaseRoute]:
    return [*byoc.routes(), *files.routes()]


SERVICES: tuple[Service, ...] = (
    Service("byoc", ("/api/v1/byoc", "/byoc/v1"), _byoc_routes),
    Service("batch", ("/api/v1/batch",), batch.routes),
    Service("batch-admin", ("/_emulator/batch",), batch.admin_routes),
    Service("process", ("",), process.routes),
)

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
    logger.error("unexpected error answering %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "The emulator failed unexpectedly; see its log.", EXCEPTION)


def build_app(context: EmulatorContext) -> ASGIApp:
    """The full application for one emulator context."""
    routes: list[BaseRoute] = [*auth.routes(), *admin.routes()]
    for service in SERVICES:
        for base_path in service.base_paths:
            if not base_path:  # the service's routes carry their full paths
                routes.extend(service.routes())
                continue
            routes.append(
                Mount(base_path, routes=service.routes(), name=f"{service.name}{base_path}")
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
    return FaultMiddleware(app, context.faults)

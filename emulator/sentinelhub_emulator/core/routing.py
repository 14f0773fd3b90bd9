"""One route per path, dispatching on the method, so that a 405 lists every allowed method."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

__all__ = ["Endpoint", "resource"]

Endpoint = Callable[[Request], Awaitable[Response]]


def resource(path: str, handlers: Mapping[str, Endpoint]) -> Route:
    """A route serving ``handlers`` (method name -> endpoint); HEAD goes to GET's endpoint."""
    table = dict(handlers)

    async def dispatch(request: Request) -> Response:
        method = "GET" if request.method == "HEAD" and "HEAD" not in table else request.method
        return await table[method](request)

    return Route(path, dispatch, methods=list(table))

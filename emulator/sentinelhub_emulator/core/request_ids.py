"""Request ids: every answer of the emulator carries ``SH-Request-Id``, as the service's do.

``SH-Request-Id`` is the tracing header the service and its clients use (byoc-tool sends it), so
the emulator answers under that one name: the client's own value when it sent a usable one
(echoed, so a caller can follow its id through logs), else a new UUID. `RequestIdMiddleware` is
the outermost layer of the application, so every answer has it: 2xx, errors of every service,
the token endpoint, file bodies, 404 of unknown paths, 413, and the faults injected by
`sentinelhub_emulator.core.faults` (a dropped connection has no answer, so no header). The id
is also put in ``scope["state"]["request_id"]`` (``request.state.request_id`` in a route).
"""

from __future__ import annotations

import uuid
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["REQUEST_ID_HEADER", "RequestIdMiddleware", "request_id_for"]

#: The header, in the spelling of the service; HTTP header names are case-insensitive.
REQUEST_ID_HEADER: Final = "SH-Request-Id"
_HEADER_KEY: Final = REQUEST_ID_HEADER.lower().encode("latin-1")
#: The longest client id echoed back; a longer one is replaced by a new id.
MAX_ECHOED_LENGTH: Final = 200


def _usable(value: bytes) -> bool:
    """Printable ASCII without spaces, at most `MAX_ECHOED_LENGTH` bytes: safe to echo in a
    header and in a log line."""
    return 0 < len(value) <= MAX_ECHOED_LENGTH and all(0x21 <= byte <= 0x7E for byte in value)


def request_id_for(scope: Scope) -> str:
    """The id of the request in ``scope``: the client's ``SH-Request-Id`` if usable, else a new
    UUID."""
    for key, value in scope.get("headers", ()):
        if key.lower() == _HEADER_KEY:
            raw = bytes(value).strip()
            if _usable(raw):
                return raw.decode("ascii")
            break
    return str(uuid.uuid4())


class RequestIdMiddleware:
    """Adds ``SH-Request-Id`` to every HTTP answer of the wrapped app (a pure ASGI middleware:
    streamed bodies pass untouched)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        header = (_HEADER_KEY, request_id.encode("ascii"))

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (key, value)
                    for key, value in message.get("headers", ())
                    if bytes(key).lower() != _HEADER_KEY
                ]
                headers.append(header)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)

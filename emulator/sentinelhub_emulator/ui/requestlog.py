"""The dashboard's request log: the last API requests the emulator answered.

`RequestLogMiddleware` sits inside the request-id layer and outside fault injection (see
`sentinelhub_emulator.core.app`), so it sees every request's ``SH-Request-Id`` and the faults
injected too. Each `LoggedRequest` keeps the method, the path (never the query string), the
status (None when the connection was dropped without an answer), the duration, the processing
units the answer reported (``x-processingunits-spent``) and the request id; never a body and
never a header, so no token or secret can reach the page. The dashboard's own requests are not
logged.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CAPACITY", "LoggedRequest", "RequestLog", "RequestLogMiddleware"]

#: How many requests the log keeps (the oldest go first).
CAPACITY: Final = 200
_PU_HEADER: Final = b"x-processingunits-spent"


@dataclass(frozen=True)
class LoggedRequest:
    """One answered (or dropped) request."""

    number: int
    started: float  # seconds since the epoch
    method: str
    path: str
    status: int | None
    duration_ms: float
    processing_units: float | None
    request_id: str


class RequestLog:
    """A bounded, thread-safe list of the last requests, newest last."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._items: deque[LoggedRequest] = deque(maxlen=capacity)
        self._lock = threading.Lock()
        self._count = 0

    def add(
        self,
        *,
        started: float,
        method: str,
        path: str,
        status: int | None,
        duration_ms: float,
        processing_units: float | None,
        request_id: str,
    ) -> None:
        with self._lock:
            self._count += 1
            self._items.append(
                LoggedRequest(
                    self._count,
                    started,
                    method,
                    path,
                    status,
                    duration_ms,
                    processing_units,
                    request_id,
                )
            )

    def latest(self, limit: int = CAPACITY) -> list[LoggedRequest]:
        """The last ``limit`` requests, newest first."""
        with self._lock:
            items = list(self._items)
        return items[::-1][: max(0, limit)]

    @property
    def total(self) -> int:
        """How many requests were logged since the start (also those that left the log)."""
        with self._lock:
            return self._count


def _units(raw: bytes) -> float | None:
    try:
        return float(raw.decode("latin-1"))
    except ValueError:
        return None


class RequestLogMiddleware:
    """Records each HTTP request of the wrapped app in ``log``, except those under
    ``skip_prefix`` (the dashboard's own)."""

    def __init__(self, app: ASGIApp, log: RequestLog, skip_prefix: str) -> None:
        self.app = app
        self.log = log
        self.skip_prefix = skip_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if (
            scope["type"] != "http"
            or path == self.skip_prefix
            or path.startswith(self.skip_prefix + "/")
        ):
            await self.app(scope, receive, send)
            return
        started, clock = time.time(), time.perf_counter()
        status: int | None = None
        units: float | None = None

        async def watch(message: Message) -> None:
            nonlocal status, units
            if message["type"] == "http.response.start":
                status = int(message["status"])
                for key, value in message.get("headers", ()):
                    if bytes(key).lower() == _PU_HEADER:
                        units = _units(bytes(value))
            await send(message)

        try:
            await self.app(scope, receive, watch)
        finally:
            request_id = scope.get("state", {}).get("request_id", "")
            self.log.add(
                started=started,
                method=str(scope.get("method", "")),
                path=path,
                status=status,
                duration_ms=(time.perf_counter() - clock) * 1000.0,
                processing_units=units,
                request_id=str(request_id),
            )

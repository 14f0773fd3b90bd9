"""Fault injection: rate limits, server errors, latency, dropped connections, truncated bodies.

`FaultConfig` says what to inject; `FaultPlan` holds the active config with its own seeded
``random.Random`` (so a run with the same seed and the same request sequence injects the same
faults); `FaultMiddleware` is a pure ASGI middleware that applies the plan to each request.

For every request whose path matches, the plan draws two numbers: the first picks at most one of
drop / 429 / 5xx (in that order, by their rates), the second decides truncation. Truncation only
applies to file bodies (``application/octet-stream`` with a ``Content-Length`` of at least two
bytes): the full length is announced, half the bytes are sent, then the connection is closed.
Latency applies to every matching request and does not count as a fault. ``max_faults`` caps the
number of injected faults; after that requests pass untouched.

Dropping or cutting a connection needs the server's help: the emulator's uvicorn protocol puts a
``close`` callable under ``scope["extensions"][CONNECTION_EXTENSION]``. Without it (another
server), a drop degrades to the server's own answer to an app that sent nothing (a 500).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentinelhub_emulator.core.errors import EXCEPTION, RATE_LIMIT_EXCEEDED, error_response

__all__ = [
    "CONNECTION_EXTENSION",
    "FaultConfig",
    "FaultDecision",
    "FaultMiddleware",
    "FaultPlan",
]

logger = logging.getLogger(__name__)

#: Key in ``scope["extensions"]`` under which the server offers ``{"close": callable}``.
CONNECTION_EXTENSION = "sentinelhub_emulator.connection"


def _rate(name: str, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, not {value}")


@dataclass(frozen=True)
class FaultConfig:
    """What faults to inject, and where. The defaults inject nothing."""

    seed: int = 0
    rate_429: float = 0.0
    retry_after_ms: int | None = 1000
    rate_5xx: float = 0.0
    status_5xx: int = 503
    latency_ms: float = 0.0
    drop_rate: float = 0.0
    truncate_rate: float = 0.0
    path_prefix: str = ""
    exclude_token_endpoint: bool = True
    max_faults: int | None = None

    def __post_init__(self) -> None:
        for name in ("rate_429", "rate_5xx", "drop_rate", "truncate_rate"):
            _rate(name, getattr(self, name))
        if self.drop_rate + self.rate_429 + self.rate_5xx > 1.0 + 1e-9:
            raise ValueError("drop_rate + rate_429 + rate_5xx must not exceed 1")
        if not 500 <= self.status_5xx <= 599:
            raise ValueError(f"status_5xx must be a 5xx status, not {self.status_5xx}")
        if not 0 <= self.latency_ms <= 600_000:
            raise ValueError("latency_ms must be between 0 and 600000")
        if self.retry_after_ms is not None and self.retry_after_ms < 0:
            raise ValueError("retry_after_ms must not be negative")
        if self.max_faults is not None and self.max_faults < 0:
            raise ValueError("max_faults must not be negative")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FaultConfig:
        """Build from a JSON object with the same field names; ValueError on anything odd."""
        fields = {f.name: f for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(fields))
        if unknown:
            raise ValueError(f"unknown fault settings: {', '.join(unknown)}")
        kwargs: dict[str, Any] = {}
        for name, value in data.items():
            default = fields[name].default
            nullable = name in ("retry_after_ms", "max_faults")
            if value is None and nullable:
                kwargs[name] = None
            elif isinstance(default, bool):
                if not isinstance(value, bool):
                    raise ValueError(f"{name} must be true or false")
                kwargs[name] = value
            elif isinstance(default, str):
                if not isinstance(value, str):
                    raise ValueError(f"{name} must be a string")
                kwargs[name] = value
            elif isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
            elif isinstance(default, float):
                kwargs[name] = float(value)
            else:
                if not float(value).is_integer():
                    raise ValueError(f"{name} must be an integer")
                kwargs[name] = int(value)
        return cls(**kwargs)

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class FaultDecision:
    """What to do to one request."""

    latency_s: float = 0.0
    action: Literal["drop", "429", "5xx"] | None = None
    may_truncate: bool = False


_PASS = FaultDecision()


class FaultPlan:
    """The active `FaultConfig`, its random stream and its fault count; thread-safe.

    Paths under ``exempt_prefixes`` (the admin endpoints, so that faults can always be switched
    off) never get faults; ``token_paths`` get them only when the config does not exclude them.
    """

    def __init__(
        self,
        config: FaultConfig | None = None,
        *,
        token_paths: Sequence[str] = (),
        exempt_prefixes: Sequence[str] = (),
    ) -> None:
        self._token_paths = tuple(token_paths)
        self._exempt_prefixes = tuple(exempt_prefixes)
        self._lock = threading.Lock()
        self._config = FaultConfig()
        self._rng = random.Random(0)
        self._injected = 0
        self.configure(config)

    def configure(self, config: FaultConfig | None) -> None:
        """Replace the config (None: inject nothing) and restart its random stream and count."""
        config = config or FaultConfig()
        with self._lock:
            self._config = config
            self._rng = random.Random(config.seed)
            self._injected = 0

    @property
    def config(self) -> FaultConfig:
        with self._lock:
            return self._config

    @property
    def injected(self) -> int:
        """How many faults were injected since the last `configure`."""
        with self._lock:
            return self._injected

    def _matches(self, config: FaultConfig, path: str) -> bool:
        if path.startswith(self._exempt_prefixes):
            return False
        if config.exclude_token_endpoint and path in self._token_paths:
            return False
        return path.startswith(config.path_prefix)

    def _budget_left(self) -> bool:
        limit = self._config.max_faults
        return limit is None or self._injected < limit

    def decide(self, path: str) -> FaultDecision:
        with self._lock:
            config = self._config
            if not self._matches(config, path):
                return _PASS
            pick, truncate = self._rng.random(), self._rng.random()
            action: Literal["drop", "429", "5xx"] | None = None
            if self._budget_left():
                if pick < config.drop_rate:
                    action = "drop"
                elif pick < config.drop_rate + config.rate_429:
                    action = "429"
                elif pick < config.drop_rate + config.rate_429 + config.rate_5xx:
                    action = "5xx"
            if action is not None:
                self._injected += 1
            return FaultDecision(
                latency_s=config.latency_ms / 1000.0,
                action=action,
                may_truncate=action is None and truncate < config.truncate_rate,
            )

    def claim_truncation(self) -> bool:
        """Count one truncation if the budget allows it."""
        with self._lock:
            if not self._budget_left():
                return False
            self._injected += 1
            return True


class _TruncatedResponse(BaseException):
    """Unwinds the app once a body has been cut (BaseException: no handler may swallow it)."""


def _connection_closer(scope: Scope) -> Callable[[], None] | None:
    extension = scope.get("extensions", {}).get(CONNECTION_EXTENSION)
    if isinstance(extension, Mapping):
        close = extension.get("close")
        if callable(close):
            return close  # type: ignore[no-any-return]
    return None


async def _wait_for_disconnect(receive: Receive) -> None:
    async def drain() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    try:
        await asyncio.wait_for(drain(), timeout=5.0)
    except TimeoutError:
        logger.warning("the client did not disconnect after an injected connection close")


def _header(message: Message, name: bytes) -> bytes | None:
    for key, value in message.get("headers", []):
        if key.lower() == name:
            return bytes(value)
    return None


class FaultMiddleware:
    """Applies a `FaultPlan` to each HTTP request of the wrapped app."""

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self.app = app
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        decision = self.plan.decide(scope["path"])
        if decision.latency_s:
            await asyncio.sleep(decision.latency_s)
        if decision.action == "drop":
            await self._drop(scope, receive)
        elif decision.action == "429":
            config = self.plan.config
            headers = {}
            if config.retry_after_ms is not None:
                headers["Retry-After"] = str(config.retry_after_ms)
            response = error_response(
                429,
                "You have exceeded the rate limit (injected).",
                RATE_LIMIT_EXCEEDED,
                headers=headers,
            )
            await response(scope, receive, send)
        elif decision.action == "5xx":
            status = self.plan.config.status_5xx
            response = error_response(status, "Injected server error.", EXCEPTION)
            await response(scope, receive, send)
        elif decision.may_truncate and scope["method"] == "GET":
            await self._maybe_truncate(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _drop(self, scope: Scope, receive: Receive) -> None:
        close = _connection_closer(scope)
        if close is None:
            logger.warning("cannot drop the connection: the server offers no close hook")
            return
        close()
        await _wait_for_disconnect(receive)

    async def _maybe_truncate(self, scope: Scope, receive: Receive, send: Send) -> None:
        close = _connection_closer(scope)
        cut_at: int | None = None
        sent = 0

        async def cutting_send(message: Message) -> None:
            nonlocal cut_at, sent
            if message["type"] == "http.response.start":
                length = _header(message, b"content-length")
                content_type = _header(message, b"content-type") or b""
                if (
                    close is not None
                    and content_type.startswith(b"application/octet-stream")
                    and length is not None
                    and length.isdigit()
                    and int(length) >= 2
                    and self.plan.claim_truncation()
                ):
                    cut_at = int(length) // 2
            elif message["type"] == "http.response.body" and cut_at is not None:
                body = message.get("body", b"")
                if sent + len(body) >= cut_at:
                    await send(
                        {
                            "type": "http.response.body",
                            "body": body[: cut_at - sent],
                            "more_body": True,
                        }
                    )
                    raise _TruncatedResponse
                sent += len(body)
            await send(message)

        try:
            await self.app(scope, receive, cutting_send)
        except _TruncatedResponse:
            assert close is not None
            close()
            await _wait_for_disconnect(receive)

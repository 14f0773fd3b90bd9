"""Rate-limit policies per account, as the service enforces them: token buckets, 429 when empty.

A policy is ``KIND=AMOUNT/PERIOD`` (``--rate-limit requests=600/min``, ``pu=300/min``, also
``/s``, ``/h``, ``/day`` or a number of seconds such as ``/30s``), optionally followed by
``,capacity=N``: a bucket per account that holds at most ``capacity`` tokens (by default
``AMOUNT``, as the service's policies do) and refills at ``AMOUNT`` per ``PERIOD``, gradually.
Several policies apply at once; a policy that is not given does not limit.

- ``requests`` policies: every authenticated API request takes one token when it is admitted;
  it is admitted only when each such bucket holds at least one.
- ``pu`` policies: a request that costs processing units (Process, Statistical, Async Process)
  is admitted only when each such bucket holds more than zero; its cost is taken once known,
  from the answer's ``x-processingunits-spent`` header (Async Process: when it is rendered), so
  a bucket may go below zero and then refuses until it has refilled above it.

A refused request gets 429 in the service's error envelope (``RATE_LIMIT_EXCEEDED``) with
``Retry-After`` in milliseconds: when the emptiest bucket will admit again. `RateLimiter` also
counts what ``GET /_emulator/stats`` shows: tokens issued, requests, 429s sent and PU spent.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sentinelhub_emulator.core.errors import RATE_LIMIT_EXCEEDED, error_response

if TYPE_CHECKING:
    from sentinelhub_emulator.core.context import EmulatorContext

__all__ = [
    "PU_PATHS",
    "RateLimitMiddleware",
    "RateLimiter",
    "RatePolicy",
    "limiter_of",
    "parse_policy",
]

PolicyKind = Literal["requests", "pu"]

#: Paths whose requests cost processing units (their ``POST``), at both path styles.
PU_PATHS: Final = (
    "/api/v1/process",
    "/process/v1",
    "/api/v1/statistics",
    "/statistics/v1",
    "/api/v1/async/process",
    "/async/v1/process",
)
_PU_HEADER: Final = b"x-processingunits-spent"
_TOKEN_PATHS: Final = ("/auth/realms/main/protocol/openid-connect/token", "/oauth/token")
_ADMIN_PREFIX: Final = "/_emulator"
_STATE_KEY: Final = "_ratelimit"

_UNITS: Final = {
    "s": 1.0,
    "sec": 1.0,
    "second": 1.0,
    "min": 60.0,
    "minute": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
}
_POLICY = re.compile(
    r"^\s*(?P<kind>requests|pu)\s*=\s*(?P<amount>[0-9]*\.?[0-9]+)\s*/\s*"
    r"(?P<count>[0-9]*\.?[0-9]+)?\s*(?P<unit>[a-z]+)\s*"
    r"(?:,\s*capacity\s*=\s*(?P<capacity>[0-9]*\.?[0-9]+)\s*)?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class RatePolicy:
    """One token bucket per account: at most ``capacity`` tokens, ``amount`` more per
    ``period`` seconds."""

    kind: PolicyKind
    amount: float
    period: float
    capacity: float

    def __post_init__(self) -> None:
        if self.kind not in ("requests", "pu"):
            raise ValueError(f"a rate-limit policy limits requests or pu, not {self.kind!r}")
        for name in ("amount", "period", "capacity"):
            value = getattr(self, name)
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"a rate-limit policy's {name} must be above 0, not {value}")

    @property
    def refill_per_second(self) -> float:
        return self.amount / self.period

    def describe(self) -> str:
        text = f"{self.kind}={self.amount:g}/{self.period:g}s"
        return text if self.capacity == self.amount else f"{text},capacity={self.capacity:g}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "capacity": self.capacity,
            "refillPerSecond": self.refill_per_second,
            "policy": self.describe(),
        }


def parse_policy(text: str) -> RatePolicy:
    """``requests=600/min``, ``pu=300/min``, ``pu=5/s,capacity=20``, ``requests=10/30s``;
    ValueError naming the expected form otherwise."""
    match = _POLICY.match(text)
    unit = match["unit"].lower() if match else ""
    if match is None or unit not in _UNITS:
        raise ValueError(
            f"rate limit {text!r}: expected KIND=AMOUNT/PERIOD[,capacity=N] with KIND requests "
            "or pu and PERIOD s, min, h or day (optionally a count: 30s), e.g. requests=600/min"
        )
    amount = float(match["amount"])
    period = float(match["count"] or 1) * _UNITS[unit]
    capacity = float(match["capacity"]) if match["capacity"] else amount
    return RatePolicy(match["kind"].lower(), amount, period, capacity)  # type: ignore[arg-type]


@dataclass
class _Bucket:
    level: float
    stamp: float

    def refill(self, policy: RatePolicy, now: float) -> None:
        if now > self.stamp:
            gained = (now - self.stamp) * policy.refill_per_second
            self.level = min(policy.capacity, self.level + gained)
            self.stamp = now


@dataclass
class _Counts:
    requests: int = 0
    throttled: int = 0
    processing_units: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "throttled": self.throttled,
            "processingUnits": round(self.processing_units, 6),
        }


@dataclass
class RateLimiter:
    """The buckets of every account under ``policies``, and the counts of the stats endpoint;
    thread-safe (Async Process workers charge from their threads)."""

    policies: tuple[RatePolicy, ...] = ()
    clock: Callable[[], float] = time.monotonic
    tokens_issued: int = 0
    _buckets: dict[tuple[str, int], _Bucket] = field(default_factory=dict)
    _totals: _Counts = field(default_factory=_Counts)
    _accounts: dict[str, _Counts] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _bucket(self, account: str, index: int, now: float) -> _Bucket:
        policy = self.policies[index]
        bucket = self._buckets.get((account, index))
        if bucket is None:
            bucket = self._buckets[account, index] = _Bucket(policy.capacity, now)
        bucket.refill(policy, now)
        return bucket

    def _counts(self, account: str) -> _Counts:
        counts = self._accounts.get(account)
        if counts is None:
            counts = self._accounts[account] = _Counts()
        return counts

    def admit(self, account: str, *, costs_pu: bool) -> int | None:
        """Let one request of ``account`` in (None), or the milliseconds to wait (a 429)."""
        with self._lock:
            now = self.clock()
            counts = self._counts(account)
            counts.requests += 1
            self._totals.requests += 1
            wait = 0.0
            taken: list[_Bucket] = []
            for index, policy in enumerate(self.policies):
                if policy.kind == "pu" and not costs_pu:
                    continue
                bucket = self._bucket(account, index, now)
                need = 1.0 if policy.kind == "requests" else 1e-9
                if bucket.level < need:
                    wait = max(wait, (need - bucket.level) / policy.refill_per_second)
                elif policy.kind == "requests":
                    taken.append(bucket)
            if wait > 0:
                counts.throttled += 1
                self._totals.throttled += 1
                return max(1, math.ceil(wait * 1000))
            for bucket in taken:
                bucket.level -= 1.0
            return None

    def charge(self, account: str, units: float) -> None:
        """Take ``units`` processing units from the account's ``pu`` buckets."""
        if not math.isfinite(units) or units <= 0:
            return
        with self._lock:
            now = self.clock()
            for index, policy in enumerate(self.policies):
                if policy.kind == "pu":
                    self._bucket(account, index, now).level -= units
            self._counts(account).processing_units += units
            self._totals.processing_units += units

    def issued(self) -> None:
        """Count one access token issued."""
        with self._lock:
            self.tokens_issued += 1

    def reset(self) -> None:
        """Zero the counts and fill every bucket again."""
        with self._lock:
            self.tokens_issued = 0
            self._buckets.clear()
            self._totals = _Counts()
            self._accounts.clear()

    def stats(self) -> dict[str, Any]:
        """What ``GET /_emulator/stats`` answers."""
        with self._lock:
            now = self.clock()
            levels: dict[str, list[float]] = {}
            for (account, index), bucket in self._buckets.items():
                bucket.refill(self.policies[index], now)
                levels.setdefault(account, [0.0] * len(self.policies))[index] = round(
                    bucket.level, 6
                )
            return {
                "tokensIssued": self.tokens_issued,
                **self._totals.to_json(),
                "policies": [policy.to_json() for policy in self.policies],
                "accounts": {
                    account: {**counts.to_json(), "levels": levels.get(account, [])}
                    for account, counts in self._accounts.items()
                },
            }


_SETUP_LOCK = threading.Lock()


def limiter_of(context: EmulatorContext) -> RateLimiter:
    """The limiter of an emulator, made on first use from ``settings.rate_limits``."""
    limiter = context.states.get(_STATE_KEY)
    if isinstance(limiter, RateLimiter):
        return limiter
    with _SETUP_LOCK:
        limiter = context.states.get(_STATE_KEY)
        if not isinstance(limiter, RateLimiter):
            limiter = context.states[_STATE_KEY] = RateLimiter(context.settings.rate_limits)
        return limiter


def costs_pu(method: str, path: str) -> bool:
    """Whether a request costs processing units (a ``POST`` of Process, Statistical, Async)."""
    return method == "POST" and path.rstrip("/") in PU_PATHS


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for key, value in headers:
        if key.lower() == name:
            return bytes(value)
    return None


def _units(message: Message) -> float:
    raw = _header(message.get("headers", ()), _PU_HEADER)
    try:
        return float(raw) if raw is not None else 0.0
    except ValueError:
        return 0.0


class RateLimitMiddleware:
    """Applies the emulator's rate-limit policies to every authenticated API request, charges
    the PU the answers report, and counts tokens issued (a pure ASGI middleware)."""

    def __init__(self, app: ASGIApp, context: EmulatorContext) -> None:
        self.app = app
        self.context = context

    def _account(self, scope: Scope) -> str | None:
        raw = _header(scope.get("headers", ()), b"authorization")
        if raw is None:
            return None
        scheme, _, token = raw.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        principal = self.context.tokens.verify(token.strip())
        return principal.account_id if principal is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_ADMIN_PREFIX):
            await self.app(scope, receive, send)
            return
        limiter = limiter_of(self.context)
        if scope["path"] in _TOKEN_PATHS:

            async def counting(message: Message) -> None:
                if message["type"] == "http.response.start" and message["status"] == 200:
                    limiter.issued()
                await send(message)

            await self.app(scope, receive, counting)
            return
        account = self._account(scope)
        if account is None:  # the route answers 401
            await self.app(scope, receive, send)
            return
        wait_ms = limiter.admit(account, costs_pu=costs_pu(scope["method"], scope["path"]))
        if wait_ms is not None:
            response = error_response(
                429,
                f"You have exceeded the rate limit of your account; retry after {wait_ms} ms.",
                RATE_LIMIT_EXCEEDED,
                headers={"Retry-After": str(wait_ms)},
            )
            await response(scope, receive, send)
            return

        async def charging(message: Message) -> None:
            if message["type"] == "http.response.start":
                limiter.charge(account, _units(message))
            await send(message)

        await self.app(scope, receive, charging)


def policy_argument(text: str) -> RatePolicy:
    """`parse_policy` for argparse (``--rate-limit``): its message on a bad value."""
    import argparse

    try:
        return parse_policy(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None

"""A client-side budget: pace requests before the service refuses them, and count the PU spent.

Sentinel Hub limits requests and processing units (PU) per minute per account, with token
buckets: a bucket holds at most its capacity and refills gradually; a request the buckets cannot
cover is refused with 429 and ``Retry-After`` in milliseconds. `RateLimit` describes the
account's policies (``SHConfig(rate_limit=RateLimit(requests_per_minute=600,
pu_per_minute=300))``, ``SH_RATE_LIMIT="requests=600/min pu=300/min"``) and the transport keeps
a `Limiter` that mirrors the buckets on the client:

- before each attempt it takes one request token and, for a request that costs PU (Process,
  Statistical, Async Process), reserves the PU such a request has cost so far (a running
  estimate); when a bucket cannot cover it, the attempt waits until it can;
- after the answer it charges what ``x-processingunits-spent`` says instead of the estimate;
- a 429 empties the buckets and holds every request back until its ``Retry-After`` has passed
  (the retry loop then sends it again, as before).

One `Limiter` per (base URL, client id) serves every client, thread and task of the process
(`limiter_for`); its state lives in a `BudgetStore`, in memory by default, in the Dask scheduler
for `sentinelhub_client.dask` (every worker of a cluster shares it). The decisions are pure
functions of a `BudgetState` (`reserve`, `settle`), so every store runs the same code.

`Budget` is what a transport holds: the limiter (or none) and the `UsageMeter` that adds up the
PU that answers report, per service (``SentinelHub.usage()``).
"""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Protocol, TypeVar

import httpx

from sentinelhub_client._core.retry import parse_retry_after

__all__ = [
    "PU_HEADER",
    "Budget",
    "BudgetState",
    "BudgetStore",
    "Limiter",
    "LocalStore",
    "RateLimit",
    "Ticket",
    "Usage",
    "UsageMeter",
    "limiter_for",
    "pu_service",
    "reserve",
    "settle",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: The header in which the service reports what a request cost.
PU_HEADER: Final = "x-processingunits-spent"
#: The PU a request is assumed to cost before any answer said (a 512 x 512 image of 3 bands).
DEFAULT_PU_ESTIMATE: Final = 1.0
#: How much each observed cost moves the running estimate.
_ESTIMATE_WEIGHT: Final = 0.3
#: The longest single sleep while waiting for the buckets (then they are asked again).
_MAX_NAP: Final = 1.0

#: URL path endings of the requests that cost PU, and the service each belongs to.
_PU_PATHS: Final = (
    ("/async/process", "async_process"),
    ("/async/v1/process", "async_process"),
    ("/process", "process"),
    ("/process/v1", "process"),
    ("/statistics", "statistical"),
    ("/statistics/v1", "statistical"),
)


def pu_service(method: str, url: str) -> str | None:
    """The service of a request that costs PU (``process``, ``async_process``,
    ``statistical``), or None."""
    if method.upper() != "POST":
        return None
    path = httpx.URL(url).path.rstrip("/")
    for ending, service in _PU_PATHS:
        if path.endswith(ending):
            return service
    return None


# -- the policies ---------------------------------------------------------------------------------

_UNITS: Final = {"s": 1.0, "sec": 1.0, "min": 60.0, "h": 3600.0, "hour": 3600.0, "day": 86400.0}
_POLICY = re.compile(
    r"^(?P<kind>requests|pu)=(?P<amount>[0-9]*\.?[0-9]+)/(?P<count>[0-9]*\.?[0-9]+)?"
    r"(?P<unit>[a-z]+)(?:,capacity=(?P<capacity>[0-9]*\.?[0-9]+))?$"
)


def _positive(name: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"RateLimit.{name} must be a number or None, got {value!r}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"RateLimit.{name} must be a finite number above 0, got {value!r}")


@dataclass(frozen=True)
class RateLimit:
    """The rate-limit policies of an account, for the client-side budget.

    Args:
        requests_per_minute: requests the account may send per minute (None: no limit).
        pu_per_minute: processing units it may spend per minute (None: no limit).
        requests_capacity, pu_capacity: the bucket sizes, the most that can go at once (None:
            one minute's worth, as the service's policies have).

    ``RateLimit.parse("requests=600/min pu=300/min")`` reads the form of ``SH_RATE_LIMIT`` and
    of the emulator's ``--rate-limit`` (``/s``, ``/min``, ``/h``, ``/day``, ``/30s``;
    ``,capacity=N``).
    """

    requests_per_minute: float | None = None
    pu_per_minute: float | None = None
    requests_capacity: float | None = None
    pu_capacity: float | None = None

    def __post_init__(self) -> None:
        for name in ("requests_per_minute", "pu_per_minute", "requests_capacity", "pu_capacity"):
            _positive(name, getattr(self, name))

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``requests=600/min pu=300/min`` (policies separated by spaces or ``;``)."""
        values: dict[str, float] = {}
        for part in re.split(r"[;\s]+", text.strip().lower()):
            if not part:
                continue
            match = _POLICY.match(part)
            if match is None or match["unit"] not in _UNITS:
                raise ValueError(
                    f"rate limit {part!r}: expected KIND=AMOUNT/PERIOD[,capacity=N] with KIND "
                    "requests or pu and PERIOD s, min, h or day, e.g. 'requests=600/min "
                    "pu=300/min'"
                )
            kind = match["kind"]
            seconds = float(match["count"] or 1) * _UNITS[match["unit"]]
            amount = float(match["amount"])
            values[f"{kind}_per_minute"] = amount * 60.0 / seconds
            values[f"{kind}_capacity"] = float(match["capacity"] or amount)
        return cls(**values)

    def __str__(self) -> str:
        parts = []
        for kind in ("requests", "pu"):
            rate = getattr(self, f"{kind}_per_minute")
            if rate is not None:
                capacity = self.capacity(kind)
                extra = f",capacity={capacity:g}" if capacity != rate else ""
                parts.append(f"{kind}={rate:g}/min{extra}")
        return " ".join(parts) or "unlimited"

    def capacity(self, kind: str) -> float | None:
        """The bucket size of ``requests`` or ``pu`` (None: not limited)."""
        rate = getattr(self, f"{kind}_per_minute")
        if rate is None:
            return None
        explicit = getattr(self, f"{kind}_capacity")
        return float(explicit if explicit is not None else rate)

    def per_second(self, kind: str) -> float | None:
        rate = getattr(self, f"{kind}_per_minute")
        return None if rate is None else float(rate) / 60.0

    @property
    def limits(self) -> bool:
        """Whether any policy is set."""
        return self.requests_per_minute is not None or self.pu_per_minute is not None


# -- the pure decisions ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetState:
    """The mirrored buckets (None: full, or unknown until first used), the clock reading
    they were last refilled at, a hold after a 429, and the running PU estimate."""

    requests: float | None = None
    pu: float | None = None
    stamp: float = 0.0
    hold_until: float = 0.0
    pu_estimate: float = DEFAULT_PU_ESTIMATE
    observed: int = 0

    def to_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> BudgetState:
        return cls(**data) if data else cls()


def _level(
    level: float | None, capacity: float | None, rate: float | None, elapsed: float
) -> float | None:
    if capacity is None or rate is None:
        return None
    if level is None:
        return capacity
    return min(capacity, level + elapsed * rate)


def _refilled(state: BudgetState, limit: RateLimit, now: float) -> BudgetState:
    elapsed = max(0.0, now - state.stamp)
    return replace(
        state,
        stamp=max(now, state.stamp),
        requests=_level(
            state.requests, limit.capacity("requests"), limit.per_second("requests"), elapsed
        ),
        pu=_level(state.pu, limit.capacity("pu"), limit.per_second("pu"), elapsed),
    )


@dataclass(frozen=True)
class Ticket:
    """What one admitted attempt took: a request token and the PU reserved for it."""

    service: str | None
    pu: float = 0.0


def reserve(
    state: BudgetState, limit: RateLimit, now: float, service: str | None
) -> tuple[BudgetState, float, Ticket | None]:
    """Admit one attempt (a ticket) or say how many seconds to wait first (no ticket)."""
    state = _refilled(state, limit, now)
    wait = max(0.0, state.hold_until - now)
    rate = limit.per_second("requests")
    if state.requests is not None and rate is not None and state.requests < 1.0:
        wait = max(wait, (1.0 - state.requests) / rate)
    estimate = 0.0
    if service is not None and state.pu is not None:
        capacity, pu_rate = limit.capacity("pu"), limit.per_second("pu")
        assert capacity is not None
        assert pu_rate is not None
        estimate = state.pu_estimate
        need = min(estimate, capacity)
        if state.pu < need:
            wait = max(wait, (need - state.pu) / pu_rate)
    if wait > 0:
        return state, wait, None
    return (
        replace(
            state,
            requests=None if state.requests is None else state.requests - 1.0,
            pu=None if state.pu is None else state.pu - estimate,
        ),
        0.0,
        Ticket(service, estimate),
    )


def settle(
    state: BudgetState,
    limit: RateLimit,
    now: float,
    ticket: Ticket,
    *,
    spent: float | None,
    retry_after: float | None,
) -> BudgetState:
    """Correct the buckets after an answer: the PU it reported instead of the estimate (none
    reported: the reservation is given back); after a 429 (``retry_after`` seconds) the
    buckets are taken as empty and every request waits that long."""
    state = _refilled(state, limit, now)
    pu = state.pu
    if pu is not None:
        pu += ticket.pu - (spent or 0.0)
    estimate, observed = state.pu_estimate, state.observed
    if spent is not None and ticket.service is not None and spent > 0:
        estimate = spent if observed == 0 else estimate + _ESTIMATE_WEIGHT * (spent - estimate)
        observed += 1
    requests = state.requests
    hold = state.hold_until
    if retry_after is not None:
        hold = max(hold, now + retry_after)
        requests = None if requests is None else min(requests, 0.0)
        pu = None if pu is None else min(pu, 0.0)
    return replace(
        state, pu=pu, requests=requests, pu_estimate=estimate, observed=observed, hold_until=hold
    )


# -- where the state lives ------------------------------------------------------------------------


class BudgetStore(Protocol):
    """Holds one `BudgetState` and changes it atomically."""

    #: The clock every process sharing the store reads (monotonic in one process; wall time
    #: across processes).
    clock: Callable[[], float]

    def update(self, change: Callable[[BudgetState], tuple[BudgetState, T]]) -> T:
        """Apply ``change`` to the state atomically; return what it returned besides."""
        ...


class LocalStore:
    """The state in memory, under a lock: shared by the threads and tasks of a process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._state = BudgetState()
        self._lock = threading.Lock()

    def update(self, change: Callable[[BudgetState], tuple[BudgetState, T]]) -> T:
        with self._lock:
            self._state, result = change(self._state)
            return result

    @property
    def state(self) -> BudgetState:
        with self._lock:
            return self._state


class Limiter:
    """Paces the requests of one (base URL, client id) to a `RateLimit` (see the module
    docstring); thread-safe, and shared by every client of the process through `limiter_for`."""

    def __init__(self, limit: RateLimit, store: BudgetStore | None = None) -> None:
        self.limit = limit
        self.store: BudgetStore = store if store is not None else LocalStore()
        #: Seconds spent waiting for the buckets, in total (all threads).
        self.waited = 0.0

    def _try(self, service: str | None) -> tuple[float, Ticket | None]:
        limit, now = self.limit, self.store.clock()

        def change(state: BudgetState) -> tuple[BudgetState, tuple[float, Ticket | None]]:
            state, wait, ticket = reserve(state, limit, now, service)
            return state, (wait, ticket)

        return self.store.update(change)

    def _turn(self, service: str | None) -> tuple[float, Ticket | None]:
        """One try of `acquire`: the ticket, or how long to nap before the next try."""
        wait, ticket = self._try(service)
        if ticket is not None:
            return 0.0, ticket
        nap = min(wait, _MAX_NAP)
        self.waited += nap
        return nap, None

    def acquire(self, service: str | None) -> Ticket:
        """Wait (sleeping) until the buckets cover one attempt; its ticket."""
        while True:
            nap, ticket = self._turn(service)
            if ticket is not None:
                return ticket
            time.sleep(nap)

    async def aacquire(self, service: str | None) -> Ticket:
        """`acquire` for asyncio: the task sleeps, the event loop goes on."""
        import anyio  # only async callers pay for importing it

        while True:
            nap, ticket = self._turn(service)
            if ticket is not None:
                return ticket
            await anyio.sleep(nap)

    def settle(self, ticket: Ticket, response: httpx.Response | None) -> None:
        """Charge what the answer reported, learn from a 429 (None: no answer came)."""
        spent = _spent(response) if response is not None else None
        retry_after = None
        if response is not None and response.status_code == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            retry_after = 1.0 if retry_after is None else retry_after
            logger.info("429 from the service: holding requests back for %.3f s", retry_after)
        limit, now = self.limit, self.store.clock()

        def change(state: BudgetState) -> tuple[BudgetState, None]:
            return settle(state, limit, now, ticket, spent=spent, retry_after=retry_after), None

        self.store.update(change)


def _spent(response: httpx.Response) -> float | None:
    raw = response.headers.get(PU_HEADER)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) and value >= 0 else None


_LIMITERS: dict[tuple[str, str], Limiter] = {}
_REGISTRY_LOCK = threading.Lock()


def limiter_key(base_url: str, client_id: str) -> tuple[str, str]:
    """The key of a limiter: one per (base URL, client id)."""
    return base_url.rstrip("/"), client_id


def limiter_for(base_url: str, client_id: str, limit: RateLimit) -> Limiter:
    """The process's limiter of (base URL, client id), following ``limit`` from now on (the
    latest configuration given wins; the buckets stay as they are)."""
    key = limiter_key(base_url, client_id)
    with _REGISTRY_LOCK:
        limiter = _LIMITERS.get(key)
        if limiter is None:
            limiter = _LIMITERS[key] = Limiter(limit)
        elif limiter.limit != limit:
            logger.debug("rate limit of %s changed to %s", key[0], limit)
            limiter.limit = limit
        return limiter


def forget_limiters() -> None:
    """Drop every limiter of the process (tests)."""
    with _REGISTRY_LOCK:
        _LIMITERS.clear()


# -- what the answers report ---------------------------------------------------------------------


@dataclass(frozen=True)
class Usage:
    """The processing units the answers of a client reported.

    Attributes:
        processing_units: the total.
        requests: how many answers reported a cost.
        by_service: the total per service (``process``, ``async_process``, ``statistical``).
    """

    processing_units: float = 0.0
    requests: int = 0
    by_service: Mapping[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.processing_units:g} PU in {self.requests} request(s)"


class UsageMeter:
    """Adds up the PU reported by answers; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._total = 0.0
        self._count = 0
        self._by_service: dict[str, float] = {}

    def record(self, service: str, units: float) -> None:
        with self._lock:
            self._total += units
            self._count += 1
            self._by_service[service] = self._by_service.get(service, 0.0) + units

    def usage(self) -> Usage:
        with self._lock:
            return Usage(self._total, self._count, dict(self._by_service))


class Budget:
    """What a transport holds: its limiter (None: requests go unpaced) and its usage meter.

    Args:
        base_url, client_id: the limiter's key.
        limit: the policies; None or an empty `RateLimit`: no limiter.
        meter: a meter to share (a `with_options` copy shares its original's).
        limiter: a limiter of its own instead of the process's (`sentinelhub_client.dask`
            gives its workers one whose state is in the scheduler).
    """

    def __init__(
        self,
        base_url: str,
        client_id: str,
        limit: RateLimit | None,
        meter: UsageMeter | None = None,
        *,
        limiter: Limiter | None = None,
    ) -> None:
        self._key = (base_url, client_id)
        self.limit = limit
        if limiter is None and limit is not None and limit.limits:
            limiter = limiter_for(base_url, client_id, limit)
        self.limiter = limiter
        self.meter = meter if meter is not None else UsageMeter()

    def with_limit(self, limit: RateLimit) -> Budget:
        """The same meter under other policies."""
        return Budget(*self._key, limit, self.meter)

    def acquire(self, method: str, url: str) -> Ticket | None:
        if self.limiter is None:
            return None
        return self.limiter.acquire(pu_service(method, url))

    async def aacquire(self, method: str, url: str) -> Ticket | None:
        if self.limiter is None:
            return None
        return await self.limiter.aacquire(pu_service(method, url))

    def settle(
        self, method: str, url: str, ticket: Ticket | None, response: httpx.Response | None
    ) -> None:
        if ticket is not None and self.limiter is not None:
            self.limiter.settle(ticket, response)
        if response is not None and 200 <= response.status_code < 300:
            service = pu_service(method, url)
            spent = _spent(response) if service is not None else None
            if service is not None and spent is not None:
                self.meter.record(service, spent)

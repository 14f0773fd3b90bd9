"""Retry policy and retry decisions: pure code, shared by the sync and the async transport.

What is retried:

======================================  ===========================================================
failure                                 decision
======================================  ===========================================================
429 Too Many Requests                   wait ``Retry-After`` (milliseconds on Sentinel Hub; a float
                                        string is accepted), or ``default_retry_after`` without it;
                                        give up at once when it asks for more than
                                        ``max_retry_after``
408, 500, 502, 503, 504                 exponential backoff with full jitter (503 honours
                                        ``Retry-After`` when sent)
connect error / connect timeout         backoff; nothing was sent, so always safe
read timeout, dropped connection        backoff, unless the request creates something (see below)
(``ReadError``, ``RemoteProtocolError``)
any other status (400, 401, 404, ...)   never retried
======================================  ===========================================================

A request that creates something (POST of a collection or a tile) is not replayed blindly after an
*ambiguous* failure, one where the request was sent but no answer came back (a read timeout, a
dropped connection, 500/502/504): the service may have acted on it. The caller may give a way to
look the result up (for a tile: by its path); then that check runs first and a retry happens only
when nothing was created. Without such a check the error is raised. A connect error (nothing was
sent), 408, 429 and 503 (the request was refused) stay safe to retry.

Every call is bounded twice: by ``max_attempts`` (the first one included) and by
``max_total_wait``, the sum of the waits between attempts.
"""

from __future__ import annotations

import email.utils
import enum
import logging
import math
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

__all__ = [
    "Action",
    "RetryPolicy",
    "RetryState",
    "Step",
    "backoff_delay",
    "parse_retry_after",
]

logger = logging.getLogger(__name__)

#: Statuses retried by default.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Statuses that mean the request was refused before being acted upon: safe even for a create.
SAFE_STATUSES = frozenset({408, 429, 503})


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    """How one call is retried. Immutable; derive variants with `replace`.

    Attributes:
        max_attempts: attempts per call, the first one included (1 turns retries off).
        max_total_wait: seconds that the waits between attempts of one call may add up to; a
            retry whose wait would exceed it is not made.
        backoff: ceiling of the first backoff wait in seconds; it doubles per retry up to
            ``backoff_max`` and each wait is drawn uniformly below it ("full jitter").
            ``backoff=0`` makes every wait zero, including the ones the server asks for
            (``Retry-After``): a switch for tests, also set by ``SH_RETRY_ZERO_BACKOFF=1``.
        backoff_max: ceiling of one backoff wait, in seconds.
        max_retry_after: the longest server-requested wait (429) that is honoured, in seconds; a
            longer one raises `RateLimitError` at once, with its ``retry_after``.
        default_retry_after: wait after a 429 that has no ``Retry-After`` header, in seconds
            (30 s, like sentinelhub-py: retrying sooner only meets the same limit).
        retry_statuses: HTTP statuses that are retried.
    """

    max_attempts: int = 5
    max_total_wait: float = 300.0
    backoff: float = 0.5
    backoff_max: float = 30.0
    max_retry_after: float = 120.0
    default_retry_after: float = 30.0
    retry_statuses: frozenset[int] = field(default=RETRY_STATUSES)

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int):
            raise ValueError(
                f"RetryPolicy.max_attempts must be an int >= 1, got {self.max_attempts!r}"
            )
        if self.max_attempts < 1:
            raise ValueError(
                f"RetryPolicy.max_attempts must be >= 1 (1 turns retries off), "
                f"got {self.max_attempts}"
            )
        for name in (
            "max_total_wait",
            "backoff",
            "backoff_max",
            "max_retry_after",
            "default_retry_after",
        ):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"RetryPolicy.{name} must be a number of seconds, got {value!r}")
            if not math.isfinite(value) or value < 0:
                raise ValueError(f"RetryPolicy.{name} must be finite and >= 0, got {value!r}")
        object.__setattr__(self, "retry_statuses", frozenset(self.retry_statuses))

    def replace(self, **changes: Any) -> RetryPolicy:
        """A copy with some fields changed (validated like the constructor)."""
        return replace(self, **changes)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    @property
    def zero_backoff(self) -> bool:
        """True when every wait is skipped (``backoff == 0``)."""
        return self.backoff == 0


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait, from a ``Retry-After`` header as Sentinel Hub sends it.

    Sentinel Hub gives **milliseconds** (``Retry-After: 55408`` is 55.4 s), unlike RFC 9110.
    Integer and float strings are accepted; an HTTP date is accepted too. Anything else gives
    ``None`` (the caller's default applies). Negative values count as zero.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        millis = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        current = time.time() if now is None else now
        return max(0.0, when.timestamp() - current)
    if not math.isfinite(millis):
        return None
    return max(0.0, millis / 1000.0)


def backoff_delay(policy: RetryPolicy, retry_number: int, rand: float) -> float:
    """The wait before retry number ``retry_number`` (1 for the first retry), full jitter.

    ``rand`` is a uniform draw in [0, 1); the wait is ``rand * min(backoff_max, backoff *
    2**(retry_number - 1))``.
    """
    if policy.zero_backoff:
        return 0.0
    ceiling = min(policy.backoff_max, policy.backoff * 2.0 ** max(0, retry_number - 1))
    return rand * ceiling


class Failure(enum.Enum):
    """What an httpx exception says about whether the request reached the service."""

    NOT_SENT = "not sent"  # connect error / connect timeout / no pooled connection
    AMBIGUOUS = "ambiguous"  # sent, answer lost: read/write timeout, dropped connection
    FATAL = "fatal"  # not a transient failure (bad URL, protocol misuse, decoding)


def classify_exception(exc: httpx.HTTPError) -> Failure:
    """Whether an httpx failure is retryable, and whether the request may have been acted on."""
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.NOT_SENT
    if isinstance(
        exc,
        httpx.ReadTimeout
        | httpx.WriteTimeout
        | httpx.ReadError
        | httpx.WriteError
        | httpx.RemoteProtocolError,
    ):
        return Failure.AMBIGUOUS
    return Failure.FATAL


class Action(enum.Enum):
    """What the transport does next."""

    RETURN = "return"  # success: parse and return the response
    RETRY = "retry"  # wait ``Step.wait`` seconds and send again
    RAISE = "raise"  # raise the typed error for the last response or exception


@dataclass(frozen=True)
class Step:
    """One decision. ``recover_first``: look the created thing up before retrying or raising."""

    action: Action
    wait: float = 0.0
    note: str | None = None
    recover_first: bool = False
    ambiguous: bool = False
    retry_after: float | None = None


_RETURN = Step(Action.RETURN)


class RetryState:
    """The retry bookkeeping of one call: attempts, waits so far, and the decision after each.

    Shared by the sync and async transports; it does no I/O, except logging its decisions.

    Args:
        policy: the policy of this call.
        method, url: what is sent (for logs and notes).
        create: True for a POST that creates something (not replayed after an ambiguous failure).
        can_recover: True when the caller can look the created thing up (see module docstring).
        rand: source of uniform draws in [0, 1), for the jitter.
    """

    def __init__(
        self,
        policy: RetryPolicy,
        *,
        method: str,
        url: str,
        create: bool = False,
        can_recover: bool = False,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.policy = policy
        self.method = method.upper()
        self.url = url
        self.create = create
        self.can_recover = can_recover
        self._rand = rand
        self.attempt = 1  # the attempt in flight (1-based)
        self.waited = 0.0  # seconds waited so far
        self.ambiguous_seen = False

    def on_status(self, status: int, headers: Mapping[str, str]) -> Step:
        """The decision after an answer with this status."""
        if 200 <= status < 300:
            return _RETURN
        if status == 409 and self.create and self.ambiguous_seen and self.can_recover:
            # An earlier attempt probably created it: find it rather than report a conflict.
            return Step(Action.RAISE, recover_first=True)
        retry_after = parse_retry_after(headers.get("retry-after"))
        if status == 429 and retry_after is None:
            retry_after = self.policy.default_retry_after
        if status not in self.policy.retry_statuses:
            return Step(Action.RAISE, retry_after=retry_after)
        ambiguous = status not in SAFE_STATUSES
        wait: float
        if retry_after is not None and status in (429, 503):
            if retry_after > self.policy.max_retry_after:
                return Step(
                    Action.RAISE,
                    note=(
                        f"not retried: the service asked to wait {retry_after:g} s, more than "
                        f"max_retry_after={self.policy.max_retry_after:g} s"
                    ),
                    retry_after=retry_after,
                )
            wait = 0.0 if self.policy.zero_backoff else retry_after
        else:
            wait = backoff_delay(self.policy, self.attempt, self._rand())
        return self._retry_or_raise(f"HTTP {status}", wait, ambiguous, retry_after)

    def on_exception(self, exc: httpx.HTTPError) -> Step:
        """The decision after an httpx exception (no usable answer)."""
        kind = classify_exception(exc)
        if kind is Failure.FATAL:
            return Step(Action.RAISE)
        wait = backoff_delay(self.policy, self.attempt, self._rand())
        return self._retry_or_raise(type(exc).__name__, wait, kind is Failure.AMBIGUOUS, None)

    def _retry_or_raise(
        self, reason: str, wait: float, ambiguous: bool, retry_after: float | None
    ) -> Step:
        recover = False
        if ambiguous and self.create:
            self.ambiguous_seen = True
            if not self.can_recover:
                return Step(
                    Action.RAISE,
                    note=(
                        f"not retried: {self.method} creates a resource and the service may "
                        "have done so before the answer was lost; check before trying again"
                    ),
                    ambiguous=True,
                    retry_after=retry_after,
                )
            recover = True
        if self.attempt >= self.policy.max_attempts:
            return Step(
                Action.RAISE,
                note=f"gave up after {self.attempt} attempt(s)",
                recover_first=recover,
                ambiguous=ambiguous,
                retry_after=retry_after,
            )
        if self.waited + wait > self.policy.max_total_wait:
            return Step(
                Action.RAISE,
                note=(
                    f"gave up after {self.attempt} attempt(s): waiting {wait:.3g} s more would "
                    f"exceed max_total_wait={self.policy.max_total_wait:g} s"
                ),
                recover_first=recover,
                ambiguous=ambiguous,
                retry_after=retry_after,
            )
        logger.info(
            "Retrying %s %s after %s: attempt %d of %d in %.2f s",
            self.method,
            httpx.URL(self.url).path if self.url else "",
            reason,
            self.attempt + 1,
            self.policy.max_attempts,
            wait,
        )
        self.attempt += 1
        self.waited += wait
        return Step(
            Action.RETRY,
            wait=wait,
            recover_first=recover,
            ambiguous=ambiguous,
            retry_after=retry_after,
        )

"""Waiting for something long-running: one polling loop per flavour, with a typed timeout.

`poll` calls ``fetch()`` until ``done(value)`` is true, ``interval`` seconds apart, and raises
`WaitTimeoutError` (whose ``pending`` holds the last value seen) once ``timeout`` seconds have
passed. `apoll` is its async twin. Services build their ``wait_for_*`` helpers on these, so every
helper validates its arguments, measures time and reports the timeout the same way.

The clock is monotonic (``clock``, like ``sleep``, can be replaced: tests pass fakes); the last
wait is shortened so that the final poll happens right at the
deadline rather than one interval after it.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sentinelhub_client._core.errors import SentinelHubValidationError, WaitTimeoutError

__all__ = ["apoll", "check_wait_arguments", "poll"]

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _is_number(value: object) -> bool:
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and value >= 0
    )


def check_wait_arguments(interval: float, timeout: float | None) -> None:
    """Refuse an ``interval`` or ``timeout`` that is not a number of seconds >= 0."""
    if not _is_number(interval):
        raise SentinelHubValidationError(
            f"interval must be a number of seconds >= 0, got {interval!r}", field="interval"
        )
    if timeout is not None and not _is_number(timeout):
        raise SentinelHubValidationError(
            f"timeout must be None (no limit) or a number of seconds >= 0, got {timeout!r}",
            field="timeout",
        )


class _Clock:
    """The deadline bookkeeping both loops share."""

    def __init__(
        self, interval: float, timeout: float | None, what: str, clock: Callable[[], float]
    ) -> None:
        check_wait_arguments(interval, timeout)
        self.interval = float(interval)
        self.timeout = None if timeout is None else float(timeout)
        self.what = what
        self.clock = clock
        self.started = clock()
        self.polls = 0

    def next_wait(self, last: Any) -> float:
        """Seconds until the next poll; raises `WaitTimeoutError` when time is up."""
        self.polls += 1
        if self.timeout is None:
            return self.interval
        left = self.started + self.timeout - self.clock()
        if left <= 0:
            raise WaitTimeoutError(
                f"{self.what} did not finish within {self.timeout:g} s "
                f"({self.polls} poll(s)); the last state seen is in .pending",
                timeout=self.timeout,
                pending=[last],
            )
        return min(self.interval, left)


def poll(
    fetch: Callable[[], T],
    done: Callable[[T], bool],
    *,
    interval: float,
    timeout: float | None,
    on_update: Callable[[T], None] | None = None,
    what: str = "the operation",
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Call ``fetch`` until ``done`` says its value is final, and return that value.

    Args:
        fetch: gets the current state (one or more requests).
        done: whether a state is final.
        interval: seconds between two polls.
        timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`, whose
            ``pending`` is ``[last state]``.
        on_update: called with every state fetched (progress), before ``done`` is asked.
        what: how the thing waited for is named in the timeout message.
        sleep, clock: the sleep function and the monotonic clock (tests pass fakes).
    """
    deadline = _Clock(interval, timeout, what, clock)
    while True:
        value = fetch()
        if on_update is not None:
            on_update(value)
        if done(value):
            return value
        wait = deadline.next_wait(value)
        logger.debug("Waiting for %s: next poll in %.3g s", what, wait)
        sleep(wait)


async def apoll(
    fetch: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    interval: float,
    timeout: float | None,  # noqa: ASYNC109 - the same signature as the sync twin
    on_update: Callable[[T], Any] | None = None,
    what: str = "the operation",
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """The async twin of `poll`: ``fetch`` is awaited, and so is what ``on_update`` returns
    when it is awaitable."""
    deadline = _Clock(interval, timeout, what, clock)
    while True:
        value = await fetch()
        if on_update is not None:
            result = on_update(value)
            if inspect.isawaitable(result):
                await result
        if done(value):
            return value
        wait = deadline.next_wait(value)
        logger.debug("Waiting for %s: next poll in %.3g s", what, wait)
        await sleep(wait)

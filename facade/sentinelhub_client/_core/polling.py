"""Waiting for something the service does in the background: one polling loop per flavour.

`poll` (sync) and `apoll` (async) fetch a state, hand it to ``on_update``, and return it once
``done(state)`` is true; between fetches they sleep ``interval`` seconds, and past ``timeout``
seconds they raise `WaitTimeoutError` (``pending`` holds the last state seen). ``done`` may raise
to end the wait with an error (a batch job that FAILED, say). Every decision (argument checks,
how long to sleep, when time is up) is made by `Deadline`, without I/O, so the two loops differ
only by their ``await``.

``sleep`` and ``clock`` are injectable: tests pass a fake clock and a sleep that advances it, so
no test waits for real.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sentinelhub_client._core.errors import SentinelHubValidationError, WaitTimeoutError

__all__ = ["Deadline", "apoll", "poll"]

T = TypeVar("T")


def _seconds(value: object, name: str, *, optional: bool) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0:
        accepted = "None (no limit) or a number of seconds >= 0" if optional else "a number >= 0"
        raise SentinelHubValidationError(f"{name} must be {accepted}, got {value!r}", field=name)
    return float(value)


@dataclass(frozen=True)
class Deadline:
    """When a wait began, how often it polls and when it must give up; no I/O.

    Attributes:
        interval: seconds between two fetches.
        timeout: seconds the whole wait may take (None: no limit).
        started: the clock's reading when the wait began.
        what: what is waited for, for the timeout message ("batch request 1234").
    """

    interval: float
    timeout: float | None
    started: float
    what: str

    @classmethod
    def start(cls, *, interval: float, timeout: float | None, now: float, what: str) -> Deadline:
        """Check ``interval`` and ``timeout`` (`SentinelHubValidationError` naming the bad one)
        and begin."""
        checked_interval = _seconds(interval, "interval", optional=False)
        assert checked_interval is not None
        return cls(checked_interval, _seconds(timeout, "timeout", optional=True), now, what)

    def wait(self, now: float, last: object) -> float:
        """Seconds to sleep before the next fetch; `WaitTimeoutError` when time is up.

        ``last`` is the latest state, kept in the error's ``pending``.
        """
        if self.timeout is None:
            return self.interval
        left = self.started + self.timeout - now
        if left <= 0:
            raise WaitTimeoutError(
                f"{self.what} did not finish within {self.timeout:g} s",
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
    sleep: Callable[[float], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Fetch until ``done``; return the last state.

    Args:
        fetch: gets the current state (one or a few requests).
        done: True when the state is final; it may raise to end the wait with an error.
        interval: seconds between fetches (>= 0).
        timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`.
        on_update: called with every state fetched, the final one included, before ``done``.
        what: names what is waited for in the timeout message.
        sleep, clock: the sleep function (None: `time.sleep`) and monotonic clock (tests pass
            fakes).
    """
    sleep = time.sleep if sleep is None else sleep
    deadline = Deadline.start(interval=interval, timeout=timeout, now=clock(), what=what)
    while True:
        state = fetch()
        if on_update is not None:
            on_update(state)
        if done(state):
            return state
        sleep(deadline.wait(clock(), state))


async def apoll(
    fetch: Callable[[], Awaitable[T]],
    done: Callable[[T], bool],
    *,
    interval: float,
    timeout: float | None,  # noqa: ASYNC109 - the twin of poll's; the deadline is ours
    on_update: Callable[[T], Any] | None = None,
    what: str = "the operation",
    sleep: Callable[[float], Awaitable[Any]] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """The async twin of `poll`: ``fetch`` is a coroutine function, ``on_update`` may be one;
    ``sleep`` None is `asyncio.sleep` (imported here, so importing a client stays cheap)."""
    if sleep is None:
        import asyncio

        sleep = asyncio.sleep
    deadline = Deadline.start(interval=interval, timeout=timeout, now=clock(), what=what)
    while True:
        state = await fetch()
        if on_update is not None:
            result = on_update(state)
            if inspect.isawaitable(result):
                await result
        if done(state):
            return state
        await sleep(deadline.wait(clock(), state))

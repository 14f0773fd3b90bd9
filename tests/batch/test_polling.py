"""``_core.polling``: poll and apoll fetch until done, sleep the interval, and time out typed; a
fake clock stands in for time, so nothing here waits for real."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sentinelhub_client import SentinelHubValidationError, WaitTimeoutError
from sentinelhub_client._core.polling import Deadline, apoll, poll

pytestmark = pytest.mark.anyio


class FakeTime:
    """A monotonic clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


def states(*values: str) -> Iterator[str]:
    yield from values


async def run(kind: str, fetch_values: Iterator[str], fake: FakeTime, **kwargs: Any) -> str:
    if kind == "sync":
        return poll(lambda: next(fetch_values), sleep=fake.sleep, clock=fake.clock, **kwargs)

    async def fetch() -> str:
        return next(fetch_values)

    return await apoll(fetch, sleep=fake.asleep, clock=fake.clock, **kwargs)


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_it_fetches_until_done_and_reports_every_state(kind: str) -> None:
    fake, seen = FakeTime(), []
    result = await run(
        kind,
        states("a", "b", "done"),
        fake,
        done=lambda s: s == "done",
        interval=2.0,
        timeout=None,
        on_update=seen.append,
    )
    assert result == "done"
    assert seen == ["a", "b", "done"]
    assert fake.sleeps == [2.0, 2.0]


async def test_it_times_out_typed_with_the_last_state(kind: str) -> None:
    fake = FakeTime()
    with pytest.raises(WaitTimeoutError, match=r"the job of X did not finish within 5 s") as caught:
        await run(
            kind,
            states(*["running"] * 10),
            fake,
            done=lambda s: False,
            interval=2.0,
            timeout=5.0,
            what="the job of X",
        )
    assert caught.value.timeout == 5.0
    assert caught.value.pending == ["running"]
    assert fake.sleeps == [2.0, 2.0, 1.0]  # the last sleep is cut to the deadline
    assert isinstance(caught.value, TimeoutError)


async def test_a_zero_timeout_fetches_once(kind: str) -> None:
    fake = FakeTime()
    with pytest.raises(WaitTimeoutError):
        await run(kind, states("x", "y"), fake, done=lambda s: False, interval=1, timeout=0)
    assert fake.sleeps == []


async def test_done_may_end_the_wait_with_an_error(kind: str) -> None:
    def done(state: str) -> bool:
        if state == "failed":
            raise RuntimeError("it failed")
        return False

    with pytest.raises(RuntimeError, match="it failed"):
        await run(kind, states("a", "failed"), FakeTime(), done=done, interval=0, timeout=None)


async def test_apoll_awaits_an_async_on_update() -> None:
    fake, seen = FakeTime(), []

    async def fetch() -> str:
        return "done"

    async def on_update(state: str) -> None:
        seen.append(state)

    await apoll(
        fetch,
        lambda s: True,
        interval=1,
        timeout=1,
        on_update=on_update,
        sleep=fake.asleep,
        clock=fake.clock,
    )
    assert seen == ["done"]


@pytest.mark.parametrize(
    ("interval", "timeout", "bad"),
    [(-1, None, "interval"), ("5", None, "interval"), (True, 1, "interval"), (1, -2, "timeout")],
)
def test_bad_interval_or_timeout_is_refused_by_name(interval: Any, timeout: Any, bad: str) -> None:
    with pytest.raises(SentinelHubValidationError, match=bad) as caught:
        Deadline.start(interval=interval, timeout=timeout, now=0.0, what="x")
    assert caught.value.field == bad
    with pytest.raises(SentinelHubValidationError):
        poll(lambda: 1, lambda s: True, interval=interval, timeout=timeout)

"""`poll` / `apoll`: return on done, report every state, time out with the last state."""

from __future__ import annotations

from typing import Any

import pytest
from sentinelhub_client import SentinelHubValidationError, WaitTimeoutError
from sentinelhub_client._core import polling

pytestmark = pytest.mark.anyio


class Counter:
    def __init__(self, finish_at: int | None) -> None:
        self.calls = 0
        self.finish_at = finish_at

    def __call__(self) -> int:
        self.calls += 1
        return self.calls

    async def afetch(self) -> int:
        return self()

    def done(self, value: int) -> bool:
        return self.finish_at is not None and value >= self.finish_at


@pytest.fixture
def waits() -> list[float]:
    return []


async def run(kind: str, counter: Counter, waits: list[float], **kwargs: Any) -> int:
    if kind == "sync":
        return polling.poll(counter, counter.done, sleep=waits.append, **kwargs)

    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    return await polling.apoll(counter.afetch, counter.done, sleep=asleep, **kwargs)


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_polls_until_done_and_reports_each_state(kind: str, waits: list[float]) -> None:
    counter = Counter(finish_at=3)
    seen: list[int] = []
    result = await run(kind, counter, waits, interval=2.5, timeout=None, on_update=seen.append)
    assert result == 3
    assert seen == [1, 2, 3]
    assert waits == [2.5, 2.5]


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_times_out_with_the_last_state(kind: str, waits: list[float]) -> None:
    counter = Counter(finish_at=None)
    with pytest.raises(WaitTimeoutError) as info:
        await run(kind, counter, waits, interval=1, timeout=0, what="the thing")
    assert info.value.pending == [1]
    assert info.value.timeout == 0
    assert "the thing did not finish within 0 s" in str(info.value)
    assert isinstance(info.value, TimeoutError)
    assert waits == []


async def test_waits_are_cut_at_the_deadline(waits: list[float]) -> None:
    clock = iter([100.0, 107.0, 109.5, 111.0])
    counter = Counter(finish_at=None)
    with pytest.raises(WaitTimeoutError):
        polling.poll(
            counter,
            counter.done,
            interval=5,
            timeout=10,
            sleep=waits.append,
            clock=lambda: next(clock),
        )
    assert waits == [3.0, 0.5]  # 10 s budget: 3 s left after 7 s, 0.5 s after 9.5 s
    assert counter.calls == 3


async def test_async_on_update_may_be_a_coroutine(waits: list[float]) -> None:
    seen: list[int] = []

    async def record(value: int) -> None:
        seen.append(value)

    async def asleep(seconds: float) -> None:
        waits.append(seconds)

    counter = Counter(finish_at=2)
    result = await polling.apoll(
        counter.afetch, counter.done, interval=0, timeout=5, on_update=record, sleep=asleep
    )
    assert result == 2
    assert seen == [1, 2]


@pytest.mark.parametrize(
    ("interval", "timeout", "field"),
    [
        (-1, None, "interval"),
        (float("nan"), 1, "interval"),
        (True, 1, "interval"),
        (1, -2, "timeout"),
        (1, "5", "timeout"),
    ],
)
def test_bad_arguments_are_refused(interval: Any, timeout: Any, field: str) -> None:
    counter = Counter(finish_at=1)
    with pytest.raises(SentinelHubValidationError) as info:
        polling.poll(counter, counter.done, interval=interval, timeout=timeout)
    assert info.value.field == field
    assert counter.calls == 0

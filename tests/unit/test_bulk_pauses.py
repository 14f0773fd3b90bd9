"""The pauses between the rounds of `register_tiles` come from the client's `RetryPolicy` (its
backoff, doubled each round, capped by ``backoff_max``); nothing sleeps for real here."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import respx
from sentinelhub_client import AsyncSentinelHubBYOC, RetryPolicy, SentinelHubBYOC, ServerError
from sentinelhub_client.byoc import bulk
from sentinelhub_client.byoc.bulk import Registration

from tests.support.twin import Twin
from tests.unit.conftest import BYOC, COLLECTION_ID, page

pytestmark = pytest.mark.anyio

TILES = f"{BYOC}/collections/{COLLECTION_ID}/tiles"


def _failing_job(max_rounds: int) -> Registration:
    job = Registration(
        uuid.uuid4(), [{"path": "x"}], concurrency=1, max_rounds=max_rounds, progress=None
    )
    job.existing([])
    return job


def _pauses(job: Registration, **options: Any) -> list[float]:
    """The pause before each round of a tile that never gets created."""
    pauses = []
    while True:
        pauses.append(job.pause(**options))
        [tile] = job.to_create()
        job.refused(tile.path, ServerError("HTTP 503", status=503))
        job.settle([])
        if not job.next_round():
            return pauses


def test_the_default_policy_keeps_one_second_doubling_up_to_thirty() -> None:
    expected = [0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert _pauses(_failing_job(8)) == expected
    assert _pauses(_failing_job(8), policy=RetryPolicy()) == expected


def test_a_custom_policy_sets_the_pauses() -> None:
    policy = RetryPolicy(backoff=2.0, backoff_max=5.0)
    assert _pauses(_failing_job(4), policy=policy) == [0.0, 4.0, 5.0, 5.0]
    policy = RetryPolicy(backoff=0.25, backoff_max=100.0)
    assert _pauses(_failing_job(5), policy=policy) == [0.0, 0.5, 1.0, 2.0, 4.0]


def test_no_pauses_without_backoff() -> None:
    assert _pauses(_failing_job(4), policy=RetryPolicy(backoff=0)) == [0.0] * 4
    assert _pauses(_failing_job(4), backoff_enabled=False) == [0.0] * 4
    off = _pauses(_failing_job(4), backoff_enabled=False, policy=RetryPolicy(backoff=3.0))
    assert off == [0.0] * 4


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (RetryPolicy(max_attempts=1), [0.0, 1.0, 2.0, 4.0]),
        (RetryPolicy(max_attempts=1, backoff=2.0, backoff_max=5.0), [0.0, 4.0, 5.0, 5.0]),
        (RetryPolicy(max_attempts=1, backoff=0), [0.0, 0.0, 0.0, 0.0]),
    ],
    ids=["default", "custom", "zero"],
)
async def test_the_shells_pause_as_the_clients_policy_says(
    byoc: Twin, api: respx.MockRouter, policy: RetryPolicy, expected: list[float]
) -> None:
    api.get(TILES).respond(json=page([]).json())
    api.post(TILES).respond(503)
    client = byoc.client.with_options(retry=policy)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def asleep(seconds: float) -> None:
        slept.append(seconds)

    job = Registration(
        COLLECTION_ID,
        [{"path": "x"}],
        concurrency=bulk.DEFAULT_BULK_CONCURRENCY,
        max_rounds=4,
        progress=None,
    )
    if isinstance(client, AsyncSentinelHubBYOC):
        report = await bulk.aregister_tiles(client, job, sleep=asleep)
    else:
        assert isinstance(client, SentinelHubBYOC)
        report = bulk.register_tiles(client, job, sleep=sleep)
    assert slept == expected
    [failure] = report.failed
    assert "after 4 round(s)" in failure.reason

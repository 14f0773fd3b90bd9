"""wait_for_analysis / wait_for_job (and their sentinelhub-py names): they end on every terminal
status, raise typed errors, time out, never wait for a request that will not move, and count tiles
within a bounded number of requests per poll."""

from __future__ import annotations

import itertools
import logging
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import SentinelHubValidationError, WaitTimeoutError
from sentinelhub_client.batch import (
    AsyncSentinelHubBatch,
    BatchFailedError,
    BatchProgress,
    BatchRequest,
    BatchRequestStatus,
    SentinelHubBatch,
)
from sentinelhub_client.batch.monitoring import TILE_PAGES_PER_POLL, TileTally

from .conftest import PROCESS, REQUEST_ID, Twin, page, request_json

pytestmark = pytest.mark.anyio


def states(*pairs: tuple[str, str | None], **extra: Any) -> list[httpx.Response]:
    """One answer per (status, userAction) pair."""
    answers = []
    for status, action in pairs:
        body = request_json(status, **extra)
        if action is not None:
            body["userAction"] = action
        answers.append(httpx.Response(200, json=body))
    return answers


@pytest.mark.parametrize("final", ["DONE", "PARTIAL", "CANCELED"])
async def test_wait_for_job_ends_on_each_terminal_status(
    batch: Twin, api: respx.MockRouter, final: str
) -> None:
    route = api.get(PROCESS).mock(
        side_effect=states(("ANALYSING", "START"), ("PROCESSING", "START"), (final, "START"))
    )
    tiles = api.get(f"{PROCESS}/tiles").mock(return_value=page([]))
    seen: list[str] = []
    request = await batch.call(
        "wait_for_job",
        {"id": REQUEST_ID},
        interval=0,
        callback=lambda progress: seen.append(str(progress.status)),
    )
    assert request.status == final
    assert route.call_count == 3
    assert tiles.call_count == 0  # no tile is listed unless counts are asked for
    assert seen == ["ANALYSING", "PROCESSING", final]


async def test_wait_for_job_raises_on_failed_with_the_error(
    batch: Twin, api: respx.MockRouter
) -> None:
    api.get(PROCESS).mock(
        side_effect=states(("PROCESSING", "START"), ("FAILED", "START"), error="all tiles failed")
    )
    with pytest.raises(BatchFailedError, match="all tiles failed") as caught:
        await batch.call("monitor_batch_job", REQUEST_ID, interval=0)
    assert caught.value.request_id == REQUEST_ID
    assert caught.value.error == "all tiles failed"
    assert caught.value.request.status is BatchRequestStatus.FAILED


@pytest.mark.parametrize("final", ["ANALYSIS_DONE", "PROCESSING", "DONE", "CANCELED"])
async def test_wait_for_analysis_ends_once_analysed(
    batch: Twin, api: respx.MockRouter, final: str
) -> None:
    route = api.get(PROCESS).mock(
        side_effect=states(("CREATED", "ANALYSE"), ("ANALYSING", "ANALYSE"), (final, "ANALYSE"))
    )
    request = await batch.call("wait_for_analysis", REQUEST_ID, interval=0)
    assert request.status == final
    assert route.call_count == 3


async def test_wait_for_analysis_raises_on_failed(batch: Twin, api: respx.MockRouter) -> None:
    api.get(PROCESS).mock(side_effect=states(("FAILED", "ANALYSE"), error="bad evalscript"))
    with pytest.raises(BatchFailedError, match="bad evalscript"):
        await batch.call("monitor_batch_analysis", BatchRequest(REQUEST_ID, {}), interval=0)


async def test_a_wait_times_out_typed(batch: Twin, api: respx.MockRouter) -> None:
    route = api.get(PROCESS).mock(return_value=states(("PROCESSING", "START"))[0])
    with pytest.raises(WaitTimeoutError, match=f"the job of batch request {REQUEST_ID}") as caught:
        await batch.call("wait_for_job", REQUEST_ID, interval=0, timeout=0)
    assert route.call_count == 1
    [last] = caught.value.pending
    assert isinstance(last, BatchProgress)
    assert last.request.status is BatchRequestStatus.PROCESSING


@pytest.mark.parametrize(
    ("method", "status", "action"),
    [
        ("wait_for_job", "CREATED", "NONE"),
        ("wait_for_job", "ANALYSIS_DONE", "ANALYSE"),
        ("wait_for_job", "CREATED", "ANALYSE"),
        ("wait_for_analysis", "CREATED", "NONE"),
    ],
)
async def test_a_request_that_will_not_move_is_an_error_at_once(
    batch: Twin, api: respx.MockRouter, method: str, status: str, action: str
) -> None:
    route = api.get(PROCESS).mock(return_value=states((status, action))[0])
    with pytest.raises(SentinelHubValidationError, match="was never started") as caught:
        await batch.call(method, REQUEST_ID, interval=0, timeout=None)
    assert caught.value.field == "batch_request"
    assert route.call_count == 1


async def test_without_a_user_action_it_keeps_waiting_until_the_timeout(
    batch: Twin, api: respx.MockRouter
) -> None:
    api.get(PROCESS).mock(return_value=states(("ANALYSIS_DONE", None))[0])
    with pytest.raises(WaitTimeoutError):
        await batch.call("wait_for_job", REQUEST_ID, interval=0, timeout=0)


async def test_an_unknown_status_ends_the_wait(
    batch: Twin, api: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    api.get(PROCESS).mock(side_effect=states(("PROCESSING", "START"), ("STOPPED", "STOP")))
    with caplog.at_level(logging.WARNING, logger="sentinelhub_client.batch.monitoring"):
        request = await batch.call("wait_for_job", REQUEST_ID, interval=0)
    assert request.status == "STOPPED"
    assert "does not know (STOPPED)" in caplog.text


def tiles_answer(per_status: dict[str, list[httpx.Response]]) -> Any:
    """Answers the tile listing by its ``status`` filter, in order."""

    def answer(request: httpx.Request) -> httpx.Response:
        return per_status[request.url.params["status"]].pop(0)

    return answer


def endless(status: str, size: int) -> list[httpx.Response]:
    """Pages of ``size`` tiles that always have a next page."""
    return [
        page([{"id": i * 1000 + j, "status": status} for j in range(size)], f"{status}-{i + 1}")
        for i in range(50)
    ]


async def test_counting_tiles_lists_a_bounded_number_of_pages_per_poll(
    batch: Twin, api: respx.MockRouter
) -> None:
    polls = states(*[("PROCESSING", "START")] * 3, ("DONE", "START"), tileCount=5000)
    api.get(PROCESS).mock(side_effect=polls)
    failed = [page([{"id": 1, "status": "FAILED"}])] * 3
    listing = {"FAILED": failed, "PROCESSED": endless("P", 100)}
    tiles = api.get(f"{PROCESS}/tiles").mock(side_effect=tiles_answer(listing))
    seen: list[tuple[Any, ...]] = []
    request = await batch.call(
        "wait_for_job",
        REQUEST_ID,
        interval=0,
        count_tiles=True,
        callback=lambda p: seen.append((str(p.status), p.processed, p.failed, p.total)),
    )
    assert request.status == "DONE"
    # Three polls while processing, each within the budget; none once DONE.
    assert tiles.call_count == 3 * TILE_PAGES_PER_POLL
    assert seen == [
        ("PROCESSING", 200, 1, 5000),
        ("PROCESSING", 400, 1, 5000),
        ("PROCESSING", 600, 1, 5000),
        ("DONE", 5000, 0, 5000),
    ]
    # The PROCESSED walk resumes where the previous poll stopped.
    tokens = [
        call.request.url.params.get("viewtoken")
        for call in tiles.calls
        if call.request.url.params["status"] == "PROCESSED"
    ]
    assert tokens == [None, "P-1", "P-2", "P-3", "P-4", "P-5"]


async def test_a_partial_job_counts_its_failed_tiles_exactly_once(
    batch: Twin, api: respx.MockRouter
) -> None:
    api.get(PROCESS).mock(side_effect=states(("PARTIAL", "START"), tileCount=250))
    failed = [page([{"id": i, "status": "FAILED"} for i in range(100)], "F-2"), page([{"id": 7}])]
    tiles = api.get(f"{PROCESS}/tiles").mock(side_effect=tiles_answer({"FAILED": failed}))
    seen: list[BatchProgress] = []
    await batch.call("wait_for_job", REQUEST_ID, interval=0, count_tiles=True, callback=seen.append)
    assert tiles.call_count == 2
    assert (seen[-1].processed, seen[-1].failed) == (149, 101)


async def test_the_progress_bar_shows_processed_and_failed_tiles(
    batch: Twin, api: respx.MockRouter, capsys: pytest.CaptureFixture[str]
) -> None:
    api.get(PROCESS).mock(side_effect=states(("PROCESSING", "START"), ("DONE", "START")))
    listing = {"FAILED": [page([])], "PROCESSED": [page([{"id": 1}, {"id": 2}])]}
    api.get(f"{PROCESS}/tiles").mock(side_effect=tiles_answer(listing))
    await batch.call("wait_for_job", REQUEST_ID, interval=0, progress=True)
    shown = capsys.readouterr().err
    assert "DONE" in shown
    assert "4/4 tiles, 0 failed" in shown


async def test_an_async_callback_is_awaited(api: respx.MockRouter, config: Any) -> None:
    api.get(PROCESS).mock(side_effect=states(("PROCESSING", "START"), ("DONE", "START")))
    seen: list[str] = []

    async def callback(progress: BatchProgress) -> None:
        seen.append(str(progress.status))

    async with AsyncSentinelHubBatch(config) as batch:
        await batch.wait_for_job(REQUEST_ID, interval=0, callback=callback)
    assert seen == ["PROCESSING", "DONE"]


def test_the_sentinelhub_py_names_are_aliases() -> None:
    for cls in (SentinelHubBatch, AsyncSentinelHubBatch):
        assert cls.monitor_batch_job is cls.wait_for_job
        assert cls.monitor_batch_analysis is cls.wait_for_analysis


# -- the tally alone -------------------------------------------------------------------------------


def test_the_tally_is_a_lower_bound_that_never_goes_down() -> None:
    tally = TileTally(page_size=10, pages_per_poll=2)
    running = BatchRequest.from_dict(request_json("PROCESSING", tileCount=100))
    counts = []
    # One PROCESSED page per poll (the FAILED listing takes the other): a first walk finds 25
    # tiles, a second one, started after more were processed, is 30 tiles in after three pages.
    sizes = iter([(10, True), (10, True), (5, False), (10, True), (10, True), (10, True)])
    for _ in range(6):
        tally.plan(running)
        while (step := tally.next_page()) is not None:
            status, _request = step
            if status.value == "FAILED":
                tally.accept(status, 0, None)
                continue
            size, more = next(sizes)
            tally.accept(status, size, "t" if more else None)
        counts.append(tally.counts())
    assert counts == [(10, 0), (20, 0), (25, 0), (25, 0), (25, 0), (30, 0)]
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(counts))


def test_the_tally_lists_nothing_before_the_analysis() -> None:
    tally = TileTally()
    tally.plan(BatchRequest.from_dict(request_json("ANALYSING")))
    assert tally.next_page() is None
    assert tally.counts() == (None, None)

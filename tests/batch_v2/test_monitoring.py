"""The waits of the Batch v2 clients: what ends them, what they raise, and sentinelhub-py's
module-level monitors with their sleep-time bounds, sync and async."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import respx
from sentinelhub_client import BatchFailedError, SentinelHubValidationError
from sentinelhub_client.batch_v2 import (
    AsyncBatchProcessClient,
    BatchProcessRequest,
    BatchV2Progress,
    BatchV2Status,
    StoppedStatusReason,
    amonitor_batch_process_job,
    monitor_batch_process_analysis,
    monitor_batch_process_job,
)
from sentinelhub_client.batch_v2.monitoring import BatchV2Watch

from .conftest import PROCESS, REQUEST_ID, Twin, request_json

pytestmark = pytest.mark.anyio


def answers(*states: dict[str, Any]) -> list[Any]:
    import httpx

    return [httpx.Response(200, json=state) for state in states]


async def test_wait_for_analysis_ends_at_analysis_done(batch: Twin, api: respx.MockRouter) -> None:
    route = api.get(PROCESS).mock(
        side_effect=answers(
            request_json("CREATED", userAction="ANALYSE"),
            request_json("ANALYSING", userAction="ANALYSE"),
            request_json("ANALYSIS_DONE", userAction="ANALYSE"),
        )
    )
    seen: list[BatchV2Progress] = []
    got = await batch.call("wait_for_analysis", REQUEST_ID, interval=0, callback=seen.append)
    assert got.status is BatchV2Status.ANALYSIS_DONE
    assert route.call_count == 3
    assert [p.status for p in seen] == ["CREATED", "ANALYSING", "ANALYSIS_DONE"]


async def test_wait_for_job_reports_percentages_and_ends_at_done(
    batch: Twin, api: respx.MockRouter
) -> None:
    api.get(PROCESS).mock(
        side_effect=answers(
            request_json("ANALYSIS_DONE", userAction="START"),
            request_json("PROCESSING", userAction="START", completionPercentage=40),
            request_json("DONE", userAction="START", completionPercentage=100, costPU=3.5),
        )
    )
    seen: list[float] = []
    got = await batch.call(
        "wait_for_job", REQUEST_ID, interval=0, callback=lambda p: seen.append(p.percentage)
    )
    assert seen == [0.0, 40.0, 100.0]
    assert got.status is BatchV2Status.DONE
    assert got.cost_PU == 3.5


async def test_wait_for_job_returns_a_stopped_request(batch: Twin, api: respx.MockRouter) -> None:
    api.get(PROCESS).respond(
        json=request_json("STOPPED", userAction="STOP", stoppedStatusReason="OUT_OF_PU")
    )
    got = await batch.call("wait_for_job", REQUEST_ID, interval=0)
    assert got.stopped_status_reason is StoppedStatusReason.OUT_OF_PU


async def test_failed_raises_with_the_error(batch: Twin, api: respx.MockRouter) -> None:
    api.get(PROCESS).respond(json=request_json("FAILED", userAction="START", error="bad script"))
    with pytest.raises(BatchFailedError, match="bad script") as caught:
        await batch.call("wait_for_job", REQUEST_ID, interval=0)
    assert caught.value.request_id == REQUEST_ID
    assert isinstance(caught.value.request, BatchProcessRequest)


async def test_waiting_for_a_job_never_started_fails_at_once(
    batch: Twin, api: respx.MockRouter
) -> None:
    route = api.get(PROCESS).respond(json=request_json("ANALYSIS_DONE", userAction="ANALYSE"))
    with pytest.raises(SentinelHubValidationError, match="start_job") as caught:
        await batch.call("wait_for_job", REQUEST_ID, interval=0)
    assert caught.value.field == "batch_request"
    assert route.call_count == 1


async def test_an_unknown_status_ends_the_wait(batch: Twin, api: respx.MockRouter) -> None:
    api.get(PROCESS).respond(json=request_json("ARCHIVED", userAction="START"))
    got = await batch.call("wait_for_job", REQUEST_ID, interval=0)
    assert got.status == "ARCHIVED"


async def test_the_timeout_bounds_the_wait(batch: Twin, api: respx.MockRouter) -> None:
    from sentinelhub_client import WaitTimeoutError

    api.get(PROCESS).respond(json=request_json("PROCESSING", userAction="START"))
    with pytest.raises(WaitTimeoutError):
        await batch.call("wait_for_job", REQUEST_ID, interval=0.01, timeout=0.05)


def test_watch_for_the_analysis_accepts_any_later_status() -> None:
    watch = BatchV2Watch(REQUEST_ID, job=False)  # type: ignore[arg-type]
    for status in ("ANALYSIS_DONE", "PROCESSING", "DONE", "STOPPED"):
        request = BatchProcessRequest.from_dict(request_json(status, userAction="START"))
        assert watch.done(BatchV2Progress(request)) is True
    created = BatchProcessRequest.from_dict(request_json("CREATED", userAction="ANALYSE"))
    assert watch.done(BatchV2Progress(created)) is False
    never = BatchProcessRequest.from_dict(request_json("CREATED", userAction="NONE"))
    with pytest.raises(SentinelHubValidationError, match="start_analysis"):
        watch.done(BatchV2Progress(never))


def test_percentage_is_clamped() -> None:
    over = BatchProcessRequest.from_dict(request_json(completionPercentage=250))
    assert BatchV2Progress(over).percentage == 100.0


# -- sentinelhub-py's module-level monitors ------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"sleep_time": 59}, "sleep_time"), ({"analysis_sleep_time": 4}, "analysis_sleep_time")],
)
def test_monitor_refuses_short_sleep_times(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(SentinelHubValidationError) as caught:
        monitor_batch_process_job(REQUEST_ID, client=None, **kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert isinstance(caught.value, ValueError)  # what sentinelhub-py raised
    with pytest.raises(SentinelHubValidationError):
        monitor_batch_process_analysis(REQUEST_ID, None, sleep_time=1)  # type: ignore[arg-type]


def test_monitor_job_waits_for_analysis_then_job_with_a_bar(
    api: respx.MockRouter,
    config: Any,
    shared_http: Any,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sentinelhub_client._core.polling import poll
    from sentinelhub_client.batch_v2 import BatchProcessClient
    from sentinelhub_client.batch_v2 import client as client_module

    slept: list[float] = []
    monkeypatch.setattr(client_module, "poll", functools.partial(poll, sleep=slept.append))
    api.get(PROCESS).mock(
        side_effect=answers(
            request_json("ANALYSING", userAction="START"),
            request_json("ANALYSIS_DONE", userAction="START"),
            request_json("PROCESSING", userAction="START", completionPercentage=50),
            request_json("DONE", userAction="START", completionPercentage=100),
        )
    )
    with BatchProcessClient(config, http_client=shared_http[0]) as client:
        got = monitor_batch_process_job(REQUEST_ID, client, sleep_time=60, analysis_sleep_time=5)
    assert got.status is BatchV2Status.DONE
    # Pauses of at most 5 s while analysing, then of at most 60 s while processing.
    assert len(slept) == 2
    assert 0 < slept[0] <= 5
    assert 5 < slept[1] <= 60
    assert "DONE" in capsys.readouterr().err  # the bar, on standard error


async def test_async_monitor_job(
    api: respx.MockRouter, config: Any, shared_http: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sentinelhub_client._core.polling import apoll
    from sentinelhub_client.batch_v2 import client as client_module

    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(client_module, "apoll", functools.partial(apoll, sleep=no_sleep))
    api.get(PROCESS).mock(
        side_effect=answers(
            request_json("ANALYSIS_DONE", userAction="START"),
            request_json("ANALYSIS_DONE", userAction="START"),
            request_json("STOPPED", userAction="STOP", stoppedStatusReason="USER_ACTION"),
        )
    )
    async with AsyncBatchProcessClient(config, http_client=shared_http[1]) as client:
        got = await amonitor_batch_process_job(REQUEST_ID, client)
    assert got.status is BatchV2Status.STOPPED
    assert len(slept) == 1  # analysis done at once; one pause while the job ran

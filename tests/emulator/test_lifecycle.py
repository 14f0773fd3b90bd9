"""`core.lifecycle.Workers`: the background threads BYOC ingestion, Batch and Async Process share:
work left unfinished is re-queued before any thread starts, threads are named, and a stop ends
their pauses and waits for them."""

from __future__ import annotations

import logging
import threading

import pytest
from sentinelhub_emulator.core.lifecycle import Workers


def test_requeue_runs_before_the_threads_and_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    order: list[str] = []
    started = threading.Barrier(3)
    workers = Workers("test-workers", "a test worker")

    def requeue() -> int:
        order.append("requeue")
        return 3

    def loop() -> None:
        order.append(threading.current_thread().name)
        started.wait(5)
        while workers.pause(10):
            pass

    with caplog.at_level(logging.INFO, "sentinelhub_emulator.core.lifecycle"):
        workers.start(loop, count=2, requeue=requeue, requeued="re-queued %d thing(s)")
        started.wait(5)
    assert order[0] == "requeue"
    assert sorted(order[1:]) == ["test-workers-0", "test-workers-1"]
    assert "re-queued 3 thing(s)" in caplog.text
    assert workers.size == 2
    assert not workers.stopping
    workers.stop(5)
    assert workers.stopping
    assert workers.size == 0


def test_nothing_requeued_logs_nothing_and_a_single_thread_keeps_its_name(
    caplog: pytest.LogCaptureFixture,
) -> None:
    names: list[str] = []
    workers = Workers("test-single", "a test worker")
    with caplog.at_level(logging.INFO, "sentinelhub_emulator.core.lifecycle"):
        workers.start(
            lambda: names.append(threading.current_thread().name),
            numbered=False,
            requeue=lambda: 0,
        )
        workers.stop(5)
    assert names == ["test-single"]
    assert caplog.text == ""


def test_pause_waits_unless_stopping_and_a_restart_clears_the_stop() -> None:
    workers = Workers("test-pause", "a test worker")
    assert workers.pause(0)
    assert workers.pause(0.001)
    workers.signal_stop()
    assert not workers.pause(0)
    assert not workers.pause(60)  # returns at once
    workers.start(lambda: None)
    assert not workers.stopping
    workers.stop(5)


def test_a_thread_that_does_not_stop_is_reported(caplog: pytest.LogCaptureFixture) -> None:
    release = threading.Event()
    workers = Workers("test-stuck", "a stuck worker")
    workers.start(lambda: release.wait(5) and None)
    with caplog.at_level(logging.WARNING, "sentinelhub_emulator.core.lifecycle"):
        workers.stop(0.01)
    release.set()
    assert "a stuck worker did not stop within 0 s" in caplog.text

"""A batch worker prepares a V8 context for its last evalscript once it has no tile to render."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sentinelhub_emulator.batch import pool
from sentinelhub_emulator.batch.processing import TileOutcome
from sentinelhub_emulator.process import script
from sentinelhub_emulator.process.script import ScriptLimits

SOURCE = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1}}; }
function evaluatePixel(s) { return [s.B1]; }
"""


@dataclass(frozen=True)
class Tile:
    """What `pool._run` reads of a task, rendering nothing."""

    process_request: dict[str, Any]
    request_id: str = "r"

    def render(self, renderer: Any, context: Any, halted: Any) -> TileOutcome:
        return TileOutcome(None)


def _waiting() -> int:
    with script._POOL._lock:
        return len(script._POOL._idle.get((SOURCE, ScriptLimits()), []))


@pytest.fixture(autouse=True)
def _worker_like(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A worker process's state without its emulator: no environment or context to take on.
    monkeypatch.setattr(pool, "_take_on", lambda setup: None)
    monkeypatch.setattr(pool, "_context", lambda setup: object())
    script.drain_pool()
    script.prepare_ahead(False)
    yield
    if pool._idle_prepare is not None:
        pool._idle_prepare.cancel()
    script.prepare_ahead(True)
    script.drain_pool()


def test_an_idle_worker_prepares_a_context_for_its_last_evalscript() -> None:
    pool._run(None, Tile({"evalscript": SOURCE}))  # type: ignore[arg-type]
    deadline = time.monotonic() + 10
    while _waiting() == 0:
        assert time.monotonic() < deadline, "no context was prepared once idle"
        time.sleep(0.01)


def test_tiles_in_a_row_prepare_nothing_in_between(monkeypatch: pytest.MonkeyPatch) -> None:
    # A long wait, so that however slow this machine is, each next tile comes before it ends.
    monkeypatch.setattr(pool, "IDLE_PREPARE_S", 5.0)
    timers = []
    for _ in range(5):
        pool._run(None, Tile({"evalscript": SOURCE}))  # type: ignore[arg-type]
        timers.append(pool._idle_prepare)
    # Each tile called off the preparation the one before it had set up.
    assert all(timer is not None and timer.finished.is_set() for timer in timers[:-1])
    assert timers[-1] is not None
    assert not timers[-1].finished.is_set()
    timers[-1].cancel()
    assert _waiting() == 0

"""Contexts prepared ahead: on by default, off in Batch worker processes."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sentinelhub_emulator.process import script
from sentinelhub_emulator.process.script import EvalscriptRuntime, ScriptLimits

SOURCE = """//VERSION=3
var made = (globalThis.made || 0) + 1;
globalThis.made = made;
function setup() { return {input: ["B1"], output: {bands: 1}}; }
function evaluatePixel(s) { return [made]; }
"""


def _waiting(source: str, limits: ScriptLimits) -> int:
    """Prepared contexts waiting for ``source`` in this process's pool."""
    with script._POOL._lock:
        return len(script._POOL._idle.get((source, limits), []))


@pytest.fixture(autouse=True)
def _restore() -> Iterator[None]:
    script.drain_pool()
    yield
    script.prepare_ahead(True)
    script.drain_pool()


def test_by_default_the_next_context_is_prepared_while_one_renders() -> None:
    limits = ScriptLimits()
    with EvalscriptRuntime(SOURCE, limits):
        deadline = time.monotonic() + 10
        while _waiting(SOURCE, limits) == 0:
            assert time.monotonic() < deadline, "no context was prepared ahead"
            time.sleep(0.01)


def test_turned_off_nothing_is_prepared_and_each_runtime_still_gets_a_fresh_context() -> None:
    script.prepare_ahead(False)
    limits = ScriptLimits()
    for _ in range(3):
        with EvalscriptRuntime(SOURCE, limits) as runtime:
            # A fresh context each time: the evalscript's global counter starts again.
            assert runtime._eval("made") == 1
    time.sleep(0.2)  # a background preparation, if one had started, would have landed
    assert _waiting(SOURCE, limits) == 0

"""`EvalscriptRuntime(reuse=True)`: a V8 context that serves one runtime after another (a batch
job's tiles), each starting the evalscript afresh: its declarations, the globals it created and
the globals it replaced are back to what they were; only what `reset` cannot see (a built-in's
prototype) lives on, for at most `REUSE_MAX` runtimes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process import script
from sentinelhub_emulator.process.script import EvalscriptRuntime, ScriptLimits

LIMITS = ScriptLimits(time_s=10.0)

STATEFUL = """//VERSION=3
let count = 0;
var seen = [];
function setup() { return {input: ["B1"], output: {bands: 1}}; }
function evaluatePixel(s) {
  count += 1;
  seen.push(s);
  if (typeof implicit === "undefined") implicit = 0;  // sloppy mode: a new global
  implicit += 1;
  index = function () { return 42; };  // replaces the service's helper
  Array.prototype.tagged = (Array.prototype.tagged || 0) + 1;  // reset cannot see this
  return [count, implicit, seen.length];
}
"""


@pytest.fixture(autouse=True)
def _no_contexts_left() -> Iterator[None]:
    script.drain_pool()
    yield
    script.drain_pool()


def _twice(runtime: EvalscriptRuntime) -> object:
    runtime.setup()
    runtime.run("evaluatePixel(1)")
    return runtime.call_json("evaluatePixel(2).concat([index(3, 1), [].tagged])")


def test_each_runtime_starts_the_evalscript_afresh_in_the_same_context() -> None:
    answers = []
    for _ in range(3):
        with EvalscriptRuntime(STATEFUL, LIMITS, reuse=True) as runtime:
            answers.append(_twice(runtime))
    # Declarations, the new global and the replaced helper start over every time; the
    # prototype's counter shows it was one context (2 calls a runtime).
    assert answers == [[2, 2, 2, 42, 2], [2, 2, 2, 42, 4], [2, 2, 2, 42, 6]]
    with EvalscriptRuntime(STATEFUL, LIMITS, reuse=True) as runtime:
        assert runtime.call_json("[typeof implicit, index(3, 1)]") == ["undefined", 0.5]


def test_without_reuse_every_runtime_has_its_own_context() -> None:
    answers = []
    for _ in range(2):
        with EvalscriptRuntime(STATEFUL, LIMITS) as runtime:
            answers.append(_twice(runtime))
    assert answers == [[2, 2, 2, 42, 2], [2, 2, 2, 42, 2]]


def test_a_context_serves_at_most_reuse_max_runtimes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(script, "REUSE_MAX", 2)
    tags = []
    for _ in range(4):
        with EvalscriptRuntime(STATEFUL, LIMITS, reuse=True) as runtime:
            tags.append(_twice(runtime)[-1])  # type: ignore[index]
    assert tags == [2, 4, 2, 4]


def test_hooks_this_and_strict_mode_are_those_of_a_script() -> None:
    source = """//VERSION=3
"use strict";
const top = this === globalThis;
function setup() { return {input: ["B1"], output: {bands: 1}}; }
var evaluatePixel = function () { return [top ? 1 : 0]; };
function updateOutputMetadata() {}
function preProcessScenes(c) { return c; }
"""
    for _ in range(2):
        with EvalscriptRuntime(source, LIMITS, reuse=True) as runtime:
            info = runtime.setup(("preProcessScenes", "updateOutput", "updateOutputMetadata"))
            assert [o.id for o in info.outputs] == ["default"]
            assert runtime.defined == {"preProcessScenes", "updateOutputMetadata"}
            assert runtime.call_json("evaluatePixel()") == [1]
            with pytest.raises(ApiError, match="undeclared is not defined"):
                runtime.run("(function () { 'use strict'; undeclared = 1; })()")


def test_errors_name_the_evalscript_line_as_without_reuse() -> None:
    source = (
        "//VERSION=3\n"
        'function setup() { return {input: ["B1"], output: {bands: 1}}; }\n'
        "\n"
        "function evaluatePixel() { return missing.value; }\n"
    )
    messages = []
    for reuse in (False, True):
        with EvalscriptRuntime(source, LIMITS, reuse=reuse) as runtime:
            runtime.setup()
            with pytest.raises(ApiError) as raised:
                runtime.run("evaluatePixel()")
            messages.append(raised.value.message)
    assert messages[0] == messages[1]
    assert "(evalscript line 4)" in messages[0]


@pytest.mark.parametrize(
    "source",
    [
        "function setup() {\n  return {;\n}",
        # Text that would close the wrapper function early is no function body either.
        "function setup() { return {output: {bands: 1}}; }\n}); (function () {",
    ],
)
def test_a_syntax_error_is_reported_as_without_reuse(source: str) -> None:
    messages = []
    for reuse in (False, True):
        with pytest.raises(ApiError) as raised:
            EvalscriptRuntime(source, LIMITS, reuse=reuse)
        messages.append(raised.value.message)
    assert messages[0] == messages[1]
    assert "Evalscript syntax error" in messages[0]


def test_a_failed_runtime_does_not_give_its_context_back() -> None:
    source = "var calls = 0;\nfunction setup() { return {output: {bands: 1}}; }\n" + (
        "function evaluatePixel() { Array.prototype.mark = 1; throw new Error('no'); }\n"
    )
    with EvalscriptRuntime(source, LIMITS, reuse=True) as runtime, pytest.raises(ApiError):
        runtime.run("evaluatePixel()")
    with EvalscriptRuntime(source, LIMITS, reuse=True) as runtime:
        assert runtime.call_json("[].mark === undefined") is True


def test_a_global_reset_cannot_remove_closes_the_context() -> None:
    source = """function setup() { return {output: {bands: 1}}; }
function evaluatePixel() {
  if (!("fixed" in globalThis)) Object.defineProperty(globalThis, "fixed", {value: 1});
  Array.prototype.mark = (Array.prototype.mark || 0) + 1;
  return [[].mark];
}
"""
    answers = []
    for _ in range(2):
        with EvalscriptRuntime(source, LIMITS, reuse=True) as runtime:
            answers.append(runtime.call_json("evaluatePixel()"))
    assert answers == [[1], [1]]  # a new context the second time


PLAIN = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1}}; }
function evaluatePixel(s) { return [s.B1]; }
"""


def _tagged_buffer(runtime: EvalscriptRuntime, count: int) -> tuple[object, object]:
    """Typed arrays of ``count`` uint16 and float64 values: whether their memory carries the
    tag an earlier runtime put on it, and whether they are all 0 (then tagged, and filled)."""
    first, second = runtime.alloc_many([("a", "uint16", count), ("b", "float64", count)])
    seen = runtime.call_json("__sh.bufs.a.buffer.tag === 'earlier'")
    zero = bool((first == 0).all() and (second == 0).all())
    runtime.run("__sh.bufs.a.buffer.tag = 'earlier';")
    first[:] = 7
    second[:] = 1.5
    return seen, zero


def test_a_reused_context_lends_its_arrays_memory_zeroed_to_the_next_runtime_of_that_size() -> None:
    answers = []
    for count in (1000, 1000, 999, 999):
        with EvalscriptRuntime(PLAIN, LIMITS, reuse=True) as runtime:
            answers.append(_tagged_buffer(runtime, count))
    # The same memory for the same size (zeroed again), new memory for another size.
    assert answers == [(False, True), (True, True), (False, True), (True, True)]


def test_memory_python_still_holds_is_not_lent() -> None:
    with EvalscriptRuntime(PLAIN, LIMITS, reuse=True) as runtime:
        kept = runtime.alloc("a", "uint16", 1000)
        kept[:] = 7
    with EvalscriptRuntime(PLAIN, LIMITS, reuse=True) as runtime:
        fresh = runtime.alloc("a", "uint16", 1000)
        assert (fresh == 0).all()
        fresh[:] = 9
    assert (kept == 7).all()


def test_contexts_are_reused_by_one_owner_only() -> None:
    source = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1}}; }
function evaluatePixel() {
  Array.prototype.visits = (Array.prototype.visits || 0) + 1;
  return [[].visits];
}
"""
    visits = []
    for owner in ("a", "b", "a", "b", "b"):
        with EvalscriptRuntime(source, LIMITS, reuse=True, owner=owner) as runtime:
            visits.append(runtime.call_json("evaluatePixel()")[0])  # type: ignore[index]
    assert visits == [1, 1, 2, 2, 3]


def test_memory_above_lend_max_is_not_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(script, "LEND_MAX", 1000 * 2 + 1000 * 8 - 1)
    answers = []
    for count in (1000, 1000, 999, 999):
        with EvalscriptRuntime(PLAIN, LIMITS, reuse=True) as runtime:
            answers.append(_tagged_buffer(runtime, count))
    assert answers == [(False, True), (False, True), (False, True), (True, True)]

"""An evalscript in its own V8 context (mini-racer), with a time and a memory limit.

One `EvalscriptRuntime` per request: global state persists from ``setup`` through every
``evaluatePixel`` call to ``updateOutputMetadata``, as on the service, and no request ever sees
another's: a V8 context serves one request and is closed after it. Creating one (an isolate, its
event-loop thread, the prelude, the evalscript's top-level code) costs more than reading a small
raster, so a bounded pool keeps *unused* contexts ready per evalscript and limits: after a
request whose evalscript loaded quickly, a background thread prepares the next context for the
same evalscript, and the next request takes it instead of building one. Such a context is in
exactly the state a new one would be (nothing but the prelude and the evalscript's top-level
code has run in it); the time its top-level code took counts against the request that takes it,
its memory limit is its own isolate's, so the limits hold per request as before.

A batch job's tiles (``EvalscriptRuntime(..., reuse=True)``) share contexts instead: a context
serves one tile after another of the same evalscript and limits (at most `REUSE_MAX`), which
spares each tile the isolate (about 3.5 ms of CPU) and lets V8 keep the code it optimized. The
evalscript is wrapped in a function there, so that each tile runs its top-level code in a fresh
scope (declarations start over; ``this`` is the global object and the hooks are put on it, as for
a script); after a tile, the globals it created are deleted and those it replaced or deleted are
put back. What that cannot see, changes inside a built-in or a helper object (``Math.x = 1``,
``Array.prototype.sum = ...``), carries over to the context's next tiles. A tile that failed, or
a global object that cannot be put back, closes the context. The memory of a tile's typed arrays
(its bands and outputs, up to `LEND_MAX`) serves the context's next tile of the same size,
zeroed again, which spares V8 allocating and the system mapping it afresh (about 3.5 ms of a
1000 x 1000 px tile); a context serves one account's tiles only. Two more differences from a
script: a top-level ``var`` or function is no property of ``globalThis``, and text that is no
valid function body (a syntax error) is loaded as a script, so its error reads as without reuse.

Pixel data never crosses
the Python/JavaScript boundary value by value: `EvalscriptRuntime.alloc` makes a typed array in
V8 and hands Python a numpy view of the same memory, so rasters are written in and results read
out in bulk, and the per-pixel loop runs entirely in V8.

Every JavaScript problem becomes a 400 ``RENDERER_EXCEPTION`` with V8's message and the line of
the evalscript where it happened.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from py_mini_racer import (
    JSEvalException,
    JSOOMException,
    JSParseException,
    JSTimeoutException,
    MiniRacer,
)

from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process.jslib import DRIVER_ERROR_PREFIX, HOOKS, PRELUDE

__all__ = [
    "RENDERER_EXCEPTION",
    "SAMPLE_TYPES",
    "EvalscriptRuntime",
    "InputObject",
    "OutputObject",
    "ScriptLimits",
    "SetupInfo",
    "drain_pool",
    "js_json",
    "renderer_error",
]

RENDERER_EXCEPTION = "RENDERER_EXCEPTION"
SAMPLE_TYPES = ("INT8", "UINT8", "INT16", "UINT16", "FLOAT32", "AUTO")
MOSAICKINGS = ("SIMPLE", "ORBIT", "TILE")
_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
_LOCATION = re.compile(r"^<anonymous>:(\d+): (.*)$")

_JS_TYPES = {
    np.dtype(np.uint8): "u8",
    np.dtype(np.int8): "i8",
    np.dtype(np.uint16): "u16",
    np.dtype(np.int16): "i16",
    np.dtype(np.uint32): "u32",
    np.dtype(np.int32): "i32",
    np.dtype(np.float32): "f32",
    np.dtype(np.float64): "f64",
}


def renderer_error(message: str) -> ApiError:
    return ApiError(400, message, RENDERER_EXCEPTION)


@dataclass(frozen=True)
class ScriptLimits:
    """How long an evalscript may run in total (seconds) and how much V8 heap it may use."""

    time_s: float = 30.0
    memory_bytes: int = 512 * 1024 * 1024


@dataclass(frozen=True)
class InputObject:
    """One object of ``setup().input``."""

    bands: tuple[str, ...]
    units: tuple[str | None, ...]
    bounds_metadata: bool
    datasource: str | None
    mosaicking: str | None


@dataclass(frozen=True)
class OutputObject:
    """One object of ``setup().output``."""

    id: str
    bands: int
    sample_type: str
    nodata: float | None


@dataclass(frozen=True)
class SetupInfo:
    inputs: tuple[InputObject, ...]
    outputs: tuple[OutputObject, ...]
    mosaicking: str


def _js_message(text: str) -> str:
    """V8's exception text as one line: ``TypeError: ... (evalscript line N)``."""
    first = text.strip().splitlines()[0] if text.strip() else "unknown error"
    if DRIVER_ERROR_PREFIX in text:
        return text.split(DRIVER_ERROR_PREFIX, 1)[1].splitlines()[0].strip()
    match = _LOCATION.match(first)
    if match:
        return f"{match.group(2)} (evalscript line {match.group(1)})"
    return first


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _parse_input(raw: Any, position: int) -> InputObject:
    where = f"setup().input[{position}]"
    if isinstance(raw, str):
        raw = {"bands": [raw]}
    if not isinstance(raw, Mapping):
        raise renderer_error(f"{where} must be a band name or an object with bands.")
    bands = raw.get("bands")
    if isinstance(bands, str):
        bands = [bands]
    if not isinstance(bands, list) or not all(isinstance(b, str) for b in bands):
        raise renderer_error(f"{where}.bands must be a list of band names.")
    for band in bands:
        if not _IDENTIFIER.match(band):
            raise renderer_error(f"{where}.bands has {band!r}, which is not a band name.")
    units_raw = raw.get("units")
    units: list[str | None]
    if units_raw is None:
        units = [None] * len(bands)
    elif isinstance(units_raw, str):
        units = [units_raw] * len(bands)
    elif isinstance(units_raw, list) and len(units_raw) == len(bands):
        units = [u if isinstance(u, str) else None for u in units_raw]
    else:
        raise renderer_error(f"{where}.units must be one unit or one per band.")
    # Which units a band takes depends on its collection: the engine checks them.
    metadata = raw.get("metadata") or []
    if not isinstance(metadata, list) or any(m != "bounds" for m in metadata):
        raise renderer_error(f'{where}.metadata supports only ["bounds"].')
    datasource = raw.get("datasource")
    if datasource is not None and not isinstance(datasource, str):
        raise renderer_error(f"{where}.datasource must be the id of an input.")
    mosaicking = raw.get("mosaicking")
    if mosaicking is not None and mosaicking not in MOSAICKINGS:
        raise renderer_error(f"{where}.mosaicking must be SIMPLE, ORBIT or TILE.")
    return InputObject(tuple(bands), tuple(units), bool(metadata), datasource, mosaicking)


def _parse_output(raw: Any, position: int, count: int) -> OutputObject:
    where = f"setup().output[{position}]" if count > 1 else "setup().output"
    if not isinstance(raw, Mapping):
        raise renderer_error(f"{where} must be an object with bands.")
    identifier = raw.get("id", "default")
    if not isinstance(identifier, str) or not identifier:
        raise renderer_error(f"{where}.id must be a non-empty string.")
    bands = raw.get("bands")
    if isinstance(bands, bool) or not isinstance(bands, int | float) or bands != int(bands):
        raise renderer_error(f"{where}.bands must be a whole number of bands.")
    if not 1 <= int(bands) <= 1000:
        raise renderer_error(f"{where}.bands must be from 1 to 1000.")
    sample_type = raw.get("sampleType", "AUTO")
    if sample_type not in SAMPLE_TYPES:
        raise renderer_error(
            f"{where}.sampleType {sample_type!r} is not one of {', '.join(SAMPLE_TYPES)}."
        )
    nodata = raw.get("nodataValue")
    if nodata is not None and (isinstance(nodata, bool) or not isinstance(nodata, int | float)):
        raise renderer_error(f"{where}.nodataValue must be a number.")
    return OutputObject(identifier, int(bands), str(sample_type), nodata)


def parse_setup(raw: Any) -> SetupInfo:
    """Check what ``setup()`` returned."""
    if not isinstance(raw, Mapping):
        raise renderer_error("setup() must return an object with input and output.")
    if "processing" in raw:
        raise renderer_error("setup().processing is not supported by the emulator.")
    raw_inputs = raw.get("input")
    if raw_inputs is None:
        raise renderer_error("setup() must return input (band names or input objects).")
    raw_list = _as_list(raw_inputs)
    if all(isinstance(item, str) for item in raw_list):
        inputs: tuple[InputObject, ...] = (_parse_input({"bands": raw_list}, 0),)
    else:
        inputs = tuple(_parse_input(item, i) for i, item in enumerate(raw_list))
    raw_outputs = raw.get("output")
    if raw_outputs is None:
        raise renderer_error("setup() must return output (an object or a list of them).")
    outputs_list = _as_list(raw_outputs)
    if not outputs_list:
        raise renderer_error("setup().output must not be empty.")
    outputs = tuple(
        _parse_output(item, i, len(outputs_list)) for i, item in enumerate(outputs_list)
    )
    ids = [o.id for o in outputs]
    if len(set(ids)) != len(ids):
        raise renderer_error("setup().output ids must be unique.")
    if "userdata" in ids:
        raise renderer_error("setup().output id 'userdata' is reserved for the metadata output.")
    mosaicking = raw.get("mosaicking", "SIMPLE")
    if mosaicking is None:
        mosaicking = "SIMPLE"
    if mosaicking not in MOSAICKINGS:
        raise renderer_error(f"setup().mosaicking {mosaicking!r} is not SIMPLE, ORBIT or TILE.")
    return SetupInfo(inputs, outputs, str(mosaicking))


#: At most this many prepared, unused contexts wait in the pool (each holds an isolate and a
#: thread); the evalscripts used least recently lose theirs first.
POOL_SIZE = 4
#: Only evalscripts whose top-level code ran in less than this many seconds are prepared ahead.
POOL_MAX_LOAD_S = 0.25


class _Prepared:
    """A V8 context with the prelude, the limits and one evalscript loaded, nothing else run."""

    __slots__ = ("ctx", "spent")

    def __init__(self, ctx: MiniRacer, spent: float) -> None:
        self.ctx = ctx
        self.spent = spent  # seconds the evalscript's top-level code took


def _load(source: str, limits: ScriptLimits, deadline: float) -> tuple[MiniRacer, float]:
    """A new context with the prelude, the allocation limit and ``source`` evaluated, and how
    long ``source`` took; the context is closed if anything fails."""
    ctx = MiniRacer()
    try:
        ctx.set_hard_memory_limit(limits.memory_bytes)
        _eval_until(ctx, PRELUDE, deadline, limits)
        _eval_until(ctx, f"__sh.setAllocLimit({int(limits.memory_bytes)})", deadline, limits)
        start = time.monotonic()
        _eval_until(ctx, source, deadline, limits)
        return ctx, time.monotonic() - start
    except BaseException:
        _settle(ctx)
        ctx.close()
        raise


#: A reusable context serves at most this many runtimes, then it is closed (whatever an
#: evalscript changed that `reset` cannot see, such as a built-in's prototype, lives that long).
REUSE_MAX = 100
#: The largest typed-array memory a reusable context keeps for its next runtime (bytes): an idle
#: context should not hold a large tile's rasters.
LEND_MAX = 128 * 1024 * 1024
#: The end of the function a reusable context wraps an evalscript in: it returns the hooks the
#: evalscript defined, in the order of `HOOKS`.
_WRAPPER_END = (
    "\n;return ["
    + ", ".join(f"typeof {name} === 'function' ? {name} : undefined" for name in HOOKS)
    + "];\n};"
)


def _load_reusable(source: str, limits: ScriptLimits, deadline: float) -> MiniRacer | None:
    """A new context with the prelude, the allocation limit and ``source`` wrapped in a function
    (defined, not run), the global object marked; None when ``source`` is no function body, so
    that the caller loads it as a script and reports its error as always."""
    ctx = MiniRacer()
    try:
        ctx.set_hard_memory_limit(limits.memory_bytes)
        _eval_until(ctx, PRELUDE, deadline, limits)
        _eval_until(ctx, f"__sh.setAllocLimit({int(limits.memory_bytes)})", deadline, limits)
        if _eval_until(ctx, f"__sh.compiles({json.dumps(source)})", deadline, limits) is not True:
            ctx.close()
            return None
        # On the evalscript's first line, so that V8's line numbers are the evalscript's.
        _eval_until(ctx, "__sh.script = function () {" + source + _WRAPPER_END, deadline, limits)
        _eval_until(ctx, "__sh.mark()", deadline, limits)
        return ctx
    except BaseException:
        _settle(ctx)
        ctx.close()
        raise


#: A reusable context's key: the evalscript, its limits and the account whose requests it serves.
_ReuseKey = tuple[str, ScriptLimits, str]


class _Reusable:
    """Contexts `EvalscriptRuntime(reuse=True)` gave back, by (evalscript, limits, owner), at
    most `POOL_SIZE` in all (the least recently given back are closed first)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: OrderedDict[_ReuseKey, list[tuple[MiniRacer, int]]] = OrderedDict()
        self._pid = os.getpid()

    def take(self, key: _ReuseKey) -> tuple[MiniRacer, int] | None:
        """A context for ``key`` and how many runtimes it served, or None."""
        with self._lock:
            if self._pid != os.getpid():  # started by fork: the parent's contexts are not ours
                self._idle.clear()
                self._pid = os.getpid()
            ready = self._idle.get(key)
            if not ready:
                return None
            item = ready.pop()
            if not ready:
                del self._idle[key]
            return item

    def give(self, key: _ReuseKey, ctx: MiniRacer, uses: int) -> None:
        with self._lock:
            self._idle.setdefault(key, []).append((ctx, uses))
            self._idle.move_to_end(key)
            evicted: list[MiniRacer] = []
            while sum(len(items) for items in self._idle.values()) > POOL_SIZE:
                _, items = self._idle.popitem(last=False)
                evicted.extend(item for item, _ in items)
        for item in evicted:
            _POOL.discard(item)

    def drain(self) -> None:
        with self._lock:
            items = [ctx for ready in self._idle.values() for ctx, _ in ready]
            self._idle.clear()
            same_process = self._pid == os.getpid()
        if same_process:
            for ctx in items:
                ctx.close()


def _eval_until(ctx: MiniRacer, code: str, deadline: float, limits: ScriptLimits) -> Any:
    """``ctx.eval(code)`` within the time left before ``deadline``; every JavaScript problem
    becomes the request's `ApiError`."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise _timeout(limits)
    try:
        return ctx.eval(code, timeout_sec=remaining)
    except JSTimeoutException:
        _settle(ctx)
        raise _timeout(limits) from None
    except JSOOMException:
        raise renderer_error(
            "The evalscript used more memory than the emulator allows "
            f"({limits.memory_bytes // (1024 * 1024)} MB)."
        ) from None
    except JSParseException as exc:
        raise renderer_error(f"Evalscript syntax error: {_js_message(str(exc))}") from None
    except JSEvalException as exc:
        raise renderer_error(f"Evalscript failed: {_js_message(str(exc))}") from None


def _settle(ctx: MiniRacer) -> None:
    """Wait for V8 to finish terminating a timed-out script before anything else runs.

    mini-racer reports the timeout at once but V8 stops the script a moment later and then
    calls back into the context; closing the context before that callback would leave V8
    calling into a closed event loop. A trivial evaluation queues behind the termination.
    """
    with contextlib.suppress(JSEvalException, JSTimeoutException, JSOOMException):
        ctx.eval("0", timeout_sec=5.0)


def _timeout(limits: ScriptLimits) -> ApiError:
    return renderer_error(
        f"The evalscript ran longer than the emulator allows ({limits.time_s:g} s)."
    )


class _Pool:
    """Prepared contexts by (evalscript, limits), at most `POOL_SIZE` in all, filled by one
    background thread. Contexts are closed on that thread too, off the requests' path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: OrderedDict[tuple[str, ScriptLimits], list[_Prepared]] = OrderedDict()
        self._pending: set[tuple[str, ScriptLimits]] = set()
        self._pid = os.getpid()
        self._worker: ThreadPoolExecutor | None = None

    def _executor(self) -> ThreadPoolExecutor:
        # Under the lock. A process started by fork has the parent's pool but not its threads.
        if self._pid != os.getpid():
            self._idle.clear()
            self._pending.clear()
            self._pid, self._worker = os.getpid(), None
        if self._worker is None:
            self._worker = ThreadPoolExecutor(1, thread_name_prefix="sentinelhub-emulator-v8")
        return self._worker

    def take(self, key: tuple[str, ScriptLimits]) -> _Prepared | None:
        with self._lock:
            if self._pid != os.getpid():
                self._executor()
            ready = self._idle.get(key)
            if not ready:
                return None
            prepared = ready.pop()
            if not ready:
                del self._idle[key]
            return prepared

    def refill(self, key: tuple[str, ScriptLimits]) -> None:
        """Prepare a context for ``key`` in the background (unless one waits or is coming)."""
        with self._lock:
            if key in self._pending or self._idle.get(key):
                return
            self._pending.add(key)
            try:
                self._executor().submit(self._prepare, key)
            except RuntimeError:  # the interpreter is shutting down
                self._pending.discard(key)

    def _prepare(self, key: tuple[str, ScriptLimits]) -> None:
        source, limits = key
        prepared: _Prepared | None = None
        try:
            ctx, spent = _load(source, limits, time.monotonic() + limits.time_s)
            prepared = _Prepared(ctx, spent)
        except Exception:  # the request that finds no context builds one and reports it
            prepared = None
        evicted: list[_Prepared] = []
        with self._lock:
            self._pending.discard(key)
            if prepared is not None:
                self._idle.setdefault(key, []).append(prepared)
                self._idle.move_to_end(key)
                while sum(len(items) for items in self._idle.values()) > POOL_SIZE:
                    _, items = self._idle.popitem(last=False)
                    evicted.extend(items)
        for item in evicted:
            item.ctx.close()

    def discard(self, ctx: MiniRacer) -> None:
        """Close a used context in the background (at once if there is no background)."""
        with self._lock:
            try:
                self._executor().submit(ctx.close)
                return
            except RuntimeError:
                pass
        ctx.close()

    def drain(self) -> None:
        with self._lock:
            items = [item for ready in self._idle.values() for item in ready]
            self._idle.clear()
            worker, self._worker = self._worker, None
            same_process = self._pid == os.getpid()
        if not same_process:
            return
        if worker is not None:
            worker.shutdown(wait=True)
        for item in items:
            item.ctx.close()
        with self._lock:  # what the worker prepared while shutting down
            late = [item for ready in self._idle.values() for item in ready]
            self._idle.clear()
        for item in late:
            item.ctx.close()


_POOL = _Pool()
_REUSABLE = _Reusable()
atexit.register(_POOL.drain)
atexit.register(_REUSABLE.drain)


def drain_pool() -> None:
    """Close every prepared and every reusable context and stop the background thread (it
    restarts on demand)."""
    _REUSABLE.drain()
    _POOL.drain()


def js_json(value: Any) -> str:
    """A JavaScript expression whose value is ``value`` (a JSON value), to embed in code."""
    return f"JSON.parse({json.dumps(json.dumps(value, allow_nan=False))})"


class EvalscriptRuntime:
    """A V8 context holding one evalscript; use as a context manager.

    The context comes from the pool of prepared ones when one is ready for this evalscript and
    these limits, else it is built here; either way it serves this runtime only and is closed
    with it.
    """

    def __init__(
        self, source: str, limits: ScriptLimits, *, reuse: bool = False, owner: str = ""
    ) -> None:
        self._limits = limits
        self._views: list[memoryview] = []
        #: What the arrays `alloc_many` handed out refer to (see `close`).
        self._bases: list[object] = []
        #: Which of the hooks `setup` was asked about are defined (after ``setup()`` ran).
        self.defined: frozenset[str] = frozenset()
        self._key = (source, limits)
        #: With ``reuse``, contexts are shared only between runtimes of the same ``owner``.
        self._reuse_key: _ReuseKey = (source, limits, owner)
        #: Runtimes the context served, this one included; 0: not reusable.
        self._uses = 0
        self._failed = False
        if reuse and self._begin_reused():
            return
        prepared = _POOL.take(self._key)
        if prepared is not None:
            self._deadline = time.monotonic() + limits.time_s - prepared.spent
            self._ctx: MiniRacer | None = prepared.ctx
            spent = prepared.spent
        else:
            self._deadline = time.monotonic() + limits.time_s
            self._ctx, spent = _load(source, limits, self._deadline)
        # An evalscript that loads quickly gets its next context prepared in the background,
        # from now on, while this one renders.
        if spent < POOL_MAX_LOAD_S:
            _POOL.refill(self._key)

    def _begin_reused(self) -> bool:
        """Run the evalscript's top-level code in a reusable context (one given back, else a new
        one); False when ``source`` cannot be wrapped (the caller loads it as a script)."""
        source, limits = self._key
        self._deadline = time.monotonic() + limits.time_s
        taken = _REUSABLE.take(self._reuse_key)
        if taken is None:
            ctx = _load_reusable(source, limits, self._deadline)
            if ctx is None:
                return False
            uses = 0
        else:
            ctx, uses = taken
        self._ctx, self._uses = ctx, uses + 1
        try:
            _eval_until(ctx, "__sh.begin()", self._deadline, limits)
        except BaseException:
            self._failed = True
            self.close()
            raise
        return True

    # ------------------------------------------------------------------ plumbing

    def _eval(self, code: str) -> Any:
        assert self._ctx is not None
        try:
            return _eval_until(self._ctx, code, self._deadline, self._limits)
        except BaseException:
            self._failed = True
            raise

    def call_json(self, code: str) -> Any:
        """Evaluate an expression and bring its value back through JSON."""
        text = self._eval(f"__sh.json({code})")
        return json.loads(text) if isinstance(text, str) else None

    def run(self, code: str) -> None:
        self._eval(code)

    def set_json(self, name: str, value: Any) -> None:
        """``__sh.<name> = value`` (a JSON value)."""
        self._eval(f"__sh.{name} = {js_json(value)};")

    def has_function(self, name: str) -> bool:
        return bool(self._eval(f"typeof globalThis.{name} === 'function'"))

    def alloc(self, key: str, dtype: npt.DTypeLike, count: int) -> npt.NDArray[Any]:
        """A zeroed typed array ``__sh.bufs[key]`` in V8, seen from Python as a numpy array."""
        return self.alloc_many([(key, dtype, count)])[0]

    def alloc_many(
        self, arrays: list[tuple[str, npt.DTypeLike, int]], *, before: str = ""
    ) -> list[npt.NDArray[Any]]:
        """Several zeroed typed arrays ``__sh.bufs[key]`` (key, type, length) in one call: views
        of one ArrayBuffer at 8-byte aligned offsets, each seen from Python as a numpy array of
        the same memory. ``before``: JavaScript statements run first, in the same call."""
        if not arrays:
            if before:
                self._eval(before)
            return []
        layout = []
        offset = 0
        for key, dtype, count in arrays:
            np_dtype = np.dtype(dtype)
            layout.append((key, np_dtype, count, offset))
            offset += -(-count * np_dtype.itemsize // 8) * 8
        spec = json.dumps([[key, _JS_TYPES[t], n, at] for key, t, n, at in layout])
        view = self._eval(f"{before} __sh.allocMany({spec}, {offset})")
        assert isinstance(view, memoryview)
        self._views.append(view)
        made = [
            np.frombuffer(view, dtype=np_dtype, count=count, offset=at)
            for _, np_dtype, count, at in layout
        ]
        self._bases.extend(array.base for array in made)
        return made

    # ------------------------------------------------------------------ hooks

    def setup(self, hooks: tuple[str, ...] = ()) -> SetupInfo:
        """Run ``setup()`` and check what it returned; also note which of ``hooks`` (global
        function names) are defined right after it, in `defined` (one call into V8 for all)."""
        # One call: the checks (in this order), then setup() itself, then the hooks.
        answer = self.call_json(
            "(function () { const G = globalThis;"
            " if (typeof G.setup !== 'function') return {missing: 'setup'};"
            " if (typeof G.evaluatePixel !== 'function') return {missing: 'evaluatePixel'};"
            f" const value = setup(); const names = {json.dumps(list(hooks))};"
            " return {value: value,"
            " defined: names.filter((name) => typeof G[name] === 'function')}; })()"
        )
        missing = answer.get("missing") if isinstance(answer, dict) else None
        if missing is not None:
            raise renderer_error(f"The evalscript defines no {missing}() function.")
        if isinstance(answer, dict) and isinstance(answer.get("defined"), list):
            self.defined = frozenset(str(name) for name in answer["defined"])
        return parse_setup(answer.get("value") if isinstance(answer, dict) else None)

    # ------------------------------------------------------------------ life cycle

    def close(self) -> None:
        # Callers copy what they keep before closing; a view still exported by a numpy array
        # is only dropped here, never released under it. Memory that a numpy array still sees
        # serves no later request: each array's base, a view numpy made without holding an
        # export, is referenced by that array (and its slices) while any of them lives.
        bases = self._bases
        lend = not any(sys.getrefcount(bases[i]) > 2 for i in range(len(bases)))
        bases.clear()
        for view in self._views:
            with contextlib.suppress(BufferError):
                view.release()
        self._views.clear()
        if self._ctx is not None:
            ctx, self._ctx = self._ctx, None
            if (
                self._uses
                and not self._failed
                and self._uses < REUSE_MAX
                and _reset(ctx, keep_buffer=lend)
            ):
                _REUSABLE.give(self._reuse_key, ctx, self._uses)
            else:
                _POOL.discard(ctx)

    def __enter__(self) -> EvalscriptRuntime:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if exc_type is not None:
            self._failed = True
        self.close()


def _reset(ctx: MiniRacer, *, keep_buffer: bool = False) -> bool:
    """Put a reusable context's global object back as it was before the evalscript ran; False
    when that is not possible (the context is then closed instead). ``keep_buffer``: the
    request's typed arrays may serve the next request of the same size if they take at most
    `LEND_MAX` bytes (Python holds no view of them any more)."""
    try:
        code = f"__sh.reset({LEND_MAX if keep_buffer else 0})"
        return ctx.eval(code, timeout_sec=1.0) is True
    except Exception:
        _settle(ctx)
        return False

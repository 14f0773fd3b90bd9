"""Batch tiles rendered in worker processes, in parallel.

The Process engine renders on one core at a time per process (the evalscript runs in V8 under
an isolate lock, the rest holds the GIL), so threads do not make batch faster than sequential
Process calls. The schedulers of v1 and v2 hand each tile to a `TileRunner` instead::

    runner = TileRunner(context)       # one per service; reads settings.batch_processes
    runner.warm(renderer)              # first job: start the worker processes (if they are used)
    runner.hand_over_early(task, renderer)         # dispatcher: a job's first tiles, at once
    outcome = runner.run(task, renderer, halted)   # blocks this scheduler thread until done
    runner.drop_early(request_id, tile_id)         # handed over but not run after all
    runner.cancel(request_id)          # stop: tiles not started yet are not rendered

With ``settings.batch_processes`` of 2 or more, and the Process engine as the renderer (tests
that put a stand-in renderer in place render on threads, as before), a tile is rendered and
written in a worker process of a `concurrent.futures.ProcessPoolExecutor` (start method
``spawn``: V8 and threads do not survive ``fork``). One pool per size is shared by every
emulator of this process, created on the first batch job, replaced when a worker dies, and shut
down at exit. A task carries plain data only: the tile, the parsed request, and what a worker
needs to rebuild the emulator's context (its settings, database file and evalscript limits),
which each worker keeps for later tiles, and the emulator process's environment and working
folder of the moment, which the worker takes on before the tile (workers outlive the emulator
that started them; AWS credentials or a relative data folder may have changed since). The
worker renders, asks the database whether the request still wants the tile
(``TileTask.halted``, a module-level function), writes the files atomically and returns a
`TileOutcome`; the scheduler keeps every state change in its own process.

A worker that dies (killed, out of memory) fails the tiles it had with `WORKER_DIED`; the pool
is then replaced, so later tiles render again. Tiles waiting in a pool whose worker died fail
too (the pool cannot tell which tile killed it).
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import logging
import os
import signal
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sentinelhub_emulator.core.context import EmulatorContext, EmulatorSettings
from sentinelhub_emulator.core.processes import WorkerContext
from sentinelhub_emulator.process import engine
from sentinelhub_emulator.process.script import ScriptLimits

from .processing import Renderer, TileOutcome, TileTask

__all__ = [
    "STOPPED",
    "WORKER_DIED",
    "TileRunner",
    "TileTask",
    "shutdown_pools",
    "tasks_in_flight",
    "tasks_submitted",
    "worker_pids",
]

logger = logging.getLogger(__name__)

#: The error of a tile whose worker process died.
WORKER_DIED = (
    "The worker process rendering this tile stopped unexpectedly (killed, or out of memory); "
    "nothing was written. Run the tile again."
)
#: The error of a tile whose task was canceled before it started (the request was stopped).
STOPPED = "The request was stopped before this tile was rendered."

#: The Process engine's own ``render``: only tiles rendered with it go to worker processes.
_ENGINE_RENDER: Renderer = engine.render


def _engine_tile(
    context: EmulatorContext, account_id: str, request: Mapping[str, Any]
) -> engine.RenderResult:
    """The engine's render of one tile's Process request, which the service builds from the
    batch request's ``processRequest``: the analysis rendered that same body (only its bounds
    and size differ) with the schema check, so the check is not repeated for every tile
    (about 1.3 ms a tile). The render is warm: the job's tiles run their evalscript in a V8
    context that is reset after each tile instead of closed (creating one costs about 3.5 ms of
    CPU a tile), and the source files they read stay open."""
    return engine.render(context, account_id, request, schema=None, warm=True)


#: Emulator contexts a worker keeps (one per emulator it rendered for).
_WORKER_CONTEXTS = 8

_LOCK = threading.Lock()
_POOLS: dict[int, ProcessPoolExecutor] = {}
_IN_FLIGHT: set[Future[TileOutcome]] = set()
_submitted = 0
_exiting = threading.Event()


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker needs to rebuild an emulator's context: its settings (buckets not opened
    yet), its database file and its evalscript limits; ``key`` names the combination. And the
    emulator's process as it is now, which a worker takes on before each tile: its environment
    (AWS credentials, GDAL options) and its working folder (relative paths)."""

    key: str
    settings: EmulatorSettings
    database: Path
    limits: ScriptLimits
    environment: dict[str, str]
    folder: str


# ---------------------------------------------------------------------------------------------
# The shared pools


def _pool(size: int) -> ProcessPoolExecutor:
    """The shared pool of ``size`` workers (started now if there is none)."""
    with _LOCK:
        if _exiting.is_set():
            raise RuntimeError("the batch worker processes were shut down (the program exits)")
        pool = _POOLS.get(size)
        if pool is None:
            pool = ProcessPoolExecutor(
                max_workers=size,
                mp_context=WorkerContext(),
                initializer=_initialize_worker,
            )
            _POOLS[size] = pool
            # Workers are spawned as tasks arrive: one each makes them all start now.
            for _ in range(size):
                pool.submit(os.getpid)
        return pool


def _discard(pool: ProcessPoolExecutor) -> None:
    """Forget a broken pool (the next task starts a new one)."""
    with _LOCK:
        for size, known in list(_POOLS.items()):
            if known is pool:
                del _POOLS[size]
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown_pools() -> None:
    """Stop every worker process (at exit; tests)."""
    with _LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _at_exit() -> None:
    _exiting.set()
    shutdown_pools()


atexit.register(_at_exit)


def worker_pids() -> list[int]:
    """Process ids of the live workers of every pool (diagnostics, tests)."""
    with _LOCK:
        pools = list(_POOLS.values())
    pids: list[int] = []
    for pool in pools:
        processes: Mapping[int, Any] = getattr(pool, "_processes", None) or {}
        pids.extend(int(pid) for pid in processes)
    return sorted(pids)


def tasks_submitted() -> int:
    """Tiles handed to worker processes since this process started, over every emulator."""
    with _LOCK:
        return _submitted


def tasks_in_flight() -> int:
    """Tiles handed to worker processes and not finished yet, over every emulator."""
    with _LOCK:
        return len(_IN_FLIGHT)


# ---------------------------------------------------------------------------------------------
# The worker side


_contexts: OrderedDict[str, EmulatorContext] = OrderedDict()


def _initialize_worker() -> None:
    """Import and load everything a tile needs once, before the first tile (the API spec the
    engine checks requests against takes a second to read); leave Ctrl-C to the emulator,
    which stops the pool."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    import sentinelhub_emulator.services  # noqa: F401 - registers every collection kind
    from sentinelhub_emulator.core.errors import ApiError
    from sentinelhub_emulator.core.spec import validate_body

    with contextlib.suppress(ApiError):  # an empty body is refused; the schema is ready
        validate_body("ProcessRequest", {})


def _context(setup: WorkerSetup) -> EmulatorContext:
    """This worker's copy of an emulator's context (made on its first tile)."""
    context = _contexts.get(setup.key)
    if context is not None:
        _contexts.move_to_end(setup.key)
        return context
    from sentinelhub_emulator.core import admin, auth
    from sentinelhub_emulator.core.clients import ClientStore
    from sentinelhub_emulator.core.db import Database
    from sentinelhub_emulator.core.faults import FaultPlan
    from sentinelhub_emulator.core.tokens import TokenIssuer
    from sentinelhub_emulator.services import SERVICES

    db = Database(setup.database)
    clients = ClientStore(db)
    context = EmulatorContext(
        settings=setup.settings,
        db=db,
        clients=clients,
        tokens=TokenIssuer(clients, setup.settings.token_ttl),
        faults=FaultPlan(None, token_paths=auth.TOKEN_PATHS, exempt_prefixes=(admin.ADMIN_PREFIX,)),
    )
    # The services' states, as the emulator makes them, but none of them started: the engine
    # reads collections through them.
    for service in SERVICES:
        if service.state is not None:
            context.states[service.name] = service.state(context)
    engine.configure_limits(context, setup.limits)
    _contexts[setup.key] = context
    while len(_contexts) > _WORKER_CONTEXTS:
        _, old = _contexts.popitem(last=False)
        engine.configure_limits(old, None)
        old.db.close()
    return context


def _take_on(setup: WorkerSetup) -> None:
    """This worker's environment and working folder made the emulator's (they may have changed
    since the worker started)."""
    if os.environ != setup.environment:
        os.environ.clear()
        os.environ.update(setup.environment)
    if os.getcwd() != setup.folder:
        with contextlib.suppress(OSError):  # gone meanwhile: absolute paths still work
            os.chdir(setup.folder)


def _run(setup: WorkerSetup, task: TileTask) -> TileOutcome:
    """A worker's job: one tile rendered and written."""
    _take_on(setup)
    context = _context(setup)
    return task.render(_engine_tile, context, lambda: task.halted(context, task.request_id))


# ---------------------------------------------------------------------------------------------
# The scheduler side


def _landed(future: Future[TileOutcome]) -> None:
    """A task no request tracks any more is done: it no longer counts as in flight."""
    with _LOCK:
        _IN_FLIGHT.discard(future)


class TileRunner:
    """Runs one batch service's tiles: in the shared worker processes, or on the calling thread
    (``batch_processes`` below 2, or a renderer other than the Process engine)."""

    def __init__(self, context: EmulatorContext) -> None:
        self._context = context
        self._processes = max(0, context.settings.batch_processes)
        self._setup: WorkerSetup | None = None
        self._name = uuid.uuid4().hex
        self._lock = threading.Lock()
        self._futures: dict[str, set[Future[TileOutcome]]] = {}
        #: Tiles handed to a worker process before their thread runs them, by (request, tile).
        self._early: dict[tuple[str, int], tuple[TileTask, Future[TileOutcome], Any]] = {}

    @property
    def processes(self) -> int:
        """Worker processes used (0: tiles render on the scheduler's threads)."""
        return self._processes if self._processes >= 2 else 0

    def threads(self, workers: int, renderer: Renderer) -> int:
        """Scheduler threads for tiles: ``workers``, or, when they go to worker processes, two
        per process (one tile rendering, the next one waiting) if that is more."""
        if self.pooled(renderer):
            return max(1, workers, 2 * self.processes)
        return max(1, workers)

    def pooled(self, renderer: Renderer) -> bool:
        return self.processes > 0 and renderer is _ENGINE_RENDER

    def warm(self, renderer: Renderer) -> None:
        """Start the worker processes now if tiles will use them (a job is on its way)."""
        if self.pooled(renderer):
            _pool(self.processes)

    def _worker_setup(self) -> WorkerSetup:
        """The emulator as a worker rebuilds it, with the evalscript limits, environment and
        working folder of now (a change gives the worker a new context: buckets opened again)."""
        limits = engine.limits_for(self._context)
        environment = dict(os.environ)
        try:
            folder = os.getcwd()
        except OSError:  # the working folder was deleted
            folder = "/"
        setup = self._setup
        if (
            setup is None
            or setup.limits != limits
            or setup.environment != environment
            or setup.folder != folder
        ):
            settings = replace(self._context.settings, _opened={})
            database = Path(self._context.db.path).absolute()
            state = repr((str(database), settings, limits, sorted(environment.items()), folder))
            key = f"{self._name}-{hashlib.sha256(state.encode()).hexdigest()}"
            setup = WorkerSetup(key, settings, database, limits, environment, folder)
            self._setup = setup
        return setup

    def run(
        self, task: TileTask, renderer: Renderer, halted: Callable[[], str | None]
    ) -> TileOutcome:
        """Render and write one tile; ``halted`` is the in-process check `render_and_write`
        asks before writing (a worker asks ``task.halted`` instead)."""
        if not self.pooled(renderer):
            if renderer is _ENGINE_RENDER:
                renderer = _engine_tile
            return task.render(renderer, self._context, halted)
        with self._lock:
            early = self._early.pop((task.request_id, task.tile.id), None)
        # Compared by value: the request changed meanwhile if the two differ.
        if early is not None and early[0] == task:
            future, pool = early[1], early[2]
        else:
            if early is not None:  # the request changed since: render what it asks now
                self._forget(task.request_id, early[1], cancel=True)
            future, pool = self._submit(task)
        try:
            return future.result()
        except CancelledError:
            return TileOutcome(STOPPED)
        except BrokenProcessPool:
            logger.error(
                "a batch worker process died; tile %s of %s failed", task.tile.name, task.request_id
            )
            _discard(pool)
            return TileOutcome(WORKER_DIED)
        finally:
            self._forget(task.request_id, future)

    def hand_over_early(self, task: TileTask, renderer: Renderer) -> bool:
        """Give a tile to the worker processes now, before the thread that will `run` it gets
        to it (that `run` then waits for this task instead of submitting it again): the
        dispatcher calls this as it hands tiles to threads, so that a job's first tiles reach
        the workers without waiting for their threads' bookkeeping. False when tiles of this
        renderer do not go to worker processes, or the tile was handed over already."""
        if not self.pooled(renderer):
            return False
        key = (task.request_id, task.tile.id)
        with self._lock:
            if key in self._early:
                return False
        future, pool = self._submit(task)
        with self._lock:
            self._early[key] = (task, future, pool)
        return True

    def drop_early(self, request_id: str, tile_id: int) -> None:
        """Forget a tile handed over early that its thread did not `run` (it was not started
        after all): its task is canceled if no worker started it; one that started writes
        nothing unless its request still wants the tile (``TileTask.halted``)."""
        with self._lock:
            early = self._early.pop((request_id, tile_id), None)
        if early is not None:
            self._forget(request_id, early[1], cancel=True)

    def _forget(self, request_id: str, future: Future[TileOutcome], cancel: bool = False) -> None:
        """Stop tracking ``future`` for its request; it counts as in flight until it is done
        (``cancel``: canceled first, if no worker started it)."""
        if cancel:
            future.cancel()
        with self._lock:
            futures = self._futures.get(request_id)
            if futures is not None:
                futures.discard(future)
                if not futures:
                    del self._futures[request_id]
        future.add_done_callback(_landed)

    def _submit(self, task: TileTask) -> tuple[Future[TileOutcome], ProcessPoolExecutor]:
        setup = self._worker_setup()
        pool = _pool(self.processes)
        try:
            future = pool.submit(_run, setup, task)
        except BrokenProcessPool:
            # A worker died before this tile was handed over: a new pool renders it.
            _discard(pool)
            pool = _pool(self.processes)
            future = pool.submit(_run, setup, task)
        with self._lock:
            self._futures.setdefault(task.request_id, set()).add(future)
        global _submitted
        with _LOCK:
            _IN_FLIGHT.add(future)
            _submitted += 1
        return future, pool

    def cancel(self, request_id: str | None = None) -> None:
        """Cancel the tasks of a request (None: of every request) that no worker started."""
        with self._lock:
            if request_id is None:
                futures = [f for group in self._futures.values() for f in group]
            else:
                futures = list(self._futures.get(request_id, ()))
        for future in futures:
            future.cancel()

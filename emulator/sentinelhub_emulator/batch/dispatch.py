"""The dispatcher both batch APIs run: one thread that hands analyses and tiles to a pool.

`TileDispatcher` owns the life cycle (start re-queues what a crash left unfinished, stop waits
for the pool), the dispatcher loop (woken by `wake`, else every ``poll_interval`` seconds), the
bookkeeping of which requests and tiles are in the pool, and the renderer (the Process engine
unless a test swaps in a stand-in). A service (Batch v1's `BatchService`, Batch v2's
`BatchV2Service`) says what an analysis and a tile are (`_analysis_job`, `_tile_job`), how a
finished job is closed (`_finish_if_complete`) and, for v1, the status a tile takes when it is
handed to the pool (`queued_status`).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Protocol

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.lifecycle import Workers
from sentinelhub_emulator.process import engine

from .pool import TileRunner
from .processing import Renderer
from .store import BatchTileRecord, TileQueue

__all__ = ["DispatchOptions", "TileDispatcher"]


class DispatchOptions(Protocol):
    """What the dispatcher reads of a service's options."""

    @property
    def workers(self) -> int: ...
    @property
    def poll_interval(self) -> float: ...
    @property
    def step_delay(self) -> float: ...


class TileDispatcher:
    """A batch service's dispatcher thread and pool (see the module's docstring)."""

    #: How logs and thread names call the service (``"batch"``, ``"batch v2"``).
    label: ClassVar[str]
    #: The status a tile moves to from SCHEDULED when it is handed to the pool (None: it stays
    #: SCHEDULED until its job takes it).
    queued_status: ClassVar[str | None] = None

    def __init__(
        self,
        context: EmulatorContext,
        store: TileQueue[Any, Any],
        options: DispatchOptions,
        renderer: Renderer | None,
        logger: logging.Logger,
    ) -> None:
        self.context = context
        self.store = store
        store.create_schema()
        self._options = options
        self._renderer = renderer
        self._logger = logger
        self._lock = threading.Lock()
        self._busy_requests: set[str] = set()
        self._busy_tiles: set[tuple[str, int]] = set()
        self._wake = threading.Event()
        slug = self.label.replace(" ", "-")
        self._dispatcher = Workers(
            f"sentinelhub-emulator-{slug}-dispatch", f"the {self.label} dispatcher", log=logger
        )
        self._pool: ThreadPoolExecutor | None = None
        self._runner = TileRunner(context)
        self._width = max(1, options.workers)

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        # Tiles worked on at once: the threads of the pool.
        self._width = self._runner.threads(self._options.workers, self.renderer())
        self._pool = ThreadPoolExecutor(
            max_workers=self._width,
            thread_name_prefix=f"sentinelhub-emulator-{self.label.replace(' ', '-')}",
        )
        self._dispatcher.start(
            self._run,
            numbered=False,
            requeue=self.store.requeue_interrupted,
            requeued=f"re-scheduled %d {self.label} tile(s) an earlier run left unfinished",
        )

    def stop(self, timeout: float = 30.0) -> None:
        self._dispatcher.signal_stop()
        self._wake.set()
        self._dispatcher.join(timeout)
        self._runner.cancel()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def wake(self) -> None:
        """Dispatch now rather than at the next poll."""
        self._wake.set()

    def set_renderer(self, renderer: Renderer | None) -> None:
        """Render with ``renderer`` instead of the Process engine (None: the engine)."""
        self._renderer = renderer

    def renderer(self) -> Renderer:
        return self._renderer or engine.render

    # ------------------------------------------------------------------ what a service adds

    def _analysis_job(self, request_id: str) -> None:
        raise NotImplementedError

    def _tile_job(self, tile: Any) -> None:
        raise NotImplementedError

    def _finish_if_complete(self, request_id: str) -> None:
        raise NotImplementedError

    # ------------------------------------------------------------------ dispatching

    def _run(self) -> None:
        while not self._dispatcher.stopping:
            try:
                self._dispatch()
            except Exception:
                self._logger.exception(
                    "the %s dispatcher hit an unexpected error; it carries on", self.label
                )
            self._wake.wait(self._options.poll_interval)
            self._wake.clear()

    def _submit(self, job: Any, *args: Any) -> bool:
        pool = self._pool
        if pool is None or self._dispatcher.stopping:
            return False
        try:
            pool.submit(job, *args)
        except RuntimeError:  # shut down meanwhile
            return False
        return True

    def _dispatch(self) -> None:
        for request in self.store.requests_in("ANALYSING"):
            with self._lock:
                if request.id in self._busy_requests:
                    continue
                self._busy_requests.add(request.id)
            if not self._submit(self._analysis_job, request.id):
                with self._lock:
                    self._busy_requests.discard(request.id)
        for request in self.store.requests_in("PROCESSING"):
            self._finish_if_complete(request.id)
        with self._lock:
            free = max(0, 2 * self._width - len(self._busy_tiles))
            busy = set(self._busy_tiles)
        if free == 0:
            return
        tile: BatchTileRecord
        for tile in self.store.scheduled_tiles(free, busy):
            if self.queued_status is not None and not self.store.advance_tile(
                tile, expected="SCHEDULED", status=self.queued_status
            ):
                continue
            key = (tile.request_id, tile.id)
            with self._lock:
                self._busy_tiles.add(key)
            if not self._submit(self._tile_job, tile):
                with self._lock:
                    self._busy_tiles.discard(key)

    def _pause(self) -> bool:
        """Wait ``step_delay``; False if the service is stopping."""
        return self._dispatcher.pause(self._options.step_delay)

"""The dispatcher both batch APIs run: one thread that hands analyses and tiles to a pool.

`TileDispatcher` owns the life cycle (start re-queues what a crash left unfinished, stop waits
for the pool), the dispatcher loop (woken by `wake`, else every ``poll_interval`` seconds), the
bookkeeping of which requests and tiles are in the pool, and the renderer (the Process engine
unless a test swaps in a stand-in). It also holds what both state machines do alike: the
``analyse`` and ``start`` actions, an analysis job (its failures end the request FAILED), the
probe of the evalscript, a tile job (QUEUED or SCHEDULED -> PROCESSING -> done or FAILED) and
the run of a tile in `batch.pool`. A service (Batch v1's `BatchService`, Batch v2's
`BatchV2Service`) says how its requests parse (`_parse`), what an analysis finds
(`_analyse`), how a tile is rendered and written (`_render`), how a finished job is closed
(`_finish_if_complete`), and its words: the HTTP status of a refused action, a finished
tile's status, why a halted tile is not written.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar, Protocol

import numpy as np
from rasterio.io import MemoryFile
from starlette.routing import BaseRoute

from sentinelhub_emulator.core.context import EmulatorContext, EmulatorSettings
from sentinelhub_emulator.core.db import Database
from sentinelhub_emulator.core.errors import BAD_PAYLOAD, ApiError
from sentinelhub_emulator.core.lifecycle import Workers
from sentinelhub_emulator.core.service import Service
from sentinelhub_emulator.process import engine
from sentinelhub_emulator.process.formats import is_geotiff

from .grids import GridTile, TooManyTilesError
from .parsing import OutputSpec, ParsedRequest
from .pool import TileRunner
from .processing import (
    Renderer,
    RenderFailure,
    TileOutcome,
    TileTask,
    engine_request,
    output_paths,
)
from .store import BatchTileRecord, TileQueue

__all__ = [
    "INTERNAL_ERROR",
    "MAX_TILES",
    "AnalysisFailure",
    "DispatchOptions",
    "TileDispatcher",
    "band_format",
    "batch_service",
    "grid_tiles",
    "no_outputs_yet",
    "single_band_formats",
]

#: Most tiles one request may have in the emulator.
MAX_TILES = 2000
_PROBE_PX = 16
#: Parsed request bodies kept (the jobs running at once; see `TileDispatcher._parsed`).
_PARSED_KEPT = 16
INTERNAL_ERROR = "The emulator failed on an internal error; see its log."
_RACE = "The request changed meanwhile; read it again."


class AnalysisFailure(Exception):
    """The request cannot run; the message becomes its ``error``."""


def grid_tiles(parsed: ParsedRequest) -> list[GridTile]:
    """The grid cells a request covers; `AnalysisFailure` for too many or none."""
    try:
        tiles = parsed.tiles(MAX_TILES)
    except TooManyTilesError as exc:
        raise AnalysisFailure(f"The request is too large for the emulator: {exc}.") from None
    if not tiles:
        raise AnalysisFailure(
            f"The area of interest covers no tile of grid {parsed.grid.id} (latitudes "
            f"{-parsed.grid.latitude_limit:g} to {parsed.grid.latitude_limit:g})."
        )
    return tiles


def no_outputs_yet(
    settings: EmulatorSettings, request_id: str, tiles: Iterable[GridTile], parsed: ParsedRequest
) -> None:
    """`AnalysisFailure` when a tile's output files exist and the request neither overwrites
    nor skips them."""
    if parsed.overwrite or parsed.skip_existing:
        return
    for tile in tiles:
        paths = output_paths(settings, request_id, tile.name, tile.id, parsed.outputs)
        if any(p.exists() for p in paths.values()):
            raise AnalysisFailure(
                f"Output files already exist (tile {tile.name}); set output.overwrite or "
                "output.skipExisting, or write somewhere else."
            )


def band_format(dtype: str) -> dict[str, Any]:
    """A batch collection band's format for ``dtype`` (Batch v2 adds the band's ``source``)."""
    kind = np.dtype(dtype)
    sample = "FLOAT" if kind.kind == "f" else ("INT" if kind.kind == "i" else "UINT")
    return {"bandIndex": 1, "bitDepth": kind.itemsize * 8, "sampleFormat": sample}


def single_band_formats(tiff_bands: Mapping[str, tuple[int, str]]) -> dict[str, dict[str, Any]]:
    """Per TIFF output its collection band's format; `AnalysisFailure` unless each output
    has one band (a collection's band is one file)."""
    several = [name for name, (count, _) in tiff_bands.items() if count != 1]
    if several:
        raise AnalysisFailure(
            f"Collection output needs single-band TIFF outputs; {', '.join(several)} has "
            "several bands."
        )
    return {name: band_format(dtype) for name, (_, dtype) in tiff_bands.items()}


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
    #: The HTTP status of a user action the request's state does not allow.
    refusal_status: ClassVar[int] = 400
    #: The status of a tile whose files were written.
    done_status: ClassVar[str]
    #: Whether a rendered tile also spends ``step_delay`` in PROCESSING (tests watch it).
    step_in_processing: ClassVar[bool] = False
    #: Why a tile of a stopping service is not written.
    halt_reason: ClassVar[str]
    #: The service's store, and its options (``options_type()`` when none are given).
    store_type: ClassVar[type[TileQueue[Any, Any]]]
    options_type: ClassVar[type[DispatchOptions]]

    def __init__(
        self,
        context: EmulatorContext,
        db: Database,
        options: DispatchOptions | None = None,
        *,
        renderer: Renderer | None = None,
    ) -> None:
        self.context = context
        self.options = options or self.options_type()
        self.store = self.store_type(db)
        self.store.create_schema()
        self._renderer = renderer
        # The log of the service's own module (``...batch.scheduler``, ``...batch_v2.scheduler``).
        logger = self._logger = logging.getLogger(type(self).__module__)
        self._lock = threading.Lock()
        self._busy_requests: set[str] = set()
        self._busy_tiles: set[tuple[str, int]] = set()
        # Per request: its body and what `_parse` made of it.
        self._parsed_bodies: OrderedDict[str, tuple[dict[str, Any], Any]] = OrderedDict()
        self._wake = threading.Event()
        slug = self.label.replace(" ", "-")
        self._dispatcher = Workers(
            f"sentinelhub-emulator-{slug}-dispatch", f"the {self.label} dispatcher", log=logger
        )
        self._pool: ThreadPoolExecutor | None = None
        self._runner = TileRunner(context)
        self._width = max(1, self.options.workers)
        self._setup()

    def _setup(self) -> None:
        """What the service adds to its state when it is made."""

    # ------------------------------------------------------------------ life cycle

    def start(self) -> None:
        # Tiles worked on at once: the threads of the pool.
        self._width = self._runner.threads(self.options.workers, self.renderer())
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

    @staticmethod
    def unwanted(context: EmulatorContext, request_id: str) -> str | None:
        """Why a tile of the request is not wanted any more, or None; asked before its files
        are written (in a worker process too: a module-level function, so that it pickles)."""
        raise NotImplementedError

    def _parse(self, body: dict[str, Any]) -> Any:
        """A stored request body parsed again (the version's own reading)."""
        raise NotImplementedError

    def _parsed(self, request: Any) -> Any:
        """`_parse` of the request's body, kept while the body stays the same: every tile of a
        job reads it (parsing projects the area: about a millisecond a tile otherwise)."""
        body = request.body
        with self._lock:
            kept = self._parsed_bodies.get(request.id)
        if kept is not None and kept[0] == body:
            return kept[1]
        parsed = self._parse(body)
        with self._lock:
            self._parsed_bodies[request.id] = (body, parsed)
            self._parsed_bodies.move_to_end(request.id)
            while len(self._parsed_bodies) > _PARSED_KEPT:
                self._parsed_bodies.popitem(last=False)
        return parsed

    @staticmethod
    def _grid_request(parsed: Any) -> ParsedRequest:
        """The v1 reading inside what `_parse` gives (v1: itself)."""
        return parsed  # type: ignore[no-any-return]

    def _analyse(self, request: Any) -> None:
        """Analyse an ANALYSING request; `AnalysisFailure` or the engine's 400 fail it."""
        raise NotImplementedError

    def _start_analysed(self, request: Any) -> bool:
        """ANALYSIS_DONE -> PROCESSING on the user's start; False if it moved meanwhile."""
        raise NotImplementedError

    def _started(self, request_id: str) -> None:
        """After an analysed request was started and the dispatcher woken (its first tiles
        are on their way): what the service does before the start is answered."""

    def _not_startable(self, request: Any) -> ApiError:
        """The refusal of a start the request's state does not allow."""
        raise NotImplementedError

    def _render(self, request: Any, parsed: Any, tile: Any) -> tuple[str | None, float | None]:
        """Render and write a tile of a PROCESSING request: (error or None, cost)."""
        raise NotImplementedError

    def _early_task(self, request: Any, tile: Any) -> TileTask | None:
        """The task `_render` will run for the tile in a worker process, if it is sure to run
        exactly that one (None: it may not, so the tile is not handed over early)."""
        return None

    def _finish_if_complete(self, request_id: str) -> None:
        raise NotImplementedError

    def _tile_finished(self, request_id: str) -> None:
        """After a tile job, whatever it did: close the job if no tile is left."""
        self._finish_if_complete(request_id)

    # ------------------------------------------------------------------ user actions

    def _refused(self, message: str) -> ApiError:
        return ApiError(self.refusal_status, message, BAD_PAYLOAD)

    def analyse(self, request: Any) -> None:
        if request.status != "CREATED":
            raise self._refused(
                f"Only requests with status CREATED can be analysed; this one is {request.status}."
            )
        if not self.store.set_action(
            request.id, expected_status="CREATED", status="ANALYSING", user_action="ANALYSE"
        ):
            raise self._refused(_RACE)
        self.wake()

    def start_request(self, request: Any) -> None:
        status = request.status
        if status in ("CREATED", "ANALYSING", "ANALYSIS_DONE"):
            self._parsed(request).check_renderable()
        if status == "CREATED":
            changed = self.store.set_action(
                request.id, expected_status="CREATED", status="ANALYSING", user_action="START"
            )
        elif status == "ANALYSING" and request.user_action != "START":
            changed = self.store.set_action(
                request.id, expected_status="ANALYSING", status="ANALYSING", user_action="START"
            )
        elif status == "ANALYSIS_DONE":
            changed = self._start_analysed(request)
        else:
            raise self._not_startable(request)
        if not changed:
            raise self._refused(_RACE)
        self.wake()
        if status == "ANALYSIS_DONE":
            self._started(request.id)

    def _halt(
        self, request: Any, allowed: tuple[str, ...], action: str, halt: Callable[..., bool]
    ) -> None:
        """Cancel or stop a request in ``allowed`` (refused otherwise): ``halt(request_id,
        expected_status=...)`` is the store's compare-and-set, False if it moved meanwhile.
        Its tiles in flight are not written."""
        if request.status not in allowed:
            raise self._refused(
                f"Only requests with status {_either(allowed)} can be {action}; this one is "
                f"{request.status}."
            )
        if not halt(request.id, expected_status=request.status):
            raise self._refused(_RACE)
        self._runner.cancel(request.id)

    # ------------------------------------------------------------------ analysis

    def _analysis_job(self, request_id: str) -> None:
        try:
            request = self.store.get_request(request_id)
            if request is None or request.status != "ANALYSING" or not self._pause():
                return
            self._runner.warm(self.renderer())
            try:
                self._analyse(request)
            except AnalysisFailure as failure:
                self._fail_analysis(request_id, str(failure))
            except ApiError as error:
                self._fail_analysis(request_id, error.message)
            except Exception:
                self._logger.exception(
                    "analysing %s request %s failed unexpectedly", self.label, request_id
                )
                self._fail_analysis(request_id, INTERNAL_ERROR)
        finally:
            with self._lock:
                self._busy_requests.discard(request_id)
            self.wake()

    def _fail_analysis(self, request_id: str, error: str) -> None:
        self.store.set_status(request_id, expected="ANALYSING", status="FAILED", error=error)

    def _probe(
        self,
        account_id: str,
        process_request: Mapping[str, Any],
        outputs: Iterable[OutputSpec],
        tile: GridTile,
    ) -> tuple[int, bool, dict[str, tuple[int, str]]]:
        """Run the evalscript on a few pixels of ``tile``: (TIFF bands, floating, per TIFF
        output its band count and dtype). The engine's 400 fails the analysis."""
        west, south, east, north = tile.bounds()
        bounds = (west, south, east, north)
        body = engine_request(process_request, tile.epsg, bounds, _PROBE_PX, _PROBE_PX)
        result = self.renderer()(self.context, account_id, body)
        by_id = {o.identifier: o for o in result.outputs}
        bands, floating = 0, False
        tiff_bands: dict[str, tuple[int, str]] = {}
        for spec in outputs:
            rendered = by_id.get(spec.identifier)
            if rendered is None:
                raise AnalysisFailure(
                    f"The evalscript gives no output {spec.identifier!r} (it gives "
                    f"{', '.join(sorted(by_id)) or 'none'}); match processRequest.output.responses "
                    "to its setup()."
                )
            if not is_geotiff(spec.mime_type):
                continue
            try:
                with MemoryFile(bytes(rendered.data)) as memory, memory.open() as dataset:
                    count, dtype = dataset.count, dataset.dtypes[0]
            except Exception:
                raise AnalysisFailure(f"Output {spec.identifier!r} is not a TIFF.") from None
            bands += count
            floating = floating or np.dtype(dtype).kind == "f"
            tiff_bands[spec.identifier] = (count, dtype)
        return bands, floating, tiff_bands

    # ------------------------------------------------------------------ tiles

    def _tile_job(self, tile: BatchTileRecord) -> None:
        try:
            self._process_tile(tile)
        except Exception:
            self._logger.exception(
                "%s tile %s of %s failed unexpectedly", self.label, tile.id, tile.request_id
            )
            for expected in ("PROCESSING", self.queued_status or "SCHEDULED"):
                self.store.advance_tile(
                    tile, expected=expected, status="FAILED", error=INTERNAL_ERROR
                )
        finally:
            # Handed over early and not run after all (the request stopped meanwhile, ...).
            self._runner.drop_early(tile.request_id, tile.id)
            with self._lock:
                self._busy_tiles.discard((tile.request_id, tile.id))
            self._tile_finished(tile.request_id)
            self.wake()

    def _process_tile(self, tile: BatchTileRecord) -> None:
        if not self._pause():
            return
        queued = self.queued_status or "SCHEDULED"
        if not self.store.advance_tile(tile, expected=queued, status="PROCESSING"):
            return
        request = self.store.get_request(tile.request_id)
        if request is None or request.status != "PROCESSING":
            return
        error, cost = self._render_and_write(request, tile)
        running = self._pause() if self.step_in_processing else not self._dispatcher.stopping
        if not running:
            return  # stopping: the tile is scheduled again at the next start
        if error is None:
            self.store.advance_tile(tile, expected="PROCESSING", status=self.done_status, cost=cost)
        else:
            self.store.advance_tile(tile, expected="PROCESSING", status="FAILED", error=error)

    def _render_and_write(
        self, request: Any, tile: BatchTileRecord
    ) -> tuple[str | None, float | None]:
        """(error or None, cost); a tile whose files all exist under ``skipExisting`` costs 0."""
        settings = self.context.settings
        try:
            parsed = self._parsed(request)
            grid_request = self._grid_request(parsed)
            paths = output_paths(settings, request.id, tile.name, tile.id, grid_request.outputs)
        except (ApiError, RenderFailure) as exc:
            return str(exc), None
        # Existing files were checked at analysis; files present now come from an earlier
        # attempt of this request (a restart), so they are replaced.
        if grid_request.skip_existing and all(p.exists() for p in paths.values()):
            return None, 0.0
        return self._render(request, parsed, tile)

    def _run_tile(self, task: TileTask) -> TileOutcome:
        """Render and write a tile with `batch.pool` (a worker process, or this thread); a
        tile halted meanwhile is an outcome with the reason as its error."""
        request_id = task.request_id
        outcome = self._runner.run(task, self.renderer(), lambda: self._halted(request_id))
        if outcome.error is not None:
            return outcome
        reason = self._halted(request_id)
        return outcome if reason is None else TileOutcome(reason)

    def _halted(self, request_id: str) -> str | None:
        return (
            self.halt_reason
            if self._dispatcher.stopping
            else self.unwanted(self.context, request_id)
        )

    # ------------------------------------------------------------------ dispatching

    def _run(self) -> None:
        while not self._dispatcher.stopping:
            try:
                self._dispatch()
            except Exception:
                self._logger.exception(
                    "the %s dispatcher hit an unexpected error; it carries on", self.label
                )
            self._wake.wait(self.options.poll_interval)
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
        # Tiles before the finish checks: a started job's first tiles go out first.
        self._dispatch_tiles()
        for request in self.store.requests_in("PROCESSING"):
            self._finish_if_complete(request.id)

    def _dispatch_tiles(self) -> None:
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
                # Only tiles a thread starts at once: the others wait in the thread pool, and
                # the worker processes get no more tasks than the threads would give them.
                early = len(self._busy_tiles) <= self._width
            if early:
                self._hand_over_early(tile)
            if not self._submit(self._tile_job, tile):
                self._runner.drop_early(tile.request_id, tile.id)
                with self._lock:
                    self._busy_tiles.discard(key)

    def _hand_over_early(self, tile: BatchTileRecord) -> None:
        """Give the tile to a worker process now, while a thread picks up its job (the job's
        `TileRunner.run` then waits for this task): a tile reaches a worker 4 to 5 ms sooner,
        which is most of a small job's start. Not with a step delay (tests watch each state
        before anything renders), nor for tiles the service renders differently."""
        if self.options.step_delay > 0 or self._dispatcher.stopping:
            return
        try:
            request = self.store.get_request(tile.request_id)
            if request is None or request.status != "PROCESSING":
                return
            task = self._early_task(request, tile)
            if task is not None:
                self._runner.hand_over_early(task, self.renderer())
        except Exception:  # the tile's own job renders it, and reports what fails
            self._logger.debug("tile %s was not handed over early", tile.id, exc_info=True)

    def _pause(self) -> bool:
        """Wait ``step_delay``; False if the service is stopping."""
        return self._dispatcher.pause(self.options.step_delay)


def batch_service(
    name: str,
    base_path: str,
    routes: Callable[[], Sequence[BaseRoute]],
    schema: str,
    kind: type[TileDispatcher],
) -> Service:
    """The registration record of a batch API whose per-application state is a ``kind`` on
    the emulator's database: made when the emulator starts, started before it listens,
    stopped after it stops."""

    def create(context: EmulatorContext) -> TileDispatcher:
        return kind(context, context.db)

    def start(context: EmulatorContext) -> None:
        context.state(name, kind).start()

    def stop(context: EmulatorContext) -> None:
        context.state(name, kind).stop()

    return Service(
        name=name,
        base_paths=(base_path,),
        routes=routes,
        schema=schema,
        state=create,
        start=start,
        stop=stop,
    )


def _either(statuses: tuple[str, ...]) -> str:
    """``A``, ``A or B``, ``A, B or C``."""
    return " or ".join(filter(None, (", ".join(statuses[:-1]), statuses[-1])))

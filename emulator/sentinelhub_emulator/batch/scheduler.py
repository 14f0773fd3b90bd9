"""The batch service's life (its store, its worker pool, its faults) and the v1 state machine.

`BatchService` is what the server starts and stops::

    service = BatchService(context, db)   # applies SCHEMA, registers itself for the routes
    service.start()                       # re-queues interrupted tiles, starts the workers
    service.stop()                        # stops the workers (current tiles finish)

Request states (the contract's)::

    CREATED --analyse--> ANALYSING --(worker)--> ANALYSIS_DONE --start--> PROCESSING
    CREATED --start--> ANALYSING (userAction START) --(worker)--> PROCESSING
    PROCESSING --(worker)--> DONE | PARTIAL | FAILED
    PARTIAL --restartpartial--> PROCESSING (only FAILED tiles run again)
    CREATED | ANALYSING | ANALYSIS_DONE | PROCESSING --cancel--> CANCELED

Any other action is a 400 ``COMMON_BAD_PAYLOAD`` that says which states allow it. A failed
analysis (bad evalscript, no tile, existing files) ends FAILED with ``error``.

Tiles go PENDING -> SCHEDULED (on start) -> QUEUED (taken by a worker) -> PROCESSING ->
PROCESSED or FAILED. A bounded pool of threads takes them (`BatchOptions.workers`, or two per
worker process); each tile is rendered and written in one of the shared worker processes of
`sentinelhub_emulator.batch.pool` (``settings.batch_processes``), or on the thread itself when
there are none or the renderer is not the Process engine. On start, tiles
a stop or crash left QUEUED or PROCESSING are scheduled again, and requests left ANALYSING are
analysed again, so a request caught PROCESSING resumes. Cancel stops a request: no further tile
of it is taken, and tiles in flight are not marked PROCESSED.

Faults for tests (`BatchFaults`): a seeded fraction of tile attempts fail, or the tiles named;
set them with `BatchService.set_faults` or ``POST /_emulator/batch/faults``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from rasterio.io import MemoryFile

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.db import Database
from sentinelhub_emulator.core.errors import BAD_PAYLOAD, ApiError
from sentinelhub_emulator.process.formats import is_geotiff

from .dispatch import TileDispatcher
from .grids import GridTile, TooManyTilesError
from .parsing import ParsedRequest, parse_stored
from .pool import TileTask
from .processing import (
    Renderer,
    RenderFailure,
    engine_request,
    output_paths,
    tile_cost,
)
from .store import BatchStore, BatchTileRecord, RequestRecord

__all__ = [
    "MAX_TILES",
    "BatchFaults",
    "BatchOptions",
    "BatchService",
    "find_service",
    "service_of",
]

logger = logging.getLogger(__name__)

#: Most tiles one request may have in the emulator.
MAX_TILES = 2000
_PROBE_PX = 16
INTERNAL_ERROR = "The emulator failed on an internal error; see its log."
CANCELED = "The request was canceled."

_SERVICES: dict[int, BatchService] = {}
_SERVICES_LOCK = threading.Lock()


@dataclass(frozen=True)
class BatchFaults:
    """Which tile attempts fail: a seeded fraction, and/or every attempt of the tiles named."""

    fail_fraction: float = 0.0
    fail_tiles: frozenset[str] = frozenset()
    seed: int = 0

    def fails(self, request_id: str, tile: BatchTileRecord) -> bool:
        if tile.name in self.fail_tiles or str(tile.id) in self.fail_tiles:
            return True
        if self.fail_fraction <= 0:
            return False
        digest = hashlib.sha256(
            f"{self.seed}:{request_id}:{tile.id}:{tile.attempts}".encode()
        ).digest()
        return int.from_bytes(digest[:8], "big") / 2**64 < self.fail_fraction

    def to_wire(self) -> dict[str, Any]:
        return {
            "failFraction": self.fail_fraction,
            "failTiles": sorted(self.fail_tiles),
            "seed": self.seed,
        }


@dataclass(frozen=True)
class BatchOptions:
    """Settings of the batch service."""

    workers: int = 2
    #: Seconds spent in each tile state (QUEUED, PROCESSING), so tests can watch them.
    step_delay: float = 0.0
    poll_interval: float = 0.2
    faults: BatchFaults = field(default_factory=BatchFaults)


class AnalysisFailure(Exception):
    """The request cannot run; the message becomes its ``error``."""


def service_of(context: EmulatorContext) -> BatchService:
    """The batch service of the emulator behind ``context``."""
    with _SERVICES_LOCK:
        service = _SERVICES.get(id(context))
    if service is None:
        raise ApiError(503, "The batch service is not running.", "COMMON_EXCEPTION")
    return service


def find_service(data_dir: Path) -> BatchService:
    """The running batch service of the emulator whose data lives in ``data_dir`` (tests)."""
    with _SERVICES_LOCK:
        for service in _SERVICES.values():
            if service.context.settings.data_dir == Path(data_dir):
                return service
    raise LookupError(f"no batch service runs on {data_dir}")


def _illegal(message: str) -> ApiError:
    return ApiError(400, message, BAD_PAYLOAD)


class BatchService(TileDispatcher):
    """The batch service of one emulator."""

    label = "batch"
    queued_status = "QUEUED"
    store: BatchStore

    def __init__(
        self,
        context: EmulatorContext,
        db: Database,
        options: BatchOptions | None = None,
        *,
        renderer: Renderer | None = None,
    ) -> None:
        self.options = options or BatchOptions()
        super().__init__(context, BatchStore(db), self.options, renderer, logger)
        self._faults = self.options.faults
        with _SERVICES_LOCK:
            _SERVICES[id(context)] = self

    # ------------------------------------------------------------------ life cycle

    def stop(self, timeout: float = 30.0) -> None:
        super().stop(timeout)
        with _SERVICES_LOCK:
            if _SERVICES.get(id(self.context)) is self:
                del _SERVICES[id(self.context)]

    @property
    def faults(self) -> BatchFaults:
        return self._faults

    def set_faults(self, faults: BatchFaults | None) -> None:
        self._faults = faults or BatchFaults()

    # ------------------------------------------------------------------ user actions

    def analyse(self, request: RequestRecord) -> None:
        if request.status != "CREATED":
            raise _illegal(
                f"Only requests with status CREATED can be analysed; this one is {request.status}."
            )
        if not self.store.set_action(
            request.id, expected_status="CREATED", status="ANALYSING", user_action="ANALYSE"
        ):
            raise _illegal("The request changed meanwhile; read it again.")
        self.wake()

    def start_request(self, request: RequestRecord) -> None:
        status = request.status
        if status in ("CREATED", "ANALYSING", "ANALYSIS_DONE"):
            parse_stored(request.body, self.context.settings).check_renderable()
        if status == "CREATED":
            changed = self.store.set_action(
                request.id, expected_status="CREATED", status="ANALYSING", user_action="START"
            )
        elif status == "ANALYSING" and request.user_action == "START":
            raise _illegal("The request is already starting: it is analysed, then processed.")
        elif status == "ANALYSING":
            changed = self.store.set_action(
                request.id, expected_status="ANALYSING", status="ANALYSING", user_action="START"
            )
        elif status == "ANALYSIS_DONE":
            changed = self.store.start_processing(
                request.id, from_status="ANALYSIS_DONE", user_action="START"
            )
        else:
            raise _illegal(
                "Only requests that have not run yet (CREATED, ANALYSING or ANALYSIS_DONE) can "
                f"be started; this one is {status}. Create a new request to run it again."
            )
        if not changed:
            raise _illegal("The request changed meanwhile; read it again.")
        self.wake()

    def cancel(self, request: RequestRecord) -> None:
        if request.status not in ("CREATED", "ANALYSING", "ANALYSIS_DONE", "PROCESSING"):
            raise _illegal(
                "Only requests with status CREATED, ANALYSING, ANALYSIS_DONE or PROCESSING can "
                f"be canceled; this one is {request.status}."
            )
        if not self.store.cancel(request.id, expected_status=request.status):
            raise _illegal("The request changed meanwhile; read it again.")
        self._runner.cancel(request.id)

    def restart_partial(self, request: RequestRecord) -> None:
        if request.status != "PARTIAL":
            raise _illegal("Only requests with status PARTIAL can be restarted.")
        if not self.store.start_processing(
            request.id, from_status="PARTIAL", user_action=request.user_action
        ):
            raise _illegal("The request changed meanwhile; read it again.")
        self.wake()

    # ------------------------------------------------------------------ dispatching

    def _finish_if_complete(self, request_id: str) -> None:
        self.store.finish_request_if_complete(request_id)

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
                self.store.set_status(
                    request_id, expected="ANALYSING", status="FAILED", error=str(failure)
                )
            except ApiError as error:
                self.store.set_status(
                    request_id, expected="ANALYSING", status="FAILED", error=error.message
                )
            except Exception:
                logger.exception("analysing batch request %s failed unexpectedly", request_id)
                self.store.set_status(
                    request_id, expected="ANALYSING", status="FAILED", error=INTERNAL_ERROR
                )
        finally:
            with self._lock:
                self._busy_requests.discard(request_id)
            self.wake()

    def _analyse(self, request: RequestRecord) -> None:
        settings = self.context.settings
        parsed = parse_stored(request.body, settings)
        try:
            tiles = parsed.tiles(MAX_TILES)
        except TooManyTilesError as exc:
            raise AnalysisFailure(f"The request is too large for the emulator: {exc}.") from None
        if not tiles:
            raise AnalysisFailure(
                f"The area of interest covers no tile of grid {parsed.grid.id} (latitudes "
                f"{-parsed.grid.latitude_limit:g} to {parsed.grid.latitude_limit:g})."
            )
        bands, floating, tiff_bands = self._probe(request, parsed, tiles[0])
        if not parsed.overwrite and not parsed.skip_existing:
            for tile in tiles:
                paths = output_paths(settings, request.id, tile.name, tile.id, parsed.outputs)
                existing = [p for p in paths.values() if p.exists()]
                if existing:
                    raise AnalysisFailure(
                        f"Output files already exist (tile {tile.name}); set output.overwrite or "
                        "output.skipExisting, or write somewhere else."
                    )
        collection_id = self._collection_for(request, parsed, tiff_bands)
        tile_w, tile_h = parsed.tile_size_px
        cost = tile_cost(tile_w, tile_h, bands, floating)
        done = self.store.finish_analysis(
            request.id,
            tiles=((tile, cost) for tile in tiles),
            value_estimate=round(cost * len(tiles), 6),
            tile_size_px=(tile_w, tile_h),
            collection_id=collection_id,
        )
        if not done:
            logger.info("batch request %s changed during its analysis; result dropped", request.id)

    def _probe(
        self, request: RequestRecord, parsed: ParsedRequest, tile: GridTile
    ) -> tuple[int, bool, dict[str, tuple[int, str]]]:
        """Run the evalscript on a few pixels of the first tile: (bands, floating, per TIFF
        output its band count and dtype). The engine's 400 fails the analysis."""
        west, south, east, north = tile.bounds()
        request_body = engine_request(
            request.body["processRequest"],
            tile.epsg,
            (west, south, east, north),
            _PROBE_PX,
            _PROBE_PX,
        )
        result = self.renderer()(self.context, request.account_id, request_body)
        by_id = {o.identifier: o for o in result.outputs}
        bands = 0
        floating = False
        tiff_bands: dict[str, tuple[int, str]] = {}
        for spec in parsed.outputs:
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

    def _collection_for(
        self,
        request: RequestRecord,
        parsed: ParsedRequest,
        tiff_bands: Mapping[str, tuple[int, str]],
    ) -> str | None:
        if not parsed.create_collection and parsed.collection_id is None:
            return None
        several = [name for name, (count, _) in tiff_bands.items() if count != 1]
        if several:
            raise AnalysisFailure(
                f"Collection output needs single-band TIFF outputs; {', '.join(several)} has "
                "several bands."
            )
        bands = {name: band_format(dtype) for name, (_, dtype) in tiff_bands.items()}
        if parsed.collection_id is not None:
            collection = self.store.get_collection(parsed.collection_id)
            if collection is None or collection.account_id != request.account_id:
                raise AnalysisFailure(f"Batch collection {parsed.collection_id} does not exist.")
            if collection.bands and collection.bands != bands:
                raise AnalysisFailure(
                    f"The outputs ({', '.join(bands)}) do not match the bands of batch collection "
                    f"{collection.id} ({', '.join(collection.bands)})."
                )
            self.store.set_collection_output(
                collection.id, tiling_grid_id=parsed.grid.id, bands=bands
            )
            return collection.id
        collection = self.store.create_collection(
            account_id=request.account_id,
            name=request.description or f"Batch request {request.id}",
            s3_bucket=parsed.outputs[0].bucket,
            tiling_grid_id=parsed.grid.id,
            bands=bands,
        )
        return collection.id

    # ------------------------------------------------------------------ tiles

    def _tile_job(self, tile: BatchTileRecord) -> None:
        try:
            self._process_tile(tile)
        except Exception:
            logger.exception("batch tile %s of %s failed unexpectedly", tile.id, tile.request_id)
            for expected in ("PROCESSING", "QUEUED"):
                self.store.advance_tile(
                    tile, expected=expected, status="FAILED", error=INTERNAL_ERROR
                )
        finally:
            with self._lock:
                self._busy_tiles.discard((tile.request_id, tile.id))
            self.store.finish_request_if_complete(tile.request_id)
            self.wake()

    def _process_tile(self, tile: BatchTileRecord) -> None:
        if not self._pause():
            return
        if not self.store.advance_tile(tile, expected="QUEUED", status="PROCESSING"):
            return
        request = self.store.get_request(tile.request_id)
        if request is None or request.status != "PROCESSING":
            return
        error, cost = self._render_and_write(request, tile)
        if not self._pause():
            return  # stopping: the tile is scheduled again at the next start
        if error is None:
            self.store.advance_tile(tile, expected="PROCESSING", status="PROCESSED", cost=cost)
        else:
            self.store.advance_tile(tile, expected="PROCESSING", status="FAILED", error=error)

    def _render_and_write(
        self, request: RequestRecord, tile: BatchTileRecord
    ) -> tuple[str | None, float | None]:
        """(error or None, cost)."""
        settings = self.context.settings
        try:
            parsed = parse_stored(request.body, settings)
            paths = output_paths(settings, request.id, tile.name, tile.id, parsed.outputs)
        except (ApiError, RenderFailure) as exc:
            return str(exc), None
        # Existing files were checked at analysis; files present now come from an earlier
        # attempt of this request (a restart), so they are replaced.
        if parsed.skip_existing and all(p.exists() for p in paths.values()):
            return None, 0.0
        if self._faults.fails(request.id, tile):
            return "Injected failure (emulator batch faults).", None
        task = TileTask(
            request.account_id,
            request.id,
            request.body["processRequest"],
            tile,
            parsed,
            None,
            _canceled,
        )
        outcome = self._runner.run(task, self.renderer(), lambda: self._halted(request.id))
        if outcome.error is not None:
            return outcome.error, None
        reason = self._halted(request.id)
        if reason is not None:
            return reason, None
        return None, outcome.cost(*parsed.tile_size_px)

    def _halted(self, request_id: str) -> str | None:
        return CANCELED if self._dispatcher.stopping else _canceled(self.context, request_id)


def _canceled(context: EmulatorContext, request_id: str) -> str | None:
    """Why a tile of the request is not wanted any more (it was canceled), or None; asked
    before the tile's files are written (by a worker process too: its own context)."""
    current = BatchStore(context.db).get_request(request_id)
    return None if current is not None and current.status == "PROCESSING" else CANCELED


def band_format(dtype: str) -> dict[str, Any]:
    """A batch collection band's format for ``dtype`` (Batch v2 adds the band's ``source``)."""
    kind = np.dtype(dtype)
    sample = "FLOAT" if kind.kind == "f" else ("INT" if kind.kind == "i" else "UINT")
    return {"bandIndex": 1, "bitDepth": kind.itemsize * 8, "sampleFormat": sample}

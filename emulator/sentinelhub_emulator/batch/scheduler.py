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

from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import ApiError

from .dispatch import (
    MAX_TILES,
    AnalysisFailure,
    TileDispatcher,
    band_format,
    grid_tiles,
    no_outputs_yet,
    single_band_formats,
)
from .parsing import ParsedRequest, parse_stored
from .processing import TileTask, tile_cost
from .store import BatchStore, BatchTileRecord, RequestRecord

__all__ = [
    "MAX_TILES",
    "BatchFaults",
    "BatchOptions",
    "BatchService",
    "band_format",
    "find_service",
    "service_of",
]

logger = logging.getLogger(__name__)

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


def _canceled(context: EmulatorContext, request_id: str) -> str | None:
    """Why a tile of the request is not wanted any more (it was canceled), or None; asked
    before the tile's files are written (by a worker process too: its own context)."""
    current = BatchStore(context.db).get_request(request_id)
    return None if current is not None and current.status == "PROCESSING" else CANCELED


class BatchService(TileDispatcher):
    """The batch service of one emulator."""

    label = "batch"
    queued_status = "QUEUED"
    done_status = "PROCESSED"
    step_in_processing = True
    halt_reason = CANCELED
    unwanted = staticmethod(_canceled)
    store_type = BatchStore
    options_type = BatchOptions
    store: BatchStore
    options: BatchOptions

    def _setup(self) -> None:
        self._faults = self.options.faults
        with _SERVICES_LOCK:
            _SERVICES[id(self.context)] = self

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

    def _start_analysed(self, request: RequestRecord) -> bool:
        return self.store.start_processing(
            request.id, from_status="ANALYSIS_DONE", user_action="START"
        )

    def _not_startable(self, request: RequestRecord) -> ApiError:
        if request.status == "ANALYSING":
            return self._refused("The request is already starting: it is analysed, then processed.")
        return self._refused(
            "Only requests that have not run yet (CREATED, ANALYSING or ANALYSIS_DONE) can "
            f"be started; this one is {request.status}. Create a new request to run it again."
        )

    def cancel(self, request: RequestRecord) -> None:
        allowed = ("CREATED", "ANALYSING", "ANALYSIS_DONE", "PROCESSING")
        self._halt(request, allowed, "canceled", self.store.cancel)

    def restart_partial(self, request: RequestRecord) -> None:
        if request.status != "PARTIAL":
            raise self._refused("Only requests with status PARTIAL can be restarted.")
        if not self.store.start_processing(
            request.id, from_status="PARTIAL", user_action=request.user_action
        ):
            raise self._refused("The request changed meanwhile; read it again.")
        self.wake()

    # ------------------------------------------------------------------ dispatching

    def _parse(self, body: dict[str, Any]) -> ParsedRequest:
        return parse_stored(body, self.context.settings)

    def _finish_if_complete(self, request_id: str) -> None:
        self.store.finish_request_if_complete(request_id)

    # ------------------------------------------------------------------ analysis

    def _analyse(self, request: RequestRecord) -> None:
        parsed = self._parsed(request)
        tiles = grid_tiles(parsed)
        bands, floating, tiff_bands = self._probe(
            request.account_id, request.body["processRequest"], parsed.outputs, tiles[0]
        )
        no_outputs_yet(self.context.settings, request.id, tiles, parsed)
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

    def _collection_for(
        self,
        request: RequestRecord,
        parsed: ParsedRequest,
        tiff_bands: Mapping[str, tuple[int, str]],
    ) -> str | None:
        if not parsed.create_collection and parsed.collection_id is None:
            return None
        bands = single_band_formats(tiff_bands)
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

    def _tile_task(
        self, request: RequestRecord, parsed: ParsedRequest, tile: BatchTileRecord
    ) -> TileTask:
        return TileTask(
            request.account_id,
            request.id,
            request.body["processRequest"],
            tile,
            parsed,
            None,
            self.unwanted,
        )

    def _early_task(self, request: RequestRecord, tile: BatchTileRecord) -> TileTask | None:
        parsed = self._parsed(request)
        if parsed.skip_existing or self._faults.fails(request.id, tile):
            return None  # existing files may skip the tile; an injected failure renders nothing
        return self._tile_task(request, parsed, tile)

    def _render(
        self, request: RequestRecord, parsed: ParsedRequest, tile: BatchTileRecord
    ) -> tuple[str | None, float | None]:
        if self._faults.fails(request.id, tile):
            return "Injected failure (emulator batch faults).", None
        outcome = self._run_tile(self._tile_task(request, parsed, tile))
        if outcome.error is not None:
            return outcome.error, None
        return None, outcome.cost(*parsed.tile_size_px)

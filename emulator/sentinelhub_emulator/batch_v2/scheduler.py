"""The Batch v2 state machine and its workers.

`BatchV2Service` is what the server starts and stops::

    service = BatchV2Service(context, db)   # applies SCHEMA
    service.start()                         # re-queues interrupted tiles, starts the dispatcher
    service.stop()                          # stops it (tiles in flight finish or are re-queued)

Request states::

    CREATED --analyse--> ANALYSING (userAction ANALYSE) --(worker)--> ANALYSIS_DONE
    CREATED --start--> ANALYSING (userAction START) --(worker)--> PROCESSING
    ANALYSIS_DONE --start--> PROCESSING --(worker)--> DONE | FAILED
    ANALYSING | PROCESSING --stop--> STOPPED (stoppedStatusReason USER_ACTION)

Any other action is a 409 ``COMMON_BAD_PAYLOAD`` that says which states allow it. A failed
analysis ends FAILED with ``error``. A job ends DONE when at least one tile was written (``error``
counts the failed ones) and FAILED when every tile failed. Finished tiles of a stopped job stay
where they were written.

Tiles are rendered and written by Batch v1's ``processing`` module (the Process engine, in
chunks, GeoTIFF or COG, atomically) in the worker processes of ``batch.pool`` (on the threads
of a bounded pool without them); with Zarr output each tile goes into its
window of the job's group instead (``zarr_job``, the group made when the analysis ends). On
start, tiles a crash left PROCESSING are scheduled again and requests left ANALYSING are
analysed again, so a job caught mid-way by a kill resumes. The status database and the manifest
(`statusdb`) are written into the bucket.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import replace
from typing import Any

from affine import Affine

from sentinelhub_emulator.batch.collections import BAND_PLACEHOLDER
from sentinelhub_emulator.batch.dispatch import (
    MAX_TILES,
    AnalysisFailure,
    TileDispatcher,
    grid_tiles,
    no_outputs_yet,
    single_band_formats,
)
from sentinelhub_emulator.batch.grids import GridTile
from sentinelhub_emulator.batch.parsing import ParsedRequest, expand_key
from sentinelhub_emulator.batch.processing import (
    RenderFailure,
    TileLayout,
    TileOutcome,
    TileTask,
    render_tile,
    tile_cost,
)
from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.byoc.store import DuplicateTilePathError
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process.formats import is_geotiff

from .geopackage import GeopackageError, read_features
from .parsing import ParsedV2, parse_stored
from .statusdb import STATUS_INTERVAL, write_manifest, write_status
from .store import BatchV2Store, RequestRecord, TileRecord
from .zarr_job import prepare as prepare_zarr
from .zarr_job import write_raster as write_zarr
from .zarr_output import ZarrOutputError

__all__ = ["MAX_TILES", "BatchV2Options", "BatchV2Service"]

logger = logging.getLogger(__name__)

STOPPED = "The request was stopped."


def _stopped(context: EmulatorContext, request_id: str) -> str | None:
    """Why a tile of the request is not wanted any more (it was stopped), or None; asked
    before the tile's files are written (by a worker process too: its own context)."""
    current = BatchV2Store(context.db).get_request(request_id)
    return None if current is not None and current.status == "PROCESSING" else STOPPED


class BatchV2Options:
    """Settings of the service: worker threads, a step delay (tests watch the states)."""

    def __init__(
        self, workers: int = 2, step_delay: float = 0.0, poll_interval: float = 0.2
    ) -> None:
        self.workers = workers
        self.step_delay = step_delay
        self.poll_interval = poll_interval


class BatchV2Service(TileDispatcher):
    """The Batch v2 service of one emulator."""

    label = "batch v2"
    refusal_status = 409
    done_status = "DONE"
    halt_reason = STOPPED
    unwanted = staticmethod(_stopped)
    store_type = BatchV2Store
    options_type = BatchV2Options
    store: BatchV2Store
    options: BatchV2Options

    def _setup(self) -> None:
        self._status_written: dict[str, float] = {}
        self._status_lock = threading.Lock()

    def set_step_delay(self, seconds: float) -> None:
        """Seconds spent before each tile and each analysis (tests watch the states)."""
        self.options.step_delay = seconds

    # ------------------------------------------------------------------ user actions

    def _start_analysed(self, request: RequestRecord) -> bool:
        return self.store.start_processing(request.id)

    def _started(self, request_id: str) -> None:
        # Written while the first tiles render, still before the start is answered.
        self._write_status(request_id, force=True)

    def _not_startable(self, request: RequestRecord) -> ApiError:
        return self._refused(
            "Only requests with status CREATED, ANALYSING (not already starting) or "
            f"ANALYSIS_DONE can be started; this one is {request.status}. Create a new request to "
            "run it again."
        )

    def stop_request(self, request: RequestRecord) -> None:
        self._halt(request, ("ANALYSING", "PROCESSING"), "stopped", self.store.stop)
        if request.status == "PROCESSING":
            self._write_status(request.id, force=True)

    # ------------------------------------------------------------------ dispatching

    def _parse(self, body: dict[str, Any]) -> ParsedV2:
        return parse_stored(body, self.context.settings)

    @staticmethod
    def _grid_request(parsed: ParsedV2) -> ParsedRequest:
        return parsed.parsed

    def _tile_finished(self, request_id: str) -> None:
        self._finish_if_complete(request_id)
        self._write_status(request_id)

    # ------------------------------------------------------------------ status database

    def _write_status(
        self, request_id: str, *, force: bool = False, as_status: str | None = None
    ) -> None:
        now = time.monotonic()
        with self._lock:
            last = self._status_written.get(request_id)
            if not force and last is not None and now - last < STATUS_INTERVAL:
                return
            self._status_written[request_id] = now
        # One write at a time, each reading what it writes inside the lock: a write that read
        # earlier never lands after a later one. The last write of a job is its ending's.
        with self._status_lock:
            if not force and self.store.completion(request_id) is not None:
                return
            request = self.store.get_request(request_id)
            if request is None:
                return
            if as_status is not None:
                request = replace(request, status=as_status)
            try:
                parsed = self._parsed(request)
                write_status(
                    self.context.settings,
                    parsed.bucket,
                    parsed.root,
                    request,
                    self.store.feature_rows(request_id),
                    self.store.progress(request_id),
                )
            except Exception:
                logger.exception("writing the status database of %s failed", request_id)

    def _finish_if_complete(self, request_id: str) -> None:
        """End a job with no tile left; its last status database is written first, so that
        it is in the bucket once the request reads DONE or FAILED."""
        completion = self.store.completion(request_id)
        if completion is None:
            return
        status, error = completion
        self._write_status(request_id, force=True, as_status=status)
        self.store.finish(request_id, status, error)

    # ------------------------------------------------------------------ analysis

    def _tiles(self, v2: ParsedV2) -> tuple[list[GridTile], dict[int, tuple[int, int]] | None]:
        """The job's tiles, and per tile id its raster size for GeoPackage features."""
        parsed = v2.parsed
        if v2.geopackage is not None:
            try:
                features = read_features(
                    v2.geopackage.path, v2.geopackage.defaults, max_features=MAX_TILES
                )
            except GeopackageError as error:
                raise AnalysisFailure(f"{error.field}: {error.message}") from None
            tiles = [
                GridTile(
                    id=f.id,
                    name=f.identifier,
                    epsg=f.epsg,
                    west=f.bounds[0],
                    north=f.bounds[3],
                    width=f.bounds[2] - f.bounds[0],
                    height=f.bounds[3] - f.bounds[1],
                )
                for f in features
            ]
            return tiles, {f.id: (f.width, f.height) for f in features}
        return grid_tiles(parsed), None

    def _analyse(self, request: RequestRecord) -> None:
        settings = self.context.settings
        v2 = self._parsed(request)
        parsed = v2.parsed
        tiles, sizes = self._tiles(v2)
        bands, floating, tiff_bands = self._probe(
            request.account_id, v2.process_request, parsed.outputs, tiles[0]
        )
        if v2.zarr is not None:
            try:
                prepare_zarr(settings, v2.zarr, parsed, request.id, tiles, tiff_bands)
            except ZarrOutputError as error:
                raise AnalysisFailure(f"{error.field}: {error.message}") from None
        else:
            no_outputs_yet(settings, request.id, tiles, parsed)

        def size_of(tile: GridTile) -> tuple[int, int]:
            return parsed.raster_size_px if sizes is None else sizes[tile.id]

        costs = {tile.id: tile_cost(*size_of(tile), bands, floating) for tile in tiles}
        collection_id = self._collection_for(request, v2, tiff_bands)
        write_manifest(settings, v2.bucket, v2.root, request.id, tiles, size_of)
        if not self.store.finish_analysis(
            request.id, ((tile, costs[tile.id]) for tile in tiles), collection_id, sizes
        ):
            logger.info("batch v2 request %s changed during its analysis", request.id)
            return
        current = self.store.get_request(request.id)
        if current is not None and current.status == "PROCESSING":
            self._write_status(request.id, force=True)

    def _collection_for(
        self, request: RequestRecord, v2: ParsedV2, tiff_bands: dict[str, tuple[int, str]]
    ) -> str | None:
        """The BYOC collection the outputs are registered in (made now for createCollection)."""
        parsed = v2.parsed
        if not parsed.create_collection and parsed.collection_id is None:
            return None
        bands = {
            name: {"source": name, **band} for name, band in single_band_formats(tiff_bands).items()
        }
        store = byoc_state(self.context).store
        if parsed.collection_id is not None:
            collection = store.get_collection(parsed.collection_id)
            if collection is None or collection.account_id != request.account_id:
                raise AnalysisFailure(f"BYOC collection {parsed.collection_id} does not exist.")
            if collection.s3_bucket != v2.bucket:
                raise AnalysisFailure(
                    f"BYOC collection {collection.id} reads bucket {collection.s3_bucket!r}; "
                    f"the outputs go to {v2.bucket!r}."
                )
            if collection.bands and set(collection.bands) != set(bands):
                raise AnalysisFailure(
                    f"The outputs ({', '.join(bands)}) do not match the bands of BYOC collection "
                    f"{collection.id} ({', '.join(collection.bands)})."
                )
            return collection.id
        description = request.description or f"Batch v2 request {request.id}"
        created = store.create_collection(
            account_id=request.account_id,
            name=description,
            s3_bucket=v2.bucket,
            no_data=None,
            bands=bands,
        )
        return created.id

    def _register_tile(self, request: RequestRecord, v2: ParsedV2, tile: TileRecord) -> None:
        """Register a written tile in the request's BYOC collection (ingested by BYOC)."""
        if request.collection_id is None:
            return
        tiffs = [o for o in v2.parsed.outputs if is_geotiff(o.mime_type)]
        path = expand_key(
            tiffs[0].key_template,
            {
                "requestId": request.id,
                "tileName": tile.name,
                "tileId": str(tile.id),
                "outputId": BAND_PLACEHOLDER,
                "format": "tif",
            },
        )
        state = byoc_state(self.context)
        try:
            state.store.create_tiles(request.collection_id, [(path, None, None)])
        except DuplicateTilePathError:
            return  # written again (overwrite): the BYOC tile already points at it
        state.wake_worker()

    # ------------------------------------------------------------------ tiles

    def _tile_task(self, request: RequestRecord, v2: ParsedV2, tile: TileRecord) -> TileTask:
        return TileTask(
            request.account_id,
            request.id,
            v2.process_request,
            tile.as_v1(),
            v2.parsed,
            _layout(tile),
            self.unwanted,
        )

    def _early_task(self, request: RequestRecord, tile: TileRecord) -> TileTask | None:
        v2 = self._parsed(request)
        if v2.zarr is not None or v2.parsed.skip_existing:
            return None  # Zarr tiles render on their thread; existing files may skip a tile
        return self._tile_task(request, v2, tile)

    def _render(
        self, request: RequestRecord, v2: ParsedV2, tile: TileRecord
    ) -> tuple[str | None, float | None]:
        parsed = v2.parsed
        layout = _layout(tile)
        task = self._tile_task(request, v2, tile)
        outcome = self._run_tile(task) if v2.zarr is None else self._write_zarr(request, v2, task)
        if outcome.error is not None:
            return outcome.error, None
        try:
            self._register_tile(request, v2, tile)
        except (ValueError, sqlite3.Error) as exc:
            return f"Registering the tile in its collection failed ({exc}).", None
        width, height = parsed.tile_size_px if layout is None else (layout.width, layout.height)
        return None, outcome.cost(width, height)

    def _write_zarr(self, request: RequestRecord, v2: ParsedV2, task: TileTask) -> TileOutcome:
        """A tile rendered on this thread and written into its window of the job's group."""
        try:
            raster = render_tile(self.renderer(), self.context, task)
        except ApiError as error:
            return TileOutcome(error.message)
        except RenderFailure as failure:
            return TileOutcome(str(failure))
        reason = self._halted(request.id)
        if reason is not None:
            return TileOutcome(reason)
        assert v2.zarr is not None
        try:
            write_zarr(self.context.settings, v2.zarr, request.id, task.tile, raster)
        except RenderFailure as failure:
            return TileOutcome(str(failure))
        except OSError as exc:
            return TileOutcome(f"Writing the outputs failed ({exc.strerror or exc}).")
        return TileOutcome(None, dict(raster.bands))


def _layout(tile: TileRecord) -> TileLayout | None:
    """The raster of a GeoPackage feature: its bounds at its own size (None: a grid cell)."""
    if tile.width_px is None or tile.height_px is None:
        return None
    return TileLayout(
        Affine(
            tile.width / tile.width_px,
            0.0,
            tile.west,
            0.0,
            -tile.height / tile.height_px,
            tile.north,
        ),
        tile.width_px,
        tile.height_px,
    )

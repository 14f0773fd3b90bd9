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

import numpy as np
from affine import Affine
from rasterio.io import MemoryFile

from sentinelhub_emulator.batch.collections import BAND_PLACEHOLDER
from sentinelhub_emulator.batch.dispatch import TileDispatcher
from sentinelhub_emulator.batch.grids import GridTile, TooManyTilesError
from sentinelhub_emulator.batch.parsing import expand_key
from sentinelhub_emulator.batch.pool import TileTask
from sentinelhub_emulator.batch.processing import (
    Renderer,
    RenderFailure,
    TileLayout,
    engine_request,
    output_paths,
    render_tile,
    tile_cost,
)
from sentinelhub_emulator.batch.scheduler import band_format
from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.byoc.store import DuplicateTilePathError
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.db import Database
from sentinelhub_emulator.core.errors import BAD_PAYLOAD, ApiError
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

#: Most tiles one request may have in the emulator.
MAX_TILES = 2000
_PROBE_PX = 16
INTERNAL_ERROR = "The emulator failed on an internal error; see its log."
STOPPED = "The request was stopped."


class BatchV2Options:
    """Settings of the service: worker threads, a step delay (tests watch the states)."""

    def __init__(
        self, workers: int = 2, step_delay: float = 0.0, poll_interval: float = 0.2
    ) -> None:
        self.workers = workers
        self.step_delay = step_delay
        self.poll_interval = poll_interval


class AnalysisFailure(Exception):
    """The request cannot run; the message becomes its ``error``."""


def _conflict(message: str) -> ApiError:
    return ApiError(409, message, BAD_PAYLOAD)


class BatchV2Service(TileDispatcher):
    """The Batch v2 service of one emulator."""

    label = "batch v2"
    store: BatchV2Store

    def __init__(
        self,
        context: EmulatorContext,
        db: Database,
        options: BatchV2Options | None = None,
        *,
        renderer: Renderer | None = None,
    ) -> None:
        self.options = options or BatchV2Options()
        super().__init__(context, BatchV2Store(db), self.options, renderer, logger)
        self._status_written: dict[str, float] = {}
        self._status_lock = threading.Lock()

    def set_step_delay(self, seconds: float) -> None:
        """Seconds spent before each tile and each analysis (tests watch the states)."""
        self.options.step_delay = seconds

    # ------------------------------------------------------------------ user actions

    def analyse(self, request: RequestRecord) -> None:
        if request.status != "CREATED":
            raise _conflict(
                f"Only requests with status CREATED can be analysed; this one is {request.status}."
            )
        if not self.store.set_action(
            request.id, expected_status="CREATED", status="ANALYSING", user_action="ANALYSE"
        ):
            raise _conflict("The request changed meanwhile; read it again.")
        self.wake()

    def start_request(self, request: RequestRecord) -> None:
        status = request.status
        if status in ("CREATED", "ANALYSING", "ANALYSIS_DONE"):
            parse_stored(request.body, self.context.settings).check_renderable()
        if status == "CREATED":
            changed = self.store.set_action(
                request.id, expected_status="CREATED", status="ANALYSING", user_action="START"
            )
        elif status == "ANALYSING" and request.user_action != "START":
            changed = self.store.set_action(
                request.id, expected_status="ANALYSING", status="ANALYSING", user_action="START"
            )
        elif status == "ANALYSIS_DONE":
            changed = self.store.start_processing(request.id)
            if changed:
                self._write_status(request.id, force=True)
        else:
            raise _conflict(
                "Only requests with status CREATED, ANALYSING (not already starting) or "
                f"ANALYSIS_DONE can be started; this one is {status}. Create a new request to "
                "run it again."
            )
        if not changed:
            raise _conflict("The request changed meanwhile; read it again.")
        self.wake()

    def stop_request(self, request: RequestRecord) -> None:
        if request.status not in ("ANALYSING", "PROCESSING"):
            raise _conflict(
                "Only requests with status ANALYSING or PROCESSING can be stopped; this one is "
                f"{request.status}."
            )
        if not self.store.stop(request.id, expected_status=request.status):
            raise _conflict("The request changed meanwhile; read it again.")
        self._runner.cancel(request.id)
        if request.status == "PROCESSING":
            self._write_status(request.id, force=True)

    # ------------------------------------------------------------------ dispatching

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
                parsed = parse_stored(request.body, self.context.settings)
                write_status(
                    self.context.settings,
                    parsed.bucket,
                    parsed.root,
                    request,
                    self.store.all_tiles(request_id),
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
                logger.exception("analysing batch v2 request %s failed unexpectedly", request_id)
                self.store.set_status(
                    request_id, expected="ANALYSING", status="FAILED", error=INTERNAL_ERROR
                )
        finally:
            with self._lock:
                self._busy_requests.discard(request_id)
            self.wake()

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
        try:
            tiles = parsed.tiles(MAX_TILES)
        except TooManyTilesError as exc:
            raise AnalysisFailure(f"The request is too large for the emulator: {exc}.") from None
        if not tiles:
            raise AnalysisFailure(
                f"The area of interest covers no tile of grid {parsed.grid.id} (latitudes "
                f"{-parsed.grid.latitude_limit:g} to {parsed.grid.latitude_limit:g})."
            )
        return tiles, None

    def _analyse(self, request: RequestRecord) -> None:
        settings = self.context.settings
        v2 = parse_stored(request.body, settings)
        parsed = v2.parsed
        tiles, sizes = self._tiles(v2)
        west, south, east, north = tiles[0].bounds()
        bands, floating, tiff_bands = self._probe(
            request, v2, tiles[0].epsg, (west, south, east, north)
        )
        if v2.zarr is not None:
            try:
                prepare_zarr(settings, v2.zarr, parsed, request.id, tiles, tiff_bands)
            except ZarrOutputError as error:
                raise AnalysisFailure(f"{error.field}: {error.message}") from None
        elif not parsed.overwrite and not parsed.skip_existing:
            for tile in tiles:
                paths = output_paths(settings, request.id, tile.name, tile.id, parsed.outputs)
                if any(p.exists() for p in paths.values()):
                    raise AnalysisFailure(
                        f"Output files already exist (tile {tile.name}); set output.overwrite or "
                        "output.skipExisting, or write somewhere else."
                    )

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

    def _probe(
        self,
        request: RequestRecord,
        v2: ParsedV2,
        epsg: int,
        bounds: tuple[float, float, float, float],
    ) -> tuple[int, bool, dict[str, tuple[int, str]]]:
        """Run the evalscript on a few pixels: (TIFF bands, floating, per TIFF output its band
        count and dtype). The engine's 400 fails the analysis."""
        body = engine_request(v2.process_request, epsg, bounds, _PROBE_PX, _PROBE_PX)
        result = self.renderer()(self.context, request.account_id, body)
        by_id = {o.identifier: o for o in result.outputs}
        bands, floating = 0, False
        tiff_bands: dict[str, tuple[int, str]] = {}
        for spec in v2.parsed.outputs:
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
        self, request: RequestRecord, v2: ParsedV2, tiff_bands: dict[str, tuple[int, str]]
    ) -> str | None:
        """The BYOC collection the outputs are registered in (made now for createCollection)."""
        parsed = v2.parsed
        if not parsed.create_collection and parsed.collection_id is None:
            return None
        several = [name for name, (count, _) in tiff_bands.items() if count != 1]
        if several:
            raise AnalysisFailure(
                f"Collection output needs single-band TIFF outputs; {', '.join(several)} has "
                "several bands."
            )
        bands = {
            name: {"source": name, **band_format(dtype)} for name, (_, dtype) in tiff_bands.items()
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

    def _tile_job(self, tile: TileRecord) -> None:
        try:
            self._process_tile(tile)
        except Exception:
            logger.exception("batch v2 tile %s of %s failed unexpectedly", tile.id, tile.request_id)
            for expected in ("PROCESSING", "SCHEDULED"):
                self.store.advance_tile(
                    tile, expected=expected, status="FAILED", error=INTERNAL_ERROR
                )
        finally:
            with self._lock:
                self._busy_tiles.discard((tile.request_id, tile.id))
            self._finish_if_complete(tile.request_id)
            self._write_status(tile.request_id)
            self.wake()

    def _process_tile(self, tile: TileRecord) -> None:
        if not self._pause():
            return
        if not self.store.advance_tile(tile, expected="SCHEDULED", status="PROCESSING"):
            return
        request = self.store.get_request(tile.request_id)
        if request is None or request.status != "PROCESSING":
            return
        error, cost = self._render_and_write(request, tile)
        if self._dispatcher.stopping:
            return  # scheduled again at the next start
        if error is None:
            self.store.advance_tile(tile, expected="PROCESSING", status="DONE", cost=cost)
        else:
            self.store.advance_tile(tile, expected="PROCESSING", status="FAILED", error=error)

    def _render_and_write(
        self, request: RequestRecord, tile: TileRecord
    ) -> tuple[str | None, float | None]:
        """(error or None, cost)."""
        settings = self.context.settings
        v1_tile = tile.as_v1()
        try:
            v2 = parse_stored(request.body, settings)
            parsed = v2.parsed
            paths = output_paths(settings, request.id, tile.name, tile.id, parsed.outputs)
        except (ApiError, RenderFailure) as exc:
            return str(exc), None
        if parsed.skip_existing and all(p.exists() for p in paths.values()):
            return None, 0.0
        layout = _layout(tile)
        if v2.zarr is None:
            return self._write_raster(request, v2, tile, layout)
        try:
            raster = render_tile(
                self.renderer(),
                self.context,
                request.account_id,
                v2.process_request,
                v1_tile,
                parsed,
                layout,
            )
        except ApiError as error:
            return error.message, None
        except RenderFailure as failure:
            return str(failure), None
        current = self.store.get_request(request.id)
        if self._dispatcher.stopping or current is None or current.status != "PROCESSING":
            return "The request was stopped.", None
        try:
            write_zarr(settings, v2.zarr, request.id, v1_tile, raster)
        except RenderFailure as failure:
            return str(failure), None
        except OSError as exc:
            return f"Writing the outputs failed ({exc.strerror or exc}).", None
        try:
            self._register_tile(current, v2, tile)
        except (ValueError, sqlite3.Error) as exc:
            return f"Registering the tile in its collection failed ({exc}).", None
        width, height = parsed.tile_size_px if layout is None else (layout.width, layout.height)
        bands = sum(count for count, _ in raster.bands.values())
        floating = any(np.dtype(dtype).kind == "f" for _, dtype in raster.bands.values())
        return None, tile_cost(width, height, bands, floating)

    def _write_raster(
        self, request: RequestRecord, v2: ParsedV2, tile: TileRecord, layout: TileLayout | None
    ) -> tuple[str | None, float | None]:
        """A raster tile: rendered and written by ``batch.pool`` (a worker process, or this
        thread); (error or None, cost)."""
        parsed = v2.parsed
        task = TileTask(
            request.account_id,
            request.id,
            v2.process_request,
            tile.as_v1(),
            parsed,
            layout,
            _stopped,
        )
        outcome = self._runner.run(task, self.renderer(), lambda: self._halted(request.id))
        if outcome.error is not None:
            return outcome.error, None
        current = self.store.get_request(request.id)
        if self._dispatcher.stopping or current is None or current.status != "PROCESSING":
            return STOPPED, None
        try:
            self._register_tile(current, v2, tile)
        except (ValueError, sqlite3.Error) as exc:
            return f"Registering the tile in its collection failed ({exc}).", None
        width, height = parsed.tile_size_px if layout is None else (layout.width, layout.height)
        return None, outcome.cost(width, height)

    def _halted(self, request_id: str) -> str | None:
        return STOPPED if self._dispatcher.stopping else _stopped(self.context, request_id)


def _stopped(context: EmulatorContext, request_id: str) -> str | None:
    """Why a tile of the request is not wanted any more (it was stopped), or None; asked
    before the tile's files are written (by a worker process too: its own context)."""
    current = BatchV2Store(context.db).get_request(request_id)
    return None if current is not None and current.status == "PROCESSING" else STOPPED


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

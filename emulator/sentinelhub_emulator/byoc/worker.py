"""The ingestion workers: a pool of background threads that move tiles through their states.

A tile goes WAITING -> QUEUED -> INGESTING -> INGESTED or FAILED. Each step is a committed
database change guarded by the tile's generation and current status, so a tile deleted,
re-ingested or given a new cover geometry meanwhile is never overwritten by a stale attempt. On
start, tiles that a crash left INGESTING go back to QUEUED. ``ingestion_delay`` seconds pass before
each step, so that tests can watch the intermediate states.

``ingestion_workers`` threads (``--ingestion-workers``, default 4) work at once, each on its own
tile: a thread claims the oldest pending tile that no other thread holds, takes it through every
state, and lets it go. Claims live in memory only: after a crash the database alone says what is
pending, and a restart re-queues it. Reading and decoding files happens in rasterio/GDAL, which
releases the interpreter lock, so the threads really run side by side.

The worker never dies of a tile: an `IngestionFailure` becomes the tile's
``failedIngestionCause``; any other exception is logged and the tile fails with a generic cause
that reveals nothing of the server.
"""

from __future__ import annotations

import dataclasses
import logging
import threading

import shapely.geometry

from sentinelhub_emulator.byoc.bands import band_specs, bands_from_detected
from sentinelhub_emulator.byoc.ingest import (
    IngestionFailure,
    IngestionResult,
    discover_bands,
    ingest_tile,
)
from sentinelhub_emulator.byoc.records import IngestionOutcome, TileRecord
from sentinelhub_emulator.byoc.store import Store
from sentinelhub_emulator.core.buckets import BucketUnavailableError, FolderBucket, S3Bucket
from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.lifecycle import Workers

__all__ = ["INTERNAL_FAILURE_CAUSE", "IngestionWorker"]

logger = logging.getLogger(__name__)

INTERNAL_FAILURE_CAUSE = (
    "Ingestion stopped on an internal error of the emulator; re-ingest the tile, and report "
    "the problem if it happens again."
)


def _outcome(result: IngestionResult) -> IngestionOutcome:
    west, south, east, north = shapely.geometry.shape(result.cover_geometry_wgs84).bounds
    return IngestionOutcome(
        tile_geometry=result.tile_geometry,
        cover_geometry=result.cover_geometry,
        crs_epsg=result.crs_epsg,
        wgs84_bbox=(float(west), float(south), float(east), float(north)),
        min_mpp=result.min_meters_per_pixel,
        max_mpp=result.max_meters_per_pixel,
    )


class IngestionWorker:
    """Ingests pending tiles on ``settings.ingestion_workers`` threads, until stopped."""

    def __init__(
        self, store: Store, settings: EmulatorSettings, *, poll_interval: float = 0.5
    ) -> None:
        self._store = store
        self._settings = settings
        self._poll_interval = poll_interval
        self._workers = Workers("sentinelhub-emulator-ingestion", "an ingestion worker", log=logger)
        self._signal = threading.Condition()
        self._wakes = 0  # bumped by every wake, so that no wake between two looks is lost
        self._claimed: set[str] = set()  # ids of the tiles a thread is working on

    @property
    def size(self) -> int:
        """How many threads ingest at once."""
        return max(1, self._settings.ingestion_workers)

    def start(self) -> None:
        """Re-queue what a crash interrupted, then start the threads."""
        self._workers.start(
            self._run,
            count=self.size,
            requeue=self._store.requeue_interrupted,
            requeued="re-queued %d tile(s) left INGESTING by an earlier run",
        )

    def wake(self) -> None:
        """Look for pending tiles now rather than at the next poll."""
        with self._signal:
            self._wakes += 1
            self._signal.notify_all()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current steps and wait for the threads."""
        self._workers.signal_stop()
        self.wake()
        self._workers.join(timeout)

    def _run(self) -> None:
        while not self._workers.stopping:
            with self._signal:
                seen = self._wakes
            try:
                worked = self._step()
            except Exception:
                logger.exception("the ingestion worker hit an unexpected error; it carries on")
                worked = False
            if not worked:
                with self._signal:
                    if self._wakes == seen and not self._workers.stopping:
                        self._signal.wait(self._poll_interval)

    def _pause(self) -> bool:
        """Wait ``ingestion_delay``; False if asked to stop meanwhile."""
        return self._workers.pause(self._settings.ingestion_delay)

    def _claim(self) -> TileRecord | None:
        """The oldest pending tile no other thread holds, now held by this one."""
        with self._signal:
            tile = self._store.next_pending_tile(exclude=self._claimed)
            if tile is not None:
                self._claimed.add(tile.id)
            return tile

    def _release(self, tile: TileRecord) -> None:
        with self._signal:
            self._claimed.discard(tile.id)
            # Another thread may have passed the tile over while it was held.
            self._wakes += 1
            self._signal.notify_all()

    def _step(self) -> bool:
        """Take one pending tile through its states; False if there was none."""
        tile = self._claim()
        if tile is None:
            return False
        try:
            self._advance(tile)
        finally:
            self._release(tile)
        return True

    def _advance(self, tile: TileRecord) -> None:
        if tile.status == "WAITING":
            if not self._pause() or not self._store.advance_tile(tile, "QUEUED"):
                return
            tile = dataclasses.replace(tile, status="QUEUED")
        if not self._pause() or not self._store.advance_tile(tile, "INGESTING"):
            return
        if self._pause():
            self._ingest(dataclasses.replace(tile, status="INGESTING"))

    def _ingest(self, tile: TileRecord) -> None:
        collection = self._store.get_collection(tile.collection_id)
        if collection is None:
            return  # deleted meanwhile, with its tiles
        store = self._settings.bucket(collection.s3_bucket)
        try:
            result = self._run_ingestion(store, collection.s3_bucket, tile, collection.bands)
        except IngestionFailure as failure:
            self._store.finish_failed(tile, failure.cause)
            return
        except Exception:
            logger.exception("ingesting tile %s failed unexpectedly", tile.id)
            self._store.finish_failed(tile, INTERNAL_FAILURE_CAUSE)
            return
        bands = bands_from_detected(collection.bands, result.detected_bands)
        self._store.finish_ingested(
            tile,
            _outcome(result),
            bands=bands if bands != collection.bands else None,
            bands_before=collection.bands,
        )

    @staticmethod
    def _run_ingestion(
        store: FolderBucket | S3Bucket | None,
        bucket: str,
        tile: TileRecord,
        bands: dict[str, dict[str, object]],
    ) -> IngestionResult:
        if store is None or not store.available():
            raise IngestionFailure(
                f"Bucket '{bucket}' is not accessible to the service; create it (or map it with "
                "--bucket NAME=PATH) and re-ingest the tile."
            )
        try:
            specs = band_specs(bands) or list(discover_bands(store, tile.path))
            return ingest_tile(store, tile.path, specs, tile.requested_cover)
        except BucketUnavailableError as exc:
            raise IngestionFailure(
                f"Bucket '{bucket}' could not be read ({exc}); check the emulator's S3 endpoint "
                "and credentials, then reingest the tile."
            ) from None

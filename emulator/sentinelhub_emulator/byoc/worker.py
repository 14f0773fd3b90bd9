"""The ingestion worker: one background thread that moves tiles through their states.

A tile goes WAITING -> QUEUED -> INGESTING -> INGESTED or FAILED. Each step is a committed
database change guarded by the tile's generation, so a tile deleted, re-ingested or given a new
cover geometry meanwhile is never overwritten by a stale attempt. On start, tiles that a crash left
INGESTING go back to QUEUED. ``ingestion_delay`` seconds pass before each step, so that tests can
watch the intermediate states.

The worker never dies of a tile: an `IngestionFailure` becomes the tile's
``failedIngestionCause``; any other exception is logged and the tile fails with a generic cause
that reveals nothing of the server.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from pathlib import Path

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
from sentinelhub_emulator.core.context import EmulatorSettings

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
    """Ingests pending tiles, one at a time, until stopped."""

    def __init__(
        self, store: Store, settings: EmulatorSettings, *, poll_interval: float = 0.5
    ) -> None:
        self._store = store
        self._settings = settings
        self._poll_interval = poll_interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Re-queue what a crash interrupted, then start the thread."""
        requeued = self._store.requeue_interrupted()
        if requeued:
            logger.info("re-queued %d tile(s) left INGESTING by an earlier run", requeued)
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name="sentinelhub-emulator-ingestion", daemon=True
        )
        self._thread.start()

    def wake(self) -> None:
        """Look for pending tiles now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current step and wait for the thread."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                logger.warning("the ingestion worker did not stop within %.0f s", timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                worked = self._step()
            except Exception:
                logger.exception("the ingestion worker hit an unexpected error; it carries on")
                worked = False
            if not worked:
                self._wake.wait(self._poll_interval)
                self._wake.clear()

    def _pause(self) -> bool:
        """Wait ``ingestion_delay``; False if asked to stop meanwhile."""
        delay = self._settings.ingestion_delay
        return not (self._stop.wait(delay) if delay > 0 else self._stop.is_set())

    def _step(self) -> bool:
        """Take the oldest pending tile one state further; False if there was none."""
        tile = self._store.next_pending_tile()
        if tile is None:
            return False
        if tile.status == "WAITING" and (
            not self._pause() or not self._store.advance_tile(tile, "QUEUED")
        ):
            return True
        if not self._pause() or not self._store.advance_tile(tile, "INGESTING"):
            return True
        if self._pause():
            self._ingest(dataclasses.replace(tile, status="INGESTING"))
        return True

    def _ingest(self, tile: TileRecord) -> None:
        collection = self._store.get_collection(tile.collection_id)
        if collection is None:
            return  # deleted meanwhile, with its tiles
        bucket_dir = self._settings.bucket_dir(collection.s3_bucket)
        try:
            result = self._run_ingestion(bucket_dir, collection.s3_bucket, tile, collection.bands)
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
        bucket_dir: Path | None,
        bucket: str,
        tile: TileRecord,
        bands: dict[str, dict[str, object]],
    ) -> IngestionResult:
        if bucket_dir is None or not bucket_dir.is_dir():
            raise IngestionFailure(
                f"Bucket '{bucket}' is not accessible to the service; create it (or map it with "
                "--bucket NAME=PATH) and re-ingest the tile."
            )
        specs = band_specs(bands) or list(discover_bands(bucket_dir, tile.path))
        return ingest_tile(bucket_dir, tile.path, specs, tile.requested_cover)

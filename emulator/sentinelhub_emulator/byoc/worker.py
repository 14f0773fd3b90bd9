"""The ingestion workers: a pool of background threads that move tiles through their states.

A tile goes WAITING -> QUEUED -> INGESTING -> INGESTED or FAILED. Each step is a committed
database change guarded by the tile's generation and current status, so a tile deleted,
re-ingested or given a new cover geometry meanwhile is never overwritten by a stale attempt. On
start, tiles that a crash left INGESTING go back to QUEUED. ``ingestion_delay`` seconds pass before
each step, so that tests can watch the intermediate states.

``ingestion_workers`` threads (``--ingestion-workers``, default 4) work at once, each on its own
tile: a thread claims the oldest pending tile that no other thread holds, takes it through every
state, and lets it go. Claims live in memory only: after a crash the database alone says what is
pending, and a restart re-queues it.

The checks themselves (`ingest_tile`, `discover_bands`) run in worker processes when there are
two or more workers and the bucket is a folder: measured, they hold the interpreter lock for
most of their time (opening a file with rasterio, the TIFF structure reader, one ``read`` call
per block, geometry), so threads of one process ingested no faster than one thread (4 threads
were 0.9x one). One pool of ``ingestion_workers`` processes (start method ``spawn``) is shared
by the emulators of this process, and replaced if a process dies (the tile is then checked on
its thread). The threads start ingesting once every process of the pool is ready: each has
imported this module (and with it GDAL, pyproj, shapely: seconds of CPU) and entered one GDAL
environment for its life; the processes run at a lower priority than the server. Measured, a
pool that took its first tiles while its other processes were still importing spent more CPU
on imports than a short run spends on its tiles, which is why 4 workers were once slower than
one. Tiles of S3 buckets (network-bound) and tests that put a stand-in for `ingest_tile` in
place are checked on the threads.

A collection without bands gets them from its first ingested tile: the tile's result is stored
in one write transaction that reads the collection's bands as they are then
(`Store.finish_ingested` with a band resolver), so of tiles ingested side by side exactly one
defines them, and the others are judged against them (`band_mismatch`): a tile whose bands do
not match ends FAILED with a cause naming the band, both sample types and the fix, as the
service does.

The worker never dies of a tile: an `IngestionFailure` becomes the tile's
``failedIngestionCause``; any other exception is logged and the tile fails with a generic cause
that reveals nothing of the server.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import rasterio
import shapely.geometry
from pyproj import CRS

from sentinelhub_emulator.byoc.bands import band_mismatch, band_specs, bands_from_detected
from sentinelhub_emulator.byoc.ingest import (
    BandSpec,
    IngestionFailure,
    IngestionResult,
    discover_bands,
    ingest_tile,
)
from sentinelhub_emulator.byoc.records import IngestionOutcome, JsonObject, TileRecord
from sentinelhub_emulator.byoc.store import Store
from sentinelhub_emulator.core.buckets import BucketUnavailableError, FolderBucket, S3Bucket
from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.lifecycle import Workers
from sentinelhub_emulator.core.processes import WorkerContext

__all__ = ["INTERNAL_FAILURE_CAUSE", "IngestionWorker", "shutdown_pools"]

logger = logging.getLogger(__name__)

INTERNAL_FAILURE_CAUSE = (
    "Ingestion stopped on an internal error of the emulator; re-ingest the tile, and report "
    "the problem if it happens again."
)


# --------------------------------------------------------------------------------------------
# Worker processes


_REAL_INGEST_TILE = ingest_tile
_REAL_DISCOVER_BANDS = discover_bands
_POOL_LOCK = threading.Lock()
_POOLS: dict[int, ProcessPoolExecutor] = {}
#: Per pool: how its processes start (see `_warm`).
_WARMING: dict[int, _Warming] = {}


def _loaded() -> int:
    """A worker process's first task: unpickling this function has imported this module, and
    with it rasterio, GDAL, shapely and pyproj (seconds of CPU); one GDAL environment is entered
    for the process's life, so that each file opened does not set one up and tear it down
    again. Its process id."""
    global _PROCESS_ENV
    if _PROCESS_ENV is None:
        _PROCESS_ENV = rasterio.Env()
        _PROCESS_ENV.__enter__()
        CRS.from_epsg(4326)  # loads the projection database once
    return os.getpid()


_PROCESS_ENV: rasterio.Env | None = None
#: How much lower than the server's a worker process's priority is (``nice``): the threads that
#: answer the API go first when the cores are busy, as they are while the processes import.
_NICENESS = 5


def _pool(size: int) -> ProcessPoolExecutor:
    """The shared pool of ``size`` processes (started now, all of them, if there is none)."""
    with _POOL_LOCK:
        pool = _POOLS.get(size)
        if pool is None:
            if hasattr(os, "nice"):
                pool = ProcessPoolExecutor(
                    size, WorkerContext(), initializer=os.nice, initargs=(_NICENESS,)
                )
            else:
                pool = ProcessPoolExecutor(size, WorkerContext())
            _POOLS[size] = pool
            _WARMING[id(pool)] = _Warming(pool, size)
        return pool


class _Warming:
    """A pool's start: rounds of `_loaded`, one task per process (the first round makes the
    pool spawn them all), until every process has answered one."""

    def __init__(self, pool: ProcessPoolExecutor, size: int) -> None:
        self._pool, self._size = pool, size
        self._seen: set[int] = set()
        self._round = [pool.submit(_loaded) for _ in range(size)]
        self._lock = threading.Lock()
        self._done = threading.Event()

    def wait(self, timeout: float) -> bool:
        """Whether every process is ready (or the pool broke), waiting ``timeout`` at most."""
        if self._done.is_set():
            return True
        if not self._lock.acquire(timeout=timeout):  # another thread waits meanwhile
            return self._done.is_set()
        try:
            finished, pending = wait(self._round, timeout=timeout)
            for future in finished:
                if future.exception() is not None:
                    self._done.set()  # broken: the first tile finds out and uses its thread
                    return True
                self._seen.add(future.result())
            self._round = list(pending)
            if len(self._seen) >= self._size:
                self._done.set()
            elif not self._round:  # a process answered twice: ask again
                self._round = [self._pool.submit(_loaded) for _ in range(self._size)]
        finally:
            self._lock.release()
        return self._done.is_set()


def _warm(size: int, stopping: Callable[[], bool]) -> None:
    """Start the pool of ``size`` processes and wait until every one of them is ready (or a
    stop): ingestion then starts on processes that have imported GDAL, not while they do."""
    pool = _pool(size)
    with _POOL_LOCK:
        warming = _WARMING.get(id(pool))
    while warming is not None and not warming.wait(0.2) and not stopping():
        pass


def _discard(pool: ProcessPoolExecutor) -> None:
    with _POOL_LOCK:
        for size, known in list(_POOLS.items()):
            if known is pool:
                del _POOLS[size]
        _WARMING.pop(id(pool), None)
    pool.shutdown(wait=False, cancel_futures=True)


def shutdown_pools() -> None:
    """Stop the ingestion worker processes (they also stop when the program exits)."""
    with _POOL_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
        _WARMING.clear()
    for pool in pools:
        pool.shutdown(wait=True, cancel_futures=True)


def _check_tile(
    root: str,
    tile_path: str,
    specs: Sequence[BandSpec],
    cover: dict[str, Any] | None,
) -> IngestionResult:
    """What a worker process runs: a folder bucket's tile, its bands found first if the
    collection has none yet."""
    store = FolderBucket(Path(root))
    bands = list(specs) or list(discover_bands(store, tile_path))
    return ingest_tile(store, tile_path, bands, cover)


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
        if self.size > 1:
            # The checks run in worker processes: ingestion starts once they are up (once per
            # pool size in a program; seconds, as each imports GDAL), not while they start.
            try:
                _warm(self.size, lambda: self._workers.stopping)
            except Exception:
                logger.exception("the ingestion worker processes did not start; using threads")
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
        detected = result.detected_bands

        def resolve(
            current: dict[str, JsonObject],
        ) -> tuple[dict[str, JsonObject] | None, str | None]:
            cause = band_mismatch(current, detected, tile.path)
            if cause is not None:
                return None, cause
            return bands_from_detected(current, detected), None

        self._store.finish_ingested(tile, _outcome(result), resolve_bands=resolve)

    def _in_process(self, store: FolderBucket | S3Bucket) -> bool:
        """Whether this tile's checks go to a worker process (see the module docstring)."""
        return (
            self.size > 1
            and isinstance(store, FolderBucket)
            and ingest_tile is _REAL_INGEST_TILE
            and discover_bands is _REAL_DISCOVER_BANDS
        )

    def _run_ingestion(
        self,
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
        specs = band_specs(bands)
        if self._in_process(store):
            assert isinstance(store, FolderBucket)
            pool = _pool(self.size)
            try:
                future = pool.submit(
                    _check_tile, str(store.root.resolve()), tile.path, specs, tile.requested_cover
                )
                return future.result()
            except BrokenProcessPool:
                logger.warning("an ingestion worker process died; checking tile %s here", tile.id)
                _discard(pool)
        try:
            specs = specs or list(discover_bands(store, tile.path))
            return ingest_tile(store, tile.path, specs, tile.requested_cover)
        except BucketUnavailableError as exc:
            raise IngestionFailure(
                f"Bucket '{bucket}' could not be read ({exc}); check the emulator's S3 endpoint "
                "and credentials, then reingest the tile."
            ) from None

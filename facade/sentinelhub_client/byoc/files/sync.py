"""Files of Planet tiles, sync: list, size, read and download them (the package's docstring says
how). The async twins live in `sentinelhub_client.byoc.files.aio` (same names with an ``a`` in
front) and are re-exported here.

Every function takes an ``httpx.Client`` whose ``base_url`` is the service host and which
authenticates its requests, or a `SyncTransport` (the BYOC client's own, so that its retry policy
and timeout apply); the BYOC API is expected under ``byoc_base_path``. Every request goes through
the transport's retry loop. This module holds only I/O and scheduling: the steps of a download and
their decisions are `flow.file_steps`' (those of a tile's files `flow.tile_steps`'); parallel
ranges and files run in threads.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx

from sentinelhub_client._core.errors import (
    DownloadDiskError,
    DownloadError,
    DownloadExistsError,
    TileDownloadError,
)
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import SyncTransport
from sentinelhub_client.byoc.files import calls, disk, flow
from sentinelhub_client.byoc.files.aio import (
    adownload_tile,
    adownload_tile_file,
    aget_tile_file_size,
    aiter_tile_file,
    alist_tile_files,
    aread_tile_file,
)
from sentinelhub_client.byoc.files.job import FileJob, SegmentBody
from sentinelhub_client.byoc.files.options import (
    DEFAULT_BYOC_BASE_PATH,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    DEFAULT_PART_SIZE,
    Settings,
    request_policy,
)
from sentinelhub_client.byoc.files.paths import Source, file_url
from sentinelhub_client.byoc.files.progress import ProgressAggregator, ProgressCallback
from sentinelhub_client.byoc.files.ranges import Segment
from sentinelhub_client.byoc.files.reads import RangeRead, range_read

__all__ = [
    "DEFAULT_BYOC_BASE_PATH",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_CONCURRENCY",
    "DEFAULT_PART_SIZE",
    "DownloadDiskError",
    "DownloadError",
    "DownloadExistsError",
    "ProgressCallback",
    "TileDownloadError",
    "adownload_tile",
    "adownload_tile_file",
    "aget_tile_file_size",
    "aiter_tile_file",
    "alist_tile_files",
    "aread_tile_file",
    "download_tile",
    "download_tile_file",
    "get_tile_file_size",
    "iter_tile_file",
    "list_tile_files",
    "read_tile_file",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


class _Aborted(Exception):
    """Another connection of the same download failed; this one stops."""


class _Flag:
    """A stop flag that also trips when its parent does (a tile's flag over its files')."""

    def __init__(self, parent: _Flag | None = None) -> None:
        self._event = threading.Event()
        self._parent = parent

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set() or (self._parent is not None and self._parent.is_set())

    def sleep(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when the flag trips; raises `_Aborted` if it did."""
        deadline = time.monotonic() + seconds
        while not self.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            self._event.wait(min(left, 0.1))
        raise _Aborted


def _transport(client: httpx.Client | SyncTransport) -> SyncTransport:
    """The transport whose retry loop sends the requests (one over a plain client as it is)."""
    return client if isinstance(client, SyncTransport) else SyncTransport.over(client)


def list_tile_files(
    client: httpx.Client | SyncTransport,
    collection_id: str,
    tile_id: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> list[str]:
    """The paths of a tile's files, relative to the tile and ``/``-separated.

    Only tiles of collections made by a Planet subscription or order have files; for any other
    collection the service answers 404 (`NotFoundError`).
    """
    transport = _transport(client)
    policy = request_policy(transport.retry, retry)
    return calls.parse_listing_response(
        transport.run(calls.listing_call(byoc_base_path, collection_id, tile_id, policy))
    )


def _head(
    transport: SyncTransport, source: Source, byoc_base_path: str, policy: RetryPolicy
) -> calls.RemoteFile:
    response = transport.run(calls.head_call(byoc_base_path, source, policy))
    return calls.remote_file_of(source.path, response)


def get_tile_file_size(
    client: httpx.Client | SyncTransport,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> int:
    """The size in bytes of one file of a tile (a ``HEAD`` request)."""
    transport = _transport(client)
    source = Source(str(collection_id), str(tile_id), path)
    return _head(transport, source, byoc_base_path, request_policy(transport.retry, retry)).size


def iter_tile_file(
    client: httpx.Client | SyncTransport,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    start: int | None = None,
    end: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> Iterator[bytes]:
    """Stream bytes ``start..end`` of a file (``end`` inclusive, like HTTP ranges) in chunks.

    ``start`` defaults to 0 and ``end`` to the last byte; an ``end`` past the file stops at its
    last byte. Arguments are checked at once (`SentinelHubValidationError`, a ``ValueError``);
    nothing is sent until the iterator is first advanced. A connection dropped midway is resumed
    where it stopped (``Range`` + ``If-Range``); if the file changed meanwhile, `DownloadError`.
    A range starting beyond the end of the file raises `APIError` with status 416.
    """
    transport = _transport(client)
    ids = (collection_id, tile_id, path)
    call, plan = range_read(
        transport.retry, ids, (start, end), chunk_size, retry=retry, byoc_base_path=byoc_base_path
    )
    return transport.stream(call, _range_reader(plan, path, chunk_size))


def _range_reader(
    plan: RangeRead, path: str, chunk_size: int
) -> Callable[[httpx.Response], Iterator[bytes]]:
    def read(response: httpx.Response) -> Iterator[bytes]:
        plan.begin(response.status_code, response.headers, path)
        for received in response.iter_bytes(chunk_size):
            data = plan.take(received)
            if data:
                yield data
            if plan.body_done:
                break
        plan.end_body()

    return read


def read_tile_file(
    client: httpx.Client | SyncTransport,
    collection_id: str,
    tile_id: str,
    path: str,
    start: int | None = None,
    end: int | None = None,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> bytes:
    """Bytes ``start..end`` of a file (``end`` inclusive, like HTTP ranges), in memory.

    For whole large files use `download_tile_file`; see `iter_tile_file` for the details.
    """
    base = byoc_base_path
    chunks = iter_tile_file(
        client, collection_id, tile_id, path, start=start, end=end, byoc_base_path=base, retry=retry
    )
    return b"".join(chunks)


def _fetch_segment(
    transport: SyncTransport,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    settings: Settings,
    stop: _Flag,
    limiter: threading.Semaphore | None,
) -> None:
    """Fetch one segment, retried on its own by the transport; progress renews its budget.
    Bytes that arrived before an error are written too (they are good)."""
    if stop.is_set():
        raise _Aborted

    def read(response: httpx.Response) -> Iterator[int]:
        if response.status_code == 416:
            response.read()
        body = SegmentBody(job, segment, settings.chunk_size)
        body.begin(response)
        try:
            for data in response.iter_raw():
                if body.feed(data):
                    yield writer.wrote(segment, writer.write(segment, body.take()))
                if data and stop.is_set():
                    raise _Aborted
        finally:
            if chunks := body.take():
                writer.wrote(segment, writer.write(segment, chunks))
        job.check_finished(segment)

    call = calls.segment_call(job.url, job, segment)
    for _written in transport.stream(call, read, gate=limiter, wait=stop.sleep):
        pass


def _run_segments(
    transport: SyncTransport,
    step: flow.Transfer,
    settings: Settings,
    limiter: threading.Semaphore | None,
    cancel: _Flag | None,
) -> None:
    """Fetch every missing segment, ``concurrency`` at a time; the first failure stops all.

    A failure (an ``Exception``) of one segment stops the others and is raised; anything else
    (``KeyboardInterrupt``, ``SystemExit``) stops them too and is raised as it is.
    """
    segments, workers = step.plan(settings)
    stop = _Flag(cancel)

    def fetch(segment: Segment) -> None:
        _fetch_segment(transport, step.job, step.writer, segment, settings, stop, limiter)

    if workers <= 1:
        for segment in segments:
            fetch(segment)
        return
    pending = deque(segments)
    errors: list[Exception] = []

    def worker() -> None:
        while not stop.is_set():
            try:
                segment = pending.popleft()
            except IndexError:
                return
            try:
                fetch(segment)
            except Exception as exc:
                if not isinstance(exc, _Aborted):
                    errors.append(exc)
                stop.set()
                return
            except BaseException:
                stop.set()
                raise  # kept by the worker's future, raised below

    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="shc-download") as pool:
        futures = [pool.submit(worker) for _ in range(workers)]
        try:
            concurrent.futures.wait(futures)
        except BaseException:  # KeyboardInterrupt while waiting: stop the workers, then leave
            stop.set()
            raise
    for future in futures:
        future.result()
    if errors:
        raise errors[0]
    if cancel is not None and cancel.is_set():
        raise _Aborted


def _download_file(
    transport: SyncTransport,
    settings: Settings,
    source: Source,
    destination: Path,
    progress: ProgressAggregator,
    remote: calls.RemoteFile | None = None,
    limiter: threading.Semaphore | None = None,
    cancel: _Flag | None = None,
) -> Path:
    """`download_tile_file` with what `download_tile` adds: a known size, shared limits."""
    url = transport.full_url(file_url(settings.byoc_base_path, *source.ids, source.path))

    def make(step: flow.Step) -> Any:
        if isinstance(step, flow.Disk):
            return step.call()
        if isinstance(step, flow.Transfer):
            return _run_segments(transport, step, settings, limiter, cancel)
        return _head(transport, source, settings.byoc_base_path, settings.policy)

    steps = flow.file_steps(settings, source, destination, url, progress, remote, logger)
    return flow.run(steps, make)


def download_tile_file(
    client: httpx.Client | SyncTransport,
    collection_id: str,
    tile_id: str,
    path: str,
    destination: PathLike,
    *,
    overwrite: bool = False,
    resume: bool = True,
    concurrency: int = DEFAULT_CONCURRENCY,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    part_size: int = DEFAULT_PART_SIZE,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    max_attempts: int | None = None,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
) -> Path:
    """Download one file of a tile to ``destination``; returns its path.

    The bytes are streamed to ``<destination>.part`` and never held in memory. A file larger
    than ``part_size`` is fetched as byte ranges, ``concurrency`` at a time, each retried on its
    own (the `RetryPolicy` ``retry``, ``max_attempts`` overriding its attempts; a 429's
    ``Retry-After`` is honoured). With ``resume`` (the default) a run after an interruption keeps
    the bytes on disk that ``<destination>.part.json`` vouches for; ``resume=False`` starts over.
    When done, the size is checked and the file fsynced and renamed into place.

    Args:
        destination: the file to write; its folder is created.
        overwrite: replace an existing ``destination`` (else `DownloadExistsError`).
        chunk_size: bytes buffered per connection between writes (and progress reports).
        part_size: the largest byte range of one request.
        progress: ``progress(done_bytes, total_bytes)``, called from the downloading threads.

    Raises:
        DownloadExistsError: ``destination`` exists and ``overwrite`` is False.
        DownloadDiskError: the disk refused a write (full, read-only, ...); the ``.part`` stays.
        DownloadError: the file changed on the server during the download, twice, or the
            server's answers do not fit what was asked.
        NotFoundError, APIError, APIConnectionError: what the service (or the network) said.
    """
    transport = _transport(client)
    options = (overwrite, resume, concurrency, chunk_size, part_size, retry, max_attempts)
    settings = Settings.checked(transport.retry, *options, byoc_base_path)
    source = Source.checked(byoc_base_path, collection_id, tile_id, path)
    return _download_file(
        transport, settings, source, Path(destination), ProgressAggregator(progress)
    )


def download_tile(
    client: httpx.Client | SyncTransport,
    collection_id: str,
    tile_id: str,
    directory: PathLike,
    *,
    files: Iterable[str] | None = None,
    overwrite: bool = False,
    resume: bool = True,
    concurrency: int = DEFAULT_CONCURRENCY,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    part_size: int = DEFAULT_PART_SIZE,
    progress: ProgressCallback | None = None,
    retry: RetryPolicy | None = None,
    max_attempts: int | None = None,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
) -> list[Path]:
    """Download the files of a tile into ``directory`` (sub-folders as in the tile).

    ``files`` picks some paths (default: all, from `list_tile_files`). Files run concurrently,
    with at most ``concurrency`` requests in flight in all; ``progress`` sees one total, the sum
    of the sizes. Files already complete (same size, no ``.part``) are skipped; other existing
    files raise `DownloadExistsError` before anything is fetched, unless ``overwrite``. A path
    that would land outside ``directory`` (absolute, ``..``) raises `DownloadError`.

    Returns the local paths, in the order of ``files`` (or of the listing). When some files fail
    the others still finish, then `TileDownloadError` lists the failures.
    """
    transport = _transport(client)
    options = (overwrite, resume, concurrency, chunk_size, part_size, retry, max_attempts)
    settings = Settings.checked(transport.retry, *options, byoc_base_path)
    steps = flow.tile_steps(
        collection_id, tile_id, Path(directory), files, overwrite=overwrite, progress=progress
    )
    return flow.run(steps, partial(_tile_step, transport, settings, collection_id, tile_id))


def _tile_step(
    transport: SyncTransport, settings: Settings, collection_id: str, tile_id: str, step: Any
) -> Any:
    """Make one of `flow.tile_steps`: the listing, the ``HEAD``s, a disk call or the files."""
    base, policy = settings.byoc_base_path, settings.policy
    if isinstance(step, flow.Disk):
        return step.call()
    if isinstance(step, flow.Heads):
        workers = min(settings.concurrency, len(step.sources))
        with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="shc-head") as pool:
            return list(
                pool.map(lambda source: _head(transport, source, base, policy), step.sources)
            )
    if isinstance(step, flow.Files):
        return _download_files(transport, settings, step)
    return list_tile_files(transport, collection_id, tile_id, byoc_base_path=base, retry=policy)


def _download_files(transport: SyncTransport, settings: Settings, step: flow.Files) -> None:
    """Download the files of ``step`` in threads; a failure of one goes to the tile's books."""
    tile, concurrency = step.tile, settings.concurrency
    limiter, cancel = threading.Semaphore(concurrency), _Flag()

    def one(source: Source, target: Path, remote: calls.RemoteFile) -> None:
        try:
            _download_file(
                transport, settings, source, target, tile.progress, remote, limiter, cancel
            )
        except _Aborted:
            pass
        except Exception as exc:
            tile.failed(source, exc, logger)

    workers = min(concurrency, len(step.todo))
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="shc-tile") as pool:
        futures = [pool.submit(one, *item) for item in step.todo]
        try:
            for future in futures:
                # result() re-raises what `one` did not collect: KeyboardInterrupt or
                # SystemExit in a worker (say, from a progress callback) must end the call
                # here, not be lost while only ``.part`` files exist.
                future.result()
        except BaseException:
            cancel.set()
            raise

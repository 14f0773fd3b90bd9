"""Files of Planet tiles: listing, sizes, range reads and resumable parallel downloads (sync).

Tiles of collections made by a Planet subscription or order carry their files (the scene's
GeoTIFFs, metadata JSON, ...); these functions read them. Every function takes an
``httpx.Client`` whose ``base_url`` is the service host and which authenticates its requests (any
client with an ``Authorization`` header or an auth), or a `SyncTransport` (the BYOC client's own,
so that its retry policy and timeout apply); the BYOC API is expected under ``byoc_base_path``.
Every request goes through the transport's retry loop (`SyncTransport.run` and ``stream``); this
module only reads what the answers bring. The async twins live in
`sentinelhub_client.byoc.files.aio`, under the same names with an ``a`` in front, and take an
``httpx.AsyncClient`` or an `AsyncTransport`.

=========================  =====================================================================
function                   what it does
=========================  =====================================================================
`list_tile_files`          the tile's file paths (``/``-separated, relative to the tile)
`get_tile_file_size`       a file's size in bytes (``HEAD``)
`read_tile_file`           bytes ``start..end`` (inclusive, like HTTP) of a file, in memory
`iter_tile_file`           the same, streamed in chunks; a dropped connection is resumed
`download_tile_file`       one file to disk: streamed, parallel ranges, resumable, atomic
`download_tile`            every file of a tile (or some) into a folder, with one progress
=========================  =====================================================================

Downloads never hold a file in memory: bytes go to ``<destination>.part`` as they arrive, in
parallel byte ranges for large files, each range retried on its own. ``<destination>.part.json``
records which bytes are on disk and of which version of the file (its ETag), so a run after an
interruption (a crash, ``kill -9``, a full disk) fetches only what is missing, guarded by
``If-Range``. Answers that do not fit (a ``200`` to a range request, a ``Content-Range`` other
than the one asked for, a size or ETag change) make the download start over from zero once, then
raise `DownloadError`. The complete file is size-checked, fsynced and renamed into place.

Redirects are followed (by the transport): the ``Authorization`` header goes only to the origin
it was meant for, never to another host (a presigned storage URL, say).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import httpx

from sentinelhub_client._core.errors import (
    DownloadDiskError,
    DownloadError,
    DownloadExistsError,
    TileDownloadError,
)
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import SyncTransport
from sentinelhub_client.byoc.files import disk as disk
from sentinelhub_client.byoc.files.aio import (
    adownload_tile,
    adownload_tile_file,
    aget_tile_file_size,
    aiter_tile_file,
    alist_tile_files,
    aread_tile_file,
)
from sentinelhub_client.byoc.files.core import (
    DEFAULT_BYOC_BASE_PATH,
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    DEFAULT_PART_SIZE,
    Anomaly,
    FileJob,
    ProgressAggregator,
    ProgressCallback,
    RangeRead,
    RemoteFile,
    Segment,
    Source,
    anomaly_error,
    file_url,
    head_call,
    listing_call,
    parse_listing_response,
    range_call,
    remote_file_of,
    resume_point,
    retry_policy,
    segment_call,
    tile_failure,
    tile_targets,
    validate_byte_range,
    validate_options,
)

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


# ------------------------------------------------------------------------------------- transport


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


def _policy(
    transport: SyncTransport, retry: RetryPolicy | None, max_attempts: int | None
) -> RetryPolicy:
    return retry_policy(retry if retry is not None else transport.retry, max_attempts)


# ---------------------------------------------------------------------------------- small calls


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
    policy = _policy(transport, retry, None)
    call = listing_call(byoc_base_path, collection_id, tile_id, policy)
    return parse_listing_response(transport.run(call))


def _head(
    transport: SyncTransport, source: Source, byoc_base_path: str, policy: RetryPolicy
) -> RemoteFile:
    response = transport.run(head_call(byoc_base_path, source, policy))
    return remote_file_of(source.path, response)


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
    remote = _head(transport, source, byoc_base_path, _policy(transport, retry, None))
    return remote.size


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
    url = file_url(byoc_base_path, collection_id, tile_id, path)
    plan = RangeRead(*validate_byte_range(start, end))
    validate_options(concurrency=1, chunk_size=chunk_size, part_size=1, max_attempts=None)
    transport = _transport(client)
    source = Source(str(collection_id), str(tile_id), path)
    call = range_call(url, plan, source, _policy(transport, retry, None))
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
    chunks = []
    iterator = iter_tile_file(
        client,
        collection_id,
        tile_id,
        path,
        start=start,
        end=end,
        byoc_base_path=byoc_base_path,
        retry=retry,
    )
    for chunk in iterator:
        chunks.append(chunk)
    return b"".join(chunks)


# -------------------------------------------------------------------------------- downloads


def _write(job: FileJob, writer: disk.PartWriter, segment: Segment, chunks: list[bytes]) -> int:
    with disk.disk_errors(writer.part.path, job.destination):
        count = writer.part.write(segment.pos, chunks)
    job.record(segment, count)
    writer.poke()
    return count


def _stream_body(
    response: httpx.Response,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    chunk_size: int,
    stop: _Flag,
) -> Iterator[int]:
    """Write the body to the ``.part`` file at the segment's position, ``chunk_size`` at a time;
    yields the bytes of each write.

    Bytes that arrived before a transport error are written too (they are good).
    """
    buffered: list[bytes] = []
    size = 0
    try:
        for data in response.iter_raw():
            if not data:
                continue
            job.check_overrun(segment, size + len(data))
            buffered.append(data)
            size += len(data)
            if size >= chunk_size:
                chunks, buffered, size = buffered, [], 0
                yield _write(job, writer, segment, chunks)
            if stop.is_set():
                raise _Aborted
    except Anomaly:
        buffered.clear()
        raise
    finally:
        if buffered:
            _write(job, writer, segment, buffered)


def _segment_reader(
    job: FileJob, writer: disk.PartWriter, segment: Segment, chunk_size: int, stop: _Flag
) -> Callable[[httpx.Response], Iterator[int]]:
    def read(response: httpx.Response) -> Iterator[int]:
        if response.status_code == 416:
            response.read()
        sent_range = "Range" in response.request.headers
        job.check_response(segment, response.status_code, response.headers, sent_range)
        yield from _stream_body(response, job, writer, segment, chunk_size, stop)
        job.check_finished(segment)

    return read


def _fetch_segment(
    transport: SyncTransport,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    *,
    chunk_size: int,
    stop: _Flag,
    limiter: threading.Semaphore | None,
) -> None:
    """Fetch one segment, retried on its own by the transport; progress renews its budget."""
    if stop.is_set():
        raise _Aborted
    call = segment_call(job.url, job, segment)
    reader = _segment_reader(job, writer, segment, chunk_size, stop)
    for _written in transport.stream(call, reader, gate=limiter, wait=stop.sleep):
        pass


def _run_segments(
    transport: SyncTransport,
    job: FileJob,
    writer: disk.PartWriter,
    *,
    concurrency: int,
    chunk_size: int,
    part_size: int,
    limiter: threading.Semaphore | None,
    cancel: _Flag | None,
) -> None:
    """Fetch every missing segment, ``concurrency`` at a time; the first failure stops all.

    A failure (an ``Exception``) of one segment stops the others and is raised; anything else
    (``KeyboardInterrupt``, ``SystemExit``) stops them too and is raised as it is.
    """
    segments = job.segments(part_size)
    stop = _Flag(cancel)

    def fetch(segment: Segment) -> None:
        _fetch_segment(
            transport, job, writer, segment, chunk_size=chunk_size, stop=stop, limiter=limiter
        )

    if len(segments) <= 1 or concurrency == 1:
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

    workers = min(concurrency, len(segments))
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
    source: Source,
    destination: Path,
    *,
    byoc_base_path: str,
    overwrite: bool,
    resume: bool,
    concurrency: int,
    chunk_size: int,
    part_size: int,
    policy: RetryPolicy,
    progress: ProgressAggregator,
    remote: RemoteFile | None = None,
    limiter: threading.Semaphore | None = None,
    cancel: _Flag | None = None,
) -> Path:
    """`download_tile_file` with the knobs `download_tile` needs (known size, shared limits)."""
    disk.check_destination(destination, overwrite=overwrite)
    url = file_url(byoc_base_path, source.collection_id, source.tile_id, source.path)

    def head() -> RemoteFile:
        return _head(transport, source, byoc_base_path, policy)

    if remote is None:
        remote = head()
        progress.add_total(remote.size)
    boot = disk.boot_id()
    job = FileJob(
        source=source,
        destination=destination,
        remote=remote,
        progress=progress,
        policy=policy,
        url=transport.full_url(url),
        boot_id=boot,
    )
    with disk.disk_errors(job.part, destination):
        sidecar = disk.read_sidecar(job.sidecar) if resume else None
        on_disk = job.part.stat().st_size if resume and job.part.exists() else None
    point = resume_point(
        sidecar=sidecar, part_size_on_disk=on_disk, source=source, remote=remote, boot_id=boot
    )
    fresh = not point.done.ranges
    with disk.disk_errors(job.part, destination):
        if fresh:
            disk.remove_sidecar(job.sidecar)
        part = disk.PartFile.open(job.part, fresh=fresh)
    writer = disk.PartWriter(job, part)
    try:
        if fresh:
            if sidecar is not None:
                logger.info("Not resuming %s: %s", destination, point.reason)
        else:
            logger.info("Resuming %s: %s", destination, point.reason)
            job.resume_from(point)
        progress.report()
        with disk.disk_errors(job.part, destination):
            part.allocate(job.size)
        first: Anomaly | None = None
        while True:
            try:
                _run_segments(
                    transport,
                    job,
                    writer,
                    concurrency=concurrency,
                    chunk_size=chunk_size,
                    part_size=part_size,
                    limiter=limiter,
                    cancel=cancel,
                )
                break
            except Anomaly as anomaly:
                if first is not None:
                    raise anomaly_error(job, first, anomaly) from anomaly
                first = anomaly
                logger.warning(
                    "Starting the download of %s over from zero: %s", source.path, anomaly.message
                )
                writer.wait()
                with disk.disk_errors(job.part, destination):
                    disk.remove_sidecar(job.sidecar)
                    job.forget()
                    part.truncate()
                job.replan(head(), ranged=job.ranged and anomaly.kind != "no-ranges")
                with disk.disk_errors(job.part, destination):
                    part.allocate(job.size)
        writer.wait()
        writer.raise_failure()
        with disk.disk_errors(job.part, destination):
            part.sync()
            size = part.size()
        job.verify_complete(size)
        with disk.disk_errors(destination, destination):
            final = disk.finalize(part, destination, job.sidecar, overwrite=overwrite)
        logger.info("Downloaded %s (%d bytes) to %s", source.path, job.size, final)
        return final
    except BaseException:
        with contextlib.suppress(Exception):
            writer.flush()  # what was written stays usable for a resume
        raise
    finally:
        writer.wait()
        part.close()


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
    validate_options(
        concurrency=concurrency,
        chunk_size=chunk_size,
        part_size=part_size,
        max_attempts=max_attempts,
    )
    file_url(byoc_base_path, collection_id, tile_id, path)  # validates the ids and the path
    transport = _transport(client)
    return _download_file(
        transport,
        Source(str(collection_id), str(tile_id), path),
        Path(destination),
        byoc_base_path=byoc_base_path,
        overwrite=overwrite,
        resume=resume,
        concurrency=concurrency,
        chunk_size=chunk_size,
        part_size=part_size,
        policy=_policy(transport, retry, max_attempts),
        progress=ProgressAggregator(progress),
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
    validate_options(
        concurrency=concurrency,
        chunk_size=chunk_size,
        part_size=part_size,
        max_attempts=max_attempts,
    )
    transport = _transport(client)
    policy = _policy(transport, retry, max_attempts)
    folder = Path(directory)
    paths = (
        list(files)
        if files is not None
        else list_tile_files(
            transport, collection_id, tile_id, byoc_base_path=byoc_base_path, retry=policy
        )
    )
    targets = tile_targets(folder, paths)
    if not targets:
        return []
    workers = min(concurrency, len(targets))
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="shc-head") as pool:
        remotes = list(
            pool.map(
                lambda path: _head(
                    transport,
                    Source(str(collection_id), str(tile_id), path),
                    byoc_base_path,
                    policy,
                ),
                [path for path, _ in targets],
            )
        )
    todo, already = disk.plan_tile(targets, remotes, overwrite=overwrite)
    total = sum(remote.size for remote in remotes)
    aggregate = ProgressAggregator(progress, total=total, done=already)
    aggregate.report()
    limiter = threading.Semaphore(concurrency)
    cancel = _Flag()
    failures: dict[str, BaseException] = {}

    def one(path: str, target: Path, remote: RemoteFile) -> None:
        try:
            _download_file(
                transport,
                Source(str(collection_id), str(tile_id), path),
                target,
                byoc_base_path=byoc_base_path,
                overwrite=overwrite,
                resume=resume,
                concurrency=concurrency,
                chunk_size=chunk_size,
                part_size=part_size,
                policy=policy,
                progress=aggregate,
                remote=remote,
                limiter=limiter,
                cancel=cancel,
            )
        except _Aborted:
            pass
        except Exception as exc:
            logger.warning("Download of %s failed: %s", path, exc)
            failures[path] = exc

    if todo:
        workers = min(concurrency, len(todo))
        with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="shc-tile") as pool:
            futures = [pool.submit(one, *item) for item in todo]
            try:
                for future in futures:
                    # result() re-raises what `one` did not collect: KeyboardInterrupt or
                    # SystemExit in a worker (say, from a progress callback) must end the call
                    # here, not be lost while only ``.part`` files exist.
                    future.result()
            except BaseException:
                cancel.set()
                raise
    if failures:
        raise tile_failure(failures, targets) from next(iter(failures.values()))
    return [target for _, target in targets]

"""Files of Planet tiles: listing, sizes, range reads and resumable parallel downloads (sync).

Tiles of collections made by a Planet subscription or order carry their files (the scene's
GeoTIFFs, metadata JSON, ...); these functions read them. Every function takes an
``httpx.Client`` whose ``base_url`` is the service host and which authenticates its requests (the
facade's own client, or any client with an ``Authorization`` header); the BYOC API is expected
under ``byoc_base_path``. The async twins live in `sentinelhub_client.byoc.files.aio`, under the
same names with an ``a`` in front, and take an ``httpx.AsyncClient``.

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

Redirects are followed by these functions themselves: the ``Authorization`` header goes only to
the origin it was meant for, never to another host (a presigned storage URL, say).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging
import os
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import httpx

from sentinelhub_client._core.errors import (
    APIResponseValidationError,
    DownloadDiskError,
    DownloadError,
    DownloadExistsError,
    TileDownloadError,
)
from sentinelhub_client._core.retry import Action, RetryPolicy, RetryState
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
    MAX_REDIRECTS,
    Anomaly,
    FileJob,
    ProgressAggregator,
    ProgressCallback,
    RangeRead,
    RemoteFile,
    Segment,
    Source,
    anomaly_error,
    decide,
    file_note,
    file_url,
    files_url,
    listing_note,
    parse_listing,
    redirect_target,
    remote_file_from_head,
    resume_point,
    retry_policy,
    same_origin,
    segment_error,
    status_error,
    tile_failure,
    tile_targets,
    transport_error,
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


def _send(
    client: httpx.Client,
    method: str,
    url: str | httpx.URL,
    headers: Mapping[str, str],
    *,
    stream: bool,
) -> httpx.Response:
    """Send one request, following redirects here: credentials only ever go to their origin.

    A redirect to another scheme, host or port is followed without the ``Authorization`` header
    and without the client's auth; so is everything after it.
    """
    request = client.build_request(method, url, headers=headers)
    origin = request.url
    auth: httpx.Auth | httpx._client.UseClientDefault | None = httpx.USE_CLIENT_DEFAULT
    for _hop in range(MAX_REDIRECTS + 1):
        response = client.send(request, stream=True, auth=auth, follow_redirects=False)
        target = redirect_target(request.url, response)
        if target is None:
            if not stream:
                try:
                    response.read()
                finally:
                    response.close()
            return response
        response.close()
        logger.debug("%s %s redirected to %s", method, request.url.path, target.host)
        request = client.build_request(method, target, headers=headers)
        if auth is None or not same_origin(origin, target):
            request.headers.pop("Authorization", None)
            auth = None
    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=request)


def _request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    policy: RetryPolicy,
    note: str | None = None,
    note_for: dict[int, str | None] | None = None,
) -> httpx.Response:
    """A small request (listing, ``HEAD``) with retries; returns a read 2xx answer."""
    full_url = str(client.build_request(method, url).url)
    state = RetryState(policy, method=method, url=full_url)
    while True:
        try:
            response = _send(client, method, url, {"Accept-Encoding": "identity"}, stream=False)
        except httpx.HTTPError as exc:
            step = state.on_exception(exc)
            if step.action is Action.RAISE:
                raise transport_error(step, exc, method=method, url=full_url) from exc
        else:
            step = state.on_status(response.status_code, response.headers)
            if step.action is Action.RETURN:
                return response
            if step.action is Action.RAISE:
                status_note = (note_for or {}).get(response.status_code, note)
                raise status_error(
                    step,
                    method=method,
                    url=full_url,
                    status=response.status_code,
                    headers=response.headers,
                    content=response.content,
                    note=status_note,
                )
        if step.wait > 0:
            time.sleep(step.wait)


# ---------------------------------------------------------------------------------- small calls


def list_tile_files(
    client: httpx.Client,
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
    url = files_url(byoc_base_path, collection_id, tile_id)
    response = _request(
        client,
        "GET",
        url,
        policy=retry_policy(retry, None),
        note_for={404: listing_note(404, collection_id, tile_id)},
    )
    try:
        return parse_listing(response.json())
    except (ValueError, TypeError) as exc:
        raise APIResponseValidationError(
            f"the file listing is not a JSON array of paths ({exc})",
            status=response.status_code,
            method="GET",
            url=str(response.request.url),
            body=response.text[:2000],
        ) from exc


def _head(
    client: httpx.Client,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    byoc_base_path: str,
    policy: RetryPolicy,
) -> RemoteFile:
    url = file_url(byoc_base_path, collection_id, tile_id, path)
    response = _request(
        client,
        "HEAD",
        url,
        policy=policy,
        note_for={404: file_note(404, path, collection_id, tile_id)},
    )
    remote = remote_file_from_head(path, response.headers)
    if remote is None:
        raise APIResponseValidationError(
            f"HEAD of {path!r} gave no usable Content-Length",
            status=response.status_code,
            method="HEAD",
            url=str(response.request.url),
        )
    return remote


def get_tile_file_size(
    client: httpx.Client,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> int:
    """The size in bytes of one file of a tile (a ``HEAD`` request)."""
    return _head(
        client,
        collection_id,
        tile_id,
        path,
        byoc_base_path=byoc_base_path,
        policy=retry_policy(retry, None),
    ).size


def iter_tile_file(
    client: httpx.Client,
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
    policy = retry_policy(retry, None)
    return _iter_range(client, url, plan, path, chunk_size, policy, (collection_id, tile_id))


def _iter_range(
    client: httpx.Client,
    url: str,
    plan: RangeRead,
    path: str,
    chunk_size: int,
    policy: RetryPolicy,
    ids: tuple[str, str],
) -> Iterator[bytes]:
    full_url = str(client.build_request("GET", url).url)
    state = RetryState(policy, method="GET", url=full_url)
    while not plan.finished:
        before = plan.pos
        failure: httpx.HTTPError | None = None
        try:
            response = _send(client, "GET", url, plan.request_headers(), stream=True)
        except httpx.HTTPError as exc:
            failure = exc
        else:
            try:
                if response.status_code in (200, 206):
                    skip, limit = plan.accept(response.status_code, response.headers, path)
                    for data in response.iter_bytes(chunk_size):
                        if skip:
                            cut = min(skip, len(data))
                            data, skip = data[cut:], skip - cut
                        if limit is not None:
                            data = data[:limit]
                            limit -= len(data)
                        if data:
                            plan.pos += len(data)
                            yield data
                        if limit == 0:
                            break
                    if limit is None:
                        plan.size = plan.pos  # read to the end of the file
                    elif limit > 0:
                        failure = httpx.RemoteProtocolError("the body ended early")
                else:
                    response.read()
                    step = state.on_status(response.status_code, response.headers)
                    if step.action is Action.RAISE:
                        raise status_error(
                            step,
                            method="GET",
                            url=full_url,
                            status=response.status_code,
                            headers=response.headers,
                            content=response.content,
                            note=file_note(response.status_code, path, *ids),
                        )
                    time.sleep(step.wait)
                    continue
            except httpx.HTTPError as exc:
                failure = exc
            finally:
                response.close()
        if failure is None:
            continue
        if plan.pos > before:
            state = RetryState(policy, method="GET", url=full_url)  # progress: a fresh budget
        step = state.on_exception(failure)
        if step.action is Action.RAISE:
            raise transport_error(step, failure, method="GET", url=full_url) from failure
        time.sleep(step.wait)


def read_tile_file(
    client: httpx.Client,
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
    return b"".join(
        iter_tile_file(
            client,
            collection_id,
            tile_id,
            path,
            start=start,
            end=end,
            byoc_base_path=byoc_base_path,
            retry=retry,
        )
    )


# -------------------------------------------------------------------------------- downloads


def _write(job: FileJob, writer: disk.PartWriter, segment: Segment, chunks: list[bytes]) -> None:
    with disk.disk_errors(writer.part.path, job.destination):
        count = writer.part.write(segment.pos, chunks)
    job.record(segment, count)
    writer.poke()


def _stream_body(
    response: httpx.Response,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    chunk_size: int,
    stop: _Flag,
) -> None:
    """Write the body to the ``.part`` file at the segment's position, ``chunk_size`` at a time.

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
                _write(job, writer, segment, chunks)
            if stop.is_set():
                raise _Aborted
    except Anomaly:
        buffered.clear()
        raise
    finally:
        if buffered:
            _write(job, writer, segment, buffered)


def _attempt(
    client: httpx.Client,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    chunk_size: int,
    stop: _Flag,
) -> httpx.HTTPError | httpx.Response | None:
    """One request for what is left of ``segment``: None when it is done, else the failure."""
    headers = job.request_headers(segment)
    try:
        response = _send(client, "GET", job.url, headers, stream=True)
    except httpx.HTTPError as exc:
        return exc
    try:
        status = response.status_code
        if 200 <= status < 300 or status == 416:
            if status == 416:
                response.read()
            job.check_response(segment, status, response.headers, "Range" in headers)
            _stream_body(response, job, writer, segment, chunk_size, stop)
            if segment.finished:
                return None
            return httpx.RemoteProtocolError("the body ended before the range did")
        response.read()
        return response
    except httpx.HTTPError as exc:
        return exc
    finally:
        response.close()


def _fetch_segment(
    client: httpx.Client,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    *,
    chunk_size: int,
    stop: _Flag,
    limiter: threading.Semaphore | None,
) -> None:
    """Fetch one segment, retrying it on its own; progress resets its retry budget."""
    state = job.new_retry_state()
    while not segment.finished:
        if stop.is_set():
            raise _Aborted
        before = segment.pos
        with limiter if limiter is not None else contextlib.nullcontext():
            failure = _attempt(client, job, writer, segment, chunk_size, stop)
        if failure is None:
            continue
        if segment.pos > before:
            state = job.new_retry_state()
        step = decide(state, failure)
        if step.action is Action.RAISE:
            raise segment_error(job, step, failure)
        stop.sleep(step.wait)


def _run_segments(
    client: httpx.Client,
    job: FileJob,
    writer: disk.PartWriter,
    *,
    concurrency: int,
    chunk_size: int,
    part_size: int,
    limiter: threading.Semaphore | None,
    cancel: _Flag | None,
) -> None:
    """Fetch every missing segment, ``concurrency`` at a time; the first failure stops all."""
    segments = job.segments(part_size)
    stop = _Flag(cancel)

    def fetch(segment: Segment) -> None:
        _fetch_segment(
            client, job, writer, segment, chunk_size=chunk_size, stop=stop, limiter=limiter
        )

    if len(segments) <= 1 or concurrency == 1:
        for segment in segments:
            fetch(segment)
        return
    pending = deque(segments)
    errors: list[BaseException] = []

    def worker() -> None:
        while not stop.is_set():
            try:
                segment = pending.popleft()
            except IndexError:
                return
            try:
                fetch(segment)
            except BaseException as exc:
                if not isinstance(exc, _Aborted):
                    errors.append(exc)
                stop.set()
                return

    workers = min(concurrency, len(segments))
    with concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="shc-download") as pool:
        futures = [pool.submit(worker) for _ in range(workers)]
        try:
            concurrent.futures.wait(futures)
        except BaseException:  # KeyboardInterrupt while waiting: stop the workers, then leave
            stop.set()
            raise
    if errors:
        raise errors[0]
    if cancel is not None and cancel.is_set():
        raise _Aborted


def _download_file(
    client: httpx.Client,
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
    url = str(client.build_request("GET", url).url)

    def head() -> RemoteFile:
        return _head(
            client,
            source.collection_id,
            source.tile_id,
            source.path,
            byoc_base_path=byoc_base_path,
            policy=policy,
        )

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
        url=url,
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
                    client,
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
    client: httpx.Client,
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
    return _download_file(
        client,
        Source(str(collection_id), str(tile_id), path),
        Path(destination),
        byoc_base_path=byoc_base_path,
        overwrite=overwrite,
        resume=resume,
        concurrency=concurrency,
        chunk_size=chunk_size,
        part_size=part_size,
        policy=retry_policy(retry, max_attempts),
        progress=ProgressAggregator(progress),
    )


def download_tile(
    client: httpx.Client,
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
    policy = retry_policy(retry, max_attempts)
    folder = Path(directory)
    paths = (
        list(files)
        if files is not None
        else list_tile_files(
            client, collection_id, tile_id, byoc_base_path=byoc_base_path, retry=policy
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
                    client,
                    collection_id,
                    tile_id,
                    path,
                    byoc_base_path=byoc_base_path,
                    policy=policy,
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
                client,
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
                concurrent.futures.wait(futures)
            except BaseException:
                cancel.set()
                raise
    if failures:
        raise tile_failure(failures, targets) from next(iter(failures.values()))
    return [target for _, target in targets]

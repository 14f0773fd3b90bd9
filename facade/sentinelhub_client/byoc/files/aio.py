"""Files of Planet tiles, async: the twins of `sentinelhub_client.byoc.files.sync`.

Each function here is its sync namesake with an ``a`` in front (``alist_tile_files``,
``adownload_tile_file``, ...), takes an ``httpx.AsyncClient`` or an `AsyncTransport` and behaves
the same; the decisions (what to request, whether an answer fits, what to resume) are the same
code, in `sentinelhub_client.byoc.files.core`, and every request goes through the async
transport's retry loop. Parallel ranges and files run as tasks of an `anyio` task
group (so asyncio and trio both work); disk writes run in worker threads so the event loop never
waits on the disk. The ``progress`` callback is called from the event loop's thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from pathlib import Path

import anyio
import anyio.to_thread
import httpx

from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import AsyncTransport
from sentinelhub_client.byoc.files import disk as disk
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
    "adownload_tile",
    "adownload_tile_file",
    "aget_tile_file_size",
    "aiter_tile_file",
    "alist_tile_files",
    "aread_tile_file",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


# ------------------------------------------------------------------------------------- transport


def _transport(client: httpx.AsyncClient | AsyncTransport) -> AsyncTransport:
    """The transport whose retry loop sends the requests (one over a plain client as it is)."""
    return client if isinstance(client, AsyncTransport) else AsyncTransport.over(client)


def _policy(
    transport: AsyncTransport, retry: RetryPolicy | None, max_attempts: int | None
) -> RetryPolicy:
    return retry_policy(retry if retry is not None else transport.retry, max_attempts)


# ---------------------------------------------------------------------------------- small calls


async def alist_tile_files(
    client: httpx.AsyncClient | AsyncTransport,
    collection_id: str,
    tile_id: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> list[str]:
    """The paths of a tile's files (async twin of `list_tile_files`)."""
    transport = _transport(client)
    policy = _policy(transport, retry, None)
    call = listing_call(byoc_base_path, collection_id, tile_id, policy)
    return parse_listing_response(await transport.run(call))


async def _head(
    transport: AsyncTransport, source: Source, byoc_base_path: str, policy: RetryPolicy
) -> RemoteFile:
    response = await transport.run(head_call(byoc_base_path, source, policy))
    return remote_file_of(source.path, response)


async def aget_tile_file_size(
    client: httpx.AsyncClient | AsyncTransport,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> int:
    """The size in bytes of one file of a tile (async twin of `get_tile_file_size`)."""
    transport = _transport(client)
    source = Source(str(collection_id), str(tile_id), path)
    remote = await _head(transport, source, byoc_base_path, _policy(transport, retry, None))
    return remote.size


def aiter_tile_file(
    client: httpx.AsyncClient | AsyncTransport,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    start: int | None = None,
    end: int | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> AsyncIterator[bytes]:
    """Stream bytes ``start..end`` of a file (async twin of `iter_tile_file`).

    Use as ``async for chunk in aiter_tile_file(...)`` (no ``await``); arguments are checked at
    once, nothing is sent before the first iteration.
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
) -> Callable[[httpx.Response], AsyncIterator[bytes]]:
    async def read(response: httpx.Response) -> AsyncIterator[bytes]:
        plan.begin(response.status_code, response.headers, path)
        async for received in response.aiter_bytes(chunk_size):
            data = plan.take(received)
            if data:
                yield data
            if plan.body_done:
                break
        plan.end_body()

    return read


async def aread_tile_file(
    client: httpx.AsyncClient | AsyncTransport,
    collection_id: str,
    tile_id: str,
    path: str,
    start: int | None = None,
    end: int | None = None,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> bytes:
    """Bytes ``start..end`` of a file, in memory (async twin of `read_tile_file`)."""
    chunks = []
    iterator = aiter_tile_file(
        client,
        collection_id,
        tile_id,
        path,
        start=start,
        end=end,
        byoc_base_path=byoc_base_path,
        retry=retry,
    )
    async for chunk in iterator:
        chunks.append(chunk)
    return b"".join(chunks)


# -------------------------------------------------------------------------------- downloads


async def _write(
    job: FileJob, writer: disk.PartWriter, segment: Segment, chunks: list[bytes]
) -> int:
    with disk.disk_errors(writer.part.path, job.destination):
        count = await anyio.to_thread.run_sync(writer.part.write, segment.pos, chunks)
    job.record(segment, count)
    writer.poke()
    return count


async def _stream_body(
    response: httpx.Response,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    chunk_size: int,
) -> AsyncIterator[int]:
    """Write the body at the segment's position (see the sync twin)."""
    buffered: list[bytes] = []
    size = 0
    try:
        async for data in response.aiter_raw():
            if not data:
                continue
            job.check_overrun(segment, size + len(data))
            buffered.append(data)
            size += len(data)
            if size >= chunk_size:
                chunks, buffered, size = buffered, [], 0
                yield await _write(job, writer, segment, chunks)
    except Anomaly:
        buffered.clear()
        raise
    finally:
        if buffered:
            with anyio.CancelScope(shield=True):
                await _write(job, writer, segment, buffered)


def _segment_reader(
    job: FileJob, writer: disk.PartWriter, segment: Segment, chunk_size: int
) -> Callable[[httpx.Response], AsyncIterator[int]]:
    async def read(response: httpx.Response) -> AsyncIterator[int]:
        if response.status_code == 416:
            await response.aread()
        sent_range = "Range" in response.request.headers
        job.check_response(segment, response.status_code, response.headers, sent_range)
        async for written in _stream_body(response, job, writer, segment, chunk_size):
            yield written
        job.check_finished(segment)

    return read


async def _fetch_segment(
    transport: AsyncTransport,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    *,
    chunk_size: int,
    limiter: anyio.Semaphore | None,
) -> None:
    """Fetch one segment, retried on its own by the transport; progress renews its budget."""
    call = segment_call(job.url, job, segment)
    reader = _segment_reader(job, writer, segment, chunk_size)
    async for _written in transport.stream(call, reader, gate=limiter):
        pass


async def _run_segments(
    transport: AsyncTransport,
    job: FileJob,
    writer: disk.PartWriter,
    *,
    concurrency: int,
    chunk_size: int,
    part_size: int,
    limiter: anyio.Semaphore | None,
) -> None:
    """Fetch every missing segment, ``concurrency`` at a time; the first failure stops all.

    A failure (an ``Exception``) of one segment cancels the others and is raised; cancellation
    itself is never caught here.
    """
    segments = job.segments(part_size)

    async def fetch(segment: Segment) -> None:
        await _fetch_segment(
            transport, job, writer, segment, chunk_size=chunk_size, limiter=limiter
        )

    if len(segments) <= 1 or concurrency == 1:
        for segment in segments:
            await fetch(segment)
        return
    pending = deque(segments)
    errors: list[Exception] = []

    async def worker(scope: anyio.CancelScope) -> None:
        while pending:
            segment = pending.popleft()
            try:
                await fetch(segment)
            except Exception as exc:
                errors.append(exc)
                scope.cancel()
                return

    async with anyio.create_task_group() as group:
        for _ in range(min(concurrency, len(segments))):
            group.start_soon(worker, group.cancel_scope)
    if errors:
        raise errors[0]


async def _download_file(
    transport: AsyncTransport,
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
    limiter: anyio.Semaphore | None = None,
) -> Path:
    """`adownload_tile_file` with the knobs `adownload_tile` needs."""
    await anyio.to_thread.run_sync(lambda: disk.check_destination(destination, overwrite=overwrite))
    url = file_url(byoc_base_path, source.collection_id, source.tile_id, source.path)

    async def head() -> RemoteFile:
        return await _head(transport, source, byoc_base_path, policy)

    if remote is None:
        remote = await head()
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

    def look() -> tuple[bytes | None, int | None]:
        if not resume:
            return None, None
        sidecar = disk.read_sidecar(job.sidecar)
        return sidecar, job.part.stat().st_size if job.part.exists() else None

    with disk.disk_errors(job.part, destination):
        sidecar, on_disk = await anyio.to_thread.run_sync(look)
    point = resume_point(
        sidecar=sidecar, part_size_on_disk=on_disk, source=source, remote=remote, boot_id=boot
    )
    fresh = not point.done.ranges

    def open_part() -> disk.PartFile:
        if fresh:
            disk.remove_sidecar(job.sidecar)
        return disk.PartFile.open(job.part, fresh=fresh)

    with disk.disk_errors(job.part, destination):
        part = await anyio.to_thread.run_sync(open_part)
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
            await anyio.to_thread.run_sync(part.allocate, job.size)
        first: Anomaly | None = None
        while True:
            try:
                await _run_segments(
                    transport,
                    job,
                    writer,
                    concurrency=concurrency,
                    chunk_size=chunk_size,
                    part_size=part_size,
                    limiter=limiter,
                )
                break
            except Anomaly as anomaly:
                if first is not None:
                    raise anomaly_error(job, first, anomaly) from anomaly
                first = anomaly
                logger.warning(
                    "Starting the download of %s over from zero: %s", source.path, anomaly.message
                )

                def restart() -> None:
                    writer.wait()
                    disk.remove_sidecar(job.sidecar)
                    job.forget()
                    part.truncate()

                with disk.disk_errors(job.part, destination):
                    await anyio.to_thread.run_sync(restart)
                job.replan(await head(), ranged=job.ranged and anomaly.kind != "no-ranges")
                with disk.disk_errors(job.part, destination):
                    await anyio.to_thread.run_sync(part.allocate, job.size)

        def complete() -> int:
            writer.wait()
            writer.raise_failure()
            part.sync()
            return part.size()

        with disk.disk_errors(job.part, destination):
            size = await anyio.to_thread.run_sync(complete)
        job.verify_complete(size)
        with disk.disk_errors(destination, destination):
            final = await anyio.to_thread.run_sync(
                lambda: disk.finalize(part, destination, job.sidecar, overwrite=overwrite)
            )
        logger.info("Downloaded %s (%d bytes) to %s", source.path, job.size, final)
        return final
    except BaseException:
        with anyio.CancelScope(shield=True), contextlib.suppress(Exception):
            await anyio.to_thread.run_sync(writer.flush)  # keep what was written for a resume
        raise
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(writer.wait)
        part.close()


async def adownload_tile_file(
    client: httpx.AsyncClient | AsyncTransport,
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
    """Download one file of a tile (async twin of `download_tile_file`, which see)."""
    validate_options(
        concurrency=concurrency,
        chunk_size=chunk_size,
        part_size=part_size,
        max_attempts=max_attempts,
    )
    file_url(byoc_base_path, collection_id, tile_id, path)  # validates the ids and the path
    transport = _transport(client)
    return await _download_file(
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


async def adownload_tile(
    client: httpx.AsyncClient | AsyncTransport,
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
    """Download the files of a tile into a folder (async twin of `download_tile`)."""
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
        else await alist_tile_files(
            transport, collection_id, tile_id, byoc_base_path=byoc_base_path, retry=policy
        )
    )
    targets = tile_targets(folder, paths)
    if not targets:
        return []
    remotes: list[RemoteFile | None] = [None] * len(targets)
    heads = anyio.Semaphore(concurrency)

    async def head(index: int, path: str) -> None:
        async with heads:
            remotes[index] = await _head(
                transport,
                Source(str(collection_id), str(tile_id), path),
                byoc_base_path,
                policy,
            )

    async with anyio.create_task_group() as group:
        for index, (path, _) in enumerate(targets):
            group.start_soon(head, index, path)
    known = [remote for remote in remotes if remote is not None]
    todo, already = await anyio.to_thread.run_sync(
        lambda: disk.plan_tile(targets, known, overwrite=overwrite)
    )
    total = sum(remote.size for remote in known)
    aggregate = ProgressAggregator(progress, total=total, done=already)
    aggregate.report()
    limiter = anyio.Semaphore(concurrency)
    files_at_once = anyio.Semaphore(max(1, min(concurrency, len(todo))))
    failures: dict[str, BaseException] = {}

    async def one(path: str, target: Path, remote: RemoteFile) -> None:
        async with files_at_once:
            try:
                await _download_file(
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
                )
            except Exception as exc:
                logger.warning("Download of %s failed: %s", path, exc)
                failures[path] = exc

    async with anyio.create_task_group() as group:
        for item in todo:
            group.start_soon(one, *item)
    if failures:
        raise tile_failure(failures, targets) from next(iter(failures.values()))
    return [target for _, target in targets]

"""Files of Planet tiles, async: the twins of `sentinelhub_client.byoc.files.sync`.

Each function here is its sync namesake with an ``a`` in front (``alist_tile_files``,
``adownload_tile_file``, ...), takes an ``httpx.AsyncClient`` or an `AsyncTransport` and behaves
the same: the decisions are the same code (`flow.file_steps`, `flow.tile_steps` and the modules
they use), and every request goes through the async transport's retry loop. This module holds
only I/O and scheduling: parallel ranges and files run as tasks of an `anyio` task group (so
asyncio and trio both work); disk calls run in worker threads so the event loop never waits on
the disk. The ``progress`` callback is called from the event loop's thread.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import httpx

from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import AsyncTransport
from sentinelhub_client.byoc.files import calls, disk, flow
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
    "adownload_tile",
    "adownload_tile_file",
    "aget_tile_file_size",
    "aiter_tile_file",
    "alist_tile_files",
    "aread_tile_file",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


def _transport(client: httpx.AsyncClient | AsyncTransport) -> AsyncTransport:
    """The transport whose retry loop sends the requests (one over a plain client as it is)."""
    return client if isinstance(client, AsyncTransport) else AsyncTransport.over(client)


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
    policy = request_policy(transport.retry, retry)
    call = calls.listing_call(byoc_base_path, collection_id, tile_id, policy)
    return calls.parse_listing_response(await transport.run(call))


async def _head(
    transport: AsyncTransport, source: Source, byoc_base_path: str, policy: RetryPolicy
) -> calls.RemoteFile:
    response = await transport.run(calls.head_call(byoc_base_path, source, policy))
    return calls.remote_file_of(source.path, response)


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
    policy = request_policy(transport.retry, retry)
    return (await _head(transport, source, byoc_base_path, policy)).size


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
    transport = _transport(client)
    ids = (collection_id, tile_id, path)
    call, plan = range_read(
        transport.retry, ids, (start, end), chunk_size, retry=retry, byoc_base_path=byoc_base_path
    )
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
    base = byoc_base_path
    chunks = aiter_tile_file(
        client, collection_id, tile_id, path, start=start, end=end, byoc_base_path=base, retry=retry
    )
    return b"".join([chunk async for chunk in chunks])


async def _fetch_segment(
    transport: AsyncTransport,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    settings: Settings,
    limiter: anyio.Semaphore | None,
) -> None:
    """Fetch one segment, retried on its own by the transport (see the sync twin)."""

    async def write(chunks: list[bytes]) -> int:
        return writer.wrote(segment, await anyio.to_thread.run_sync(writer.write, segment, chunks))

    async def read(response: httpx.Response) -> AsyncIterator[int]:
        if response.status_code == 416:
            await response.aread()
        body = SegmentBody(job, segment, settings.chunk_size)
        body.begin(response)
        try:
            async for data in response.aiter_raw():
                if body.feed(data):
                    yield await write(body.take())
        finally:
            if chunks := body.take():
                with anyio.CancelScope(shield=True):
                    await write(chunks)
        job.check_finished(segment)

    call = calls.segment_call(job.url, job, segment)
    async for _written in transport.stream(call, read, gate=limiter):
        pass


async def _run_segments(
    transport: AsyncTransport,
    step: flow.Transfer,
    settings: Settings,
    limiter: anyio.Semaphore | None,
) -> None:
    """Fetch every missing segment, ``concurrency`` at a time; the first failure stops all.

    A failure (an ``Exception``) of one segment cancels the others and is raised; cancellation
    itself is never caught here.
    """
    segments, workers = step.plan(settings)

    async def fetch(segment: Segment) -> None:
        await _fetch_segment(transport, step.job, step.writer, segment, settings, limiter)

    if workers <= 1:
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
        for _ in range(workers):
            group.start_soon(worker, group.cancel_scope)
    if errors:
        raise errors[0]


async def _download_file(
    transport: AsyncTransport,
    settings: Settings,
    source: Source,
    destination: Path,
    progress: ProgressAggregator,
    remote: calls.RemoteFile | None = None,
    limiter: anyio.Semaphore | None = None,
) -> Path:
    """`adownload_tile_file` with what `adownload_tile` adds: a known size, shared limits."""
    url = transport.full_url(file_url(settings.byoc_base_path, *source.ids, source.path))

    async def make(step: flow.Step) -> Any:
        if isinstance(step, flow.Disk):
            return await _disk(step)
        if isinstance(step, flow.Transfer):
            return await _run_segments(transport, step, settings, limiter)
        return await _head(transport, source, settings.byoc_base_path, settings.policy)

    steps = flow.file_steps(settings, source, destination, url, progress, remote, logger)
    return await flow.arun(steps, make)


async def _disk(step: flow.Disk[Any]) -> Any:
    """Make a blocking disk call in a worker thread (shielded from cancellation if it asks)."""
    with anyio.CancelScope(shield=step.shield):
        return await anyio.to_thread.run_sync(step.call)


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
    transport = _transport(client)
    options = (overwrite, resume, concurrency, chunk_size, part_size, retry, max_attempts)
    settings = Settings.checked(transport.retry, *options, byoc_base_path)
    source = Source.checked(byoc_base_path, collection_id, tile_id, path)
    return await _download_file(
        transport, settings, source, Path(destination), ProgressAggregator(progress)
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
    transport = _transport(client)
    options = (overwrite, resume, concurrency, chunk_size, part_size, retry, max_attempts)
    settings = Settings.checked(transport.retry, *options, byoc_base_path)
    steps = flow.tile_steps(
        collection_id, tile_id, Path(directory), files, overwrite=overwrite, progress=progress
    )
    return await flow.arun(steps, partial(_tile_step, transport, settings, collection_id, tile_id))


async def _tile_step(
    transport: AsyncTransport, settings: Settings, collection_id: str, tile_id: str, step: Any
) -> Any:
    """Make one of `flow.tile_steps`: the listing, the ``HEAD``s, a disk call or the files."""
    base, policy = settings.byoc_base_path, settings.policy
    if isinstance(step, flow.Disk):
        return await _disk(step)
    if isinstance(step, flow.Heads):
        remotes: list[calls.RemoteFile | None] = [None] * len(step.sources)
        heads = anyio.Semaphore(settings.concurrency)

        async def head(index: int, source: Source) -> None:
            async with heads:
                remotes[index] = await _head(transport, source, base, policy)

        async with anyio.create_task_group() as group:
            for index, source in enumerate(step.sources):
                group.start_soon(head, index, source)
        return [remote for remote in remotes if remote is not None]
    if isinstance(step, flow.Files):
        return await _download_files(transport, settings, step)
    return await alist_tile_files(
        transport, collection_id, tile_id, byoc_base_path=base, retry=policy
    )


async def _download_files(transport: AsyncTransport, settings: Settings, step: flow.Files) -> None:
    """Download the files of ``step`` as tasks; a failure of one goes to the tile's books."""
    tile, concurrency = step.tile, settings.concurrency
    limiter = anyio.Semaphore(concurrency)
    files_at_once = anyio.Semaphore(max(1, min(concurrency, len(step.todo))))

    async def one(source: Source, target: Path, remote: calls.RemoteFile) -> None:
        async with files_at_once:
            try:
                await _download_file(
                    transport, settings, source, target, tile.progress, remote, limiter
                )
            except Exception as exc:
                tile.failed(source, exc, logger)

    async with anyio.create_task_group() as group:
        for item in step.todo:
            group.start_soon(one, *item)

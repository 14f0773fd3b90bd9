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
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import httpx

from sentinelhub_client._core.transport import AsyncTransport, Call
from sentinelhub_client.byoc.files import calls, disk, entries, flow
from sentinelhub_client.byoc.files.job import FileJob, SegmentBody
from sentinelhub_client.byoc.files.options import Settings
from sentinelhub_client.byoc.files.paths import Source, file_url
from sentinelhub_client.byoc.files.ranges import Segment

__all__ = [
    "adownload_tile",
    "adownload_tile_file",
    "aget_tile_file_size",
    "aiter_tile_file",
    "alist_tile_files",
    "aread_tile_file",
]

logger = logging.getLogger(__name__)


def _transport(client: httpx.AsyncClient | AsyncTransport) -> AsyncTransport:
    """The transport whose retry loop sends the requests (one over a plain client as it is)."""
    return client if isinstance(client, AsyncTransport) else AsyncTransport.over(client)


_shell = entries.Shell(_transport, "httpx.AsyncClient | AsyncTransport", __name__, prefix="a")


async def _listing(transport: AsyncTransport, call: Call[list[str]]) -> list[str]:
    return await transport.run(call)


async def _size(transport: AsyncTransport, call: Call[calls.RemoteFile]) -> int:
    return (await transport.run(call)).size


def _iterate(transport: AsyncTransport, reading: entries.Reading) -> AsyncIterator[bytes]:
    plan, path, chunk_size = reading.plan, reading.path, reading.chunk_size

    async def read(response: httpx.Response) -> AsyncIterator[bytes]:
        plan.begin(response.status_code, response.headers, path)
        async for received in response.aiter_bytes(chunk_size):
            data = plan.take(received)
            if data:
                yield data
            if plan.body_done:
                break
        plan.end_body()

    return transport.stream(reading.call, read)


async def _read(transport: AsyncTransport, reading: entries.Reading) -> bytes:
    return b"".join([chunk async for chunk in _iterate(transport, reading)])


alist_tile_files = _shell.coroutine(entries.list_tile_files, _listing)
aget_tile_file_size = _shell.coroutine(entries.get_tile_file_size, _size)
aiter_tile_file = _shell.entry(
    entries.iter_tile_file,
    _iterate,
    "use it as ``async for chunk in aiter_tile_file(...)`` (no ``await``).",
)
aread_tile_file = _shell.coroutine(entries.read_tile_file, _read)


async def _head(transport: AsyncTransport, settings: Settings, source: Source) -> calls.RemoteFile:
    return await transport.run(calls.head_call(settings.byoc_base_path, source, settings.policy))


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
    download: entries.FileDownload,
    remote: calls.RemoteFile | None = None,
    limiter: anyio.Semaphore | None = None,
) -> Path:
    """Download a file, with what `adownload_tile` adds: a known size, shared limits."""
    settings, source = download.settings, download.source
    url = transport.full_url(file_url(settings.byoc_base_path, *source.ids, source.path))

    async def make(step: flow.Step) -> Any:
        if isinstance(step, flow.Disk):
            return await _disk(step)
        if isinstance(step, flow.Transfer):
            return await _run_segments(transport, step, settings, limiter)
        return await _head(transport, settings, source)

    destination, progress = download.destination, download.progress
    steps = flow.file_steps(settings, source, destination, url, progress, remote, logger)
    return await flow.arun(steps, make)


async def _disk(step: flow.Disk[Any]) -> Any:
    """Make a blocking disk call in a worker thread (shielded from cancellation if it asks)."""
    with anyio.CancelScope(shield=step.shield):
        return await anyio.to_thread.run_sync(step.call)


async def _download_tile(transport: AsyncTransport, download: entries.TileDownload) -> list[Path]:
    settings = download.settings

    async def make(step: flow.TileStep) -> Any:
        """Make one of `flow.tile_steps`: the listing, the ``HEAD``s, a disk call or the files."""
        if isinstance(step, flow.Disk):
            return await _disk(step)
        if isinstance(step, flow.Heads):
            return await _heads(transport, settings, step.sources)
        if isinstance(step, flow.Files):
            return await _download_files(transport, settings, step)
        return await transport.run(download.listing)

    return await flow.arun(download.steps, make)


async def _heads(
    transport: AsyncTransport, settings: Settings, sources: list[Source]
) -> list[calls.RemoteFile]:
    """The ``HEAD`` of every one of ``sources``, ``concurrency`` at a time, in their order."""
    remotes: list[calls.RemoteFile | None] = [None] * len(sources)
    heads = anyio.Semaphore(settings.concurrency)

    async def head(index: int, source: Source) -> None:
        async with heads:
            remotes[index] = await _head(transport, settings, source)

    async with anyio.create_task_group() as group:
        for index, source in enumerate(sources):
            group.start_soon(head, index, source)
    return [remote for remote in remotes if remote is not None]


adownload_tile_file = _shell.coroutine(entries.download_tile_file, _download_file)
adownload_tile = _shell.coroutine(entries.download_tile, _download_tile)


async def _download_files(transport: AsyncTransport, settings: Settings, step: flow.Files) -> None:
    """Download the files of ``step`` as tasks; a failure of one goes to the tile's books."""
    tile, concurrency = step.tile, settings.concurrency
    limiter = anyio.Semaphore(concurrency)
    files_at_once = anyio.Semaphore(max(1, min(concurrency, len(step.todo))))

    async def one(source: Source, target: Path, remote: calls.RemoteFile) -> None:
        async with files_at_once:
            try:
                download = entries.FileDownload(settings, source, target, tile.progress)
                await _download_file(transport, download, remote, limiter)
            except Exception as exc:
                tile.failed(source, exc, logger)

    async with anyio.create_task_group() as group:
        for item in step.todo:
            group.start_soon(one, *item)

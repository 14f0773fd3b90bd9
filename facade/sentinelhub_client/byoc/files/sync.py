"""Files of Planet tiles, sync: list, size, read and download them (the package's docstring says
how); the async twins of `sentinelhub_client.byoc.files.aio` (``a`` in front) are re-exported.

Every function takes an ``httpx.Client`` whose ``base_url`` is the service host and which
authenticates its requests, or a `SyncTransport` (the BYOC client's, so that its retry policy and
timeout apply); every request goes through the transport's retry loop. Only I/O and scheduling
here: the public functions' signatures, docs and checks are `entries`', the steps of a download
and their decisions `flow`'s; parallel ranges and files run in threads (`threads`).
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
from collections.abc import Iterator
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
from sentinelhub_client._core.transport import Call, SyncTransport
from sentinelhub_client.byoc.files import calls, disk, entries, flow, threads
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
)
from sentinelhub_client.byoc.files.paths import Source, file_url
from sentinelhub_client.byoc.files.progress import ProgressCallback
from sentinelhub_client.byoc.files.ranges import Segment

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


def _transport(client: httpx.Client | SyncTransport) -> SyncTransport:
    """The transport whose retry loop sends the requests (one over a plain client as it is)."""
    return client if isinstance(client, SyncTransport) else SyncTransport.over(client)


_shell = entries.Shell(_transport, "httpx.Client | SyncTransport", __name__)


def _listing(transport: SyncTransport, call: Call[list[str]]) -> list[str]:
    return transport.run(call)


def _size(transport: SyncTransport, call: Call[calls.RemoteFile]) -> int:
    return transport.run(call).size


def _iterate(transport: SyncTransport, reading: entries.Reading) -> Iterator[bytes]:
    plan, path, chunk_size = reading.plan, reading.path, reading.chunk_size

    def read(response: httpx.Response) -> Iterator[bytes]:
        plan.begin(response.status_code, response.headers, path)
        for received in response.iter_bytes(chunk_size):
            data = plan.take(received)
            if data:
                yield data
            if plan.body_done:
                break
        plan.end_body()

    return transport.stream(reading.call, read)


def _read(transport: SyncTransport, reading: entries.Reading) -> bytes:
    return b"".join(_iterate(transport, reading))


list_tile_files = _shell.entry(entries.list_tile_files, _listing)
get_tile_file_size = _shell.entry(entries.get_tile_file_size, _size)
iter_tile_file = _shell.entry(entries.iter_tile_file, _iterate)
read_tile_file = _shell.entry(entries.read_tile_file, _read)


def _head(transport: SyncTransport, settings: Settings, source: Source) -> calls.RemoteFile:
    return transport.run(calls.head_call(settings.byoc_base_path, source, settings.policy))


def _fetch_segment(
    transport: SyncTransport,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    settings: Settings,
    stop: threads.StopFlag,
    limiter: threading.Semaphore | None,
) -> None:
    """Fetch one segment, retried on its own by the transport; progress renews its budget.
    Bytes that arrived before an error are written too (they are good)."""
    if stop.is_set():
        raise threads.Aborted

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
                    raise threads.Aborted
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
    cancel: threads.StopFlag | None,
) -> None:
    """Fetch every missing segment, ``concurrency`` at a time; the first failure stops all."""
    segments, workers = step.plan(settings)
    stop = threads.StopFlag(cancel)

    def fetch(segment: Segment) -> None:
        _fetch_segment(transport, step.job, step.writer, segment, settings, stop, limiter)

    threads.run_each(segments, fetch, workers, stop, "shc-download")


def _download_file(
    transport: SyncTransport,
    download: entries.FileDownload,
    remote: calls.RemoteFile | None = None,
    limiter: threading.Semaphore | None = None,
    cancel: threads.StopFlag | None = None,
) -> Path:
    """Download a file, with what `download_tile` adds: a known size, shared limits."""
    settings, source = download.settings, download.source
    url = transport.full_url(file_url(settings.byoc_base_path, *source.ids, source.path))

    def make(step: flow.Step) -> Any:
        if isinstance(step, flow.Disk):
            return step.call()
        if isinstance(step, flow.Transfer):
            return _run_segments(transport, step, settings, limiter, cancel)
        return _head(transport, settings, source)

    destination, progress = download.destination, download.progress
    steps = flow.file_steps(settings, source, destination, url, progress, remote, logger)
    return flow.run(steps, make)


def _download_tile(transport: SyncTransport, download: entries.TileDownload) -> list[Path]:
    settings = download.settings

    def make(step: flow.TileStep) -> Any:
        """Make one of `flow.tile_steps`: the listing, the ``HEAD``s, a disk call or the files."""
        if isinstance(step, flow.Disk):
            return step.call()
        if isinstance(step, flow.Heads):
            workers = min(settings.concurrency, len(step.sources))
            with concurrent.futures.ThreadPoolExecutor(
                workers, thread_name_prefix="shc-head"
            ) as pool:
                return list(pool.map(partial(_head, transport, settings), step.sources))
        if isinstance(step, flow.Files):
            return _download_files(transport, settings, step)
        return transport.run(download.listing)

    return flow.run(download.steps, make)


download_tile_file = _shell.entry(entries.download_tile_file, _download_file)
download_tile = _shell.entry(entries.download_tile, _download_tile)


def _download_files(transport: SyncTransport, settings: Settings, step: flow.Files) -> None:
    """Download the files of ``step`` in threads; a failure of one goes to the tile's books."""
    tile, concurrency = step.tile, settings.concurrency
    limiter, cancel = threading.Semaphore(concurrency), threads.StopFlag()

    def one(source: Source, target: Path, remote: calls.RemoteFile) -> None:
        try:
            download = entries.FileDownload(settings, source, target, tile.progress)
            _download_file(transport, download, remote, limiter, cancel)
        except threads.Aborted:
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

"""Files of Planet tiles, async: the twins of `sentinelhub_client.byoc.files.sync`.

Each function here is its sync namesake with an ``a`` in front (``alist_tile_files``,
``adownload_tile_file``, ...), takes an ``httpx.AsyncClient`` and behaves the same; the decisions
(what to request, whether an answer fits, what to resume, when to retry) are the same code, in
`sentinelhub_client.byoc.files.core`. Parallel ranges and files run as tasks of an `anyio` task
group (so asyncio and trio both work); disk writes run in worker threads so the event loop never
waits on the disk. The ``progress`` callback is called from the event loop's thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections import deque
from collections.abc import AsyncIterator, Iterable, Mapping
from pathlib import Path

import anyio
import anyio.to_thread
import httpx

from sentinelhub_client._core.errors import APIResponseValidationError
from sentinelhub_client._core.retry import Action, RetryPolicy, RetryState
from sentinelhub_client.byoc.files import disk as disk
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
    "adownload_tile",
    "adownload_tile_file",
    "aget_tile_file_size",
    "aiter_tile_file",
    "alist_tile_files",
    "aread_tile_file",
]

logger = logging.getLogger(__name__)

PathLike = str | os.PathLike[str]


async def _sleep(seconds: float) -> None:
    if seconds > 0:
        await anyio.sleep(seconds)


# ------------------------------------------------------------------------------------- transport


async def _send(
    client: httpx.AsyncClient,
    method: str,
    url: str | httpx.URL,
    headers: Mapping[str, str],
    *,
    stream: bool,
) -> httpx.Response:
    """Send one request, following redirects here (see the sync twin)."""
    request = client.build_request(method, url, headers=headers)
    origin = request.url
    auth: httpx.Auth | httpx._client.UseClientDefault | None = httpx.USE_CLIENT_DEFAULT
    for _hop in range(MAX_REDIRECTS + 1):
        response = await client.send(request, stream=True, auth=auth, follow_redirects=False)
        target = redirect_target(request.url, response)
        if target is None:
            if not stream:
                try:
                    await response.aread()
                finally:
                    await response.aclose()
            return response
        await response.aclose()
        logger.debug("%s %s redirected to %s", method, request.url.path, target.host)
        request = client.build_request(method, target, headers=headers)
        if auth is None or not same_origin(origin, target):
            request.headers.pop("Authorization", None)
            auth = None
    raise httpx.TooManyRedirects(f"more than {MAX_REDIRECTS} redirects", request=request)


async def _request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    policy: RetryPolicy,
    note_for: dict[int, str | None] | None = None,
) -> httpx.Response:
    """A small request (listing, ``HEAD``) with retries; returns a read 2xx answer."""
    full_url = str(client.build_request(method, url).url)
    state = RetryState(policy, method=method, url=full_url)
    while True:
        try:
            response = await _send(
                client, method, full_url, {"Accept-Encoding": "identity"}, stream=False
            )
        except httpx.HTTPError as exc:
            step = state.on_exception(exc)
            if step.action is Action.RAISE:
                raise transport_error(step, exc, method=method, url=full_url) from exc
        else:
            step = state.on_status(response.status_code, response.headers)
            if step.action is Action.RETURN:
                return response
            if step.action is Action.RAISE:
                raise status_error(
                    step,
                    method=method,
                    url=full_url,
                    status=response.status_code,
                    headers=response.headers,
                    content=response.content,
                    note=(note_for or {}).get(response.status_code),
                )
        await _sleep(step.wait)


# ---------------------------------------------------------------------------------- small calls


async def alist_tile_files(
    client: httpx.AsyncClient,
    collection_id: str,
    tile_id: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> list[str]:
    """The paths of a tile's files (async twin of `list_tile_files`)."""
    url = files_url(byoc_base_path, collection_id, tile_id)
    response = await _request(
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


async def _head(
    client: httpx.AsyncClient,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    byoc_base_path: str,
    policy: RetryPolicy,
) -> RemoteFile:
    url = file_url(byoc_base_path, collection_id, tile_id, path)
    response = await _request(
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


async def aget_tile_file_size(
    client: httpx.AsyncClient,
    collection_id: str,
    tile_id: str,
    path: str,
    *,
    byoc_base_path: str = DEFAULT_BYOC_BASE_PATH,
    retry: RetryPolicy | None = None,
) -> int:
    """The size in bytes of one file of a tile (async twin of `get_tile_file_size`)."""
    remote = await _head(
        client,
        collection_id,
        tile_id,
        path,
        byoc_base_path=byoc_base_path,
        policy=retry_policy(retry, None),
    )
    return remote.size


def aiter_tile_file(
    client: httpx.AsyncClient,
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
    policy = retry_policy(retry, None)
    return _iter_range(client, url, plan, path, chunk_size, policy, (collection_id, tile_id))


async def _iter_range(
    client: httpx.AsyncClient,
    url: str,
    plan: RangeRead,
    path: str,
    chunk_size: int,
    policy: RetryPolicy,
    ids: tuple[str, str],
) -> AsyncIterator[bytes]:
    full_url = str(client.build_request("GET", url).url)
    state = RetryState(policy, method="GET", url=full_url)
    while not plan.finished:
        before = plan.pos
        failure: httpx.HTTPError | None = None
        try:
            response = await _send(client, "GET", full_url, plan.request_headers(), stream=True)
        except httpx.HTTPError as exc:
            failure = exc
        else:
            try:
                if response.status_code in (200, 206):
                    skip, limit = plan.accept(response.status_code, response.headers, path)
                    async for received in response.aiter_bytes(chunk_size):
                        data = received
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
                        plan.size = plan.pos
                    elif limit > 0:
                        failure = httpx.RemoteProtocolError("the body ended early")
                else:
                    await response.aread()
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
                    await _sleep(step.wait)
                    continue
            except httpx.HTTPError as exc:
                failure = exc
            finally:
                await response.aclose()
        if failure is None:
            continue
        if plan.pos > before:
            state = RetryState(policy, method="GET", url=full_url)
        step = state.on_exception(failure)
        if step.action is Action.RAISE:
            raise transport_error(step, failure, method="GET", url=full_url) from failure
        await _sleep(step.wait)


async def aread_tile_file(
    client: httpx.AsyncClient,
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
) -> None:
    with disk.disk_errors(writer.part.path, job.destination):
        count = await anyio.to_thread.run_sync(writer.part.write, segment.pos, chunks)
    job.record(segment, count)
    writer.poke()


async def _stream_body(
    response: httpx.Response,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    chunk_size: int,
) -> None:
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
                await _write(job, writer, segment, chunks)
    except Anomaly:
        buffered.clear()
        raise
    finally:
        if buffered:
            with anyio.CancelScope(shield=True):
                await _write(job, writer, segment, buffered)


async def _attempt(
    client: httpx.AsyncClient,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    chunk_size: int,
) -> httpx.HTTPError | httpx.Response | None:
    """One request for what is left of ``segment``: None when it is done, else the failure."""
    headers = job.request_headers(segment)
    try:
        response = await _send(client, "GET", job.url, headers, stream=True)
    except httpx.HTTPError as exc:
        return exc
    try:
        status = response.status_code
        if 200 <= status < 300 or status == 416:
            if status == 416:
                await response.aread()
            job.check_response(segment, status, response.headers, "Range" in headers)
            await _stream_body(response, job, writer, segment, chunk_size)
            if segment.finished:
                return None
            return httpx.RemoteProtocolError("the body ended before the range did")
        await response.aread()
        return response
    except httpx.HTTPError as exc:
        return exc
    finally:
        await response.aclose()


async def _fetch_segment(
    client: httpx.AsyncClient,
    job: FileJob,
    writer: disk.PartWriter,
    segment: Segment,
    *,
    chunk_size: int,
    limiter: anyio.Semaphore | None,
) -> None:
    """Fetch one segment, retrying it on its own; progress resets its retry budget."""
    state = job.new_retry_state()
    while not segment.finished:
        before = segment.pos
        if limiter is not None:
            async with limiter:
                failure = await _attempt(client, job, writer, segment, chunk_size)
        else:
            failure = await _attempt(client, job, writer, segment, chunk_size)
        if failure is None:
            continue
        if segment.pos > before:
            state = job.new_retry_state()
        step = decide(state, failure)
        if step.action is Action.RAISE:
            raise segment_error(job, step, failure)
        await _sleep(step.wait)


async def _run_segments(
    client: httpx.AsyncClient,
    job: FileJob,
    writer: disk.PartWriter,
    *,
    concurrency: int,
    chunk_size: int,
    part_size: int,
    limiter: anyio.Semaphore | None,
) -> None:
    """Fetch every missing segment, ``concurrency`` at a time; the first failure stops all."""
    segments = job.segments(part_size)
    if len(segments) <= 1 or concurrency == 1:
        for segment in segments:
            await _fetch_segment(
                client, job, writer, segment, chunk_size=chunk_size, limiter=limiter
            )
        return
    pending = deque(segments)
    errors: list[Exception] = []

    async def worker(scope: anyio.CancelScope) -> None:
        while pending:
            segment = pending.popleft()
            try:
                await _fetch_segment(
                    client, job, writer, segment, chunk_size=chunk_size, limiter=limiter
                )
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
    client: httpx.AsyncClient,
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
    url = str(client.build_request("GET", url).url)

    async def head() -> RemoteFile:
        return await _head(
            client,
            source.collection_id,
            source.tile_id,
            source.path,
            byoc_base_path=byoc_base_path,
            policy=policy,
        )

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
        url=url,
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
                    client,
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
    client: httpx.AsyncClient,
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
    file_url(byoc_base_path, collection_id, tile_id, path)
    return await _download_file(
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


async def adownload_tile(
    client: httpx.AsyncClient,
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
    policy = retry_policy(retry, max_attempts)
    folder = Path(directory)
    paths = (
        list(files)
        if files is not None
        else await alist_tile_files(
            client, collection_id, tile_id, byoc_base_path=byoc_base_path, retry=policy
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
                client, collection_id, tile_id, path, byoc_base_path=byoc_base_path, policy=policy
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

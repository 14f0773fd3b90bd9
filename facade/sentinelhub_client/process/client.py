"""The Process clients: `SentinelHubProcess` (sync) and `AsyncSentinelHubProcess` (asyncio).

Thin shells over `ProcessCalls` (request building and parsing, no I/O), run on a transport that
adds OAuth, retries and the typed errors. One client keeps one connection pool::

    with SentinelHubProcess(config) as process:
        [image] = process.get_data(request)
        status = process.submit(async_request)
        process.wait_for_async([status.id], interval=10, timeout=3600)

`get_async_running_status` / `aget_async_running_status` are the module-level functions
sentinelhub-py users know (200 means running, 404 finished, anything else raises); they check
many ids concurrently (threads for sync, tasks for asyncio).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import (
    APIResponseValidationError,
    NotFoundError,
    SentinelHubError,
    SentinelHubValidationError,
)
from sentinelhub_client._core.polling import apoll, poll
from sentinelhub_client._core.service import AsyncService, SyncService, share_docstrings
from sentinelhub_client.process.builders import MimeType, check_payload
from sentinelhub_client.process.requests import (
    AsyncProcessRequest,
    AsyncProcessStatus,
    ProcessCalls,
    ProcessResponse,
    SentinelHubRequest,
    accept_of,
    check_ids,
)

__all__ = [
    "AsyncSentinelHubProcess",
    "SentinelHubProcess",
    "aget_async_running_status",
    "get_async_running_status",
]

logger = logging.getLogger(__name__)

#: How many status requests run at once in `get_async_running_status`.
STATUS_CONCURRENCY = 8

#: A progress callback: ``(finished, total)``.
Progress = Callable[[int, int], Any]


# -- shared, I/O-free steps ---------------------------------------------------------------------


def _process_parts(
    request: SentinelHubRequest | Mapping[str, Any],
) -> tuple[dict[str, Any], MimeType]:
    """The body and ``Accept`` of a request given as a `SentinelHubRequest` or a body dict."""
    if isinstance(request, SentinelHubRequest):
        return request.payload, request.mime_type
    if isinstance(request, Mapping):
        payload = dict(request)
        check_payload(payload)
        responses = (payload.get("output") or {}).get("responses") or [
            {"format": {"type": MimeType.PNG.value}}
        ]
        return payload, accept_of(responses)
    raise SentinelHubValidationError(
        f"request: expected a SentinelHubRequest or a Process body, got {type(request).__name__}",
        field="request",
    )


def _async_payload(request: AsyncProcessRequest | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(request, AsyncProcessRequest):
        return request.payload
    if isinstance(request, Mapping):
        check_payload(request, asynchronous=True)
        return request
    raise SentinelHubValidationError(
        f"request: expected an AsyncProcessRequest or its body, got {type(request).__name__}",
        field="request",
    )


def _cached(request: Any, redownload: bool) -> ProcessResponse | None:
    """A saved answer of ``request`` (read from its data folder), unless ``redownload``."""
    if redownload or not isinstance(request, SentinelHubRequest):
        return None
    path = request.response_path()
    if path is None or not path.is_file():
        return None
    logger.debug("Reading the saved answer %s instead of sending the request", path)
    return ProcessResponse(content=path.read_bytes(), mime_type=request.mime_type, url=None)


def _need_folder(request: Any) -> Path:
    folder = request.storage_folder() if isinstance(request, SentinelHubRequest) else None
    if folder is None:
        raise SentinelHubValidationError(
            "data_folder: saving needs SentinelHubRequest(..., data_folder=...)",
            field="data_folder",
        )
    return folder


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _response_path(request: SentinelHubRequest) -> Path:
    path = request.response_path()
    assert path is not None  # callers checked the data folder
    return path


def _save(request: SentinelHubRequest, response: ProcessResponse) -> list[Path]:
    """Write ``request.json`` and ``response.<ext>`` into the request's storage folder."""
    folder = _need_folder(request)
    response_path = _response_path(request)
    record = {
        "url": response.url,
        "payload": request.payload,
        "headers": {"accept": request.mime_type.value, "content-type": "application/json"},
        "timestamp": dt.datetime.now(dt.UTC).isoformat(),
        "processing_units": response.processing_units,
    }
    _write_atomically(folder / "request.json", json.dumps(record, indent=2).encode("utf-8"))
    _write_atomically(response_path, response.content)
    return [response_path]


def _result(response: ProcessResponse, decode_data: bool) -> list[Any]:
    if not decode_data:
        return [response]
    try:
        return [response.decode()]
    except SentinelHubError:
        raise
    except (ValueError, TypeError, LookupError, RecursionError, OverflowError) as exc:
        # JSON nested too deep, text that is not UTF-8, ...: a malformed answer, named.
        raise APIResponseValidationError(
            f"the answer cannot be decoded as {response.mime_type.value} "
            f"({type(exc).__name__}: {str(exc)[:300]})",
            status=response.status_code,
            method="POST",
            url=response.url,
        ) from exc


def _remember(request: Any, response: ProcessResponse) -> None:
    if isinstance(request, SentinelHubRequest) and response.url is not None:
        request.processing_units = response.processing_units


#: What `get_async_running_status` says of each id: True while it runs, False once the service
#: said it ended, None once the service no longer knows it (404: finished or never known).
RunningStatus = dict[str, bool | None]


def _done(statuses: Mapping[str, bool | None]) -> bool:
    return not any(statuses.values())


class _StatusWatch:
    """The bookkeeping of `wait_for_async`: ids still running, callbacks."""

    def __init__(
        self,
        ids: Any,
        callback: Callable[[RunningStatus], Any] | None,
        progress: Progress | None,
    ) -> None:
        self.ids = check_ids(ids)
        self.latest: RunningStatus = dict.fromkeys(self.ids, True)
        self.callback = callback
        self.progress = progress

    def running(self) -> list[str]:
        return [key for key, value in self.latest.items() if value]

    def update(self, statuses: Mapping[str, bool | None]) -> RunningStatus:
        self.latest.update(statuses)
        return dict(self.latest)

    def report(self, statuses: RunningStatus) -> Any:
        if self.progress is not None:
            self.progress(sum(not value for value in statuses.values()), len(statuses))
        if self.callback is not None:
            return self.callback(statuses)
        return None


# -- the clients --------------------------------------------------------------------------------


class _ProcessClientBase:
    config: SHConfig
    _calls: ProcessCalls

    def _prepare(self) -> None:
        self._calls = ProcessCalls(self.config)


class SentinelHubProcess(_ProcessClientBase, SyncService):
    """Client of the Process and Async Process APIs.

    Use it as a context manager, or call `close`, to release connections.
    """

    def process(self, request: SentinelHubRequest | Mapping[str, Any]) -> ProcessResponse:
        """Send a Process request: ``POST /api/v1/process`` with the request body as JSON and
        ``Accept`` set to the format asked for.

        Args:
            request: a `SentinelHubRequest`, or a request body dict.

        Returns:
            The answer, undecoded (`ProcessResponse`: ``content``, ``mime_type``,
                ``processing_units``; ``decode()`` turns it into arrays).

        Raises:
            SentinelHubValidationError: a body the API rules out (nothing is sent).
            BadRequestError: the service refused the request, e.g. an evalscript error;
                ``message`` says why.
            AuthenticationError, PermissionDeniedError: credentials or access to a collection.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        payload, accept = _process_parts(request)
        response = self.transport.run(self._calls.process(payload, accept))
        _remember(request, response)
        return response

    def get_data(
        self,
        request: SentinelHubRequest | Mapping[str, Any],
        *,
        save_data: bool = False,
        redownload: bool = False,
        decode_data: bool = True,
    ) -> list[Any]:
        """Send a Process request (as `process` does) and return ``[result]``, decoded.

        The result is a numpy array for TIFF / PNG / JPEG, a dict for JSON, and a dict of
        ``{"<identifier>.<ext>": decoded}`` for several responses; with ``decode_data=False``
        the `ProcessResponse`. With ``save_data`` the answer is also written under the
        request's ``data_folder``; a saved answer is returned without sending unless
        ``redownload`` (see `SentinelHubRequest.get_data`).

        Raises:
            DecodingError: the answer could not be decoded.
            ImportError: an image answer, without the ``process`` extra (the message says
                how to install it; ``decode_data=False`` needs no extra).
            SentinelHubValidationError: ``save_data`` without a ``data_folder``, or a body the
                API rules out (nothing is sent).
            APIError, APIConnectionError: as for `process`.
        """
        if save_data:
            _need_folder(request)
        response = _cached(request, redownload)
        if response is None:
            response = self.process(request)
            if save_data and isinstance(request, SentinelHubRequest):
                _save(request, response)
        return _result(response, decode_data)

    def save_data(
        self, request: SentinelHubRequest | Mapping[str, Any], *, redownload: bool = False
    ) -> list[Path]:
        """Send a Process request (as `process` does, unless its answer is saved already) and
        write the answer under the request's ``data_folder``.

        Returns:
            The paths of the saved responses.

        Raises:
            SentinelHubValidationError: the request has no ``data_folder`` (nothing is sent).
            APIError, APIConnectionError: as for `process`.
        """
        _need_folder(request)
        assert isinstance(request, SentinelHubRequest)  # _need_folder refused anything else
        cached = _cached(request, redownload)
        if cached is not None:
            return [_response_path(request)]
        return _save(request, self.process(request))

    def submit(self, request: AsyncProcessRequest | Mapping[str, Any]) -> AsyncProcessStatus:
        """Start an Async Process request: ``POST /api/v1/async/process`` with the body as JSON.

        Args:
            request: an `AsyncProcessRequest`, or a request body dict (with ``output.delivery``).

        Returns:
            Its id and status (`AsyncProcessStatus`, status ``RUNNING``); see `wait_for_async`.

        Raises:
            SentinelHubValidationError: a body the API rules out (nothing is sent).
            BadRequestError: the service refused the request (``errors`` names the field).
            RateLimitError: too many Async Process requests running, after the retries.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.

        The service answers 429 when too many Async Process requests run at once: that is
        retried per the retry policy (waiting its ``Retry-After``), then raised as
        `RateLimitError` with ``retry_after`` in seconds.
        """
        status = self.transport.run(self._calls.submit(_async_payload(request)))
        logger.info("Async Process request %s started (%s)", status.id, status.status)
        return status

    def _running(self, request_id: str) -> bool | None:
        try:
            return self.transport.run(self._calls.status(request_id))
        except NotFoundError:
            return None

    def get_async_running_status(self, ids: Iterable[str]) -> dict[str, bool | None]:
        """Which Async Process requests are still running: sends ``GET
        /api/v1/async/process/{id}`` for each id, concurrently.

        Returns:
            ``{id: True}`` while running (a 200 answer); ``{id: False}`` when a 200 answer says
                the request ended (``status`` ``DONE``, ``FAILED``, ...); ``{id: None}``
                (unknown) when the service answers 404: it no longer knows the id. That is how
                the service reports a finished request, successful or not, but also an id it
                never had or lost, so it does not say the request succeeded: look for its output
                (or ``error.json``) in the delivery location. None and False are both falsy, so
                ``if status[id]:`` still reads "still running", as with sentinelhub-py (which
                gives False for a 404).

        Raises:
            SentinelHubValidationError: an empty or blank id (nothing is sent).
            APIResponseValidationError: a 200 answer that is not the request's status (cut
                short, garbled, not a JSON object): it is never taken as "running".
            APIError: any answer other than 200 or 404; `APIConnectionError`: no answer, after
                retries.
        """
        checked = check_ids(ids)
        if len(checked) <= 1:
            return {request_id: self._running(request_id) for request_id in checked}
        with ThreadPoolExecutor(
            max_workers=min(STATUS_CONCURRENCY, len(checked)),
            thread_name_prefix="sh-async-status",
        ) as pool:
            return dict(zip(checked, pool.map(self._running, checked), strict=True))

    def wait_for_async(
        self,
        ids: Iterable[str],
        *,
        interval: float = 10.0,
        timeout: float | None = 3600.0,
        callback: Callable[[RunningStatus], Any] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, bool | None]:
        """Poll until no request of ``ids`` runs; returns ``{id: False or None, ...}`` (see
        `get_async_running_status`: None when the service no longer knows the id, which is how
        it reports a finished request).

        Args:
            ids: Async Process request ids.
            interval: seconds between polls (only the ids still running are asked again).
            timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`, whose
                ``pending`` is ``[{id: still running?}]``.
            callback: called with ``{id: running}`` after each poll.
            progress: called with ``(finished, total)`` after each poll (e.g. a
                `sentinelhub_client.progress.progress_bar`).

        Whether a finished request succeeded shows in its delivery location (``error.json``).
        Each poll sends what `get_async_running_status` sends, for the ids still running.

        Raises:
            WaitTimeoutError: ``timeout`` passed first.
            APIError, APIConnectionError: as for `get_async_running_status`.
        """
        watch = _StatusWatch(ids, callback, progress)
        return poll(
            lambda: watch.update(self.get_async_running_status(watch.running())),
            _done,
            interval=interval,
            timeout=timeout,
            on_update=watch.report,
            what=f"{len(watch.ids)} Async Process request(s)",
        )


class AsyncSentinelHubProcess(_ProcessClientBase, AsyncService):
    """The asyncio twin of `SentinelHubProcess`: the same methods, awaitable.

    ``http_client`` is an `httpx.AsyncClient`. (Not to be confused with `AsyncProcessRequest`,
    a request of the service's Async Process API, which both clients can ``submit``.)
    """

    async def process(self, request: SentinelHubRequest | Mapping[str, Any]) -> ProcessResponse:
        payload, accept = _process_parts(request)
        response = await self.transport.run(self._calls.process(payload, accept))
        _remember(request, response)
        return response

    async def get_data(
        self,
        request: SentinelHubRequest | Mapping[str, Any],
        *,
        save_data: bool = False,
        redownload: bool = False,
        decode_data: bool = True,
    ) -> list[Any]:
        if save_data:
            _need_folder(request)
        response = await asyncio.to_thread(_cached, request, redownload)
        if response is None:
            response = await self.process(request)
            if save_data and isinstance(request, SentinelHubRequest):
                await asyncio.to_thread(_save, request, response)
        if not decode_data:
            return [response]
        return await asyncio.to_thread(_result, response, decode_data)

    async def save_data(
        self, request: SentinelHubRequest | Mapping[str, Any], *, redownload: bool = False
    ) -> list[Path]:
        _need_folder(request)
        assert isinstance(request, SentinelHubRequest)  # _need_folder refused anything else
        cached = await asyncio.to_thread(_cached, request, redownload)
        if cached is not None:
            return [_response_path(request)]
        response = await self.process(request)
        return await asyncio.to_thread(_save, request, response)

    async def submit(self, request: AsyncProcessRequest | Mapping[str, Any]) -> AsyncProcessStatus:
        status = await self.transport.run(self._calls.submit(_async_payload(request)))
        logger.info("Async Process request %s started (%s)", status.id, status.status)
        return status

    async def _running(self, request_id: str, limit: asyncio.Semaphore) -> bool | None:
        async with limit:
            try:
                return await self.transport.run(self._calls.status(request_id))
            except NotFoundError:
                return None

    async def get_async_running_status(self, ids: Iterable[str]) -> dict[str, bool | None]:
        checked = check_ids(ids)
        limit = asyncio.Semaphore(STATUS_CONCURRENCY)
        results = await asyncio.gather(*(self._running(i, limit) for i in checked))
        return dict(zip(checked, results, strict=True))

    async def wait_for_async(
        self,
        ids: Iterable[str],
        *,
        interval: float = 10.0,
        timeout: float | None = 3600.0,  # noqa: ASYNC109 - the same signature as the sync twin
        callback: Callable[[RunningStatus], Any] | None = None,
        progress: Progress | None = None,
    ) -> dict[str, bool | None]:
        watch = _StatusWatch(ids, callback, progress)

        async def fetch() -> RunningStatus:
            return watch.update(await self.get_async_running_status(watch.running()))

        return await apoll(
            fetch,
            _done,
            interval=interval,
            timeout=timeout,
            on_update=watch.report,
            what=f"{len(watch.ids)} Async Process request(s)",
        )


share_docstrings(AsyncSentinelHubProcess, SentinelHubProcess)


# -- sentinelhub-py's module-level function, and its asyncio twin -------------------------------


def get_async_running_status(
    ids: Iterable[str], config: SHConfig | None = None
) -> dict[str, bool | None]:
    """Which Async Process requests are still running, as sentinelhub-py's function of the
    same name: sends ``GET /api/v1/async/process/{id}`` for each id, concurrently, on a client
    made for the call.

    Returns:
        ``{id: True}`` while running (200); ``{id: False}`` when a 200 says it ended;
        ``{id: None}`` (unknown: finished, successfully or not, or an id the service does not
        have) on 404, where sentinelhub-py says False. Both are falsy, so ``while
        status[id]:`` loops written for sentinelhub-py work unchanged; whether a request
        succeeded shows in its delivery location (its output, or ``error.json``).

    Raises:
        APIResponseValidationError: a 200 that is not the request's status (never "running").
        APIError: any other answer; `APIConnectionError`: no answer, after retries.
    """
    with SentinelHubProcess(config) as client:
        return client.get_async_running_status(ids)


async def aget_async_running_status(
    ids: Iterable[str], config: SHConfig | None = None
) -> dict[str, bool | None]:
    """The asyncio twin of `get_async_running_status`."""
    async with AsyncSentinelHubProcess(config) as client:
        return await client.get_async_running_status(ids)

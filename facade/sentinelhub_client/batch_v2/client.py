"""The Batch Processing API v2: `BatchProcessClient` (sync) and `AsyncBatchProcessClient`.

They keep sentinelhub-py 3.12's ``BatchProcessClient`` methods and signatures (``create``,
``tiling_grid_input``, ``geopackage_input``, ``raster_output``, ``zarr_output``,
``s3_specification``, ``iter_requests``, ``get_request``, ``update_request``, ``start_analysis``,
``start_job``, ``stop_job``, ``iter_tiling_grids``, ``get_tiling_grid``) over this package's
transport: OAuth shared with the other services, bounded retries, typed errors, lazy pagination.
Both are thin shells over `BatchV2Calls` (requests built and answers parsed without I/O) and
`BatchV2Watch` (the decisions of the waits); the only difference between them is ``await``.

Typical use::

    with BatchProcessClient(config) as batch:
        request = batch.create(
            process_payload,
            input=batch.tiling_grid_input(grid_id=1, resolution=10),
            output=batch.raster_output(batch.s3_specification("s3://bucket/out", None, None, role)),
        )
        batch.start_job(request)
        request = batch.wait_for_job(request, interval=60, progress=True)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

from sentinelhub_client._core.pagination import DEFAULT_PAGE_SIZE, AsyncPaginator, SyncPaginator
from sentinelhub_client._core.polling import apoll, poll
from sentinelhub_client._core.service import AsyncService, SyncService, share_docstrings
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport
from sentinelhub_client.batch._shared import (
    DEFAULT_ANALYSIS_INTERVAL,
    DEFAULT_ANALYSIS_TIMEOUT,
    DEFAULT_JOB_INTERVAL,
    await_until_done,
    paging,
    wait_until_done,
)
from sentinelhub_client.batch.models import TilingGrid
from sentinelhub_client.batch_v2.calls import (
    BatchV2Calls,
    BatchV2RequestRef,
    build_create_body,
    geopackage_input,
    raster_output,
    request_id_of,
    s3_specification,
    tiling_grid_input,
    zarr_output,
)
from sentinelhub_client.batch_v2.models import BatchProcessRequest
from sentinelhub_client.batch_v2.monitoring import (
    DEFAULT_ANALYSIS_SLEEP_TIME,
    DEFAULT_SLEEP_TIME,
    BatchV2Progress,
    BatchV2Watch,
    check_sleep_times,
    progress_display,
)

__all__ = [
    "AsyncBatchProcessClient",
    "BatchProcessClient",
    "amonitor_batch_process_analysis",
    "amonitor_batch_process_job",
    "monitor_batch_process_analysis",
    "monitor_batch_process_job",
]

GridIdRef = TilingGrid | Mapping[str, Any] | int | str
ProgressCallback = Callable[[BatchV2Progress], Any]


class _BatchV2ClientBase:
    """What the twins share: construction, and the helpers that only build dicts."""

    _calls: BatchV2Calls

    def _prepare(self) -> None:
        self._calls = BatchV2Calls()

    s3_specification = staticmethod(s3_specification)
    tiling_grid_input = staticmethod(tiling_grid_input)
    geopackage_input = staticmethod(geopackage_input)
    raster_output = staticmethod(raster_output)
    zarr_output = staticmethod(zarr_output)


class BatchProcessClient(_BatchV2ClientBase, SyncService):
    """Client of the Batch Processing API v2, with sentinelhub-py 3.12's methods.

    Use it as a context manager, or call `close`, to release connections.
    """

    transport: SyncTransport

    def create(
        self,
        process_request: Any,
        input: Mapping[str, Any],
        output: Mapping[str, Any],
        instance_type: Literal["normal", "large"] = "normal",
        description: str | None = None,
        **kwargs: Any,
    ) -> BatchProcessRequest:
        """Create a Batch v2 request (status CREATED) and return it.

        Args:
            process_request: the Process API request each feature or tile runs: a payload dict,
                our ``SentinelHubRequest`` or sentinelhub-py's (its
                ``download_list[0].post_values``).
            input: from `tiling_grid_input` or `geopackage_input`.
            output: from `raster_output` or `zarr_output`.
            instance_type: ``normal`` or ``large`` (reserved for the provider's use).
            description: free text.
            kwargs: further members of the body, sent as given (camelCase).

        Sends ``POST /api/v2/batch/process`` with the body as JSON.

        Returns:
            The request as created (`BatchProcessRequest`, status ``CREATED``).

        Raises:
            SentinelHubValidationError: a missing or malformed member (nothing is sent).
            BadRequestError: the service refused the request (``errors`` names the field).
            APIConnectionError: no answer. Not replayed after an ambiguous failure: look for
                the request with `iter_requests` before trying again.
            APIError: any other error answer.
        """
        body = build_create_body(process_request, input, output, instance_type, description, kwargs)
        return self.transport.run(self._calls.create(body))

    def iter_requests(
        self,
        user_id: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **kwargs: Any,
    ) -> SyncPaginator[BatchProcessRequest]:
        """The Batch v2 requests, lazily (nothing is sent until iterated).

        Args:
            user_id: only those of this user (``userid``).
            search: words to look for.
            sort: ``created``, ``created:desc``, ``status`` or ``status:desc``.
            count: page size, 1..100.
            max_items: stop after this many requests.
            viewtoken: resume from this page token (a paginator's ``next_token``).
            kwargs: further query parameters, sent as given.

        Returns:
            A `SyncPaginator` of `BatchProcessRequest`; iterating it sends ``GET
                /api/v2/batch/process`` once per page.

        Raises:
            SentinelHubValidationError: a malformed argument, at once; errors of the requests
                are raised while iterating.
        """
        listing = self._calls.request_listing(user_id, search, sort, kwargs)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    def get_request(self, batch_request: BatchV2RequestRef) -> BatchProcessRequest:
        """Read a Batch v2 request: sends ``GET /api/v2/batch/process/{id}``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.get_request(batch_request))

    def update_request(
        self, batch_request: BatchV2RequestRef, description: str
    ) -> dict[str, Any] | None:
        """Change the description of a request that is not processing: sends ``PUT
        /api/v2/batch/process/{id}`` with ``{"description": ...}``.

        Returns:
            The stored body the service answers with (a dict), or None when it sends none.

        Raises:
            SentinelHubValidationError: a malformed id or description (nothing is sent).
            NotFoundError: no such request.
            ConflictError: the request is processing.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.update_request(batch_request, description))

    def start_analysis(self, batch_request: BatchV2RequestRef) -> None:
        """Ask for the analysis (see `wait_for_analysis`): sends ``POST
        /api/v2/batch/process/{id}/analyse``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            BadRequestError, ConflictError: the request's status does not allow it.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.action("start_analysis", batch_request))

    def start_job(self, batch_request: BatchV2RequestRef) -> None:
        """Start processing (a CREATED request is analysed first; see `wait_for_job`): sends
        ``POST /api/v2/batch/process/{id}/start``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            BadRequestError, ConflictError: the request's status does not allow it.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.action("start_job", batch_request))

    def stop_job(self, batch_request: BatchV2RequestRef) -> None:
        """Stop a request that is analysing or processing (it becomes STOPPED, reason
        USER_ACTION): sends ``POST /api/v2/batch/process/{id}/stop``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            BadRequestError, ConflictError: the request's status does not allow it.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.action("stop_job", batch_request))

    def iter_tiling_grids(
        self,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **kwargs: Any,
    ) -> SyncPaginator[TilingGrid]:
        """The tiling grids, lazily (``kwargs``: further query parameters).

        Returns:
            A `SyncPaginator` of `TilingGrid`; iterating it sends ``GET
                /api/v2/batch/tilinggrids`` once per page.

        Raises:
            SentinelHubValidationError: a malformed paging argument, at once; errors of the
                requests are raised while iterating.
        """
        listing = self._calls.grid_listing(kwargs)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    def get_tiling_grid(self, grid_id: GridIdRef) -> TilingGrid:
        """Read one tiling grid, by its numeric id (0 is a grid): sends ``GET
        /api/v2/batch/tilinggrids/{id}``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such grid.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.get_tiling_grid(grid_id))

    # -- waiting ---------------------------------------------------------------------------------

    def _fetch(self, watch: BatchV2Watch) -> BatchV2Progress:
        return BatchV2Progress(self.get_request(watch.request_id))

    def wait_for_analysis(
        self,
        batch_request: BatchV2RequestRef,
        *,
        interval: float = DEFAULT_ANALYSIS_INTERVAL,
        timeout: float | None = DEFAULT_ANALYSIS_TIMEOUT,
        callback: ProgressCallback | None = None,
    ) -> BatchProcessRequest:
        """Poll until the analysis is over (ANALYSIS_DONE or any later status); return the
        request.

        Args:
            batch_request: the request (`start_analysis` or `start_job` called on it).
            interval: seconds between polls.
            timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`.
            callback: called with a `BatchV2Progress` after each poll.

        Raises:
            BatchFailedError: the request FAILED (with the service's ``error``).
            SentinelHubValidationError: no analysis was asked for (at once).
            WaitTimeoutError: ``timeout`` passed first.
            APIError, APIConnectionError: as for `get_request`.
        """
        watch = BatchV2Watch(request_id_of(batch_request), job=False)
        return wait_until_done(poll, self._fetch, watch, interval, timeout, callback).request

    def wait_for_job(
        self,
        batch_request: BatchV2RequestRef,
        *,
        interval: float = DEFAULT_JOB_INTERVAL,
        timeout: float | None = None,
        callback: ProgressCallback | None = None,
        progress: bool = False,
    ) -> BatchProcessRequest:
        """Poll until the job ends (DONE or STOPPED); return the request.

        Args:
            batch_request: the request (`start_job` called on it).
            interval: seconds between polls.
            timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`.
            callback: called with a `BatchV2Progress` after each poll.
            progress: show a bar of ``completionPercentage`` on standard error.

        Raises:
            BatchFailedError: the request FAILED (with the service's ``error``).
            SentinelHubValidationError: the job was never started (at once).
            WaitTimeoutError: ``timeout`` passed first.
            APIError, APIConnectionError: as for `get_request`.
        """
        watch = BatchV2Watch(request_id_of(batch_request), job=True)
        display = progress_display(progress, watch.label)
        final = wait_until_done(poll, self._fetch, watch, interval, timeout, callback, display)
        return final.request


class AsyncBatchProcessClient(_BatchV2ClientBase, AsyncService):
    """Async client of the Batch Processing API v2: the methods of `BatchProcessClient`,
    awaitable. The ``iter_*`` methods return async iterators (no ``await``); the input and
    output helpers are the same plain static functions; ``http_client`` is an
    `httpx.AsyncClient`; a ``callback`` of the waits may be a coroutine function.
    """

    transport: AsyncTransport

    async def create(
        self,
        process_request: Any,
        input: Mapping[str, Any],
        output: Mapping[str, Any],
        instance_type: Literal["normal", "large"] = "normal",
        description: str | None = None,
        **kwargs: Any,
    ) -> BatchProcessRequest:
        body = build_create_body(process_request, input, output, instance_type, description, kwargs)
        return await self.transport.run(self._calls.create(body))

    def iter_requests(
        self,
        user_id: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **kwargs: Any,
    ) -> AsyncPaginator[BatchProcessRequest]:
        listing = self._calls.request_listing(user_id, search, sort, kwargs)
        return AsyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    async def get_request(self, batch_request: BatchV2RequestRef) -> BatchProcessRequest:
        return await self.transport.run(self._calls.get_request(batch_request))

    async def update_request(
        self, batch_request: BatchV2RequestRef, description: str
    ) -> dict[str, Any] | None:
        return await self.transport.run(self._calls.update_request(batch_request, description))

    async def start_analysis(self, batch_request: BatchV2RequestRef) -> None:
        return await self.transport.run(self._calls.action("start_analysis", batch_request))

    async def start_job(self, batch_request: BatchV2RequestRef) -> None:
        return await self.transport.run(self._calls.action("start_job", batch_request))

    async def stop_job(self, batch_request: BatchV2RequestRef) -> None:
        return await self.transport.run(self._calls.action("stop_job", batch_request))

    def iter_tiling_grids(
        self,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **kwargs: Any,
    ) -> AsyncPaginator[TilingGrid]:
        listing = self._calls.grid_listing(kwargs)
        return AsyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    async def get_tiling_grid(self, grid_id: GridIdRef) -> TilingGrid:
        return await self.transport.run(self._calls.get_tiling_grid(grid_id))

    async def _fetch(self, watch: BatchV2Watch) -> BatchV2Progress:
        return BatchV2Progress(await self.get_request(watch.request_id))

    async def wait_for_analysis(
        self,
        batch_request: BatchV2RequestRef,
        *,
        interval: float = DEFAULT_ANALYSIS_INTERVAL,
        timeout: float | None = DEFAULT_ANALYSIS_TIMEOUT,  # noqa: ASYNC109 - the sync twin's
        callback: ProgressCallback | None = None,
    ) -> BatchProcessRequest:
        watch = BatchV2Watch(request_id_of(batch_request), job=False)
        final = await await_until_done(apoll, self._fetch, watch, interval, timeout, callback)
        return final.request

    async def wait_for_job(
        self,
        batch_request: BatchV2RequestRef,
        *,
        interval: float = DEFAULT_JOB_INTERVAL,
        timeout: float | None = None,  # noqa: ASYNC109 - the same signature as the sync twin
        callback: ProgressCallback | None = None,
        progress: bool = False,
    ) -> BatchProcessRequest:
        watch = BatchV2Watch(request_id_of(batch_request), job=True)
        display = progress_display(progress, watch.label)
        final = await await_until_done(
            apoll, self._fetch, watch, interval, timeout, callback, display
        )
        return final.request


share_docstrings(AsyncBatchProcessClient, BatchProcessClient)


# -- sentinelhub-py's module-level monitors --------------------------------------------------------


def monitor_batch_process_analysis(
    request: BatchV2RequestRef,
    client: BatchProcessClient,
    sleep_time: int = DEFAULT_ANALYSIS_SLEEP_TIME,
) -> BatchProcessRequest:
    """Wait for the analysis of a Batch v2 request, polling every ``sleep_time`` seconds
    (at least 5, as in sentinelhub-py); return the request (see
    `BatchProcessClient.wait_for_analysis`)."""
    check_sleep_times(None, sleep_time)
    return client.wait_for_analysis(request, interval=sleep_time)


def monitor_batch_process_job(
    request: BatchV2RequestRef,
    client: BatchProcessClient,
    sleep_time: int = DEFAULT_SLEEP_TIME,
    analysis_sleep_time: int = DEFAULT_ANALYSIS_SLEEP_TIME,
) -> BatchProcessRequest:
    """Wait for a started Batch v2 job with a progress bar of its completion: first its
    analysis (every ``analysis_sleep_time`` s, at least 5), then the processing (every
    ``sleep_time`` s, at least 60), as sentinelhub-py's function of that name; return the
    request as it ended (DONE or STOPPED; FAILED raises `BatchFailedError`)."""
    check_sleep_times(sleep_time, analysis_sleep_time)
    client.wait_for_analysis(request, interval=analysis_sleep_time)
    return client.wait_for_job(request, interval=sleep_time, progress=True)


async def amonitor_batch_process_analysis(
    request: BatchV2RequestRef,
    client: AsyncBatchProcessClient,
    sleep_time: int = DEFAULT_ANALYSIS_SLEEP_TIME,
) -> BatchProcessRequest:
    """The async twin of `monitor_batch_process_analysis`."""
    check_sleep_times(None, sleep_time)
    return await client.wait_for_analysis(request, interval=sleep_time)


async def amonitor_batch_process_job(
    request: BatchV2RequestRef,
    client: AsyncBatchProcessClient,
    sleep_time: int = DEFAULT_SLEEP_TIME,
    analysis_sleep_time: int = DEFAULT_ANALYSIS_SLEEP_TIME,
) -> BatchProcessRequest:
    """The async twin of `monitor_batch_process_job`."""
    check_sleep_times(sleep_time, analysis_sleep_time)
    await client.wait_for_analysis(request, interval=analysis_sleep_time)
    return await client.wait_for_job(request, interval=sleep_time, progress=True)

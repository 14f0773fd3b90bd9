"""The Batch Processing API v1: `SentinelHubBatch` (sync) and `AsyncSentinelHubBatch` (async).

sentinelhub-py 3.11.2 removed its ``SentinelHubBatch``; these clients keep its methods and
signatures (``create``, ``tiling_grid``, ``output``, ``iter_requests``, ``start_job``,
``iter_tiles``, the batch collections, ...) over this package's transport: OAuth shared with the
other services, bounded retries, typed errors, lazy pagination. Both are thin shells over
`BatchCalls` (requests built and answers parsed without I/O) and `BatchWatch` (the decisions of
the waits); the only difference between them is ``await``.

A batch request may be given as a `BatchRequest`, a dict with its ``id``, its id, or any object
with a ``request_id`` (sentinelhub-py's ``BatchRequest``); anything else is refused before a
request is sent, with an error naming the argument.

Typical use::

    with SentinelHubBatch(config) as batch:
        request = batch.create(
            process_payload,
            tiling_grid=SentinelHubBatch.tiling_grid(grid_id=1, resolution=10, buffer=(5, 5)),
            output=SentinelHubBatch.output(default_tile_path="s3://bucket/out", cog_output=True),
        )
        batch.start_job(request)
        request = batch.wait_for_job(request, interval=60, progress=True)
        print(request.status, [tile.name for tile in batch.iter_tiles(request, "FAILED")])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.pagination import (
    DEFAULT_PAGE_SIZE,
    AsyncPaginator,
    Page,
    SyncPaginator,
)
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
from sentinelhub_client.batch.calls import (
    BatchCalls,
    BatchRequestRef,
    CollectionRef,
    build_create_payload,
    build_output,
    build_tiling_grid,
    build_update_body,
    request_id_of,
)
from sentinelhub_client.batch.models import (
    BatchCollection,
    BatchRequest,
    BatchTile,
    BatchTileStatus,
    TilingGrid,
)
from sentinelhub_client.batch.monitoring import (
    BatchProgress,
    BatchWatch,
    TileTally,
    progress_display,
)

__all__ = [
    "AsyncSentinelHubBatch",
    "SentinelHubBatch",
    "monitor_batch_analysis",
    "monitor_batch_job",
]

TileIdRef = BatchTile | Mapping[str, Any] | int | str
GridIdRef = TilingGrid | Mapping[str, Any] | int | str
ProgressCallback = Callable[[BatchProgress], Any]


def _watch(batch_request: BatchRequestRef, *, job: bool, count_tiles: bool) -> BatchWatch:
    return BatchWatch(
        request_id_of(batch_request), job=job, tally=TileTally() if count_tiles else None
    )


class _BatchClientBase:
    """What the twins share: construction, and the helpers that only build dicts."""

    config: SHConfig
    _calls: BatchCalls

    def _prepare(self) -> None:
        self._calls = BatchCalls()

    @staticmethod
    def tiling_grid(
        grid_id: int, resolution: float, buffer: tuple[int, int] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """The ``tilingGrid`` of `create`: ``{"id", "resolution", "bufferX", "bufferY"}``.

        Args:
            grid_id: the grid's id (0 is the 20 km UTM grid; see `iter_tiling_grids`).
            resolution: the output resolution, one of the grid's ``resolutions``.
            buffer: ``(buffer_x, buffer_y)``: pixels added on each side of every tile.
            kwargs: further members, sent as given.
        """
        return build_tiling_grid(grid_id, resolution, buffer, kwargs)

    @staticmethod
    def output(
        *,
        default_tile_path: str | None = None,
        overwrite: bool | None = None,
        skip_existing: bool | None = None,
        cog_output: bool | None = None,
        cog_parameters: Mapping[str, Any] | None = None,
        create_collection: bool | None = None,
        collection_id: str | None = None,
        responses: Sequence[Mapping[str, Any]] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The ``output`` of `create` (members left None are not sent).

        Args:
            default_tile_path: ``s3://bucket/folder`` or a template with ``<tileName>``
                (or ``<tileId>``), ``<outputId>``, ``<requestId>`` and ``<format>``.
            overwrite: replace files that exist instead of failing.
            skip_existing: skip tiles whose outputs all exist.
            cog_output: write cloud-optimised GeoTIFFs.
            cog_parameters: their layout (``overviewLevels``, ``blockxsize``, ...).
            create_collection: make the outputs a new batch collection (needs ``cog_output``).
            collection_id: add the outputs to this batch collection instead.
            responses: per-output paths, ``[{"identifier": ..., "tilePath": ...}]``.
            kwargs: further members, sent as given.
        """
        options = {
            "default_tile_path": default_tile_path,
            "overwrite": overwrite,
            "skip_existing": skip_existing,
            "cog_output": cog_output,
            "cog_parameters": cog_parameters,
            "create_collection": create_collection,
            "collection_id": collection_id,
            "responses": responses,
        }
        return build_output(options, kwargs)


class SentinelHubBatch(_BatchClientBase, SyncService):
    """Client of the Batch Processing API v1, with sentinelhub-py's methods.

    Use it as a context manager, or call `close`, to release connections.
    """

    transport: SyncTransport

    # -- batch requests ------------------------------------------------------------------------

    def create(
        self,
        sentinelhub_request: Any,
        tiling_grid: Mapping[str, Any],
        output: Mapping[str, Any] | None = None,
        bucket_name: str | None = None,
        description: str | None = None,
        **kwargs: Any,
    ) -> BatchRequest:
        """Create a batch request (status CREATED) and return it.

        Args:
            sentinelhub_request: the Process API request each tile runs: a payload dict, or a
                ``SentinelHubRequest`` (any object with a ``body`` dict).
            tiling_grid: from `tiling_grid`.
            output: from `output`; or give ``bucket_name`` (or ``zarrOutput=...``).
            bucket_name: write to ``s3://<bucket_name>`` with the default layout.
            description: free text.
            kwargs: further members of the request, sent as given (camelCase).

        Sends ``POST /api/v1/batch/process`` with the request as JSON.

        Returns:
            The request as created (`BatchRequest`, status ``CREATED``, with its
                ``request_id``).

        Raises:
            SentinelHubValidationError: a missing or malformed member (nothing is sent).
            BadRequestError: the service refused the request (``errors`` names the field).
            APIConnectionError: no answer. Not replayed after an ambiguous failure (the error
                says so): look for the request with `get_latest_request` before trying again.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        payload = build_create_payload(
            sentinelhub_request, tiling_grid, output, bucket_name, description, kwargs
        )
        return self.transport.run(self._calls.create(payload))

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
    ) -> SyncPaginator[BatchRequest]:
        """The batch requests, lazily (nothing is sent until iterated).

        Args:
            user_id: only those of this user (``userid``).
            search: words to look for.
            sort: ``created``, ``created:desc``, ``status`` or ``status:desc``.
            count: page size, 1..100.
            max_items: stop after this many requests.
            viewtoken: resume from this page token (a paginator's ``next_token``).
            kwargs: further query parameters, sent as given.

        Returns:
            A `SyncPaginator` of `BatchRequest`; iterating it sends ``GET
                /api/v1/batch/process`` once per page.

        Raises:
            SentinelHubValidationError: a malformed argument, at once; errors of the requests
                (`APIError`, `APIConnectionError`) are raised while iterating.
        """
        listing = self._calls.request_listing(user_id, search, sort, kwargs)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    def get_latest_request(self) -> BatchRequest:
        """The batch request created last: sends ``GET
        /api/v1/batch/process?sort=created:desc&count=1``.

        Raises:
            SentinelHubValidationError: there is none (a `ValueError`, as in sentinelhub-py).
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        for request in self.iter_requests(sort="created:desc", count=1, max_items=1):
            return request
        raise SentinelHubValidationError("no batch request is available: create one first")

    def get_request(self, batch_request: BatchRequestRef) -> BatchRequest:
        """Read a batch request: sends ``GET /api/v1/batch/process/{id}``.

        Returns:
            The request as it is now (status, ``tile_count``, ``value_estimate``, ``error``...).

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.get_request(batch_request))

    def update_request(
        self,
        batch_request: BatchRequestRef,
        output: Mapping[str, Any] | None = None,
        description: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Change the output and/or description of a request that has not started: sends
        ``PUT /api/v1/batch/process/{id}``.

        Returns:
            None; read the request again to see the result.

        Raises:
            SentinelHubValidationError: a malformed id or member (nothing is sent).
            NotFoundError: no such request.
            ConflictError: the request has started.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        body = build_update_body(output, description, kwargs)
        return self.transport.run(self._calls.update_request(batch_request, body))

    def delete_request(self, batch_request: BatchRequestRef) -> None:
        """Delete a batch request (cancel it first if it runs); its outputs stay. Sends
        ``DELETE /api/v1/batch/process/{id}``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            ConflictError: the request is running.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.delete_request(batch_request))

    def start_analysis(self, batch_request: BatchRequestRef) -> None:
        """Ask for the analysis: the evalscript is checked, the tiles listed, the cost
        estimated (see `wait_for_analysis`). Sends ``POST /api/v1/batch/process/{id}/analyse``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            BadRequestError: the request's status does not allow it.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.action("start_analysis", batch_request))

    def start_job(self, batch_request: BatchRequestRef) -> None:
        """Start processing (after analysing, if that was not done); see `wait_for_job`.
        Sends ``POST /api/v1/batch/process/{id}/start``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            BadRequestError: the request's status does not allow it.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.action("start_job", batch_request))

    def cancel_job(self, batch_request: BatchRequestRef) -> None:
        """Cancel a request that is created, analysed or processing. Sends ``POST
        /api/v1/batch/process/{id}/cancel``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            BadRequestError: the request's status does not allow it.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.action("cancel_job", batch_request))

    def restart_job(self, batch_request: BatchRequestRef) -> None:
        """Process again the failed tiles of a PARTIAL request. Sends ``POST
        /api/v1/batch/process/{id}/restartpartial``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request.
            BadRequestError: the request is not PARTIAL.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.action("restart_job", batch_request))

    # -- tiles -----------------------------------------------------------------------------------

    def iter_tiles(
        self,
        batch_request: BatchRequestRef,
        status: BatchTileStatus | str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **kwargs: Any,
    ) -> SyncPaginator[BatchTile]:
        """The output tiles of an analysed request, lazily (they exist after the analysis).

        Args:
            batch_request: the request.
            status: only tiles with this `BatchTileStatus`.
            count: page size, 1..100.
            max_items: stop after this many tiles.
            viewtoken: resume from this page token.
            kwargs: further query parameters, sent as given.

        Returns:
            A `SyncPaginator` of `BatchTile`; iterating it sends ``GET
                /api/v1/batch/process/{id}/tiles`` once per page.

        Raises:
            SentinelHubValidationError: a malformed id, status or paging argument, at once;
                errors of the requests (`NotFoundError`, `APIError`, `APIConnectionError`) are
                raised while iterating.
        """
        listing = self._calls.tile_listing(batch_request, status, kwargs)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    def get_tile(self, batch_request: BatchRequestRef, tile_id: TileIdRef) -> BatchTile:
        """Read one output tile, by its numeric id: sends ``GET
        /api/v1/batch/process/{id}/tiles/{tile_id}``.

        Returns:
            The tile (`BatchTile`: name, status, geometry, cost).

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such request or tile.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.get_tile(batch_request, tile_id))

    # -- tiling grids ----------------------------------------------------------------------------

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
                /api/v1/batch/tilinggrids`` once per page.

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
        /api/v1/batch/tilinggrids/{id}``.

        Returns:
            The grid (`TilingGrid`: name, tile size, resolutions).

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such grid.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.get_tiling_grid(grid_id))

    # -- batch collections -----------------------------------------------------------------------

    def iter_collections(
        self,
        search: str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **kwargs: Any,
    ) -> SyncPaginator[BatchCollection]:
        """The batch collections, lazily (``search``: words to look for).

        Returns:
            A `SyncPaginator` of `BatchCollection`; iterating it sends ``GET
                /api/v1/batch/collections`` once per page.

        Raises:
            SentinelHubValidationError: a malformed argument, at once; errors of the requests
                are raised while iterating.
        """
        listing = self._calls.collection_listing(search, kwargs)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    def get_collection(self, collection_id: CollectionRef) -> BatchCollection:
        """Read one batch collection (by id, model or dict): sends ``GET
        /api/v1/batch/collections/{id}``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such collection.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.get_collection(collection_id))

    def create_collection(self, collection: BatchCollection | Mapping[str, Any]) -> BatchCollection:
        """Create a batch collection (``name``, ``s3Bucket``): sends ``POST
        /api/v1/batch/collections``.

        Returns:
            The collection as stored, with its id.

        Raises:
            SentinelHubValidationError: a missing or malformed field (nothing is sent).
            BadRequestError: the service refused a field.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.create_collection(collection))

    def update_collection(self, collection: BatchCollection | Mapping[str, Any]) -> None:
        """Update a batch collection (it must carry its id): sends ``PUT
        /api/v1/batch/collections/{id}``.

        Raises:
            SentinelHubValidationError: no id, or a malformed field (nothing is sent).
            NotFoundError: no such collection.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.update_collection(collection))

    def delete_collection(self, collection: CollectionRef) -> None:
        """Delete a batch collection: sends ``DELETE /api/v1/batch/collections/{id}``.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such collection.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.delete_collection(collection))

    # -- waiting ---------------------------------------------------------------------------------

    def _fetch(self, watch: BatchWatch) -> BatchProgress:
        request = self.get_request(watch.request_id)
        tally = watch.tally
        if tally is not None:
            tally.plan(request)
            while (step := tally.next_page()) is not None:
                status, page_request = step
                page: Page[BatchTile] = self.transport.run(
                    self._calls.list_tiles(watch.request_id, page_request, status=status.value)
                )
                tally.accept(status, len(page.items), page.next_token)
        return watch.progress(request)

    def wait_for_analysis(
        self,
        batch_request: BatchRequestRef,
        *,
        interval: float = DEFAULT_ANALYSIS_INTERVAL,
        timeout: float | None = DEFAULT_ANALYSIS_TIMEOUT,
        callback: ProgressCallback | None = None,
    ) -> BatchRequest:
        """Poll until the analysis is over (ANALYSIS_DONE or any later status); return the
        request.

        Args:
            batch_request: the request (`start_analysis` or `start_job` called on it).
            interval: seconds between polls.
            timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`.
            callback: called with a `BatchProgress` after each poll.

        Each poll sends what `get_request` sends.

        Raises:
            BatchFailedError: the request FAILED (with the service's ``error``).
            SentinelHubValidationError: no analysis was asked for (at once).
            WaitTimeoutError: ``timeout`` passed first.
            APIError, APIConnectionError: as for `get_request`.
        """
        watch = _watch(batch_request, job=False, count_tiles=False)
        return wait_until_done(poll, self._fetch, watch, interval, timeout, callback).request

    def wait_for_job(
        self,
        batch_request: BatchRequestRef,
        *,
        interval: float = DEFAULT_JOB_INTERVAL,
        timeout: float | None = None,
        callback: ProgressCallback | None = None,
        progress: bool = False,
        count_tiles: bool = False,
    ) -> BatchRequest:
        """Poll until the job ends (DONE, PARTIAL or CANCELED); return the request.

        It goes through the analysis when the job was started from CREATED. Each poll reads the
        request; tiles are counted only for ``progress`` / ``count_tiles``, a few pages per poll
        (see `sentinelhub_client.batch.monitoring`).

        Args:
            batch_request: the request (`start_job` called on it).
            interval: seconds between polls.
            timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`.
            callback: called with a `BatchProgress` after each poll.
            progress: show a progress bar of processed / failed tiles on standard error.
            count_tiles: count processed / failed tiles for the callback without a bar.

        Each poll sends what `get_request` sends, and when counting, a few ``GET
        .../tiles?status=...`` pages.

        Raises:
            BatchFailedError: the request FAILED (with the service's ``error``).
            SentinelHubValidationError: the job was never started (at once).
            WaitTimeoutError: ``timeout`` passed first.
            APIError, APIConnectionError: as for `get_request`.
        """
        watch = _watch(batch_request, job=True, count_tiles=progress or count_tiles)
        display = progress_display(progress, watch.label)
        final = wait_until_done(poll, self._fetch, watch, interval, timeout, callback, display)
        return final.request

    monitor_batch_analysis = wait_for_analysis
    monitor_batch_job = wait_for_job

    # -- lifecycle -------------------------------------------------------------------------------


class AsyncSentinelHubBatch(_BatchClientBase, AsyncService):
    """Async client of the Batch Processing API v1: the methods of `SentinelHubBatch`, awaitable.

    The ``iter_*`` methods return async iterators (``async for tile in batch.iter_tiles(r)``, no
    ``await``); ``tiling_grid`` and ``output`` are the same plain static helpers;
    ``http_client`` is an `httpx.AsyncClient`; a ``callback`` of the waits may be a coroutine
    function.
    """

    transport: AsyncTransport

    async def create(
        self,
        sentinelhub_request: Any,
        tiling_grid: Mapping[str, Any],
        output: Mapping[str, Any] | None = None,
        bucket_name: str | None = None,
        description: str | None = None,
        **kwargs: Any,
    ) -> BatchRequest:
        payload = build_create_payload(
            sentinelhub_request, tiling_grid, output, bucket_name, description, kwargs
        )
        return await self.transport.run(self._calls.create(payload))

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
    ) -> AsyncPaginator[BatchRequest]:
        listing = self._calls.request_listing(user_id, search, sort, kwargs)
        return AsyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    async def get_latest_request(self) -> BatchRequest:
        async for request in self.iter_requests(sort="created:desc", count=1, max_items=1):
            return request
        raise SentinelHubValidationError("no batch request is available: create one first")

    async def get_request(self, batch_request: BatchRequestRef) -> BatchRequest:
        return await self.transport.run(self._calls.get_request(batch_request))

    async def update_request(
        self,
        batch_request: BatchRequestRef,
        output: Mapping[str, Any] | None = None,
        description: str | None = None,
        **kwargs: Any,
    ) -> None:
        body = build_update_body(output, description, kwargs)
        return await self.transport.run(self._calls.update_request(batch_request, body))

    async def delete_request(self, batch_request: BatchRequestRef) -> None:
        return await self.transport.run(self._calls.delete_request(batch_request))

    async def start_analysis(self, batch_request: BatchRequestRef) -> None:
        return await self.transport.run(self._calls.action("start_analysis", batch_request))

    async def start_job(self, batch_request: BatchRequestRef) -> None:
        return await self.transport.run(self._calls.action("start_job", batch_request))

    async def cancel_job(self, batch_request: BatchRequestRef) -> None:
        return await self.transport.run(self._calls.action("cancel_job", batch_request))

    async def restart_job(self, batch_request: BatchRequestRef) -> None:
        return await self.transport.run(self._calls.action("restart_job", batch_request))

    def iter_tiles(
        self,
        batch_request: BatchRequestRef,
        status: BatchTileStatus | str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **kwargs: Any,
    ) -> AsyncPaginator[BatchTile]:
        listing = self._calls.tile_listing(batch_request, status, kwargs)
        return AsyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    async def get_tile(self, batch_request: BatchRequestRef, tile_id: TileIdRef) -> BatchTile:
        return await self.transport.run(self._calls.get_tile(batch_request, tile_id))

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

    def iter_collections(
        self,
        search: str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **kwargs: Any,
    ) -> AsyncPaginator[BatchCollection]:
        listing = self._calls.collection_listing(search, kwargs)
        return AsyncPaginator(
            lambda page: self.transport.run(listing(page)), **paging(count, max_items, viewtoken)
        )

    async def get_collection(self, collection_id: CollectionRef) -> BatchCollection:
        return await self.transport.run(self._calls.get_collection(collection_id))

    async def create_collection(
        self, collection: BatchCollection | Mapping[str, Any]
    ) -> BatchCollection:
        return await self.transport.run(self._calls.create_collection(collection))

    async def update_collection(self, collection: BatchCollection | Mapping[str, Any]) -> None:
        return await self.transport.run(self._calls.update_collection(collection))

    async def delete_collection(self, collection: CollectionRef) -> None:
        return await self.transport.run(self._calls.delete_collection(collection))

    async def _fetch(self, watch: BatchWatch) -> BatchProgress:
        request = await self.get_request(watch.request_id)
        tally = watch.tally
        if tally is not None:
            tally.plan(request)
            while (step := tally.next_page()) is not None:
                status, page_request = step
                page: Page[BatchTile] = await self.transport.run(
                    self._calls.list_tiles(watch.request_id, page_request, status=status.value)
                )
                tally.accept(status, len(page.items), page.next_token)
        return watch.progress(request)

    async def wait_for_analysis(
        self,
        batch_request: BatchRequestRef,
        *,
        interval: float = DEFAULT_ANALYSIS_INTERVAL,
        timeout: float | None = DEFAULT_ANALYSIS_TIMEOUT,  # noqa: ASYNC109 - the sync twin's
        callback: ProgressCallback | None = None,
    ) -> BatchRequest:
        watch = _watch(batch_request, job=False, count_tiles=False)
        final = await await_until_done(apoll, self._fetch, watch, interval, timeout, callback)
        return final.request

    async def wait_for_job(
        self,
        batch_request: BatchRequestRef,
        *,
        interval: float = DEFAULT_JOB_INTERVAL,
        timeout: float | None = None,  # noqa: ASYNC109 - the same signature as the sync twin
        callback: ProgressCallback | None = None,
        progress: bool = False,
        count_tiles: bool = False,
    ) -> BatchRequest:
        watch = _watch(batch_request, job=True, count_tiles=progress or count_tiles)
        display = progress_display(progress, watch.label)
        final = await await_until_done(
            apoll, self._fetch, watch, interval, timeout, callback, display
        )
        return final.request

    monitor_batch_analysis = wait_for_analysis
    monitor_batch_job = wait_for_job


share_docstrings(AsyncSentinelHubBatch, SentinelHubBatch)


# -- sentinelhub-py's module functions (its Batch v1 API, removed there in 3.11.2) ----------------


def monitor_batch_analysis(
    batch_request: BatchRequestRef,
    config: SHConfig | None = None,
    sleep_time: int = 10,
) -> BatchRequest:
    """Wait for a Batch v1 analysis, polling every ``sleep_time`` s (at least 5), as
    sentinelhub-py's function of that name; return the request (ANALYSIS_DONE or later).

    Differences on purpose: a FAILED request raises `BatchFailedError` (sentinelhub-py returned
    it), and the client's bounded retries apply to every poll.
    """
    from sentinelhub_client.batch_v2.monitoring import check_sleep_times

    check_sleep_times(None, sleep_time)
    with SentinelHubBatch(config) as client:
        return client.wait_for_analysis(batch_request, interval=sleep_time, timeout=None)


def monitor_batch_job(
    batch_request: BatchRequestRef,
    config: SHConfig | None = None,
    sleep_time: int = 120,
    analysis_sleep_time: int = 10,
) -> defaultdict[BatchTileStatus, list[dict[str, Any]]]:
    """Wait for a started Batch v1 job with a progress bar, as sentinelhub-py's function of that
    name: the analysis polled every ``analysis_sleep_time`` s (at least 5), the processing every
    ``sleep_time`` s (at least 60); return its tiles grouped by status (the tile dicts).

    Differences on purpose: a FAILED request raises `BatchFailedError`, and the client's bounded
    retries apply to every poll.
    """
    from sentinelhub_client.batch_v2.monitoring import check_sleep_times

    check_sleep_times(sleep_time, analysis_sleep_time)
    tiles: defaultdict[BatchTileStatus, list[dict[str, Any]]] = defaultdict(list)
    with SentinelHubBatch(config) as client:
        client.wait_for_analysis(batch_request, interval=analysis_sleep_time, timeout=None)
        client.wait_for_job(batch_request, interval=sleep_time, progress=True)
        for tile in client.iter_tiles(batch_request).as_dicts():
            tiles[BatchTileStatus(tile.get("status", ""))].append(tile)
    return tiles

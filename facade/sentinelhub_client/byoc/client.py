"""The BYOC service: `SentinelHubBYOC` (sync) and `AsyncSentinelHubBYOC` (async).

Both are thin shells over `ByocCalls` (``byoc/calls.py``), which checks the arguments, builds every
request and parses every answer without I/O; the shells run those calls on their transport
(`SyncTransport` / `AsyncTransport`), which adds OAuth, retries and the typed errors. The paging
and waiting decisions are shared the same way (`sentinelhub_client._core.pagination`,
`IngestionWatch`). Docstrings are written once, on the sync class.

Collections and tiles can be given as a model, a dict with an ``id`` (as sentinelhub-py returned),
an id string, or any object with a ``collection_id`` / ``tile_id`` attribute (sentinelhub-py's
``DataCollection`` and models).

Retry policy per call: ``byoc.with_options(retry=RetryPolicy(max_attempts=1))`` returns a client
sharing the same connection pool and token with another policy (and/or timeout); it can be used
once (``byoc.with_options(...).get_tile(...)``) or kept, or used as a context manager.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import SentinelHubError, WaitTimeoutError
from sentinelhub_client._core.pagination import (
    DEFAULT_PAGE_SIZE,
    AsyncPaginator,
    SyncPaginator,
)
from sentinelhub_client._core.polling import apoll, poll
from sentinelhub_client._core.service import AsyncService, SyncService, share_docstrings
from sentinelhub_client.byoc import bulk as _bulk
from sentinelhub_client.byoc.bulk import (
    DEFAULT_BULK_CONCURRENCY,
    DEFAULT_MAX_ROUNDS,
    RegistrationReport,
)
from sentinelhub_client.byoc.calls import (
    ByocCalls,
    CollectionRef,
    TileRef,
    check_destination,
    check_file_list,
    collection_id_of,
    tile_id_of,
)
from sentinelhub_client.byoc.files import aio as _adl
from sentinelhub_client.byoc.files import sync as _dl
from sentinelhub_client.byoc.files.core import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    DEFAULT_PART_SIZE,
    ProgressCallback,
)
from sentinelhub_client.byoc.models import ByocCollection, ByocTile, TileStatus
from sentinelhub_client.byoc.waiting import IngestionSummary, IngestionWatch

__all__ = ["AsyncSentinelHubBYOC", "SentinelHubBYOC"]


# -- the clients -------------------------------------------------------------------------------


def _file_ids(collection: CollectionRef, tile: TileRef) -> tuple[str, str]:
    return str(collection_id_of(collection)), str(tile_id_of(tile))


def _file_options(config: SHConfig) -> dict[str, Any]:
    """The settings every file call shares: where the BYOC API is. The file calls run on the
    client's transport, so its retry policy and timeout (`with_options`) apply to them too."""
    return {"byoc_base_path": config.byoc_base_path}


class _ByocClientBase:
    """What the twins share beyond `SyncService` / `AsyncService`: their calls and paging."""

    config: SHConfig
    _calls: ByocCalls

    def _prepare(self) -> None:
        self._calls = ByocCalls(self.config.byoc_base_path)

    @staticmethod
    def _paging(
        count: int, max_items: int | None, viewtoken: str | None, model: type[Any]
    ) -> dict[str, Any]:
        """The paginator settings of a listing whose items are ``model``."""
        return {
            "count": count,
            "max_items": max_items,
            "viewtoken": viewtoken,
            "wrap": model._from_wire,
        }


class SentinelHubBYOC(_ByocClientBase, SyncService):
    """Client of the BYOC API (Bring Your Own COG), with sentinelhub-py's methods.

    Use it as a context manager, or call `close`, to release connections.
    """

    # -- collections -------------------------------------------------------------------------

    def iter_collections(
        self,
        search: str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **params: Any,
    ) -> SyncPaginator[ByocCollection]:
        """The collections, lazily (nothing is sent until iterated).

        Args:
            search: words to look for; ``|`` means or, ``&`` means and.
            count: page size, 1..100.
            max_items: stop after this many collections.
            viewtoken: resume from this page token (a paginator's ``next_token``).
            params: further query parameters, sent as they are (sentinelhub-py's ``**kwargs``).

        Returns:
            A `SyncPaginator` of `ByocCollection`; iterating it sends ``GET
                {byoc_base_path}/collections`` once per page. ``.as_dicts()`` gives the plain dicts
                the service sent instead of models.

        Raises:
            SentinelHubValidationError: a ``count``, ``max_items`` or ``viewtoken`` out of range,
                at once; errors of the requests (`APIError`, `APIConnectionError`) are raised
                while iterating.
        """
        listing = self._calls.collection_listing(search, params)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)),
            **self._paging(count, max_items, viewtoken, ByocCollection),
        )

    def get_collection(self, collection: CollectionRef) -> ByocCollection:
        """Read one collection: sends ``GET {byoc_base_path}/collections/{id}``.

        Args:
            collection: the collection, as a `ByocCollection`, a dict with its ``id``, or its id.

        Returns:
            The collection as the service stores it.

        Raises:
            SentinelHubValidationError: ``collection`` holds no valid id (nothing is sent).
            NotFoundError: no collection with this id is visible to the account.
            APIError: any other error answer, after the retries of the retry policy.
            APIConnectionError: no answer, after the retries.
        """
        return self.transport.run(self._calls.get_collection(collection))

    def create_collection(self, collection: ByocCollection | Mapping[str, Any]) -> ByocCollection:
        """Create a collection: sends ``POST {byoc_base_path}/collections`` with its JSON.

        Args:
            collection: a `ByocCollection` or a dict in the wire's camelCase (``name`` and
                ``s3Bucket`` at least).

        Returns:
            The collection as stored, with its ``collection_id``.

        Raises:
            SentinelHubValidationError: a missing or malformed field (nothing is sent).
            BadRequestError: the service refused a field; ``errors`` names it.
            APIConnectionError: no answer. It is not replayed after an ambiguous failure (the
                request may have been acted upon; the error says so): look before retrying.
            APIError: any other error answer.
        """
        return self.transport.run(self._calls.create_collection(collection))

    def update_collection(self, collection: ByocCollection | Mapping[str, Any]) -> None:
        """Replace a collection's name, bucket, noData and bands: sends ``PUT
        {byoc_base_path}/collections/{id}`` (an omitted noData is deleted).

        Args:
            collection: the collection with its ``collection_id`` (a model or a wire dict).

        Returns:
            None; read the collection again to see the result.

        Raises:
            SentinelHubValidationError: no id, or a malformed field (nothing is sent).
            NotFoundError: no such collection.
            BadRequestError: the service refused the change (``errors`` names the field).
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.update_collection(collection))

    def delete_collection(self, collection: CollectionRef) -> None:
        """Delete a collection and its tiles: sends ``DELETE {byoc_base_path}/collections/{id}``.

        Returns:
            None.

        Raises:
            SentinelHubValidationError: ``collection`` holds no valid id (nothing is sent).
            NotFoundError: no such collection.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.delete_collection(collection))

    def copy_tiles(self, from_collection: CollectionRef, to_collection: CollectionRef) -> None:
        """Copy the ingested tiles of one collection into another: sends ``POST
        {byoc_base_path}/collections/{from}/copyTiles?toCollection={to}``.

        Paths already in the target are skipped. The copy runs on the service; this returns
        when it has been accepted, without waiting for it.

        Returns:
            None.

        Raises:
            SentinelHubValidationError: either argument holds no valid id (nothing is sent).
            NotFoundError: either collection does not exist.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.copy_tiles(from_collection, to_collection))

    # -- tiles -------------------------------------------------------------------------------

    def iter_tiles(
        self,
        collection: CollectionRef,
        sort: str | None = None,
        path: str | None = None,
        status: TileStatus | str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **params: Any,
    ) -> SyncPaginator[ByocTile]:
        """The tiles of a collection, lazily (nothing is sent until iterated).

        Args:
            collection: the collection.
            sort: ``created:asc`` or ``created:desc``.
            path: only the tile with exactly this path.
            status: only tiles with this status.
            count: page size, 1..100.
            max_items: stop after this many tiles.
            viewtoken: resume from this page token (a paginator's ``next_token``).
            params: further query parameters, sent as they are (sentinelhub-py's ``**kwargs``).

        Returns:
            A `SyncPaginator` of `ByocTile`; iterating it sends ``GET
                {byoc_base_path}/collections/{id}/tiles`` once per page. ``.as_dicts()`` gives the
                plain dicts the service sent instead of models.

        Raises:
            SentinelHubValidationError: a malformed collection id, ``sort``, ``status``,
                ``count``, ``max_items`` or ``viewtoken``, at once; errors of the requests
                (`NotFoundError` for an unknown collection, `APIError`, `APIConnectionError`)
                are raised while iterating.
        """
        listing = self._calls.tile_listing(collection, sort, path, status, params)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)),
            **self._paging(count, max_items, viewtoken, ByocTile),
        )

    def get_tile(self, collection: CollectionRef, tile: TileRef) -> ByocTile:
        """Read one tile: sends ``GET {byoc_base_path}/collections/{id}/tiles/{tile_id}``.

        Args:
            collection: the collection (model, dict with ``id``, or id).
            tile: the tile (model, dict with ``id``, or id).

        Returns:
            The tile as it is now: status, geometry, ``additional_data`` (with
                ``failedIngestionCause`` when it FAILED).

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such collection or tile.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.get_tile(collection, tile))

    def create_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> ByocTile:
        """Register a tile for ingestion: sends ``POST {byoc_base_path}/collections/{id}/tiles``.

        Args:
            collection: the collection (model, dict with ``id``, or id).
            tile: a `ByocTile` or a wire dict: ``path`` (with ``(BAND)`` unless the collection
                has one file per tile), and optionally ``sensingTime`` and ``coverGeometry``.

        Returns:
            The tile as registered, status ``WAITING``; see `wait_for_tiles`.

        Raises:
            SentinelHubValidationError: a malformed id, path or geometry (nothing is sent).
            ConflictError: the collection already has a tile with this path.
            NotFoundError: no such collection.
            BadRequestError: the service refused a field (``errors`` names it).
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.

        After an ambiguous failure (timeout, dropped connection, 5xx) the tile is looked up by
        its path before any retry, so a retry never creates a duplicate. It counts as created by
        this call only if it was created after the call started, with the fields sent; a tile
        that was already there raises `ConflictError`, as it would without the failure.

        The residual window: the service gives no way to tell who created a tile, so "after the
        call started" is judged by the tile's ``created`` time with 2 seconds of allowance for
        clock skew (`sentinelhub_client.byoc.calls.CLOCK_SKEW`). A tile with the same path,
        sensing time and cover geometry that someone else created in the 2 seconds before this
        call, or while it ran, is taken as this call's after an ambiguous failure (without a
        failure the service's 409 tells them apart). `register_tiles` does not depend on this
        window for tiles that were there before it started: it lists the collection first and
        reports those as skipped without sending a create.
        """
        call = self._calls.create_tile(collection, tile)
        return self._calls.created_tile(self.transport.run(call), collection)

    def update_tile(self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]) -> None:
        """Replace a tile's path, cover geometry and sensing time: sends ``PUT
        {byoc_base_path}/collections/{id}/tiles/{tile_id}``.

        Args:
            collection: the collection (model, dict with ``id``, or id).
            tile: the tile with its ``tile_id`` (a model or a wire dict).

        Returns:
            None; read the tile again to see the result.

        Raises:
            SentinelHubValidationError: no tile id, or a malformed field (nothing is sent).
            NotFoundError: no such collection or tile.
            BadRequestError: the service refused the change (``errors`` names the field).
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.update_tile(collection, tile))

    def delete_tile(self, collection: CollectionRef, tile: TileRef) -> None:
        """Delete a tile: sends ``DELETE {byoc_base_path}/collections/{id}/tiles/{tile_id}``.

        Returns:
            None. The files in the bucket are not touched.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such collection or tile.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.delete_tile(collection, tile))

    def reingest_tile(self, collection: CollectionRef, tile: TileRef) -> None:
        """Ingest a tile again, after fixing its files: sends ``POST
        {byoc_base_path}/collections/{id}/tiles/{tile_id}/reingest``.

        Returns:
            None; the tile goes back to ``WAITING`` (see `wait_for_tiles`).

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such collection or tile.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return self.transport.run(self._calls.reingest_tile(collection, tile))

    # -- files of Planet tiles ---------------------------------------------------------------

    def list_tile_files(self, collection: CollectionRef, tile: TileRef) -> list[str]:
        """List the files of a tile of a Planet collection: sends ``GET
        {byoc_base_path}/collections/{id}/tiles/{tile_id}/files``.

        Returns:
            The paths of the files, relative to the tile and ``/``-separated.

        Raises:
            SentinelHubValidationError: a malformed id (nothing is sent).
            NotFoundError: no such tile, or a collection that is not a Planet one (other
                collections have no files).
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return _dl.list_tile_files(
            self.transport,
            *_file_ids(collection, tile),
            **_file_options(self.config),
        )

    def get_tile_file_size(self, collection: CollectionRef, tile: TileRef, path: str) -> int:
        """Size of one file of a tile: sends ``HEAD .../tiles/{tile_id}/files/{path}``.

        Returns:
            The size in bytes.

        Raises:
            SentinelHubValidationError: a malformed id or path (nothing is sent).
            NotFoundError: no such tile or file.
            APIError: any other error answer; `APIConnectionError`: no answer, after retries.
        """
        return _dl.get_tile_file_size(
            self.transport,
            *_file_ids(collection, tile),
            path,
            **_file_options(self.config),
        )

    def read_tile_file(
        self,
        collection: CollectionRef,
        tile: TileRef,
        path: str,
        start: int | None = None,
        end: int | None = None,
    ) -> bytes:
        """Read bytes of one file into memory: sends ``GET .../tiles/{tile_id}/files/{path}``,
        with ``Range: bytes=start-end`` when a range is given.

        Args:
            start: first byte (None: from the start).
            end: last byte, included as in HTTP ranges (None: to the end).

        Returns:
            The bytes. For whole files use `download_tile_file`, which streams to disk.

        Raises:
            SentinelHubValidationError: a malformed id, path or range (nothing is sent).
            NotFoundError: no such tile or file.
            DownloadError: the file changed on the server while it was read.
            APIError: any other error answer (416 for a range past the end);
                `APIConnectionError`: no answer, after retries.
        """
        return _dl.read_tile_file(
            self.transport,
            *_file_ids(collection, tile),
            path,
            start,
            end,
            **_file_options(self.config),
        )

    def iter_tile_file(
        self,
        collection: CollectionRef,
        tile: TileRef,
        path: str,
        *,
        start: int | None = None,
        end: int | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> Iterator[bytes]:
        """Stream bytes ``start..end`` of a file in chunks: sends ``GET
        .../tiles/{tile_id}/files/{path}`` when iteration starts.

        A dropped connection is resumed where it stopped (``Range`` + ``If-Range`` on the
        file's ETag).

        Returns:
            An iterator of chunks of at most ``chunk_size`` bytes.

        Raises:
            SentinelHubValidationError: a malformed id, path or range (at once).
            DownloadError: the file changed on the server meanwhile (while iterating).
            NotFoundError, APIError, APIConnectionError: as for `read_tile_file`, while
                iterating.
        """
        return _dl.iter_tile_file(
            self.transport,
            *_file_ids(collection, tile),
            path,
            start=start,
            end=end,
            chunk_size=chunk_size,
            **_file_options(self.config),
        )

    def download_tile_file(
        self,
        collection: CollectionRef,
        tile: TileRef,
        path: str,
        destination: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        resume: bool = True,
        concurrency: int = DEFAULT_CONCURRENCY,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        part_size: int = DEFAULT_PART_SIZE,
        progress: ProgressCallback | None = None,
    ) -> Path:
        """Download one file of a tile to ``destination`` and return its path.

        Bytes stream into ``<destination>.part`` (large files as ``concurrency`` parallel byte
        ranges of ``part_size``, each retried on its own); a run after an interruption resumes
        from what is on disk, guarded by the file's ETag; the complete file is size-checked and
        renamed into place. An existing ``destination`` is kept unless ``overwrite``.
        ``progress(done_bytes, total_bytes)`` is called as bytes arrive.

        Sends ``GET`` requests of the file (byte ranges of ``part_size`` for a large file,
        ``concurrency`` at a time).

        Returns:
            The path of the downloaded file.

        Raises:
            DownloadExistsError: ``destination`` exists and ``overwrite`` is False.
            DownloadDiskError: writing failed (the ``.part`` file is kept to resume).
            DownloadError: the file changed on the server during the download, twice, or the
                server's answers do not fit what was asked.
            NotFoundError: no such tile or file.
            SentinelHubValidationError: a malformed id, path or option (nothing is sent).
            APIError, APIConnectionError: after the retries of each request.
        """
        return _dl.download_tile_file(
            self.transport,
            *_file_ids(collection, tile),
            path,
            check_destination(destination),
            overwrite=overwrite,
            resume=resume,
            concurrency=concurrency,
            chunk_size=chunk_size,
            part_size=part_size,
            progress=progress,
            **_file_options(self.config),
        )

    def download_tile(
        self,
        collection: CollectionRef,
        tile: TileRef,
        directory: str | os.PathLike[str],
        *,
        files: Iterable[str] | None = None,
        overwrite: bool = False,
        resume: bool = True,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: ProgressCallback | None = None,
    ) -> list[Path]:
        """Download every file of a tile (or only ``files``) into ``directory``, keeping the
        tile's sub-folders; files already complete there are skipped. ``progress`` sees the
        bytes of all files together.

        Sends the file listing (unless ``files`` is given), then what `download_tile_file`
        sends for each file, ``concurrency`` at a time.

        Returns:
            The local paths of the tile's files.

        Raises:
            TileDownloadError: some files failed; ``failures`` maps each to its error and
                ``completed`` lists the files in place.
            DownloadExistsError: an incomplete file is in the way and ``overwrite`` is False
                (before anything is fetched).
            DownloadError: a file's path would land outside ``directory``.
            NotFoundError: no such tile, or not a Planet collection.
            SentinelHubValidationError: a malformed id, file list or option (nothing is sent).
        """
        return _dl.download_tile(
            self.transport,
            *_file_ids(collection, tile),
            check_destination(directory, "directory"),
            files=check_file_list(files),
            overwrite=overwrite,
            resume=resume,
            concurrency=concurrency,
            progress=progress,
            **_file_options(self.config),
        )

    def wait_for_tiles(
        self,
        collection: CollectionRef,
        tiles: Iterable[TileRef] | None = None,
        *,
        interval: float = 5.0,
        timeout: float | None = 600.0,
        callback: Callable[[list[ByocTile]], Any] | None = None,
        raise_on_failure: bool = False,
    ) -> list[ByocTile]:
        """Poll until every tile is ``INGESTED`` or ``FAILED``; return their final state.

        Each poll is one paged listing of the collection's tiles, newest first, that stops as
        soon as every watched tile still pending has been seen: 1,000 fresh tiles cost 10
        requests a poll, not 1,000. A poll whose request runs out of retries (429, 5xx, dropped
        connection) keeps what it learnt and the wait goes on; only ``timeout`` ends it.

        Args:
            collection: the collection.
            tiles: the tiles to watch (models, dicts or ids); None waits until no tile of the
                collection is pending (each poll lists only WAITING, QUEUED and INGESTING
                tiles, with the ``status`` filter; the full listing is read once, at the end).
            interval: seconds between polls.
            timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`, whose
                ``pending`` holds the unfinished tiles.
            callback: called with the latest tiles after each poll (for progress).
            raise_on_failure: raise `IngestionError` if any tile ``FAILED`` (its ``tiles``: the
                failed ones with their ``failed_ingestion_cause``; ``results``: every tile).

        A watched tile deleted meanwhile raises `IngestionError`.
        """
        watch = IngestionWatch.start(
            collection, tiles, interval=interval, timeout=timeout, now=0.0, callback=callback
        )

        def fetch() -> IngestionWatch:
            watch.begin_pass()
            try:
                while (query := watch.next_listing()) is not None:
                    sort, status = query
                    listing = self.iter_tiles(watch.collection_id, sort=sort, status=status)
                    for tile in listing:
                        watch.see(tile)
                        if watch.enough:
                            break
                    watch.listing_done(listing.exhausted)
            except SentinelHubError as exc:
                watch.poll_failed(exc)
            return watch

        try:
            poll(
                fetch,
                lambda w: w.done,
                interval=interval,
                timeout=timeout,
                on_update=None if callback is None else lambda w: callback(w.tiles()),
                what=watch.what,
            )
        except WaitTimeoutError as exc:
            raise watch.timed_out(exc.timeout) from exc
        return watch.finish(raise_on_failure)

    def wait_for_ingestion(
        self,
        collection: CollectionRef,
        tiles: Iterable[TileRef] | None = None,
        *,
        interval: float = 5.0,
        timeout: float | None = 600.0,
        on_update: Callable[[IngestionSummary], Any] | None = None,
    ) -> IngestionSummary:
        """Wait until every given tile (or every tile of the collection) is INGESTED or FAILED,
        by listing (see `wait_for_tiles`, which does the polling), and summarise.

        Returns an `IngestionSummary` (``ingested``, ``failed``, ``counts``) when every tile was
        ingested. ``on_update`` gets a summary after each poll. Raises `IngestionError` if any
        tile FAILED (``tiles``: the failed ones, each with its ``failedIngestionCause``;
        ``results``: every tile) and `WaitTimeoutError` after ``timeout`` seconds (``pending``:
        the unfinished tiles).
        """
        final = self.wait_for_tiles(
            collection,
            tiles,
            interval=interval,
            timeout=timeout,
            callback=None if on_update is None else lambda now: on_update(IngestionSummary(now)),
            raise_on_failure=True,
        )
        return IngestionSummary(final)

    def register_tiles(
        self,
        collection: CollectionRef,
        tiles: Iterable[ByocTile | Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_BULK_CONCURRENCY,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        progress: Callable[[int, int], Any] | None = None,
    ) -> RegistrationReport:
        """Register many tiles, ``concurrency`` at a time; safe to run again.

        Paths already in the collection are skipped: one listing before the first create finds
        them (not one request per tile, and not the time window of `create_tile`'s recovery),
        so a run after an interruption, even ``kill -9``, creates no duplicates, and a tile
        that was there before the run is reported ``skipped`` however recently it was made. A
        create that gave up under the retry policy (429, 5xx, dropped connections) is settled by
        listing and tried again in a later round (at most ``max_rounds``, pausing longer each
        round); a tile refused for good (400...) is reported with the service's reason.

        Args:
            collection: the collection.
            tiles: `ByocTile` models or dicts, each with its path and optionally its
                ``coverGeometry`` and ``sensingTime``; each path once.
            concurrency: creates in flight at once.
            max_rounds: rounds of creation before a tile that keeps failing is reported.
            progress: called as ``progress(done, total)`` each time a tile is settled.

        Sends one paged ``GET {byoc_base_path}/collections/{id}/tiles`` listing per round, and
        one ``POST .../tiles`` (`create_tile`) per tile not yet in the collection.

        Returns a `RegistrationReport`: ``created``, ``skipped`` and ``failed`` (with reasons);
        together they hold every tile given. A tile refused by the service is in ``failed``,
        not raised.

        Raises:
            SentinelHubValidationError: malformed tiles, a path given twice, or a bad option
                (nothing is sent).
            APIError, APIConnectionError: a listing that still fails after its retries (e.g.
                `NotFoundError` for an unknown collection).
        """
        job = _bulk.Registration(
            collection, tiles, concurrency=concurrency, max_rounds=max_rounds, progress=progress
        )
        return _bulk.register_tiles(self, job)

    # -- lifecycle ---------------------------------------------------------------------------


class AsyncSentinelHubBYOC(_ByocClientBase, AsyncService):
    """Async client of the BYOC API: the methods of `SentinelHubBYOC`, awaitable.

    ``iter_collections`` / ``iter_tiles`` return async iterators: ``async for tile in
    byoc.iter_tiles(collection)`` (no ``await``). ``http_client`` is an `httpx.AsyncClient`.
    """

    def iter_collections(
        self,
        search: str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **params: Any,
    ) -> AsyncPaginator[ByocCollection]:
        listing = self._calls.collection_listing(search, params)
        return AsyncPaginator(
            lambda page: self.transport.run(listing(page)),
            **self._paging(count, max_items, viewtoken, ByocCollection),
        )

    async def get_collection(self, collection: CollectionRef) -> ByocCollection:
        return await self.transport.run(self._calls.get_collection(collection))

    async def create_collection(
        self, collection: ByocCollection | Mapping[str, Any]
    ) -> ByocCollection:
        return await self.transport.run(self._calls.create_collection(collection))

    async def update_collection(self, collection: ByocCollection | Mapping[str, Any]) -> None:
        return await self.transport.run(self._calls.update_collection(collection))

    async def delete_collection(self, collection: CollectionRef) -> None:
        return await self.transport.run(self._calls.delete_collection(collection))

    async def copy_tiles(
        self, from_collection: CollectionRef, to_collection: CollectionRef
    ) -> None:
        return await self.transport.run(self._calls.copy_tiles(from_collection, to_collection))

    def iter_tiles(
        self,
        collection: CollectionRef,
        sort: str | None = None,
        path: str | None = None,
        status: TileStatus | str | None = None,
        *,
        count: int = DEFAULT_PAGE_SIZE,
        max_items: int | None = None,
        viewtoken: str | None = None,
        **params: Any,
    ) -> AsyncPaginator[ByocTile]:
        listing = self._calls.tile_listing(collection, sort, path, status, params)
        return AsyncPaginator(
            lambda page: self.transport.run(listing(page)),
            **self._paging(count, max_items, viewtoken, ByocTile),
        )

    async def get_tile(self, collection: CollectionRef, tile: TileRef) -> ByocTile:
        return await self.transport.run(self._calls.get_tile(collection, tile))

    async def create_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> ByocTile:
        call = self._calls.create_tile(collection, tile)
        return self._calls.created_tile(await self.transport.run(call), collection)

    async def update_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> None:
        return await self.transport.run(self._calls.update_tile(collection, tile))

    async def delete_tile(self, collection: CollectionRef, tile: TileRef) -> None:
        return await self.transport.run(self._calls.delete_tile(collection, tile))

    async def reingest_tile(self, collection: CollectionRef, tile: TileRef) -> None:
        return await self.transport.run(self._calls.reingest_tile(collection, tile))

    async def list_tile_files(self, collection: CollectionRef, tile: TileRef) -> list[str]:
        return await _adl.alist_tile_files(
            self.transport,
            *_file_ids(collection, tile),
            **_file_options(self.config),
        )

    async def get_tile_file_size(self, collection: CollectionRef, tile: TileRef, path: str) -> int:
        return await _adl.aget_tile_file_size(
            self.transport,
            *_file_ids(collection, tile),
            path,
            **_file_options(self.config),
        )

    async def read_tile_file(
        self,
        collection: CollectionRef,
        tile: TileRef,
        path: str,
        start: int | None = None,
        end: int | None = None,
    ) -> bytes:
        return await _adl.aread_tile_file(
            self.transport,
            *_file_ids(collection, tile),
            path,
            start,
            end,
            **_file_options(self.config),
        )

    def iter_tile_file(
        self,
        collection: CollectionRef,
        tile: TileRef,
        path: str,
        *,
        start: int | None = None,
        end: int | None = None,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
    ) -> AsyncIterator[bytes]:
        return _adl.aiter_tile_file(
            self.transport,
            *_file_ids(collection, tile),
            path,
            start=start,
            end=end,
            chunk_size=chunk_size,
            **_file_options(self.config),
        )

    async def download_tile_file(
        self,
        collection: CollectionRef,
        tile: TileRef,
        path: str,
        destination: str | os.PathLike[str],
        *,
        overwrite: bool = False,
        resume: bool = True,
        concurrency: int = DEFAULT_CONCURRENCY,
        chunk_size: int = DEFAULT_CHUNK_SIZE,
        part_size: int = DEFAULT_PART_SIZE,
        progress: ProgressCallback | None = None,
    ) -> Path:
        return await _adl.adownload_tile_file(
            self.transport,
            *_file_ids(collection, tile),
            path,
            check_destination(destination),
            overwrite=overwrite,
            resume=resume,
            concurrency=concurrency,
            chunk_size=chunk_size,
            part_size=part_size,
            progress=progress,
            **_file_options(self.config),
        )

    async def download_tile(
        self,
        collection: CollectionRef,
        tile: TileRef,
        directory: str | os.PathLike[str],
        *,
        files: Iterable[str] | None = None,
        overwrite: bool = False,
        resume: bool = True,
        concurrency: int = DEFAULT_CONCURRENCY,
        progress: ProgressCallback | None = None,
    ) -> list[Path]:
        return await _adl.adownload_tile(
            self.transport,
            *_file_ids(collection, tile),
            check_destination(directory, "directory"),
            files=check_file_list(files),
            overwrite=overwrite,
            resume=resume,
            concurrency=concurrency,
            progress=progress,
            **_file_options(self.config),
        )

    async def wait_for_tiles(
        self,
        collection: CollectionRef,
        tiles: Iterable[TileRef] | None = None,
        *,
        interval: float = 5.0,
        timeout: float | None = 600.0,  # noqa: ASYNC109 - the same signature as the sync twin
        callback: Callable[[list[ByocTile]], Any] | None = None,
        raise_on_failure: bool = False,
    ) -> list[ByocTile]:
        watch = IngestionWatch.start(
            collection, tiles, interval=interval, timeout=timeout, now=0.0, callback=callback
        )

        async def fetch() -> IngestionWatch:
            watch.begin_pass()
            try:
                while (query := watch.next_listing()) is not None:
                    sort, status = query
                    listing = self.iter_tiles(watch.collection_id, sort=sort, status=status)
                    async for tile in listing:
                        watch.see(tile)
                        if watch.enough:
                            break
                    watch.listing_done(listing.exhausted)
            except SentinelHubError as exc:
                watch.poll_failed(exc)
            return watch

        try:
            await apoll(
                fetch,
                lambda w: w.done,
                interval=interval,
                timeout=timeout,
                on_update=None if callback is None else lambda w: callback(w.tiles()),
                what=watch.what,
            )
        except WaitTimeoutError as exc:
            raise watch.timed_out(exc.timeout) from exc
        return watch.finish(raise_on_failure)

    async def wait_for_ingestion(
        self,
        collection: CollectionRef,
        tiles: Iterable[TileRef] | None = None,
        *,
        interval: float = 5.0,
        timeout: float | None = 600.0,  # noqa: ASYNC109 - the same signature as the sync twin
        on_update: Callable[[IngestionSummary], Any] | None = None,
    ) -> IngestionSummary:
        final = await self.wait_for_tiles(
            collection,
            tiles,
            interval=interval,
            timeout=timeout,
            callback=None if on_update is None else lambda now: on_update(IngestionSummary(now)),
            raise_on_failure=True,
        )
        return IngestionSummary(final)

    async def register_tiles(
        self,
        collection: CollectionRef,
        tiles: Iterable[ByocTile | Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_BULK_CONCURRENCY,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        progress: Callable[[int, int], Any] | None = None,
    ) -> RegistrationReport:
        job = _bulk.Registration(
            collection, tiles, concurrency=concurrency, max_rounds=max_rounds, progress=progress
        )
        return await _bulk.aregister_tiles(self, job)


share_docstrings(AsyncSentinelHubBYOC, SentinelHubBYOC)

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

import copy
import os
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from sentinelhub_client._core.config import SHConfig
from sentinelhub_client._core.errors import SentinelHubError, WaitTimeoutError
from sentinelhub_client._core.pagination import (
    DEFAULT_PAGE_SIZE,
    AsyncPaginator,
    SyncPaginator,
)
from sentinelhub_client._core.polling import apoll, poll
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport
from sentinelhub_client.byoc import bulk as _bulk
from sentinelhub_client.byoc.bulk import (
    DEFAULT_BULK_CONCURRENCY,
    DEFAULT_MAX_ROUNDS,
    RegistrationReport,
)
from sentinelhub_client.byoc.calls import (
    ByocCalls,
    CollectionRef,
    IngestionWatch,
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

__all__ = ["AsyncSentinelHubBYOC", "SentinelHubBYOC"]


# -- the clients -------------------------------------------------------------------------------


def _file_ids(collection: CollectionRef, tile: TileRef) -> tuple[str, str]:
    return str(collection_id_of(collection)), str(tile_id_of(tile))


def _file_options(config: SHConfig) -> dict[str, Any]:
    """The settings every file call shares: where the BYOC API is. The file calls run on the
    client's transport, so its retry policy and timeout (`with_options`) apply to them too."""
    return {"byoc_base_path": config.byoc_base_path}


class _ByocClientBase:
    """Constructor-time state shared by the twins."""

    config: SHConfig
    _calls: ByocCalls

    def _setup(self, config: SHConfig | None) -> SHConfig:
        if config is not None and not isinstance(config, SHConfig):
            raise TypeError(f"config must be an SHConfig, got {type(config).__name__}")
        self.config = config if config is not None else SHConfig()
        self._calls = ByocCalls(self.config.byoc_base_path)
        return self.config

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


class SentinelHubBYOC(_ByocClientBase):
    """Client of the BYOC API (Bring Your Own COG), with sentinelhub-py's methods.

    Args:
        config: settings; by default ``SHConfig()`` (environment, profile, defaults).
        http_client: an `httpx.Client` to send through (proxies, TLS, transport); it is not
            modified or closed; the facade adds base URL, OAuth, timeout and retries.
        retry: the default retry policy of this client (else ``config.retry``).

    Use it as a context manager, or call `close`, to release connections.
    """

    def __init__(
        self,
        config: SHConfig | None = None,
        *,
        http_client: httpx.Client | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        config = self._setup(config)
        self.transport = SyncTransport(config, http_client=http_client, retry=retry)

    @classmethod
    def _from_transport(cls, transport: SyncTransport) -> Self:
        """A client on a transport that another object owns (`SentinelHub`'s): it shares its
        connections and token, and its `close` leaves them open."""
        client = cls.__new__(cls)
        client._setup(transport.config)
        client.transport = transport.with_options()
        return client

    def with_options(
        self, *, retry: RetryPolicy | None = None, timeout: float | None = None
    ) -> Self:
        """A client sharing this one's connections and token, with another retry policy and/or
        timeout (seconds per request, for every call, file downloads included); closing it does
        not close this one.

        Raises ``TypeError`` for a ``retry`` that is not a `RetryPolicy`, ``ValueError`` for a
        ``timeout`` that is not a finite number of seconds above 0.
        """
        clone = copy.copy(self)
        clone.transport = self.transport.with_options(retry=retry, timeout=timeout)
        return clone

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

        ``.as_dicts()`` on the result gives the plain dicts the service sent instead of models.
        """
        listing = self._calls.collection_listing(search, params)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)),
            **self._paging(count, max_items, viewtoken, ByocCollection),
        )

    def get_collection(self, collection: CollectionRef) -> ByocCollection:
        """The collection with this id."""
        return self.transport.run(self._calls.get_collection(collection))

    def create_collection(self, collection: ByocCollection | Mapping[str, Any]) -> ByocCollection:
        """Create a collection and return it as stored (with its ``collection_id``).

        Not replayed after an ambiguous failure (the error says so): check before retrying.
        """
        return self.transport.run(self._calls.create_collection(collection))

    def update_collection(self, collection: ByocCollection | Mapping[str, Any]) -> None:
        """Update name, bucket, noData and bands of a collection (omitted noData is deleted)."""
        return self.transport.run(self._calls.update_collection(collection))

    def delete_collection(self, collection: CollectionRef) -> None:
        """Delete a collection."""
        return self.transport.run(self._calls.delete_collection(collection))

    def copy_tiles(self, from_collection: CollectionRef, to_collection: CollectionRef) -> None:
        """Copy the ingested tiles of one collection into another (paths already there are
        skipped); the copy runs on the service, this does not wait for it."""
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

        ``.as_dicts()`` on the result gives the plain dicts the service sent instead of models.
        """
        listing = self._calls.tile_listing(collection, sort, path, status, params)
        return SyncPaginator(
            lambda page: self.transport.run(listing(page)),
            **self._paging(count, max_items, viewtoken, ByocTile),
        )

    def get_tile(self, collection: CollectionRef, tile: TileRef) -> ByocTile:
        """The tile with this id."""
        return self.transport.run(self._calls.get_tile(collection, tile))

    def create_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> ByocTile:
        """Register a tile for ingestion and return it (status ``WAITING``).

        After an ambiguous failure (timeout, dropped connection, 5xx) the tile is looked up by
        its path before any retry, so a retry never creates a duplicate. It counts as created by
        this call only if it was created after the call started, with the fields sent; a tile
        that was already there raises `ConflictError`, as it would without the failure.
        """
        call = self._calls.create_tile(collection, tile)
        return self._calls.created_tile(self.transport.run(call), collection)

    def update_tile(self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]) -> None:
        """Update a tile's path, cover geometry and sensing time."""
        return self.transport.run(self._calls.update_tile(collection, tile))

    def delete_tile(self, collection: CollectionRef, tile: TileRef) -> None:
        """Delete a tile."""
        return self.transport.run(self._calls.delete_tile(collection, tile))

    def reingest_tile(self, collection: CollectionRef, tile: TileRef) -> None:
        """Start ingesting a tile again (after fixing its files)."""
        return self.transport.run(self._calls.reingest_tile(collection, tile))

    # -- files of Planet tiles ---------------------------------------------------------------

    def list_tile_files(self, collection: CollectionRef, tile: TileRef) -> list[str]:
        """Paths of the files of a tile of a Planet collection, relative to the tile and
        ``/``-separated. Other collections have no files: the service answers 404
        (`NotFoundError`)."""
        return _dl.list_tile_files(
            self.transport,
            *_file_ids(collection, tile),
            **_file_options(self.config),
        )

    def get_tile_file_size(self, collection: CollectionRef, tile: TileRef, path: str) -> int:
        """Size in bytes of one file of a tile (a ``HEAD`` request)."""
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
        """Bytes ``start..end`` of a file (``end`` inclusive, as in HTTP ranges), in memory; for
        whole files use `download_tile_file`, which streams to disk."""
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
        """Stream bytes ``start..end`` of a file in chunks; a dropped connection is resumed
        where it stopped, and a file that changed meanwhile raises `DownloadError`."""
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
        bytes of all files together."""
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

    wait_for_ingestion = wait_for_tiles

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

        Paths already in the collection are skipped (found by one listing, not one request
        per tile), so a run after an interruption, even ``kill -9``, creates no duplicates. A
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

        Returns a `RegistrationReport`: ``created``, ``skipped`` and ``failed`` (with reasons);
        together they hold every tile given.
        """
        return _bulk.register_tiles(
            self,
            collection,
            tiles,
            concurrency=concurrency,
            max_rounds=max_rounds,
            progress=progress,
        )

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connections (not those of a client passed as ``http_client``)."""
        self.transport.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.config.sh_base_url!r})"


class AsyncSentinelHubBYOC(_ByocClientBase):
    """Async client of the BYOC API: the methods of `SentinelHubBYOC`, awaitable.

    ``iter_collections`` / ``iter_tiles`` return async iterators: ``async for tile in
    byoc.iter_tiles(collection)`` (no ``await``). ``http_client`` is an `httpx.AsyncClient`.
    """

    def __init__(
        self,
        config: SHConfig | None = None,
        *,
        http_client: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        config = self._setup(config)
        self.transport = AsyncTransport(config, http_client=http_client, retry=retry)

    @classmethod
    def _from_transport(cls, transport: AsyncTransport) -> Self:
        client = cls.__new__(cls)
        client._setup(transport.config)
        client.transport = transport.with_options()
        return client

    def with_options(
        self, *, retry: RetryPolicy | None = None, timeout: float | None = None
    ) -> Self:
        clone = copy.copy(self)
        clone.transport = self.transport.with_options(retry=retry, timeout=timeout)
        return clone

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

    wait_for_ingestion = wait_for_tiles

    async def register_tiles(
        self,
        collection: CollectionRef,
        tiles: Iterable[ByocTile | Mapping[str, Any]],
        *,
        concurrency: int = DEFAULT_BULK_CONCURRENCY,
        max_rounds: int = DEFAULT_MAX_ROUNDS,
        progress: Callable[[int, int], Any] | None = None,
    ) -> RegistrationReport:
        return await _bulk.aregister_tiles(
            self,
            collection,
            tiles,
            concurrency=concurrency,
            max_rounds=max_rounds,
            progress=progress,
        )

    async def close(self) -> None:
        await self.transport.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.config.sh_base_url!r})"


def _share_docstrings(async_cls: type, sync_cls: type) -> None:
    """Give each undocumented public method of ``async_cls`` its sync twin's docstring (the
    docs are written once, on the sync class)."""
    for name, member in vars(async_cls).items():
        if name.startswith("_") or not callable(member) or member.__doc__:
            continue
        twin = getattr(sync_cls, name, None)
        if twin is not None and twin.__doc__:
            member.__doc__ = twin.__doc__


_share_docstrings(AsyncSentinelHubBYOC, SentinelHubBYOC)

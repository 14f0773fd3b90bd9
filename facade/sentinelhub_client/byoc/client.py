"""The BYOC service: `SentinelHubBYOC` (sync) and `AsyncSentinelHubBYOC` (async).

Both are thin shells over `ByocCalls`, which builds every request with the generated operations
(``sentinelhub_api.api.byoc_*``) and parses every answer into the facade's models, without I/O.
The shells only run those calls on their transport (`SyncTransport` / `AsyncTransport`), which adds
OAuth, retries and the typed errors. The paging and waiting decisions are shared the same way
(`sentinelhub_client._core.pagination`, `IngestionWatch`).

Collections and tiles can be given as a model, a dict with an ``id`` (as sentinelhub-py returned),
an id string, or any object with a ``collection_id`` / ``tile_id`` attribute (sentinelhub-py's
``DataCollection`` and models).

Retry policy per call: ``byoc.with_options(retry=RetryPolicy(max_attempts=1))`` returns a client
sharing the same connection pool and token with another policy (and/or timeout); it can be used
once (``byoc.with_options(...).get_tile(...)``) or kept, or used as a context manager.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType, TracebackType
from typing import Any, Self, TypeVar
from uuid import UUID

import httpx
from sentinelhub_api import Client as ApiClient
from sentinelhub_api.api.byoc_collection import (
    copy_byoc_collection_tiles,
    create_byoc_collection,
    delete_byoc_collection_by_id,
    get_byoc_collection_by_id,
    get_byoc_collections,
    update_byoc_collection_by_id,
)
from sentinelhub_api.api.byoc_tile import (
    create_byoc_collection_tile,
    delete_byoc_collection_tile_by_id,
    get_byoc_collection_tile_by_id,
    get_byoc_collection_tiles,
    reingest_byoc_collection_tile_by_id,
    update_byoc_collection_tile_by_id,
)
from sentinelhub_api.models.byoc_collection import ByocCollection as _GenCollection
from sentinelhub_api.models.byoc_collection_envelope import ByocCollectionEnvelope
from sentinelhub_api.models.byoc_collection_page import ByocCollectionPage
from sentinelhub_api.models.byoc_collection_update import ByocCollectionUpdate
from sentinelhub_api.models.byoc_tile import ByocTile as _GenTile
from sentinelhub_api.models.byoc_tile_envelope import ByocTileEnvelope
from sentinelhub_api.models.byoc_tile_page import ByocTilePage
from sentinelhub_api.models.byoc_tile_status import ByocTileStatus as GenTileStatus
from sentinelhub_api.models.byoc_tile_update import ByocTileUpdate
from sentinelhub_api.models.get_byoc_collection_tiles_sort import GetByocCollectionTilesSort
from sentinelhub_api.models.page_links import PageLinks
from sentinelhub_api.types import UNSET, Unset

from sentinelhub_client._core.config import DEFAULT_BYOC_BASE_PATH, SHConfig
from sentinelhub_client._core.errors import (
    IngestionError,
    SentinelHubValidationError,
    WaitTimeoutError,
    describe_tiles,
)
from sentinelhub_client._core.pagination import (
    DEFAULT_PAGE_SIZE,
    AsyncPaginator,
    Page,
    PageRequest,
    SyncPaginator,
)
from sentinelhub_client._core.retry import RetryPolicy
from sentinelhub_client._core.transport import AsyncTransport, Call, SyncTransport, rebase
from sentinelhub_client.byoc.files import aio as _adl
from sentinelhub_client.byoc.files import sync as _dl
from sentinelhub_client.byoc.files.core import (
    DEFAULT_CHUNK_SIZE,
    DEFAULT_CONCURRENCY,
    DEFAULT_PART_SIZE,
    ProgressCallback,
)
from sentinelhub_client.byoc.models import ByocCollection, ByocTile, TileStatus, _unset

__all__ = [
    "AsyncSentinelHubBYOC",
    "ByocCalls",
    "CollectionRef",
    "IngestionWatch",
    "SentinelHubBYOC",
    "TileRef",
]

logger = logging.getLogger(__name__)

E = TypeVar("E")

#: A collection: a model, a dict with ``id``, an id, or an object with ``collection_id``.
CollectionRef = ByocCollection | Mapping[str, Any] | str | UUID | Any
#: A tile: a model, a dict with ``id``, an id, or an object with ``tile_id``.
TileRef = ByocTile | Mapping[str, Any] | str | UUID | Any

#: The BYOC path prefix of the generated operations (the spec's path style).
SPEC_PREFIX = DEFAULT_BYOC_BASE_PATH
#: Values of the ``sort`` parameter of the tile listing.
TILE_SORTS = ("created:asc", "created:desc")
#: The service's pattern for tile paths: no leading or trailing ``/`` and no ``//``.
TILE_PATH_PATTERN = re.compile(r"^([^/](/?[^/])*)?$")
#: Read-only members left out of the body of a create (the service sets them).
_COLLECTION_READ_ONLY = (
    "id",
    "accountId",
    "userId",
    "created",
    "isConfigured",
    "requiresMetadataUpdate",
)
_TILE_READ_ONLY = ("id", "status", "created", "ingestionStart", "tileGeometry", "additionalData")


# -- input checks (before anything is sent) --------------------------------------------------


def _as_uuid(value: object, what: str, argument: str) -> UUID:
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value.strip())
        except ValueError:
            pass
    raise SentinelHubValidationError(
        f"{argument}: {value!r} is not a valid {what} id; pass a {what} id (a UUID such as "
        f"'3fa85f64-5717-4562-b3fc-2c963f66afa6'), a model or a dict with its 'id'",
        field=argument,
    )


def collection_id_of(collection: CollectionRef, argument: str = "collection") -> UUID:
    """The id of a collection given as a model, a dict, an id, or an object with
    ``collection_id``."""
    if isinstance(collection, ByocCollection):
        value: object = collection.collection_id
    elif isinstance(collection, Mapping):
        value = collection.get("id")
    elif isinstance(collection, str | UUID):
        value = collection
    else:
        value = getattr(collection, "collection_id", collection)
    if value is None:
        raise SentinelHubValidationError(
            f"{argument}: the collection has no id; create it first or pass its id",
            field=argument,
        )
    return _as_uuid(value, "collection", argument)


def tile_id_of(tile: TileRef, argument: str = "tile") -> UUID:
    """The id of a tile given as a model, a dict, an id, or an object with ``tile_id``."""
    if isinstance(tile, ByocTile):
        value: object = tile.tile_id
    elif isinstance(tile, Mapping):
        value = tile.get("id")
    elif isinstance(tile, str | UUID):
        value = tile
    else:
        value = getattr(tile, "tile_id", tile)
    if value is None:
        raise SentinelHubValidationError(
            f"{argument}: the tile has no id; create it first or pass its id", field=argument
        )
    return _as_uuid(value, "tile", argument)


def check_tile_path(path: object, argument: str = "path") -> str:
    """``path`` if the service would accept it as a tile path."""
    if not isinstance(path, str):
        raise SentinelHubValidationError(
            f"{argument}: a tile path must be a string, got {path!r}", field=argument
        )
    if not TILE_PATH_PATTERN.fullmatch(path):
        fixed = re.sub(r"/{2,}", "/", path).strip("/")
        raise SentinelHubValidationError(
            f"{argument}: {path!r} is not a valid tile path: it must not start or end with '/' "
            f"nor contain '//' (did you mean {fixed!r}?)",
            field=argument,
        )
    return path


def check_sort(sort: str | None) -> str | None:
    """``sort`` if it is None or a value the tile listing accepts."""
    if sort is None or sort in TILE_SORTS:
        return sort
    raise SentinelHubValidationError(
        f"sort: {sort!r} is not supported; use one of {', '.join(map(repr, TILE_SORTS))}",
        field="sort",
    )


def check_status(status: TileStatus | str | None) -> str | None:
    """The wire value of a tile status filter (known statuses only, any letter case)."""
    if status is None:
        return None
    text = str(status).strip().upper()
    if text not in TileStatus.__members__:
        known = ", ".join(s.value for s in TileStatus)
        raise SentinelHubValidationError(
            f"status: {status!r} is not a tile status; use one of {known}", field="status"
        )
    return text


def _tile_model(tile: ByocTile | Mapping[str, Any]) -> ByocTile:
    return tile if isinstance(tile, ByocTile) else ByocTile.from_dict(tile)


def _collection_model(collection: ByocCollection | Mapping[str, Any]) -> ByocCollection:
    if isinstance(collection, ByocCollection):
        return collection
    return ByocCollection.from_dict(collection)


# -- parsing through the generated operations ------------------------------------------------


def _parsed(op: ModuleType, kind: type[E], api: ApiClient, response: httpx.Response) -> E:
    """The operation's own parse of a 2xx answer, as an instance of ``kind``.

    A success status the spec does not list (200 instead of 201, say) is parsed with ``kind``.
    """
    parsed = op._build_response(client=api, response=response).parsed
    if isinstance(parsed, kind):
        return parsed
    result: E = kind.from_dict(response.json())  # type: ignore[attr-defined]
    return result


def _next_token(links: PageLinks | Unset) -> str | None:
    if isinstance(links, Unset) or isinstance(links.next_token, Unset):
        return None
    return links.next_token or None


def _no_content(api: ApiClient, response: httpx.Response) -> None:
    return None


class ByocCalls:
    """Every BYOC request, built with the generated operations, and its parsing; no I/O.

    Args:
        base_path: the BYOC path on the host (``/api/v1/byoc`` or ``/byoc/v1``).
    """

    def __init__(self, base_path: str = DEFAULT_BYOC_BASE_PATH) -> None:
        self.base_path = base_path

    def _request(self, op: ModuleType, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return rebase(op._get_kwargs(*args, **kwargs), SPEC_PREFIX, self.base_path)

    # -- collections -------------------------------------------------------------------------

    def list_collections(self, search: str | None, page: PageRequest) -> Call[Page[ByocCollection]]:
        """One page of ``GET /collections``."""
        op = get_byoc_collections

        def parse(api: ApiClient, response: httpx.Response) -> Page[ByocCollection]:
            body = _parsed(op, ByocCollectionPage, api, response)
            items = [ByocCollection._from_generated(item) for item in body.data]
            return Page(items, next_token=_next_token(body.links), token=page.viewtoken)

        request = self._request(
            op, count=page.count, viewtoken=_unset(page.viewtoken), search=_unset(search)
        )
        return Call(request=request, parse=parse)

    def get_collection(self, collection: CollectionRef) -> Call[ByocCollection]:
        """``GET /collections/{id}``."""
        op = get_byoc_collection_by_id
        return Call(
            request=self._request(op, collection_id_of(collection)),
            parse=lambda api, r: ByocCollection._from_generated(
                _parsed(op, ByocCollectionEnvelope, api, r).data
            ),
        )

    def create_collection(
        self, collection: ByocCollection | Mapping[str, Any]
    ) -> Call[ByocCollection]:
        """``POST /collections`` with the collection minus its read-only members."""
        op = create_byoc_collection
        body = _collection_model(collection).to_dict()
        for key in _COLLECTION_READ_ONLY:
            body.pop(key, None)
        return Call(
            request=self._request(op, body=_GenCollection.from_dict(body)),
            parse=lambda api, r: ByocCollection._from_generated(
                _parsed(op, ByocCollectionEnvelope, api, r).data
            ),
            create=True,
        )

    def update_collection(self, collection: ByocCollection | Mapping[str, Any]) -> Call[None]:
        """``PUT /collections/{id}`` with name, s3Bucket, noData, additionalData (and unknown
        members); the service deletes ``noData`` when it is left out."""
        op = update_byoc_collection_by_id
        model = _collection_model(collection)
        collection_id = collection_id_of(model)
        body = ByocCollectionUpdate(
            name=model.name,
            s_3_bucket=model.s3_bucket,
            no_data=UNSET if model.no_data is None else model.no_data,
            additional_data=UNSET
            if model.additional_data is None
            else model.additional_data._to_generated(),
        )
        body.additional_properties = dict(model.other_data)
        return Call(request=self._request(op, collection_id, body=body), parse=_no_content)

    def delete_collection(self, collection: CollectionRef) -> Call[None]:
        """``DELETE /collections/{id}``."""
        op = delete_byoc_collection_by_id
        return Call(request=self._request(op, collection_id_of(collection)), parse=_no_content)

    def copy_tiles(
        self, from_collection: CollectionRef, to_collection: CollectionRef
    ) -> Call[None]:
        """``POST /collections/{from}/copyTiles?toCollection={to}`` (no body)."""
        op = copy_byoc_collection_tiles
        request = self._request(
            op,
            collection_id_of(from_collection, "from_collection"),
            to_collection=collection_id_of(to_collection, "to_collection"),
        )
        return Call(request=request, parse=_no_content)

    # -- tiles -------------------------------------------------------------------------------

    def list_tiles(
        self,
        collection_id: UUID,
        page: PageRequest,
        *,
        sort: str | None = None,
        path: str | None = None,
        status: str | None = None,
    ) -> Call[Page[ByocTile]]:
        """One page of ``GET /collections/{id}/tiles`` (arguments already checked)."""
        op = get_byoc_collection_tiles

        def parse(api: ApiClient, response: httpx.Response) -> Page[ByocTile]:
            body = _parsed(op, ByocTilePage, api, response)
            items = [ByocTile._from_generated(item) for item in body.data]
            return Page(items, next_token=_next_token(body.links), token=page.viewtoken)

        request = self._request(
            op,
            collection_id,
            count=page.count,
            viewtoken=_unset(page.viewtoken),
            sort=UNSET if sort is None else GetByocCollectionTilesSort(sort),
            path=_unset(path),
            status=UNSET if status is None else GenTileStatus(status),
        )
        return Call(request=request, parse=parse)

    def find_tile(self, collection_id: UUID, path: str) -> Call[ByocTile | None]:
        """The tile with this exact path, or None (``GET .../tiles?path=...&count=1``)."""
        listing = self.list_tiles(collection_id, PageRequest(None, 1), path=path)

        def parse(api: ApiClient, response: httpx.Response) -> ByocTile | None:
            page = listing.parse(api, response)
            return next((tile for tile in page.items if tile.path == path), None)

        return Call(request=listing.request, parse=parse)

    def get_tile(self, collection: CollectionRef, tile: TileRef) -> Call[ByocTile]:
        """``GET /collections/{id}/tiles/{tileId}``."""
        op = get_byoc_collection_tile_by_id
        return Call(
            request=self._request(op, collection_id_of(collection), tile_id_of(tile)),
            parse=lambda api, r: ByocTile._from_generated(
                _parsed(op, ByocTileEnvelope, api, r).data
            ),
        )

    def create_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> Call[ByocTile]:
        """``POST /collections/{id}/tiles`` with the tile minus its read-only members.

        After an ambiguous failure the tile is looked up by path before any retry.
        """
        op = create_byoc_collection_tile
        collection_id = collection_id_of(collection)
        model = _tile_model(tile)
        check_tile_path(model.path, "tile.path")
        body = model.to_dict()
        for key in _TILE_READ_ONLY:
            body.pop(key, None)
        return Call(
            request=self._request(op, collection_id, body=_GenTile.from_dict(body)),
            parse=lambda api, r: ByocTile._from_generated(
                _parsed(op, ByocTileEnvelope, api, r).data
            ),
            create=True,
            recover=self.find_tile(collection_id, model.path),
        )

    def update_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> Call[None]:
        """``PUT /collections/{id}/tiles/{tileId}`` with path, coverGeometry and sensingTime."""
        op = update_byoc_collection_tile_by_id
        model = _tile_model(tile)
        check_tile_path(model.path, "tile.path")
        update = ByocTileUpdate.from_dict(
            {
                key: value
                for key, value in model.to_dict().items()
                if key in ("path", "coverGeometry", "sensingTime")
            }
        )
        request = self._request(op, collection_id_of(collection), tile_id_of(model), body=update)
        return Call(request=request, parse=_no_content)

    def delete_tile(self, collection: CollectionRef, tile: TileRef) -> Call[None]:
        """``DELETE /collections/{id}/tiles/{tileId}``."""
        op = delete_byoc_collection_tile_by_id
        request = self._request(op, collection_id_of(collection), tile_id_of(tile))
        return Call(request=request, parse=_no_content)

    def reingest_tile(self, collection: CollectionRef, tile: TileRef) -> Call[None]:
        """``POST /collections/{id}/tiles/{tileId}/reingest`` (no body)."""
        op = reingest_byoc_collection_tile_by_id
        request = self._request(op, collection_id_of(collection), tile_id_of(tile))
        return Call(request=request, parse=_no_content)


# -- waiting for ingestion (shared decisions) --------------------------------------------------


@dataclass
class IngestionWatch:
    """The decisions of ``wait_for_tiles``, without I/O: what to poll, when it is over.

    ``tile_ids`` None watches every tile of the collection (the listing is polled).
    """

    collection_id: UUID
    tile_ids: list[UUID] | None
    interval: float
    timeout: float | None
    started: float
    latest: dict[str, ByocTile] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        collection: CollectionRef,
        tiles: Iterable[TileRef] | None,
        *,
        interval: float,
        timeout: float | None,
        now: float,
    ) -> IngestionWatch:
        """Check the arguments and begin."""
        if isinstance(interval, bool) or not isinstance(interval, int | float) or interval < 0:
            raise SentinelHubValidationError(
                f"interval must be a number of seconds >= 0, got {interval!r}", field="interval"
            )
        if timeout is not None and (
            isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout < 0
        ):
            raise SentinelHubValidationError(
                f"timeout must be None (no limit) or a number of seconds >= 0, got {timeout!r}",
                field="timeout",
            )
        if isinstance(tiles, str | Mapping | ByocTile):
            raise SentinelHubValidationError(
                "tiles must be a list of tiles (or None for all the collection's tiles)",
                field="tiles",
            )
        ids = None if tiles is None else [tile_id_of(t, "tiles") for t in tiles]
        return cls(collection_id_of(collection), ids, float(interval), timeout, now)

    def update(self, tiles: Iterable[ByocTile]) -> None:
        """Record the latest state of some tiles."""
        for tile in tiles:
            self.latest[tile.tile_id or tile.path] = tile
        watched = self.tiles()
        logger.debug(
            "Waiting for collection %s: %d of %d tile(s) final",
            self.collection_id,
            sum(_final(tile) for tile in watched),
            len(watched),
        )

    def to_poll(self) -> list[UUID]:
        """Tiles (when given explicitly) whose status is not final yet."""
        assert self.tile_ids is not None
        return [tid for tid in self.tile_ids if not _final(self.latest.get(str(tid)))]

    def tiles(self) -> list[ByocTile]:
        """The latest state of the watched tiles, in the order given (or listed)."""
        if self.tile_ids is None:
            return list(self.latest.values())
        return [self.latest[str(tid)] for tid in self.tile_ids if str(tid) in self.latest]

    @property
    def done(self) -> bool:
        """True when every watched tile is ``INGESTED`` or ``FAILED``."""
        if self.tile_ids is not None:
            return not self.to_poll()
        return all(_final(tile) for tile in self.latest.values())

    def wait(self, now: float) -> float:
        """Seconds until the next poll; raises `WaitTimeoutError` when time is up."""
        if self.timeout is None:
            return self.interval
        left = self.started + self.timeout - now
        if left <= 0:
            pending = [tile for tile in self.tiles() if not _final(tile)]
            raise WaitTimeoutError(
                f"{len(pending) or 'some'} tile(s) of collection {self.collection_id} were not "
                f"ingested within {self.timeout:g} s: {describe_tiles(pending) or 'not listed'}",
                timeout=self.timeout,
                pending=pending,
            )
        return min(self.interval, left)

    def finish(self, raise_on_failure: bool) -> list[ByocTile]:
        """The final tiles; raises `IngestionError` for FAILED ones when asked to."""
        tiles = self.tiles()
        failed = [tile for tile in tiles if tile.status == TileStatus.FAILED]
        if failed and raise_on_failure:
            raise IngestionError(
                f"{len(failed)} tile(s) failed ingestion: {describe_tiles(failed)}", tiles=failed
            )
        return tiles


def _final(tile: ByocTile | None) -> bool:
    return tile is not None and tile.status is not None and tile.status.is_final


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
    ) -> SyncPaginator[ByocCollection]:
        """The collections, lazily (nothing is sent until iterated).

        Args:
            search: words to look for; ``|`` means or, ``&`` means and.
            count: page size, 1..100.
            max_items: stop after this many collections.
            viewtoken: resume from this page token (a paginator's ``next_token``).
        """
        return SyncPaginator(
            lambda page: self.transport.run(self._calls.list_collections(search, page)),
            count=count,
            max_items=max_items,
            viewtoken=viewtoken,
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
        """
        collection_id = collection_id_of(collection)
        sort, status_value = check_sort(sort), check_status(status)
        path = None if path is None else check_tile_path(path)
        return SyncPaginator(
            lambda page: self.transport.run(
                self._calls.list_tiles(
                    collection_id, page, sort=sort, path=path, status=status_value
                )
            ),
            count=count,
            max_items=max_items,
            viewtoken=viewtoken,
        )

    def get_tile(self, collection: CollectionRef, tile: TileRef) -> ByocTile:
        """The tile with this id."""
        return self.transport.run(self._calls.get_tile(collection, tile))

    def create_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> ByocTile:
        """Register a tile for ingestion and return it (status ``WAITING``).

        After an ambiguous failure (timeout, dropped connection, 5xx) the tile is looked up by
        its path before any retry, so a retry never creates a duplicate.
        """
        return self.transport.run(self._calls.create_tile(collection, tile))

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
            destination,
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
            directory,
            files=files,
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

        Args:
            collection: the collection.
            tiles: the tiles to watch (models, dicts or ids); None watches every tile of the
                collection (the whole listing is polled each time).
            interval: seconds between polls.
            timeout: seconds to wait at most (None: no limit); then `WaitTimeoutError`, whose
                ``pending`` holds the unfinished tiles.
            callback: called with the latest tiles after each poll (for progress).
            raise_on_failure: raise `IngestionError` if any tile ``FAILED``.
        """
        watch = IngestionWatch.start(
            collection, tiles, interval=interval, timeout=timeout, now=time.monotonic()
        )
        while True:
            if watch.tile_ids is None:
                watch.update(self.iter_tiles(watch.collection_id))
            else:
                watch.update(self.get_tile(watch.collection_id, t) for t in watch.to_poll())
            if callback is not None:
                callback(watch.tiles())
            if watch.done:
                return watch.finish(raise_on_failure)
            time.sleep(watch.wait(time.monotonic()))

    wait_for_ingestion = wait_for_tiles

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
    ) -> AsyncPaginator[ByocCollection]:
        return AsyncPaginator(
            lambda page: self.transport.run(self._calls.list_collections(search, page)),
            count=count,
            max_items=max_items,
            viewtoken=viewtoken,
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
    ) -> AsyncPaginator[ByocTile]:
        collection_id = collection_id_of(collection)
        sort, status_value = check_sort(sort), check_status(status)
        path = None if path is None else check_tile_path(path)
        return AsyncPaginator(
            lambda page: self.transport.run(
                self._calls.list_tiles(
                    collection_id, page, sort=sort, path=path, status=status_value
                )
            ),
            count=count,
            max_items=max_items,
            viewtoken=viewtoken,
        )

    async def get_tile(self, collection: CollectionRef, tile: TileRef) -> ByocTile:
        return await self.transport.run(self._calls.get_tile(collection, tile))

    async def create_tile(
        self, collection: CollectionRef, tile: ByocTile | Mapping[str, Any]
    ) -> ByocTile:
        return await self.transport.run(self._calls.create_tile(collection, tile))

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
            destination,
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
            directory,
            files=files,
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
            collection, tiles, interval=interval, timeout=timeout, now=time.monotonic()
        )
        while True:
            if watch.tile_ids is None:
                watch.update([tile async for tile in self.iter_tiles(watch.collection_id)])
            else:
                watch.update(
                    await asyncio.gather(
                        *(self.get_tile(watch.collection_id, t) for t in watch.to_poll())
                    )
                )
            if callback is not None:
                result = callback(watch.tiles())
                if inspect.isawaitable(result):
                    await result
            if watch.done:
                return watch.finish(raise_on_failure)
            await asyncio.sleep(watch.wait(time.monotonic()))

    wait_for_ingestion = wait_for_tiles

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

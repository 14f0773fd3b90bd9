"""The Catalog API (STAC 1.0 item search): `SentinelHubCatalog` (sync) and
`AsyncSentinelHubCatalog`.

They keep sentinelhub-py's ``SentinelHubCatalog`` methods (``get_info``, ``get_conformance``,
``get_collections``, ``get_collection``, ``get_feature``, ``search``) over this package's
transport (OAuth shared with the other services, bounded retries, typed errors) and add what its
users ask for: several collections in one search (``collections=[...]``), typed items
(`StacItem`, convertible to ``pystac.Item``), and a lazy search (`CatalogSearch`) that sends
nothing until iterated and fetches one page at a time::

    with SentinelHubCatalog(config) as catalog:
        search = catalog.search(collections=[a, b], bbox=bbox, time=("2024-01-01", "2024-02-01"))
        for item in search:
            print(item.id, item.datetime)

The twins are thin shells over `CatalogCalls` (requests and parsing without I/O).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Generic, TypeVar

from sentinelhub_client._core.pagination import (
    DEFAULT_PAGE_SIZE,
    AsyncPaginator,
    Page,
    PageRequest,
    SyncPaginator,
)
from sentinelhub_client._core.service import AsyncService, SyncService, share_docstrings
from sentinelhub_client._core.transport import AsyncTransport, SyncTransport
from sentinelhub_client.catalog.calls import CatalogCalls, search_body
from sentinelhub_client.catalog.models import StacCollection, StacItem

__all__ = ["AsyncCatalogSearch", "AsyncSentinelHubCatalog", "CatalogSearch", "SentinelHubCatalog"]


def _timestamps(items: list[StacItem]) -> list[dt.datetime]:
    return [moment for item in items if (moment := item.datetime) is not None]


class CatalogSearch(SyncPaginator[StacItem]):
    """A lazy iterator over the items a search finds (`StacItem`), one page at a time.

    Besides what every listing gives (``pages()``, ``as_dicts()``, ``max_items``), it has
    sentinelhub-py's ``CatalogSearchIterator`` helpers; each reads the rest of the search.
    """

    def get_ids(self) -> list[str]:
        """The ids of the remaining items."""
        return [item.id for item in self]

    def get_timestamps(self) -> list[dt.datetime]:
        """The sensing times (``properties.datetime``) of the remaining items."""
        return _timestamps(list(self))

    def get_geometries(self) -> list[Any]:
        """The footprints of the remaining items, as `Geometry` in WGS84."""
        from sentinelhub_client.process.geometry import Geometry

        return [Geometry(item.geometry, 4326) for item in self if item.geometry is not None]


class AsyncCatalogSearch(AsyncPaginator[StacItem]):
    """The async twin of `CatalogSearch`: ``async for item in search``."""

    async def get_ids(self) -> list[str]:
        return [item.id async for item in self]

    async def get_timestamps(self) -> list[dt.datetime]:
        return _timestamps([item async for item in self])

    async def get_geometries(self) -> list[Any]:
        from sentinelhub_client.process.geometry import Geometry

        return [Geometry(item.geometry, 4326) async for item in self if item.geometry is not None]


P = TypeVar("P", CatalogSearch, AsyncCatalogSearch)


class _CatalogClientBase(Generic[P]):
    """What the twins share: construction and ``search`` (which only builds the search); they
    differ in how a page is fetched (`_pages`)."""

    _calls: CatalogCalls
    config: Any

    def _prepare(self) -> None:
        self._calls = CatalogCalls(self.config)

    def _pages(self, body: dict[str, Any], page_size: int, max_items: int | None) -> P:
        raise NotImplementedError  # each twin fetches its way

    def search(
        self,
        collection: Any = None,
        *,
        collections: Any = None,
        time: Any = None,
        bbox: Any = None,
        geometry: Any = None,
        ids: Any = None,
        filter: Any = None,
        filter_lang: str | None = None,
        filter_crs: str | None = None,
        fields: Any = None,
        distinct: str | None = None,
        limit: int | None = None,
        max_items: int | None = None,
        **kwargs: Any,
    ) -> P:
        """Search items (lazily: nothing is sent until the result is iterated).

        Args:
            collection: the collection to search (sentinelhub-py's first argument).
            collections: several collections at once, instead of ``collection``.
            time: ``(start, end)`` (dates, datetimes or RFC 3339 strings; None for an open
                end) or one day.
            bbox: a `BBox` (or sentinelhub-py's); not in WGS84, it is transformed (pyproj).
            geometry: a `Geometry`, GeoJSON, WKT or shapely shape, instead of ``bbox``.
            ids: only these item ids.
            filter: a CQL2 filter: text (``"eo:cloud_cover < 10"``) or a cql2-json dict.
            filter_lang: ``cql2-text`` or ``cql2-json`` (by default from the filter's type).
            filter_crs: the CRS of the filter's geometries (the service takes CRS84).
            fields: ``{"include": [...], "exclude": [...]}`` or a list such as
                ``["id", "-geometry"]``.
            distinct: a property whose distinct values to return instead of items.
            limit: page size, 1 to 100 (default 100).
            max_items: stop after this many items.
            kwargs: further members of the search body, sent as given.

        Returns:
            A `CatalogSearch` of `StacItem` (`AsyncCatalogSearch` from the async client).

        Raises:
            SentinelHubValidationError: a malformed argument (raised now, before any page).
        """
        body = search_body(
            collection,
            collections=collections,
            time=time,
            bbox=bbox,
            geometry=geometry,
            ids=ids,
            filter=filter,
            filter_lang=filter_lang,
            filter_crs=filter_crs,
            fields=fields,
            distinct=distinct,
            limit=DEFAULT_PAGE_SIZE if limit is None else limit,
            other_args=kwargs,
        )
        return self._pages(body, body["limit"], max_items)


class SentinelHubCatalog(_CatalogClientBase[CatalogSearch], SyncService):
    """Client of the Catalog API (STAC), with sentinelhub-py's methods."""

    transport: SyncTransport

    def get_info(self) -> dict[str, Any]:
        """The landing page: the root catalog, its links and conformance classes.

        Sends ``GET /api/v1/catalog/1.0.0/``.
        """
        return self.transport.run(self._calls.info())

    def get_conformance(self) -> dict[str, Any]:
        """The conformance classes the Catalog implements (``{"conformsTo": [...]}``)."""
        return self.transport.run(self._calls.conformance())

    def get_collections(self) -> list[StacCollection]:
        """Every collection the account can search (BYOC ones as ``byoc-<collectionId>``)."""
        return self.transport.run(self._calls.collections())

    def get_collection(self, collection: Any) -> StacCollection:
        """One collection: a catalog id, ``byoc-<id>``, a BYOC collection id or object, or
        sentinelhub-py's ``DataCollection``.

        Raises:
            NotFoundError: no such collection for this account.
        """
        return self.transport.run(self._calls.collection(collection))

    def get_feature(self, collection: Any, feature_id: str) -> StacItem:
        """One item of a collection by id (for BYOC, a tile's id).

        Raises:
            NotFoundError: no such item.
        """
        return self.transport.run(self._calls.feature(collection, feature_id))

    def _pages(self, body: dict[str, Any], page_size: int, max_items: int | None) -> CatalogSearch:
        def fetch(page: PageRequest) -> Page[Any]:
            return self.transport.run(self._calls.search_page(body, page))

        return CatalogSearch(fetch, count=page_size, max_items=max_items, wrap=StacItem._from_wire)


class AsyncSentinelHubCatalog(_CatalogClientBase[AsyncCatalogSearch], AsyncService):
    """The async twin of `SentinelHubCatalog`."""

    transport: AsyncTransport

    async def get_info(self) -> dict[str, Any]:
        return await self.transport.run(self._calls.info())

    async def get_conformance(self) -> dict[str, Any]:
        return await self.transport.run(self._calls.conformance())

    async def get_collections(self) -> list[StacCollection]:
        return await self.transport.run(self._calls.collections())

    async def get_collection(self, collection: Any) -> StacCollection:
        return await self.transport.run(self._calls.collection(collection))

    async def get_feature(self, collection: Any, feature_id: str) -> StacItem:
        return await self.transport.run(self._calls.feature(collection, feature_id))

    def _pages(
        self, body: dict[str, Any], page_size: int, max_items: int | None
    ) -> AsyncCatalogSearch:
        async def fetch(page: PageRequest) -> Page[Any]:
            return await self.transport.run(self._calls.search_page(body, page))

        return AsyncCatalogSearch(
            fetch, count=page_size, max_items=max_items, wrap=StacItem._from_wire
        )


share_docstrings(AsyncSentinelHubCatalog, SentinelHubCatalog)

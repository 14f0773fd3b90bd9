"""The Catalog API's handlers, under both `stac.API_PREFIXES`.

The landing page and ``/conformance`` need no token (the spec marks them ``security: []``);
everything else does (401 without). A caller sees only its own account's BYOC collections: another
account's collection is answered as one that does not exist (404 on a path, 400 in a search's
``collections``, the spec's "illegal collection").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from sentinelhub_emulator.byoc.records import CollectionRecord
from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.byoc.store import Store
from sentinelhub_emulator.core.auth import authenticated
from sentinelhub_emulator.core.context import context_of
from sentinelhub_emulator.core.errors import bad_payload, not_found
from sentinelhub_emulator.core.params import drop_nulls, parse_json, read_body
from sentinelhub_emulator.core.routing import resource
from sentinelhub_emulator.core.times import format_timestamp
from sentinelhub_emulator.core.tokens import Principal

from . import search, stac
from .search import Query
from .stac import GEOJSON, Urls

__all__ = ["NAME", "routes"]

NAME = "catalog"

#: How many collections the store is asked for at a time.
_COLLECTION_PAGE = 100


def _store(request: Request) -> Store:
    return byoc_state(context_of(request)).store


def _json(body: Any, media: str = "application/json", status: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status, media_type=media)


def _own_collection(store: Store, principal: Principal, catalog_id: str) -> CollectionRecord | None:
    uuid = stac.collection_uuid(catalog_id)
    if uuid is None:
        return None
    record = store.get_collection(uuid)
    if record is None or record.account_id != principal.account_id:
        return None
    return record


def _path_collection(request: Request, principal: Principal) -> CollectionRecord:
    catalog_id = str(request.path_params["collectionId"])
    record = _own_collection(_store(request), principal, catalog_id)
    if record is None:
        raise not_found(f"Collection {catalog_id}")
    return record


def _account_collections(store: Store, account_id: str) -> Iterator[CollectionRecord]:
    after: int | None = None
    while True:
        page = store.list_collections(account_id, after=after, count=_COLLECTION_PAGE)
        yield from page.items
        if page.next_after is None:
            return
        after = page.next_after


# ---------------------------------------------------------------------- open documents


async def landing(request: Request) -> Response:
    return _json(stac.landing_page(Urls.of(request)))


async def conformance(request: Request) -> Response:
    return _json({"conformsTo": list(stac.CONFORMANCE)})


# ---------------------------------------------------------------------- collections


@authenticated
async def root_queryables(request: Request, principal: Principal) -> Response:
    urls = Urls.of(request)
    return _json(stac.queryables(urls("queryables")), "application/schema+json")


@authenticated
async def list_collections(request: Request, principal: Principal) -> Response:
    urls = Urls.of(request)
    records = _account_collections(_store(request), principal.account_id)
    return _json(
        {
            "collections": [stac.collection_document(r, urls) for r in records],
            "links": [
                urls.root_link(),
                urls.link("self", urls("collections")),
                urls.link("parent", urls.landing()),
            ],
        }
    )


@authenticated
async def get_collection(request: Request, principal: Principal) -> Response:
    return _json(stac.collection_document(_path_collection(request, principal), Urls.of(request)))


@authenticated
async def collection_queryables(request: Request, principal: Principal) -> Response:
    record = _path_collection(request, principal)
    href = Urls.of(request)("collections", stac.COLLECTION_PREFIX + record.id, "queryables")
    return _json(stac.queryables(href), "application/schema+json")


# ---------------------------------------------------------------------- items and search


def _matches(
    store: Store,
    records: Sequence[CollectionRecord],
    query: Query,
    urls: Urls,
    *,
    stop: int | None = None,
) -> list[dict[str, Any] | None]:
    """The items of ``records`` the query selects, in collection order, then tile order, up to
    ``stop`` of them. Only the items a page can show are built: one before ``query.offset`` is
    None unless the filter needs its document to decide."""
    found: list[dict[str, Any] | None] = []
    for record in records:
        for tile in stac.ingested_tiles(store, record.id):
            if stop is not None and len(found) >= stop:
                return found
            if query.ids is not None and tile.id not in query.ids:
                continue
            if not query.in_time(tile.sensing_time):
                continue
            place = stac.footprint(tile)
            if place is None:
                continue
            if query.area is not None and not place.wgs84.intersects(query.area):
                continue
            needed = query.filter is not None or stop is None or len(found) >= query.offset
            item = stac.item_document(tile, urls, place) if needed else None
            if needed and item is None:
                continue
            if query.filter is not None and item is not None and not query.filter.matches(item):
                continue
            found.append(item)
    return found


def _distinct(items: list[dict[str, Any]], name: str) -> list[Any]:
    values = {}
    for item in items:
        value = search.distinct_value(item, name)
        if value is not None:
            values[repr(value)] = value
    return sorted(values.values(), key=lambda v: (type(v).__name__, v))


def _page(query: Query, everything: list[Any]) -> tuple[list[Any], int | None]:
    page = everything[query.offset : query.offset + query.limit]
    more = query.offset + query.limit < len(everything)
    return page, query.offset + query.limit if more else None


def _select(
    store: Store, urls: Urls, records: Sequence[CollectionRecord], query: Query
) -> tuple[list[Any], int | None]:
    if query.distinct is not None:
        every = [item for item in _matches(store, records, query, urls) if item is not None]
        return _page(query, _distinct(every, query.distinct))
    # One more than the page: whether a next page exists, without reading the rest.
    items = _matches(store, records, query, urls, stop=query.offset + query.limit + 1)
    page, following = _page(query, items)
    return [search.apply_fields(item, query.fields) for item in page if item], following


async def _selection(
    request: Request, records: Sequence[CollectionRecord], query: Query
) -> tuple[list[Any], int | None]:
    """The page of items (or distinct values) and the next page's token, computed off the
    event loop (footprints are transformed, filters evaluated)."""
    return await run_in_threadpool(_select, _store(request), Urls.of(request), records, query)


def _search_collections(
    request: Request, principal: Principal, query: Query
) -> list[CollectionRecord]:
    store = _store(request)
    records = []
    for catalog_id in query.collections:
        record = _own_collection(store, principal, catalog_id)
        if record is None:
            raise bad_payload(
                "collections",
                f"illegal collection {catalog_id!r}: not a BYOC collection (byoc-<id>) of yours",
            )
        records.append(record)
    return records


def _answer(
    features: list[Any], query: Query, links: list[dict[str, Any]], following: int | None
) -> JSONResponse:
    context: dict[str, Any] = {"limit": query.limit, "returned": len(features)}
    if following is not None:
        context["next"] = following
    return _json(
        {"type": "FeatureCollection", "features": features, "links": links, "context": context},
        GEOJSON,
    )


def _get_params(request: Request) -> dict[str, str]:
    """The query parameters; a repeated list parameter (collections, ids) is joined."""
    params = request.query_params
    joined = {}
    for name in params:
        values = params.getlist(name)
        joined[name] = ",".join(values) if name in ("collections", "ids") else values[-1]
    return joined


@authenticated
async def search_get(request: Request, principal: Principal) -> Response:
    query = search.from_params(_get_params(request))
    records = _search_collections(request, principal, query)
    features, following = await _selection(request, records, query)
    urls = Urls.of(request)
    links = [urls.root_link(), urls.link("self", str(request.url), GEOJSON)]
    if following is not None:
        href = str(request.url.include_query_params(next=following))
        links.append(urls.link("next", href, GEOJSON, title="Next set of results"))
    return _answer(features, query, links, following)


@authenticated
async def search_post(request: Request, principal: Principal) -> Response:
    raw = await read_body(request)
    if not raw.strip():
        raise bad_payload("body", "must be a JSON object of search parameters")
    body = drop_nulls(parse_json(raw))
    if not isinstance(body, dict):
        raise bad_payload("body", "must be a JSON object of search parameters")
    query = search.from_body(body)
    records = _search_collections(request, principal, query)
    features, following = await _selection(request, records, query)
    urls = Urls.of(request)
    href = urls("search")
    links = [urls.root_link(), urls.link("self", href, GEOJSON)]
    if following is not None:
        links.append(
            urls.link(
                "next",
                href,
                GEOJSON,
                title="Next set of results",
                method="POST",
                body={**body, "next": following},
                merge=False,
            )
        )
    return _answer(features, query, links, following)


@authenticated
async def list_items(request: Request, principal: Principal) -> Response:
    record = _path_collection(request, principal)
    catalog_id = stac.COLLECTION_PREFIX + record.id
    query = search.from_params(_get_params(request), collection=catalog_id)
    features, following = await _selection(request, [record], query)
    urls = Urls.of(request)
    links = [
        urls.root_link(),
        urls.link("self", str(request.url), GEOJSON),
        urls.link("parent", urls("collections", catalog_id)),
        urls.link("collection", urls("collections", catalog_id)),
    ]
    if following is not None:
        href = str(request.url.include_query_params(next=following))
        links.append(urls.link("next", href, GEOJSON, title="Next set of results"))
    return _json(
        {
            "type": "FeatureCollection",
            "features": features,
            "links": links,
            "numberReturned": len(features),
            "timeStamp": format_timestamp(datetime.now(UTC)),
        },
        GEOJSON,
    )


@authenticated
async def get_item(request: Request, principal: Principal) -> Response:
    record = _path_collection(request, principal)
    feature_id = str(request.path_params["featureId"])
    tile = _store(request).get_tile(record.id, feature_id) if _is_uuid(feature_id) else None
    item = None
    if tile is not None and tile.status == "INGESTED":
        item = stac.item_document(tile, Urls.of(request))
    if item is None:
        raise not_found(f"Item {feature_id} of collection byoc-{record.id}")
    return _json(item, GEOJSON)


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def routes() -> list[BaseRoute]:
    """Every Catalog route with its full path, under each of `stac.API_PREFIXES`."""
    table: list[BaseRoute] = []
    for prefix in stac.API_PREFIXES:
        table += [
            resource(prefix, {"GET": landing}),
            resource(prefix + "/", {"GET": landing}),
            resource(prefix + "/conformance", {"GET": conformance}),
            resource(prefix + "/queryables", {"GET": root_queryables}),
            resource(prefix + "/collections", {"GET": list_collections}),
            resource(prefix + "/collections/{collectionId}", {"GET": get_collection}),
            resource(
                prefix + "/collections/{collectionId}/queryables", {"GET": collection_queryables}
            ),
            resource(prefix + "/collections/{collectionId}/items", {"GET": list_items}),
            resource(prefix + "/collections/{collectionId}/items/{featureId}", {"GET": get_item}),
            resource(prefix + "/search", {"GET": search_get, "POST": search_post}),
        ]
    return table

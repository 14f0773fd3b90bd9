"""The BYOC API: collections and tiles (operations 1-12 of the reference).

Every route needs a bearer token. A collection belongs to the account of the client that created
it; another account's token gets 403 ``COMMON_INSUFFICIENT_PERMISSIONS`` on it (and never sees it
in lists). The routes are relative: the application mounts them under ``/api/v1/byoc`` and
``/byoc/v1``. The Planet file routes (13-15) live in `files`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from sentinelhub_emulator.byoc.bands import (
    bands_compatible,
    check_no_data,
    normalise_bands,
    updated_bands,
)
from sentinelhub_emulator.byoc.ingest import MAX_PATH_CHARS, IngestionFailure, check_relative_path
from sentinelhub_emulator.byoc.records import TILE_STATUSES, CollectionRecord, TileRecord
from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.byoc.store import DuplicateTilePathError
from sentinelhub_emulator.core.auth import authenticated
from sentinelhub_emulator.core.context import EmulatorContext, context_of
from sentinelhub_emulator.core.errors import (
    INSUFFICIENT_PERMISSIONS,
    UNIQUE_KEY_VIOLATION,
    ApiError,
    Violation,
    bad_payload,
    not_found,
)
from sentinelhub_emulator.core.pagination import page_response, parse_page
from sentinelhub_emulator.core.params import json_body, path_uuid, query_uuid
from sentinelhub_emulator.core.routing import resource
from sentinelhub_emulator.core.times import parse_timestamp, sortable_timestamp
from sentinelhub_emulator.core.tokens import Principal

__all__ = ["MAX_SEARCH_CHARS", "MAX_SEARCH_WORDS", "owned_collection", "owned_tile", "routes"]

_SORTS = {"created:asc": False, "created:desc": True}


def owned_collection(
    context: EmulatorContext, principal: Principal, collection_id: str
) -> CollectionRecord:
    """The collection, if it exists (else 404) and the principal's account owns it (else 403)."""
    collection = byoc_state(context).store.get_collection(collection_id)
    if collection is None:
        raise not_found(f"Collection {collection_id}")
    if collection.account_id != principal.account_id:
        raise ApiError(
            403,
            f"You do not have access to collection {collection_id}.",
            INSUFFICIENT_PERMISSIONS,
        )
    return collection


def owned_tile(request: Request, principal: Principal) -> tuple[CollectionRecord, TileRecord]:
    """The collection and tile named by the path, checked as `owned_collection` does."""
    context = context_of(request)
    collection_id = path_uuid(request, "collectionId")
    tile_id = path_uuid(request, "tileId")
    collection = owned_collection(context, principal, collection_id)
    tile = byoc_state(context).store.get_tile(collection_id, tile_id)
    if tile is None:
        raise not_found(f"Tile {tile_id}")
    return collection, tile


def _check_bucket(context: EmulatorContext, bucket: str) -> None:
    if context.settings.bucket(bucket) is None:
        raise bad_payload("s3Bucket", "not a valid bucket name (letters, digits, '.', '-' and '_')")


def _check_name(name: str) -> None:
    if not name.strip():
        raise bad_payload("name", "must not be empty")


def _sensing_time(body: dict[str, Any]) -> str | None:
    value = body.get("sensingTime")
    if value is None:
        return None
    try:
        return sortable_timestamp(parse_timestamp(value))
    except (ValueError, OverflowError):
        raise bad_payload("sensingTime", f"{value!r} is not an ISO 8601 date-time") from None


def _check_tile_path(path: str) -> None:
    """Refuse at once a path that ingestion would refuse for its shape alone."""
    try:
        check_relative_path(path, "tile path")
    except IngestionFailure as failure:
        raise bad_payload("path", failure.cause) from None


def _requested_bands(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    additional = body.get("additionalData") or {}
    return normalise_bands(additional.get("bands") or {})


# ---------------------------------------------------------------------- collections


@authenticated
async def create_collection(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    body = await json_body(request, "ByocCollection")
    _check_name(body["name"])
    _check_bucket(context, body["s3Bucket"])
    bands = _requested_bands(body)
    check_no_data(body.get("noData"), bands)
    collection = byoc_state(context).store.create_collection(
        account_id=principal.account_id,
        name=body["name"],
        s3_bucket=body["s3Bucket"],
        no_data=body.get("noData"),
        bands=bands,
    )
    return JSONResponse({"data": collection.to_wire()}, status_code=201)


#: Most words a ``search`` may hold, over all its ``|`` groups.
MAX_SEARCH_WORDS = 32

#: Longest ``search`` accepted, in characters.
MAX_SEARCH_CHARS = 4096


def _search_groups(text: str | None) -> list[list[str]]:
    """``a|b&c`` -> ``[["a"], ["b", "c"]]``: any group may match, all words of a group must.

    At most `MAX_SEARCH_CHARS` characters and `MAX_SEARCH_WORDS` words; more is a 400.
    """
    if not text:
        return []
    if len(text) > MAX_SEARCH_CHARS:
        raise bad_payload(
            "search", f"must be at most {MAX_SEARCH_CHARS} characters, not {len(text)}"
        )
    groups = [[word.strip() for word in group.split("&")] for group in text.split("|")]
    kept = [[word for word in group if word] for group in groups if any(group)]
    words = sum(len(group) for group in kept)
    if words > MAX_SEARCH_WORDS:
        raise bad_payload(
            "search",
            f"holds {words} words; at most {MAX_SEARCH_WORDS} are allowed over all '|' groups",
        )
    return kept


@authenticated
async def list_collections(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    count, after = parse_page(request)
    page = byoc_state(context).store.list_collections(
        principal.account_id,
        search=_search_groups(request.query_params.get("search")),
        after=after,
        count=count,
    )
    return page_response(request, after, page)


@authenticated
async def get_collection(request: Request, principal: Principal) -> Response:
    collection = owned_collection(
        context_of(request), principal, path_uuid(request, "collectionId")
    )
    return JSONResponse({"data": collection.to_wire()})


@authenticated
async def update_collection(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    collection_id = path_uuid(request, "collectionId")
    collection = owned_collection(context, principal, collection_id)
    body = await json_body(request, "ByocCollectionUpdate")
    _check_name(body["name"])
    has_tiles = byoc_state(context).store.has_tiles(collection_id)
    if body["s3Bucket"] != collection.s3_bucket:
        if has_tiles:
            raise bad_payload("s3Bucket", "can only be changed while the collection has no tiles")
        _check_bucket(context, body["s3Bucket"])
    bands = collection.bands
    if "additionalData" in body:
        bands = updated_bands(collection.bands, _requested_bands(body), has_tiles=has_tiles)
    check_no_data(body.get("noData"), bands)
    byoc_state(context).store.update_collection(
        collection_id,
        name=body["name"],
        s3_bucket=body["s3Bucket"],
        no_data=body.get("noData"),
        bands=bands,
    )
    return Response(status_code=204)


@authenticated
async def delete_collection(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    collection = owned_collection(context, principal, path_uuid(request, "collectionId"))
    byoc_state(context).store.delete_collection(collection.id)
    return Response(status_code=204)


@authenticated
async def copy_tiles(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    source = owned_collection(context, principal, path_uuid(request, "collectionId"))
    target = owned_collection(context, principal, query_uuid(request, "toCollection"))
    if target.id == source.id:
        raise bad_payload("toCollection", "must be another collection than the source")
    if not bands_compatible(source.bands, target.bands):
        raise bad_payload(
            "toCollection",
            "the target collection must have no bands or the same bands (names, bitDepth and "
            "sampleFormat) as the source",
        )
    target_bands = source.bands if not target.bands and source.bands else None
    byoc_state(context).store.copy_tiles(source.id, target.id, target_bands=target_bands)
    return Response(status_code=204)


# ---------------------------------------------------------------------- tiles


@authenticated
async def create_tile(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    collection = owned_collection(context, principal, path_uuid(request, "collectionId"))
    body = await json_body(request, "ByocTile")
    path = body["path"]
    _check_tile_path(path)
    sensing_time = _sensing_time(body)
    try:
        [tile] = byoc_state(context).store.create_tiles(
            collection.id, [(path, body.get("coverGeometry"), sensing_time)]
        )
    except DuplicateTilePathError:
        raise ApiError(
            409,
            f"A tile with path '{path}' already exists in collection {collection.id}.",
            UNIQUE_KEY_VIOLATION,
            (Violation("path", "already exists in the collection"),),
        ) from None
    byoc_state(context).wake_worker()
    return JSONResponse({"data": tile.to_wire()}, status_code=201)


def _status_filter(request: Request) -> str | None:
    raw = request.query_params.get("status")
    if not raw:
        return None
    # Generated clients may send the JSON-quoted form the reference spec implies ("INGESTED").
    status = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    if status not in TILE_STATUSES:
        raise bad_payload("status", f"must be one of {', '.join(TILE_STATUSES)}")
    return status


@authenticated
async def list_tiles(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    collection = owned_collection(context, principal, path_uuid(request, "collectionId"))
    count, after = parse_page(request)
    sort = request.query_params.get("sort") or "created:asc"
    if sort not in _SORTS:
        raise bad_payload("sort", f"must be one of {', '.join(_SORTS)}")
    path = request.query_params.get("path")
    if path is not None and len(path) > MAX_PATH_CHARS:
        raise bad_payload(
            "path",
            f"is {len(path)} characters long; a tile path has at most {MAX_PATH_CHARS}, so no "
            "tile can match it",
        )
    page = byoc_state(context).store.list_tiles(
        collection.id,
        after=after,
        count=count,
        descending=_SORTS[sort],
        path=path,
        status=_status_filter(request),
    )
    return page_response(request, after, page)


@authenticated
async def get_tile(request: Request, principal: Principal) -> Response:
    _, tile = owned_tile(request, principal)
    return JSONResponse({"data": tile.to_wire()})


def _cover_changed(tile: TileRecord, cover: dict[str, Any] | None) -> bool:
    """Whether a PUT asks for another cover than the tile has.

    Sending back the geometry a GET returned (derived or as requested) is no change; leaving
    it out asks for the derived one.
    """
    if cover is None:
        return tile.requested_cover is not None
    return cover not in (tile.requested_cover, tile.cover_geometry)


@authenticated
async def update_tile(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    _, tile = owned_tile(request, principal)
    body = await json_body(request, "ByocTileUpdate")
    sensing_time = _sensing_time(body)
    cover = body.get("coverGeometry")
    changed = _cover_changed(tile, cover)
    byoc_state(context).store.update_tile(
        tile,
        sensing_time=sensing_time,
        requested_cover=cover if changed else tile.requested_cover,
        reingest=changed and tile.status != "FAILED",
    )
    if changed:
        byoc_state(context).wake_worker()
    return Response(status_code=204)


@authenticated
async def delete_tile(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    collection, tile = owned_tile(request, principal)
    byoc_state(context).store.delete_tile(collection.id, tile.id)
    return Response(status_code=204)


@authenticated
async def reingest_tile(request: Request, principal: Principal) -> Response:
    context = context_of(request)
    _, tile = owned_tile(request, principal)
    if tile.status not in ("INGESTED", "FAILED"):
        raise bad_payload(
            "tileId",
            f"the tile is {tile.status}; only INGESTED or FAILED tiles can be re-ingested",
            f"Tile {tile.id} is already waiting for ingestion.",
        )
    byoc_state(context).store.reingest_tile(tile)
    byoc_state(context).wake_worker()
    return Response(status_code=204)


def routes() -> list[BaseRoute]:
    """Collection and tile routes, relative to the BYOC base path."""
    collection = "/collections/{collectionId}"
    tile = collection + "/tiles/{tileId}"
    return [
        resource("/collections", {"POST": create_collection, "GET": list_collections}),
        resource(
            collection,
            {"GET": get_collection, "PUT": update_collection, "DELETE": delete_collection},
        ),
        resource(collection + "/copyTiles", {"POST": copy_tiles}),
        resource(collection + "/tiles", {"POST": create_tile, "GET": list_tiles}),
        resource(tile, {"GET": get_tile, "PUT": update_tile, "DELETE": delete_tile}),
        resource(tile + "/reingest", {"POST": reingest_tile}),
    ]

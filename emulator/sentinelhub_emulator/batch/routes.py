"""The Batch Processing v1 API (the 18 operations of our spec), relative to ``/api/v1/batch``,
and the emulator-only batch fault controls under ``/_emulator/batch``.

Every API route needs a bearer token. Requests and batch collections belong to the account of
the client that created them; another account gets 403 ``COMMON_INSUFFICIENT_PERMISSIONS``.
Requests and tiling grids answer unwrapped; batch collections come as ``{"data": ...}``.
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from sentinelhub_emulator.core.admin import require_admin
from sentinelhub_emulator.core.auth import authenticated, owned, owner_action
from sentinelhub_emulator.core.context import context_of
from sentinelhub_emulator.core.errors import (
    ApiError,
    bad_payload,
    not_found,
)
from sentinelhub_emulator.core.pagination import Page, page_response, parse_page
from sentinelhub_emulator.core.params import (
    json_body,
    parse_json,
    path_int,
    path_uuid,
    query_choice,
    read_body,
)
from sentinelhub_emulator.core.routing import resource
from sentinelhub_emulator.core.tokens import Principal

from .grids import GRIDS, TilingGrid, TooManyTilesError
from .parsing import parse_request
from .scheduler import MAX_TILES, BatchFaults, BatchService, service_of
from .store import TILE_STATUSES, BatchCollectionRecord, RequestRecord

__all__ = ["admin_routes", "routes"]

_SORTS = ("created", "created:asc", "created:desc", "status", "status:asc", "status:desc")


def _service(request: Request) -> BatchService:
    return service_of(context_of(request))


def _owned_request(request: Request, principal: Principal) -> tuple[BatchService, RequestRecord]:
    service = _service(request)
    request_id = path_uuid(request, "requestId")
    return service, owned(
        service.store.get_request(request_id), principal, f"batch request {request_id}"
    )


def _owned_collection(
    service: BatchService, principal: Principal, collection_id: str
) -> BatchCollectionRecord:
    collection = service.store.get_collection(collection_id)
    return owned(collection, principal, f"batch collection {collection_id}")


def _search_groups(text: str | None) -> list[list[str]]:
    if not text:
        return []
    groups = [[word.strip() for word in group.split("&")] for group in text.split("|")]
    return [[word for word in group if word] for group in groups if any(group)]


def _check_collection_id(service: BatchService, principal: Principal, body: dict[str, Any]) -> None:
    collection_id = (body.get("output") or {}).get("collectionId")
    if collection_id is None:
        return
    collection = service.store.get_collection(str(collection_id))
    if collection is None or collection.account_id != principal.account_id:
        raise bad_payload("output->collectionId", f"no batch collection {collection_id} of yours")


# ---------------------------------------------------------------------- requests


@authenticated
async def create_request(request: Request, principal: Principal) -> Response:
    service = _service(request)
    body = await json_body(request, "BatchRequest")
    parsed, stored = parse_request(body, service.context.settings)
    _check_collection_id(service, principal, stored)
    try:
        tiles = await run_in_threadpool(parsed.tiles, MAX_TILES)
    except TooManyTilesError as exc:
        raise bad_payload(
            "processRequest->input->bounds",
            f"{exc}; the emulator processes at most {MAX_TILES} tiles per request",
        ) from None
    record = service.store.create_request(
        account_id=principal.account_id,
        body=stored,
        description=body.get("description"),
        tile_count=len(tiles),
        tile_size_px=parsed.tile_size_px,
        collection_id=stored["output"].get("collectionId"),
    )
    return JSONResponse(record.to_wire(), status_code=201)


@authenticated
async def list_requests(request: Request, principal: Principal) -> Response:
    service = _service(request)
    count, after = parse_page(request)
    sort = query_choice(request, "sort", _SORTS, "created")
    collection_id = request.query_params.get("collectionId") or None
    page = service.store.list_requests(
        principal.account_id,
        count=count,
        after=after,
        sort=sort,
        search=_search_groups(request.query_params.get("search")),
        collection_id=collection_id,
    )
    return page_response(request, after, page)


@authenticated
async def get_request(request: Request, principal: Principal) -> Response:
    _, record = _owned_request(request, principal)
    return JSONResponse(record.to_wire())


@authenticated
async def update_request(request: Request, principal: Principal) -> Response:
    service, record = _owned_request(request, principal)
    body = await json_body(request, "BatchRequestUpdate")
    if record.status in ("ANALYSING", "PROCESSING") or (
        record.user_action == "START" and record.status in ("CREATED", "ANALYSIS_DONE")
    ):
        raise ApiError(
            409,
            f"Batch request {record.id} is {record.status}; it can be changed only while it is "
            "not analysing, queued or processing.",
            "COMMON_BAD_PAYLOAD",
        )
    stored = record.body
    if "output" in body:
        if record.status not in ("CREATED", "ANALYSIS_DONE"):
            raise bad_payload(
                "output", f"can be changed only before processing; it is {record.status}"
            )
        merged = {**stored, "output": {**stored.get("output", {}), **(body["output"] or {})}}
        _, stored = parse_request(merged, service.context.settings)
        _check_collection_id(service, principal, stored)
    description = body.get("description", record.description)
    service.store.update_request(record.id, body=stored, description=description)
    return Response(status_code=204)


@authenticated
async def delete_request(request: Request, principal: Principal) -> Response:
    service, record = _owned_request(request, principal)
    if record.status in ("ANALYSING", "PROCESSING"):
        raise ApiError(
            409,
            f"Batch request {record.id} is {record.status}; cancel it before deleting it.",
            "COMMON_BAD_PAYLOAD",
        )
    service.store.delete_request(record.id)
    return Response(status_code=204)


analyse = owner_action(_owned_request, BatchService.analyse)
start = owner_action(_owned_request, BatchService.start_request)
cancel = owner_action(_owned_request, BatchService.cancel)
restart_partial = owner_action(_owned_request, BatchService.restart_partial)


# ---------------------------------------------------------------------- tiles


@authenticated
async def list_tiles(request: Request, principal: Principal) -> Response:
    service, record = _owned_request(request, principal)
    count, after = parse_page(request)
    raw = request.query_params.get("status") or None
    status = None
    if raw is not None:
        status = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
        if status not in TILE_STATUSES:
            raise bad_payload("status", f"must be one of {', '.join(TILE_STATUSES)}")
    page = service.store.list_tiles(record.id, count=count, after=after, status=status)
    return page_response(request, after, page)


@authenticated
async def get_tile(request: Request, principal: Principal) -> Response:
    service, record = _owned_request(request, principal)
    tile_id = path_int(request, "tileId")
    tile = service.store.get_tile(record.id, tile_id)
    if tile is None:
        raise not_found(f"Tile {tile_id} of batch request {record.id}")
    return JSONResponse(tile.to_wire())


# ---------------------------------------------------------------------- tiling grids


@authenticated
async def list_grids(request: Request, principal: Principal) -> Response:
    """The tiling grids, paged by id (Batch v1 and v2 answer them alike)."""
    count, after = parse_page(request)
    grids = [g for g in sorted(GRIDS.values(), key=lambda g: g.id) if after is None or g.id > after]
    page: Page[TilingGrid] = Page(
        grids[:count], grids[count - 1].id if len(grids) > count else None
    )
    return page_response(request, after, page)


@authenticated
async def get_grid(request: Request, principal: Principal) -> Response:
    """One tiling grid, unwrapped (Batch v1 and v2 answer it alike)."""
    grid_id = path_int(request, "gridId")
    grid = GRIDS.get(grid_id)
    if grid is None:
        raise not_found(f"Tiling grid {grid_id}")
    return JSONResponse(grid.to_wire())


# ---------------------------------------------------------------------- collections


def _collection_fields(
    service: BatchService, body: dict[str, Any]
) -> tuple[str, float | None, dict[str, Any]]:
    name = body["name"]
    if not name.strip():
        raise bad_payload("name", "must not be empty")
    if service.context.settings.bucket(body["s3Bucket"]) is None:
        raise bad_payload("s3Bucket", "not a valid bucket name (letters, digits, '.', '-' and '_')")
    no_data = body.get("noData")
    bands = (body.get("additionalData") or {}).get("bands") or {}
    return name, None if no_data is None else float(no_data), bands


@authenticated
async def create_collection(request: Request, principal: Principal) -> Response:
    service = _service(request)
    body = await json_body(request, "BatchCollection")
    name, no_data, bands = _collection_fields(service, body)
    collection = service.store.create_collection(
        account_id=principal.account_id,
        name=name,
        s3_bucket=body["s3Bucket"],
        no_data=no_data,
        bands=bands,
    )
    return JSONResponse({"data": collection.to_wire()}, status_code=201)


@authenticated
async def list_collections(request: Request, principal: Principal) -> Response:
    service = _service(request)
    count, after = parse_page(request)
    page = service.store.list_collections(
        principal.account_id,
        count=count,
        after=after,
        search=_search_groups(request.query_params.get("search")),
    )
    return page_response(request, after, page)


@authenticated
async def get_collection(request: Request, principal: Principal) -> Response:
    service = _service(request)
    collection = _owned_collection(service, principal, path_uuid(request, "collectionId"))
    return JSONResponse({"data": collection.to_wire()})


@authenticated
async def update_collection(request: Request, principal: Principal) -> Response:
    service = _service(request)
    collection = _owned_collection(service, principal, path_uuid(request, "collectionId"))
    body = await json_body(request, "BatchCollection")
    name, no_data, bands = _collection_fields(service, body)
    if body["s3Bucket"] != collection.s3_bucket:
        raise bad_payload("s3Bucket", "the bucket of a batch collection cannot change")
    service.store.update_collection(
        collection.id, name=name, no_data=no_data, bands=bands or collection.bands
    )
    return Response(status_code=204)


@authenticated
async def delete_collection(request: Request, principal: Principal) -> Response:
    service = _service(request)
    collection = _owned_collection(service, principal, path_uuid(request, "collectionId"))
    if service.store.collection_in_use(collection.id):
        raise ApiError(
            409,
            f"Batch collection {collection.id} is used by a request that is not FAILED or "
            "CANCELED; delete or cancel that request first.",
            "COMMON_BAD_PAYLOAD",
        )
    service.store.delete_collection(collection.id)
    return Response(status_code=204)


def routes() -> list[BaseRoute]:
    """The Batch v1 routes, relative to ``/api/v1/batch``."""
    one = "/process/{requestId}"
    return [
        resource("/process", {"POST": create_request, "GET": list_requests}),
        resource(one, {"GET": get_request, "PUT": update_request, "DELETE": delete_request}),
        resource(one + "/analyse", {"POST": analyse}),
        resource(one + "/start", {"POST": start}),
        resource(one + "/cancel", {"POST": cancel}),
        resource(one + "/restartpartial", {"POST": restart_partial}),
        resource(one + "/tiles", {"GET": list_tiles}),
        resource(one + "/tiles/{tileId}", {"GET": get_tile}),
        resource("/tilinggrids", {"GET": list_grids}),
        resource("/tilinggrids/{gridId}", {"GET": get_grid}),
        resource("/collections", {"POST": create_collection, "GET": list_collections}),
        resource(
            "/collections/{collectionId}",
            {"GET": get_collection, "PUT": update_collection, "DELETE": delete_collection},
        ),
    ]


# ---------------------------------------------------------------------- emulator controls


def _faults_from(body: Any) -> BatchFaults:
    if not isinstance(body, dict):
        raise bad_payload("body", "must be a JSON object")
    unknown = set(body) - {"failFraction", "failTiles", "seed"}
    if unknown:
        raise bad_payload(sorted(unknown)[0], "unknown field; use failFraction, failTiles, seed")
    fraction = body.get("failFraction", 0.0)
    if (
        isinstance(fraction, bool)
        or not isinstance(fraction, int | float)
        or not 0 <= fraction <= 1
    ):
        raise bad_payload("failFraction", "must be a number from 0 to 1")
    tiles = body.get("failTiles", [])
    if not isinstance(tiles, list) or not all(isinstance(t, str | int) for t in tiles):
        raise bad_payload("failTiles", "must be a list of tile names or ids")
    seed = body.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise bad_payload("seed", "must be an integer")
    return BatchFaults(float(fraction), frozenset(str(t) for t in tiles), seed)


async def faults(request: Request) -> Response:
    """GET: the batch faults; POST: replace them; DELETE: none."""
    require_admin(request)
    service = _service(request)
    if request.method == "POST":
        service.set_faults(_faults_from(parse_json(await read_body(request) or b"{}")))
    elif request.method == "DELETE":
        service.set_faults(None)
    return JSONResponse(service.faults.to_wire())


def admin_routes() -> list[BaseRoute]:
    """Emulator-only batch controls, relative to ``/_emulator/batch``."""
    return [resource("/faults", {"GET": faults, "POST": faults, "DELETE": faults})]

"""The Batch Processing v2 API, relative to ``/api/v2/batch``.

Every route needs a bearer token. Requests belong to the account of the client that created
them; another account gets 403 ``COMMON_INSUFFICIENT_PERMISSIONS``. Requests and grids answer
unwrapped, lists as ``{"data": [...], "links": {...}}``. Illegal actions are 409.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from sentinelhub_emulator.batch.grids import TooManyTilesError
from sentinelhub_emulator.batch.parsing import check_key_lengths
from sentinelhub_emulator.batch.routes import get_grid, list_grids
from sentinelhub_emulator.byoc.state import byoc_state
from sentinelhub_emulator.core.auth import authenticated, owned, owner_action
from sentinelhub_emulator.core.context import context_of
from sentinelhub_emulator.core.errors import (
    BAD_PAYLOAD,
    ApiError,
    bad_payload,
)
from sentinelhub_emulator.core.pagination import Page, page_links, parse_page
from sentinelhub_emulator.core.params import json_body, path_uuid, query_choice
from sentinelhub_emulator.core.routing import resource
from sentinelhub_emulator.core.tokens import Principal

from .geopackage import GeopackageError, read_features
from .parsing import parse_request
from .scheduler import MAX_TILES, BatchV2Service
from .store import RequestRecord, to_wire

__all__ = ["NAME", "routes"]

NAME = "batch-v2"
_SORTS = {
    "created": (False, False),
    "created:asc": (False, False),
    "created:desc": (True, False),
    "status": (False, True),
    "status:asc": (False, True),
    "status:desc": (True, True),
}


def _service(request: Request) -> BatchV2Service:
    return context_of(request).state(NAME, BatchV2Service)


def _owned(request: Request, principal: Principal) -> tuple[BatchV2Service, RequestRecord]:
    service = _service(request)
    request_id = path_uuid(request, "requestId")
    return service, owned(
        service.store.get_request(request_id), principal, f"batch request {request_id}"
    )


def _wire(service: BatchV2Service, record: RequestRecord) -> dict[str, object]:
    return to_wire(record, service.store.progress(record.id))


@authenticated
async def create_request(request: Request, principal: Principal) -> Response:
    service = _service(request)
    body = await json_body(request, "BatchV2ProcessRequest")
    v2 = parse_request(body, service.context.settings)
    parsed = v2.parsed
    if v2.geopackage is not None:
        source = v2.geopackage
        try:
            features = await run_in_threadpool(
                read_features, source.path, source.defaults, max_features=MAX_TILES
            )
        except GeopackageError as error:
            raise bad_payload(error.field, error.message) from None
        # <tileName> is a feature's identifier: check the keys with the longest one.
        longest = max(len(f.identifier.encode("utf-8")) for f in features)
        for spec in parsed.outputs:
            check_key_lengths(
                spec.key_template,
                "output->delivery->s3->url",
                {"outputId": spec.identifier, "format": spec.extension},
                bytes_of={"tileName": longest},
            )
    collection_id = parsed.collection_id
    if collection_id is not None:
        collection = byoc_state(service.context).store.get_collection(str(collection_id))
        if collection is None or collection.account_id != principal.account_id:
            raise bad_payload(
                "output->collectionId", f"no BYOC collection {collection_id} of yours"
            )
    try:
        await run_in_threadpool(parsed.tiles, MAX_TILES)
    except TooManyTilesError as exc:
        raise bad_payload(
            "processRequest->input->bounds",
            f"{exc}; the emulator processes at most {MAX_TILES} tiles per request",
        ) from None
    stored = {k: v for k, v in body.items() if k != "description"}
    record = service.store.create_request(
        account_id=principal.account_id, body=stored, description=body.get("description")
    )
    return JSONResponse(_wire(service, record), status_code=201)


@authenticated
async def list_requests(request: Request, principal: Principal) -> Response:
    service = _service(request)
    count, after = parse_page(request)
    sort = query_choice(request, "sort", _SORTS, "created")
    user = request.query_params.get("userid")
    descending, by_status = _SORTS[sort]
    if user and user != principal.account_id:
        page: Page[RequestRecord] = Page([], None)
    else:
        page = service.store.list_requests(
            principal.account_id,
            count=count,
            after=after,
            descending=descending,
            by_status=by_status,
            search=request.query_params.get("search") or None,
        )
    return JSONResponse(
        {
            "data": [_wire(service, item) for item in page.items],
            "links": page_links(request, after, page.next_after),
        }
    )


@authenticated
async def get_request(request: Request, principal: Principal) -> Response:
    service, record = _owned(request, principal)
    return JSONResponse(_wire(service, record))


@authenticated
async def update_request(request: Request, principal: Principal) -> Response:
    service, record = _owned(request, principal)
    body = await json_body(request, "BatchV2RequestUpdate")
    unknown = sorted(set(body) - {"description"})
    if unknown:
        raise bad_payload(unknown[0], "only description can be changed")
    if record.status in ("ANALYSING", "PROCESSING"):
        raise ApiError(
            409,
            f"Batch request {record.id} is {record.status}; it can be changed only while it is "
            "neither analysing nor processing.",
            BAD_PAYLOAD,
        )
    service.store.update_description(record.id, body.get("description"))
    updated = service.store.get_request(record.id)
    assert updated is not None
    answer = dict(updated.body)
    if updated.description is not None:
        answer["description"] = updated.description
    return JSONResponse(answer)


analyse = owner_action(_owned, BatchV2Service.analyse)
start = owner_action(_owned, BatchV2Service.start_request)
stop = owner_action(_owned, BatchV2Service.stop_request)


def routes() -> list[BaseRoute]:
    """The Batch v2 routes, relative to ``/api/v2/batch``."""
    one = "/process/{requestId}"
    return [
        resource("/process", {"POST": create_request, "GET": list_requests}),
        resource(one, {"GET": get_request, "PUT": update_request}),
        resource(one + "/analyse", {"POST": analyse}),
        resource(one + "/start", {"POST": start}),
        resource(one + "/stop", {"POST": stop}),
        resource("/tilinggrids", {"GET": list_grids}),
        resource("/tilinggrids/{gridId}", {"GET": get_grid}),
    ]

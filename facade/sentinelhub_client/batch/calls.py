"""Every Batch Processing v1 request and the parsing of its answer, without I/O.

`BatchCalls` builds each request with the generated operation's ``_get_kwargs`` (method, path,
query) and gives it our own JSON body; it parses each answer from the dict ``json.loads`` made,
straight into the models of `sentinelhub_client.batch.models`. The clients only run these calls
on a transport.

The functions above it turn what users pass into what goes on the wire, and refuse anything else
before a request is sent, with a `SentinelHubValidationError` naming the argument:

- a batch request may be a `BatchRequest`, a dict with its ``id``, its id (UUID string or
  `uuid.UUID`), or any object with a ``request_id`` attribute (sentinelhub-py's models);
- a batch collection likewise (``collection_id``), a tile by its numeric id (or a `BatchTile` /
  dict), a tiling grid by its numeric id (0 is a grid);
- the process request of `create` may be a payload dict, an object with a ``body`` dict (our
  ``SentinelHubRequest``) or sentinelhub-py's ``SentinelHubRequest`` (its
  ``download_list[0].post_values``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from types import ModuleType
from typing import Any, TypeVar
from uuid import UUID

import httpx
from sentinelhub_api import Client as ApiClient
from sentinelhub_api.api.batch_collection import (
    create_new_batch_collection,
    delete_batch_collection,
    get_all_batch_collections,
    get_single_batch_collection_by_id,
    update_batch_collection,
)
from sentinelhub_api.api.batch_process import (
    batch_analyse,
    batch_cancel_process_request,
    batch_restart_partial_process_request,
    batch_start_process_request,
    create_batch_process_request,
    delete_batch_process_request,
    get_batch_process_request_by_id,
    get_batch_process_requests,
    update_batch_process_request,
)
from sentinelhub_api.api.batch_tile import get_all_batch_process_tiles, get_batch_tile_by_id
from sentinelhub_api.api.batch_tiling_grid import (
    get_batch_tiling_grid_properties,
    get_batch_tiling_grids_properties,
)
from sentinelhub_api.models.batch_tile_status import BatchTileStatus as _GenTileStatus
from sentinelhub_api.types import UNSET, Unset

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.pagination import Page, PageRequest
from sentinelhub_client._core.transport import Call
from sentinelhub_client.batch.models import (
    BatchCollection,
    BatchRequest,
    BatchTile,
    BatchTileStatus,
    TilingGrid,
    _Model,
)

__all__ = [
    "BatchCalls",
    "BatchRequestRef",
    "CollectionRef",
    "build_output",
    "build_tiling_grid",
    "build_update_body",
    "check_tile_status",
    "collection_id_of",
    "grid_id_of",
    "process_payload_of",
    "query_extras",
    "request_id_of",
    "tile_id_of",
]

M = TypeVar("M", bound=_Model)
V = TypeVar("V")

#: A batch request: a model, a dict with ``id``, an id, or an object with ``request_id``.
BatchRequestRef = BatchRequest | Mapping[str, Any] | str | UUID | Any
#: A batch collection: a model, a dict with ``id``, an id, or an object with ``collection_id``.
CollectionRef = BatchCollection | Mapping[str, Any] | str | UUID | Any

#: The actions a request can be sent: the method's name -> the path's last segment.
ACTIONS = {
    "start_analysis": batch_analyse,
    "start_job": batch_start_process_request,
    "cancel_job": batch_cancel_process_request,
    "restart_job": batch_restart_partial_process_request,
}
#: Members of a batch collection the service sets; never sent in a create or an update.
_COLLECTION_READ_ONLY = ("id", "userId", "accountId", "created")


# -- arguments -> wire values -------------------------------------------------------------------


def _refuse(argument: str, problem: str) -> SentinelHubValidationError:
    return SentinelHubValidationError(f"{argument}: {problem}", field=argument)


def _uuid_of(value: object, argument: str, what: str, model: str, attribute: str) -> UUID:
    if isinstance(value, UUID):
        return value
    if isinstance(value, str):
        try:
            return UUID(value.strip())
        except ValueError:
            raise _refuse(
                argument,
                f"{value!r} is not a valid {what} id; pass its id (a UUID such as "
                "'3fa85f64-5717-4562-b3fc-2c963f66afa6'), a model or a dict with its 'id'",
            ) from None
    if value is None:
        raise _refuse(argument, f"the {what} has no id; create it first or pass its id")
    raise _refuse(
        argument,
        f"expected a {model}, a dict with its 'id', an object with '{attribute}' or a {what} id "
        f"(UUID string), got {type(value).__name__} {value!r}",
    )


def request_id_of(batch_request: BatchRequestRef, argument: str = "batch_request") -> UUID:
    """The id of a batch request given as a model, a dict, an id, or an object with
    ``request_id``."""
    value: object = batch_request
    if isinstance(batch_request, BatchRequest):
        value = batch_request.request_id
    elif isinstance(batch_request, Mapping):
        value = batch_request.get("id")
    elif not isinstance(batch_request, str | UUID) and hasattr(batch_request, "request_id"):
        value = batch_request.request_id
    return _uuid_of(value, argument, "batch request", "BatchRequest", "request_id")


def collection_id_of(collection: CollectionRef, argument: str = "collection") -> UUID:
    """The id of a batch collection given as a model, a dict, an id, or an object with
    ``collection_id``."""
    value: object = collection
    if isinstance(collection, BatchCollection):
        value = collection.collection_id
    elif isinstance(collection, Mapping):
        value = collection.get("id")
    elif not isinstance(collection, str | UUID) and hasattr(collection, "collection_id"):
        value = collection.collection_id
    return _uuid_of(value, argument, "batch collection", "BatchCollection", "collection_id")


def _whole_number(value: object, argument: str, what: str, model: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise _refuse(
        argument,
        f"expected a {what} id (a whole number >= 0), a {model} or a dict with its 'id', "
        f"got {type(value).__name__} {value!r}",
    )


def tile_id_of(tile: BatchTile | Mapping[str, Any] | int | str, argument: str = "tile_id") -> int:
    """The numeric id of a tile given as an id, a `BatchTile` or a dict."""
    value: object = tile
    if isinstance(tile, BatchTile):
        value = tile.tile_id
    elif isinstance(tile, Mapping):
        value = tile.get("id")
    return _whole_number(value, argument, "tile", "BatchTile")


def grid_id_of(grid: TilingGrid | Mapping[str, Any] | int | str, argument: str = "grid_id") -> int:
    """The numeric id of a tiling grid (0 is a grid, not "none")."""
    value: object = grid
    if isinstance(grid, TilingGrid):
        value = grid.grid_id
    elif isinstance(grid, Mapping):
        value = grid.get("id")
    return _whole_number(value, argument, "tiling grid", "TilingGrid")


def check_tile_status(status: BatchTileStatus | str | None) -> str | None:
    """The wire value of a tile status filter (known statuses only, any letter case)."""
    if status is None:
        return None
    if not isinstance(status, str):
        raise _refuse("status", f"expected a BatchTileStatus or its name, got {status!r}")
    text = status.strip().upper()
    if text not in BatchTileStatus.__members__:
        known = ", ".join(s.value for s in BatchTileStatus)
        raise _refuse("status", f"{status!r} is not a batch tile status; use one of {known}")
    return text


def _optional_text(value: object, argument: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _refuse(argument, f"expected a string or None, got {type(value).__name__} {value!r}")


def _json_clean(value: Any, argument: str) -> Any:
    """``value`` if it can be sent as JSON, else a clear error naming ``argument``."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise _refuse(argument, f"cannot be sent as JSON ({exc})") from exc
    return value


def query_extras(extra: Mapping[str, Any], argument: str = "kwargs") -> dict[str, Any]:
    """Further query parameters (None values are left out, as sentinelhub-py did)."""
    out: dict[str, Any] = {}
    for key, value in extra.items():
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise _refuse(
                f"{argument}[{key!r}]",
                f"a query parameter must be a string or a number, got {value!r}",
            )
        out[key] = value
    return out


def process_payload_of(sentinelhub_request: Any) -> dict[str, Any]:
    """The Process API payload of ``create``'s first argument (see the module docstring)."""
    payload: Any = sentinelhub_request
    if not isinstance(payload, Mapping):
        # Ours keeps its body in ``payload``; a ``body`` dict attribute is accepted too (``body``
        # is a static helper on both SentinelHubRequest classes: never call it);
        # sentinelhub-py's request has it in ``download_list[0].post_values``.
        found = next(
            (
                value
                for value in (getattr(payload, "payload", None), getattr(payload, "body", None))
                if isinstance(value, Mapping)
            ),
            None,
        )
        if found is not None:
            payload = found
        else:
            downloads = getattr(payload, "download_list", None)
            if isinstance(downloads, Sequence) and downloads:
                payload = getattr(downloads[0], "post_values", None)
    if not isinstance(payload, Mapping):
        raise _refuse(
            "sentinelhub_request",
            "expected a Process API payload (a dict with 'input', 'output' and 'evalscript') "
            "or a SentinelHubRequest (an object with a 'body' dict), got "
            f"{type(sentinelhub_request).__name__}",
        )
    return dict(_json_clean(dict(payload), "sentinelhub_request"))


def _drop_none(payload: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if value is not None}


def build_tiling_grid(
    grid_id: int, resolution: float, buffer: Sequence[int] | None, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """``{"id", "resolution", "bufferX"?, "bufferY"?, **extra}``, checked."""
    grid = grid_id_of(grid_id)
    if isinstance(resolution, bool) or not isinstance(resolution, int | float) or resolution <= 0:
        raise _refuse(
            "resolution", f"expected a number > 0 (in the grid's unit), got {resolution!r}"
        )
    payload: dict[str, Any] = {"id": grid, "resolution": resolution, **extra}
    if buffer:
        if (
            isinstance(buffer, str)
            or len(buffer) != 2
            or not all(isinstance(b, int) and not isinstance(b, bool) and b >= 0 for b in buffer)
        ):
            raise _refuse(
                "buffer", f"expected (buffer_x, buffer_y), two whole numbers >= 0, got {buffer!r}"
            )
        payload = {**payload, "bufferX": buffer[0], "bufferY": buffer[1]}
    return payload


_OUTPUT_FLAGS = ("overwrite", "skip_existing", "cog_output", "create_collection")


def build_output(options: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """The ``output`` object from `SentinelHubBatch.output`'s arguments (None left out)."""
    for name in _OUTPUT_FLAGS:
        value = options[name]
        if value is not None and not isinstance(value, bool):
            raise _refuse(name, f"expected True, False or None, got {value!r}")
    for name in ("default_tile_path", "collection_id"):
        _optional_text(options[name], name)
    for name, kind in (("cog_parameters", Mapping), ("responses", Sequence)):
        value = options[name]
        if value is not None and (isinstance(value, str) or not isinstance(value, kind)):
            raise _refuse(
                name, f"expected a {'dict' if kind is Mapping else 'list'}, got {value!r}"
            )
    payload = {
        "defaultTilePath": options["default_tile_path"],
        "overwrite": options["overwrite"],
        "skipExisting": options["skip_existing"],
        "cogOutput": options["cog_output"],
        "cogParameters": options["cog_parameters"],
        "createCollection": options["create_collection"],
        "collectionId": options["collection_id"],
        "responses": options["responses"],
        **extra,
    }
    return _drop_none(payload)


def build_create_payload(
    sentinelhub_request: Any,
    tiling_grid: Mapping[str, Any],
    output: Mapping[str, Any] | None,
    bucket_name: str | None,
    description: str | None,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """The body of ``POST /process``: what sentinelhub-py sent, checked first."""
    process = process_payload_of(sentinelhub_request)
    if not isinstance(tiling_grid, Mapping):
        raise _refuse(
            "tiling_grid",
            "expected a dict such as SentinelHubBatch.tiling_grid(grid_id, resolution) "
            f"returns, got {tiling_grid!r}",
        )
    if output is not None and not isinstance(output, Mapping):
        raise _refuse(
            "output",
            f"expected a dict such as SentinelHubBatch.output(...) returns, got {output!r}",
        )
    _optional_text(bucket_name, "bucket_name")
    _optional_text(description, "description")
    payload = _drop_none(
        {
            "processRequest": process,
            "tilingGrid": dict(tiling_grid),
            "output": None if output is None else dict(output),
            "bucketName": bucket_name,
            "description": description,
            **extra,
        }
    )
    if not any(key in payload for key in ("output", "bucketName", "zarrOutput")):
        raise _refuse(
            "output",
            "say where the results go: output=SentinelHubBatch.output(default_tile_path="
            "'s3://bucket/folder'), bucket_name='bucket', or zarrOutput={...}",
        )
    return dict(_json_clean(payload, "kwargs"))


def build_update_body(
    output: Mapping[str, Any] | None, description: str | None, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """The body of ``PUT /process/{id}``: ``output`` and/or ``description`` and any further
    members (None left out), checked; an update with nothing in it is refused."""
    if output is not None and not isinstance(output, Mapping):
        raise _refuse(
            "output",
            f"expected a dict such as SentinelHubBatch.output(...) returns, got {output!r}",
        )
    _optional_text(description, "description")
    body = {"output": output, "description": description, **extra}
    body = {key: value for key, value in body.items() if value is not None}
    if not body:
        raise _refuse("output", "nothing to update; give output=... and/or description=...")
    return body


def _collection_body(collection: BatchCollection | Mapping[str, Any]) -> dict[str, Any]:
    """The collection as JSON minus its read-only members (a dict is sent as it is given)."""
    if isinstance(collection, BatchCollection):
        body = collection.to_dict()
    elif isinstance(collection, Mapping):
        body = dict(_json_clean(dict(collection), "collection"))
    else:
        raise _refuse(
            "collection", f"expected a BatchCollection or a dict, got {type(collection).__name__}"
        )
    for key in _COLLECTION_READ_ONLY:
        body.pop(key, None)
    return body


# -- answers -> models ----------------------------------------------------------------------------


class _Json:
    """A request body for a generated operation's ``_get_kwargs`` (it calls ``to_dict``)."""

    def __init__(self, payload: Mapping[str, Any]) -> None:
        self._payload = dict(payload)

    def to_dict(self) -> dict[str, Any]:
        return self._payload


def _unset(value: V | None) -> V | Unset:
    return UNSET if value is None else value


def _unwrap(body: Any) -> Any:
    """A single object, bare or in ``{"data": {...}}`` (the sources disagree for some calls)."""
    if isinstance(body, dict) and len(body) == 1 and isinstance(body.get("data"), dict):
        return body["data"]
    return body


def _one(kind: type[M]) -> Callable[[ApiClient, httpx.Response], M]:
    def parse(api: ApiClient, response: httpx.Response) -> M:
        return kind.from_dict(_unwrap(response.json()))

    return parse


def _page(kind: type[M], page: PageRequest) -> Callable[[ApiClient, httpx.Response], Page[M]]:
    def parse(api: ApiClient, response: httpx.Response) -> Page[M]:
        body = response.json()
        data = body["data"]
        if not isinstance(data, list):
            raise TypeError(f"'data' is {type(data).__name__}, not a list")
        links = body.get("links") or {}
        next_token = links.get("nextToken") if isinstance(links, dict) else None
        items = [kind.from_dict(item) for item in data]
        return Page(items, next_token=next_token or None, token=page.viewtoken)

    return parse


def _no_content(api: ApiClient, response: httpx.Response) -> None:
    return None


class BatchCalls:
    """Every Batch Processing v1 request (under ``/api/v1/batch``) and its parsing; no I/O."""

    @staticmethod
    def _request(
        op: ModuleType, *args: Any, extra: Mapping[str, Any] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        request = dict(op._get_kwargs(*args, **kwargs))
        if extra:
            request["params"] = {**request.get("params", {}), **extra}
        return request

    # -- requests ------------------------------------------------------------------------------

    def create(self, payload: Mapping[str, Any]) -> Call[BatchRequest]:
        """``POST /process`` with a payload from `build_create_payload`; never replayed blindly."""
        request = self._request(create_batch_process_request, body=_Json(payload))
        return Call(request=request, parse=_one(BatchRequest), create=True)

    def list_requests(
        self,
        page: PageRequest,
        *,
        user_id: str | None = None,
        search: str | None = None,
        sort: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Call[Page[BatchRequest]]:
        """One page of ``GET /process`` (arguments already checked)."""
        request = self._request(
            get_batch_process_requests,
            count=page.count,
            viewtoken=_unset(page.viewtoken),
            search=_unset(search),
            userid=_unset(user_id),
            sort=_unset(sort),
            extra=extra,
        )
        return Call(request=request, parse=_page(BatchRequest, page))

    def get_request(self, batch_request: BatchRequestRef) -> Call[BatchRequest]:
        """``GET /process/{id}``."""
        request = self._request(get_batch_process_request_by_id, request_id_of(batch_request))
        return Call(request=request, parse=_one(BatchRequest))

    def update_request(self, batch_request: BatchRequestRef, body: Mapping[str, Any]) -> Call[None]:
        """``PUT /process/{id}`` with ``{"output"?, "description"?, ...}``."""
        request = self._request(
            update_batch_process_request, request_id_of(batch_request), body=_Json(body)
        )
        return Call(request=request, parse=_no_content)

    def delete_request(self, batch_request: BatchRequestRef) -> Call[None]:
        """``DELETE /process/{id}``."""
        request = self._request(delete_batch_process_request, request_id_of(batch_request))
        return Call(request=request, parse=_no_content)

    def action(self, name: str, batch_request: BatchRequestRef) -> Call[None]:
        """``POST /process/{id}/analyse|start|cancel|restartpartial`` (no body), by the client
        method's ``name``."""
        request = self._request(ACTIONS[name], request_id_of(batch_request))
        return Call(request=request, parse=_no_content)

    # -- tiles ---------------------------------------------------------------------------------

    def list_tiles(
        self,
        request_id: UUID,
        page: PageRequest,
        *,
        status: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Call[Page[BatchTile]]:
        """One page of ``GET /process/{id}/tiles`` (arguments already checked)."""
        request = self._request(
            get_all_batch_process_tiles,
            request_id,
            count=page.count,
            viewtoken=_unset(page.viewtoken),
            status=UNSET if status is None else _GenTileStatus(status),
            extra=extra,
        )
        return Call(request=request, parse=_page(BatchTile, page))

    def get_tile(
        self, batch_request: BatchRequestRef, tile: BatchTile | Mapping[str, Any] | int | str
    ) -> Call[BatchTile]:
        """``GET /process/{id}/tiles/{tileId}``."""
        request = self._request(
            get_batch_tile_by_id, request_id_of(batch_request), tile_id_of(tile)
        )
        return Call(request=request, parse=_one(BatchTile))

    # -- tiling grids --------------------------------------------------------------------------

    def list_tiling_grids(
        self, page: PageRequest, *, extra: Mapping[str, Any] | None = None
    ) -> Call[Page[TilingGrid]]:
        """One page of ``GET /tilinggrids``."""
        request = self._request(
            get_batch_tiling_grids_properties,
            count=page.count,
            viewtoken=_unset(page.viewtoken),
            extra=extra,
        )
        return Call(request=request, parse=_page(TilingGrid, page))

    def get_tiling_grid(self, grid: TilingGrid | Mapping[str, Any] | int | str) -> Call[TilingGrid]:
        """``GET /tilinggrids/{id}`` (grid 0 included)."""
        request = self._request(get_batch_tiling_grid_properties, grid_id_of(grid))
        return Call(request=request, parse=_one(TilingGrid))

    # -- batch collections ---------------------------------------------------------------------

    def list_collections(
        self,
        page: PageRequest,
        *,
        search: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Call[Page[BatchCollection]]:
        """One page of ``GET /collections``."""
        request = self._request(
            get_all_batch_collections,
            count=page.count,
            viewtoken=_unset(page.viewtoken),
            search=_unset(search),
            extra=extra,
        )
        return Call(request=request, parse=_page(BatchCollection, page))

    def get_collection(self, collection: CollectionRef) -> Call[BatchCollection]:
        """``GET /collections/{id}`` (the answer bare or in ``{"data": ...}``)."""
        request = self._request(get_single_batch_collection_by_id, collection_id_of(collection))
        return Call(request=request, parse=_one(BatchCollection))

    def create_collection(
        self, collection: BatchCollection | Mapping[str, Any]
    ) -> Call[BatchCollection]:
        """``POST /collections`` with the collection minus its read-only members."""
        body = _collection_body(collection)
        request = self._request(create_new_batch_collection, body=_Json(body))
        return Call(request=request, parse=_one(BatchCollection), create=True)

    def update_collection(self, collection: BatchCollection | Mapping[str, Any]) -> Call[None]:
        """``PUT /collections/{id}`` with the collection minus its read-only members."""
        collection_id = collection_id_of(collection)
        body = _collection_body(collection)
        request = self._request(update_batch_collection, collection_id, body=_Json(body))
        return Call(request=request, parse=_no_content)

    def delete_collection(self, collection: CollectionRef) -> Call[None]:
        """``DELETE /collections/{id}``."""
        request = self._request(delete_batch_collection, collection_id_of(collection))
        return Call(request=request, parse=_no_content)

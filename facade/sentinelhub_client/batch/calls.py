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

from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

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
from sentinelhub_api.types import UNSET

from sentinelhub_client._core.models import as_uuid
from sentinelhub_client._core.pagination import Page, PageRequest
from sentinelhub_client._core.transport import Call
from sentinelhub_client.batch._shared import (
    BatchCallsCore,
    JsonBody,
    drop_none,
    grid_id_of,
    json_clean,
    no_content,
    numeric_id_of,
    optional_text,
    query_extras,
    ref_value,
    refuse,
    unset,
)
from sentinelhub_client.batch.models import (
    BatchCollection,
    BatchRequest,
    BatchTile,
    BatchTileStatus,
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


def _uuid_of(value: object, argument: str, what: str, model: str, attribute: str) -> UUID:
    found = as_uuid(value)
    if found is not None:
        return found
    if isinstance(value, str):
        raise refuse(
            argument,
            f"{value!r} is not a valid {what} id; pass its id (a UUID such as "
            "'3fa85f64-5717-4562-b3fc-2c963f66afa6'), a model or a dict with its 'id'",
        )
    if value is None:
        raise refuse(argument, f"the {what} has no id; create it first or pass its id")
    raise refuse(
        argument,
        f"expected a {model}, a dict with its 'id', an object with '{attribute}' or a {what} id "
        f"(UUID string), got {type(value).__name__} {value!r}",
    )


def request_id_of(batch_request: BatchRequestRef, argument: str = "batch_request") -> UUID:
    """The id of a batch request given as a model, a dict, an id, or an object with
    ``request_id``."""
    value = ref_value(batch_request, BatchRequest, "request_id")
    return _uuid_of(value, argument, "batch request", "BatchRequest", "request_id")


def collection_id_of(collection: CollectionRef, argument: str = "collection") -> UUID:
    """The id of a batch collection given as a model, a dict, an id, or an object with
    ``collection_id``."""
    value = ref_value(collection, BatchCollection, "collection_id")
    return _uuid_of(value, argument, "batch collection", "BatchCollection", "collection_id")


def tile_id_of(tile: BatchTile | Mapping[str, Any] | int | str, argument: str = "tile_id") -> int:
    """The numeric id of a tile given as an id, a `BatchTile` or a dict."""
    return numeric_id_of(tile, BatchTile, "tile_id", argument, "tile")


def check_tile_status(status: BatchTileStatus | str | None) -> str | None:
    """The wire value of a tile status filter (known statuses only, any letter case)."""
    if status is None:
        return None
    if not isinstance(status, str):
        raise refuse("status", f"expected a BatchTileStatus or its name, got {status!r}")
    text = status.strip().upper()
    if text not in BatchTileStatus.__members__:
        known = ", ".join(s.value for s in BatchTileStatus)
        raise refuse("status", f"{status!r} is not a batch tile status; use one of {known}")
    return text


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
        raise refuse(
            "sentinelhub_request",
            "expected a Process API payload (a dict with 'input', 'output' and 'evalscript') "
            "or a SentinelHubRequest (an object with a 'body' dict), got "
            f"{type(sentinelhub_request).__name__}",
        )
    return dict(json_clean(dict(payload), "sentinelhub_request"))


def build_tiling_grid(
    grid_id: int, resolution: float, buffer: Sequence[int] | None, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """``{"id", "resolution", "bufferX"?, "bufferY"?, **extra}``, checked."""
    grid = grid_id_of(grid_id)
    if isinstance(resolution, bool) or not isinstance(resolution, int | float) or resolution <= 0:
        raise refuse(
            "resolution", f"expected a number > 0 (in the grid's unit), got {resolution!r}"
        )
    payload: dict[str, Any] = {"id": grid, "resolution": resolution, **extra}
    if buffer:
        if (
            isinstance(buffer, str)
            or len(buffer) != 2
            or not all(isinstance(b, int) and not isinstance(b, bool) and b >= 0 for b in buffer)
        ):
            raise refuse(
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
            raise refuse(name, f"expected True, False or None, got {value!r}")
    for name in ("default_tile_path", "collection_id"):
        optional_text(options[name], name)
    for name, kind in (("cog_parameters", Mapping), ("responses", Sequence)):
        value = options[name]
        if value is not None and (isinstance(value, str) or not isinstance(value, kind)):
            raise refuse(name, f"expected a {'dict' if kind is Mapping else 'list'}, got {value!r}")
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
    return drop_none(payload)


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
        raise refuse(
            "tiling_grid",
            "expected a dict such as SentinelHubBatch.tiling_grid(grid_id, resolution) "
            f"returns, got {tiling_grid!r}",
        )
    if output is not None and not isinstance(output, Mapping):
        raise refuse(
            "output",
            f"expected a dict such as SentinelHubBatch.output(...) returns, got {output!r}",
        )
    optional_text(bucket_name, "bucket_name")
    optional_text(description, "description")
    payload = drop_none(
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
        raise refuse(
            "output",
            "say where the results go: output=SentinelHubBatch.output(default_tile_path="
            "'s3://bucket/folder'), bucket_name='bucket', or zarrOutput={...}",
        )
    return dict(json_clean(payload, "kwargs"))


def build_update_body(
    output: Mapping[str, Any] | None, description: str | None, extra: Mapping[str, Any]
) -> dict[str, Any]:
    """The body of ``PUT /process/{id}``: ``output`` and/or ``description`` and any further
    members (None left out), checked; an update with nothing in it is refused."""
    if output is not None and not isinstance(output, Mapping):
        raise refuse(
            "output",
            f"expected a dict such as SentinelHubBatch.output(...) returns, got {output!r}",
        )
    optional_text(description, "description")
    body = drop_none({"output": output, "description": description, **extra})
    if not body:
        raise refuse("output", "nothing to update; give output=... and/or description=...")
    return body


def _collection_body(collection: BatchCollection | Mapping[str, Any]) -> dict[str, Any]:
    """The collection as JSON minus its read-only members (a dict is sent as it is given)."""
    if isinstance(collection, BatchCollection):
        body = collection.to_dict()
    elif isinstance(collection, Mapping):
        body = dict(json_clean(dict(collection), "collection"))
    else:
        raise refuse(
            "collection", f"expected a BatchCollection or a dict, got {type(collection).__name__}"
        )
    for key in _COLLECTION_READ_ONLY:
        body.pop(key, None)
    return body


# -- requests -> calls ---------------------------------------------------------------------------


class BatchCalls(BatchCallsCore[BatchRequest]):
    """Every Batch Processing v1 request (under ``/api/v1/batch``) and its parsing; no I/O."""

    def __init__(self) -> None:
        super().__init__(
            BatchRequest,
            request_id_of,
            {
                "create": create_batch_process_request,
                "list_requests": get_batch_process_requests,
                "get_request": get_batch_process_request_by_id,
                "list_tiling_grids": get_batch_tiling_grids_properties,
                "get_tiling_grid": get_batch_tiling_grid_properties,
            },
            ACTIONS,
            unwrap=True,
        )

    # -- requests ------------------------------------------------------------------------------

    def update_request(self, batch_request: BatchRequestRef, body: Mapping[str, Any]) -> Call[None]:
        """``PUT /process/{id}`` with ``{"output"?, "description"?, ...}``."""
        request = self._request(
            update_batch_process_request, request_id_of(batch_request), body=JsonBody(body)
        )
        return Call(request=request, parse=no_content)

    def delete_request(self, batch_request: BatchRequestRef) -> Call[None]:
        """``DELETE /process/{id}``."""
        request = self._request(delete_batch_process_request, request_id_of(batch_request))
        return Call(request=request, parse=no_content)

    # -- tiles ---------------------------------------------------------------------------------

    def tile_listing(
        self,
        batch_request: BatchRequestRef,
        status: BatchTileStatus | str | None,
        kwargs: Mapping[str, Any],
    ) -> Callable[[PageRequest], Call[Page[BatchTile]]]:
        """The page calls of ``iter_tiles`` (arguments checked now, before any page)."""
        request_id = request_id_of(batch_request)
        status_value, extra = check_tile_status(status), query_extras(kwargs)
        return lambda page: self.list_tiles(request_id, page, status=status_value, extra=extra)

    def list_tiles(
        self,
        request_id: UUID,
        page: PageRequest,
        *,
        status: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Call[Page[BatchTile]]:
        """One page of ``GET /process/{id}/tiles`` (arguments already checked)."""
        status_query = UNSET if status is None else _GenTileStatus(status)
        return self._page(
            get_all_batch_process_tiles,
            BatchTile,
            page,
            request_id,
            status=status_query,
            extra=extra,
        )

    def get_tile(
        self, batch_request: BatchRequestRef, tile: BatchTile | Mapping[str, Any] | int | str
    ) -> Call[BatchTile]:
        """``GET /process/{id}/tiles/{tileId}``."""
        request = self._request(
            get_batch_tile_by_id, request_id_of(batch_request), tile_id_of(tile)
        )
        return Call(request=request, parse=self._one(BatchTile))

    # -- batch collections ---------------------------------------------------------------------

    def collection_listing(
        self, search: object, kwargs: Mapping[str, Any]
    ) -> Callable[[PageRequest], Call[Page[BatchCollection]]]:
        """The page calls of ``iter_collections`` (arguments checked now, before any page)."""
        words, extra = optional_text(search, "search"), query_extras(kwargs)
        return lambda page: self.list_collections(page, search=words, extra=extra)

    def list_collections(
        self,
        page: PageRequest,
        *,
        search: str | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> Call[Page[BatchCollection]]:
        """One page of ``GET /collections``."""
        return self._page(
            get_all_batch_collections, BatchCollection, page, search=unset(search), extra=extra
        )

    def get_collection(self, collection: CollectionRef) -> Call[BatchCollection]:
        """``GET /collections/{id}`` (the answer bare or in ``{"data": ...}``)."""
        request = self._request(get_single_batch_collection_by_id, collection_id_of(collection))
        return Call(request=request, parse=self._one(BatchCollection))

    def create_collection(
        self, collection: BatchCollection | Mapping[str, Any]
    ) -> Call[BatchCollection]:
        """``POST /collections`` with the collection minus its read-only members."""
        body = _collection_body(collection)
        request = self._request(create_new_batch_collection, body=JsonBody(body))
        return Call(request=request, parse=self._one(BatchCollection), create=True)

    def update_collection(self, collection: BatchCollection | Mapping[str, Any]) -> Call[None]:
        """``PUT /collections/{id}`` with the collection minus its read-only members."""
        collection_id = collection_id_of(collection)
        body = _collection_body(collection)
        request = self._request(update_batch_collection, collection_id, body=JsonBody(body))
        return Call(request=request, parse=no_content)

    def delete_collection(self, collection: CollectionRef) -> Call[None]:
        """``DELETE /collections/{id}``."""
        request = self._request(delete_batch_collection, collection_id_of(collection))
        return Call(request=request, parse=no_content)

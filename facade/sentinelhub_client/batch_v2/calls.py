"""Every Batch Processing v2 request and the parsing of its answer, without I/O.

`BatchV2Calls` builds each request with the generated operation's ``_get_kwargs`` (method, path,
query) and our own JSON body, and parses each answer straight into `BatchProcessRequest` /
`TilingGrid`. The clients only run these calls on a transport.

The helpers above it (`tiling_grid_input`, `geopackage_input`, `raster_output`, `zarr_output`,
`s3_specification`) build the ``input`` and ``output`` of a create body as sentinelhub-py 3.12's
static methods do, and refuse what the service would refuse before anything is sent, with a
`SentinelHubValidationError` naming the argument:

- an input of an unknown ``type`` (tiling-grid and geopackage exist), a grid id that is not a
  whole number, a resolution that is not a positive number, a negative buffer;
- an S3 location with both a key pair and an IAM role, or neither, or a URL that is not
  ``s3://...``;
- a delivery template with a placeholder other than ``<requestId>``, ``<tileName>``,
  ``<outputId>`` and ``<format>`` (Zarr: only ``<requestId>``), or a raster template without
  ``<tileName>`` (or without ``<outputId>`` when the Process request has several outputs).

`zarr_output` accepts ``array_parameters`` and, for code written against sentinelhub-py's
dicts, an ``arrayParameter`` member in ``kwargs``; it always sends ``arrayParameters``, the
name the service reads (sentinelhub-py 3.12 sends the misspelt one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal
from uuid import UUID

from sentinelhub_api.api.batch_v2_process import (
    batch_v2_analyse,
    batch_v2_create_request,
    batch_v2_get_request,
    batch_v2_get_requests,
    batch_v2_start_request,
    batch_v2_stop_request,
    batch_v2_update_request,
)
from sentinelhub_api.api.batch_v2_tiling_grid import (
    batch_v2_get_tiling_grid,
    batch_v2_get_tiling_grids,
)

from sentinelhub_client._core import jsonload
from sentinelhub_client._core.models import as_uuid
from sentinelhub_client._core.transport import Call
from sentinelhub_client.batch._shared import (
    BatchCallsCore,
    JsonBody,
    drop_none,
    grid_id_of,
    json_clean,
    query_extras,
    ref_value,
    refuse,
    typed_member,
)
from sentinelhub_client.batch.calls import process_payload_of
from sentinelhub_client.batch_v2.models import BatchProcessRequest
from sentinelhub_client.process.builders import S3Specification, _storage, s3_specification

__all__ = [
    "BatchV2Calls",
    "BatchV2RequestRef",
    "build_create_body",
    "geopackage_input",
    "query_extras",
    "raster_output",
    "request_id_of",
    "s3_specification",
    "tiling_grid_input",
    "zarr_output",
]

#: A Batch v2 request: a model, a dict with ``id``, an id, or an object with ``request_id``.
BatchV2RequestRef = BatchProcessRequest | Mapping[str, Any] | str | UUID | Any

#: The actions a request can be sent: the client method's name -> the generated operation.
ACTIONS = {
    "start_analysis": batch_v2_analyse,
    "start_job": batch_v2_start_request,
    "stop_job": batch_v2_stop_request,
}

#: The input and output types -> the helper that makes each (for the messages).
INPUT_TYPES = {"tiling-grid": "tiling_grid_input", "geopackage": "geopackage_input"}
OUTPUT_TYPES = {"raster": "raster_output", "zarr": "zarr_output"}
INSTANCE_TYPES = ("normal", "large")
RASTER_PLACEHOLDERS = ("requestId", "tileName", "outputId", "format")
ZARR_PLACEHOLDERS = ("requestId",)
_PLACEHOLDER = re.compile(r"<([^<>]*)>")


def request_id_of(batch_request: BatchV2RequestRef, argument: str = "batch_request") -> UUID:
    """The id of a Batch v2 request given as a model, a dict, an id, or an object with
    ``request_id`` (sentinelhub-py's ``BatchProcessRequest``)."""
    value = ref_value(batch_request, BatchProcessRequest, "request_id")
    found = as_uuid(value)
    if found is not None:
        return found
    raise refuse(
        argument,
        f"expected a BatchProcessRequest, a dict with its 'id', an object with 'request_id' or "
        f"a request id (a UUID string), got {type(batch_request).__name__} {batch_request!r}",
    )


# -- the input and output helpers -----------------------------------------------------------------


def _whole(value: object, argument: str, minimum: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
        return value
    raise refuse(argument, f"expected a whole number >= {minimum}, got {value!r}")


def tiling_grid_input(
    grid_id: int,
    resolution: float,
    buffer_x: int | None = None,
    buffer_y: int | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """``{"type": "tiling-grid", "id", "resolution", "bufferX"?, "bufferY"?}``, checked.

    Args:
        grid_id: the grid's id (see ``iter_tiling_grids``; 0 is a grid).
        resolution: pixel size in the grid's unit, one of its ``resolutions``.
        buffer_x, buffer_y: pixels added on the left and right / above and below every tile.
        kwargs: further members, sent as given.
    """
    grid = grid_id_of(grid_id)
    if isinstance(resolution, bool) or not isinstance(resolution, int | float) or resolution <= 0:
        raise refuse(
            "resolution", f"expected a number > 0 (in the grid's unit), got {resolution!r}"
        )
    body: dict[str, Any] = {"type": "tiling-grid", "id": grid, "resolution": resolution}
    if buffer_x is not None:
        body["bufferX"] = _whole(buffer_x, "buffer_x", 0)
    if buffer_y is not None:
        body["bufferY"] = _whole(buffer_y, "buffer_y", 0)
    return {**body, **drop_none(kwargs)}


def geopackage_input(geopackage_specification: Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
    """``{"type": "geopackage", "features": <location>}``: process the features of a GeoPackage
    in a bucket (one output per feature).

    Args:
        geopackage_specification: where the ``.gpkg`` file is, from `s3_specification`.
        kwargs: further members, such as ``defaults={"resolution": 10}``, sent as given.
    """
    features = _storage(geopackage_specification, "geopackage_specification")
    return {"type": "geopackage", "features": features, **drop_none(kwargs)}


def _check_template(url: str, argument: str, allowed: tuple[str, ...]) -> list[str]:
    found = _PLACEHOLDER.findall(url)
    for name in found:
        if name not in allowed:
            known = ", ".join(f"<{a}>" for a in allowed)
            raise refuse(
                argument,
                f"unknown placeholder <{name}> in {url!r}; the placeholders are {known} "
                "(letter case matters)",
            )
    return found


def _delivery(delivery: Mapping[str, Any], allowed: tuple[str, ...]) -> S3Specification:
    location = _storage(delivery, "delivery")
    ((kind, where),) = location.items()
    found = _check_template(where["url"], f"delivery.{kind}.url", allowed)
    if found and allowed is RASTER_PLACEHOLDERS and "tileName" not in found:
        raise refuse(
            f"delivery.{kind}.url",
            f"a template must contain <tileName> so that every tile gets its own files, "
            f"got {where['url']!r}",
        )
    return location


def _flag(value: object, argument: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise refuse(argument, f"expected True, False or None, got {value!r}")


def _mapping(value: object, argument: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return dict(value)
    raise refuse(argument, f"expected a dict, got {type(value).__name__} {value!r}")


def raster_output(
    delivery: Mapping[str, Any],
    *,
    overwrite: bool | None = None,
    skip_existing: bool | None = None,
    cog_output: bool | None = None,
    cog_parameters: Mapping[str, Any] | None = None,
    create_collection: bool | None = None,
    collection_id: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """``{"type": "raster", "delivery", ...}``: files per output of every feature or tile
    (members left None are not sent).

    Args:
        delivery: from `s3_specification`; its URL is a folder (the files go to
            ``<folder>/<requestId>/<tileName>/<outputId>.<format>``) or a template with
            ``<requestId>``, ``<tileName>`` (required), ``<outputId>`` and ``<format>``.
        overwrite: replace files that exist instead of failing.
        skip_existing: skip the tiles whose outputs all exist.
        cog_output: write cloud-optimised GeoTIFFs.
        cog_parameters: their layout (``overviewLevels``, ``blockxsize``, ...).
        create_collection: register the COGs in a new BYOC collection (needs ``cog_output``).
        collection_id: register them in this existing BYOC collection instead.
        kwargs: further members, sent as given.
    """
    if collection_id is not None and not isinstance(collection_id, str | UUID):
        raise refuse("collection_id", f"expected a BYOC collection id, got {collection_id!r}")
    if (create_collection or collection_id is not None) and cog_output is False:
        raise refuse(
            "cog_output",
            "BYOC collections hold COGs only: leave cog_output=True with create_collection or "
            "collection_id",
        )
    body = {
        "type": "raster",
        "delivery": _delivery(delivery, RASTER_PLACEHOLDERS),
        "overwrite": _flag(overwrite, "overwrite"),
        "skipExisting": _flag(skip_existing, "skip_existing"),
        "cogOutput": _flag(cog_output, "cog_output"),
        "cogParameters": _mapping(cog_parameters, "cog_parameters"),
        "createCollection": _flag(create_collection, "create_collection"),
        "collectionId": None if collection_id is None else str(collection_id),
        **kwargs,
    }
    return drop_none(body)


def zarr_output(
    delivery: Mapping[str, Any],
    *,
    group: Mapping[str, Any] | None = None,
    array_parameters: Mapping[str, Any] | None = None,
    array_overrides: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """``{"type": "zarr", "delivery", "group", "arrayParameters"?, "arrayOverrides"?}``: one
    Zarr for the whole job, one array per output.

    Args:
        delivery: from `s3_specification`; the URL of the (empty) Zarr folder, optionally with
            ``<requestId>``.
        group: group parameters; ``{"zarr_format": 2}`` when not given.
        array_parameters: ``dtype``, ``chunks``, ``fill_value``, ``order``, ``compressor`` for
            every array (``arrayParameter``, sentinelhub-py's spelling, is accepted in
            ``kwargs``; ``arrayParameters`` is what is sent).
        array_overrides: output id -> parameters replacing those for that array.
        kwargs: further members, sent as given.
    """
    misspelt = kwargs.pop("arrayParameter", None)
    if misspelt is not None and array_parameters is not None:
        raise refuse(
            "array_parameters",
            "given twice (array_parameters and arrayParameter); give array_parameters only",
        )
    parameters = _mapping(
        array_parameters if array_parameters is not None else misspelt, "array_parameters"
    )
    overrides = _mapping(array_overrides, "array_overrides")
    if overrides is not None:
        for name, value in overrides.items():
            _mapping(value, f"array_overrides[{name!r}]")
    group_body = _mapping(group, "group") or {"zarr_format": 2}
    body = {
        "type": "zarr",
        "delivery": _delivery(delivery, ZARR_PLACEHOLDERS),
        "group": group_body,
        "arrayParameters": parameters,
        "arrayOverrides": overrides,
        **kwargs,
    }
    return drop_none(body)


def _check_input(value: object) -> dict[str, Any]:
    value = typed_member(value, "input", INPUT_TYPES)
    if value["type"] == "geopackage":
        _storage(value.get("features"), "input.features")
    return dict(value)


def _check_output(value: object, process: Mapping[str, Any]) -> dict[str, Any]:
    value = typed_member(value, "output", OUTPUT_TYPES)
    kind = value["type"]
    allowed = RASTER_PLACEHOLDERS if kind == "raster" else ZARR_PLACEHOLDERS
    location = _delivery(value.get("delivery") or {}, allowed)
    body = dict(value)
    if "arrayParameter" in body and "arrayParameters" not in body:
        body["arrayParameters"] = body.pop("arrayParameter")
    if kind == "raster":
        ((store, where),) = location.items()
        responses = (process.get("output") or {}).get("responses") or []
        found = _PLACEHOLDER.findall(where["url"])
        if found and len(responses) > 1 and "outputId" not in found:
            raise refuse(
                f"output.delivery.{store}.url",
                f"the Process request has {len(responses)} outputs: the template needs "
                f"<outputId> so that they do not overwrite each other, got {where['url']!r}",
            )
    return body


def build_create_body(
    process_request: Any,
    input: Any,
    output: Any,
    instance_type: str,
    description: str | None,
    extra: Mapping[str, Any],
) -> dict[str, Any]:
    """The body of ``POST /api/v2/batch/process``, checked (see the module docstring)."""
    process = process_payload_of(process_request)
    if instance_type not in INSTANCE_TYPES:
        raise refuse("instance_type", f"expected 'normal' or 'large', got {instance_type!r}")
    if description is not None and not isinstance(description, str):
        raise refuse("description", f"expected a string or None, got {description!r}")
    body = drop_none(
        {
            "processRequest": process,
            "input": _check_input(input),
            "output": _check_output(output, process),
            "instanceType": instance_type,
            "description": description,
            **extra,
        }
    )
    return json_clean(body, "kwargs")


def build_update_body(description: object) -> dict[str, Any]:
    """``{"description": ...}``: the only member of a Batch v2 request that can change."""
    if not isinstance(description, str):
        raise refuse("description", f"expected a string, got {description!r}")
    return {"description": description}


# -- requests -> calls ---------------------------------------------------------------------------


ActionName = Literal["start_analysis", "start_job", "stop_job"]


class BatchV2Calls(BatchCallsCore[BatchProcessRequest]):
    """Every Batch Processing v2 request (under ``/api/v2/batch``) and its parsing; no I/O."""

    def __init__(self) -> None:
        super().__init__(
            BatchProcessRequest,
            request_id_of,
            {
                "create": batch_v2_create_request,
                "list_requests": batch_v2_get_requests,
                "get_request": batch_v2_get_request,
                "list_tiling_grids": batch_v2_get_tiling_grids,
                "get_tiling_grid": batch_v2_get_tiling_grid,
            },
            ACTIONS,
            unwrap=False,
        )

    def update_request(
        self, batch_request: BatchV2RequestRef, description: object
    ) -> Call[dict[str, Any] | None]:
        """``PUT /process/{id}`` with ``{"description": ...}``."""
        request_id = request_id_of(batch_request)
        body = build_update_body(description)
        request = self._request(batch_v2_update_request, request_id, body=JsonBody(body))
        return Call(request=request, parse=_json_or_none)


def _json_or_none(api: Any, response: Any) -> dict[str, Any] | None:
    """The answer of an update: the stored body, or None when the service sends no body."""
    if not response.content:
        return None
    body = jsonload.loads(response.content)
    return body if isinstance(body, dict) else None

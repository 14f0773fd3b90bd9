"""Reading a Batch v2 create body, each refusal a 400 that names the field.

A v2 body (``processRequest``, ``input`` of type ``tiling-grid``, ``output`` of type
``raster``) is read by Batch v1's parser, on the v1 shape it maps onto: ``input`` becomes
``tilingGrid`` and ``output.delivery.s3.url`` becomes the default tile path (same placeholders,
same layout when the URL is a folder). The violations v1 reports are renamed back to the v2
fields. GeoPackage input (a file in a bucket folder, read by ``geopackage.read_features``)
gives v1's parser a placeholder grid and area, so that only its outputs, COG settings and
flags are used. Zarr output (``output.type`` zarr, see ``zarr_job``) gives v1's parser the Process
request with its ``zarr/array`` responses asked as TIFF and a tile template whose folder is where
the status database goes; the Zarr rules are checked by ``zarr_job``. Collection output
(``createCollection`` / ``collectionId``) is written as COG, as v1 requires; the collection is a
BYOC collection (see ``scheduler``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import takewhile
from pathlib import Path
from typing import Any

from sentinelhub_emulator.batch.parsing import ParsedRequest, _split_s3
from sentinelhub_emulator.batch.parsing import parse_request as parse_v1
from sentinelhub_emulator.core.buckets import BucketPathError, FolderBucket
from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.errors import ApiError, Violation, bad_payload

from .geopackage import GeopackageError, parse_defaults
from .zarr_job import ZarrDelivery, check_grid, check_new, read_delivery, render_process_request

__all__ = ["COG_BLOCK_DEFAULT", "ParsedV2", "parse_request", "parse_stored", "status_root"]

#: ``cogParameters.blockxsize`` / ``blockysize`` when not given (the v2 default).
COG_BLOCK_DEFAULT = 256

_RENAMES = (
    ("output->defaultTilePath", "output->delivery->s3->url"),
    ("bucketName", "output->delivery->s3->url"),
    ("tilingGrid->", "input->"),
    ("tilingGrid", "input"),
)


@dataclass(frozen=True)
class GeopackageSource:
    """Where a GeoPackage input lives: a file in a bucket folder, and the raw defaults."""

    path: Path
    defaults: Any


class ParsedV2:
    """A parsed v2 request: the v1 reading the tiles use, and the key of the job's folder.

    With GeoPackage input, ``geopackage`` says where the features are; ``parsed`` then holds
    the outputs, COG settings and flags only (its grid and area are placeholders)."""

    def __init__(
        self,
        parsed: ParsedRequest,
        bucket: str,
        root: str,
        geopackage: GeopackageSource | None = None,
        zarr: ZarrDelivery | None = None,
        process_request: dict[str, Any] | None = None,
    ) -> None:
        self.parsed = parsed
        #: Bucket of the delivery URL.
        self.bucket = bucket
        #: Key prefix (no trailing '/') of the delivery URL before its first placeholder.
        self.root = root
        self.geopackage = geopackage
        #: Where the Zarr group goes (Zarr output only).
        self.zarr = zarr
        #: The Process request the engine renders (Zarr: its responses asked as TIFF).
        self.process_request = process_request or {}

    def check_renderable(self) -> None:
        """400 (naming ``input->resolution``) unless the emulator can render the tiles."""
        try:
            self.parsed.check_renderable()
        except ApiError as error:
            raise _renamed(error) from None


def _rename(parameter: str) -> str:
    for old, new in _RENAMES:
        if parameter.startswith(old):
            return new + parameter[len(old) :]
    return parameter


def _renamed(error: ApiError) -> ApiError:
    if not error.violations:
        return error
    violations = tuple(Violation(_rename(v.parameter), v.violation) for v in error.violations)
    message = error.message
    for old, new in (
        (v.parameter, n.parameter) for v, n in zip(error.violations, violations, strict=True)
    ):
        message = message.replace(old, new)
    return replace(error, message=message, violations=violations)


def status_root(key_template: str) -> str:
    """The folder of a delivery key: its parts before the first one with a placeholder."""
    parts = key_template.split("/")
    return "/".join(takewhile(lambda part: "<" not in part, parts[:-1] if parts else parts))


#: What a GeoPackage request gives Batch v1's parser in place of a grid and an area.
_PLACEHOLDER_GRID = {"id": 1, "resolution": 10.0}
_PLACEHOLDER_BOUNDS = {
    "bbox": [455_000.0, 5_145_000.0, 456_000.0, 5_146_000.0],
    "properties": {"crs": "http://www.opengis.net/def/crs/EPSG/0/32633"},
}


def _geopackage(body: dict[str, Any], settings: EmulatorSettings) -> GeopackageSource:
    parameter = "input->features->s3->url"
    s3 = (body["input"].get("features") or {}).get("s3")
    if not isinstance(s3, dict) or not s3.get("url"):
        raise bad_payload(parameter, "is required: s3://<bucket>/<path>.gpkg")
    bucket, key = _split_s3(str(s3["url"]), parameter, settings)
    store = settings.bucket(bucket)
    if not isinstance(store, FolderBucket):
        raise bad_payload(
            parameter, "GeoPackage input is read from bucket folders only in this emulator"
        )
    try:
        path = store.path(key)
    except BucketPathError:
        raise bad_payload(parameter, "the path leaves its bucket") from None
    if not key or not path.is_file():
        raise bad_payload(parameter, f"no file {key!r} in bucket {bucket!r}")
    try:
        parse_defaults(body["input"].get("defaults"))
    except GeopackageError as error:
        raise bad_payload(error.field, error.message) from None
    return GeopackageSource(path, body["input"].get("defaults"))


def _v1_body(body: dict[str, Any], zarr: ZarrDelivery | None) -> dict[str, Any]:
    grid_input = body["input"]
    geopackage = grid_input.get("type") == "geopackage"
    output = body["output"]
    if zarr is not None:
        return {
            "processRequest": render_process_request(body["processRequest"]),
            "tilingGrid": {
                "id": grid_input.get("id"),
                "resolution": grid_input.get("resolution"),
                "bufferX": grid_input.get("bufferX"),
                "bufferY": grid_input.get("bufferY"),
            },
            "output": {"defaultTilePath": f"s3://{zarr.bucket}/{zarr.status_template}"},
        }
    for index, response in enumerate(
        (body["processRequest"].get("output") or {}).get("responses") or []
    ):
        if ((response or {}).get("format") or {}).get("type") == "zarr/array":
            raise bad_payload(
                f"processRequest->output->responses->{index}->format->type",
                'zarr/array responses need Zarr output: output.type "zarr"',
            )
    collection = bool(output.get("createCollection")) or bool(output.get("collectionId"))
    s3 = (output.get("delivery") or {}).get("s3")
    if not isinstance(s3, dict) or not s3.get("url"):
        raise bad_payload("output->delivery->s3->url", "is required: s3://<bucket>/<path>")
    v1_output: dict[str, Any] = {
        "defaultTilePath": str(s3["url"]),
        "overwrite": bool(output.get("overwrite", False)),
        "skipExisting": bool(output.get("skipExisting", False)),
        # Collection output is written as COG (what a BYOC collection ingests).
        "cogOutput": bool(output.get("cogOutput", False)) or collection,
        "createCollection": bool(output.get("createCollection")),
        "collectionId": output.get("collectionId"),
    }
    params = output.get("cogParameters")
    if params is not None:
        v1_output["cogParameters"] = params
    if v1_output["cogOutput"] and not collection:
        v1_output["cogParameters"] = {
            "blockxsize": COG_BLOCK_DEFAULT,
            "blockysize": COG_BLOCK_DEFAULT,
            **(params or {}),
        }
    grid = {
        "id": grid_input.get("id"),
        "resolution": grid_input.get("resolution"),
        "bufferX": grid_input.get("bufferX"),
        "bufferY": grid_input.get("bufferY"),
    }
    process_request = body["processRequest"]
    if geopackage:
        grid = dict(_PLACEHOLDER_GRID)
        process_request = {
            **process_request,
            "input": {**process_request["input"], "bounds": _PLACEHOLDER_BOUNDS},
        }
    return {"processRequest": process_request, "tilingGrid": grid, "output": v1_output}


def _parse(body: dict[str, Any], settings: EmulatorSettings) -> ParsedV2:
    geopackage = None
    zarr = None
    try:
        if body["output"].get("type") == "zarr":
            zarr = read_delivery(body, settings)
        if body["input"].get("type") == "geopackage":
            geopackage = _geopackage(body, settings)
        elif body["processRequest"]["input"].get("bounds") is None:
            raise bad_payload("processRequest->input->bounds", "is required with tiling-grid input")
        v1_body = _v1_body(body, zarr)
        parsed, _ = parse_v1(v1_body, settings)
        if zarr is not None:
            check_grid(parsed.grid, parsed.buffer_x, parsed.buffer_y)
    except ApiError as error:
        raise _renamed(error) from None
    first = parsed.outputs[0]
    return ParsedV2(
        parsed,
        first.bucket,
        status_root(first.key_template),
        geopackage,
        zarr,
        body["processRequest"] if zarr is None else v1_body["processRequest"],
    )


def parse_request(body: dict[str, Any], settings: EmulatorSettings) -> ParsedV2:
    """The parsed request (a spec-valid body); a 400 naming the v2 field otherwise."""
    v2 = _parse(body, settings)
    if v2.zarr is not None:
        from .scheduler import MAX_TILES  # the scheduler imports this module

        check_new(v2.zarr, v2.parsed, settings, MAX_TILES)
    return v2


def parse_stored(body: dict[str, Any], settings: EmulatorSettings) -> ParsedV2:
    """A stored body parsed again (it passed `parse_request` when it was created); the
    checks that need its tiles or its bucket's contents are not made again."""
    return _parse(body, settings)

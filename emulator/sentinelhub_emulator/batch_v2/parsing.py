"""Reading a Batch v2 create body, each refusal a 400 that names the field.

A v2 body (``processRequest``, ``input`` of type ``tiling-grid``, ``output`` of type
``raster``) is read by Batch v1's parser, on the v1 shape it maps onto: ``input`` becomes
``tilingGrid`` and ``output.delivery.s3.url`` becomes the default tile path (same placeholders,
same layout when the URL is a folder). The violations v1 reports are renamed back to the v2
fields. GeoPackage input and Zarr output are refused with a 400 saying the emulator does not support
them yet. Collection output (``createCollection`` / ``collectionId``) is written as COG, as v1
requires; the collection is a BYOC collection (see ``scheduler``).
"""

from __future__ import annotations

from dataclasses import replace
from itertools import takewhile
from typing import Any

from sentinelhub_emulator.batch.parsing import ParsedRequest
from sentinelhub_emulator.batch.parsing import parse_request as parse_v1
from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.errors import ApiError, Violation, bad_payload

__all__ = ["COG_BLOCK_DEFAULT", "ParsedV2", "parse_request", "parse_stored", "status_root"]

#: ``cogParameters.blockxsize`` / ``blockysize`` when not given (the v2 default).
COG_BLOCK_DEFAULT = 256

_RENAMES = (
    ("output->defaultTilePath", "output->delivery->s3->url"),
    ("bucketName", "output->delivery->s3->url"),
    ("tilingGrid->", "input->"),
    ("tilingGrid", "input"),
)


class ParsedV2:
    """A parsed v2 request: the v1 reading the tiles use, and the key of the job's folder."""

    def __init__(self, parsed: ParsedRequest, bucket: str, root: str) -> None:
        self.parsed = parsed
        #: Bucket of the delivery URL.
        self.bucket = bucket
        #: Key prefix (no trailing '/') of the delivery URL before its first placeholder.
        self.root = root


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


def _unsupported(parameter: str, what: str) -> ApiError:
    return bad_payload(parameter, f"{what} is not supported by this emulator yet")


def status_root(key_template: str) -> str:
    """The folder of a delivery key: its parts before the first one with a placeholder."""
    parts = key_template.split("/")
    return "/".join(takewhile(lambda part: "<" not in part, parts[:-1] if parts else parts))


def _v1_body(body: dict[str, Any]) -> dict[str, Any]:
    grid_input = body["input"]
    if grid_input.get("type") == "geopackage":
        raise _unsupported("input->type", "GeoPackage input")
    output = body["output"]
    if output.get("type") == "zarr":
        raise _unsupported("output->type", "Zarr output")
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
    return {"processRequest": body["processRequest"], "tilingGrid": grid, "output": v1_output}


def parse_request(body: dict[str, Any], settings: EmulatorSettings) -> ParsedV2:
    """The parsed request (a spec-valid body); a 400 naming the v2 field otherwise."""
    try:
        if body["processRequest"]["input"].get("bounds") is None:
            raise bad_payload("processRequest->input->bounds", "is required with tiling-grid input")
        parsed, _ = parse_v1(_v1_body(body), settings)
    except ApiError as error:
        raise _renamed(error) from None
    first = parsed.outputs[0]
    return ParsedV2(parsed, first.bucket, status_root(first.key_template))


def parse_stored(body: dict[str, Any], settings: EmulatorSettings) -> ParsedV2:
    """A stored body parsed again (it passed `parse_request` when it was created)."""
    return parse_request(body, settings)

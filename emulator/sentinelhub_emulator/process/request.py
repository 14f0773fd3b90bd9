"""Reading a Process API request body into checked, typed parts.

Everything the body can get wrong is a 400 ``COMMON_BAD_PAYLOAD`` naming the field as a path
(``input->bounds->bbox``, ``output->width``, ...). The evalscript itself is checked later, when it
runs.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import shapely
from affine import Affine
from pyproj import CRS as ProjCRS
from pyproj import Transformer
from pyproj.exceptions import CRSError, ProjError
from rasterio.crs import CRS
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from sentinelhub_emulator.core.errors import ApiError, bad_payload
from sentinelhub_emulator.core.params import date_time, finite_number
from sentinelhub_emulator.core.spec import validate_body
from sentinelhub_emulator.process import predefined
from sentinelhub_emulator.process.formats import (
    FORMATS,
    PROCESS_DEFAULT,
    process_types,
    userdata_types,
)

__all__ = [
    "CRS84_URL",
    "MAX_ASYNC_SIZE",
    "MAX_SIZE",
    "Grid",
    "InputSpec",
    "ParsedRequest",
    "ResponseSpec",
    "parse_request",
    "unsupported",
]

CRS84_URL = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
MAX_SIZE = 2500
MAX_ASYNC_SIZE = 10000
DEFAULT_SIZE = 256
RESAMPLINGS = ("NEAREST", "BILINEAR", "BICUBIC")
ORDERS = ("mostRecent", "leastRecent")
_CRS_PATTERNS = (
    re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/0/(\d+)$"),
    re.compile(r"^urn:ogc:def:crs:EPSG::(\d+)$"),
    re.compile(r"^EPSG:(\d+)$", re.IGNORECASE),
)
_CRS84_NAMES = (
    CRS84_URL,
    "https://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "CRS84",
)
_BYOC_TYPE = re.compile(
    r"^(byoc|batch)-"
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
)


def unsupported(parameter: str, what: str) -> ApiError:
    """A 400 for something the service supports and the emulator does not."""
    return bad_payload(
        parameter,
        f"{what} is not supported by the emulator (see the emulator's docs for what is)",
    )


@dataclass(frozen=True)
class Grid:
    """The output raster: its CRS, north-up transform and size; ``area`` is the request
    geometry in the grid's CRS (None: the whole bbox)."""

    crs: CRS
    epsg: int
    transform: Affine
    width: int
    height: int
    bounds: tuple[float, float, float, float]
    area: BaseGeometry | None

    def window_transform(self, row0: int, col0: int) -> Affine:
        a, _, c, _, e, f = self.transform[:6]
        return Affine(a, 0.0, c + col0 * a, 0.0, e, f + row0 * e)


@dataclass(frozen=True)
class InputSpec:
    """One entry of ``input.data``."""

    position: int
    collection_id: str
    alias: str | None
    time_from: datetime | None
    time_to: datetime | None
    order: str
    upsampling: str
    downsampling: str
    #: ``byoc`` or ``batch``: which service holds the collection; ``predefined`` for a
    #: predefined collection (``collection_id`` is then its type, ``sentinel-2-l2a``).
    kind: str = "byoc"
    #: ``dataFilter`` members emulated from scene metadata (predefined collections), in order.
    filters: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ResponseSpec:
    """One entry of ``output.responses``."""

    identifier: str
    mime_type: str
    quality: int


@dataclass(frozen=True)
class ParsedRequest:
    grid: Grid
    inputs: tuple[InputSpec, ...]
    responses: tuple[ResponseSpec, ...]
    evalscript: str


def _crs(properties: Any) -> tuple[CRS, int]:
    name: Any = CRS84_URL
    if isinstance(properties, Mapping) and properties.get("crs") is not None:
        name = properties["crs"]
    parameter = "input->bounds->properties->crs"
    if not isinstance(name, str):
        raise bad_payload(parameter, "must be a string such as " + CRS84_URL)
    if name in _CRS84_NAMES:
        return CRS.from_epsg(4326), 4326
    for pattern in _CRS_PATTERNS:
        match = pattern.match(name)
        if match:
            code = int(match.group(1))
            try:
                return CRS.from_epsg(code), code
            except Exception:  # rasterio raises its own CRSError subclasses
                raise bad_payload(parameter, f"EPSG:{code} is not a known CRS") from None
    raise bad_payload(
        parameter,
        f"{name!r} is not a CRS the service reads; use {CRS84_URL} or "
        "http://www.opengis.net/def/crs/EPSG/0/<code>",
    )


def _geometry(raw: Any) -> BaseGeometry:
    parameter = "input->bounds->geometry"
    if not isinstance(raw, Mapping) or raw.get("type") not in ("Polygon", "MultiPolygon"):
        raise bad_payload(parameter, "must be a GeoJSON Polygon or MultiPolygon")
    try:
        geometry = shape({"type": raw["type"], "coordinates": raw.get("coordinates")})
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException):
        raise bad_payload(parameter, "has malformed coordinates") from None
    if geometry.is_empty or not geometry.is_valid:
        raise bad_payload(parameter, "is empty or not a valid polygon (crossing rings?)")
    if not all(math.isfinite(v) for v in geometry.bounds):
        raise bad_payload(parameter, "has coordinates that are not finite numbers")
    return geometry


def _size(output: Mapping[str, Any], bounds: Sequence[float], max_size: int) -> tuple[int, int]:
    xmin, ymin, xmax, ymax = bounds
    width, height = output.get("width"), output.get("height")
    resx, resy = output.get("resx"), output.get("resy")
    has_size = width is not None or height is not None
    has_res = resx is not None or resy is not None
    if has_size and has_res:
        raise bad_payload(
            "output->resx",
            "give width and height, or resx and resy, not both",
            "Only width and height or resx and resy can be set at the same time.",
        )

    def check(value: Any, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= max_size:
            raise bad_payload(f"output->{name}", f"must be an integer from 1 to {max_size}")
        return int(value)

    if has_res:
        if resx is None or resy is None:
            raise bad_payload("output->resx" if resx is None else "output->resy", "is required")
        rx, ry = finite_number(resx, "output->resx"), finite_number(resy, "output->resy")
        for value, name in ((rx, "resx"), (ry, "resy")):
            if value <= 0:
                raise bad_payload(f"output->{name}", "must be positive")
        result = []
        for extent, res, name in ((xmax - xmin, rx, "resx"), (ymax - ymin, ry, "resy")):
            pixels = max(1, round(extent / res))
            if pixels > max_size:
                side = "width" if name == "resx" else "height"
                raise bad_payload(
                    f"output->{name}",
                    f"gives {side} {pixels}, larger than the allowed {max_size}",
                    f"`{side} = {pixels}`, calculated from {name}, is larger than allowed "
                    f"{max_size}.",
                )
            result.append(pixels)
        return result[0], result[1]
    if width is None and height is None:
        return DEFAULT_SIZE, DEFAULT_SIZE
    if width is not None and height is not None:
        return check(width, "width"), check(height, "height")
    # One side given: the other keeps the bbox's aspect ratio.
    if width is not None:
        w = check(width, "width")
        return w, min(max_size, max(1, round(w * (ymax - ymin) / (xmax - xmin))))
    h = check(height, "height")
    return min(max_size, max(1, round(h * (xmax - xmin) / (ymax - ymin)))), h


@functools.lru_cache(maxsize=256)
def crs_domain(epsg: int) -> tuple[float, float, float, float] | None:
    """Where coordinates of ``epsg`` make sense: its area of use in its own axes (x = east or
    longitude), widened by its width and height on every side; None when pyproj cannot say."""
    try:
        crs = ProjCRS.from_epsg(epsg)
        area = crs.area_of_use
        if area is None:
            return None
        if crs.is_geographic:
            west, south, east, north = -180.0, -90.0, 180.0, 90.0
        else:
            to_crs = Transformer.from_crs(4326, crs, always_xy=True)
            west, south, east, north = to_crs.transform_bounds(
                area.west, area.south, area.east, area.north, densify_pts=21
            )
    except (CRSError, ProjError):
        return None
    if not all(math.isfinite(v) for v in (west, south, east, north)) or not (
        west < east and south < north
    ):
        return None
    width, height = east - west, north - south
    return west - width, south - height, east + width, north + height


def _check_domain(bbox: tuple[float, ...], epsg: int, parameter: str) -> None:
    """400 when the bbox's size overflows, or it reaches beyond where its CRS is defined."""
    xmin, ymin, xmax, ymax = bbox
    if not (math.isfinite(xmax - xmin) and math.isfinite(ymax - ymin)):
        raise bad_payload(parameter, "its width or height is not a finite number")
    domain = crs_domain(epsg)
    if domain is None:
        return
    west, south, east, north = domain
    if xmin < west or ymin < south or xmax > east or ymax > north:
        raise bad_payload(
            parameter,
            f"reaches beyond where EPSG:{epsg} is defined: its coordinates must lie within "
            f"[{west:.6g}, {south:.6g}, {east:.6g}, {north:.6g}] (the CRS's area of use, "
            "widened by its own size on every side)",
        )


def _grid(body: Mapping[str, Any], max_size: int) -> Grid:
    bounds = body["input"]["bounds"]
    if not isinstance(bounds, Mapping):
        raise bad_payload("input->bounds", "must be an object")
    crs, epsg = _crs(bounds.get("properties"))
    area = _geometry(bounds["geometry"]) if bounds.get("geometry") is not None else None
    raw_bbox = bounds.get("bbox")
    if raw_bbox is not None:
        if not isinstance(raw_bbox, Sequence) or len(raw_bbox) != 4:
            raise bad_payload("input->bounds->bbox", "must be [xmin, ymin, xmax, ymax]")
        bbox = tuple(finite_number(v, "input->bounds->bbox") for v in raw_bbox)
        if not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
            raise bad_payload(
                "input->bounds->bbox",
                "needs xmin < xmax and ymin < ymax ([xmin, ymin, xmax, ymax])",
            )
    elif area is not None:
        bbox = tuple(float(v) for v in area.bounds)
        if not (bbox[0] < bbox[2] and bbox[1] < bbox[3]):
            raise bad_payload("input->bounds->geometry", "has an empty extent")
    else:
        raise bad_payload("input->bounds", "give a bbox, a geometry or both")
    _check_domain(
        bbox, epsg, "input->bounds->bbox" if raw_bbox is not None else "input->bounds->geometry"
    )
    xmin, ymin, xmax, ymax = bbox
    output = body.get("output") or {}
    width, height = _size(output, bbox, max_size)
    if output.get("resx") is not None:
        # Pixels of exactly resx x resy from the bbox's top-left corner: the image covers
        # round(extent / res) of them, so its right and bottom edges may move by half a pixel.
        size_x, size_y = float(output["resx"]), float(output["resy"])
    else:
        size_x, size_y = (xmax - xmin) / width, (ymax - ymin) / height
    transform = Affine(size_x, 0.0, xmin, 0.0, -size_y, ymax)
    xmax, ymin = xmin + size_x * width, ymax - size_y * height
    return Grid(crs, epsg, transform, width, height, (xmin, ymin, xmax, ymax), area)


def _time(value: Any, parameter: str) -> datetime | None:
    return None if value is None else date_time(value, parameter)


_KNOWN_FILTER = frozenset({"timeRange", "mosaickingOrder", "maxCloudCoverage"})
_KNOWN_PROCESSING = frozenset({"upsampling", "downsampling"})


def _predefined_filters(
    base: str, definition: predefined.CollectionDefinition, data_filter: Mapping[str, Any]
) -> tuple[tuple[str, Any], ...]:
    """The metadata filters of a predefined collection's ``dataFilter``, checked."""
    found = []
    for key, value in data_filter.items():
        if key in ("timeRange", "mosaickingOrder") or value is None:
            continue
        rule = definition.filters.get(key)
        if rule is None:
            raise unsupported(
                f"{base}->dataFilter->{key}", f"dataFilter member {key!r} on {definition.api_id}"
            )
        if rule.test == "max":
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not 0 <= value <= 100
            ):
                raise bad_payload(f"{base}->dataFilter->{key}", "must be a number from 0 to 100")
        elif not isinstance(value, str) or (rule.values and value not in rule.values):
            raise bad_payload(
                f"{base}->dataFilter->{key}", f"must be one of {', '.join(rule.values)}"
            )
        found.append((key, value))
    return tuple(found)


def _input(index: int, raw: Any) -> InputSpec:
    base = f"input->data->{index}"
    if not isinstance(raw, Mapping):
        raise bad_payload(base, "must be an object")
    kind = raw.get("type")
    match = _BYOC_TYPE.match(kind) if isinstance(kind, str) else None
    definition = predefined.definition(kind) if isinstance(kind, str) else None
    if match is None and definition is None:
        known = ", ".join(sorted(predefined.DEFINITIONS))
        raise unsupported(
            f"{base}->type",
            f"collection type {kind!r} (only byoc-<collectionId> and batch-<collectionId> "
            f"collections of the emulator, and {known} when served with --collection-data)",
        )
    what = "BYOC" if definition is None else definition.api_id
    alias = raw.get("id")
    if alias is not None and (not isinstance(alias, str) or not alias):
        raise bad_payload(f"{base}->id", "must be a non-empty string")
    data_filter = raw.get("dataFilter") or {}
    if not isinstance(data_filter, Mapping):
        raise bad_payload(f"{base}->dataFilter", "must be an object")
    filters: tuple[tuple[str, Any], ...] = ()
    if definition is None:
        for key, value in data_filter.items():
            if key not in _KNOWN_FILTER and value is not None:
                raise unsupported(
                    f"{base}->dataFilter->{key}", f"dataFilter member {key!r} on BYOC"
                )
    else:
        filters = _predefined_filters(base, definition, data_filter)
    time_range = data_filter.get("timeRange") or {}
    if not isinstance(time_range, Mapping):
        raise bad_payload(f"{base}->dataFilter->timeRange", "must be an object with from and to")
    time_from = _time(time_range.get("from"), f"{base}->dataFilter->timeRange->from")
    time_to = _time(time_range.get("to"), f"{base}->dataFilter->timeRange->to")
    if time_from is not None and time_to is not None and time_from > time_to:
        raise bad_payload(f"{base}->dataFilter->timeRange", "from must not be after to")
    if definition is not None and definition.timeless:
        time_from = time_to = None  # a collection without time: the range does not apply
    order = data_filter.get("mosaickingOrder") or "mostRecent"
    least_cc = definition is not None and definition.least_cc
    if order not in ORDERS and not (order == "leastCC" and least_cc):
        if order == "leastCC":
            raise bad_payload(
                f"{base}->dataFilter->mosaickingOrder",
                f"leastCC does not apply to {what} collections; use mostRecent or leastRecent",
            )
        raise bad_payload(
            f"{base}->dataFilter->mosaickingOrder",
            "must be mostRecent, leastRecent" + (" or leastCC" if least_cc else ""),
        )
    processing = raw.get("processing") or {}
    if not isinstance(processing, Mapping):
        raise bad_payload(f"{base}->processing", "must be an object")
    accepted = {} if definition is None else definition.processing
    for key, value in processing.items():
        if key in _KNOWN_PROCESSING or value is None:
            continue
        if key in accepted:
            if value not in accepted[key]:
                raise unsupported(
                    f"{base}->processing->{key}",
                    f"{key} {value!r} (the emulator serves {what} data as stored: "
                    f"{', '.join(map(repr, accepted[key]))} only)",
                )
            continue
        raise unsupported(f"{base}->processing->{key}", f"processing member {key!r} on {what}")
    methods = []
    for key in ("upsampling", "downsampling"):
        method = processing.get(key) or "NEAREST"
        if method not in RESAMPLINGS:
            raise bad_payload(f"{base}->processing->{key}", "must be NEAREST, BILINEAR or BICUBIC")
        methods.append(method)
    if match is not None:
        collection_id, kind = match.group(2).lower(), match.group(1)
    else:
        collection_id, kind = str(raw["type"]), "predefined"
    return InputSpec(
        index,
        collection_id,
        alias,
        time_from,
        time_to,
        order,
        methods[0],
        methods[1],
        kind=kind,
        filters=filters,
    )


def _responses(output: Mapping[str, Any]) -> tuple[ResponseSpec, ...]:
    raw = output.get("responses")
    if raw is None:
        return (ResponseSpec("default", PROCESS_DEFAULT, 90),)
    if not isinstance(raw, Sequence) or not raw:
        raise bad_payload("output->responses", "must be a non-empty list")
    result = []
    seen = set()
    for index, item in enumerate(raw):
        base = f"output->responses->{index}"
        if not isinstance(item, Mapping):
            raise bad_payload(base, "must be an object")
        identifier = item.get("identifier") or "default"
        if not isinstance(identifier, str):
            raise bad_payload(f"{base}->identifier", "must be a string")
        if identifier in seen:
            raise bad_payload(f"{base}->identifier", f"{identifier!r} is requested twice")
        seen.add(identifier)
        fmt = item.get("format") or {}
        if not isinstance(fmt, Mapping):
            raise bad_payload(f"{base}->format", "must be an object")
        mime = fmt.get("type") or PROCESS_DEFAULT
        if mime not in process_types():
            raise unsupported(f"{base}->format->type", f"format {mime!r}")
        if (identifier == "userdata") != FORMATS[mime].userdata:
            raise bad_payload(
                f"{base}->format->type",
                f"the userdata response is {' or '.join(userdata_types())}, and only it is",
            )
        quality = fmt.get("quality", 90)
        if quality is None:
            quality = 90
        if isinstance(quality, bool) or not isinstance(quality, int) or not 0 <= quality <= 100:
            raise bad_payload(f"{base}->format->quality", "must be an integer from 0 to 100")
        result.append(ResponseSpec(identifier, mime, int(quality)))
    return tuple(result)


def parse_request(
    body: Mapping[str, Any], *, max_size: int = MAX_SIZE, schema: str | None = "ProcessRequest"
) -> ParsedRequest:
    """Check a Process request body; 400 naming the field on the first problem."""
    if schema is not None:
        validate_body(schema, body)
    if not isinstance(body, Mapping):
        raise bad_payload("body", "must be a JSON object")
    evalscript = body.get("evalscript")
    if not isinstance(evalscript, str) or not evalscript.strip():
        raise bad_payload("evalscript", "is required and must be a non-empty string")
    if evalscript.lstrip().splitlines()[0].replace(" ", "") != "//VERSION=3":
        raise unsupported(
            "evalscript", "an evalscript without //VERSION=3 on its first line (V1 or V2)"
        )
    raw_input = body.get("input")
    if not isinstance(raw_input, Mapping) or "bounds" not in raw_input:
        raise bad_payload("input->bounds", "is required")
    data = raw_input.get("data")
    if not isinstance(data, Sequence) or not data:
        raise bad_payload("input->data", "needs at least one input")
    output = body.get("output") or {}
    if not isinstance(output, Mapping):
        raise bad_payload("output", "must be an object")
    grid = _grid(body, max_size)
    inputs = tuple(_input(i, item) for i, item in enumerate(data))
    aliases = [spec.alias for spec in inputs if spec.alias is not None]
    if len(set(aliases)) != len(aliases):
        raise bad_payload("input->data", "input ids must be unique")
    return ParsedRequest(grid, inputs, _responses(output), evalscript)

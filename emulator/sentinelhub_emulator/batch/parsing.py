"""Reading a batch request: its grid, area, outputs and output paths, each refused with a 400 that
names the field and says how to fix it.

`parse_request` turns a (spec-valid) create body into a `ParsedRequest`; the analysis and the
tile worker read a stored body back with `parse_stored`, which cannot fail on what create
accepted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import shapely.geometry
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.errors import bad_payload
from sentinelhub_emulator.process.formats import BATCH_DEFAULT, batch_types, extension, is_geotiff

from .grids import GRIDS, WGS84_EPSG, GridTile, TilingGrid, grid_tiles, to_wgs84

__all__ = [
    "MAX_BUFFER",
    "MAX_TILE_PIXELS",
    "CogSettings",
    "OutputSpec",
    "ParsedRequest",
    "check_key_lengths",
    "crs_epsg",
    "expand_key",
    "parse_request",
]

#: Largest bufferX / bufferY accepted (pixels per side).
MAX_BUFFER = 1000
#: Largest raster (pixels, buffer included) of one tile the emulator renders: grid 2 at 30 m
#: (3336 px a side) fits, the WGS84 grid at 0.0001 or 0.0002 degrees (10000 or 5000 px) does not.
MAX_TILE_PIXELS = 3400 * 3400
PLACEHOLDERS = ("requestId", "tileName", "tileId", "outputId", "format")
DEFAULT_LAYOUT = "<requestId>/<tileName>/<outputId>.<format>"
_PLACEHOLDER = re.compile(r"<([^<>]*)>")
#: Longest object key (bytes, UTF-8) an output may get: S3's limit.
MAX_KEY_BYTES = 1024
#: Longest part of a key between two '/' (bytes): what a file system allows for a name.
MAX_KEY_PART_BYTES = 255
#: How long (bytes) the placeholders a request cannot know at create can get, to check a
#: template's lengths before any tile exists: ``<requestId>`` is a UUID (36); ``<tileName>`` the
#: longest name of the served grids (10: ``E7400N6500`` of the LAEA grids; UTM names such as
#: ``33TVM_9_9`` have 9, WGS84 names such as ``N46E013`` 7; GeoPackage input checks its longest
#: identifier instead); ``<tileId>`` the longest 64-bit integer (19 digits). ``<outputId>`` and
#: ``<format>`` are known at create.
PLACEHOLDER_BYTES = {"requestId": 36, "tileName": 10, "tileId": 19}
_IDENTIFIER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
_CRS_URL = re.compile(r"^https?://www\.opengis\.net/def/crs/EPSG/0/(\d{1,6})$")
_CRS_URN = re.compile(r"^urn:ogc:def:crs:EPSG::(\d{1,6})$")
_CRS84 = (
    "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
    "https://www.opengis.net/def/crs/OGC/1.3/CRS84",
)
_RESAMPLING = {
    "nearest": "NEAREST",
    "average": "AVERAGE",
    "gauss": "GAUSS",
    "cubic": "CUBIC",
    "cubicspline": "CUBICSPLINE",
    "lanczos": "LANCZOS",
    "average_magphase": "AVERAGE_MAGPHASE",
    "mode": "MODE",
}


@dataclass(frozen=True)
class CogSettings:
    """How COG outputs are laid out (``cogParameters`` with the documented defaults)."""

    block_size: int = 1024
    overview_levels: tuple[int, ...] | None = None
    overview_min_size: int | None = None
    resampling: str = "AVERAGE"
    predictor: bool = True


@dataclass(frozen=True)
class OutputSpec:
    """One output of every tile: its identifier, format and where its files go."""

    identifier: str
    mime_type: str
    bucket: str
    #: The key template inside the bucket (placeholders still in it).
    key_template: str

    @property
    def extension(self) -> str:
        return extension(self.mime_type)


@dataclass(frozen=True)
class ParsedRequest:
    """What the analysis and the tiles need from a request."""

    grid: TilingGrid
    resolution: float
    buffer_x: int
    buffer_y: int
    area_wgs84: BaseGeometry
    #: The area as the request gave it, and its CRS.
    source_area: BaseGeometry
    source_epsg: int
    outputs: tuple[OutputSpec, ...]
    cog: CogSettings | None
    overwrite: bool
    skip_existing: bool
    create_collection: bool
    collection_id: str | None

    def tiles(self, limit: int) -> list[GridTile]:
        """The grid cells the request covers (`TooManyTilesError` above ``limit``)."""
        return grid_tiles(
            self.grid, self.area_wgs84, limit, source=(self.source_area, self.source_epsg)
        )

    @property
    def tile_size_px(self) -> tuple[int, int]:
        return self.grid.pixels(self.resolution)

    def check_renderable(self) -> None:
        """400 unless the emulator can render tiles of this size (`MAX_TILE_PIXELS`)."""
        width, height = self.raster_size_px
        if width * height > MAX_TILE_PIXELS:
            raise bad_payload(
                "tilingGrid->resolution",
                f"tiles of grid {self.grid.id} at {self.resolution:g} are {width}x{height} px; "
                f"the emulator renders at most {MAX_TILE_PIXELS} px per tile (it can analyse "
                "this request, not process it)",
            )

    @property
    def raster_size_px(self) -> tuple[int, int]:
        """Width and height of one tile's raster, buffer included."""
        width, height = self.tile_size_px
        return width + 2 * self.buffer_x, height + 2 * self.buffer_y


def crs_epsg(value: Any, parameter: str) -> int:
    """The EPSG code of an OGC CRS URL or URN (CRS84 is 4326 in lon/lat order)."""
    if value is None or value in _CRS84:
        return WGS84_EPSG
    text = str(value)
    match = _CRS_URL.match(text) or _CRS_URN.match(text)
    if match is None:
        raise bad_payload(
            parameter,
            f"{text!r} is not a CRS this service reads; use "
            "http://www.opengis.net/def/crs/EPSG/0/<code> or .../OGC/1.3/CRS84",
        )
    code = int(match.group(1))
    try:
        CRS.from_epsg(code)
    except CRSError:
        raise bad_payload(parameter, f"EPSG:{code} is not a known CRS") from None
    return code


def _area(process_request: dict[str, Any]) -> tuple[BaseGeometry, BaseGeometry, int]:
    bounds = process_request["input"]["bounds"]
    prefix = "processRequest->input->bounds"
    epsg = crs_epsg((bounds.get("properties") or {}).get("crs"), prefix + "->properties->crs")
    area: BaseGeometry | None = None
    bbox = bounds.get("bbox")
    if bbox is not None:
        west, south, east, north = (float(v) for v in bbox)
        if not (west < east and south < north):
            raise bad_payload(prefix + "->bbox", "must be [minX, minY, maxX, maxY] with min < max")
        area = shapely.geometry.box(west, south, east, north)
    geometry = bounds.get("geometry")
    if geometry is not None:
        try:
            shape = shapely.geometry.shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError) as exc:
            raise bad_payload(prefix + "->geometry", f"not a valid polygon ({exc})") from None
        if not shape.is_valid:
            shape = shapely.make_valid(shape)
        if shape.is_empty or shape.area <= 0:
            raise bad_payload(prefix + "->geometry", "must enclose an area")
        area = shape if area is None else area.intersection(shape)
    if area is None:
        raise bad_payload(prefix, "give a bbox, a geometry or both")
    if area.is_empty or area.area <= 0:
        raise bad_payload(prefix, "the bbox and the geometry do not overlap")
    try:
        wgs84 = to_wgs84(area, epsg)
    except Exception:  # pyproj raises several kinds for impossible input
        raise bad_payload(prefix, "could not be transformed to WGS84") from None
    west, south, east, north = wgs84.bounds
    if not all(math.isfinite(v) for v in wgs84.bounds) or west < -180.5 or east > 180.5:
        raise bad_payload(prefix, "lies outside the valid area of its CRS")
    if south < -90.5 or north > 90.5:
        raise bad_payload(prefix, "lies outside the valid area of its CRS")
    return wgs84, area, epsg


def _grid(body: dict[str, Any]) -> tuple[TilingGrid, float, int, int, dict[str, Any]]:
    settings = body.get("tilingGrid")
    if settings is None:
        if body.get("tilingGridId") is None or body.get("resolution") is None:
            raise bad_payload("tilingGrid", 'is required: {"id": <grid id>, "resolution": <m>}')
        settings = {"id": body["tilingGridId"], "resolution": body["resolution"]}
    grid = GRIDS.get(int(settings["id"]))
    if grid is None:
        raise bad_payload(
            "tilingGrid->id", f"unknown grid; the emulator serves grids {sorted(GRIDS)}"
        )
    resolution = float(settings["resolution"])
    if not grid.allows(resolution):
        allowed = ", ".join(f"{r:g}" for r in grid.resolutions)
        raise bad_payload(
            "tilingGrid->resolution", f"grid {grid.id} allows only resolutions {allowed}"
        )
    resolution = next(r for r in grid.resolutions if math.isclose(r, resolution, rel_tol=1e-9))
    buffers = []
    for name in ("bufferX", "bufferY"):
        value = settings.get(name)
        value = 0 if value is None else int(value)
        if not 0 <= value <= MAX_BUFFER:
            raise bad_payload(f"tilingGrid->{name}", f"must be between 0 and {MAX_BUFFER} pixels")
        buffers.append(value)
    wire = {
        "id": grid.id,
        "resolution": resolution,
        "bufferX": settings.get("bufferX"),
        "bufferY": settings.get("bufferY"),
    }
    return grid, resolution, buffers[0], buffers[1], wire


def _responses(process_request: dict[str, Any]) -> list[tuple[str, str]]:
    responses = (process_request.get("output") or {}).get("responses")
    if not responses:
        return [("default", BATCH_DEFAULT)]
    result: list[tuple[str, str]] = []
    for index, response in enumerate(responses):
        prefix = f"processRequest->output->responses->{index}"
        identifier = response.get("identifier") or "default"
        if not _IDENTIFIER.match(identifier):
            raise bad_payload(
                prefix + "->identifier", "letters, digits, '_', '-' and '.' only (at most 100)"
            )
        mime = ((response.get("format") or {}).get("type")) or BATCH_DEFAULT
        if mime == "zarr/array":
            raise bad_payload(
                prefix + "->format->type", "zarr output is not supported by the emulator"
            )
        if mime not in batch_types():
            raise bad_payload(
                prefix + "->format->type", f"batch outputs are {' or '.join(batch_types())}"
            )
        if any(identifier == seen for seen, _ in result):
            raise bad_payload(prefix + "->identifier", f"{identifier!r} is used twice")
        result.append((identifier, mime))
    return result


def _split_s3(url: str, parameter: str, settings: EmulatorSettings) -> tuple[str, str]:
    if not url.startswith("s3://"):
        raise bad_payload(parameter, "must be an s3://<bucket>/<path> URL")
    bucket, _, key = url[len("s3://") :].partition("/")
    store = settings.bucket(bucket)
    if store is None:
        raise bad_payload(parameter, f"{bucket!r} is not a valid bucket name")
    if not store.available():
        raise bad_payload(
            parameter,
            f"bucket {bucket!r} is not accessible to the service; create its folder "
            "(DATA_DIR/buckets/<bucket>) or map it with --bucket NAME=PATH or NAME=s3://BUCKET",
        )
    return bucket, key.strip("/")


def _template(key: str, parameter: str, *, several: bool) -> str:
    names = _PLACEHOLDER.findall(key)
    if not names:
        return f"{key}/{DEFAULT_LAYOUT}" if key else DEFAULT_LAYOUT
    for name in names:
        if name not in PLACEHOLDERS:
            raise bad_payload(
                parameter, f"unknown placeholder <{name}>; use {', '.join(PLACEHOLDERS)}"
            )
    if "tileName" not in names and "tileId" not in names:
        raise bad_payload(parameter, "a templated path must contain <tileName> or <tileId>")
    if several and "outputId" not in names:
        raise bad_payload(parameter, "with several outputs the path must contain <outputId>")
    return key


def expand_key(template: str, values: dict[str, str]) -> str:
    """The key with placeholders filled; ValueError if it would leave its bucket folder."""
    key = _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)
    parts = key.split("/")
    if (
        not key
        or key.startswith("/")
        or "\\" in key
        or "\x00" in key
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ValueError(f"output path {key!r} is not a valid object key")
    return key


def check_key_lengths(
    template: str, parameter: str, known: dict[str, str], *, bytes_of: dict[str, int] | None = None
) -> None:
    """400 naming ``parameter`` when some output key of ``template`` could exceed
    `MAX_KEY_BYTES` in all or `MAX_KEY_PART_BYTES` in one part, with ``known`` placeholder values
    and the others at their longest (`PLACEHOLDER_BYTES`, or ``bytes_of``)."""
    longest = {**PLACEHOLDER_BYTES, **(bytes_of or {})}

    def size(text: str) -> int:
        total = len(_PLACEHOLDER.sub("", text).encode("utf-8"))
        for name in _PLACEHOLDER.findall(text):
            total += len(known[name].encode("utf-8")) if name in known else longest[name]
        return total

    for part in template.split("/"):
        part_bytes = size(part)
        if part_bytes > MAX_KEY_PART_BYTES:
            shown = part if len(part) <= 60 else f"{part[:40]}...{part[-12:]}"
            raise bad_payload(
                parameter,
                f"the path part {shown!r} can reach {part_bytes} bytes; each part (between "
                f"two '/') of an output key may have at most {MAX_KEY_PART_BYTES} bytes",
            )
    key_bytes = size(template)
    if key_bytes > MAX_KEY_BYTES:
        raise bad_payload(
            parameter,
            f"the output keys can reach {key_bytes} bytes (placeholders at their longest: "
            f"<requestId> {longest['requestId']}, <tileName> {longest['tileName']}, <tileId> "
            f"{longest['tileId']}); an output key may have at most {MAX_KEY_BYTES} bytes",
        )


def _cog(output: dict[str, Any]) -> CogSettings | None:
    if not output.get("cogOutput"):
        if output.get("cogParameters"):
            raise bad_payload("output->cogParameters", "needs output->cogOutput: true")
        return None
    params = output.get("cogParameters") or {}
    prefix = "output->cogParameters"
    if (output.get("createCollection") or output.get("collectionId")) and set(params) - {
        "resamplingAlgorithm"
    }:
        raise bad_payload(prefix, "with collection output only resamplingAlgorithm may be set")
    block_x = int(params.get("blockxsize") or 1024)
    block_y = int(params.get("blockysize") or 1024)
    for name, size in (("blockxsize", block_x), ("blockysize", block_y)):
        if size % 16 or not 16 <= size <= 4096:
            raise bad_payload(f"{prefix}->{name}", "must be a multiple of 16 from 16 to 4096")
    if block_x != block_y:
        raise bad_payload(
            prefix + "->blockysize", "the emulator writes square blocks; make it equal blockxsize"
        )
    levels = params.get("overviewLevels")
    if levels is not None:
        expected = [2 ** (i + 1) for i in range(len(levels))]
        if list(levels) != expected:
            raise bad_payload(
                prefix + "->overviewLevels", "the emulator writes levels 2, 4, 8, ... in order"
            )
    min_size = params.get("overviewMinSize")
    if min_size is not None and int(min_size) < 1:
        raise bad_payload(prefix + "->overviewMinSize", "must be at least 1")
    algorithm = params.get("resamplingAlgorithm") or "average"
    if algorithm not in _RESAMPLING:
        raise bad_payload(
            prefix + "->resamplingAlgorithm", f"must be one of {', '.join(_RESAMPLING)}"
        )
    return CogSettings(
        block_size=block_x,
        overview_levels=tuple(levels) if levels is not None else None,
        overview_min_size=int(min_size) if min_size is not None else None,
        resampling=_RESAMPLING[algorithm],
        predictor=bool(params.get("usePredictor", True)),
    )


def _outputs(
    body: dict[str, Any], responses: list[tuple[str, str]], settings: EmulatorSettings
) -> tuple[tuple[OutputSpec, ...], dict[str, Any]]:
    if body.get("zarrOutput") is not None:
        raise bad_payload("zarrOutput", "zarr output is not supported by the emulator")
    output = dict(body.get("output") or {})
    default_path = output.get("defaultTilePath")
    parameter = "output->defaultTilePath"
    if default_path is None and body.get("bucketName"):
        default_path, parameter = f"s3://{body['bucketName']}", "bucketName"
    overrides = {}
    for index, item in enumerate(output.get("responses") or []):
        identifier, path = item.get("identifier"), item.get("tilePath")
        if identifier not in [r for r, _ in responses]:
            raise bad_payload(
                f"output->responses->{index}->identifier",
                "must be the identifier of one of processRequest->output->responses",
            )
        if path:
            overrides[identifier] = (path, f"output->responses->{index}->tilePath")
    sharing = [r for r, _ in responses if r not in overrides]
    if default_path is None and sharing:
        raise bad_payload(
            "output", "give output->defaultTilePath (s3://<bucket>/<path>) or bucketName"
        )
    specs = []
    for identifier, mime in responses:
        path, where = overrides.get(identifier, (default_path, parameter))
        bucket, key = _split_s3(str(path), where, settings)
        several = identifier not in overrides and len(sharing) > 1
        template = _template(key, where, several=several)
        try:
            expand_key(
                template,
                {
                    "requestId": "r",
                    "tileName": "t",
                    "tileId": "1",
                    "outputId": identifier,
                    "format": "tif",
                },
            )
        except ValueError:
            raise bad_payload(where, "the path must not contain empty, '.' or '..' parts") from None
        check_key_lengths(template, where, {"outputId": identifier, "format": extension(mime)})
        specs.append(OutputSpec(identifier, mime, bucket, template))
    if output.get("createCollection") and output.get("collectionId"):
        raise bad_payload(
            "output->createCollection", "createCollection and collectionId exclude each other"
        )
    if (output.get("createCollection") or output.get("collectionId")) and not output.get(
        "cogOutput"
    ):
        raise bad_payload("output->cogOutput", "collection output needs cogOutput: true")
    collection_output = output.get("createCollection") or output.get("collectionId")
    if collection_output and not all(is_geotiff(s.mime_type) for s in specs):
        raise bad_payload(
            "processRequest->output->responses", "collection output takes TIFF outputs only"
        )
    wire = {
        "overwrite": False,
        "skipExisting": False,
        "cogOutput": False,
        "createCollection": False,
        "collectionId": None,
        **output,
    }
    if "defaultTilePath" not in output and default_path is not None:
        wire["defaultTilePath"] = default_path
    return tuple(specs), wire


def parse_request(
    body: dict[str, Any], settings: EmulatorSettings
) -> tuple[ParsedRequest, dict[str, Any]]:
    """The parsed request and the normalised body to store."""
    process_request = body["processRequest"]
    if not str(process_request.get("evalscript") or "").strip():
        raise bad_payload("processRequest->evalscript", "must not be empty")
    grid, resolution, buffer_x, buffer_y, grid_wire = _grid(body)
    area, source_area, source_epsg = _area(process_request)
    responses = _responses(process_request)
    outputs, output_wire = _outputs(body, responses, settings)
    cog = _cog(output_wire)
    parsed = ParsedRequest(
        grid=grid,
        resolution=resolution,
        buffer_x=buffer_x,
        buffer_y=buffer_y,
        area_wgs84=area,
        source_area=source_area,
        source_epsg=source_epsg,
        outputs=outputs,
        cog=cog,
        overwrite=bool(output_wire.get("overwrite")),
        skip_existing=bool(output_wire.get("skipExisting")),
        create_collection=bool(output_wire.get("createCollection")),
        collection_id=output_wire.get("collectionId"),
    )
    stored = {
        "processRequest": process_request,
        "tilingGrid": grid_wire,
        "output": output_wire,
        "bucketName": body.get("bucketName"),
    }
    return parsed, stored


def parse_stored(body: dict[str, Any], settings: EmulatorSettings) -> ParsedRequest:
    """A stored body parsed again (it passed `parse_request` when it was stored)."""
    return parse_request(body, settings)[0]

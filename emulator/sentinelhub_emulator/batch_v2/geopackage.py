"""The features of a Batch v2 GeoPackage input: one output tile per feature.

A Batch v2 request may give ``input: {"type": "geopackage", "features": {"s3": {...}},
"defaults": {...}}``. The service maps the S3 URL to a file in a bucket folder and calls
`read_features` on that path; every feature of the package becomes one output tile.

Public API
==========

``read_features(path, defaults=None, *, max_features=MAX_FEATURES) -> list[GeopackageFeature]``
    Opens ``path`` (a `pathlib.Path`) with pyogrio, checks every rule below and returns the
    features in file order: layers in the order the package lists them, features in FID order
    within a layer. Raises `GeopackageError` for anything that breaks a rule, never a pyogrio
    or GDAL exception. ``defaults`` is the request's raw ``input.defaults`` object (or None); it
    is checked with `parse_defaults` first.

``parse_defaults(raw) -> FeatureDefaults``
    Checks the raw ``input.defaults`` object alone (pure, no file access): the service can call
    it when a request is created, before the package is read.

``GeopackageError(message, field)``
    A `ValueError`; ``message`` (also ``str(error)``) names the problem, the feature (layer,
    FID and identifier where known) and the fix; ``field`` is the request parameter at fault in
    the emulator's ``a->b->c`` form: ``input->features`` for anything about the file and its
    features, ``input->defaults->width|height|resolution`` for the defaults. The service answers
    400 with them (``bad_payload(error.field, error.message)``).

``GeopackageFeature`` (frozen dataclass), one output tile:

- ``identifier: str`` - the feature's ``identifier``; the tile name, ``<tileName>`` in
  delivery templates.
- ``id: int`` - the feature's ``id`` (unique integer); the tile id in the status database.
- ``layer: str`` - the GeoPackage layer (table) it comes from.
- ``epsg: int`` - the EPSG code of the layer's CRS; the tile's output CRS.
- ``geometry: BaseGeometry`` - a shapely Polygon or MultiPolygon in the layer CRS, x/y order
  as stored in the package (for EPSG:4326 that is longitude, latitude).
- ``bounds: tuple[float, float, float, float]`` - ``(minx, miny, maxx, maxy)`` of ``geometry``
  in the layer CRS: the tile's raster extent.
- ``width: int``, ``height: int`` - the tile's raster size in pixels (1 to `MAX_SIZE`), given or
  computed from the resolution.
- ``resolution: tuple[float, float]`` - the pixel size ``(x, y)`` in layer CRS units,
  ``(maxx - minx) / width`` and ``(maxy - miny) / height`` (always positive).
- ``wgs84_geometry: BaseGeometry`` - ``geometry`` in EPSG:4326, longitude/latitude order,
  edges densified before projecting (for the status database and the job's area).
- property ``crs_url: str`` - ``http://www.opengis.net/def/crs/EPSG/0/<epsg>``.

``FeatureDefaults`` (frozen dataclass): ``width: int | None``, ``height: int | None``,
``resolution: float | None``.

Constants: ``MAX_FEATURES`` (700 000), ``MAX_SIZE`` (3500 px), ``REQUIRED_COLUMNS``
(``("id", "identifier")``).

Rules
=====

Confirmed by the provider's OpenAPI spec: ``input.defaults`` holds ``width`` and ``height``
(integers 1-3500) or ``resolution`` (a number > 0), and "only width and height or resolution
can be set at the same time"; defaults apply to features that lack those values. The provider
documents the GeoPackage rules on a page not available here; the rest below is the emulator's
choice, following the documented field names (``identifier`` names the outputs' ``<tileName>``).

- The file must be a GeoPackage (GDAL driver ``GPKG``); any other file, or one GDAL cannot
  open, is refused.
- It must hold at least one feature layer (tables without a geometry column are ignored) and at
  least one feature in all, and at most ``max_features`` features in all.
- Several layers are allowed; each layer has one CRS (a GeoPackage stores one per layer), so
  features in different CRSs go into different layers. The CRS must have an EPSG code and be a
  2D geographic or projected CRS (any EPSG code pyproj knows, as the Process API of the emulator
  accepts).
- Columns ``id`` (an integer column; the layer's FID column may itself be named ``id``) and
  ``identifier`` (a text column) are required in every layer. ``id`` values are unique integers
  and ``identifier`` values unique non-empty strings across the whole package, without ``/`` or
  ``\\`` and not ``.`` or ``..`` (they become path parts of the outputs).
- Optional numeric columns ``width``, ``height`` (integers 1-3500) and ``resolution`` (> 0, layer
  CRS units). Per feature: a feature that sets ``resolution`` must not set ``width`` or
  ``height``; a feature's own ``resolution`` wins over default width/height, its own ``width`` /
  ``height`` over a default resolution; a missing ``width`` or ``height`` is taken from the
  defaults. In the end a feature needs both ``width`` and ``height``, or a ``resolution``; from a
  resolution ``width = max(1, round((maxx - minx) / resolution))`` (likewise height, as the
  Process API computes sizes), which must not exceed 3500 either.
- Geometries must be non-empty, valid (OGC validity, as shapely checks it) Polygons or
  MultiPolygons, 2D (Z and M values are dropped).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pyogrio  # type: ignore[import-untyped]
import pyogrio.raw  # type: ignore[import-untyped]
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

__all__ = [
    "MAX_FEATURES",
    "MAX_SIZE",
    "REQUIRED_COLUMNS",
    "FeatureDefaults",
    "GeopackageError",
    "GeopackageFeature",
    "parse_defaults",
    "read_features",
]

#: Most features a package may hold (emulator's choice).
MAX_FEATURES: Final = 700_000
#: Largest tile side in pixels (the spec's maximum for ``defaults.width``/``height``).
MAX_SIZE: Final = 3500
REQUIRED_COLUMNS: Final = ("id", "identifier")
WGS84_EPSG: Final = 4326

FEATURES_FIELD: Final = "input->features"
DEFAULTS_FIELD: Final = "input->defaults"

_INTEGER_OGR_TYPES: Final = frozenset({"OFTInteger", "OFTInteger64"})
_NUMERIC_OGR_TYPES: Final = _INTEGER_OGR_TYPES | {"OFTReal"}
_STRING_OGR_TYPES: Final = frozenset({"OFTString"})
_SIZE_COLUMNS: Final = ("width", "height", "resolution")
_BAD_IDENTIFIER = re.compile(r"[/\\]")
#: Densification step of tile edges (in layer CRS units) before projecting to WGS84.
_DENSIFY_METRES: Final = 1000.0
_DENSIFY_DEGREES: Final = 0.01


class GeopackageError(ValueError):
    """A GeoPackage input that breaks a rule; ``field`` is the request parameter at fault."""

    def __init__(self, message: str, field: str = FEATURES_FIELD) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class FeatureDefaults:
    """The request's ``input.defaults``: ``width`` and ``height`` or ``resolution``."""

    width: int | None = None
    height: int | None = None
    resolution: float | None = None


@dataclass(frozen=True)
class GeopackageFeature:
    """One feature of the package: one output tile."""

    identifier: str
    id: int
    layer: str
    epsg: int
    geometry: BaseGeometry
    bounds: tuple[float, float, float, float]
    width: int
    height: int
    resolution: tuple[float, float]
    wgs84_geometry: BaseGeometry

    @property
    def crs_url(self) -> str:
        return f"http://www.opengis.net/def/crs/EPSG/0/{self.epsg}"


# --- defaults -------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _default_size(raw: Mapping[str, Any], name: str) -> int | None:
    value = raw.get(name)
    if value is None:
        return None
    if not _is_number(value) or value != int(value) or not 1 <= value <= MAX_SIZE:
        raise GeopackageError(
            f"input.defaults.{name} must be an integer from 1 to {MAX_SIZE}, got {value!r}",
            f"{DEFAULTS_FIELD}->{name}",
        )
    return int(value)


def parse_defaults(raw: Any) -> FeatureDefaults:
    """Check the request's raw ``input.defaults`` (None or a mapping)."""
    if raw is None:
        return FeatureDefaults()
    if not isinstance(raw, Mapping):
        raise GeopackageError(
            "input.defaults must be an object with width and height, or resolution",
            DEFAULTS_FIELD,
        )
    unknown = sorted(str(key) for key in raw if key not in _SIZE_COLUMNS)
    if unknown:
        raise GeopackageError(
            f"input.defaults has unknown field(s) {', '.join(unknown)}; "
            "only width, height and resolution are allowed",
            f"{DEFAULTS_FIELD}->{unknown[0]}",
        )
    width = _default_size(raw, "width")
    height = _default_size(raw, "height")
    resolution: float | None = None
    value = raw.get("resolution")
    if value is not None:
        if not _is_number(value) or not math.isfinite(value) or value <= 0:
            raise GeopackageError(
                f"input.defaults.resolution must be a number greater than 0, got {value!r}",
                f"{DEFAULTS_FIELD}->resolution",
            )
        resolution = float(value)
    if resolution is not None and (width is not None or height is not None):
        raise GeopackageError(
            "Only width and height or resolution can be set at the same time in "
            "input.defaults; remove one of them",
            f"{DEFAULTS_FIELD}->resolution",
        )
    if (width is None) != (height is None):
        missing = "height" if height is None else "width"
        raise GeopackageError(
            f"input.defaults sets {'width' if height is None else 'height'} without "
            f"{missing}; give both width and height, or resolution",
            f"{DEFAULTS_FIELD}->{missing}",
        )
    return FeatureDefaults(width, height, resolution)


# --- reading ----------------------------------------------------------------------------------


def _open_layers(path: Path) -> list[tuple[str, dict[str, Any]]]:
    name = path.name
    if not path.is_file():
        raise GeopackageError(
            f"The GeoPackage {name!r} does not exist at the given location; upload the "
            "file or correct input.features"
        )
    try:
        layers = pyogrio.list_layers(str(path))
    except Exception as error:  # pyogrio raises DataSourceError and GDAL errors
        raise GeopackageError(
            f"{name!r} is not a GeoPackage GDAL can read ({_first_line(error)}); give a "
            "GeoPackage (.gpkg) file in input.features"
        ) from None
    result: list[tuple[str, dict[str, Any]]] = []
    for layer_name, geometry_type in layers:
        try:
            info = pyogrio.read_info(str(path), layer=str(layer_name))
        except Exception as error:
            raise GeopackageError(
                f"Layer {layer_name!r} of {name!r} cannot be read ({_first_line(error)}); "
                "repair or remove it"
            ) from None
        if info.get("driver") != "GPKG":
            raise GeopackageError(
                f"{name!r} is a {info.get('driver')} file, not a GeoPackage; convert it to "
                "a GeoPackage (.gpkg) file"
            )
        if geometry_type is None or info.get("geometry_type") is None:
            continue  # an attribute table: not a feature layer
        result.append((str(layer_name), info))
    if not result:
        raise GeopackageError(
            f"The GeoPackage {name!r} has no feature layer; add a layer of Polygon or "
            "MultiPolygon features with the columns id and identifier"
        )
    return result


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _layer_epsg(layer: str, info: Mapping[str, Any]) -> int:
    raw = info.get("crs")
    if not raw:
        raise GeopackageError(
            f"Layer {layer!r} has no CRS; assign the layer an EPSG CRS "
            "(e.g. EPSG:4326 or a UTM zone)"
        )
    try:
        crs = CRS.from_user_input(raw)
    except CRSError:
        raise GeopackageError(
            f"Layer {layer!r} has a CRS that cannot be read ({raw!r}); assign an EPSG CRS"
        ) from None
    epsg = crs.to_epsg()
    if epsg is None:
        raise GeopackageError(
            f"Layer {layer!r} has a CRS without an EPSG code ({crs.name}); reproject it "
            "to an EPSG CRS such as EPSG:4326 or a UTM zone"
        )
    if not (crs.is_geographic or crs.is_projected) or len(crs.axis_info) != 2:
        raise GeopackageError(
            f"Layer {layer!r} has CRS EPSG:{epsg} ({crs.name}), which is not a 2D "
            "geographic or projected CRS; reproject it to EPSG:4326 or a UTM zone"
        )
    return int(epsg)


def _columns(layer: str, info: Mapping[str, Any]) -> dict[str, str]:
    """Column name -> OGR type of the layer's fields; ``id`` may be the FID column."""
    columns = {
        str(field): str(ogr_type)
        for field, ogr_type in zip(info["fields"], info["ogr_types"], strict=True)
    }
    fid_column = info.get("fid_column")
    if fid_column == "id" and "id" not in columns:
        columns["id"] = "FID"
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            kind = "a unique integer" if column == "id" else "a unique text"
            raise GeopackageError(
                f"Layer {layer!r} has no column {column!r}; add the column {column!r} "
                f"({kind} per feature)"
            )
    if columns["id"] not in _INTEGER_OGR_TYPES | {"FID"}:
        raise GeopackageError(
            f"Column 'id' of layer {layer!r} is of type {columns['id']}, not an integer; "
            "make 'id' an integer column"
        )
    if columns["identifier"] not in _STRING_OGR_TYPES:
        raise GeopackageError(
            f"Column 'identifier' of layer {layer!r} is of type {columns['identifier']}, "
            "not text; make 'identifier' a text column"
        )
    for column in _SIZE_COLUMNS:
        if column in columns and columns[column] not in _NUMERIC_OGR_TYPES:
            raise GeopackageError(
                f"Column {column!r} of layer {layer!r} is of type {columns[column]}, not a "
                f"number; make {column!r} a numeric column or remove it"
            )
    return columns


def _is_null(value: Any) -> bool:
    if value is None or value is np.ma.masked:
        return True
    return isinstance(value, float | np.floating) and math.isnan(value)


@dataclass(frozen=True)
class _Row:
    layer: str
    fid: int
    identifier: str | None

    def describe(self, word: str = "Feature") -> str:
        if self.identifier:
            return f"{word} {self.identifier!r} (FID {self.fid} of layer {self.layer!r})"
        return f"{word} FID {self.fid} of layer {self.layer!r}"


def _size_of(
    row: _Row,
    values: Mapping[str, Any],
    bounds: tuple[float, float, float, float],
    defaults: FeatureDefaults,
) -> tuple[int, int]:
    own: dict[str, float] = {}
    for column in _SIZE_COLUMNS:
        value: Any = values.get(column)
        if _is_null(value):
            continue
        number = float(value)
        if column == "resolution":
            if not math.isfinite(number) or number <= 0:
                raise GeopackageError(
                    f"{row.describe()} has resolution {number!r}; set a resolution "
                    "greater than 0 (in layer CRS units)"
                )
        elif number != int(number) or not 1 <= number <= MAX_SIZE:
            raise GeopackageError(
                f"{row.describe()} has {column} {value!r}; set an integer from 1 to "
                f"{MAX_SIZE} pixels"
            )
        own[column] = number
    if "resolution" in own and ("width" in own or "height" in own):
        raise GeopackageError(
            f"{row.describe()} sets both resolution and width/height; only width and "
            "height or resolution can be set for a feature, leave the others empty"
        )
    resolution: float | None
    if "resolution" in own:
        resolution, width, height = own["resolution"], None, None
    elif "width" in own or "height" in own:
        resolution = None
        width = int(own["width"]) if "width" in own else defaults.width
        height = int(own["height"]) if "height" in own else defaults.height
    else:
        resolution, width, height = defaults.resolution, defaults.width, defaults.height
    minx, miny, maxx, maxy = bounds
    if resolution is not None:
        width = max(1, round((maxx - minx) / resolution))
        height = max(1, round((maxy - miny) / resolution))
        for side, pixels in (("width", width), ("height", height)):
            if pixels > MAX_SIZE:
                raise GeopackageError(
                    f"{row.describe()}: resolution {resolution!r} gives a {side} of {pixels} "
                    f"pixels, more than {MAX_SIZE}; use a coarser resolution or split the "
                    "feature"
                )
    if width is None or height is None:
        raise GeopackageError(
            f"{row.describe()} has no output size; set its width and height or its "
            "resolution columns, or give input.defaults"
        )
    return width, height


def _geometry(row: _Row, wkb: Any) -> BaseGeometry:
    if wkb is None:
        raise GeopackageError(f"{row.describe()} has no geometry; give it a Polygon")
    try:
        geometry = shapely.force_2d(shapely.from_wkb(wkb))
    except Exception as error:  # shapely raises GEOSException for corrupt WKB
        raise GeopackageError(
            f"{row.describe()} has a geometry that cannot be decoded ({_first_line(error)}); "
            "rewrite it as a Polygon or MultiPolygon"
        ) from None
    if geometry.geom_type not in ("Polygon", "MultiPolygon"):
        raise GeopackageError(
            f"{row.describe()} is a {geometry.geom_type}; only Polygon and MultiPolygon "
            "features are allowed"
        )
    if geometry.is_empty:
        raise GeopackageError(f"{row.describe()} has an empty geometry; give it a Polygon")
    if not geometry.is_valid:
        reason = shapely.is_valid_reason(geometry)
        raise GeopackageError(
            f"{row.describe()} has an invalid geometry ({reason}); repair it "
            "(e.g. with shapely.make_valid or QGIS 'Fix geometries')"
        )
    return geometry


def _to_wgs84(geometry: BaseGeometry, crs: CRS, epsg: int) -> BaseGeometry:
    if epsg == WGS84_EPSG:
        return geometry
    step = _DENSIFY_DEGREES if crs.is_geographic else _DENSIFY_METRES
    transformer = Transformer.from_crs(crs, CRS.from_epsg(WGS84_EPSG), always_xy=True)

    def project(coords: Any) -> Any:
        x, y = transformer.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(shapely.segmentize(geometry, step), project)


def _read_layer(
    path: Path,
    layer: str,
    info: Mapping[str, Any],
    columns: Mapping[str, str],
) -> tuple[np.ndarray[Any, Any], Sequence[Any], dict[str, Sequence[Any]]]:
    wanted = [column for column in ("id", "identifier", *_SIZE_COLUMNS) if column in columns]
    fields = [column for column in wanted if columns[column] != "FID"]
    try:
        _meta, fids, geometries, data = pyogrio.raw.read(
            str(path), layer=layer, columns=fields, return_fids=True
        )
    except Exception as error:
        raise GeopackageError(
            f"Layer {layer!r} cannot be read ({_first_line(error)}); repair the GeoPackage"
        ) from None
    values = dict(zip(fields, data, strict=True))
    if columns["id"] == "FID":
        values["id"] = fids
    return fids, geometries, values


def read_features(
    path: Path,
    defaults: Any = None,
    *,
    max_features: int = MAX_FEATURES,
) -> list[GeopackageFeature]:
    """The features of the GeoPackage at ``path``; `GeopackageError` for any broken rule."""
    parsed_defaults = defaults if isinstance(defaults, FeatureDefaults) else None
    if parsed_defaults is None:
        parsed_defaults = parse_defaults(defaults)
    layers = _open_layers(path)
    total = sum(int(info.get("features") or 0) for _name, info in layers)
    if total > max_features:
        raise GeopackageError(
            f"The GeoPackage {path.name!r} has {total} features, more than the {max_features} "
            "allowed; split it into several requests"
        )
    features: list[GeopackageFeature] = []
    seen_ids: dict[int, _Row] = {}
    seen_identifiers: dict[str, _Row] = {}
    for layer, info in layers:
        epsg = _layer_epsg(layer, info)
        crs = CRS.from_epsg(epsg)
        columns = _columns(layer, info)
        fids, geometries, values = _read_layer(path, layer, info, columns)
        for index, fid in enumerate(fids):
            raw_identifier = values["identifier"][index]
            row = _Row(layer, int(fid), None if _is_null(raw_identifier) else raw_identifier)
            identifier = row.identifier
            if not isinstance(identifier, str) or not identifier.strip():
                raise GeopackageError(
                    f"{row.describe()} has no identifier; give every feature a unique, "
                    "non-empty identifier"
                )
            if _BAD_IDENTIFIER.search(identifier) or identifier in (".", ".."):
                raise GeopackageError(
                    f"{row.describe()} has the identifier {identifier!r}, which cannot name "
                    "an output; use an identifier without '/' or '\\' that is not '.' or '..'"
                )
            if identifier in seen_identifiers:
                raise GeopackageError(
                    f"{row.describe()} repeats the identifier {identifier!r} of "
                    f"{seen_identifiers[identifier].describe('feature')}; give every feature "
                    "a unique identifier"
                )
            raw_id = values["id"][index]
            if _is_null(raw_id):
                raise GeopackageError(
                    f"{row.describe()} has no id; give every feature a unique integer id"
                )
            feature_id = int(raw_id)
            if feature_id in seen_ids:
                raise GeopackageError(
                    f"{row.describe()} repeats the id {feature_id} of "
                    f"{seen_ids[feature_id].describe('feature')}; give every feature a unique "
                    "integer id"
                )
            seen_ids[feature_id] = row
            seen_identifiers[identifier] = row
            geometry = _geometry(row, geometries[index])
            minx, miny, maxx, maxy = (float(v) for v in geometry.bounds)
            bounds = (minx, miny, maxx, maxy)
            feature_values: dict[str, Any] = {
                column: values[column][index] for column in _SIZE_COLUMNS if column in values
            }
            width, height = _size_of(row, feature_values, bounds, parsed_defaults)
            features.append(
                GeopackageFeature(
                    identifier=identifier,
                    id=feature_id,
                    layer=layer,
                    epsg=epsg,
                    geometry=geometry,
                    bounds=bounds,
                    width=width,
                    height=height,
                    resolution=((maxx - minx) / width, (maxy - miny) / height),
                    wgs84_geometry=_to_wgs84(geometry, crs, epsg),
                )
            )
    if not features:
        raise GeopackageError(
            f"The GeoPackage {path.name!r} has no features; add at least one Polygon "
            "feature per output tile"
        )
    return features

"""Where a request renders: `CRS`, `BBox` and `Geometry`, with no dependency beyond the stdlib.

The Process API takes a bounding box and/or a polygon in one CRS, written as an OGC URL:
``http://www.opengis.net/def/crs/EPSG/0/<code>``, or
``http://www.opengis.net/def/crs/OGC/1.3/CRS84`` for longitude/latitude on WGS84 (the service's
default, and ours when no CRS is given).

sentinelhub-py's own objects are accepted wherever these are: its ``CRS`` (anything with an
``epsg`` or an ``opengis_string``), its ``BBox`` (``lower_left`` / ``upper_right`` / ``crs``)
and its ``Geometry`` (``get_geojson`` / ``crs``), and a pyproj ``CRS`` (``to_epsg``). Nothing
from those packages is imported. A WKT string needs shapely (installed with the ``geo`` extra).

**Longitude/latitude sanity.** In CRS84 or EPSG:4326 (both longitude, latitude for the service,
and CRS84 is what a box without a CRS means) a `BBox` or `Geometry` with an x outside -180..180
or a y outside -90..90 is refused (`SentinelHubValidationError`, a `ValueError`) with the likely
mix-up, judged from the extremes:

- a number above 360 in size: projected metres labelled WGS84 ("UTM metres" when x is an
  easting, 100,000 to 900,000, and y a northing, 0 to 10,000,000); pass their CRS or transform;
- every x within -90..90 and every y within -180..180 (so a y beyond 90 would be a longitude):
  latitude/longitude order; swap each pair;
- longitudes in 0..360 with valid latitudes: give them in -180..180;
- anything else: the plain ranges.

Values in range are never questioned, and nothing warns: when both numbers of every pair fit
-90..90 either order is valid and the numbers say nothing about which was meant (a lat/lon box
in Europe is a valid lon/lat box in the Indian Ocean), so a warning would be a guess that fires
on correct code, where warnings are often errors. Other CRSs are not checked (their valid
ranges need a projection library).
"""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.errors import invalid_argument as _invalid

__all__ = ["CRS", "BBox", "CRSLike", "Geometry", "to_bbox", "to_crs", "to_geometry"]

#: The OGC URL of longitude/latitude on WGS84 (the service's default CRS).
CRS84_URL = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
_EPSG_URL = "http://www.opengis.net/def/crs/EPSG/0/{}"

_CRS84_NAMES = frozenset(
    {
        "CRS84",
        "OGC:CRS84",
        "OGC:1.3:CRS84",
        "URN:OGC:DEF:CRS:OGC:1.3:CRS84",
        "URN:OGC:DEF:CRS:OGC::CRS84",
        "HTTP://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84",
        "HTTPS://WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84",
    }
)
_EPSG_PATTERNS = (
    re.compile(r"^(?:EPSG:)?(\d+)$"),
    re.compile(r"^URN:OGC:DEF:CRS:EPSG:[\d.]*:(\d+)$"),
    re.compile(r"^HTTPS?://WWW\.OPENGIS\.NET/DEF/CRS/EPSG/[\d.]+/(\d+)$"),
)


_UTM_NAME = re.compile(r"^UTM_([1-9]|[1-5]\d|60)([NS])$")


class _CRSMeta(type):
    """Gives `CRS` sentinelhub-py's UTM constants: ``CRS.UTM_33N`` is EPSG:32633,
    ``CRS.UTM_1S`` EPSG:32701 (made when asked for)."""

    def __getattr__(cls, name: str) -> CRS:
        match = _UTM_NAME.match(name)
        if match is None:
            raise AttributeError(f"type object 'CRS' has no attribute {name!r}")
        zone, hemisphere = int(match.group(1)), match.group(2)
        return CRS.utm(zone, south=hemisphere == "S")


class CRS(metaclass=_CRSMeta):
    """A coordinate reference system: an EPSG code, or OGC CRS84 (``epsg`` None).

    ``CRS(4326)``, ``CRS("EPSG:32633")``, ``CRS("urn:ogc:def:crs:EPSG::3857")``,
    ``CRS("http://www.opengis.net/def/crs/EPSG/0/3035")``, ``CRS("CRS84")``, or
    sentinelhub-py's / pyproj's CRS objects. ``CRS.utm(33)`` is WGS84 / UTM zone 33N; as in
    sentinelhub-py, ``CRS.WGS84``, ``CRS.POP_WEB`` and ``CRS.UTM_1N`` .. ``CRS.UTM_60S`` name
    the common ones.
    """

    __slots__ = ("_epsg",)

    CRS84: ClassVar[CRS]
    WGS84: ClassVar[CRS]
    POP_WEB: ClassVar[CRS]

    def __init__(self, value: CRSLike) -> None:
        self._epsg = _parse_crs(value, "crs")

    @classmethod
    def utm(cls, zone: int, *, south: bool = False) -> CRS:
        """WGS84 / UTM ``zone`` (1..60), north unless ``south``."""
        if isinstance(zone, bool) or not isinstance(zone, int) or not 1 <= zone <= 60:
            raise _invalid("zone", f"a UTM zone is an int in 1..60, got {zone!r}")
        return cls((32700 if south else 32600) + zone)

    @property
    def epsg(self) -> int | None:
        """The EPSG code; None for OGC CRS84."""
        return self._epsg

    @property
    def opengis_string(self) -> str:
        """The CRS as the service writes it: ``http://www.opengis.net/def/crs/EPSG/0/<code>``."""
        return CRS84_URL if self._epsg is None else _EPSG_URL.format(self._epsg)

    @property
    def urn(self) -> str:
        """The CRS as a GeoJSON ``crs`` member names it: ``urn:ogc:def:crs:EPSG::<code>``."""
        return (
            "urn:ogc:def:crs:OGC:1.3:CRS84"
            if self._epsg is None
            else (f"urn:ogc:def:crs:EPSG::{self._epsg}")
        )

    @property
    def is_lon_lat(self) -> bool:
        """True for CRS84 and EPSG:4326 (both are longitude, latitude for the service)."""
        return self._epsg in (None, 4326)

    @property
    def value(self) -> str:
        """The EPSG code as text (``"32633"``), as sentinelhub-py's enum value; ``"4326"`` for
        CRS84 (the same axes and datum for the service)."""
        return str(self._epsg or 4326)

    def ogc_string(self) -> str:
        """``EPSG:<code>``, as sentinelhub-py's ``CRS.ogc_string()``."""
        return f"EPSG:{self.value}"

    def is_utm(self) -> bool:
        """True for the WGS84 / UTM zones (EPSG 32601..32660 and 32701..32760)."""
        code = self._epsg or 0
        return 32601 <= code <= 32660 or 32701 <= code <= 32760

    def pyproj_crs(self) -> Any:
        """This CRS as a ``pyproj.CRS`` (needs pyproj: the ``geo`` extra)."""
        from sentinelhub_client._core.extras import translate_missing

        with translate_missing("CRS.pyproj_crs", "geo"):
            import pyproj
        return pyproj.CRS.from_epsg(int(self.value))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, CRS):
            return self._epsg == other._epsg
        return NotImplemented

    def __hash__(self) -> int:
        return hash(("CRS", self._epsg))

    def __str__(self) -> str:
        return "OGC:CRS84" if self._epsg is None else f"EPSG:{self._epsg}"

    def __repr__(self) -> str:
        return f"CRS({str(self)!r})"


#: What `CRS` accepts.
CRSLike = CRS | int | str | Any


def _parse_crs(value: Any, field: str) -> int | None:
    """The EPSG code of ``value`` (None for CRS84), or a validation error naming ``field``."""
    if isinstance(value, CRS):
        return value.epsg
    if isinstance(value, bool):
        raise _invalid(field, f"{value!r} is not a CRS")
    if isinstance(value, int):
        if value <= 0:
            raise _invalid(field, f"{value} is not an EPSG code")
        return value
    if isinstance(value, str):
        text = value.strip().upper()
        if text in _CRS84_NAMES:
            return None
        for pattern in _EPSG_PATTERNS:
            match = pattern.match(text)
            if match and int(match.group(1)) > 0:
                return int(match.group(1))
        raise _invalid(
            field,
            f"{value!r} is not a CRS this client understands; use an EPSG code (4326, "
            "'EPSG:32633'), an OGC URL or URN, or 'CRS84'",
        )
    # sentinelhub-py's CRS (an Enum with .epsg and .opengis_string), pyproj's CRS (.to_epsg()).
    epsg = getattr(value, "epsg", None)
    if isinstance(epsg, int) and not isinstance(epsg, bool):
        return _parse_crs(epsg, field)
    opengis = getattr(value, "opengis_string", None)
    if isinstance(opengis, str):
        return _parse_crs(opengis, field)
    to_epsg = getattr(value, "to_epsg", None)
    if callable(to_epsg):
        code = to_epsg()
        if isinstance(code, int):
            return _parse_crs(code, field)
        to_string = getattr(value, "to_string", None)
        if callable(to_string):
            return _parse_crs(str(to_string()), field)
    raise _invalid(field, f"{value!r} is not a CRS")


def to_crs(value: CRSLike, field: str = "crs") -> CRS:
    """``value`` as a `CRS` (errors name ``field``)."""
    if isinstance(value, CRS):
        return value
    crs = CRS.__new__(CRS)
    crs._epsg = _parse_crs(value, field)
    return crs


CRS.CRS84 = to_crs("CRS84")
CRS.WGS84 = to_crs(4326)
CRS.POP_WEB = to_crs(3857)


#: How far beyond -180..180 / -90..90 a coordinate may stray (rounding in a transform).
_DEGREE_SLACK = 1e-9


def _check_lon_lat(
    extent: tuple[float, float, float, float], crs: CRS, assumed: bool, field: str
) -> None:
    """Refuse longitude/latitude coordinates outside the globe, naming the likely mix-up (the
    rules are in the module docstring). ``extent`` is (min_x, min_y, max_x, max_y)."""
    if not crs.is_lon_lat:
        return
    min_x, min_y, max_x, max_y = extent
    limit_x, limit_y = 180 + _DEGREE_SLACK, 90 + _DEGREE_SLACK
    x_fits = -limit_x <= min_x and max_x <= limit_x
    y_fits = -limit_y <= min_y and max_y <= limit_y
    if x_fits and y_fits:
        return
    largest = max(abs(v) for v in extent)
    if largest > 360:
        if 100_000 <= min_x <= max_x <= 900_000 and 0 <= min_y <= max_y <= 10_000_000:
            kind = "UTM metres (easting, northing)"
            example = "crs=CRS.utm(33) or crs='EPSG:32633' for zone 33N"
        else:
            kind = "projected coordinates (metres or feet)"
            example = "crs=3857 for Web Mercator, crs=CRS.utm(33) for UTM zone 33N"
        hint = (
            f"they look like {kind} labelled WGS84: pass their CRS ({example}) or transform "
            "them to longitude/latitude"
        )
    elif -limit_y <= min_x and max_x <= limit_y and -limit_x <= min_y and max_y <= limit_x:
        hint = (
            "they look like (latitude, longitude) pairs: the order is (longitude, latitude), "
            "x first; swap the numbers of each pair"
        )
    elif y_fits and min_x >= 0 and max_x <= 360 + _DEGREE_SLACK:
        hint = "longitudes in 0..360? give them in -180..180 (subtract 360 above 180)"
    else:
        hint = "longitude (x) must be within -180..180 and latitude (y) within -90..90"
    label = (
        "no crs was given, so CRS84 (longitude, latitude in degrees) is assumed"
        if assumed
        else f"crs {crs} is longitude, latitude in degrees"
    )
    raise _invalid(
        field,
        f"x {min_x:.12g}..{max_x:.12g}, y {min_y:.12g}..{max_y:.12g} is not on the globe "
        f"({label}); {hint}",
    )


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _invalid(field, f"expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise _invalid(field, f"expected a finite number, got {value!r}")
    return number


def _items(value: Any) -> list[Any] | None:
    """The elements of a list, a tuple or a numpy array; None for anything else."""
    if isinstance(value, str | bytes | Mapping):
        return None
    try:
        return list(value)
    except TypeError:
        return None


def _is_sh_object(value: Any) -> bool:
    """sentinelhub-py's ``BBox`` / ``Geometry`` (or anything shaped like them)."""
    return hasattr(value, "crs") and callable(getattr(value, "get_geojson", None))


class BBox:
    """A bounding box ``(min_x, min_y, max_x, max_y)`` in a CRS (CRS84 by default).

    Args:
        bbox: four numbers, two corner pairs ``((min_x, min_y), (max_x, max_y))``, or a BBox
            (ours or sentinelhub-py's, whose CRS is taken unless ``crs`` is given).
        crs: the CRS of the coordinates (see `CRS`).

    In CRS84 / EPSG:4326, x is the longitude and y the latitude: a box off the globe is refused
    naming the likely mix-up (UTM metres without their CRS, latitude first, ...; see the module
    docstring).

    Iterating gives the four numbers, as sentinelhub-py's ``BBox`` does.
    """

    __slots__ = ("_coords", "_crs")

    _coords: tuple[float, float, float, float]
    _crs: CRS

    def __init__(self, bbox: Any, crs: CRSLike | None = None) -> None:
        field = "bbox"
        own_crs: Any = None
        if isinstance(bbox, BBox):
            coords: Sequence[Any] = bbox._coords
            own_crs = bbox.crs
        elif hasattr(bbox, "lower_left") and hasattr(bbox, "upper_right"):
            coords = (*bbox.lower_left, *bbox.upper_right)
            own_crs = getattr(bbox, "crs", None)
        else:
            items = _items(bbox)
            if items is None:
                raise _invalid(
                    field, f"expected (min_x, min_y, max_x, max_y) or a BBox, got {bbox!r}"
                )
            if len(items) == 2:  # ((min_x, min_y), (max_x, max_y))
                first, second = _items(items[0]), _items(items[1])
                if first is not None and second is not None and len(first) == len(second) == 2:
                    items = [*first, *second]
            coords = items
        if len(coords) != 4:
            raise _invalid(field, f"expected 4 numbers (min_x, min_y, max_x, max_y), got {bbox!r}")
        min_x, min_y, max_x, max_y = (_number(c, field) for c in coords)
        if not (min_x < max_x and min_y < max_y):
            raise _invalid(
                field,
                f"{[min_x, min_y, max_x, max_y]} is empty or reversed; give (min_x, min_y, "
                "max_x, max_y) with min < max on both axes",
            )
        self._coords = (min_x, min_y, max_x, max_y)
        chosen = crs if crs is not None else own_crs
        self._crs = CRS.CRS84 if chosen is None else to_crs(chosen, "crs")
        _check_lon_lat(self._coords, self._crs, chosen is None, field)

    @property
    def crs(self) -> CRS:
        """The CRS of the coordinates."""
        return self._crs

    @property
    def lower_left(self) -> tuple[float, float]:
        """``(min_x, min_y)``."""
        return self._coords[0], self._coords[1]

    @property
    def upper_right(self) -> tuple[float, float]:
        """``(max_x, max_y)``."""
        return self._coords[2], self._coords[3]

    @property
    def min_x(self) -> float:
        return self._coords[0]

    @property
    def min_y(self) -> float:
        return self._coords[1]

    @property
    def max_x(self) -> float:
        return self._coords[2]

    @property
    def max_y(self) -> float:
        return self._coords[3]

    @property
    def geojson(self) -> dict[str, Any]:
        """The box as a GeoJSON Polygon (counter-clockwise, closed)."""
        x0, y0, x1, y1 = self._coords
        ring = [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
        return {"type": "Polygon", "coordinates": [ring]}

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return self.geojson

    @property
    def middle(self) -> tuple[float, float]:
        """The centre ``(x, y)``."""
        x0, y0, x1, y1 = self._coords
        return (x0 + x1) / 2, (y0 + y1) / 2

    def transform(self, crs: CRSLike) -> BBox:
        """The box with its two corners transformed to ``crs`` (sentinelhub-py's ``transform``:
        the corners only, so a rotated box shrinks; see `transform_bounds`). Needs pyproj."""
        from sentinelhub_client.process.geo_utils import transform_point

        target = to_crs(crs)
        x0, y0 = transform_point(self.lower_left, self._crs, target)
        x1, y1 = transform_point(self.upper_right, self._crs, target)
        return BBox((min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), crs=target)

    def transform_bounds(self, crs: CRSLike) -> BBox:
        """The smallest box in ``crs`` that holds this whole box (its edges are densified
        before transforming). Needs pyproj."""
        from sentinelhub_client.process.geo_utils import transformer

        target = to_crs(crs)
        bounds = transformer(self._crs, target).transform_bounds(*self._coords, densify_pts=21)
        return BBox(tuple(bounds), crs=target)

    def __iter__(self) -> Iterator[float]:
        return iter(self._coords)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, BBox):
            return self._coords == other._coords and self._crs == other._crs
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self._coords, self._crs))

    def __repr__(self) -> str:
        return f"BBox({list(self._coords)}, crs={str(self._crs)!r})"


_GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def _position(value: Any, field: str) -> list[float]:
    if (
        isinstance(value, str | bytes)
        or not isinstance(value, Sequence)
        or len(value) not in (2, 3)
    ):
        raise _invalid(field, f"a position is [x, y] (or [x, y, z]), got {value!r}")
    return [_number(v, field) for v in value]


def _ring(value: Any, field: str) -> list[list[float]]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence):
        raise _invalid(field, f"a ring is a list of positions, got {value!r}")
    ring = [_position(p, f"{field}[{i}]") for i, p in enumerate(value)]
    if len(ring) < 4:
        raise _invalid(field, f"a polygon ring needs at least 4 positions, got {len(ring)}")
    if ring[0] != ring[-1]:
        raise _invalid(
            field, "a polygon ring must be closed: its last position must equal its first"
        )
    return ring


def _polygon(value: Any, field: str) -> list[list[list[float]]]:
    if isinstance(value, str | bytes) or not isinstance(value, Sequence) or not value:
        raise _invalid(field, f"a polygon is a non-empty list of rings, got {value!r}")
    return [_ring(r, f"{field}[{i}]") for i, r in enumerate(value)]


def _normalise_geojson(value: Mapping[str, Any], field: str) -> dict[str, Any]:
    kind = value.get("type")
    if kind == "Feature":
        inner = value.get("geometry")
        if not isinstance(inner, Mapping):
            raise _invalid(field, "the Feature has no geometry")
        return _normalise_geojson(inner, field)
    if kind not in _GEOMETRY_TYPES:
        raise _invalid(
            field,
            f"the service renders a Polygon or a MultiPolygon, got a GeoJSON {kind!r}",
        )
    coordinates = value.get("coordinates")
    if kind == "Polygon":
        rings = _polygon(coordinates, f"{field}.coordinates")
        return {"type": "Polygon", "coordinates": rings}
    if (
        isinstance(coordinates, str | bytes)
        or not isinstance(coordinates, Sequence)
        or not coordinates
    ):
        raise _invalid(field, "a MultiPolygon's coordinates are a non-empty list of polygons")
    polygons = [_polygon(p, f"{field}.coordinates[{i}]") for i, p in enumerate(coordinates)]
    return {"type": "MultiPolygon", "coordinates": polygons}


def _crs_member(value: Mapping[str, Any], field: str) -> Any:
    """The CRS named by a GeoJSON ``crs`` member (``{"type": "name", "properties": {"name"}}``)."""
    member = value.get("crs")
    if member is None:
        return None
    properties = member.get("properties") if isinstance(member, Mapping) else None
    name = properties.get("name") if isinstance(properties, Mapping) else None
    if not isinstance(name, str):
        raise _invalid(
            f"{field}.crs",
            f"expected {{'type': 'name', 'properties': {{'name': ...}}}}, got {member!r}",
        )
    return to_crs(name, f"{field}.crs")


def _from_wkt(text: str, field: str) -> dict[str, Any]:
    try:
        import shapely.wkt
        from shapely.geometry import mapping
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise _invalid(
            field,
            "a WKT geometry needs shapely (pip install 'sentinelhub-client[geo]'); or pass a "
            "GeoJSON dict",
        ) from exc
    try:
        shape = shapely.wkt.loads(text)
    except Exception as exc:  # shapely raises its own error classes for bad WKT
        raise _invalid(field, f"not valid WKT ({exc})") from exc
    result: dict[str, Any] = json.loads(json.dumps(mapping(shape)))
    return result


class Geometry:
    """A Polygon or MultiPolygon in a CRS (CRS84 by default); in CRS84 / EPSG:4326 positions
    off the globe are refused as for `BBox`.

    Args:
        geometry: a GeoJSON dict (a geometry or a Feature; a ``crs`` member is honoured), a GeoJSON
            or WKT string, anything with ``__geo_interface__`` (shapely), or sentinelhub-py's
            ``Geometry`` / ``BBox`` (whose CRS is taken unless ``crs`` is given).
        crs: the CRS of the coordinates (see `CRS`).
    """

    __slots__ = ("_crs", "_geojson")

    _crs: CRS
    _geojson: dict[str, Any]

    def __init__(self, geometry: Any, crs: CRSLike | None = None) -> None:
        field = "geometry"
        own_crs: Any = None
        raw: Any
        if isinstance(geometry, Geometry):
            raw, own_crs = geometry._geojson, geometry.crs
        elif isinstance(geometry, BBox):
            raw, own_crs = geometry.geojson, geometry.crs
        elif _is_sh_object(geometry):
            raw, own_crs = geometry.get_geojson(with_crs=False), geometry.crs
        elif isinstance(geometry, str):
            text = geometry.strip()
            if text.startswith("{"):
                try:
                    raw = json.loads(text)
                except ValueError as exc:
                    raise _invalid(field, f"not valid GeoJSON ({exc})") from exc
            else:
                raw = _from_wkt(text, field)
        elif isinstance(geometry, Mapping):
            raw = geometry
        elif hasattr(geometry, "__geo_interface__"):
            raw = geometry.__geo_interface__
        else:
            raise _invalid(
                field,
                f"expected a GeoJSON dict, a WKT string or a geometry object, got {geometry!r}",
            )
        if not isinstance(raw, Mapping):
            raise _invalid(field, f"expected a GeoJSON object, got {raw!r}")
        embedded = _crs_member(raw, field)
        if embedded is not None:
            if crs is not None and to_crs(crs) != embedded:
                raise _invalid(
                    "crs",
                    f"{to_crs(crs)} differs from the geometry's own crs member ({embedded})",
                )
            own_crs = embedded
        self._geojson = _normalise_geojson(raw, field)
        chosen = crs if crs is not None else own_crs
        self._crs = CRS.CRS84 if chosen is None else to_crs(chosen, "crs")
        if self._crs.is_lon_lat:
            _check_lon_lat(self._extent(), self._crs, chosen is None, field)

    @property
    def crs(self) -> CRS:
        """The CRS of the coordinates."""
        return self._crs

    @property
    def geojson(self) -> dict[str, Any]:
        """The geometry as GeoJSON, without a ``crs`` member (a copy)."""
        result: dict[str, Any] = json.loads(json.dumps(self._geojson))
        return result

    @property
    def __geo_interface__(self) -> dict[str, Any]:
        return self.geojson

    def get_geojson(self, with_crs: bool = True) -> dict[str, Any]:
        """The GeoJSON, with a ``crs`` member naming the CRS unless ``with_crs`` is False (as
        sentinelhub-py's ``Geometry.get_geojson``)."""
        out = self.geojson
        if with_crs:
            out = {"crs": {"type": "name", "properties": {"name": self._crs.urn}}, **out}
        return out

    def _extent(self) -> tuple[float, float, float, float]:
        """(min_x, min_y, max_x, max_y) over every position."""
        xs: list[float] = []
        ys: list[float] = []
        polygons = (
            [self._geojson["coordinates"]]
            if self._geojson["type"] == "Polygon"
            else self._geojson["coordinates"]
        )
        for polygon in polygons:
            for ring in polygon:
                for position in ring:
                    xs.append(position[0])
                    ys.append(position[1])
        return min(xs), min(ys), max(xs), max(ys)

    @property
    def bbox(self) -> BBox:
        """The envelope, in the same CRS."""
        return BBox(self._extent(), crs=self._crs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Geometry):
            return self._geojson == other._geojson and self._crs == other._crs
        return NotImplemented

    def __hash__(self) -> int:
        return hash((json.dumps(self._geojson, sort_keys=True), self._crs))

    def __repr__(self) -> str:
        return f"Geometry({self._geojson['type']}, crs={str(self._crs)!r})"


def to_bbox(value: Any, field: str = "bbox") -> BBox:
    """``value`` as a `BBox` (ours is returned as is)."""
    if isinstance(value, BBox):
        return value
    try:
        return BBox(value)
    except SentinelHubValidationError as exc:
        if exc.field == "bbox" and field != "bbox":
            raise _invalid(field, str(exc).removeprefix("bbox: ")) from exc
        raise


def to_geometry(value: Any) -> Geometry:
    """``value`` as a `Geometry` (ours is returned as is)."""
    if isinstance(value, Geometry):
        return value
    return Geometry(value)

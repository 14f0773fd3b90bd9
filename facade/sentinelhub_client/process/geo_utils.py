"""sentinelhub-py's geographic helpers: `bbox_to_dimensions`, `bbox_to_resolution`,
`get_utm_crs`, `to_utm_bbox`, `transform_point`, and its deprecated `wgs84_to_utm` /
`to_wgs84` (with a `DeprecationWarning` naming the replacement).

They follow sentinelhub-py's rules, so that sizes computed for a request are the same pixel for
pixel: a box in a UTM zone is measured as it is; any other box is first moved (its two corners)
into the UTM zone of its centre, and its size in metres divided by the resolution, rounded.
Transforms need pyproj (the ``geo`` extra); a missing pyproj is a one-line error naming the extra.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import Any

from sentinelhub_client._core.errors import SentinelHubValidationError
from sentinelhub_client._core.extras import translate_missing
from sentinelhub_client.process.geometry import CRS, BBox, CRSLike, to_bbox, to_crs

__all__ = [
    "bbox_to_dimensions",
    "bbox_to_resolution",
    "get_utm_crs",
    "to_utm_bbox",
    "to_wgs84",
    "transform_point",
    "transformer",
    "wgs84_to_utm",
]


@functools.lru_cache(maxsize=64)
def _transformer(source: int, target: int) -> Any:
    with translate_missing("coordinate transforms", "geo"):
        from pyproj import Transformer
    return Transformer.from_crs(source, target, always_xy=True)


def transformer(source: CRSLike, target: CRSLike) -> Any:
    """A pyproj ``Transformer`` from ``source`` to ``target`` (x, y order; cached)."""
    return _transformer(int(to_crs(source).value), int(to_crs(target).value))


def transform_point(
    point: tuple[float, float], source_crs: CRSLike, target_crs: CRSLike
) -> tuple[float, float]:
    """``point`` (x, y) from ``source_crs`` to ``target_crs``."""
    x, y = transformer(source_crs, target_crs).transform(point[0], point[1])
    return float(x), float(y)


def get_utm_crs(lng: float, lat: float, source_crs: CRSLike = CRS.WGS84) -> CRS:
    """The UTM zone of a point (given in ``source_crs``, WGS84 by default): north of the
    equator 326xx, south 327xx."""
    if not to_crs(source_crs).is_lon_lat:
        lng, lat = transform_point((lng, lat), source_crs, CRS.WGS84)
    zone = math.floor((lng + 180) / 6) % 60 + 1
    return CRS.utm(zone, south=lat < 0)


def to_utm_bbox(bbox: Any) -> BBox:
    """The box in the UTM zone of its centre (unchanged when already in a UTM zone)."""
    box = to_bbox(bbox)
    if box.crs.is_utm():
        return box
    lng, lat = box.middle
    return box.transform(get_utm_crs(lng, lat, source_crs=box.crs))


def _pair(value: Any, name: str) -> tuple[float, float]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        pair: tuple[Any, Any] = (value, value)
    elif isinstance(value, tuple | list) and len(value) == 2:
        pair = (value[0], value[1])
    else:
        raise SentinelHubValidationError(
            f"{name}: expected a number or (x, y), got {value!r}", field=name
        )
    if not all(isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in pair):
        raise SentinelHubValidationError(
            f"{name}: expected positive numbers, got {value!r}", field=name
        )
    return float(pair[0]), float(pair[1])


def bbox_to_dimensions(bbox: Any, resolution: float | tuple[float, float]) -> tuple[int, int]:
    """``(width, height)`` in pixels of ``bbox`` at ``resolution`` metres (one number or
    ``(x, y)``), measured in the UTM zone of the box's centre."""
    resx, resy = _pair(resolution, "resolution")
    utm = to_utm_bbox(bbox)
    (east1, north1), (east2, north2) = utm.lower_left, utm.upper_right
    return round(abs(east2 - east1) / resx), round(abs(north2 - north1) / resy)


def bbox_to_resolution(bbox: Any, width: int, height: int) -> tuple[float, float]:
    """``(resx, resy)`` in metres of ``bbox`` rendered as ``width`` x ``height`` pixels."""
    columns, rows = _pair((width, height), "size")
    utm = to_utm_bbox(bbox)
    (east1, north1), (east2, north2) = utm.lower_left, utm.upper_right
    return abs(east2 - east1) / columns, abs(north2 - north1) / rows


def wgs84_to_utm(lng: float, lat: float, utm_crs: CRSLike | None = None) -> tuple[float, float]:
    """Deprecated (as in sentinelhub-py 3.12): use `transform_point` and `get_utm_crs`."""
    warnings.warn(
        "wgs84_to_utm is deprecated; use transform_point(point, CRS.WGS84, get_utm_crs(lng, lat))",
        DeprecationWarning,
        stacklevel=2,
    )
    target = utm_crs if utm_crs is not None else get_utm_crs(lng, lat)
    return transform_point((lng, lat), CRS.WGS84, target)


def to_wgs84(east: float, north: float, crs: CRSLike) -> tuple[float, float]:
    """Deprecated (as in sentinelhub-py 3.12): use `transform_point`."""
    warnings.warn(
        "to_wgs84 is deprecated; use transform_point((east, north), crs, CRS.WGS84)",
        DeprecationWarning,
        stacklevel=2,
    )
    return transform_point((east, north), crs, CRS.WGS84)

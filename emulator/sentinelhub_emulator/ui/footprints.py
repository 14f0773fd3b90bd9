"""Tile footprints in WGS84 and the collection map drawn from them as inline SVG.

A tile's footprint is its cover geometry (the one ingestion derived, else the one registered
with it), transformed from its CRS to longitude / latitude. A tile without one (FAILED before
ingestion derived it, or still WAITING) gets the bounds of the first of its band files that
opens, read from the file's header; the map draws such footprints dashed. Footprints are cached
per tile and generation, so a page reads each file header once.

The map is an equirectangular projection scaled by the cosine of the middle latitude, with a
graticule at a round step and the collection's extent (the ingested tiles' bounding box).
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.projections import transformer

__all__ = ["Footprint", "FootprintCache", "MapView", "build_map", "footprint"]

_EPSG = re.compile(r"EPSG:{1,2}(?:[\d.]*:)?(\d+)$|EPSG/\d+/(\d+)$", re.IGNORECASE)
_WIDTH: Final = 800.0
_PAD: Final = 24.0
_MAX_HEIGHT: Final = 560.0
_MIN_HEIGHT: Final = 220.0
_STEPS: Final = (
    0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05,
    0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 45.0, 90.0,
)  # fmt: skip

Ring = list[tuple[float, float]]


@dataclass(frozen=True)
class Footprint:
    """A tile's outline in WGS84: polygons, each a list of rings of (lon, lat)."""

    polygons: list[list[Ring]]
    source: str  # "cover" (the tile's cover geometry) or "file" (a band file's bounds)

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        points = [point for polygon in self.polygons for ring in polygon for point in ring]
        lons = [p[0] for p in points]
        lats = [p[1] for p in points]
        return min(lons), min(lats), max(lons), max(lats)


def _epsg(geojson: Mapping[str, Any]) -> int:
    crs = geojson.get("crs")
    name = crs.get("properties", {}).get("name") if isinstance(crs, Mapping) else None
    if isinstance(name, str):
        match = _EPSG.search(name)
        if match:
            return int(match.group(1) or match.group(2))
    return 4326


def _from_geojson(geojson: Mapping[str, Any]) -> Footprint | None:
    import shapely
    from shapely.geometry import shape

    try:
        geometry = shape({"type": geojson["type"], "coordinates": geojson["coordinates"]})
    except (KeyError, ValueError, TypeError, AttributeError):
        return None
    if geometry.is_empty:
        return None
    epsg = _epsg(geojson)
    if epsg != 4326:
        xmin, ymin, xmax, ymax = geometry.bounds
        step = max(xmax - xmin, ymax - ymin) / 16 or 1.0
        geometry = geometry.segmentize(step)
        project = transformer(epsg, 4326).transform
        geometry = shapely.transform(geometry, project, interleaved=False)
    return _footprint(geometry, "cover")


def _footprint(geometry: Any, source: str) -> Footprint | None:
    parts = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    polygons = [
        [
            [(float(x), float(y)) for x, y, *_ in ring.coords]
            for ring in (part.exterior, *part.interiors)
        ]
        for part in parts
        if part.geom_type == "Polygon"
    ]
    return Footprint(polygons, source) if polygons else None


def _from_files(
    ctx: EmulatorContext, collection: CollectionRecord, tile: TileRecord
) -> Footprint | None:
    """The bounds of the first band file of the tile that opens (header only)."""
    import rasterio
    from rasterio.warp import transform_bounds
    from shapely.geometry import box

    from sentinelhub_emulator.byoc.ingest import BAND_PLACEHOLDER

    bucket = ctx.settings.bucket(collection.s3_bucket)
    if bucket is None:
        return None
    sources = [str(b.get("source") or name) for name, b in collection.bands.items()]
    keys = (
        [tile.path.replace(BAND_PLACEHOLDER, source) for source in sources]
        if BAND_PLACEHOLDER in tile.path
        else [tile.path]
    )
    for key in dict.fromkeys(keys):
        try:
            if bucket.stat(key) is None:
                continue
            with bucket.gdal_env(), rasterio.open(bucket.gdal_path(key)) as src:
                if src.crs is None:
                    continue
                bounds = transform_bounds(src.crs, "EPSG:4326", *src.bounds, densify_pts=16)
        except Exception:  # noqa: S112 - a file that does not open: try the next band
            continue
        return _footprint(box(*bounds), "file")
    return None


class FootprintCache:
    """Footprints per (tile id, generation, status), computed once."""

    def __init__(self, capacity: int = 20_000) -> None:
        self._items: dict[tuple[str, int, str], Footprint | None] = {}
        self._lock = threading.Lock()
        self._capacity = capacity

    def get(
        self, ctx: EmulatorContext, collection: CollectionRecord, tile: TileRecord
    ) -> Footprint | None:
        key = (tile.id, tile.generation, tile.status)
        with self._lock:
            if key in self._items:
                return self._items[key]
        value = footprint(ctx, collection, tile)
        with self._lock:
            if len(self._items) >= self._capacity:
                self._items.clear()
            self._items[key] = value
        return value


def footprint(
    ctx: EmulatorContext, collection: CollectionRecord, tile: TileRecord
) -> Footprint | None:
    """The tile's footprint in WGS84, or None when neither a geometry nor a file gives one."""
    cover = tile.cover_geometry if tile.cover_geometry is not None else tile.requested_cover
    if cover is None:
        cover = tile.tile_geometry
    if cover is not None:
        found = _from_geojson(cover)
        if found is not None:
            return found
    return _from_files(ctx, collection, tile)


# ---------------------------------------------------------------------------------------------
# The map


@dataclass(frozen=True)
class MapShape:
    """One footprint on the map."""

    tile_id: str
    path: str  # the tile's path (shown on hover)
    status: str
    cause: str | None
    d: str  # the SVG path data
    dashed: bool


@dataclass(frozen=True)
class GridLine:
    d: str
    label: str
    x: float
    y: float
    anchor: str


@dataclass(frozen=True)
class MapView:
    width: float
    height: float
    shapes: list[MapShape]
    graticule: list[GridLine]
    extent_d: str | None
    bounds: tuple[float, float, float, float]


def _step(span: float) -> float:
    for step in _STEPS:
        if span / step <= 8:
            return step
    return _STEPS[-1]


def _label(value: float, step: float, positive: str, negative: str) -> str:
    decimals = max(0, -math.floor(math.log10(step)) if step < 1 else 0)
    hemisphere = positive if value >= 0 else negative
    return f"{abs(value):.{decimals}f}°{hemisphere}"


def build_map(
    items: Sequence[tuple[TileRecord, Footprint]],
    extent: tuple[float, float, float, float] | None,
) -> MapView | None:
    """The SVG map of ``items`` (tiles and their footprints) and the collection ``extent``."""
    boxes = [fp.bounds for _, fp in items]
    if extent is not None:
        boxes.append(extent)
    if not boxes:
        return None
    west = min(b[0] for b in boxes)
    south = min(b[1] for b in boxes)
    east = max(b[2] for b in boxes)
    north = max(b[3] for b in boxes)
    span = max(east - west, north - south, 1e-6)
    margin_x = max(east - west, span * 0.1) * 0.06
    margin_y = max(north - south, span * 0.1) * 0.12
    west, east, south, north = west - margin_x, east + margin_x, south - margin_y, north + margin_y
    squeeze = max(0.05, math.cos(math.radians((south + north) / 2)))
    inner = _WIDTH - 2 * _PAD
    scale = inner / max((east - west) * squeeze, 1e-12)
    if (north - south) * scale > _MAX_HEIGHT:
        scale = _MAX_HEIGHT / (north - south)
    if (north - south) * scale < _MIN_HEIGHT:  # a wide, flat area: show more latitude
        grow = (_MIN_HEIGHT / scale - (north - south)) / 2
        south, north = south - grow, north + grow
    height = (north - south) * scale + 2 * _PAD
    x0 = (_WIDTH - (east - west) * squeeze * scale) / 2

    def xy(lon: float, lat: float) -> tuple[float, float]:
        return x0 + (lon - west) * squeeze * scale, _PAD + (north - lat) * scale

    def ring_d(ring: Ring) -> str:
        points = [xy(lon, lat) for lon, lat in ring]
        return "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in points) + "Z"

    shapes = [
        MapShape(
            tile.id,
            tile.path,
            tile.status,
            tile.failed_cause,
            " ".join(ring_d(ring) for polygon in fp.polygons for ring in polygon),
            fp.source == "file",
        )
        for tile, fp in items
    ]
    step = _step(east - west)
    graticule = []
    top, bottom = xy(west, north)[1], xy(west, south)[1]
    lon = math.ceil(west / step) * step
    while lon <= east:
        x = xy(lon, 0.0)[0]
        graticule.append(
            GridLine(
                f"M{x:.1f},{top:.1f}V{bottom:.1f}",
                _label(lon, step, "E", "W"),
                x,
                bottom + 14,
                "middle",
            )
        )
        lon += step
    left, right = xy(west, 0.0)[0], xy(east, 0.0)[0]
    step = _step(north - south)
    lat = math.ceil(south / step) * step
    while lat <= north:
        y = xy(0.0, lat)[1]
        graticule.append(
            GridLine(
                f"M{left:.1f},{y:.1f}H{right:.1f}",
                _label(lat, step, "N", "S"),
                left + 2,
                y - 3,
                "start",
            )
        )
        lat += step
    extent_d = None
    if extent is not None:
        w, s, e, n = extent
        extent_d = ring_d([(w, s), (e, s), (e, n), (w, n)])
    return MapView(
        _WIDTH, round(height, 1), shapes, graticule, extent_d, (west, south, east, north)
    )

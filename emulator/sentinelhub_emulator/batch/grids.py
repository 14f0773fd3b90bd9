"""Tiling grids of Batch Processing v1 and the cells that cover an area of interest.

Six predefined grids are served (ids as the service numbers them):

====  ============  ================  ======  ===========================  ==============
 id   name          tile size         unit    resolutions                  tile CRS
====  ============  ================  ======  ===========================  ==============
 0    20km grid     20040 m           METRE   10, 20, 30, 60               UTM of the cell
 1    10km grid     10000 m           METRE   10, 20                       UTM of the cell
 2    100km grid    100080 m          METRE   30, 60, 120, 240, 360        UTM of the cell
 3    WGS84 1 degree 1 degree         DEGREE  0.0001, 0.0002               EPSG:4326
 6    LAEA 100km    100000 m          METRE   40, 50, 100                  EPSG:3035
 7    LAEA 20km     20000 m           METRE   10, 20                       EPSG:3035
====  ============  ================  ======  ===========================  ==============

UTM grids hang off the MGRS 100 km squares of each UTM zone (north: EPSG:326zz, south:
EPSG:327zz). Every square is cut into ``k x k`` cells, counted from its north-west corner:
``col`` 0.. from the west and ``row`` 0.. from the north; a cell is named
``<zone><latitude band><square letters>_<col>_<row>`` (``33TVM_3_7``).

- Grid 1 (confirmed by real tiles): ``k = 10``, 10 000 m cells on exact 10 km lines.
- Grids 0 and 2 (the anchoring is **not confirmed** by any source; this is the emulator's
  choice): the cells start at the square's north-west corner like grid 1, ``k = 5`` cells of
  20 040 m for grid 0 and ``k = 1`` cell of 100 080 m for grid 2. The last column and row of a
  square therefore reach 200 m (grid 0) or 80 m (grid 2) into the next square, the way
  Sentinel-2 tiles overlap their neighbours.

The square letters follow the MGRS definition (implemented here): column letters ``A``-``Z``
without ``I`` and ``O`` in three sets of eight (zone mod 3), the first column starting at
easting 100 km; row letters ``A``-``V`` without ``I`` and ``O`` cycling every 2000 km of
northing, shifted by five letters in even zones. The latitude band letter (``C``-``X``, 8
degrees each, ``X`` 12) is the band of the square's centre; squares that straddle a band edge
are named after one band only (Sentinel-2 lists such squares twice).

An area of interest is split along UTM zones (6 degrees, no Norway or Svalbard exceptions) and the
equator; each part is tiled in its own zone and hemisphere, so one request can give tiles in
several CRSs. Cells that only touch the area (share an edge or a corner) are not tiles.

The WGS84 grid (3) has cells of one degree on integer degrees, named after the south-west corner
(``N46E013``, ``S05W072``).

The LAEA grids (6 and 7) cover Europe in ETRS89-LAEA (EPSG:3035). Their lattice and naming are
**not confirmed** by any source; this is the emulator's choice: cells sit on exact multiples of
the cell size from the CRS's false origin (x = 0, y = 0; the EEA reference grid's anchoring),
inside the coverage box `LAEA_COVERAGE` = x 900 000 - 7 400 000 m, y 900 000 - 6 500 000 m (it
holds the Azores, the Canary Islands, Iceland, Svalbard and Turkey). A cell is named after its
lower-left (south-west) corner in whole kilometres, ``E<x km>N<y km>`` with four digits each
(``E4300N3200`` is the 100 km cell x 4 300 000 - 4 400 000, y 3 200 000 - 3 300 000 and, in grid
7, ``E4320N3200`` the 20 km cell x 4 320 000 - 4 340 000); its id is
``(x / size) * 10000 + y / size``. An area given in EPSG:3035 is tiled as given, otherwise it is
projected (edges densified) after being clipped to the coverage's lon/lat envelope.

A tile's ``origin`` is its **upper-left** corner in the tile CRS (sentinelhub-py's reading; the
official schema text says lower-left), and its ``id`` is a stable integer computed from the cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

import shapely
import shapely.geometry
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from sentinelhub_emulator.core.projections import transformer

__all__ = [
    "GRIDS",
    "LAEA_COVERAGE",
    "LAEA_EPSG",
    "GridTile",
    "TilingGrid",
    "TooManyTilesError",
    "band_letter",
    "grid_tiles",
    "laea_name",
    "mgrs_square_letters",
    "to_wgs84",
]

WGS84_EPSG = 4326
LAEA_EPSG = 3035
#: ``(west, south, east, north)`` in EPSG:3035 of the LAEA grids' coverage (multiples of 100 km).
LAEA_COVERAGE = (900_000.0, 900_000.0, 7_400_000.0, 6_500_000.0)
_SQUARE = 100_000.0
_COLUMN_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # 24 letters: no I, no O
_ROW_LETTERS = "ABCDEFGHJKLMNPQRSTUV"  # 20 letters: no I, no O
_BAND_LETTERS = "CDEFGHJKLMNPQRSTUVWX"  # 8 degrees each from 80 S; X covers 72-84 N
#: Densification step (degrees) of lines before they are projected.
_DENSIFY_DEGREES = 0.01
#: Points per cell edge in the WGS84 geometry of a UTM cell.
_EDGE_POINTS = 8


class TooManyTilesError(ValueError):
    """The area covers more cells than the caller allows."""


@dataclass(frozen=True)
class TilingGrid:
    """One predefined grid."""

    id: int
    name: str
    tile_width: float
    tile_height: float
    unit: str
    resolutions: tuple[float, ...]
    latitude_limit: float
    #: Cells per side of an MGRS 100 km square (UTM grids); 0 for the other grids.
    cells_per_square: int
    #: The CRS of every tile of a grid that has one (LAEA: 3035, WGS84: 4326); 0 for UTM grids.
    epsg: int = 0

    @property
    def is_utm(self) -> bool:
        return self.cells_per_square > 0

    @property
    def is_laea(self) -> bool:
        return self.epsg == LAEA_EPSG

    def pixels(self, resolution: float) -> tuple[int, int]:
        """``(tileWidthPx, tileHeightPx)`` at ``resolution``, buffer excluded."""
        return round(self.tile_width / resolution), round(self.tile_height / resolution)

    def allows(self, resolution: float) -> bool:
        return any(math.isclose(resolution, r, rel_tol=1e-9) for r in self.resolutions)

    def to_wire(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "properties": {
                "tileWidth": self.tile_width,
                "tileHeight": self.tile_height,
                "resolutions": list(self.resolutions),
                "unit": self.unit,
            },
        }


GRIDS: dict[int, TilingGrid] = {
    grid.id: grid
    for grid in (
        TilingGrid(0, "20km grid", 20040.0, 20040.0, "METRE", (10.0, 20.0, 30.0, 60.0), 80.7, 5),
        TilingGrid(1, "10km grid", 10000.0, 10000.0, "METRE", (10.0, 20.0), 80.6, 10),
        TilingGrid(
            2, "100km grid", 100080.0, 100080.0, "METRE", (30.0, 60.0, 120.0, 240.0, 360.0), 81.0, 1
        ),
        TilingGrid(
            3, "WGS84 1 degree grid", 1.0, 1.0, "DEGREE", (0.0001, 0.0002), 90.0, 0, WGS84_EPSG
        ),
        TilingGrid(
            6,
            "LAEA 100km grid",
            100000.0,
            100000.0,
            "METRE",
            (40.0, 50.0, 100.0),
            90.0,
            0,
            LAEA_EPSG,
        ),
        TilingGrid(
            7, "LAEA 20km grid", 20000.0, 20000.0, "METRE", (10.0, 20.0), 90.0, 0, LAEA_EPSG
        ),
    )
}


@dataclass(frozen=True)
class GridTile:
    """One cell of a grid: where it is and what it is called."""

    id: int
    name: str
    epsg: int
    #: Upper-left corner in the tile CRS.
    west: float
    north: float
    width: float
    height: float

    @property
    def geometry(self) -> dict[str, Any]:
        """The unbuffered cell in WGS84 as a GeoJSON polygon (edges densified)."""
        return _cell_geometry(
            self.epsg, self.west, self.north - self.height, self.west + self.width, self.north
        )

    def bounds(self, buffer_x: float = 0.0, buffer_y: float = 0.0) -> tuple[float, ...]:
        """``(west, south, east, north)`` in the tile CRS, grown by the buffers (CRS units)."""
        return (
            self.west - buffer_x,
            self.north - self.height - buffer_y,
            self.west + self.width + buffer_x,
            self.north + buffer_y,
        )


# ---------------------------------------------------------------------- MGRS lettering


def mgrs_square_letters(zone: int, easting_index: int, northing_index: int) -> str:
    """The two letters of the 100 km square whose south-west corner is at
    ``(easting_index * 100 km, northing_index * 100 km)`` in UTM zone ``zone``.

    ``northing_index`` counts from the hemisphere's false origin (south: 10 000 km at the
    equator). ``easting_index`` must be 1-8.
    """
    if not 1 <= zone <= 60:
        raise ValueError(f"UTM zone {zone} is not between 1 and 60")
    if not 1 <= easting_index <= 8:
        raise ValueError(f"easting index {easting_index} is not between 1 and 8")
    column = _COLUMN_LETTERS[((zone - 1) % 3) * 8 + easting_index - 1]
    row = _ROW_LETTERS[(northing_index + (5 if zone % 2 == 0 else 0)) % 20]
    return column + row


def band_letter(latitude: float) -> str:
    """The MGRS latitude band letter of ``latitude`` (clamped to 80 S - 84 N)."""
    index = math.floor((latitude + 80.0) / 8.0)
    return _BAND_LETTERS[min(max(index, 0), len(_BAND_LETTERS) - 1)]


# ---------------------------------------------------------------------- projections


def _project(geometry: BaseGeometry, source: int, target: int) -> BaseGeometry:
    if source == target:
        return geometry
    to_target = transformer(source, target)

    def transform(x: Any, y: Any) -> Any:
        return to_target.transform(x, y)

    return shapely.transform(geometry, transform, interleaved=False)


def to_wgs84(geometry: BaseGeometry, epsg: int) -> BaseGeometry:
    """``geometry`` (in ``epsg``, x/y order) as lon/lat, its edges densified first."""
    if epsg == WGS84_EPSG:
        return geometry
    crs = CRS.from_epsg(epsg)
    step = _DENSIFY_DEGREES if crs.is_geographic else 1000.0
    return _project(shapely.segmentize(geometry, step), epsg, WGS84_EPSG)


def _utm_epsg(zone: int, south: bool) -> int:
    return (32700 if south else 32600) + zone


def _cell_geometry(
    epsg: int, west: float, south: float, east: float, north: float
) -> dict[str, Any]:
    ring = []
    for i in range(_EDGE_POINTS):
        ring.append((west + (east - west) * i / _EDGE_POINTS, north))
    for i in range(_EDGE_POINTS):
        ring.append((east, north - (north - south) * i / _EDGE_POINTS))
    for i in range(_EDGE_POINTS):
        ring.append((east - (east - west) * i / _EDGE_POINTS, south))
    for i in range(_EDGE_POINTS):
        ring.append((west, south + (north - south) * i / _EDGE_POINTS))
    ring.append(ring[0])
    if epsg != WGS84_EPSG:
        xs, ys = transformer(epsg, WGS84_EPSG).transform([x for x, _ in ring], [y for _, y in ring])
        ring = list(zip(xs, ys, strict=True))
    # Counter-clockwise exterior ring, as GeoJSON (RFC 7946) recommends.
    polygon = shapely.geometry.polygon.orient(shapely.geometry.Polygon(ring), sign=1.0)
    return dict(shapely.geometry.mapping(polygon))


def _is_tile(part: Any, cell: BaseGeometry) -> bool:
    """The cell shares area with the (prepared) part, not only an edge or a corner."""
    return bool(part.intersects(cell)) and not bool(part.touches(cell))


# ---------------------------------------------------------------------- enumeration


def _utm_part(
    part_wgs84: BaseGeometry, half: BaseGeometry, epsg: int, source: tuple[BaseGeometry, int] | None
) -> BaseGeometry:
    """The part of the area in one zone and hemisphere, in that zone's UTM CRS.

    An area given in this very CRS is used as given (only clipped to the zone), so that edges on
    cell lines stay exactly on them instead of moving by the projection round trip.
    """
    if source is not None and source[1] == epsg:
        zone = _project(shapely.segmentize(half, _DENSIFY_DEGREES), WGS84_EPSG, epsg)
        return source[0] if zone.covers(source[0]) else source[0].intersection(zone)
    return _project(shapely.segmentize(part_wgs84, _DENSIFY_DEGREES), WGS84_EPSG, epsg)


def _utm_cells(
    grid: TilingGrid, area: BaseGeometry, source: tuple[BaseGeometry, int] | None
) -> Iterator[GridTile]:
    size = grid.tile_width
    k = grid.cells_per_square
    west, _, east, _ = area.bounds
    first_zone = max(1, math.floor((west + 180.0) / 6.0) + 1)
    last_zone = min(60, math.floor((east + 180.0) / 6.0) + 1)
    for zone in range(first_zone, last_zone + 1):
        zone_west = -180.0 + 6.0 * (zone - 1)
        for is_south in (False, True):
            half = shapely.geometry.box(
                zone_west,
                -grid.latitude_limit if is_south else 0.0,
                zone_west + 6.0,
                0.0 if is_south else grid.latitude_limit,
            )
            part_wgs84 = area.intersection(half)
            if part_wgs84.is_empty or part_wgs84.area == 0:
                continue
            epsg = _utm_epsg(zone, is_south)
            part = _utm_part(part_wgs84, half, epsg, source)
            if part.is_empty or part.area == 0:
                continue
            shapely.prepare(part)
            min_x, min_y, max_x, max_y = part.bounds
            for e in range(math.floor(min_x / _SQUARE) - 1, math.floor(max_x / _SQUARE) + 1):
                if not 1 <= e <= 8:
                    continue
                square_west = e * _SQUARE
                c_first = max(0, math.floor((min_x - square_west) / size))
                c_last = min(k - 1, math.floor((max_x - square_west) / size))
                for n in range(math.floor(min_y / _SQUARE), math.floor(max_y / _SQUARE) + 2):
                    square_north = (n + 1) * _SQUARE
                    r_first = max(0, math.floor((square_north - max_y) / size))
                    r_last = min(k - 1, math.floor((square_north - min_y) / size))
                    if c_first > c_last or r_first > r_last:
                        continue
                    prefix: str | None = None
                    for c in range(c_first, c_last + 1):
                        for r in range(r_first, r_last + 1):
                            cell_west = square_west + c * size
                            cell_north = square_north - r * size
                            cell = shapely.geometry.box(
                                cell_west, cell_north - size, cell_west + size, cell_north
                            )
                            if not _is_tile(part, cell):
                                continue
                            if prefix is None:
                                prefix = _square_name(zone, is_south, e, n, epsg)
                            yield GridTile(
                                id=_utm_id(zone, is_south, e, n, c, r),
                                name=f"{prefix}_{c}_{r}",
                                epsg=epsg,
                                west=cell_west,
                                north=cell_north,
                                width=size,
                                height=size,
                            )


def _square_name(zone: int, is_south: bool, e: int, n: int, epsg: int) -> str:
    _, latitude = transformer(epsg, WGS84_EPSG).transform((e + 0.5) * _SQUARE, (n + 0.5) * _SQUARE)
    if is_south:
        latitude = min(latitude, -1e-9)
    return f"{zone:02d}{band_letter(latitude)}{mgrs_square_letters(zone, e, n % 100)}"


def _utm_id(zone: int, is_south: bool, e: int, n: int, c: int, r: int) -> int:
    return ((((zone * 2 + int(is_south)) * 10 + e) * 128 + n) * 10 + c) * 10 + r


def _wgs84_name(lon: int, lat: int) -> str:
    return f"{'N' if lat >= 0 else 'S'}{abs(lat):02d}{'E' if lon >= 0 else 'W'}{abs(lon):03d}"


def _wgs84_cells(area: BaseGeometry) -> Iterator[GridTile]:
    shapely.prepare(area)
    west, south, east, north = area.bounds
    for lat in range(max(-90, math.floor(south)), min(90, math.ceil(north))):
        for lon in range(max(-180, math.floor(west)), min(180, math.ceil(east))):
            cell = shapely.geometry.box(lon, lat, lon + 1, lat + 1)
            if not _is_tile(area, cell):
                continue
            yield GridTile(
                id=(lat + 90) * 360 + (lon + 180),
                name=_wgs84_name(lon, lat),
                epsg=WGS84_EPSG,
                west=float(lon),
                north=float(lat + 1),
                width=1.0,
                height=1.0,
            )


def laea_name(west: float, south: float) -> str:
    """The name of the LAEA cell whose lower-left corner is ``(west, south)`` (metres)."""
    return f"E{round(west / 1000):04d}N{round(south / 1000):04d}"


@cache
def _laea_envelope() -> BaseGeometry:
    """The lon/lat bounding box of the LAEA coverage (its boundary projected, densified)."""
    box = shapely.segmentize(shapely.geometry.box(*LAEA_COVERAGE), 10_000.0)
    west, south, east, north = _project(box, LAEA_EPSG, WGS84_EPSG).bounds
    return shapely.geometry.box(west - 0.5, south - 0.5, east + 0.5, min(90.0, north + 0.5))


def _laea_cells(
    grid: TilingGrid, area: BaseGeometry, source: tuple[BaseGeometry, int] | None
) -> Iterator[GridTile]:
    coverage = shapely.geometry.box(*LAEA_COVERAGE)
    if source is not None and source[1] == LAEA_EPSG:
        part = source[0]
    else:
        clipped = area.intersection(_laea_envelope())
        if clipped.is_empty or clipped.area == 0:
            return
        part = _project(shapely.segmentize(clipped, _DENSIFY_DEGREES), WGS84_EPSG, LAEA_EPSG)
    if not coverage.covers(part):
        part = part.intersection(coverage)
    if part.is_empty or part.area == 0:
        return
    shapely.prepare(part)
    size = grid.tile_width
    min_x, min_y, max_x, max_y = part.bounds
    for row in range(math.floor(max_y / size), math.floor(min_y / size) - 1, -1):
        for col in range(math.floor(min_x / size), math.floor(max_x / size) + 1):
            west, south = col * size, row * size
            cell = shapely.geometry.box(west, south, west + size, south + size)
            if not _is_tile(part, cell):
                continue
            yield GridTile(
                id=col * 10000 + row,
                name=laea_name(west, south),
                epsg=LAEA_EPSG,
                west=west,
                north=south + size,
                width=size,
                height=size,
            )


def grid_tiles(
    grid: TilingGrid,
    area_wgs84: BaseGeometry,
    limit: int,
    *,
    source: tuple[BaseGeometry, int] | None = None,
) -> list[GridTile]:
    """The cells of ``grid`` that share area with ``area_wgs84`` (lon/lat), in a stable order.

    ``source`` is the area as the request gave it, with its EPSG code: parts of it in a tile CRS
    that equals its own are tiled from it directly. Raises `TooManyTilesError` when there are
    more than ``limit``.
    """
    area = shapely.make_valid(area_wgs84) if not area_wgs84.is_valid else area_wgs84
    cells: Iterator[GridTile]
    if grid.is_utm:
        cells = _utm_cells(grid, area, source)
    elif grid.is_laea:
        cells = _laea_cells(grid, area, source)
    else:
        cells = _wgs84_cells(source[0] if source is not None and source[1] == WGS84_EPSG else area)
    tiles: list[GridTile] = []
    for tile in cells:  # lazily: a huge area stops at the first tile past the limit
        if len(tiles) == limit:
            raise TooManyTilesError(f"the area covers more than {limit} tiles of grid {grid.id}")
        tiles.append(tile)
    return tiles

"""Reading BYOC tiles onto the request's grid: tile selection, cover masks, warping, mosaics.

Pixel centres are sampled: the output grid spans the request bbox edge to edge and each output
pixel takes the source value at its centre (NEAREST), so a request aligned with the source grid at
native resolution returns the source values exactly. When the output is coarser than the source,
reads use the coarsest internal overview that is still at least as fine as the output.
Reprojection and resampling go through rasterio's warp (GDAL) with the input's ``upsampling``
method when the output pixels are no larger than the source's, ``downsampling`` otherwise.
Resampled values are computed in floating point (float32, float64 for 32-bit integer bands) and
not rounded back to the band's type.

A pixel has data (``dataMask`` 1) when it lies inside the request geometry (if any), its centre
lies inside the tile's cover geometry, and every requested band of the tile has a value there that
is neither the band's (or collection's) ``noData`` nor NaN. Band values of no-data pixels are 0.
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import math
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import rasterio
import shapely
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.errors import RasterioError
from rasterio.io import DatasetReader, MemoryFile
from rasterio.warp import reproject, transform_geom
from rasterio.windows import Window
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry

from sentinelhub_emulator.byoc.ingest import BAND_PLACEHOLDER
from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.core.buckets import (
    BucketPathError,
    BucketUnavailableError,
    FolderBucket,
    S3Bucket,
)
from sentinelhub_emulator.core.errors import bad_payload
from sentinelhub_emulator.core.times import parse_timestamp
from sentinelhub_emulator.process.request import Grid, InputSpec

__all__ = [
    "BandRead",
    "Layer",
    "SceneTile",
    "area_mask",
    "band_reads",
    "close_kept_files",
    "covers_window",
    "keeping_files_open",
    "read_tile",
    "select_tiles",
]

_RESAMPLING = {
    "NEAREST": Resampling.nearest,
    "BILINEAR": Resampling.bilinear,
    "BICUBIC": Resampling.cubic,
}
# Warp a window this many pixels wider than the tile's footprint, so that resampling kernels
# near the edges see their neighbours.
_MARGIN = 3


@dataclass(frozen=True)
class BandRead:
    """How to read one requested band of a collection."""

    name: str
    source: str
    band_index: int
    no_data: float | None
    dtype: np.dtype[Any]


@dataclass
class SceneTile:
    """A tile chosen for a request, with its cover in the grid's CRS."""

    tile: TileRecord
    sensing: datetime | None
    created: str
    cover: BaseGeometry
    window: tuple[int, int, int, int]  # row0, row1, col0, col1 on the request grid
    index: int = 0

    @property
    def day(self) -> str:
        return "" if self.sensing is None else self.sensing.date().isoformat()


@dataclass
class Layer:
    """One plane of samples: a value array per band and a data mask, over the whole grid."""

    values: dict[str, npt.NDArray[Any]]
    mask: npt.NDArray[np.uint8]


def band_reads(
    collection: CollectionRecord, names: Sequence[str], parameter: str
) -> list[BandRead]:
    """The collection's definitions of the requested bands; 400 on an unknown one."""
    reads = []
    for name in names:
        band = collection.bands.get(name)
        if band is None:
            known = ", ".join(sorted(collection.bands)) or "none yet"
            raise bad_payload(
                parameter,
                f"band {name!r} is not a band of collection {collection.id} (its bands: {known})",
                f"The evalscript requests band {name!r}, which collection {collection.id} "
                f"does not have (its bands: {known}).",
            )
        no_data = band.get("noData", collection.no_data)
        depth, fmt = band.get("bitDepth"), band.get("sampleFormat")
        wide = depth == 32 and fmt in ("UINT", "INT")
        reads.append(
            BandRead(
                name=name,
                source=str(band.get("source") or name),
                band_index=int(band.get("bandIndex", 1)),
                no_data=None if no_data is None else float(no_data),
                dtype=np.dtype(np.float64 if wide else np.float32),
            )
        )
    return reads


def _crs_of(geojson: Mapping[str, Any], fallback: int | None) -> CRS:
    member = geojson.get("crs")
    if isinstance(member, Mapping):
        name = (member.get("properties") or {}).get("name")
        if isinstance(name, str):
            if name.endswith("CRS84"):
                return CRS.from_epsg(4326)
            return CRS.from_user_input(name.replace("urn:ogc:def:crs:EPSG::", "EPSG:"))
    return CRS.from_epsg(fallback if fallback is not None else 4326)


def _to_grid_crs(geojson: Mapping[str, Any], source: CRS, grid: Grid) -> BaseGeometry:
    geometry = shape({"type": geojson["type"], "coordinates": geojson["coordinates"]})
    if source == grid.crs:
        return geometry
    xmin, ymin, xmax, ymax = geometry.bounds
    geometry = shapely.segmentize(geometry, max(xmax - xmin, ymax - ymin) / 64 or 1.0)
    moved = transform_geom(source, grid.crs, mapping(geometry))
    return shape(moved)


def _window(grid: Grid, geometry: BaseGeometry) -> tuple[int, int, int, int] | None:
    xmin, ymin, xmax, ymax = geometry.bounds
    a, _, c, _, e, f = grid.transform[:6]
    col0 = math.floor((xmin - c) / a) - _MARGIN
    col1 = math.ceil((xmax - c) / a) + _MARGIN
    row0 = math.floor((ymax - f) / e) - _MARGIN
    row1 = math.ceil((ymin - f) / e) + _MARGIN
    col0, col1 = max(col0, 0), min(col1, grid.width)
    row0, row1 = max(row0, 0), min(row1, grid.height)
    if col0 >= col1 or row0 >= row1:
        return None
    return row0, row1, col0, col1


def select_tiles(tiles: Iterable[TileRecord], spec: InputSpec, grid: Grid) -> list[SceneTile]:
    """The tiles (a collection's readable ones) in the time range that touch the grid, in mosaicking
    order (``mostRecent``: latest sensing time first; ties: the tile created later first).

    Tiles without a sensing time are used only when the request has no time range, and then
    count as older than any sensed tile.
    """
    chosen = []
    frame = box(*grid.bounds)
    for tile in tiles:
        sensing = None if tile.sensing_time is None else parse_timestamp(tile.sensing_time)
        if spec.time_from is not None or spec.time_to is not None:
            if sensing is None:
                continue
            if spec.time_from is not None and sensing < spec.time_from:
                continue
            if spec.time_to is not None and sensing > spec.time_to:
                continue
        raw_cover = tile.cover_geometry or tile.tile_geometry
        if raw_cover is None:
            continue
        try:
            cover = _to_grid_crs(raw_cover, _crs_of(raw_cover, tile.crs_epsg), grid)
        except (RasterioError, ValueError, KeyError, shapely.errors.GEOSException):
            continue
        if cover.is_empty or not cover.intersects(frame):
            continue
        window = _window(grid, cover)
        if window is None:
            continue
        chosen.append(SceneTile(tile, sensing, tile.created, cover, window))

    def when(item: SceneTile) -> float:
        return -math.inf if item.sensing is None else item.sensing.timestamp()

    # Ties in sensing time go to the tile created later, in both orders.
    chosen.sort(key=lambda t: (t.created, t.tile.seq), reverse=True)
    chosen.sort(key=when, reverse=spec.order == "mostRecent")
    for position, item in enumerate(chosen):
        item.index = position
    return chosen


def _rings(geometry: BaseGeometry) -> list[npt.NDArray[np.float64]]:
    polygons = list(getattr(geometry, "geoms", [geometry]))
    rings = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings.append(np.asarray(polygon.exterior.coords, dtype=np.float64))
        rings.extend(np.asarray(ring.coords, dtype=np.float64) for ring in polygon.interiors)
    return rings


def covers_window(
    grid: Grid, geometry: BaseGeometry | None, window: tuple[int, int, int, int]
) -> bool:
    """True when every pixel centre of the window lies inside ``geometry`` (always with None).

    A cheap test that lets a caller skip `area_mask` (which would then be all True): the
    rectangle through the outermost centres, widened by a millionth of a pixel, must lie in the
    geometry's interior, touching no boundary. Centres on or next to a boundary (where the mask's
    half-open rules decide) and invalid geometries answer False, so the mask is computed.
    """
    if geometry is None:
        return True
    row0, row1, col0, col1 = window
    if row0 >= row1 or col0 >= col1 or not geometry.is_valid:
        return False
    a, _, c, _, e, f = grid.transform[:6]
    xs = (c + (col0 + 0.5) * a, c + (col1 - 0.5) * a)
    ys = (f + (row0 + 0.5) * e, f + (row1 - 0.5) * e)
    pad_x, pad_y = abs(a) * 1e-6, abs(e) * 1e-6
    centres = box(min(xs) - pad_x, min(ys) - pad_y, max(xs) + pad_x, max(ys) + pad_y)
    return bool(shapely.contains_properly(geometry, centres))


def area_mask(
    grid: Grid, geometry: BaseGeometry | None, window: tuple[int, int, int, int]
) -> npt.NDArray[np.bool_]:
    """Pixels of the window whose centre lies inside ``geometry`` (all if None).

    A scanline fill with the even-odd rule over every ring (holes and multipolygons included),
    in numpy: GDAL's rasterizer is avoided because concurrent requests make rasterio warn
    spuriously from its in-memory datasets.
    """
    row0, row1, col0, col1 = window
    height, width = row1 - row0, col1 - col0
    if geometry is None:
        return np.ones((height, width), dtype=bool)
    a, _, c, _, e, f = grid.window_transform(row0, col0)[:6]
    centres_y = f + (np.arange(height) + 0.5) * e  # one per row
    crossings = np.zeros((height, width + 1), dtype=np.int32)
    for ring in _rings(geometry):
        x1, y1 = ring[:-1, 0], ring[:-1, 1]
        x2, y2 = ring[1:, 0], ring[1:, 1]
        keep = y1 != y2
        x1, y1, x2, y2 = x1[keep], y1[keep], x2[keep], y2[keep]
        if x1.size == 0:
            continue
        low, high = np.minimum(y1, y2), np.maximum(y1, y2)
        y = centres_y[:, None]
        hit = (low[None, :] <= y) & (y < high[None, :])  # half-open: vertices count once
        with np.errstate(divide="ignore", invalid="ignore"):
            x = x1[None, :] + (y - y1[None, :]) * ((x2 - x1) / (y2 - y1))[None, :]
        # A crossing at x toggles every pixel whose centre lies right of it.
        first = np.ceil((x - c) / a - 0.5)
        first = np.clip(np.nan_to_num(first, nan=width), 0, width).astype(np.int64)
        hit_rows, hit_edges = np.nonzero(hit)
        np.add.at(crossings, (hit_rows, first[hit_rows, hit_edges]), 1)
    return (np.cumsum(crossings[:, :width], axis=1) % 2).astype(bool)


def _band_file(store: FolderBucket | S3Bucket, tile_path: str, source: str) -> str:
    rel = tile_path.replace(BAND_PLACEHOLDER, source)
    try:
        if isinstance(store, FolderBucket):
            # A folder: the checked path itself is GDAL's (one resolve, one stat).
            try:
                target = store.path(rel)
                if target.is_file():
                    return str(target)
            except OSError:
                pass
            found = False
        else:
            found = store.stat(rel) is not None
    except BucketPathError:
        found = False
    except BucketUnavailableError as exc:
        raise bad_payload(
            "input->data",
            f"the bucket of tile {tile_path!r} could not be read ({exc})",
            f"The bucket of tile '{tile_path}' could not be read: {exc}",
        ) from None
    if not found:
        raise bad_payload(
            "input->data",
            f"file {rel!r} of tile {tile_path!r} is missing from its bucket",
            f"The file '{rel}' of an ingested tile is no longer in its bucket; upload it again "
            "or delete the tile.",
        )
    return store.gdal_path(rel)


def _scale(src: Any, grid: Grid, window_transform: Any) -> float:
    """How many source pixels (linearly) one output pixel spans, in the source's CRS."""
    a, _, c, _, e, f = window_transform[:6]
    corners = [(c, f), (c + a, f), (c, f + e)]
    if grid.crs != src.crs:
        xs, ys = rasterio.warp.transform(grid.crs, src.crs, *zip(*corners, strict=True))
        corners = list(zip(xs, ys, strict=True))
    (x0, y0), (x1, y1), (x2, y2) = corners
    out_area = abs((x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0))
    src_area = abs(src.transform.a * src.transform.e)
    return math.sqrt(out_area / src_area) if src_area > 0 else 1.0


def _overview_level(src: Any, band_index: int, scale: float) -> int | None:
    """The coarsest overview still at least as fine as the output (None: full resolution)."""
    if scale * (1 + 1e-9) < 2:
        return None  # overviews decimate by whole factors of 2 or more (and asking costs)
    level = None
    for index, factor in enumerate(src.overviews(band_index)):
        if factor <= scale * (1 + 1e-9):
            level = index
    return level


def _aligned_read(
    src: Any,
    band_index: int,
    dst_transform: Any,
    shape: tuple[int, int],
    dtype: np.dtype[Any],
    src_nodata: float | None,
    dst_crs: CRS,
    out: npt.NDArray[Any] | None = None,
) -> tuple[npt.NDArray[Any], bool] | None:
    """The window read directly when the output grid is the source's own (same CRS, same
    pixel size, whole-pixel offset): the values warping with NEAREST gives, much faster.
    NaN marks pixels without data; the flag says whether there can be any (False: every pixel
    has a value). ``out`` (of ``shape`` and ``dtype``) receives the values when given, read
    straight into it when GDAL can. None when the grids are not aligned."""
    if src.crs != dst_crs:
        return None
    sa, _, sc, _, se, sf = src.transform[:6]
    a, b, c, d, e, f = dst_transform[:6]
    if b != 0 or d != 0 or src.transform.b != 0 or src.transform.d != 0:
        return None
    if abs(a - sa) > 1e-9 * abs(sa) or abs(e - se) > 1e-9 * abs(se):
        return None
    col_f, row_f = (c - sc) / sa, (f - sf) / se
    col_off, row_off = round(col_f), round(row_f)
    if abs(col_f - col_off) > 1e-6 or abs(row_f - row_off) > 1e-6:
        return None
    height, width = shape
    r0, r1 = max(row_off, 0), min(row_off + height, src.height)
    c0, c1 = max(col_off, 0), min(col_off + width, src.width)
    if r0 >= r1 or c0 >= c1:
        return _into(np.full(shape, np.nan, dtype=dtype), out), True
    window = Window(c0, r0, c1 - c0, r1 - r0)
    inside = (r0, r1, c0, c1) == (row_off, row_off + height, col_off, col_off + width)
    stored = np.dtype(src.dtypes[band_index - 1])
    data: npt.NDArray[Any]
    if stored == dtype or (stored.kind in "ui" and (stored.itemsize <= 2 or dtype.itemsize == 8)):
        # GDAL converts while reading (one pass): exact for these types.
        if inside and out is not None:
            data = src.read(band_index, window=window, out=out)
        else:
            data = src.read(band_index, window=window, out_dtype=dtype)
    else:
        data = src.read(band_index, window=window).astype(dtype, copy=False)
    # Integers hold no NaN: without a no-data value every pixel of the file has data.
    missing = stored.kind == "f"
    if src_nodata is not None and not math.isnan(src_nodata):
        data[data == src_nodata] = np.nan
        missing = True
    if inside:
        return _into(data, out), missing  # the window lies inside the file: no border to fill
    filled = np.full(shape, np.nan, dtype=dtype)
    filled[r0 - row_off : r1 - row_off, c0 - col_off : c1 - col_off] = data
    return _into(filled, out), True


def _into(data: npt.NDArray[Any], out: npt.NDArray[Any] | None) -> npt.NDArray[Any]:
    """``data``, copied into ``out`` first when there is one (and it is not already there)."""
    if out is None or data is out:
        return data
    out[...] = data
    return out


def _warp(
    src: Any,
    band: BandRead,
    src_nodata: float | None,
    crs: CRS,
    transform: Any,
    shape: tuple[int, int],
    method: str,
) -> npt.NDArray[Any]:
    """One band warped onto the window, NaN where there is no data.

    The destination is an in-memory GeoTIFF rather than a numpy array: with arrays rasterio
    creates GDAL MEM datasets under a warnings filter that concurrent requests race on, which
    surfaces as spurious NotGeoreferencedWarnings (the values are the same either way).
    """
    height, width = shape
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": band.dtype.name,
        "crs": crs,
        "transform": transform,
        "nodata": float("nan"),
    }
    with MemoryFile() as memfile, memfile.open(**profile) as target:
        reproject(
            source=rasterio.band(src, band.band_index),
            destination=rasterio.band(target, 1),
            resampling=_RESAMPLING[method],
            src_nodata=src_nodata,
            dst_nodata=float("nan"),
            init_dest_nodata=True,
        )
        return np.asarray(target.read(1))


def read_tile(
    bucket: Path | FolderBucket | S3Bucket,
    scene: SceneTile,
    bands: Sequence[BandRead],
    grid: Grid,
    spec: InputSpec,
    out: Mapping[str, npt.NDArray[Any]] | None = None,
) -> tuple[dict[str, npt.NDArray[Any]], npt.NDArray[np.bool_] | None]:
    """The tile's bands warped onto its window of the grid (0 where the tile has no data), and
    where all of them have data (None: everywhere; cover geometry not applied here).

    ``bucket``: a folder, or a bucket (read through GDAL's ``/vsis3/`` when it is on S3).
    ``out`` maps some band names to arrays of the window's shape and the band's type that
    receive those bands' values (read straight into them when the grids are aligned); the
    values returned for them are these arrays.
    """
    store = FolderBucket(bucket) if isinstance(bucket, Path) else bucket
    with store.gdal_env():
        return _read_tile(store, scene, bands, grid, spec, out or {})


#: At most this many source files stay open between renders (per process).
KEEP_OPEN = 16
_KEEPING = contextvars.ContextVar("sentinelhub_emulator_keeping_files_open", default=False)
_FileKey = tuple[str, tuple[tuple[str, Any], ...], int, int, int]


class _KeptOpen:
    """Open datasets of local source files between renders, by path, open options and the
    file's identity (inode, size, modification time: a file written again is opened again).
    A dataset serves one render at a time: it is taken out while a render reads it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: OrderedDict[_FileKey, list[DatasetReader]] = OrderedDict()
        self._pid = os.getpid()

    def take(self, key: _FileKey) -> DatasetReader | None:
        with self._lock:
            if self._pid != os.getpid():  # started by fork: the parent's handles are not ours
                self._idle.clear()
                self._pid = os.getpid()
            ready = self._idle.get(key)
            if not ready:
                return None
            dataset = ready.pop()
            if not ready:
                del self._idle[key]
            return dataset

    def give(self, key: _FileKey, dataset: DatasetReader) -> None:
        closing: list[DatasetReader] = []
        with self._lock:
            self._idle.setdefault(key, []).append(dataset)
            self._idle.move_to_end(key)
            while sum(len(items) for items in self._idle.values()) > KEEP_OPEN:
                _, items = self._idle.popitem(last=False)
                closing.extend(items)
        for item in closing:
            item.close()

    def close_all(self) -> None:
        with self._lock:
            items = [dataset for ready in self._idle.values() for dataset in ready]
            self._idle.clear()
        for dataset in items:
            dataset.close()


_KEPT = _KeptOpen()
atexit.register(_KEPT.close_all)


@contextlib.contextmanager
def keeping_files_open() -> Iterator[None]:
    """Within it (in this thread), renders keep the local source files they read open for the
    next render instead of closing them: a batch job's tiles read the same files, and opening
    one again costs its header and the blocks GDAL had already decoded (about 5 ms a tile)."""
    token = _KEEPING.set(True)
    try:
        yield
    finally:
        _KEEPING.reset(token)


def close_kept_files() -> None:
    """Close every source file renders kept open."""
    _KEPT.close_all()


@contextlib.contextmanager
def _opened(path: str, local: bool, **options: Any) -> Iterator[DatasetReader]:
    """``rasterio.open(path, **options)``; inside `keeping_files_open`, a local file's dataset
    comes from and goes back to the kept ones (a render that failed closes it)."""
    key: _FileKey | None = None
    if local and _KEEPING.get():
        try:
            stat = os.stat(path)
        except OSError:
            pass
        else:
            options_key = tuple(sorted(options.items()))
            key = (path, options_key, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    dataset = _KEPT.take(key) if key is not None else None
    if dataset is None:
        dataset = rasterio.open(path, **options)
    kept = False
    try:
        yield dataset
        kept = key is not None
    finally:
        if kept and key is not None:
            _KEPT.give(key, dataset)
        else:
            dataset.close()


def _read_tile(
    store: FolderBucket | S3Bucket,
    scene: SceneTile,
    bands: Sequence[BandRead],
    grid: Grid,
    spec: InputSpec,
    out: Mapping[str, npt.NDArray[Any]],
) -> tuple[dict[str, npt.NDArray[Any]], npt.NDArray[np.bool_] | None]:
    row0, row1, col0, col1 = scene.window
    shape_ = (row1 - row0, col1 - col0)
    dst_transform = grid.window_transform(row0, col0)
    values: dict[str, npt.NDArray[Any]] = {}
    valid: npt.NDArray[np.bool_] | None = None
    by_file: dict[str, list[BandRead]] = {}
    for band in bands:
        by_file.setdefault(band.source, []).append(band)
    local = isinstance(store, FolderBucket)
    for source, reads in by_file.items():
        path = _band_file(store, scene.tile.path, source)
        try:
            with contextlib.ExitStack() as files:
                full = files.enter_context(_opened(path, local))
                scale = _scale(full, grid, dst_transform)
                method = spec.upsampling if scale <= 1 + 1e-9 else spec.downsampling
                count = full.count
                level = _overview_level(full, reads[0].band_index, scale)
                dtypes = full.dtypes
                for band in reads:
                    if band.band_index > count:
                        raise bad_payload(
                            "input->data",
                            f"band {band.name!r} reads band {band.band_index} of a file with "
                            f"{count}",
                        )
                # Reads use the coarsest overview finer than the output, as the service does;
                # at full resolution the file opened above is read (no second open).
                src = full
                if level is not None:
                    files.close()
                    src = files.enter_context(_opened(path, local, OVERVIEW_LEVEL=level))
                for band in reads:
                    src_nodata = band.no_data
                    if src_nodata is None and np.dtype(dtypes[band.band_index - 1]).kind == "f":
                        src_nodata = float("nan")
                    # Pixel centres on source pixel centres: every method gives the values.
                    target = out.get(band.name)
                    direct = _aligned_read(
                        src,
                        band.band_index,
                        dst_transform,
                        shape_,
                        band.dtype,
                        src_nodata,
                        grid.crs,
                        target,
                    )
                    if direct is None:
                        warped = _warp(
                            src, band, src_nodata, grid.crs, dst_transform, shape_, method
                        )
                        data, may_miss = _into(warped, target), True
                    else:
                        data, may_miss = direct
                    if may_miss:
                        missing = np.isnan(data)
                        if missing.any():
                            valid = ~missing if valid is None else valid & ~missing
                    values[band.name] = data
        except RasterioError as exc:
            raise bad_payload(
                "input->data",
                f"tile {scene.tile.path!r} could not be read ({exc})",
                f"A file of tile '{scene.tile.path}' could not be read: {exc}",
            ) from None
    if valid is not None:
        invalid = ~valid
        for data in values.values():
            data[invalid] = 0
    return values, valid

"""Rendering one batch tile with the Process engine and writing its output files.

A tile's raster is in the tile's CRS: its bounds are the cell (upper-left origin + tile size)
grown by ``buffer x resolution`` on each side, its pixel is the grid resolution. The raster is
rendered in chunks of at most `CHUNK_PX` pixels a side (each one Process request to the engine,
on the same pixel lattice) and assembled, so that large tiles stay within the engine's output
limits. TIFF outputs are written as GeoTIFF (or COG with ``cogOutput``, GDAL's COG driver);
JSON outputs (``userdata``) are written as the first chunk returned them. Files appear
atomically (written beside, then renamed). Tiles are rendered whole: the request's geometry
chooses which tiles exist, it does not mask their pixels.

`render_and_write` is one tile from request to files, as the schedulers run it (on one of their
threads, or in a worker process of `sentinelhub_emulator.batch.pool`): its `TileOutcome` is
plain data, the error message or what the tile's cost needs.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import rasterio
from affine import Affine
from rasterio.errors import RasterioError
from rasterio.io import MemoryFile

from sentinelhub_emulator.core.buckets import BucketPathError, FolderBucket, S3Bucket, check_key
from sentinelhub_emulator.core.context import EmulatorContext, EmulatorSettings
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process.formats import BATCH_DEFAULT, is_geotiff

from .grids import WGS84_EPSG
from .parsing import CogSettings, OutputSpec, ParsedRequest, expand_key
from .store import BatchTileRecord

__all__ = [
    "CHUNK_PX",
    "OutputFile",
    "RenderFailure",
    "Renderer",
    "TileLayout",
    "TileOutcome",
    "TileRaster",
    "TileTask",
    "output_paths",
    "render_and_write",
    "render_tile",
    "tile_cost",
    "write_outputs",
]

#: Largest chunk side sent to the engine in one Process request.
CHUNK_PX = 2000


class RenderedOutputLike(Protocol):
    @property
    def identifier(self) -> str: ...
    @property
    def mime_type(self) -> str: ...
    @property
    def data(self) -> bytes: ...


class RenderResultLike(Protocol):
    @property
    def outputs(self) -> Sequence[RenderedOutputLike]: ...
    @property
    def processing_units(self) -> float: ...


#: The Process engine's ``render(ctx, account_id, request)``.
Renderer = Callable[[EmulatorContext, str, Mapping[str, Any]], RenderResultLike]


class RenderFailure(Exception):
    """The tile cannot be rendered or written; the message says why, for the tile's error."""


@dataclass
class TileRaster:
    """A tile's outputs: TIFF arrays (bands, rows, cols), TIFF files the engine made that are
    already right as they are (``ready``), JSON bytes, and per TIFF output its band count and
    data type."""

    arrays: dict[str, npt.NDArray[Any]] = field(default_factory=dict)
    nodata: dict[str, float | None] = field(default_factory=dict)
    ready: dict[str, bytes] = field(default_factory=dict)
    documents: dict[str, bytes] = field(default_factory=dict)
    bands: dict[str, tuple[int, str]] = field(default_factory=dict)
    processing_units: float = 0.0


def crs_url(epsg: int) -> str:
    if epsg == WGS84_EPSG:
        return "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    return f"http://www.opengis.net/def/crs/EPSG/0/{epsg}"


def tile_transform(tile: BatchTileRecord, parsed: ParsedRequest) -> Affine:
    res = parsed.resolution
    return Affine(
        res,
        0.0,
        tile.west - parsed.buffer_x * res,
        0.0,
        -res,
        tile.north + parsed.buffer_y * res,
    )


@dataclass(frozen=True)
class TileLayout:
    """A tile's raster when it is not a grid cell (Batch v2 GeoPackage features): its
    georeferencing and size. Without one, the grid cell and the request's buffers give them."""

    transform: Affine
    width: int
    height: int


def _layout(tile: BatchTileRecord, parsed: ParsedRequest, layout: TileLayout | None) -> TileLayout:
    if layout is not None:
        return layout
    width, height = parsed.raster_size_px
    return TileLayout(tile_transform(tile, parsed), width, height)


def _spans(total: int) -> list[tuple[int, int]]:
    pieces = max(1, math.ceil(total / CHUNK_PX))
    edges = [round(i * total / pieces) for i in range(pieces + 1)]
    return [(edges[i], edges[i + 1]) for i in range(pieces)]


def engine_request(
    process_request: Mapping[str, Any],
    epsg: int,
    bbox: tuple[float, float, float, float],
    width: int,
    height: int,
) -> dict[str, Any]:
    """The Process request that renders ``width x height`` pixels over ``bbox``."""
    output = dict(process_request.get("output") or {})
    responses = output.get("responses") or [
        {"identifier": "default", "format": {"type": BATCH_DEFAULT}}
    ]
    return {
        "input": {
            "bounds": {"bbox": list(bbox), "properties": {"crs": crs_url(epsg)}},
            "data": process_request["input"]["data"],
        },
        "output": {"width": width, "height": height, "responses": responses},
        "evalscript": process_request["evalscript"],
    }


def _read_tiff(data: bytes, identifier: str) -> tuple[npt.NDArray[Any], float | None]:
    try:
        with MemoryFile(data) as memory, memory.open() as dataset:
            return dataset.read(), dataset.nodata
    except RasterioError as exc:
        raise RenderFailure(f"output {identifier!r} is not a readable TIFF ({exc})") from None


def _as_is(
    rendered: RenderedOutputLike, transform: Affine, epsg: int, width: int, height: int
) -> tuple[int, str] | None:
    """(bands, dtype) if the engine's TIFF already has the tile's size, CRS and transform.

    The Process engine says so with the output (its ``grid`` and ``bands``); a renderer that
    does not (a test's stand-in) has its TIFF opened to find out."""
    grid, bands = getattr(rendered, "grid", None), getattr(rendered, "bands", None)
    if grid is not None and bands is not None:
        same = (
            (grid.width, grid.height) == (width, height)
            and grid.epsg == epsg
            and grid.transform.almost_equals(transform, precision=abs(transform.a) * 1e-6)
        )
        return (int(bands[0]), str(bands[1])) if same else None
    try:
        with MemoryFile(bytes(rendered.data)) as memory, memory.open() as dataset:
            crs = dataset.crs
            if (
                (dataset.width, dataset.height) == (width, height)
                and crs is not None
                and crs.to_epsg() == epsg
                and dataset.transform.almost_equals(transform, precision=abs(transform.a) * 1e-6)
            ):
                return dataset.count, str(dataset.dtypes[0])
    except RasterioError:
        return None
    return None


@dataclass(frozen=True)
class TileTask:
    """One tile to render and write, in plain data (a worker process gets it pickled)."""

    account_id: str
    request_id: str
    process_request: Mapping[str, Any]
    tile: BatchTileRecord
    parsed: ParsedRequest
    layout: TileLayout | None
    #: ``halted(context, request_id)``: why the files should not be written any more (the
    #: request was stopped or canceled), or None. A module-level function, so that it pickles.
    halted: Callable[[EmulatorContext, str], str | None]

    def render(
        self, renderer: Renderer, context: EmulatorContext, halted: Callable[[], str | None]
    ) -> TileOutcome:
        """Render and write the tile here; ``halted`` is asked before the files are written."""
        return render_and_write(renderer, context, self, halted)


def render_tile(renderer: Renderer, context: EmulatorContext, task: TileTask) -> TileRaster:
    """Render every output of one tile. Raises `RenderFailure` or the engine's `ApiError`."""
    tile, parsed, process_request = task.tile, task.parsed, task.process_request
    raster_layout = _layout(tile, parsed, task.layout)
    width, height = raster_layout.width, raster_layout.height
    transform = raster_layout.transform
    raster = TileRaster()
    tiffs = {o.identifier for o in parsed.outputs if is_geotiff(o.mime_type)}
    rows, cols = _spans(height), _spans(width)
    # One chunk and no COG layout asked: a TIFF the engine georeferenced like the tile is
    # written as it came, without decoding and encoding it again.
    whole = len(rows) == len(cols) == 1 and parsed.cog is None
    for row0, row1 in rows:
        for col0, col1 in cols:
            west, north = transform.c + col0 * transform.a, transform.f + row0 * transform.e
            east, south = transform.c + col1 * transform.a, transform.f + row1 * transform.e
            request = engine_request(
                process_request, tile.epsg, (west, south, east, north), col1 - col0, row1 - row0
            )
            result = renderer(context, task.account_id, request)
            raster.processing_units += float(result.processing_units)
            by_id = {o.identifier: o for o in result.outputs}
            for spec in parsed.outputs:
                rendered = by_id.get(spec.identifier)
                if rendered is None:
                    raise RenderFailure(
                        f"the evalscript gave no output {spec.identifier!r}; it gave "
                        f"{sorted(by_id) or 'none'}"
                    )
                if spec.identifier not in tiffs:
                    raster.documents.setdefault(spec.identifier, bytes(rendered.data))
                    continue
                if whole:
                    info = _as_is(rendered, transform, tile.epsg, width, height)
                    if info is not None:
                        raster.ready[spec.identifier] = bytes(rendered.data)
                        raster.bands[spec.identifier] = info
                        continue
                array, nodata = _read_tiff(bytes(rendered.data), spec.identifier)
                if array.shape[1:] != (row1 - row0, col1 - col0):
                    raise RenderFailure(
                        f"output {spec.identifier!r} came back {array.shape[2]}x{array.shape[1]}"
                        f" px instead of {col1 - col0}x{row1 - row0}"
                    )
                full = raster.arrays.get(spec.identifier)
                if full is None:
                    full = np.zeros((array.shape[0], height, width), dtype=array.dtype)
                    raster.arrays[spec.identifier] = full
                    raster.nodata[spec.identifier] = nodata
                    raster.bands[spec.identifier] = (int(array.shape[0]), array.dtype.name)
                elif full.shape[0] != array.shape[0] or full.dtype != array.dtype:
                    raise RenderFailure(f"output {spec.identifier!r} changed shape between chunks")
                full[:, row0:row1, col0:col1] = array
    return raster


@dataclass(frozen=True)
class OutputFile:
    """One output file: a key in a bucket (a folder or on S3)."""

    bucket: FolderBucket | S3Bucket
    key: str

    def exists(self) -> bool:
        return self.bucket.stat(self.key) is not None


def output_paths(
    settings: EmulatorSettings,
    request_id: str,
    tile_name: str,
    tile_id: int,
    outputs: Sequence[OutputSpec],
) -> dict[str, OutputFile]:
    """Where each output of the tile goes, inside its bucket; `RenderFailure` if a path
    would leave it."""
    paths = {}
    for spec in outputs:
        store = settings.bucket(spec.bucket)
        if store is None or not store.available():
            raise RenderFailure(f"bucket {spec.bucket!r} is not accessible to the service")
        try:
            key = expand_key(
                spec.key_template,
                {
                    "requestId": request_id,
                    "tileName": tile_name,
                    "tileId": str(tile_id),
                    "outputId": spec.identifier,
                    "format": spec.extension,
                },
            )
        except ValueError as exc:
            raise RenderFailure(str(exc)) from None
        try:
            if isinstance(store, FolderBucket):
                store.path(key)
            else:
                check_key(key)
        except BucketPathError:
            raise RenderFailure(f"output path {key!r} leaves bucket {spec.bucket!r}") from None
        paths[spec.identifier] = OutputFile(store, key)
    return paths


def _overview_count(cog: CogSettings, width: int, height: int) -> int:
    if cog.overview_levels is not None:
        return len(cog.overview_levels)
    floor = cog.overview_min_size or cog.block_size
    count = 0
    size = min(width, height)
    while size > floor:
        size //= 2
        count += 1
    return count


def _profile(
    array: npt.NDArray[Any],
    transform: Affine,
    epsg: int,
    nodata: float | None,
    cog: CogSettings | None,
) -> dict[str, Any]:
    count, height, width = array.shape
    profile: dict[str, Any] = {
        "width": width,
        "height": height,
        "count": count,
        "dtype": array.dtype.name,
        "crs": f"EPSG:{epsg}",
        "transform": transform,
        "compress": "DEFLATE",
    }
    if nodata is not None:
        profile["nodata"] = nodata
    if cog is None:
        profile.update(driver="GTiff", tiled=True, blockxsize=256, blockysize=256, zlevel=1)
        if width < 256 or height < 256:
            profile.update(tiled=False)
            del profile["blockxsize"], profile["blockysize"]
        return profile
    floating = np.issubdtype(array.dtype, np.floating)
    profile.update(
        driver="COG",
        BLOCKSIZE=cog.block_size,
        OVERVIEW_RESAMPLING=cog.resampling,
        OVERVIEW_COUNT=_overview_count(cog, width, height),
        PREDICTOR=("FLOATING_POINT" if floating else "STANDARD") if cog.predictor else "NO",
    )
    return profile


def _atomic_write(target: OutputFile, write: Callable[[Path], None]) -> None:
    if isinstance(target.bucket, S3Bucket):
        with tempfile.TemporaryDirectory(prefix="batch-") as folder:
            local = Path(folder) / "output"
            write(local)
            target.bucket.write(target.key, local.read_bytes())
        return
    path = target.bucket.path(target.key)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".batch-", suffix=".part", dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _bytes_writer(document: bytes) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        target.write_bytes(document)

    return write


def write_outputs(
    raster: TileRaster,
    paths: Mapping[str, OutputFile],
    tile: BatchTileRecord,
    parsed: ParsedRequest,
    layout: TileLayout | None = None,
) -> None:
    """Write every output file of a rendered tile."""
    transform = _layout(tile, parsed, layout).transform
    for spec in parsed.outputs:
        path = paths[spec.identifier]
        document = raster.documents.get(spec.identifier, raster.ready.get(spec.identifier))
        if document is not None:
            _atomic_write(path, _bytes_writer(document))
            continue
        array = raster.arrays[spec.identifier]
        if parsed.cog is not None and array.dtype == np.int8:
            raise RenderFailure(f"output {spec.identifier!r} is INT8, which COG output refuses")
        profile = _profile(
            array, transform, tile.epsg, raster.nodata.get(spec.identifier), parsed.cog
        )

        def write(
            target: Path, data: npt.NDArray[Any] = array, p: dict[str, Any] = profile
        ) -> None:
            with rasterio.open(target, "w", **p) as dataset:
                dataset.write(data)

        try:
            _atomic_write(path, write)
        except RasterioError as exc:
            raise RenderFailure(f"writing output {spec.identifier!r} failed ({exc})") from None


@dataclass(frozen=True)
class TileOutcome:
    """What became of one tile: ``error`` (None: every output was written), per TIFF output
    its band count and data type, the processing units the engine counted, and the keys
    written. Plain data, so that a worker process can send it back."""

    error: str | None
    bands: dict[str, tuple[int, str]] = field(default_factory=dict)
    processing_units: float = 0.0
    written: tuple[str, ...] = ()

    def cost(self, width: int, height: int) -> float:
        """The tile's `tile_cost` for a ``width x height`` px tile."""
        bands = sum(count for count, _ in self.bands.values())
        floating = any(np.dtype(dtype).kind == "f" for _, dtype in self.bands.values())
        return tile_cost(width, height, bands, floating)


def render_and_write(
    renderer: Renderer,
    context: EmulatorContext,
    task: TileTask,
    halted: Callable[[], str | None] | None = None,
) -> TileOutcome:
    """Render one tile and write its files. ``halted()``, asked between the two, gives the
    reason not to write them any more (the request was stopped), or None. What the request
    or the evalscript got wrong is the outcome's ``error``; anything else raises."""
    tile, parsed = task.tile, task.parsed
    try:
        paths = output_paths(context.settings, task.request_id, tile.name, tile.id, parsed.outputs)
        raster = render_tile(renderer, context, task)
    except ApiError as error:
        return TileOutcome(error.message)
    except RenderFailure as failure:
        return TileOutcome(str(failure))
    reason = None if halted is None else halted()
    if reason is not None:
        return TileOutcome(reason)
    try:
        write_outputs(raster, paths, tile, parsed, task.layout)
    except RenderFailure as failure:
        return TileOutcome(str(failure))
    except OSError as exc:
        return TileOutcome(f"Writing the outputs failed ({exc.strerror or exc}).")
    return TileOutcome(
        None,
        dict(raster.bands),
        raster.processing_units,
        tuple(paths[spec.identifier].key for spec in parsed.outputs),
    )


def tile_cost(width: int, height: int, bands: int, floating: bool) -> float:
    """The emulator's PU estimate of one tile (its own reading of the docs):
    ``max(0.01, w*h / 512^2) * max(1, bands) / 3``, doubled for FLOAT32 output."""
    units = max(0.01, width * height / (512.0 * 512.0)) * max(1, bands) / 3.0
    return round(units * (2.0 if floating else 1.0), 6)

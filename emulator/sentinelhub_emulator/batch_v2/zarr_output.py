"""The Zarr output of a Batch v2 job: one Zarr (format 2) group, one array per output.

A Batch v2 request may give ``output: {"type": "zarr", "delivery": {"s3": {"url": ...}},
"group": {...}, "arrayParameters": {...}, "arrayOverrides": {...}}``. The service maps the
delivery URL to a local folder (``root``) and uses three calls:

``plan_zarr(output, outputs, area_bounds, resolution, epsg, tile_size) -> ZarrPlan``
    Pure validation (no file access); raises `ZarrOutputError` for anything the request gets
    wrong. ``output`` is the raw ``output`` object; ``outputs`` lists
    ``(output_id, bands, sample_type)`` per Process response (sample types as the evalscript
    says: ``AUTO``, ``UINT8``, ``INT8``, ``UINT16``, ``INT16``, ``FLOAT32``); ``area_bounds`` is
    ``(minx, miny, maxx, maxy)`` of the job area in the grid CRS, on the pixel lattice (the
    union of the job's tiles); ``resolution`` is the pixel size in grid CRS units (x and y);
    ``epsg`` the grid CRS; ``tile_size`` the ``(width, height)`` of one output tile in pixels.
``create_group(plan, root, *, now=None, job="") -> None``
    Creates the group and its empty arrays (``.zgroup``, ``.zattrs``, ``.zarray``,
    consolidated ``.zmetadata``); called when the job's analysis ends. Idempotent: a group
    already written for the same plan and ``job`` (the request id) is left as is (chunks kept).
    A folder holding anything else raises `ZarrOutputError` (field ``output->delivery``).
``load_plan(root) -> ZarrPlan``
    The plan (arrays, lattice, origin) of the group at ``root``, read back from its
    ``.zattrs``; what each tile's writer uses.
``write_tile(plan, root, output_id, array, row_off, col_off) -> None``
    Writes one tile: ``array`` of shape ``(bands, h, w)``, north-up (row 0 is the tile's north
    edge, as rendered); ``row_off``/``col_off`` are pixel offsets of the tile's north-west corner
    from the job area's north-west corner (`window_of` computes them from tile bounds). With
    origin ``bottomLeft`` the rows are flipped into the array. Values are cast to the array's
    dtype with numpy. Safe from several threads of one process: windows that cover whole chunks
    write their own chunk files without locking; other windows take a lock per array.
``window_of(plan, bounds) -> (row_off, col_off)``
    Offsets of a tile whose grid-CRS bounds are ``bounds``.

Data classes (frozen): ``ZarrPlan`` (``arrays``, ``epsg``, ``resolution``, ``bounds``,
``width``, ``height``, ``origin``, ``tile_size``, ``group_attributes``, ``dimensions``) and
``ArrayPlan`` (``name``, ``bands``, ``dtype``, ``chunks``, ``fill_value``, ``compressor``,
``attributes``). ``plan_zarr`` given the sample type `ANY_SAMPLE` (``"*"``, the evalscript has
not run yet) checks everything but the dtype's fit. ``ZarrOutputError(message, field)`` is a
`ValueError`; ``field`` uses the emulator's ``a->b`` form (``output->arrayParameters->dtype``,
``output->arrayOverrides-><id>->chunks``, ``output->group->zarr_format``...).

Layout
======

Confirmed by the provider's OpenAPI spec: ``group.zarr_format`` is required and only 2 is
supported; ``group.coordinates.origin`` is ``topLeft`` (default, y resolution negative) or
``bottomLeft``; ``group.customAttributes`` go to the group's ``.zattrs`` and override default
fields of the same name; ``arrayParameters`` (required unless ``arrayOverrides`` gives every
required field for every output) has ``dtype``, ``order``, ``chunks``, ``fill_value`` (required;
``order`` has the default ``C`` though, which the emulator applies when it is left out)
and ``compressor`` (default blosc lz4, clevel 5, shuffle 1, blocksize 0); ``dtype`` is one of
``|u1 |i1 <u2 >u2 <i2 >i2 <f4 >f4 <f8 >f8`` and must suit the output's sampleType
(``|u1``: UINT8, AUTO; ``|i1``: INT8; ``u2``: UINT16, UINT8, AUTO; ``i2``: INT16, UINT8, INT8,
AUTO; floats: any); ``order`` only ``C``; ``chunks`` three integers, the first (time) 1, the
other two dividing the tile raster height and width; ``fill_value`` representable by the dtype;
chunks holding only ``fill_value`` are not written; arrays are named after the response
identifiers; ``arrayOverrides.<id>.customAttributes`` go to the array's ``.zattrs`` and may
override ``_ARRAY_DIMENSIONS``; only WGS84 (EPSG:4326) and LAEA (EPSG:3035) grids.

The emulator's choices: arrays have dimensions ``(time, y, x)`` (``(time, lat, lon)`` for
EPSG:4326), the evalscript output's bands being the time axis; no coordinate arrays are written
(the group's ``transform`` attribute gives the lattice). Default group attributes: ``crs``
(``EPSG:<code>``), ``origin``, ``transform`` (GDAL geotransform ``[x0, resx, 0, y0, 0, resy]``,
resy negative for ``topLeft``), ``geospatial_bounds`` (WKT in the grid CRS),
``geospatial_bounds_crs``, ``date_created`` and ``date_modified`` (ISO 8601 UTC). The
misspelt key ``arrayParameter`` (sent by sentinelhub-py 3.12's ``zarr_output``) is read as
``arrayParameters`` when the latter is absent. Unknown keys in array parameters are refused; an
``arrayOverrides`` key that is not an output id is refused; ``compressor: null`` means no
compression; ``fill_value`` of a float dtype may also be ``"NaN"``.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numcodecs  # type: ignore[import-untyped]
import numpy as np
import zarr

__all__ = [
    "ANY_SAMPLE",
    "ArrayPlan",
    "ZarrOutputError",
    "ZarrPlan",
    "create_group",
    "load_plan",
    "plan_zarr",
    "window_of",
    "write_tile",
]

SUPPORTED_EPSG: Final = (4326, 3035)
#: A sample type that is not known yet (before the evalscript ran): any dtype suits it.
ANY_SAMPLE: Final = "*"
DTYPES: Final = ("|u1", "|i1", "<u2", ">u2", "<i2", ">i2", "<f4", ">f4", "<f8", ">f8")
_ALLOWED: Final[dict[str, frozenset[str]]] = {
    "u1": frozenset({"UINT8", "AUTO"}),
    "i1": frozenset({"INT8"}),
    "u2": frozenset({"UINT16", "UINT8", "AUTO"}),
    "i2": frozenset({"INT16", "UINT8", "INT8", "AUTO"}),
}
DEFAULT_COMPRESSOR: Final = {
    "id": "blosc",
    "cname": "lz4",
    "clevel": 5,
    "shuffle": 1,
    "blocksize": 0,
}
_REQUIRED: Final = ("dtype", "chunks", "fill_value")
_KNOWN: Final = frozenset({*_REQUIRED, "order", "compressor"})
_PLAN_ATTRIBUTE: Final = "_emulator_plan"
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


class ZarrOutputError(ValueError):
    """A Zarr output the request gets wrong; ``field`` is the parameter at fault."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class ArrayPlan:
    name: str
    bands: int
    dtype: str
    chunks: tuple[int, int, int]
    fill_value: float | int
    compressor: dict[str, Any] | None
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ZarrPlan:
    arrays: tuple[ArrayPlan, ...]
    epsg: int
    resolution: float
    bounds: tuple[float, float, float, float]
    width: int
    height: int
    origin: str
    tile_size: tuple[int, int]
    group_attributes: dict[str, Any]
    dimensions: tuple[str, str, str]

    def array(self, name: str) -> ArrayPlan:
        for array in self.arrays:
            if array.name == name:
                return array
        raise KeyError(name)


def _group(raw: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(raw, Mapping):
        raise ZarrOutputError('output.group is required: give {"zarr_format": 2}', "output->group")
    if raw.get("zarr_format") != 2 or isinstance(raw.get("zarr_format"), bool):
        raise ZarrOutputError(
            f"output.group.zarr_format must be 2 (the only supported version), got "
            f"{raw.get('zarr_format')!r}",
            "output->group->zarr_format",
        )
    origin = "topLeft"
    coordinates = raw.get("coordinates")
    if coordinates is not None:
        if not isinstance(coordinates, Mapping):
            raise ZarrOutputError(
                "output.group.coordinates must be an object", "output->group->coordinates"
            )
        origin = coordinates.get("origin", "topLeft")
        if origin not in ("topLeft", "bottomLeft"):
            raise ZarrOutputError(
                f"output.group.coordinates.origin must be topLeft or bottomLeft, got {origin!r}",
                "output->group->coordinates->origin",
            )
    custom = raw.get("customAttributes", {})
    if not isinstance(custom, Mapping):
        raise ZarrOutputError(
            "output.group.customAttributes must be an object",
            "output->group->customAttributes",
        )
    return str(origin), dict(custom)


def _check_params(
    name: str, params: Mapping[str, Any], sample_type: str, where: str
) -> tuple[str, tuple[int, int, int], float | int, dict[str, Any] | None]:
    for key in _REQUIRED:
        if key not in params:
            raise ZarrOutputError(
                f"Array {name!r} has no {key}: set it in output.arrayParameters or "
                f"output.arrayOverrides.{name}",
                f"output->arrayParameters->{key}",
            )
    dtype = params["dtype"]
    if dtype not in DTYPES:
        raise ZarrOutputError(
            f"dtype {dtype!r} of array {name!r} is not supported; use one of {', '.join(DTYPES)}",
            f"{where}->dtype",
        )
    kind = dtype[1:]
    if kind in _ALLOWED and sample_type != ANY_SAMPLE and sample_type.upper() not in _ALLOWED[kind]:
        raise ZarrOutputError(
            f"dtype {dtype!r} of array {name!r} cannot hold sampleType {sample_type}; use a "
            "wider dtype (e.g. <f4)",
            f"{where}->dtype",
        )
    if params.get("order", "C") != "C":
        raise ZarrOutputError(
            f'order {params["order"]!r} of array {name!r} is not supported; only "C" is',
            f"{where}->order",
        )
    chunks = params["chunks"]
    if (
        not isinstance(chunks, Sequence)
        or isinstance(chunks, str)
        or len(chunks) != 3
        or not all(isinstance(c, int) and not isinstance(c, bool) and c > 0 for c in chunks)
    ):
        raise ZarrOutputError(
            f"chunks of array {name!r} must be three positive integers such as [1, 1000, 1000], "
            f"got {chunks!r}",
            f"{where}->chunks",
        )
    if chunks[0] != 1:
        raise ZarrOutputError(
            f"The first element of chunks (time) of array {name!r} must be 1, got {chunks[0]}",
            f"{where}->chunks",
        )
    fill = params["fill_value"]
    np_dtype = np.dtype(dtype)
    if np_dtype.kind == "f":
        if fill == "NaN":
            fill = math.nan
        if isinstance(fill, bool) or not isinstance(fill, int | float):
            raise ZarrOutputError(
                f"fill_value of array {name!r} must be a number, got {fill!r}",
                f"{where}->fill_value",
            )
        fill = float(fill)
        if math.isfinite(fill) and abs(fill) > float(np.finfo(np_dtype).max):
            raise ZarrOutputError(
                f"fill_value {fill!r} of array {name!r} is not representable by dtype {dtype}",
                f"{where}->fill_value",
            )
    else:
        info = np.iinfo(np_dtype)
        if (
            isinstance(fill, bool)
            or not isinstance(fill, int | float)
            or not math.isfinite(fill)
            or fill != int(fill)
            or not info.min <= fill <= info.max
        ):
            raise ZarrOutputError(
                f"fill_value {fill!r} of array {name!r} is not representable by dtype {dtype}; "
                f"use an integer from {info.min} to {info.max}",
                f"{where}->fill_value",
            )
        fill = int(fill)
    compressor = params.get("compressor", DEFAULT_COMPRESSOR)
    if compressor is not None:
        try:
            numcodecs.get_codec(dict(compressor))
        except Exception as error:
            raise ZarrOutputError(
                f"compressor {compressor!r} of array {name!r} is not usable ({error}); give "
                'e.g. {"id": "blosc", "cname": "lz4", "clevel": 5, "shuffle": 1}',
                f"{where}->compressor",
            ) from None
        compressor = dict(compressor)
    return dtype, (1, int(chunks[1]), int(chunks[2])), fill, compressor


def plan_zarr(
    output: Mapping[str, Any],
    outputs: Sequence[tuple[str, int, str]],
    area_bounds: tuple[float, float, float, float],
    resolution: float,
    epsg: int,
    tile_size: tuple[int, int],
) -> ZarrPlan:
    """Check the request's Zarr output and plan the group; `ZarrOutputError` if wrong."""
    if epsg not in SUPPORTED_EPSG:
        raise ZarrOutputError(
            f"Zarr output supports only WGS84 (EPSG:4326) and LAEA (EPSG:3035) grids, not "
            f"EPSG:{epsg}; choose such a tiling grid",
            "input->id",
        )
    origin, custom = _group(output.get("group"))
    base = output.get("arrayParameters", output.get("arrayParameter", {}))
    if base is None:
        base = {}
    if not isinstance(base, Mapping):
        raise ZarrOutputError("output.arrayParameters must be an object", "output->arrayParameters")
    unknown = sorted(set(base) - _KNOWN)
    if unknown:
        raise ZarrOutputError(
            f"output.arrayParameters has unknown field(s) {', '.join(unknown)}; allowed: "
            f"{', '.join(sorted(_KNOWN))}",
            f"output->arrayParameters->{unknown[0]}",
        )
    overrides = output.get("arrayOverrides") or {}
    if not isinstance(overrides, Mapping):
        raise ZarrOutputError("output.arrayOverrides must be an object", "output->arrayOverrides")
    ids = [name for name, _bands, _sample in outputs]
    for key, value in overrides.items():
        if key not in ids:
            raise ZarrOutputError(
                f"output.arrayOverrides names {key!r}, which is not an output of the "
                f"processRequest (outputs: {', '.join(ids)})",
                f"output->arrayOverrides->{key}",
            )
        if not isinstance(value, Mapping) or set(value) - _KNOWN - {"customAttributes"}:
            raise ZarrOutputError(
                f"output.arrayOverrides.{key} must be an object of array parameters and "
                "customAttributes",
                f"output->arrayOverrides->{key}",
            )
    tile_w, tile_h = tile_size
    minx, miny, maxx, maxy = area_bounds
    width, height = round((maxx - minx) / resolution), round((maxy - miny) / resolution)
    y_name, x_name = ("lat", "lon") if epsg == 4326 else ("y", "x")
    arrays = []
    for name, bands, sample_type in outputs:
        override = dict(overrides.get(name, {}))
        custom_attrs = override.pop("customAttributes", {})
        where = f"output->arrayOverrides->{name}" if override else "output->arrayParameters"
        dtype, chunks, fill, compressor = _check_params(
            name, {**base, **override}, sample_type, where
        )
        for size, chunk, side in ((tile_h, chunks[1], "height"), (tile_w, chunks[2], "width")):
            if size % chunk:
                raise ZarrOutputError(
                    f"chunks {list(chunks)} of array {name!r} must evenly divide the tile "
                    f"raster size {tile_w} x {tile_h} px ({side} {size} is not a multiple of "
                    f"{chunk})",
                    f"{where}->chunks",
                )
        attributes = {"_ARRAY_DIMENSIONS": ["time", y_name, x_name], **dict(custom_attrs)}
        arrays.append(ArrayPlan(name, int(bands), dtype, chunks, fill, compressor, attributes))
    y0 = maxy if origin == "topLeft" else miny
    resy = -resolution if origin == "topLeft" else resolution
    group_attributes = {
        "crs": f"EPSG:{epsg}",
        "origin": origin,
        "transform": [minx, resolution, 0.0, y0, 0.0, resy],
        "geospatial_bounds": (
            f"POLYGON (({minx} {miny}, {maxx} {miny}, {maxx} {maxy}, {minx} {maxy}, {minx} {miny}))"
        ),
        "geospatial_bounds_crs": f"EPSG:{epsg}",
        **custom,
    }
    return ZarrPlan(
        tuple(arrays),
        epsg,
        float(resolution),
        (float(minx), float(miny), float(maxx), float(maxy)),
        int(width),
        int(height),
        origin,
        (int(tile_w), int(tile_h)),
        group_attributes,
        ("time", y_name, x_name),
    )


def _fingerprint(plan: ZarrPlan, job: str) -> str:
    data = {
        "job": job,
        "arrays": [
            [a.name, a.bands, a.dtype, list(a.chunks), repr(a.fill_value)] for a in plan.arrays
        ],
        "epsg": plan.epsg,
        "bounds": list(plan.bounds),
        "resolution": plan.resolution,
        "origin": plan.origin,
    }
    return json.dumps(data, sort_keys=True)


def create_group(plan: ZarrPlan, root: Path, *, now: datetime | None = None, job: str = "") -> None:
    """Create the group and its empty arrays at ``root`` (idempotent for the same plan of the
    same ``job``, e.g. a request id: another job's group there is refused like any file)."""
    fingerprint = _fingerprint(plan, job)
    if (root / ".zgroup").exists():
        existing = zarr.open_group(str(root), mode="r", zarr_format=2)
        if existing.attrs.get(_PLAN_ATTRIBUTE) == fingerprint and all(
            (root / array.name / ".zarray").is_file() for array in plan.arrays
        ):
            return
        if existing.attrs.get(_PLAN_ATTRIBUTE) == fingerprint:
            # A creation an interruption cut short: made again from the start.
            _clear_group(root, plan)
    if root.exists() and any(root.iterdir()):
        raise ZarrOutputError(
            f"The Zarr delivery folder {root.name!r} is not empty; deliver to an empty folder "
            "(e.g. add <requestId> to the path)",
            "output->delivery",
        )
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    attributes = {"date_created": stamp, "date_modified": stamp, **plan.group_attributes}
    attributes[_PLAN_ATTRIBUTE] = fingerprint
    group = zarr.open_group(str(root), mode="w", zarr_format=2, attributes=attributes)
    for array in plan.arrays:
        compressors = None if array.compressor is None else numcodecs.get_codec(array.compressor)
        group.create_array(
            array.name,
            shape=(array.bands, plan.height, plan.width),
            chunks=array.chunks,
            dtype=array.dtype,
            fill_value=array.fill_value,
            order="C",
            compressors=compressors,
            attributes=array.attributes,
        )
    zarr.consolidate_metadata(str(root), zarr_format=2)


def _clear_group(root: Path, plan: ZarrPlan) -> None:
    for name in (".zgroup", ".zattrs", ".zmetadata"):
        (root / name).unlink(missing_ok=True)
    for array in plan.arrays:
        folder = root / array.name
        if folder.is_dir():
            for item in folder.iterdir():
                if item.is_file():
                    item.unlink()
            folder.rmdir()


def _number(text: str) -> float | int:
    try:
        return int(text)
    except ValueError:
        return float(text)


def load_plan(root: Path) -> ZarrPlan:
    """The plan of the group `create_group` wrote at ``root`` (what `write_tile` needs: arrays,
    lattice, origin; tile size and attributes are not kept). `ZarrOutputError` (field
    ``output->delivery``) when there is no such group."""
    try:
        attributes = json.loads((root / ".zattrs").read_text())
        data = json.loads(attributes[_PLAN_ATTRIBUTE])
        arrays = tuple(
            ArrayPlan(
                str(name),
                int(bands),
                str(dtype),
                (int(chunks[0]), int(chunks[1]), int(chunks[2])),
                _number(str(fill)),
                None,
            )
            for name, bands, dtype, chunks, fill in data["arrays"]
        )
        minx, miny, maxx, maxy = (float(v) for v in data["bounds"])
        resolution = float(data["resolution"])
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        raise ZarrOutputError(
            f"There is no Zarr group of this job at {root.name!r} (it was removed?)",
            "output->delivery",
        ) from None
    epsg = int(data["epsg"])
    dimensions = ("time", "lat", "lon") if epsg == 4326 else ("time", "y", "x")
    return ZarrPlan(
        arrays,
        epsg,
        resolution,
        (minx, miny, maxx, maxy),
        round((maxx - minx) / resolution),
        round((maxy - miny) / resolution),
        str(data["origin"]),
        (0, 0),
        {},
        dimensions,
    )


def window_of(plan: ZarrPlan, bounds: tuple[float, float, float, float]) -> tuple[int, int]:
    """``(row_off, col_off)`` of a tile with grid-CRS ``bounds`` (north-west based)."""
    minx, _miny, _maxx, maxy = bounds
    col = round((minx - plan.bounds[0]) / plan.resolution)
    row = round((plan.bounds[3] - maxy) / plan.resolution)
    return int(row), int(col)


def _lock(key: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def write_tile(
    plan: ZarrPlan,
    root: Path,
    output_id: str,
    array: np.ndarray[Any, Any],
    row_off: int,
    col_off: int,
) -> None:
    """Write one north-up tile ``(bands, h, w)`` at ``(row_off, col_off)`` of ``output_id``."""
    spec = plan.array(output_id)
    bands, h, w = array.shape
    if bands != spec.bands:
        raise ValueError(f"tile of {output_id!r} has {bands} bands, the array {spec.bands}")
    if row_off < 0 or col_off < 0 or row_off + h > plan.height or col_off + w > plan.width:
        raise ValueError(
            f"tile window rows {row_off}:{row_off + h}, cols {col_off}:{col_off + w} is outside "
            f"the {plan.height} x {plan.width} array {output_id!r}"
        )
    data = array.astype(np.dtype(spec.dtype))
    if plan.origin == "bottomLeft":
        data = data[:, ::-1, :]
        row_off = plan.height - row_off - h
    target = zarr.open_array(str(root / output_id), mode="r+", zarr_format=2)
    _, ch, cw = spec.chunks
    aligned = (
        row_off % ch == 0
        and col_off % cw == 0
        and ((row_off + h) % ch == 0 or row_off + h == plan.height)
        and ((col_off + w) % cw == 0 or col_off + w == plan.width)
    )
    window = (slice(None), slice(row_off, row_off + h), slice(col_off, col_off + w))
    if aligned:
        target[window] = data
        return
    with _lock(f"{root.resolve()}::{output_id}"):
        target[window] = data

"""A Batch v2 job with Zarr output: reading the request, planning the group, writing tiles.

``output: {"type": "zarr", "delivery": {"s3": {"url": ...}}, "group": {...},
"arrayParameters": {...}, "arrayOverrides": {...}}`` (``arrayParameter``, sentinelhub-py 3.12's
spelling, is read when ``arrayParameters`` is absent). One Zarr (format 2) group is written at
the delivery URL, one array per Process output, covering the union of the job's tiles on the
grid's lattice; `zarr_output` plans, creates and writes it. The rules (each a 400 naming the
field when the request is created):

- every ``processRequest.output.responses[].format.type`` is ``zarr/array`` (and there is at
  least one response); the engine renders them as TIFF, which the writer casts to each array's
  ``dtype``;
- the input is a tiling grid in WGS84 (grid 3) or LAEA (grids 6, 7), without buffers (tiles of
  one array must not overlap);
- the URL is ``s3://<bucket>/<folder>``, optionally with ``<requestId>`` (no other
  placeholder); a folder without ``<requestId>`` must be empty (no file, no sub-folder);
- the group and array parameters pass `zarr_output.plan_zarr` (the dtype's fit to the
  evalscript's sample type is checked at the analysis, once the evalscript ran);
- each array is at most `MAX_ZARR_PIXELS` pixels (width x height), the emulator's bound.

The group is created when the analysis ends, before the manifest is written; a folder that got
files in the meantime fails the analysis. In a bucket kept as a folder the group is written in
place. In a bucket mapped to S3 it is written in a staging folder of the emulator's data
directory (``batch-v2-zarr/<requestId>``) and copied object by object: the metadata when the
analysis ends, each tile's chunk files once the tile is written (then removed from the staging
folder; a chunk holding only ``fill_value`` is deleted on S3, as Zarr leaves it out). The status
database and the manifest stay where raster jobs put them, ``<root>/<requestId>/`` with
``<root>`` the URL's folders before the first one holding a placeholder: ``s3://b/zarr`` gives
``zarr/<requestId>/`` (a sub-folder of the group, which Zarr readers ignore),
``s3://b/zarr/<requestId>`` gives the group's own folder and ``s3://b/zarr-<requestId>`` gives
``<requestId>/`` at the bucket's top.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
from rasterio.errors import RasterioError
from rasterio.io import MemoryFile

from sentinelhub_emulator.batch.grids import GridTile, TilingGrid, TooManyTilesError
from sentinelhub_emulator.batch.parsing import ParsedRequest, _split_s3, expand_key
from sentinelhub_emulator.batch.processing import RenderFailure, TileRaster
from sentinelhub_emulator.batch.store import BatchTileRecord
from sentinelhub_emulator.core.buckets import BucketPathError, FolderBucket, S3Bucket, check_key
from sentinelhub_emulator.core.context import EmulatorSettings
from sentinelhub_emulator.core.errors import ApiError, bad_payload

from .zarr_output import (
    ANY_SAMPLE,
    SUPPORTED_EPSG,
    ZarrOutputError,
    ZarrPlan,
    create_group,
    load_plan,
    plan_zarr,
    window_of,
    write_tile,
)

__all__ = [
    "MAX_ZARR_PIXELS",
    "ZARR_FORMAT",
    "GroupTarget",
    "ZarrDelivery",
    "check_new",
    "group_path",
    "group_target",
    "prepare",
    "read_delivery",
    "render_process_request",
    "write_raster",
]

ZARR_FORMAT: Final = "zarr/array"
#: Most pixels (width x height) of one array of a job's Zarr in the emulator.
MAX_ZARR_PIXELS: Final = 1_000_000_000
_URL: Final = "output->delivery->s3->url"
#: The folder of the data directory where groups bound for S3 are staged.
STAGING: Final = "batch-v2-zarr"
_PLACEHOLDER = re.compile(r"<([^<>]*)>")
_SAMPLE_TYPES: Final = {
    "uint8": "UINT8",
    "int8": "INT8",
    "uint16": "UINT16",
    "int16": "INT16",
}


@dataclass(frozen=True)
class ZarrDelivery:
    """Where a job's group goes: a bucket and the key of its folder (may hold
    ``<requestId>``), and the raw ``output`` object."""

    bucket: str
    key_template: str
    output: Mapping[str, Any]

    @property
    def templated(self) -> bool:
        return "<requestId>" in self.key_template

    def key(self, request_id: str) -> str:
        return expand_key(self.key_template, {"requestId": request_id})

    @property
    def status_template(self) -> str:
        """The tile template Batch v1's parser is given: its part before the first
        placeholder is where the status database and the manifest go, as for raster jobs."""
        if self.templated:
            return f"{self.key_template}/<tileName>/<outputId>.<format>"
        return self.key_template


def render_process_request(process_request: Mapping[str, Any]) -> dict[str, Any]:
    """The Process request the engine renders: ``zarr/array`` responses asked as TIFF."""
    output = dict(process_request.get("output") or {})
    responses = []
    for response in output.get("responses") or []:
        fmt = dict(response.get("format") or {})
        if fmt.get("type") == ZARR_FORMAT:
            fmt = {"type": "image/tiff"}
        responses.append({**response, "format": fmt})
    return {**process_request, "output": {**output, "responses": responses}}


def _check_responses(process_request: Mapping[str, Any]) -> None:
    responses = (process_request.get("output") or {}).get("responses")
    if not responses:
        raise bad_payload(
            "processRequest->output->responses",
            f'Zarr output needs responses, each of format {{"type": "{ZARR_FORMAT}"}}',
        )
    for index, response in enumerate(responses):
        kind = ((response or {}).get("format") or {}).get("type")
        if kind != ZARR_FORMAT:
            raise bad_payload(
                f"processRequest->output->responses->{index}->format->type",
                f"is {kind!r}; with Zarr output every response must be of format {ZARR_FORMAT}",
            )


def read_delivery(body: Mapping[str, Any], settings: EmulatorSettings) -> ZarrDelivery:
    """The delivery of a Zarr body, its cheap checks done (a 400 naming the field)."""
    if body["input"].get("type") != "tiling-grid":
        raise bad_payload(
            "input->type",
            "Zarr output needs tiling-grid input (grid 3, WGS84, or 6 and 7, LAEA)",
        )
    _check_responses(body["processRequest"])
    output = body["output"]
    s3 = (output.get("delivery") or {}).get("s3")
    if not isinstance(s3, Mapping) or not s3.get("url"):
        raise bad_payload(_URL, "is required: s3://<bucket>/<folder>[/<requestId>]")
    bucket, key = _split_s3(str(s3["url"]), _URL, settings)
    for name in _PLACEHOLDER.findall(key):
        if name != "requestId":
            raise bad_payload(_URL, f"<{name}> is not a Zarr placeholder; only <requestId> is")
    if not key:
        raise bad_payload(_URL, "must name a folder inside the bucket: s3://<bucket>/<folder>")
    try:
        expand_key(key, {"requestId": "r"})
    except ValueError:
        raise bad_payload(_URL, "the path must not contain empty, '.' or '..' parts") from None
    return ZarrDelivery(bucket, key, output)


def check_grid(grid: TilingGrid, buffer_x: int, buffer_y: int) -> None:
    if grid.epsg not in SUPPORTED_EPSG:
        raise bad_payload(
            "input->id",
            f"grid {grid.id} ({grid.name}) cannot be used with Zarr output; Zarr output takes "
            "only WGS84 and LAEA grids: 3 (WGS84 1 degree), 6 (LAEA 100km), 7 (LAEA 20km)",
        )
    for name, value in (("bufferX", buffer_x), ("bufferY", buffer_y)):
        if value:
            raise bad_payload(
                f"input->{name}",
                "must be 0 with Zarr output in this emulator (tiles of one array do not overlap)",
            )


@dataclass(frozen=True)
class GroupTarget:
    """Where Zarr writes the job's group (``local``) and, for a bucket on S3, where its files
    are copied (``s3`` under ``key``)."""

    local: Path
    key: str
    s3: S3Bucket | None = None

    def upload(self, relative: str) -> None:
        """Copy one file of the staging folder to S3 (or delete it there when it is gone)."""
        if self.s3 is None:
            return
        path = self.local / relative
        if path.is_file():
            self.s3.write(f"{self.key}/{relative}", path.read_bytes())
        else:
            self.s3.delete(f"{self.key}/{relative}")


def group_target(
    settings: EmulatorSettings, delivery: ZarrDelivery, request_id: str
) -> GroupTarget:
    """Where the job's group goes. Raises `ZarrOutputError` if it is out of reach."""
    store = settings.bucket(delivery.bucket)
    if store is None or not store.available():
        raise ZarrOutputError(f"bucket {delivery.bucket!r} is not accessible", "output->delivery")
    try:
        key = check_key(delivery.key(request_id))
        if isinstance(store, FolderBucket):
            return GroupTarget(store.path(key), key)
    except (BucketPathError, ValueError):
        raise ZarrOutputError("the Zarr folder leaves its bucket", "output->delivery") from None
    return GroupTarget(settings.data_dir / STAGING / request_id, key, store)


def group_path(settings: EmulatorSettings, delivery: ZarrDelivery, request_id: str) -> Path:
    """The local folder Zarr writes the job's group in (the staging folder for S3)."""
    return group_target(settings, delivery, request_id).local


def _holds_files(store: FolderBucket | S3Bucket, key: str) -> bool:
    """The bucket has a file or a sub-folder under the folder ``key``."""
    if isinstance(store, FolderBucket):
        root = store.path(key)
        return root.exists() and (not root.is_dir() or any(root.iterdir()))
    return bool(store.list(key))


def _bounds(tiles: Sequence[GridTile]) -> tuple[float, float, float, float]:
    return (
        min(t.west for t in tiles),
        min(t.north - t.height for t in tiles),
        max(t.west + t.width for t in tiles),
        max(t.north for t in tiles),
    )


def _plan(
    delivery: ZarrDelivery,
    parsed: ParsedRequest,
    tiles: Sequence[GridTile],
    outputs: Sequence[tuple[str, int, str]],
) -> ZarrPlan:
    return plan_zarr(
        delivery.output,
        outputs,
        _bounds(tiles),
        parsed.resolution,
        parsed.grid.epsg,
        parsed.tile_size_px,
    )


def _as_400(error: ZarrOutputError) -> ApiError:
    return bad_payload(error.field, error.message)


def check_new(
    delivery: ZarrDelivery, parsed: ParsedRequest, settings: EmulatorSettings, limit: int
) -> None:
    """The checks of a request being created that need its tiles or its bucket (400s)."""
    try:
        tiles = parsed.tiles(limit)
    except TooManyTilesError:
        return  # refused by the caller, which counts the tiles too
    if not tiles:
        return  # the analysis fails: no tile
    outputs = [(spec.identifier, 1, ANY_SAMPLE) for spec in parsed.outputs]
    try:
        plan = _plan(delivery, parsed, tiles, outputs)
    except ZarrOutputError as error:
        raise _as_400(error) from None
    if plan.width * plan.height > MAX_ZARR_PIXELS:
        raise bad_payload(
            "processRequest->input->bounds",
            f"the Zarr arrays would be {plan.width} x {plan.height} px; the emulator writes at "
            f"most {MAX_ZARR_PIXELS} px per array (choose a smaller area or a coarser "
            "resolution)",
        )
    if delivery.templated:
        return
    store = settings.bucket(delivery.bucket)
    if store is None:
        raise bad_payload(_URL, f"{delivery.bucket!r} is not a valid bucket name")
    try:
        taken = _holds_files(store, delivery.key_template)
    except BucketPathError:
        raise bad_payload(_URL, "the Zarr folder leaves its bucket") from None
    except OSError as exc:
        raise bad_payload(_URL, f"the Zarr folder could not be listed ({exc})") from None
    if taken:
        raise bad_payload(
            _URL,
            f"the folder {delivery.key_template!r} is not empty; Zarr output needs a folder "
            "without files, sub-folders or Zarr metadata (.zgroup, .zattrs, .zmetadata): "
            "deliver elsewhere or add <requestId> to the URL",
        )


def _sample_type(dtype: str) -> str:
    return _SAMPLE_TYPES.get(np.dtype(dtype).name, "FLOAT32")


def prepare(
    settings: EmulatorSettings,
    delivery: ZarrDelivery,
    parsed: ParsedRequest,
    request_id: str,
    tiles: Sequence[GridTile],
    bands: Mapping[str, tuple[int, str]],
) -> None:
    """Plan the group with the outputs' band counts and data types (as the evalscript gave
    them) and create it. Raises `ZarrOutputError`."""
    outputs = []
    for spec in parsed.outputs:
        count, dtype = bands[spec.identifier]
        outputs.append((spec.identifier, count, _sample_type(dtype)))
    plan = _plan(delivery, parsed, tiles, outputs)
    target = group_target(settings, delivery, request_id)
    if target.s3 is None:
        create_group(plan, target.local, job=request_id)
        return
    if not (target.local / ".zgroup").exists():  # not staged by an earlier run of this job
        try:
            taken = _holds_files(target.s3, target.key)
        except OSError as exc:
            raise ZarrOutputError(
                f"The Zarr folder could not be listed ({exc})", "output->delivery"
            ) from None
        if taken:
            raise ZarrOutputError(
                f"The Zarr delivery folder {target.key!r} is not empty; deliver to an empty "
                "folder (e.g. add <requestId> to the path)",
                "output->delivery",
            )
    create_group(plan, target.local, job=request_id)
    for path in sorted(target.local.rglob("*")):
        if path.is_file():
            target.upload(path.relative_to(target.local).as_posix())


def _decode(data: bytes, identifier: str) -> np.ndarray[Any, Any]:
    try:
        with MemoryFile(data) as memory, memory.open() as dataset:
            return np.asarray(dataset.read())
    except RasterioError as exc:
        raise ValueError(f"output {identifier!r} is not a readable TIFF ({exc})") from None


def _chunk_names(
    plan: ZarrPlan, name: str, shape: tuple[int, ...], row: int, col: int
) -> list[str]:
    """The chunk files (Zarr v2, ``.`` separated) a tile window of ``shape`` covers."""
    bands, height, width = shape
    if plan.origin == "bottomLeft":
        row = plan.height - row - height
    _, chunk_h, chunk_w = plan.array(name).chunks
    return [
        f"{band}.{r}.{c}"
        for band in range(bands)
        for r in range(row // chunk_h, (row + height - 1) // chunk_h + 1)
        for c in range(col // chunk_w, (col + width - 1) // chunk_w + 1)
    ]


def write_raster(
    settings: EmulatorSettings,
    delivery: ZarrDelivery,
    request_id: str,
    tile: BatchTileRecord,
    raster: TileRaster,
) -> None:
    """Write a rendered tile into its window of every array. Raises `RenderFailure` (no group,
    a raster that does not fit its array) or OSError."""
    try:
        target = group_target(settings, delivery, request_id)
        root = target.local
        plan = load_plan(root)
        row, col = window_of(
            plan, (tile.west, tile.north - tile.height, tile.west + tile.width, tile.north)
        )
        for array in plan.arrays:
            data = raster.arrays.get(array.name)
            if data is None:
                ready = raster.ready.get(array.name)
                if ready is None:
                    raise ValueError(f"the tile has no raster of output {array.name!r}")
                data = _decode(ready, array.name)
            write_tile(plan, root, array.name, data, row, col)
            if target.s3 is not None:
                for name in _chunk_names(plan, array.name, data.shape, row, col):
                    target.upload(f"{array.name}/{name}")
                    (root / array.name / name).unlink(missing_ok=True)
    except ZarrOutputError as error:
        raise RenderFailure(f"{error.field}: {error.message}") from None
    except ValueError as error:
        raise RenderFailure(f"writing the Zarr failed: {error}") from None

"""Predefined collections served from a bucket folder: ``--collection-data ID=BUCKET/PREFIX``.

The folder holds one sub-folder per scene, named after its tile and sensing time (UTC)::

    PREFIX/<tile>/<sensing time>/<BAND>.tif        (one single-band GeoTIFF/COG per band)
    PREFIX/<tile>/<sensing time>/metadata.json     (optional: {"cloudCoverage": 12.5, ...})
    PREFIX/metadata.json                           (optional: defaults for every scene)

The sensing time is written ``2024-05-05T100031`` (colons left out, as in file names),
``20240505T100031`` or ``2024-05-05T10:00:31Z``; a timeless collection (``dem``) has no time
level: ``PREFIX/<tile>/DEM.tif``. Other files are ignored. A scene's footprint is the bounds of
its first band file (in name order) in that file's CRS; every file of a scene must cover it.

The folder is listed on every request; what was read of a scene (footprint, metadata) is kept
while its folder lists the same files. Scenes become `DataTile`s, BYOC tile records with their
metadata, of a `CollectionRecord` whose bands come from `predefined.DEFINITIONS`: the engine
reads them as it reads BYOC tiles. `filter_scenes` applies the ``dataFilter`` members emulated
from metadata (``maxCloudCoverage``, Sentinel-1's ``orbitDirection``, ...) and ``leastCC``.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import rasterio
from rasterio.errors import RasterioError
from shapely.geometry import box, mapping

from sentinelhub_emulator.byoc.ingest import BAND_PLACEHOLDER
from sentinelhub_emulator.byoc.records import CollectionRecord, TileRecord
from sentinelhub_emulator.core.buckets import BucketUnavailableError, FolderBucket, S3Bucket
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import bad_payload
from sentinelhub_emulator.core.times import sortable_timestamp
from sentinelhub_emulator.process import sources
from sentinelhub_emulator.process.predefined import DEFINITIONS, CollectionDefinition
from sentinelhub_emulator.process.raster import SceneTile
from sentinelhub_emulator.process.request import InputSpec

__all__ = ["KIND", "DataTile", "collection_of", "filter_scenes", "scan"]

logger = logging.getLogger(__name__)

#: The ``InputSpec.kind`` of predefined collections.
KIND = "predefined"
METADATA_FILE = "metadata.json"
_EXTENSIONS = (".tif", ".tiff")
_TIME = re.compile(
    r"^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d{1,6}))?Z?$", re.IGNORECASE
)
_EPOCH = "1970-01-01T00:00:00.000000Z"


@dataclass(frozen=True)
class DataTile(TileRecord):
    """A scene of a predefined collection: a tile record with the scene's metadata."""

    metadata: Mapping[str, Any] = field(default_factory=dict)


def parse_sensing_time(text: str) -> datetime | None:
    """A scene folder's name as a UTC time (None: not a time)."""
    match = _TIME.match(text)
    if match is None:
        return None
    year, month, day, hour, minute, second, fraction = match.groups()
    try:
        return datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second),
            int((fraction or "0").ljust(6, "0")),
            tzinfo=UTC,
        )
    except ValueError:
        return None


@dataclass(frozen=True)
class _Scene:
    folder: str
    tile: str
    sensing: datetime | None
    files: tuple[str, ...]
    has_metadata: bool


def _scenes(keys: Iterable[str], prefix: str, timeless: bool) -> list[_Scene]:
    base = f"{prefix}/" if prefix else ""
    folders: dict[str, list[str]] = {}
    for key in keys:
        if not key.startswith(base):
            continue
        parts = key[len(base) :].split("/")
        if len(parts) != (2 if timeless else 3):
            continue
        folders.setdefault("/".join(parts[:-1]), []).append(parts[-1])
    found = []
    for folder, names in sorted(folders.items()):
        sensing = None if timeless else parse_sensing_time(folder.split("/")[1])
        if not timeless and sensing is None:
            continue
        files = tuple(sorted(n for n in names if n.lower().endswith(_EXTENSIONS)))
        if files:
            tile = folder.split("/")[0]
            found.append(_Scene(base + folder, tile, sensing, files, METADATA_FILE in names))
    return found


@dataclass
class _Cache:
    listing: tuple[str, ...] = ()
    tiles: list[DataTile] = field(default_factory=list)


_LOCK = threading.Lock()
_CACHE: dict[tuple[str, str, str], _Cache] = {}


def _read_json(store: FolderBucket | S3Bucket, key: str, parameter: str) -> dict[str, Any]:
    try:
        value = json.loads(store.read(key))
    except (OSError, ValueError) as exc:
        raise bad_payload(parameter, f"{key} could not be read as JSON ({exc})") from None
    if not isinstance(value, dict):
        raise bad_payload(parameter, f"{key} must hold a JSON object")
    return value


def _footprint(store: FolderBucket | S3Bucket, key: str, parameter: str) -> tuple[int, Any]:
    try:
        with store.gdal_env(), rasterio.open(store.gdal_path(key)) as src:
            epsg = src.crs.to_epsg() if src.crs is not None else None
            bounds = src.bounds
    except (RasterioError, OSError) as exc:
        raise bad_payload(parameter, f"the file {key!r} could not be read ({exc})") from None
    if epsg is None:
        raise bad_payload(parameter, f"the file {key!r} has no EPSG CRS")
    return epsg, box(*bounds)


def _tile(
    store: FolderBucket | S3Bucket,
    scene: _Scene,
    seq: int,
    defaults: Mapping[str, Any],
    parameter: str,
) -> DataTile:
    epsg, footprint = _footprint(store, f"{scene.folder}/{scene.files[0]}", parameter)
    geometry = dict(mapping(footprint))
    geometry["coordinates"] = json.loads(json.dumps(geometry["coordinates"]))
    geometry["crs"] = {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}
    metadata = dict(defaults)
    if scene.has_metadata:
        metadata.update(_read_json(store, f"{scene.folder}/{METADATA_FILE}", parameter))
    extension = scene.files[0][scene.files[0].rfind(".") :]
    sensing = None if scene.sensing is None else sortable_timestamp(scene.sensing)
    return DataTile(
        seq=seq,
        id=scene.folder,
        collection_id="",
        path=f"{scene.folder}/{BAND_PLACEHOLDER}{extension}",
        status="INGESTED",
        generation=1,
        created=_EPOCH,
        ingestion_start=None,
        sensing_time=sensing,
        requested_cover=None,
        cover_geometry=None,
        tile_geometry=geometry,
        crs_epsg=epsg,
        min_mpp=None,
        max_mpp=None,
        failed_cause=None,
        warnings=None,
        metadata=metadata,
    )


def scan(
    store: FolderBucket | S3Bucket, prefix: str, definition: CollectionDefinition, parameter: str
) -> list[DataTile]:
    """The scenes under ``prefix`` (listed now, read once while the listing stays the same)."""
    try:
        keys = tuple(store.list(prefix))
    except BucketUnavailableError as exc:
        raise bad_payload(
            parameter, f"the data of {definition.api_id} could not be listed ({exc})"
        ) from None
    cache_key = (store.describe(), prefix, definition.api_id)
    with _LOCK:
        cached = _CACHE.get(cache_key)
        if cached is not None and cached.listing == keys:
            return cached.tiles
    base = f"{prefix}/" if prefix else ""
    defaults: dict[str, Any] = {}
    if base + METADATA_FILE in keys:
        defaults = _read_json(store, base + METADATA_FILE, parameter)
    scenes = _scenes(keys, prefix, definition.timeless)
    tiles = [_tile(store, scene, seq, defaults, parameter) for seq, scene in enumerate(scenes, 1)]
    with _LOCK:
        _CACHE[cache_key] = _Cache(keys, tiles)
    return tiles


def collection_of(
    ctx: EmulatorContext, api_id: str
) -> tuple[CollectionRecord, list[DataTile]] | None:
    """A predefined collection served by this emulator and its scenes (None: not served)."""
    location = ctx.settings.collection_data.get(api_id)
    definition = DEFINITIONS.get(api_id)
    if location is None or definition is None:
        return None
    bucket, _, prefix = location.partition("/")
    record = CollectionRecord(
        seq=0,
        id=api_id,
        account_id="",
        name=definition.title,
        s3_bucket=bucket,
        created=_EPOCH,
        no_data=None,
        bands={name: band.as_byoc_band(name) for name, band in definition.bands.items()},
        summary={},
        requires_metadata_update=False,
    )
    store = ctx.settings.bucket(bucket)
    if store is None or not store.available():
        return record, []
    return record, scan(store, prefix, definition, "input->data")


def _resolve(ctx: EmulatorContext, api_id: str) -> sources.Resolved | None:
    return collection_of(ctx, api_id)


def _passes(value: Any, test: str, wanted: Any) -> bool:
    if test == "max":
        return isinstance(value, int | float) and not isinstance(value, bool) and value <= wanted
    if isinstance(value, list):
        return wanted in value
    return bool(value == wanted)


def filter_scenes(spec: InputSpec, scenes: Sequence[SceneTile]) -> list[SceneTile]:
    """The scenes that pass the request's metadata filters, in its mosaicking order (leastCC:
    least cloudy first, ties the most recent). 400 naming the filter when a scene lacks the
    metadata it needs."""
    definition = DEFINITIONS[spec.collection_id]
    base = f"input->data->{spec.position}->dataFilter"
    kept = list(scenes)
    for name, wanted in spec.filters:
        rule = definition.filters[name]
        for scene in kept:
            metadata = getattr(scene.tile, "metadata", {})
            if rule.key not in metadata:
                raise bad_payload(
                    f"{base}->{name}",
                    f"the emulator cannot apply {name}: scene {scene.tile.id!r} has no "
                    f"{rule.key!r} in its {METADATA_FILE} (see the emulator's docs on "
                    "--collection-data)",
                )
        kept = [
            s for s in kept if _passes(getattr(s.tile, "metadata", {})[rule.key], rule.test, wanted)
        ]
    if spec.order == "leastCC":
        for scene in kept:
            if "cloudCoverage" not in getattr(scene.tile, "metadata", {}):
                raise bad_payload(
                    f"{base}->mosaickingOrder",
                    f"the emulator cannot order by leastCC: scene {scene.tile.id!r} has no "
                    f"'cloudCoverage' in its {METADATA_FILE}",
                )

        def when(scene: SceneTile) -> float:
            return 0.0 if scene.sensing is None else scene.sensing.timestamp()

        kept.sort(key=when, reverse=True)
        kept.sort(key=lambda s: float(getattr(s.tile, "metadata", {})["cloudCoverage"]))
    for position, scene in enumerate(kept):
        scene.index = position
    return kept


sources.register(KIND, _resolve)

"""The emulator's ingestion engine: check a BYOC tile's files and derive the tile's metadata.

This module is a pure library. It knows nothing of HTTP or of the database; the service layer
calls `ingest_tile` when a tile moves to INGESTING and stores either the `IngestionResult` or the
`IngestionFailure.cause` (the tile's ``failedIngestionCause``).

The per-file COG rules (TIFF structure, header size, tiling and block sizes, CRS, poles, data
types, data readable) are not written here: they are `sentinelhub_client.cog.rules`, the one
module of the facade that the emulator imports, so that the facade's `validate_cog` and this
ingestion can never disagree. Those rules parse the TIFF structure with plain file reads, take
georeferencing from rasterio/GDAL, and decode every block of every band of every image (one
block of one band at a time, so memory stays within one block whatever the file's size). This
module adds what is about tiles: paths in the bucket, bands, cover geometry, resolutions.

Conventions:

- Paths are bucket-relative POSIX strings (``folder/tile_(BAND).tif``). A path that is absolute,
  contains ``..`` or resolves (through symbolic links) outside the bucket folder fails before
  anything is opened.
- Geometries are GeoJSON dictionaries with coordinates in the x/y order of their CRS (easting /
  northing, or longitude / latitude for EPSG:4326 and CRS84), whatever the axis order an EPSG
  definition declares. An input geometry without a ``crs`` member is read as CRS84.
- Resolutions are in metres per pixel. A pixel's resolution is the geometric mean of its width
  and height (the side of a square of equal area), so square pixels give their side. For
  EPSG:4326 files degrees become metres on the WGS84 ellipsoid at the tile's centre latitude;
  other accepted CRSs already measure in metres (EPSG:3857 in its own, unscaled metres).
"""

from __future__ import annotations

import glob
import math
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from sentinelhub_client.cog import rules
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient
from shapely.validation import explain_validity

from sentinelhub_emulator.core.buckets import BucketPathError, FolderBucket, S3Bucket

__all__ = [
    "ALLOWED_EPSG_CODES",
    "BAND_PLACEHOLDER",
    "MAX_HEADER_BYTES",
    "MAX_NAME_BYTES",
    "MAX_PATH_CHARS",
    "BandSpec",
    "DetectedBand",
    "IngestionFailure",
    "IngestionResult",
    "check_relative_path",
    "collection_max_meters_per_pixel",
    "discover_bands",
    "ingest_tile",
    "is_band_name",
    "js_identifier",
]

_Store = FolderBucket | S3Bucket

#: The placeholder in a tile path that each band's ``source`` replaces.
BAND_PLACEHOLDER = "(BAND)"

#: Longest accepted tile (or file) path inside a bucket, in characters.
MAX_PATH_CHARS = 1024

#: Longest folder or file name in a path, in UTF-8 bytes (what file systems and S3 tools allow).
MAX_NAME_BYTES = 255

# The COG rules and their limits are shared with the facade's `validate_cog`.
ALLOWED_EPSG_CODES = rules.ALLOWED_EPSG_CODES
MAX_HEADER_BYTES = rules.MAX_HEADER_BYTES
MIN_BLOCK_SIZE = rules.MIN_BLOCK_SIZE
MAX_BLOCK_SIZE = rules.MAX_BLOCK_SIZE
MAX_BANDS = rules.MAX_BANDS

#: Overviews narrower and lower than this do not count towards ``maxMetersPerPixel``.
MIN_OVERVIEW_SIZE = 256

#: ``maxMetersPerPixel`` of a collection is never below this.
MIN_COLLECTION_MAX_METERS_PER_PIXEL = 500.0

_CRS84 = "urn:ogc:def:crs:OGC:1.3:CRS84"

# --------------------------------------------------------------------------------------------
# Public data types


@dataclass(frozen=True)
class BandSpec:
    """One band of a collection, as the collection defines it.

    ``source`` replaces ``(BAND)`` in the tile path (the band name when None); ``band_index`` is
    the 1-based band within that file. ``bit_depth`` and ``sample_format`` are checked against
    the file when set.
    """

    name: str
    source: str | None = None
    band_index: int = 1
    bit_depth: int | None = None
    sample_format: str | None = None


@dataclass(frozen=True)
class DetectedBand:
    """What a tile's file actually holds for one band."""

    name: str
    bit_depth: int
    sample_format: str
    band_index: int
    source: str


@dataclass(frozen=True)
class IngestionResult:
    """Metadata derived from a tile whose files passed every check.

    ``tile_geometry`` and ``cover_geometry`` are in the tile's CRS and carry a GeoJSON ``crs``
    member; ``cover_geometry_wgs84`` is the cover in longitude / latitude without one.
    ``min_meters_per_pixel`` is the finest full resolution among the files;
    ``max_meters_per_pixel`` the coarsest overview at least 256 px wide or high among the files
    (a file without such an overview contributes its full resolution).
    """

    tile_geometry: dict[str, Any]
    cover_geometry: dict[str, Any]
    cover_geometry_wgs84: dict[str, Any]
    crs_epsg: int
    min_meters_per_pixel: float
    max_meters_per_pixel: float
    detected_bands: tuple[DetectedBand, ...]
    files: tuple[str, ...]


class IngestionFailure(Exception):
    """A tile (or its files) breaks an ingestion rule.

    ``cause`` is the text for the tile's ``failedIngestionCause``: one sentence that names the
    bucket-relative file when there is one, and says how to fix the problem.
    """

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


# --------------------------------------------------------------------------------------------
# Paths inside the bucket


def check_relative_path(rel: str, what: str) -> None:
    """Reject paths that are absolute, empty, too long, or could climb out of the bucket.

    Limits: at most `MAX_PATH_CHARS` characters, and `MAX_NAME_BYTES` UTF-8 bytes per folder or
    file name.

    ``rel`` is a path relative to the bucket root with ``/`` between folders; ``what`` names it in
    the message (``"tile path"``, ``"file path"``). Raises `IngestionFailure`, whose ``cause``
    says what is wrong and how to fix it. Symbolic links are not looked at here: the file lookup
    checks where they lead.
    """
    if not rel:
        raise IngestionFailure(f"The {what} is empty; give a path inside the bucket.")
    if len(rel) > MAX_PATH_CHARS:
        raise IngestionFailure(
            f"The {what} is {len(rel)} characters long, above the limit of {MAX_PATH_CHARS}; "
            "use a shorter path."
        )
    if "\x00" in rel or "\\" in rel:
        raise IngestionFailure(
            f"The {what} '{rel}' contains a backslash or NUL character; "
            "use '/' to separate folders of a path inside the bucket."
        )
    if rel.startswith("/") or re.match(r"^[A-Za-z]:", rel):
        raise IngestionFailure(
            f"The {what} '{rel}' is absolute; give it relative to the bucket root, "
            "without a leading '/'."
        )
    parts = rel.split("/")
    if ".." in parts:
        raise IngestionFailure(
            f"The {what} '{rel}' contains '..' and could point outside the bucket; "
            "give a path inside the bucket without '..'."
        )
    if "" in parts:
        raise IngestionFailure(
            f"The {what} '{rel}' has an empty folder name (a trailing '/' or '//'); remove it."
        )
    for part in parts:
        size = len(part.encode("utf-8", "surrogatepass"))
        if size > MAX_NAME_BYTES:
            raise IngestionFailure(
                f"The {what} has a folder or file name of {size} bytes ('{part[:40]}...'), "
                f"above the limit of {MAX_NAME_BYTES} bytes per name; use shorter names."
            )


def _resolve_inside(bucket: Path, rel: str) -> Path:
    """The real location of ``rel`` in the (already resolved) bucket folder, never outside it."""
    check_relative_path(rel, "file path")
    target = (bucket / rel).resolve()
    if not target.is_relative_to(bucket):
        raise IngestionFailure(
            f"File '{rel}' is a symbolic link (or lies under one) that leads outside the bucket; "
            "store the file itself in the bucket."
        )
    return target


def _open_existing(bucket: Path, rel: str) -> Path:
    target = _resolve_inside(bucket, rel)
    if not target.exists():
        raise IngestionFailure(
            f"File '{rel}' was not found in the bucket; upload it there or fix the tile path "
            f"(the '{BAND_PLACEHOLDER}' placeholder is replaced by each band's source)."
        )
    if not target.is_file():
        raise IngestionFailure(
            f"'{rel}' is a folder, not a file; point the tile path at GeoTIFF files, "
            f"e.g. '{rel}/{BAND_PLACEHOLDER}.tif'."
        )
    return target


def _band_path(tile_path: str, band: BandSpec) -> str:
    return tile_path.replace(BAND_PLACEHOLDER, band.source or band.name)


# --------------------------------------------------------------------------------------------
# One file's georeferencing


@dataclass(frozen=True)
class _FileInfo:
    rel: str
    crs_epsg: int
    bounds: tuple[float, float, float, float]
    res: tuple[float, float]  # full-resolution pixel width and height in CRS units
    width: int
    height: int
    overview_sizes: tuple[tuple[int, int], ...]
    dtypes: tuple[str, ...]


def _dtype_format(dtype: str, rel: str, band_index: int) -> tuple[int, str]:
    fmt = rules.dtype_format(dtype)
    if fmt is None:
        [finding] = rules.dtype_findings([dtype], rel)
        raise IngestionFailure(finding.message.replace("band 1 ", f"band {band_index} ", 1))
    return fmt


def _s3_existing(store: S3Bucket, rel: str) -> str:
    check_relative_path(rel, "file path")
    try:
        info = store.stat(rel)
    except BucketPathError as exc:
        raise IngestionFailure(f"File '{rel}': {exc}; give a path inside the bucket.") from None
    if info is None:
        raise IngestionFailure(
            f"File '{rel}' was not found in the bucket; upload it there or fix the tile path "
            f"(the '{BAND_PLACEHOLDER}' placeholder is replaced by each band's source)."
        )
    return store.gdal_path(rel)


def _inspect_file(store: _Store, rel: str) -> _FileInfo:
    """Run every per-file rule (the shared `sentinelhub_client.cog.rules`) on ``rel`` and
    return its georeferencing; the first broken rule is the tile's cause."""
    if isinstance(store, S3Bucket):
        target = _s3_existing(store, rel)
        with store.gdal_env():
            check = rules.check_file(target, rel, opener=lambda: store.open_reader(rel))
    else:
        check = rules.check_file(_open_existing(store.root.resolve(), rel), rel)
    if check.errors:
        raise IngestionFailure(check.errors[0].message)
    facts = check.facts
    assert facts is not None  # no error: the file opened
    return _FileInfo(
        rel=rel,
        crs_epsg=facts.crs_epsg,
        bounds=facts.bounds,
        res=facts.res,
        width=facts.width,
        height=facts.height,
        overview_sizes=facts.overview_sizes,
        dtypes=facts.dtypes,
    )


# --------------------------------------------------------------------------------------------
# Geometry helpers


def _crs_member(epsg: int) -> dict[str, Any]:
    return {"type": "name", "properties": {"name": f"urn:ogc:def:crs:EPSG::{epsg}"}}


def _rings(polygon: Any) -> list[list[list[float]]]:
    oriented = orient(polygon, 1.0)  # exterior counter-clockwise, holes clockwise
    rings = [oriented.exterior, *oriented.interiors]
    return [[[float(x), float(y)] for x, y in ring.coords] for ring in rings]


def _to_geojson(geometry: BaseGeometry, epsg: int | None) -> dict[str, Any]:
    """A Polygon or MultiPolygon as GeoJSON, with a ``crs`` member when ``epsg`` is given."""
    result: dict[str, Any]
    if geometry.geom_type == "Polygon":
        result = {"type": "Polygon", "coordinates": _rings(geometry)}
    else:
        result = {"type": "MultiPolygon", "coordinates": [_rings(p) for p in geometry.geoms]}
    if epsg is not None:
        result["crs"] = _crs_member(epsg)
    return result


def _bbox(bounds: tuple[float, float, float, float]) -> BaseGeometry:
    """A rectangle whose ring starts at the lower-left corner and runs counter-clockwise."""
    left, bottom, right, top = bounds
    return Polygon([(left, bottom), (right, bottom), (right, top), (left, top)])


def _polygonal_part(geometry: BaseGeometry) -> BaseGeometry:
    """Drop points and lines (e.g. from edges that only touch) from an overlay result."""
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        return geometry
    polygons: list[Any] = []
    for part in getattr(geometry, "geoms", ()):
        if part.geom_type == "Polygon":
            polygons.append(part)
        elif part.geom_type == "MultiPolygon":
            polygons.extend(part.geoms)
    if not polygons:
        return Polygon()
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _reproject(geometry: BaseGeometry, source: CRS, target: CRS) -> BaseGeometry:
    """Reproject vertex by vertex, in x/y axis order."""
    if source == target:
        return geometry
    transformer = Transformer.from_crs(source, target, always_xy=True)
    return shapely.transform(geometry, transformer.transform, interleaved=False)


def _parse_cover(cover: Any) -> tuple[BaseGeometry, CRS]:
    """Read a user cover geometry and its CRS (CRS84 when it has no ``crs`` member)."""
    if not isinstance(cover, dict) or cover.get("type") not in ("Polygon", "MultiPolygon"):
        raise IngestionFailure(
            "The tile's coverGeometry is not a GeoJSON Polygon or MultiPolygon; "
            "send one, or leave it out to use the files' footprint."
        )
    crs_name = _CRS84
    member = cover.get("crs")
    if member is not None:
        properties = member.get("properties") if isinstance(member, dict) else None
        name = properties.get("name") if isinstance(properties, dict) else None
        if not isinstance(name, str):
            raise IngestionFailure(
                "The tile's coverGeometry has a malformed crs member; use "
                '{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::<code>"}}.'
            )
        crs_name = name
    try:
        crs = CRS.from_user_input(crs_name)
    except CRSError as exc:
        raise IngestionFailure(
            f"The tile's coverGeometry names an unknown CRS '{crs_name}'; use a name such as "
            "'urn:ogc:def:crs:EPSG::32633' or 'urn:ogc:def:crs:OGC:1.3:CRS84'."
        ) from exc
    try:
        geometry = shape({"type": cover["type"], "coordinates": cover.get("coordinates")})
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException) as exc:
        raise IngestionFailure(
            "The tile's coverGeometry has malformed coordinates; give rings of [x, y] pairs "
            "whose first and last points are equal."
        ) from exc
    if geometry.is_empty or not geometry.is_valid:
        reason = "it is empty" if geometry.is_empty else explain_validity(geometry)
        raise IngestionFailure(
            f"The tile's coverGeometry is not a valid polygon ({reason}); fix its rings so "
            "they do not cross themselves."
        )
    return geometry, crs


def _is_finite(geometry: BaseGeometry) -> bool:
    return bool(np.isfinite(shapely.get_coordinates(geometry)).all())


# --------------------------------------------------------------------------------------------
# Resolution

_WGS84_A = 6_378_137.0
_WGS84_E2 = 6.694_379_990_14e-3


def _metres_per_degree(latitude: float) -> tuple[float, float]:
    """Length of one degree of longitude and of latitude on the WGS84 ellipsoid."""
    phi = math.radians(latitude)
    w = math.sqrt(1.0 - _WGS84_E2 * math.sin(phi) ** 2)
    prime_vertical = _WGS84_A / w
    meridional = _WGS84_A * (1.0 - _WGS84_E2) / w**3
    one_degree = math.pi / 180.0
    return prime_vertical * math.cos(phi) * one_degree, meridional * one_degree


def _metres_per_pixel(res: tuple[float, float], epsg: int, centre_latitude: float) -> float:
    res_x, res_y = res
    if epsg == 4326:
        per_lon, per_lat = _metres_per_degree(centre_latitude)
        res_x, res_y = res_x * per_lon, res_y * per_lat
    return round(math.sqrt(res_x * res_y), 6)


def _coarsest_usable_res(info: _FileInfo) -> tuple[float, float]:
    """Pixel size of the smallest overview at least 256 px wide or high (or full resolution)."""
    best = info.res
    for ov_width, ov_height in info.overview_sizes:
        if ov_width < MIN_OVERVIEW_SIZE and ov_height < MIN_OVERVIEW_SIZE:
            continue
        candidate = (
            info.res[0] * info.width / ov_width,
            info.res[1] * info.height / ov_height,
        )
        if candidate[0] * candidate[1] > best[0] * best[1]:
            best = candidate
    return best


# --------------------------------------------------------------------------------------------
# Public functions


def _check_band_spec(band: BandSpec) -> None:
    if band.band_index < 1:
        raise IngestionFailure(
            f"Band '{band.name}' has bandIndex {band.band_index}; band indices start at 1."
        )
    if band.bit_depth is not None and band.bit_depth not in (8, 16, 32):
        raise IngestionFailure(
            f"Band '{band.name}' declares bitDepth {band.bit_depth}; use 8, 16 or 32."
        )
    if band.sample_format is not None and band.sample_format not in ("UINT", "INT", "FLOAT"):
        raise IngestionFailure(
            f"Band '{band.name}' declares sampleFormat '{band.sample_format}'; "
            "use UINT, INT or FLOAT."
        )


def _as_store(bucket: Path | _Store) -> _Store:
    return FolderBucket(bucket) if isinstance(bucket, Path) else bucket


def ingest_tile(
    bucket_dir: Path | FolderBucket | S3Bucket,
    tile_path: str,
    bands: Sequence[BandSpec],
    cover_geometry: dict[str, Any] | None = None,
) -> IngestionResult:
    """Check a tile's files against the BYOC rules and derive its metadata.

    Each band reads ``tile_path`` with ``(BAND)`` replaced by the band's source (or name); a path
    without the placeholder is one multi-band file shared by all bands. Every file must be an
    internally tiled GeoTIFF with 256-2048 px tiles equal on all levels, a header of at most
    1 MB, an accepted CRS (the same for all files of the tile), a footprint clear of the poles,
    and the declared band index, bit depth and sample format.

    ``cover_geometry`` (GeoJSON Polygon or MultiPolygon, CRS84 unless it has a ``crs`` member)
    is reprojected to the tile's CRS; without it the cover is the intersection of the files'
    footprints.

    Raises `IngestionFailure` with the ``failedIngestionCause`` text on the first broken rule.
    Every block of every file is read and decoded (one block of one band at a time), so a
    truncated or damaged file fails with a cause that says where.
    """
    if not bands:
        raise IngestionFailure(
            "The collection has no bands yet; define its bands (or let the service detect them) "
            "before ingesting tiles."
        )
    check_relative_path(tile_path, "tile path")
    store = _as_store(bucket_dir)

    infos: dict[str, _FileInfo] = {}
    detected: list[DetectedBand] = []
    first: _FileInfo | None = None
    for band in bands:
        _check_band_spec(band)
        rel = _band_path(tile_path, band)
        info = infos.get(rel)
        if info is None:
            info = _inspect_file(store, rel)
            infos[rel] = info
            if first is None:
                first = info
            elif info.crs_epsg != first.crs_epsg:
                raise IngestionFailure(
                    f"File '{rel}' is in EPSG:{info.crs_epsg} but '{first.rel}' is in "
                    f"EPSG:{first.crs_epsg}; all files of a tile must share one CRS, so "
                    "reproject them to the same one."
                )
        if band.band_index > len(info.dtypes):
            raise IngestionFailure(
                f"Band '{band.name}' reads band {band.band_index} of file '{rel}', which has "
                f"only {len(info.dtypes)} band(s); fix the band's bandIndex or the file."
            )
        bit_depth, sample_format = _dtype_format(
            info.dtypes[band.band_index - 1], rel, band.band_index
        )
        both = (
            f"(the collection's band is {band.sample_format or '?'} {band.bit_depth or '?'}-bit, "
            f"the file's {sample_format} {bit_depth}-bit)"
        )
        if band.bit_depth is not None and band.bit_depth != bit_depth:
            raise IngestionFailure(
                f"Band '{band.name}' is declared with bitDepth {band.bit_depth} but file '{rel}' "
                f"holds {bit_depth}-bit samples {both}; convert the file (gdal_translate -ot) or "
                "fix the collection's band definition."
            )
        if band.sample_format is not None and band.sample_format != sample_format:
            raise IngestionFailure(
                f"Band '{band.name}' is declared with sampleFormat {band.sample_format} but file "
                f"'{rel}' holds {sample_format} samples {both}; convert the file "
                "(gdal_translate -ot) or fix the collection's band definition."
            )
        detected.append(
            DetectedBand(
                name=band.name,
                bit_depth=bit_depth,
                sample_format=sample_format,
                band_index=band.band_index,
                source=band.source or band.name,
            )
        )
    assert first is not None  # bands is not empty
    epsg = first.crs_epsg
    tile_crs = CRS.from_epsg(epsg)
    files = list(infos.values())

    left = min(f.bounds[0] for f in files)
    bottom = min(f.bounds[1] for f in files)
    right = max(f.bounds[2] for f in files)
    top = max(f.bounds[3] for f in files)
    tile_box = _bbox((left, bottom, right, top))

    wgs84 = CRS.from_epsg(4326)
    if cover_geometry is None:
        cover: BaseGeometry = _bbox(files[0].bounds)
        for other in files[1:]:
            cover = _polygonal_part(cover.intersection(_bbox(other.bounds)))
        if cover.is_empty:
            names = ", ".join(f"'{f.rel}'" for f in files)
            raise IngestionFailure(
                f"The files of the tile ({names}) do not overlap, so the tile has no common "
                "footprint; give the tile a coverGeometry or fix the files' extents."
            )
        cover_wgs84 = _reproject(cover, tile_crs, wgs84)
    else:
        given, given_crs = _parse_cover(cover_geometry)
        cover = _reproject(given, given_crs, tile_crs)
        cover_wgs84 = _reproject(given, given_crs, wgs84)
    if not (_is_finite(cover) and _is_finite(cover_wgs84)):
        raise IngestionFailure(
            f"The tile's coverGeometry cannot be expressed in EPSG:{epsg} (it reprojects to "
            "infinite coordinates); give a cover geometry near the tile's files."
        )

    centre_latitude = (bottom + top) / 2.0  # used for EPSG:4326 only, where y is latitude
    min_mpp = min(_metres_per_pixel(f.res, epsg, centre_latitude) for f in files)
    max_mpp = max(_metres_per_pixel(_coarsest_usable_res(f), epsg, centre_latitude) for f in files)

    return IngestionResult(
        tile_geometry=_to_geojson(tile_box, epsg),
        cover_geometry=_to_geojson(cover, epsg),
        cover_geometry_wgs84=_to_geojson(cover_wgs84, None),
        crs_epsg=epsg,
        min_meters_per_pixel=min_mpp,
        max_meters_per_pixel=max_mpp,
        detected_bands=tuple(detected),
        files=tuple(infos),
    )


# --------------------------------------------------------------------------------------------
# Band discovery

#: Band names: the shared rule (valid JavaScript identifiers, as evalscripts use them).
js_identifier = rules.js_identifier
is_band_name = rules.is_band_name


def _natural_key(text: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders B2 before B10."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text) if part
    )


def _match_band_files(store: _Store, tile_path: str) -> list[tuple[str, str]]:
    """(placeholder value, bucket-relative path) of the files that match the tile path."""
    parts = tile_path.split("/")
    first_wild = next(i for i, part in enumerate(parts) if BAND_PLACEHOLDER in part)
    pieces = [re.escape(piece) for piece in tile_path.split(BAND_PLACEHOLDER)]
    regex = "(?P<band>[^/]+)".join(pieces[:2]) + "".join(
        "(?P=band)" + piece for piece in pieces[2:]
    )
    pattern = re.compile(regex)
    matches: list[tuple[str, str]] = []
    if isinstance(store, S3Bucket):
        for rel in store.list("/".join(parts[:first_wild])):
            found = pattern.fullmatch(rel)
            if found is not None:
                matches.append((found.group("band"), rel))
        return sorted(matches, key=lambda match: _natural_key(match[0]))
    bucket = store.root.resolve()
    base = bucket.joinpath(*parts[:first_wild])
    if not base.is_dir():
        return []
    wildcard = "/".join(
        glob.escape(part).replace(BAND_PLACEHOLDER, "*") for part in parts[first_wild:]
    )
    for candidate in base.glob(wildcard):
        rel = candidate.relative_to(bucket).as_posix()
        found = pattern.fullmatch(rel)
        if found is None or not candidate.is_file():
            continue
        _resolve_inside(bucket, rel)  # refuse links that lead out of the bucket
        matches.append((found.group("band"), rel))
    return sorted(matches, key=lambda match: _natural_key(match[0]))


def _file_dtypes(store: _Store, rel: str) -> tuple[str, ...]:
    try:
        if isinstance(store, S3Bucket):
            target = _s3_existing(store, rel)
            with store.gdal_env(), rules.open_raster(target, rel) as src:
                return tuple(str(d) for d in src.dtypes)
        with rules.open_raster(_open_existing(store.root.resolve(), rel), rel) as src:
            return tuple(str(d) for d in src.dtypes)
    except rules.RuleError as failure:
        raise IngestionFailure(failure.finding.message) from None


def _identifier_names(raw_names: Sequence[str]) -> list[str]:
    """Valid, distinct JavaScript identifiers for ``raw_names``, in the same order.

    A raw name that is already a valid identifier keeps it; a sanitised name never takes one
    of those, and clashes get ``_2``, ``_3``... appended.
    """
    already_valid = {raw for raw in raw_names if is_band_name(raw)}
    used: set[str] = set()
    names: list[str] = []
    for raw in raw_names:
        name = base = js_identifier(raw)
        suffix = 2
        while name in used or (name != raw and name in already_valid):
            name, suffix = f"{base}_{suffix}", suffix + 1
        used.add(name)
        names.append(name)
    return names


def discover_bands(
    bucket_dir: Path | FolderBucket | S3Bucket, tile_path: str
) -> tuple[BandSpec, ...]:
    """Find the bands of a tile, for a collection that has none yet.

    With ``(BAND)`` in the tile path, every file whose path matches it (the placeholder standing
    for any run of characters without ``/``) is a band source, sorted naturally by the matched
    text. Band names:

    - a single-band file gives one band named after the matched text;
    - a file with n > 1 bands gives ``<matched>_1`` ... ``<matched>_n``;
    - a tile path without the placeholder is one file whose bands are ``B1`` ... ``Bn``.

    Names are made valid JavaScript identifiers: characters other than ASCII letters, digits,
    ``_`` and ``$`` become ``_``, a leading digit gets a ``B`` prefix, a reserved word gets a
    trailing ``_``. A name that was valid already keeps it; a sanitised name that clashes with
    another gets ``_2``, ``_3``... Each band's ``source`` is the matched text (None without the
    placeholder); ``bit_depth`` and ``sample_format`` come from the file.

    Raises `IngestionFailure` when nothing matches, a file cannot be read, a sample type is not
    supported, or there would be more than 100 bands. The COG rules are left to `ingest_tile`.
    """
    check_relative_path(tile_path, "tile path")
    store = _as_store(bucket_dir)
    specs: list[BandSpec] = []  # named with the raw text first, made identifiers at the end

    def add(rel: str, base_name: str | None, source: str | None) -> None:
        dtypes = _file_dtypes(store, rel)
        for index, dtype in enumerate(dtypes, start=1):
            bit_depth, sample_format = _dtype_format(dtype, rel, index)
            if base_name is None:
                raw_name = f"B{index}"
            else:
                raw_name = base_name if len(dtypes) == 1 else f"{base_name}_{index}"
            specs.append(
                BandSpec(
                    name=raw_name,
                    source=source,
                    band_index=index,
                    bit_depth=bit_depth,
                    sample_format=sample_format,
                )
            )

    if BAND_PLACEHOLDER not in tile_path:
        add(tile_path, None, None)
    else:
        matches = _match_band_files(store, tile_path)
        if not matches:
            raise IngestionFailure(
                f"No file in the bucket matches the tile path '{tile_path}' (with "
                f"'{BAND_PLACEHOLDER}' standing for each band's name); upload the band files "
                "or fix the tile path."
            )
        for value, rel in matches:
            add(rel, value, value)
    if len(specs) > MAX_BANDS:
        raise IngestionFailure(
            f"The files of tile '{tile_path}' hold {len(specs)} bands, more than the "
            f"{MAX_BANDS} a collection may have; split them over several collections."
        )
    names = _identifier_names([spec.name for spec in specs])
    return tuple(replace(spec, name=name) for spec, name in zip(specs, names, strict=True))


def collection_max_meters_per_pixel(per_tile_max: Sequence[float]) -> float:
    """A collection's ``maxMetersPerPixel`` from its tiles' ``max_meters_per_pixel`` values.

    Five times the median of the tiles' values, raised to 500 when lower. A collection without
    tiles gets the floor value, 500.
    """
    values = [float(v) for v in per_tile_max]
    if any(not math.isfinite(v) or v <= 0 for v in values):
        raise ValueError("tile resolutions must be positive finite numbers")
    if not values:
        return MIN_COLLECTION_MAX_METERS_PER_PIXEL
    return max(5.0 * statistics.median(values), MIN_COLLECTION_MAX_METERS_PER_PIXEL)

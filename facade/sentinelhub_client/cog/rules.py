"""The BYOC rules for one Cloud Optimized GeoTIFF, written once.

Both `sentinelhub_client.cog.validate_cog` and the emulator's ingestion run these functions, so
they cannot disagree (the emulator imports this module and nothing else of the facade). The
module does no I/O beyond reading the file it is given, knows nothing of HTTP or of tiles, and
never raises for a broken file: every broken rule becomes a `Finding` with a ``rule`` id and a
message that names the file and says how to fix it.

Rule ids (errors unless noted):

- ``tiff``: the file is a TIFF whose image directories can be read;
- ``header-size``: image directories and tag data take at most 1 MB;
- ``tiled``: every level stores pixels in internal tiles, not strips;
- ``block-size``: internal tiles between 256 x 256 and 2048 x 2048 px;
- ``block-size-equal``: the same tile size on every overview level;
- ``geotiff``: GDAL opens it as a GeoTIFF;
- ``crs``: a CRS, and one of EPSG:4326, 3857, 3035, 32601-32660, 32701-32760;
- ``pole``: the footprint stays clear of both poles;
- ``data-type``: every band is 8/16/32-bit integer or 32-bit float;
- ``data-readable``: every internal tile lies inside the file and decodes;
- ``band-name``: band names are JavaScript identifiers (`band_name_findings`);
- ``overviews`` (warning): a file larger than 2048 px on a side without overviews.

The TIFF structure (IFDs and their tag values) is parsed here with plain file reads, so a
file with a huge header is judged without loading it into GDAL; georeferencing comes from
rasterio. numpy and rasterio are imported by the functions that need them.
"""

from __future__ import annotations

import math
import re
import struct
import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

__all__ = [
    "ALLOWED_EPSG_CODES",
    "DTYPE_FORMATS",
    "JS_RESERVED",
    "LARGE_WITHOUT_OVERVIEWS",
    "MAX_BANDS",
    "MAX_BLOCK_SIZE",
    "MAX_HEADER_BYTES",
    "MIN_BLOCK_SIZE",
    "REWRITE_HINT",
    "FileCheck",
    "FileFacts",
    "Finding",
    "RuleError",
    "TiffImage",
    "TiffLayout",
    "band_name_findings",
    "check_file",
    "crs_findings",
    "decode_findings",
    "dtype_findings",
    "dtype_format",
    "is_band_name",
    "js_identifier",
    "layout_findings",
    "open_raster",
    "overview_findings",
    "pole_findings",
    "read_tiff_layout",
]

#: The CRSs a BYOC file may use.
ALLOWED_EPSG_CODES: frozenset[int] = frozenset(
    {4326, 3857, 3035, *range(32601, 32661), *range(32701, 32761)}
)

#: Largest accepted TIFF header: IFDs plus the tag values they point to.
MAX_HEADER_BYTES = 1_048_576

MIN_BLOCK_SIZE = 256
MAX_BLOCK_SIZE = 2048

#: A collection holds at most this many bands.
MAX_BANDS = 100

#: A file wider or higher than this without overviews gets the ``overviews`` warning: the
#: service reads it at full resolution for every zoom level.
LARGE_WITHOUT_OVERVIEWS = 2048

#: numpy dtype name -> (bitDepth, sampleFormat) as the BYOC API names them.
DTYPE_FORMATS: dict[str, tuple[int, str]] = {
    "uint8": (8, "UINT"),
    "int8": (8, "INT"),
    "uint16": (16, "UINT"),
    "int16": (16, "INT"),
    "uint32": (32, "UINT"),
    "int32": (32, "INT"),
    "float32": (32, "FLOAT"),
}

REWRITE_HINT = (
    "rewrite it as a Cloud Optimized GeoTIFF, e.g. with "
    "`gdal_translate -of COG -co BLOCKSIZE=512 in.tif out.tif`"
)

_ALLOWED_TEXT = (
    "EPSG:4326, EPSG:3857, EPSG:3035 or a WGS84 UTM zone (EPSG:32601-32660, EPSG:32701-32760)"
)


@dataclass(frozen=True)
class Finding:
    """One broken rule (or a warning) about one file.

    Attributes:
        rule: the rule id (``block-size``, ``crs``...; see the module docstring).
        message: one sentence naming the file, what is wrong and how to fix it.
        severity: ``error`` (BYOC refuses the file) or ``warning`` (it is ingested).
    """

    rule: str
    message: str
    severity: Literal["error", "warning"] = "error"

    def to_dict(self) -> dict[str, str]:
        """``{"rule", "message", "severity"}`` for JSON output."""
        return {"rule": self.rule, "message": self.message, "severity": self.severity}


class _Stop(Exception):
    """A finding after which no further rule can be judged."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


# -- TIFF structure (read from the file's IFDs, never from its pixels) ---------------------------

# TIFF field type -> size in bytes of one value.
_TYPE_SIZES = {
    **{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4},
    **{16: 8, 17: 8, 18: 8},  # BigTIFF's 64-bit types
}
# Unsigned integer field types -> struct code.
_UINT_CODES = {1: "B", 3: "H", 4: "I", 13: "I", 16: "Q", 18: "Q"}

_TAG_SUBFILE_TYPE = 254
_TAG_WIDTH = 256
_TAG_HEIGHT = 257
_TAG_STRIP_OFFSETS = 273
_TAG_STRIP_BYTE_COUNTS = 279
_TAG_TILE_WIDTH = 322
_TAG_TILE_HEIGHT = 323
_TAG_TILE_OFFSETS = 324
_TAG_TILE_BYTE_COUNTS = 325
_WANTED_TAGS = frozenset(
    {
        _TAG_SUBFILE_TYPE,
        _TAG_WIDTH,
        _TAG_HEIGHT,
        _TAG_STRIP_OFFSETS,
        _TAG_STRIP_BYTE_COUNTS,
        _TAG_TILE_WIDTH,
        _TAG_TILE_HEIGHT,
        _TAG_TILE_OFFSETS,
        _TAG_TILE_BYTE_COUNTS,
    }
)

_MAX_IFDS = 256
_MAX_IFD_ENTRIES = 4096
# Stop scanning metadata well past the limit: the verdict is known and memory stays bounded.
_MAX_SCANNED_METADATA = 32 * MAX_HEADER_BYTES


@dataclass(frozen=True)
class TiffImage:
    """One image (IFD) of a TIFF: the full-resolution image, an overview or a mask.

    ``block`` is the (width, height) of its internal tiles, None when it is stored in strips.
    """

    label: str
    width: int
    height: int
    block: tuple[int, int] | None
    is_mask: bool
    is_overview: bool
    #: The first block (internal tile or strip) whose bytes run past the end of the file:
    #: (index, first byte, end byte); None when every block lies within the file.
    overrun: tuple[int, int, int] | None = None


@dataclass(frozen=True)
class TiffLayout:
    """The images of a TIFF and the sizes that the rules look at.

    ``header_bytes``: the larger of the offset of the first byte of image data and the total
    size of the file header, IFDs and out-of-line tag values.
    """

    images: tuple[TiffImage, ...]
    header_bytes: int
    file_size: int

    @property
    def overview_sizes(self) -> tuple[tuple[int, int], ...]:
        """(width, height) of each overview, finest first (masks left out)."""
        return tuple(
            (image.width, image.height)
            for image in self.images
            if image.is_overview and not image.is_mask
        )


class _TiffReader:
    """Bounds-checked reads of TIFF structures from an open binary file."""

    def __init__(self, fh: IO[bytes], size: int, name: str) -> None:
        self.fh = fh
        self.size = size
        self.name = name
        head = fh.read(16)
        if head[:2] == b"II":
            self.order = "<"
        elif head[:2] == b"MM":
            self.order = ">"
        else:
            raise self._not_tiff()
        (magic,) = struct.unpack(self.order + "H", head[2:4])
        if magic == 42 and len(head) >= 8:
            self.big = False
            (self.first_ifd,) = struct.unpack(self.order + "I", head[4:8])
            self.file_header = 8
        elif magic == 43 and len(head) == 16:
            self.big = True
            (self.first_ifd,) = struct.unpack(self.order + "Q", head[8:16])
            self.file_header = 16
        else:
            raise self._not_tiff()

    def _not_tiff(self) -> _Stop:
        return _Stop(
            Finding(
                "tiff",
                f"File '{self.name}' is not a TIFF file (its first bytes are not a TIFF "
                "signature); upload the band as a Cloud Optimized GeoTIFF.",
            )
        )

    def corrupt(self, detail: str) -> _Stop:
        return _Stop(
            Finding(
                "tiff",
                f"File '{self.name}' is not a readable TIFF ({detail}); it may be truncated or "
                f"damaged, so upload it again or {REWRITE_HINT}.",
            )
        )

    def read_at(self, offset: int, length: int) -> bytes:
        if offset < 0 or offset + length > self.size:
            raise self.corrupt(f"a structure at byte {offset} runs past the end of the file")
        self.fh.seek(offset)
        data = self.fh.read(length)
        if len(data) != length:
            raise self.corrupt("the file ended early")
        return data

    def unpack_uint(self, raw: bytes) -> int:
        return int(struct.unpack(self.order + ("Q" if self.big else "I"), raw)[0])

    def values(self, field_type: int, raw: bytes) -> tuple[int, ...]:
        code = _UINT_CODES[field_type]
        count = len(raw) // struct.calcsize(code)
        return tuple(int(v) for v in struct.unpack(f"{self.order}{count}{code}", raw))


def _first(tags: dict[int, tuple[int, ...]], tag: int) -> int | None:
    values = tags.get(tag)
    return values[0] if values else None


def read_tiff_layout(fh: IO[bytes], size: int, name: str) -> TiffLayout:
    """Walk the IFD chain of a TIFF opened as ``fh`` (``size`` bytes long).

    ``name`` names the file in messages. Raises `RuleError` (rule ``tiff``) when the file is not
    a TIFF or its structure cannot be read.
    """
    try:
        return _read_layout(fh, size, name)
    except _Stop as stop:
        raise RuleError(stop.finding) from None


class RuleError(Exception):
    """A file so broken that no other rule can be judged; ``finding`` says why."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def _read_layout(fh: IO[bytes], size: int, name: str) -> TiffLayout:
    reader = _TiffReader(fh, size, name)
    count_size, entry_size, next_size = (8, 20, 8) if reader.big else (2, 12, 4)
    metadata_bytes = reader.file_header
    first_data: int | None = None
    images: list[TiffImage] = []
    seen: set[int] = set()
    offset = reader.first_ifd
    overview_number = 0
    while offset:
        if offset in seen or len(seen) >= _MAX_IFDS:
            raise reader.corrupt("its chain of image directories loops or is too long")
        seen.add(offset)
        (entries,) = struct.unpack(
            reader.order + ("Q" if reader.big else "H"), reader.read_at(offset, count_size)
        )
        if not 0 < entries <= _MAX_IFD_ENTRIES:
            raise reader.corrupt(f"an image directory claims {entries} entries")
        table = reader.read_at(offset + count_size, entries * entry_size + next_size)
        metadata_bytes += count_size + entries * entry_size + next_size
        tags: dict[int, tuple[int, ...]] = {}
        for i in range(entries):
            entry = table[i * entry_size : (i + 1) * entry_size]
            tag, field_type = struct.unpack(reader.order + "HH", entry[:4])
            value_count = reader.unpack_uint(entry[4 : 4 + (entry_size - 4) // 2])
            value_field = entry[4 + (entry_size - 4) // 2 :]
            type_size = _TYPE_SIZES.get(field_type)
            if type_size is None:
                continue  # an unknown field type: its size cannot be known, skip it
            nbytes = type_size * value_count
            inline = nbytes <= len(value_field)
            if not inline:
                metadata_bytes += nbytes
                if metadata_bytes > _MAX_SCANNED_METADATA:
                    break
            if tag in _WANTED_TAGS and field_type in _UINT_CODES:
                raw = (
                    value_field[:nbytes]
                    if inline
                    else reader.read_at(reader.unpack_uint(value_field), nbytes)
                )
                tags[tag] = reader.values(field_type, raw)
        if metadata_bytes > _MAX_SCANNED_METADATA:
            break

        width, height = _first(tags, _TAG_WIDTH), _first(tags, _TAG_HEIGHT)
        if width is None or height is None:
            raise reader.corrupt("an image directory has no image width or height")
        subfile = _first(tags, _TAG_SUBFILE_TYPE) or 0
        is_mask, is_overview = bool(subfile & 4), bool(subfile & 1)
        tile_w, tile_h = _first(tags, _TAG_TILE_WIDTH), _first(tags, _TAG_TILE_HEIGHT)
        tiled = tile_w is not None and tile_h is not None and _TAG_TILE_OFFSETS in tags
        # GDAL writes an overview's mask right after the overview itself.
        if is_overview and not is_mask:
            overview_number += 1
        label = "full resolution"
        if is_overview:
            label = f"overview {overview_number}"
        if is_mask:
            label = "mask" if not is_overview else f"mask of overview {overview_number}"
        offsets = tags.get(_TAG_TILE_OFFSETS if tiled else _TAG_STRIP_OFFSETS, ())
        counts = tags.get(_TAG_TILE_BYTE_COUNTS if tiled else _TAG_STRIP_BYTE_COUNTS, ())
        overrun: tuple[int, int, int] | None = None
        if len(offsets) == len(counts):
            present = [(o, c) for o, c in zip(offsets, counts, strict=True) if o > 0 and c > 0]
            if present:
                lowest = min(o for o, _ in present)
                first_data = lowest if first_data is None else min(first_data, lowest)
            for index, (start, length) in enumerate(zip(offsets, counts, strict=True)):
                if length > 0 and start + length > size:
                    overrun = (index, start, start + length)
                    break
        images.append(
            TiffImage(
                label=label,
                width=width,
                height=height,
                block=(tile_w, tile_h) if tiled and tile_w and tile_h else None,
                is_mask=is_mask,
                is_overview=is_overview,
                overrun=overrun,
            )
        )
        offset = reader.unpack_uint(table[-next_size:])
    if not images and metadata_bytes <= _MAX_SCANNED_METADATA:
        raise reader.corrupt("it has no image directory")
    return TiffLayout(
        images=tuple(images),
        header_bytes=max(metadata_bytes, first_data or 0),
        file_size=size,
    )


def layout_findings(layout: TiffLayout, name: str) -> list[Finding]:
    """The ``header-size``, ``tiled``, ``block-size``, ``block-size-equal`` and (truncated
    files) ``data-readable`` rules, from the TIFF structure alone."""
    found: list[Finding] = []
    if layout.header_bytes > MAX_HEADER_BYTES:
        found.append(
            Finding(
                "header-size",
                f"File '{name}' has a {layout.header_bytes} byte header (image directories and "
                f"tag data), above the {MAX_HEADER_BYTES} byte (1 MB) limit; remove large "
                "metadata tags or split the raster into smaller files.",
            )
        )
    striped = [image for image in layout.images if image.block is None]
    if striped:
        image = striped[0]
        where = "" if image.label == "full resolution" else f" (its {image.label})"
        found.append(
            Finding(
                "tiled",
                f"File '{name}' is not internally tiled{where}: it stores pixels in strips; "
                f"{REWRITE_HINT}.",
            )
        )
    full = layout.images[0] if layout.images else None
    if full is not None and full.block is not None:
        block_w, block_h = full.block
        if not (
            MIN_BLOCK_SIZE <= block_w <= MAX_BLOCK_SIZE
            and MIN_BLOCK_SIZE <= block_h <= MAX_BLOCK_SIZE
        ):
            found.append(
                Finding(
                    "block-size",
                    f"File '{name}' has {block_w}x{block_h} px internal tiles; they must be "
                    f"between {MIN_BLOCK_SIZE}x{MIN_BLOCK_SIZE} and "
                    f"{MAX_BLOCK_SIZE}x{MAX_BLOCK_SIZE} px, so {REWRITE_HINT}.",
                )
            )
        for image in layout.images[1:]:
            if image.block is not None and image.block != full.block:
                found.append(
                    Finding(
                        "block-size-equal",
                        f"File '{name}' has {block_w}x{block_h} px internal tiles at full "
                        f"resolution but {image.block[0]}x{image.block[1]} px in its "
                        f"{image.label}; every level needs the same tile size, so "
                        f"{REWRITE_HINT}.",
                    )
                )
                break
    for image in layout.images:
        if image.overrun is not None:
            index, start, end = image.overrun
            kind = "internal tile" if image.block is not None else "strip"
            found.append(
                Finding(
                    "data-readable",
                    f"File '{name}' is truncated: {kind} {index} of its "
                    f"{_image_name(image.label)} occupies bytes {start}-{end - 1} but the file "
                    f"has only {layout.file_size} bytes; upload the whole file again.",
                )
            )
            break
    return found


def _image_name(label: str) -> str:
    return "full-resolution image" if label == "full resolution" else label


def overview_findings(layout: TiffLayout, name: str) -> list[Finding]:
    """The ``overviews`` warning: a file larger than 2048 px on a side without overviews."""
    full = layout.images[0] if layout.images else None
    if full is None or layout.overview_sizes:
        return []
    if max(full.width, full.height) <= LARGE_WITHOUT_OVERVIEWS:
        return []
    return [
        Finding(
            "overviews",
            f"File '{name}' is {full.width}x{full.height} px without overviews; zoomed-out "
            "requests will read it at full resolution (slow, and it lowers the collection's "
            f"maxMetersPerPixel), so {REWRITE_HINT}.",
            "warning",
        )
    ]


# -- CRS, poles, data types ----------------------------------------------------------------------


def crs_findings(epsg: int | None, has_crs: bool, name: str) -> list[Finding]:
    """The ``crs`` rule: the file has a CRS and it is one BYOC accepts."""
    if not has_crs:
        return [
            Finding(
                "crs",
                f"File '{name}' has no coordinate reference system; georeference it in one of "
                f"{_ALLOWED_TEXT}.",
            )
        ]
    if epsg not in ALLOWED_EPSG_CODES:
        shown = f"EPSG:{epsg}" if epsg else "a CRS without an EPSG code"
        return [
            Finding(
                "crs",
                f"File '{name}' is in {shown}, which BYOC does not accept; reproject it to "
                f"{_ALLOWED_TEXT}, e.g. with `gdalwarp -t_srs EPSG:4326`.",
            )
        ]
    return []


def pole_findings(south: float, north: float, name: str) -> list[Finding]:
    """The ``pole`` rule: the footprint's latitudes stay strictly between -90 and 90."""
    if math.isfinite(south) and math.isfinite(north) and south > -90.0 and north < 90.0:
        return []
    return [
        Finding(
            "pole",
            f"File '{name}' reaches or crosses a pole (latitudes {south:g} to {north:g}); BYOC "
            "files must stay clear of the poles, so crop it to end short of latitude 90 north "
            "or south.",
        )
    ]


def dtype_format(dtype: str) -> tuple[int, str] | None:
    """(bitDepth, sampleFormat) of a numpy dtype name, None when BYOC does not support it."""
    return DTYPE_FORMATS.get(dtype)


def dtype_findings(dtypes: Sequence[str], name: str) -> list[Finding]:
    """The ``data-type`` rule for each band of a file."""
    return [
        Finding(
            "data-type",
            f"File '{name}' stores band {index} as {dtype}, which BYOC does not support; "
            "convert it to 8, 16 or 32-bit integers or 32-bit floats "
            "(e.g. `gdal_translate -ot Float32 -of COG`).",
        )
        for index, dtype in enumerate(dtypes, start=1)
        if dtype_format(dtype) is None
    ]


# -- band names ----------------------------------------------------------------------------------

# Reserved words and a few globals that a band name must not shadow in an evalscript.
_JS_RESERVED_WORDS = """
    await break case catch class const continue debugger default delete do else enum export
    extends false finally for function if implements import in instanceof interface let new
    null package private protected public return static super switch this throw true try
    typeof var void while with yield arguments eval undefined NaN Infinity
"""
JS_RESERVED = frozenset(_JS_RESERVED_WORDS.split())


def js_identifier(text: str) -> str:
    """Turn text into a valid JavaScript identifier (ASCII letters, digits, ``_`` and ``$``).

    Other characters become ``_``, a leading digit gets a ``B`` prefix, a reserved word (or a
    global such as ``NaN``) gets a trailing ``_``, and empty text becomes ``band``.
    """
    name = re.sub(r"[^A-Za-z0-9_$]", "_", text) or "band"
    if name[0].isdigit():
        name = "B" + name
    if name in JS_RESERVED:
        name += "_"
    return name


def is_band_name(name: str) -> bool:
    """Whether ``name`` is a valid band name: an identifier that `js_identifier` leaves alone."""
    return js_identifier(name) == name


def band_name_findings(names: Iterable[str]) -> list[Finding]:
    """The ``band-name`` rule: valid JavaScript identifiers, no duplicates, at most 100."""
    found: list[Finding] = []
    seen: set[str] = set()
    listed = list(names)
    for name in listed:
        if not isinstance(name, str) or not is_band_name(name):
            found.append(
                Finding(
                    "band-name",
                    f"Band name {name!r} is not a valid JavaScript identifier (letters, digits, "
                    "'_' and '$', not starting with a digit, not a reserved word); evalscripts "
                    f"could not use it, so rename it, e.g. to {js_identifier(str(name))!r}.",
                )
            )
        elif name in seen:
            found.append(
                Finding("band-name", f"Band name {name!r} is used twice; give each band its own.")
            )
        seen.add(str(name))
    if len(listed) > MAX_BANDS:
        found.append(
            Finding(
                "band-name",
                f"{len(listed)} bands are more than the {MAX_BANDS} a collection may have; "
                "split them over several collections.",
            )
        )
    return found


# -- one file, every rule ------------------------------------------------------------------------


@dataclass(frozen=True)
class FileFacts:
    """What a file holds, as far as ingestion needs it (CRS units for bounds and resolution)."""

    crs_epsg: int
    bounds: tuple[float, float, float, float]
    res: tuple[float, float]
    width: int
    height: int
    overview_sizes: tuple[tuple[int, int], ...]
    dtypes: tuple[str, ...]
    nodata: tuple[float | None, ...]
    block: tuple[int, int] | None


@dataclass
class FileCheck:
    """The verdict on one file: findings in rule order, and its facts when they could be read."""

    findings: list[Finding] = field(default_factory=list)
    facts: FileFacts | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


@contextmanager
def open_raster(
    target: str | Path, name: str, *, overview_level: int | None = None
) -> Iterator[Any]:
    """Open with rasterio, ignoring sibling files (.ovr, .aux.xml, .msk) that could hold
    anything; ``overview_level`` (0 = the first overview) opens one overview as a dataset.
    Raises `RuleError` (rule ``geotiff``) when GDAL cannot open it."""
    import rasterio
    from rasterio.errors import NotGeoreferencedWarning, RasterioError

    options = {} if overview_level is None else {"overview_level": overview_level}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.Env(GDAL_DISABLE_READDIR_ON_OPEN="EMPTY_DIR", GDAL_PAM_ENABLED="NO"):
                src = rasterio.open(target, **options)
    except RasterioError as exc:
        raise RuleError(
            Finding(
                "geotiff", f"File '{name}' could not be read as a GeoTIFF ({exc}); {REWRITE_HINT}."
            )
        ) from exc
    try:
        yield src
    finally:
        src.close()


def _latitudes(src: Any, epsg: int, bounds: tuple[float, float, float, float]) -> tuple[float, ...]:
    from rasterio.errors import RasterioError
    from rasterio.warp import transform_bounds

    left, bottom, right, top = bounds
    if epsg == 4326:
        return bottom, top
    try:
        _, south, _, north = transform_bounds(src.crs, "EPSG:4326", left, bottom, right, top)
    except (RasterioError, ValueError):
        return math.nan, math.nan
    return float(south), float(north)


def _gdal_detail(exc: BaseException, target: str | Path) -> str:
    """GDAL's own words for a read error, without the path to the file."""
    cause = exc.__cause__ or exc
    detail = str(cause).rsplit(": ", 1)[-1].strip().rstrip(".")
    return "" if not detail or str(target) in detail else f": {detail}"


def _block_findings(
    src: Any, target: str | Path, name: str, label: str, level: TiffImage | None = None
) -> list[Finding]:
    """Decode every block of every band (and of the mask) of one image, one block of one band
    at a time, so that memory stays within one block (at most 2048 x 2048 samples).

    ``level`` (an overview of ``src``) is read through ``src`` itself: each of its blocks as a
    decimated read of the full-resolution window it covers, which GDAL serves from exactly that
    overview (its scale factor is the one requested), so no second dataset is opened.
    """
    from rasterio.enums import MaskFlags
    from rasterio.errors import RasterioError

    has_mask = any(MaskFlags.per_dataset in flags for flags in src.mask_flag_enums)
    for window in _level_windows(src, level):
        region: Any = window
        shape: tuple[int, int] | None = None
        if level is not None:
            region = _full_window(src, level, window)
            shape = (int(window.height), int(window.width))
        try:
            for band in range(1, src.count + 1):
                src.read(band, window=region, out_shape=shape)
            if has_mask:
                src.read_masks(1, window=region, out_shape=shape)
        except RasterioError as exc:
            return [
                Finding(
                    "data-readable",
                    f"File '{name}' has an internal tile that does not decode (the one at pixel "
                    f"column {int(window.col_off)}, row {int(window.row_off)} of its "
                    f"{label}{_gdal_detail(exc, target)}); the file is damaged, so upload it "
                    f"again or {REWRITE_HINT}.",
                )
            ]
    return []


def _level_windows(src: Any, level: TiffImage | None) -> Iterator[Any]:
    """The block windows of the full-resolution image (``level`` None) or of one overview, in
    the pixel grid of that image."""
    from rasterio.windows import Window

    if level is None:
        yield from (window for _, window in src.block_windows(1))
        return
    assert level.block is not None  # untiled levels stop at the ``tiled`` rule
    block_w, block_h = level.block
    for row in range(0, level.height, block_h):
        for col in range(0, level.width, block_w):
            yield Window(
                col, row, min(block_w, level.width - col), min(block_h, level.height - row)
            )


def _full_window(src: Any, level: TiffImage, window: Any) -> Any:
    """The full-resolution window (fractional) that ``window`` of overview ``level`` covers."""
    from rasterio.windows import Window

    fx, fy = src.width / level.width, src.height / level.height
    return Window(window.col_off * fx, window.row_off * fy, window.width * fx, window.height * fy)


def decode_findings(
    src: Any,
    target: str | Path,
    name: str,
    overviews: int,
    *,
    layout: TiffLayout | None = None,
) -> list[Finding]:
    """The ``data-readable`` rule on the data itself: every internal tile of the open
    full-resolution image ``src`` and of its ``overviews`` overviews decodes.

    With the file's ``layout`` the overviews are read through ``src`` (one open per file);
    without it each overview is opened in turn as a dataset of its own.
    """
    found = _block_findings(src, target, name, "full-resolution image")
    images = layout.images if layout is not None else ()
    levels = [image for image in images if image.is_overview and not image.is_mask]
    for level in range(overviews):
        if found:
            break
        label = f"overview {level + 1}"
        if level < len(levels) and levels[level].block is not None:
            found = _block_findings(src, target, name, label, levels[level])
            continue
        with open_raster(target, name, overview_level=level) as overview:
            found = _block_findings(overview, target, name, label)
    return found


def check_file(
    path: str | Path,
    name: str | None = None,
    *,
    opener: Any = None,
    read_data: bool = True,
) -> FileCheck:
    """Run every file rule on one GeoTIFF and gather its facts.

    Args:
        path: the file (a local path, or a GDAL path such as ``/vsicurl/https://...``).
        name: how messages name the file (default: ``path``).
        opener: a function returning ``(binary file, size)`` for the TIFF structure reader
            (default: the local file); lets `validate_cog` read remote headers by range.
        read_data: also decode every internal tile of every level, one block of one band at a
            time (``data-readable``; the emulator's ingestion does, like the service).

    Findings come in rule order; the first error is what the emulator reports as the tile's
    ``failedIngestionCause``. Rules after a file that is not a TIFF, or that GDAL cannot
    open, are not judged.
    """
    label = str(path) if name is None else name
    check = FileCheck()
    try:
        if opener is None:
            size = Path(path).stat().st_size
            with Path(path).open("rb") as fh:
                layout = read_tiff_layout(fh, size, label)
        else:
            fh, size = opener()
            with fh:
                layout = read_tiff_layout(fh, size, label)
        check.findings.extend(layout_findings(layout, label))
        with open_raster(path, label) as src:
            if src.driver != "GTiff":
                check.findings.append(
                    Finding(
                        "geotiff",
                        f"File '{label}' opens as {src.driver}, not as a GeoTIFF; {REWRITE_HINT}.",
                    )
                )
                return check
            epsg = src.crs.to_epsg() if src.crs is not None else None
            check.findings.extend(crs_findings(epsg, src.crs is not None, label))
            left, bottom, right, top = (float(v) for v in src.bounds)
            bounds = (min(left, right), min(bottom, top), max(left, right), max(bottom, top))
            transform = src.transform
            res = (math.hypot(transform.a, transform.d), math.hypot(transform.b, transform.e))
            if src.crs is not None and epsg in ALLOWED_EPSG_CODES:
                south, north = _latitudes(src, epsg, bounds)
                check.findings.extend(pole_findings(south, north, label))
            dtypes = tuple(str(d) for d in src.dtypes)
            check.findings.extend(dtype_findings(dtypes, label))
            truncated = any(f.rule == "data-readable" for f in check.findings)
            if read_data and not truncated and not check.errors:
                overviews = len(layout.overview_sizes)
                check.findings.extend(decode_findings(src, path, label, overviews, layout=layout))
            check.findings.extend(overview_findings(layout, label))
            check.facts = FileFacts(
                crs_epsg=epsg or 0,
                bounds=bounds,
                res=res,
                width=int(src.width),
                height=int(src.height),
                overview_sizes=layout.overview_sizes,
                dtypes=dtypes,
                nodata=tuple(None if v is None else float(v) for v in src.nodatavals),
                block=layout.images[0].block if layout.images else None,
            )
    except RuleError as stop:
        check.findings.append(stop.finding)
    return check

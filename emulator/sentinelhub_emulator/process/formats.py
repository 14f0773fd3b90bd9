"""The one table of output formats: Process, Async Process and Batch all read it.

Each row says, for one media type: its file extension (tar members, async and batch files),
which services accept it (``process`` covers Process and Async Process), whether it carries the
evalscript's userdata instead of an output's bands, whether it is a GeoTIFF (a FLOAT32 one costs
double processing units; Batch reads its bands, lays it out as a COG and feeds collections from
it) and its encoder with its band and sample-type rules. Adding a format is adding a row here.

Band and sample-type rules: TIFF takes any band count and sample type and is georeferenced (the
request's CRS and grid; ``nodataValue`` becomes the GDAL nodata tag). PNG takes 1 (grey),
2 (grey + alpha), 3 (RGB) or 4 (RGBA) bands of UINT8 / AUTO, and single-band UINT16. JPEG takes
1 or 3 bands of UINT8 / AUTO. Anything else is a 400 naming the output.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from PIL import Image
from rasterio.io import MemoryFile

from sentinelhub_emulator.core.errors import bad_payload

if TYPE_CHECKING:
    from sentinelhub_emulator.process.request import Grid

__all__ = [
    "BATCH_DEFAULT",
    "FORMATS",
    "PROCESS_DEFAULT",
    "EncodeOptions",
    "OutputFormat",
    "batch_types",
    "extension",
    "is_geotiff",
    "process_types",
    "userdata_types",
]

#: The format of a Process / Async response that names none.
PROCESS_DEFAULT = "image/png"
#: The format of a Batch output that names none.
BATCH_DEFAULT = "image/tiff"


@dataclass(frozen=True)
class EncodeOptions:
    """What an encoder needs besides the bands (count, height, width)."""

    grid: Grid
    identifier: str
    sample_type: str
    quality: int
    nodata: float | None
    #: The request field a refusal names.
    parameter: str


#: Bands (count, height, width) in the output's sample type -> the file's bytes.
Encoder = Callable[[npt.NDArray[Any], EncodeOptions], bytes]


@dataclass(frozen=True)
class OutputFormat:
    """One output format and everything the services need to know about it."""

    mime_type: str
    extension: str
    #: Accepted as a Process and Async Process response format.
    process: bool
    #: Accepted as a Batch output format.
    batch: bool
    #: Carries the evalscript's userdata (and only it does), not an output's bands.
    userdata: bool = False
    #: A GeoTIFF: FLOAT32 costs double processing units; Batch reads its bands, lays it out as a
    #: COG and builds collections from it.
    geotiff: bool = False
    #: Encodes an output's bands (None: the format carries no bands).
    encode: Encoder | None = None


def _tiff(bands: npt.NDArray[Any], options: EncodeOptions) -> bytes:
    count, height, width = bands.shape
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": bands.dtype.name,
        "crs": options.grid.crs,
        "transform": options.grid.transform,
        "compress": "deflate",
        "zlevel": 1,  # fast: level 6 costs more than rendering the pixels
        "tiled": width >= 256 and height >= 256,
    }
    if options.nodata is not None:
        profile["nodata"] = options.nodata
    with MemoryFile() as memfile:
        with memfile.open(**profile) as dataset:
            dataset.write(bands)
        return bytes(memfile.read())


def _eight_bit(bands: npt.NDArray[Any], options: EncodeOptions, name: str, **save: Any) -> bytes:
    # Pillow infers L, LA, RGB or RGBA from the shape of 8-bit pixels.
    count = bands.shape[0]
    pixels = bands[0] if count == 1 else np.moveaxis(bands, 0, -1)
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format=name, **save)
    return buffer.getvalue()


def _png(bands: npt.NDArray[Any], options: EncodeOptions) -> bytes:
    count, sample_type = bands.shape[0], options.sample_type
    if count == 1 and sample_type == "UINT16":
        buffer = io.BytesIO()
        Image.fromarray(bands[0].astype(np.uint16)).save(buffer, format="PNG")
        return buffer.getvalue()
    if sample_type not in ("UINT8", "AUTO") or count not in (1, 2, 3, 4):
        raise bad_payload(
            options.parameter,
            f"output {options.identifier!r} has {count} band(s) of {sample_type}; PNG takes 1 "
            "to 4 bands of UINT8 or AUTO (or 1 band of UINT16); use image/tiff",
        )
    return _eight_bit(bands, options, "PNG")


def _jpeg(bands: npt.NDArray[Any], options: EncodeOptions) -> bytes:
    count, sample_type = bands.shape[0], options.sample_type
    if sample_type not in ("UINT8", "AUTO") or count not in (1, 3):
        raise bad_payload(
            options.parameter,
            f"output {options.identifier!r} has {count} band(s) of {sample_type}; JPEG takes 1 "
            "or 3 bands of UINT8 or AUTO; use image/png or image/tiff",
        )
    return _eight_bit(bands, options, "JPEG", quality=options.quality)


#: Every output format, by media type (in the order error messages list them).
FORMATS: dict[str, OutputFormat] = {
    fmt.mime_type: fmt
    for fmt in (
        OutputFormat("image/png", "png", process=True, batch=False, encode=_png),
        OutputFormat("image/jpeg", "jpg", process=True, batch=False, encode=_jpeg),
        OutputFormat("image/tiff", "tif", process=True, batch=True, geotiff=True, encode=_tiff),
        OutputFormat("application/json", "json", process=True, batch=True, userdata=True),
    )
}


def process_types() -> tuple[str, ...]:
    """The media types Process and Async Process answer in."""
    return tuple(mime for mime, fmt in FORMATS.items() if fmt.process)


def batch_types() -> tuple[str, ...]:
    """The media types a Batch output can have."""
    return tuple(mime for mime, fmt in FORMATS.items() if fmt.batch)


def userdata_types() -> tuple[str, ...]:
    """The media types that carry userdata."""
    return tuple(mime for mime, fmt in FORMATS.items() if fmt.userdata)


def extension(mime_type: str) -> str:
    """The file extension (no dot) of a registered format."""
    return FORMATS[mime_type].extension


def is_geotiff(mime_type: str) -> bool:
    """True when the (registered) format is a GeoTIFF."""
    return FORMATS[mime_type].geotiff

"""Turning evalscript results into response bytes: sample types, TIFF, PNG, JPEG, JSON, tar.

Sample types: integer types round half up (``floor(v + 0.5)``, as JavaScript's ``Math.round``),
then clamp to the type's range; NaN becomes 0. ``AUTO`` maps 0..1 onto 0..255 the same way
(``floor(v * 255 + 0.5)``, clamped) and gives UINT8. ``FLOAT32`` is written as is.

Formats: TIFF takes any band count and sample type and is georeferenced (the request's CRS and
grid; ``nodataValue`` becomes the GDAL nodata tag). PNG takes 1 (grey), 2 (grey + alpha),
3 (RGB) or 4 (RGBA) bands of UINT8 / AUTO, and single-band UINT16. JPEG takes 1 or 3 bands of
UINT8 / AUTO. Anything else is a 400 naming the output.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image
from rasterio.io import MemoryFile

from sentinelhub_emulator.core.errors import bad_payload
from sentinelhub_emulator.process.request import FORMATS, Grid

__all__ = ["convert_samples", "encode_image", "encode_json", "encode_tar"]

_INTEGER_TYPES: dict[str, type[np.integer[Any]]] = {
    "INT8": np.int8,
    "UINT8": np.uint8,
    "INT16": np.int16,
    "UINT16": np.uint16,
}


def convert_samples(
    values: npt.NDArray[np.float64], sample_type: str, *, in_place: bool = False
) -> npt.NDArray[Any]:
    """Evalscript results (any float) in the output's sample type, as a new array.

    With ``in_place`` the computation overwrites ``values`` instead of allocating temporaries
    (for large rasters the temporaries cost more than the evalscript).
    """
    if sample_type == "FLOAT32":
        return values.astype(np.float32)
    work = values if in_place else values.copy()
    dtype: np.dtype[Any]
    if sample_type == "AUTO":
        work *= 255.0
        low, high, dtype = 0, 255, np.dtype(np.uint8)
    else:
        dtype = np.dtype(_INTEGER_TYPES[sample_type])
        info = np.iinfo(dtype)
        low, high = info.min, info.max
    work += 0.5
    np.floor(work, out=work)
    np.clip(work, low, high, out=work)
    np.nan_to_num(work, copy=False, nan=0.0)
    return work.astype(dtype)


def _tiff(bands: npt.NDArray[Any], grid: Grid, nodata: float | None) -> bytes:
    count, height, width = bands.shape
    profile: dict[str, Any] = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": count,
        "dtype": bands.dtype.name,
        "crs": grid.crs,
        "transform": grid.transform,
        "compress": "deflate",
        "zlevel": 1,  # fast: level 6 costs more than rendering the pixels
        "tiled": width >= 256 and height >= 256,
    }
    if nodata is not None:
        profile["nodata"] = nodata
    with MemoryFile() as memfile:
        with memfile.open(**profile) as dataset:
            dataset.write(bands)
        return bytes(memfile.read())


def encode_image(
    bands: npt.NDArray[Any],
    mime_type: str,
    *,
    grid: Grid,
    identifier: str,
    sample_type: str,
    quality: int,
    nodata: float | None,
    parameter: str,
) -> bytes:
    """One output's bands (count, height, width) in the sample type, as TIFF, PNG or JPEG."""
    if mime_type == "image/tiff":
        return _tiff(bands, grid, nodata)
    count = bands.shape[0]
    name = "PNG" if mime_type == "image/png" else "JPEG"
    eight_bit = sample_type in ("UINT8", "AUTO")
    buffer = io.BytesIO()
    if mime_type == "image/png":
        if count == 1 and sample_type == "UINT16":
            Image.fromarray(bands[0].astype(np.uint16)).save(buffer, format="PNG")
            return buffer.getvalue()
        if not eight_bit or count not in (1, 2, 3, 4):
            raise bad_payload(
                parameter,
                f"output {identifier!r} has {count} band(s) of {sample_type}; PNG takes 1 to 4 "
                "bands of UINT8 or AUTO (or 1 band of UINT16); use image/tiff",
            )
        # Pillow infers L, LA, RGB or RGBA from the shape of 8-bit pixels.
        pixels = bands[0] if count == 1 else np.moveaxis(bands, 0, -1)
        Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="PNG")
        return buffer.getvalue()
    if not eight_bit or count not in (1, 3):
        raise bad_payload(
            parameter,
            f"output {identifier!r} has {count} band(s) of {sample_type}; {name} takes 1 or 3 "
            "bands of UINT8 or AUTO; use image/png or image/tiff",
        )
    pixels = bands[0] if count == 1 else np.moveaxis(bands, 0, -1)
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()


def encode_json(value: Any) -> bytes:
    """The userdata response (``null`` when the evalscript set none)."""
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def encode_tar(members: Sequence[tuple[str, str, bytes]]) -> bytes:
    """A tar of ``<identifier>.<ext>`` members from (identifier, mime type, bytes)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for identifier, mime_type, data in members:
            info = tarfile.TarInfo(f"{identifier}.{FORMATS[mime_type]}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()

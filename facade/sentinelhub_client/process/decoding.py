"""Turning Process responses into Python values, as sentinelhub-py does.

=================  ==========================================================================
format             decoded as
=================  ==========================================================================
``image/tiff``     a numpy array ``(height, width)`` for one band, ``(height, width, bands)``
                   for several, in the TIFF's own sample type (uint8, int16, float32, ...);
                   read with tifffile, or rasterio for compressions tifffile cannot read
                   without imagecodecs (LZW, ZSTD)
``image/png``      a numpy array from Pillow (uint8, or uint16 for 16-bit grey); 16-bit
                   colour PNGs, which Pillow reduces to 8 bits, are read with rasterio
``image/jpeg``     a numpy array of uint8 from Pillow
``application/     the parsed JSON (an empty body gives ``""``, as in sentinelhub-py)
json``
``application/     a dict ``{member name: decoded member}`` such as ``{"default.tif": array,
x-tar``            "userdata.json": {...}}``; members are decoded by extension and never
                   written to disk
=================  ==========================================================================

numpy, tifffile and Pillow come with the ``process`` extra (``pip install
"sentinelhub-client[process]"``); they are imported only when something is decoded. Without
them, decoding an image raises an `ImportError` (``MissingExtraError``) naming the extra and the
pip command (JSON and the tar itself decode without them).
"""

from __future__ import annotations

import io
import json
import struct
import tarfile
import warnings
from typing import TYPE_CHECKING, Any

from sentinelhub_client._core.errors import SentinelHubError
from sentinelhub_client._core.extras import translate_missing
from sentinelhub_client.process.builders import MimeType

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["DecodingError", "decode", "decode_image", "decode_tar", "decode_tiff", "format_of_name"]


class DecodingError(SentinelHubError, ValueError):
    """A response body could not be decoded in its announced format."""


def format_of_name(name: str) -> MimeType | None:
    """The format of a tar member from its extension (None when unknown)."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    try:
        return MimeType.parse(suffix)
    except ValueError:
        return None


def decode(content: bytes, mime_type: MimeType | str) -> Any:
    """``content`` decoded per ``mime_type`` (see the module docstring)."""
    mime = MimeType.parse(mime_type, "mime_type")
    if mime is MimeType.JSON:
        text = content.decode("utf-8")
        if not text.strip():
            return ""
        try:
            return json.loads(text)
        except ValueError as exc:
            raise DecodingError(f"the response is not valid JSON: {exc}") from exc
    if mime is MimeType.TAR:
        return decode_tar(content)
    if mime is MimeType.TIFF:
        return decode_tiff(content)
    return decode_image(content)


def decode_tar(content: bytes) -> dict[str, Any]:
    """Every regular file of a tar archive, decoded by its extension (raw bytes when unknown)."""
    result: dict[str, Any] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(content), mode="r:*") as archive:
            for member in archive.getmembers():
                if not member.isfile():
                    continue
                handle = archive.extractfile(member)
                if handle is None:  # pragma: no cover - isfile() members always have data
                    continue
                data = handle.read()
                fmt = format_of_name(member.name)
                result[member.name] = (
                    data if fmt is None or fmt is MimeType.TAR else decode(data, fmt)
                )
    except tarfile.TarError as exc:
        raise DecodingError(f"the response is not a valid tar archive: {exc}") from exc
    return result


def decode_tiff(content: bytes) -> npt.NDArray[Any]:
    """A TIFF as ``(height, width[, bands])`` in its own sample type."""
    with translate_missing("decoding a TIFF response", "process"):
        import numpy as np
        import tifffile

    try:
        with tifffile.TiffFile(io.BytesIO(content)) as tiff:
            series = tiff.series[0]
            array = series.asarray()
            axes = series.axes
    except (ValueError, ImportError) as exc:
        # tifffile needs imagecodecs for LZW, ZSTD, ...; GDAL (rasterio) reads them all.
        if "imagecodecs" in str(exc) or isinstance(exc, ImportError):
            return _decode_with_rasterio(content, exc)
        raise DecodingError(f"the response is not a readable TIFF: {exc}") from exc
    except Exception as exc:  # tifffile raises TiffFileError and others on broken files
        raise DecodingError(f"the response is not a readable TIFF: {exc}") from exc
    if "S" in axes and axes.index("S") != len(axes) - 1:  # planar: bands first
        array = np.moveaxis(array, axes.index("S"), -1)
    result: npt.NDArray[Any] = np.ascontiguousarray(array)
    return result


def _decode_with_rasterio(content: bytes, cause: Exception) -> npt.NDArray[Any]:
    # GDAL reads what tifffile cannot without imagecodecs (which would do too).
    with translate_missing(f"decoding this image ({cause})", "geo"):
        import numpy as np
        from rasterio.errors import NotGeoreferencedWarning
        from rasterio.io import MemoryFile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        try:
            with MemoryFile(content) as memory, memory.open() as dataset:
                bands = dataset.read()
        except Exception as exc:  # rasterio raises RasterioIOError and others
            raise DecodingError(f"the response is not a readable image: {exc}") from exc
    array = bands[0] if bands.shape[0] == 1 else np.moveaxis(bands, 0, -1)
    result: npt.NDArray[Any] = np.ascontiguousarray(array)
    return result


def _png_is_wide_colour(content: bytes) -> bool:
    """True for a PNG with 16-bit colour samples (IHDR bit depth 16, colour type 2, 4 or 6)."""
    if not content.startswith(b"\x89PNG\r\n\x1a\n") or len(content) < 26:
        return False
    bit_depth, colour_type = struct.unpack(">BB", content[24:26])
    return bit_depth == 16 and colour_type in (2, 4, 6)


def decode_image(content: bytes) -> npt.NDArray[Any]:
    """A PNG or JPEG as ``(height, width[, channels])``."""
    if _png_is_wide_colour(content):
        return _decode_with_rasterio(
            content, ValueError("Pillow reads 16-bit colour PNGs as 8-bit")
        )
    with translate_missing("decoding a PNG or JPEG response", "process"):
        import numpy as np
        from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                array: np.ndarray[Any, Any] = np.array(image)
    except Exception as exc:  # Pillow raises UnidentifiedImageError, OSError, ...
        raise DecodingError(f"the response is not a readable image: {exc}") from exc
    return array

"""Turning evalscript results into response bytes: sample types, image formats, JSON, tar.

Sample types: integer types round half up (``floor(v + 0.5)``, as JavaScript's ``Math.round``),
then clamp to the type's range; NaN becomes 0. ``AUTO`` maps 0..1 onto 0..255 the same way
(``floor(v * 255 + 0.5)``, clamped) and gives UINT8. ``FLOAT32`` is written as is.

Formats, their encoders and their band and sample-type rules are rows of the one table in
`sentinelhub_emulator.process.formats`.
"""

from __future__ import annotations

import io
import json
import tarfile
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from sentinelhub_emulator.core.errors import bad_payload
from sentinelhub_emulator.process.formats import (
    FORMATS,
    PROCESS_DEFAULT,
    EncodeOptions,
    extension,
)
from sentinelhub_emulator.process.request import Grid

__all__ = [
    "convert_samples",
    "encode_image",
    "encode_json",
    "encode_tar",
    "js_sample_converter",
    "sample_dtype",
]

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


def sample_dtype(sample_type: str) -> np.dtype[Any]:
    """The numpy type of an output's samples once converted (float64: no conversion)."""
    if sample_type == "FLOAT32":
        return np.dtype(np.float32)
    if sample_type == "AUTO":
        return np.dtype(np.uint8)
    if sample_type in _INTEGER_TYPES:
        return np.dtype(_INTEGER_TYPES[sample_type])
    return np.dtype(np.float64)


def js_sample_converter(sample_type: str, name: str) -> str:
    """A JavaScript function ``name(x)`` whose result, stored into a typed array of
    `sample_dtype`, is what `convert_samples` makes of the number ``x``.

    The same IEEE operations in the same order: ``AUTO`` multiplies by 255, then ``v + 0.5``,
    floor, clamp, NaN to 0. For unsigned types the floor is the store's own truncation (equal
    for the non-negative values left after clamping; faster than ``Math.floor`` in V8). FLOAT32
    and raw float64 results (any other name) pass unchanged: a Float32Array store rounds to
    nearest as numpy's cast does.
    """
    if sample_type == "AUTO":
        return (
            f"function {name}(x) {{ x = x * 255 + 0.5; return x >= 0 ? (x <= 255 ? x : 255) : 0; }}"
        )
    if sample_type not in _INTEGER_TYPES:
        return f"function {name}(x) {{ return x; }}"
    info = np.iinfo(_INTEGER_TYPES[sample_type])
    low, high = int(info.min), int(info.max)
    if low == 0:
        return (
            f"function {name}(x) {{ x = x + 0.5; return x >= 0 ? (x <= {high} ? x : {high}) : 0; }}"
        )
    return (
        f"function {name}(x) {{ if (x !== x) return 0; x = Math.floor(x + 0.5);"
        f" return x < {low} ? {low} : (x > {high} ? {high} : x); }}"
    )


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
    """One output's bands (count, height, width) in the sample type, in a registered format."""
    encoder = FORMATS[mime_type].encode
    if encoder is None:
        raise bad_payload(parameter, f"{mime_type} carries no bands; use {PROCESS_DEFAULT}")
    options = EncodeOptions(grid, identifier, sample_type, quality, nodata, parameter)
    return encoder(bands, options)


def encode_json(value: Any) -> bytes:
    """The userdata response (``null`` when the evalscript set none)."""
    return json.dumps(value, separators=(",", ":")).encode("utf-8")


def encode_tar(members: Sequence[tuple[str, str, bytes]]) -> bytes:
    """A tar of ``<identifier>.<ext>`` members from (identifier, mime type, bytes)."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for identifier, mime_type, data in members:
            info = tarfile.TarInfo(f"{identifier}.{extension(mime_type)}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()

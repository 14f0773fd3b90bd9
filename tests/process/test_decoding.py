"""Decoding real TIFF, PNG, JPEG, tar and JSON bytes made here with rasterio, Pillow and numpy."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from sentinelhub.constants import MimeType as TheirMimeType
from sentinelhub.decoding import decode_data as their_decode
from sentinelhub_client.process import DecodingError, MimeType
from sentinelhub_client.process.decoding import decode, format_of_name

from .conftest import geotiff, pillow_image, rasterio_png, sample_bands, tar_of


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "int16", "int8", "float32", "int32"])
@pytest.mark.parametrize("count", [1, 3, 5])
def test_tiff_keeps_sample_type_and_puts_bands_last(dtype: str, count: int) -> None:
    bands = sample_bands(count, 6, 5, dtype)
    array = decode(geotiff(bands), MimeType.TIFF)
    assert array.dtype == np.dtype(dtype)
    expected = bands[0] if count == 1 else np.moveaxis(bands, 0, -1)
    assert array.shape == expected.shape
    np.testing.assert_array_equal(array, expected)


@pytest.mark.parametrize(
    ("compress", "interleave"),
    [
        (None, "pixel"),
        ("deflate", "band"),
        ("packbits", "pixel"),
        ("lzw", "pixel"),
        ("lzw", "band"),
    ],
)
def test_tiff_layouts_and_compressions(compress: str | None, interleave: str) -> None:
    bands = sample_bands(3, 7, 4, "uint16")
    array = decode(geotiff(bands, compress=compress, interleave=interleave), "image/tiff")
    np.testing.assert_array_equal(array, np.moveaxis(bands, 0, -1))
    assert array.flags["C_CONTIGUOUS"]


def test_tiff_matches_sentinelhub_py_for_pixel_interleaved_files() -> None:
    content = geotiff(sample_bands(4, 3, 3, "float32"))
    np.testing.assert_array_equal(
        decode(content, MimeType.TIFF), their_decode(content, TheirMimeType.TIFF)
    )


@pytest.mark.parametrize(
    ("array", "fmt"),
    [
        (sample_bands(1, 6, 5, "uint8")[0], "PNG"),
        (np.moveaxis(sample_bands(3, 6, 5, "uint8"), 0, -1), "PNG"),
        (np.moveaxis(sample_bands(4, 6, 5, "uint8"), 0, -1), "PNG"),
        (sample_bands(1, 6, 5, "uint16")[0], "PNG"),
    ],
    ids=["grey8", "rgb8", "rgba8", "grey16"],
)
def test_png_exact(array: np.ndarray[Any, Any], fmt: str) -> None:
    decoded = decode(pillow_image(array, fmt), MimeType.PNG)
    assert decoded.dtype == array.dtype
    np.testing.assert_array_equal(decoded, array)


def test_png_16_bit_colour_keeps_16_bits() -> None:
    bands = sample_bands(3, 6, 5, "uint16") * 50
    decoded = decode(rasterio_png(bands), MimeType.PNG)
    assert decoded.dtype == np.uint16
    np.testing.assert_array_equal(decoded, np.moveaxis(bands, 0, -1))
    assert decoded.max() > 255


def test_jpeg_is_uint8_height_width_channels() -> None:
    smooth = np.zeros((16, 24, 3), dtype=np.uint8)
    smooth[..., 0] = 200
    smooth[..., 1] = np.linspace(0, 255, 24, dtype=np.uint8)[None, :]
    smooth[..., 2] = 40
    decoded = decode(pillow_image(smooth, "JPEG", quality=95), MimeType.JPEG)
    assert decoded.dtype == np.uint8
    assert decoded.shape == (16, 24, 3)
    assert np.abs(decoded.astype(int) - smooth.astype(int)).max() <= 12
    grey = decode(pillow_image(smooth[..., 0], "JPEG"), "jpg")
    assert grey.shape == (16, 24)


def test_json_and_empty_json() -> None:
    assert decode(b'{"scenes": [{"date": "2024-05-01"}], "n": 1.5}', MimeType.JSON) == {
        "scenes": [{"date": "2024-05-01"}],
        "n": 1.5,
    }
    assert decode(b"", MimeType.JSON) == ""
    with pytest.raises(DecodingError, match="JSON"):
        decode(b"{broken", MimeType.JSON)


def test_tar_members_decoded_by_extension_like_sentinelhub_py() -> None:
    bands = sample_bands(2, 4, 4, "float32")
    mask = np.arange(16, dtype=np.uint8).reshape(4, 4)
    content = tar_of(
        {
            "default.tif": geotiff(bands),
            "mask.png": pillow_image(mask, "PNG"),
            "userdata.json": json.dumps({"tiles": 3}).encode(),
            "notes.bin": b"\x00\x01",
        }
    )
    decoded = decode(content, MimeType.TAR)
    assert list(decoded) == ["default.tif", "mask.png", "userdata.json", "notes.bin"]
    np.testing.assert_array_equal(decoded["default.tif"], np.moveaxis(bands, 0, -1))
    np.testing.assert_array_equal(decoded["mask.png"], mask)
    assert decoded["userdata.json"] == {"tiles": 3}
    assert decoded["notes.bin"] == b"\x00\x01"
    theirs = their_decode(
        tar_of({"default.tif": geotiff(bands), "userdata.json": b'{"a": 1}'}), TheirMimeType.TAR
    )
    ours = decode(
        tar_of({"default.tif": geotiff(bands), "userdata.json": b'{"a": 1}'}), "application/tar"
    )
    assert set(theirs) == set(ours)
    np.testing.assert_array_equal(theirs["default.tif"], ours["default.tif"])
    assert theirs["userdata.json"] == ours["userdata.json"]


@pytest.mark.parametrize(
    ("content", "fmt"),
    [
        (b"not a tiff at all", MimeType.TIFF),
        (b"\x89PNG\r\n\x1a\nbroken", MimeType.PNG),
        (b"nothing", MimeType.JPEG),
        (b"nothing like a tar archive" * 30, MimeType.TAR),
    ],
)
def test_broken_bodies_raise_a_decoding_error(content: bytes, fmt: MimeType) -> None:
    with pytest.raises(DecodingError):
        decode(content, fmt)


def test_format_of_name() -> None:
    assert format_of_name("default.tif") is MimeType.TIFF
    assert format_of_name("a.TIFF") is MimeType.TIFF
    assert format_of_name("x.jpeg") is MimeType.JPEG
    assert format_of_name("userdata.json") is MimeType.JSON
    assert format_of_name("README") is None
    assert format_of_name("x.gif") is None


def test_importing_the_package_loads_no_decoder() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sentinelhub_client, sentinelhub_client.process; "
        "heavy = {'numpy', 'tifffile', 'PIL', 'rasterio', 'shapely'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter, a fixed program
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"

"""`processing._as_is`: when a tile's TIFF from the renderer is written unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from affine import Affine
from rasterio.crs import CRS
from rasterio.io import MemoryFile
from sentinelhub_emulator.batch.processing import _as_is

EPSG = 32633
TRANSFORM = Affine(20.0, 0.0, 400_000.0, 0.0, -20.0, 5_200_000.0)


@dataclass(frozen=True)
class Grid:
    epsg: int
    transform: Affine
    width: int
    height: int


@dataclass(frozen=True)
class Rendered:
    identifier: str
    mime_type: str
    data: bytes
    grid: Any = None
    bands: Any = None


def _tiff(transform: Affine, epsg: int = EPSG, size: tuple[int, int] = (50, 40)) -> bytes:
    width, height = size
    with MemoryFile() as memfile:
        with memfile.open(
            driver="GTiff",
            width=width,
            height=height,
            count=2,
            dtype="uint16",
            crs=CRS.from_epsg(epsg),
            transform=transform,
        ) as dataset:
            dataset.write(np.ones((2, height, width), dtype=np.uint16))
        return bytes(memfile.read())


def test_the_engine_s_own_description_decides_without_opening_the_tiff() -> None:
    # The bytes are not a TIFF at all: only the description can answer.
    same = Rendered("default", "image/tiff", b"", Grid(EPSG, TRANSFORM, 50, 40), (2, "uint16"))
    assert _as_is(same, TRANSFORM, EPSG, 50, 40) == (2, "uint16")
    assert _as_is(same, TRANSFORM, EPSG, 50, 41) is None
    assert _as_is(same, TRANSFORM, 32634, 50, 40) is None
    assert _as_is(same, TRANSFORM @ Affine.translation(1, 0), EPSG, 50, 40) is None


@pytest.mark.parametrize(
    ("transform", "epsg", "expected"),
    [
        (TRANSFORM, EPSG, (2, "uint16")),
        (TRANSFORM @ Affine.translation(0, 1), EPSG, None),
        (TRANSFORM, 32634, None),
    ],
)
def test_a_renderer_without_a_description_has_its_tiff_read(
    transform: Affine, epsg: int, expected: tuple[int, str] | None
) -> None:
    rendered = Rendered("default", "image/tiff", _tiff(transform, epsg))
    assert _as_is(rendered, TRANSFORM, EPSG, 50, 40) == expected


def test_unreadable_bytes_without_a_description_are_not_as_is() -> None:
    assert _as_is(Rendered("default", "image/tiff", b"not a tiff"), TRANSFORM, EPSG, 50, 40) is None

"""Fixtures for the ingestion engine tests: a bucket folder and a COG factory writing into it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sentinelhub_emulator.samples import write_cog

#: 512 x 512 pixels of 10 m in UTM zone 33N (around 45.15 N, 15.03 E).
UTM_EPSG = 32633
UTM_BOUNDS = (500_000.0, 5_000_000.0, 505_120.0, 5_005_120.0)

MakeCog = Callable[..., Path]


@pytest.fixture
def bucket(tmp_path: Path) -> Path:
    """An empty bucket folder (inside tmp_path, so that tests can also write outside it)."""
    folder = tmp_path / "bucket"
    folder.mkdir()
    return folder


@pytest.fixture
def make_cog(bucket: Path) -> MakeCog:
    """Write a COG at a bucket-relative path; defaults: 512 x 512 uint16 at 10 m in UTM 33N."""

    def make(rel: str, **options: Any) -> Path:
        settings: dict[str, Any] = {
            "crs_epsg": UTM_EPSG,
            "bounds": UTM_BOUNDS,
            "width": 512,
            "height": 512,
        }
        settings.update(options)
        return write_cog(bucket / rel, **settings)

    return make

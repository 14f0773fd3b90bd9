"""`check_file` opens a file once with rasterio: the overviews' tiles are decoded through the
full-resolution dataset, and a damaged tile at any level is still found and named."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import rasterio
from sentinelhub_client.cog import rules
from sentinelhub_emulator.samples import write_cog


def _cog(path: Path, width: int = 1000, height: int = 777) -> Path:
    # Overviews of 500 x 388 (2 x 2 blocks of 256 px) and 250 x 194 px (one block).
    return write_cog(
        path,
        crs_epsg=32633,
        bounds=(500000.0, 5000000.0, 500000.0 + 10 * width, 5000000.0 + 10 * height),
        width=width,
        height=height,
        count=2,
        fill="noise",
    )


def _damage(path: Path, overview: int | None, block: tuple[int, int]) -> None:
    """Zero the start of the internal tile at block ``(column, row)`` of one level."""
    options = {} if overview is None else {"overview_level": overview}
    with rasterio.open(path, **options) as src:
        tag = f"BLOCK_OFFSET_{block[0]}_{block[1]}"
        offset = int(src.get_tag_item(tag, "TIFF", bidx=1))
    with path.open("r+b") as fh:
        fh.seek(offset)
        fh.write(bytes(64))


def test_a_file_is_opened_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _cog(tmp_path / "t.tif")
    opened: list[Any] = []
    real_open = rasterio.open

    def counting_open(*args: Any, **kwargs: Any) -> Any:
        opened.append(args[0])
        return real_open(*args, **kwargs)

    monkeypatch.setattr(rasterio, "open", counting_open)
    check = rules.check_file(path, "t.tif")
    assert check.findings == []
    assert check.facts is not None
    assert check.facts.overview_sizes == ((500, 388), (250, 194))
    assert len(opened) == 1


@pytest.mark.parametrize(
    ("overview", "block", "where"),
    [
        (None, (2, 1), "pixel column 512, row 256 of its full-resolution image"),
        (0, (1, 1), "pixel column 256, row 256 of its overview 1"),
        (0, (0, 1), "pixel column 0, row 256 of its overview 1"),
        (1, (0, 0), "pixel column 0, row 0 of its overview 2"),
    ],
)
def test_a_damaged_tile_is_found_at_every_level(
    tmp_path: Path, overview: int | None, block: tuple[int, int], where: str
) -> None:
    path = _cog(tmp_path / "t.tif")
    _damage(path, overview, block)
    check = rules.check_file(path, "t.tif")
    assert [f.rule for f in check.errors] == ["data-readable"]
    message = check.errors[0].message
    assert message.startswith(
        f"File 't.tif' has an internal tile that does not decode (the one at {where}"
    )
    assert str(tmp_path) not in message


@pytest.mark.parametrize(("overview", "block"), [(0, (1, 1)), (1, (0, 0))])
def test_reading_overviews_through_the_dataset_or_opening_them_says_the_same(
    tmp_path: Path, overview: int, block: tuple[int, int]
) -> None:
    path = _cog(tmp_path / "t.tif")
    _damage(path, overview, block)
    with open(path, "rb") as fh:
        layout = rules.read_tiff_layout(fh, path.stat().st_size, "t.tif")
    with rules.open_raster(path, "t.tif") as src:
        shared = rules.decode_findings(src, path, "t.tif", 2, layout=layout)
        opened = rules.decode_findings(src, path, "t.tif", 2)
    assert shared == opened
    assert len(shared) == 1

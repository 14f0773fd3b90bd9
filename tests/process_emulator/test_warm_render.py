"""`render(..., warm=True)`, as a batch job's tiles render: the same pixels as a cold render,
the source files kept open between renders (until `close_kept_files`), and a source file written
again read again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sentinelhub_emulator.process import raster
from sentinelhub_emulator.process.engine import render

from tests.process_emulator.conftest import (
    CANVAS,
    UTM,
    World,
    process_body,
    read_tiff,
    simple_mosaic,
    write_array_cog,
)
from tests.process_emulator.test_engine import SCRIPT, _context

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/fd").is_dir(), reason="open files are read from /proc/self/fd"
)


@pytest.fixture(autouse=True)
def _nothing_kept() -> Iterator[None]:
    raster.close_kept_files()
    yield
    raster.close_kept_files()


def _open_files(folder: Path) -> set[str]:
    """The files under ``folder`` this process holds open."""
    found = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith(str(folder)):
            found.add(str(Path(target).relative_to(folder)))
    return found


def test_warm_renders_give_the_pixels_of_cold_ones(world: World) -> None:
    context, account = _context(world)
    body = process_body(SCRIPT, collection=world.main_id)
    expected = simple_mosaic(world.tiles, "B1")[0]
    for warm in (False, True, True, False, True):
        pixels, _ = read_tiff(render(context, account, body, warm=warm).outputs[0].data)
        np.testing.assert_array_equal(pixels[0], expected, err_msg=f"warm={warm}")


def test_a_warm_render_keeps_its_source_files_open_until_they_are_closed(world: World) -> None:
    context, account = _context(world)
    body = process_body(SCRIPT, collection=world.main_id)
    render(context, account, body)
    assert _open_files(world.data_dir) == set()
    render(context, account, body, warm=True)
    kept = {"t1/B1.tif", "t2/B1.tif", "t3/B1.tif"}
    assert _open_files(world.data_dir) == kept
    render(context, account, body, warm=True)  # the same files again, none opened twice
    assert _open_files(world.data_dir) == kept
    assert sum(1 for fd in Path("/proc/self/fd").iterdir() if _points_into(fd, world)) == 3
    raster.close_kept_files()
    assert _open_files(world.data_dir) == set()


def _points_into(fd: Path, world: World) -> bool:
    try:
        return os.readlink(fd).startswith(str(world.data_dir))
    except OSError:
        return False


def test_a_source_file_written_again_is_read_again(world: World) -> None:
    context, account = _context(world)
    folder = world.data_dir / "rewritten"
    bounds = (CANVAS[0], CANVAS[3] - 64 * 10.0, CANVAS[0] + 64 * 10.0, CANVAS[3])
    first = np.full((1, 64, 64), 7, dtype=np.uint16)
    write_array_cog(folder / "B1.tif", first, crs=f"EPSG:{UTM}", bounds=bounds)
    with world.client("/api/v1/byoc") as byoc:
        made = byoc.post("/collections", json={"name": "rewritten", "s3Bucket": "data"})
        collection_id = made.json()["data"]["id"]
        tile = byoc.post(
            f"/collections/{collection_id}/tiles",
            json={"path": "rewritten/(BAND).tif", "sensingTime": "2024-01-05T10:00:00Z"},
        )
        assert tile.status_code == 201, tile.text
    world.emulator.wait_for_ingestion()
    body = process_body(SCRIPT, collection=collection_id, bbox=bounds, size=(64, 64))
    pixels, _ = read_tiff(render(context, account, body, warm=True).outputs[0].data)
    np.testing.assert_array_equal(pixels, first)
    # Written anew under the same name (a new file replaces the old one, as uploads do).
    second = np.arange(64 * 64, dtype=np.uint16).reshape(1, 64, 64) + 1
    write_array_cog(folder / "next.tif", second, crs=f"EPSG:{UTM}", bounds=bounds)
    os.replace(folder / "next.tif", folder / "B1.tif")
    pixels, _ = read_tiff(render(context, account, body, warm=True).outputs[0].data)
    np.testing.assert_array_equal(pixels, second)


def _window(rows: tuple[int, int], cols: tuple[int, int]) -> tuple[float, ...]:
    """The bounding box of canvas rows and columns (10 m pixels)."""
    return (
        CANVAS[0] + cols[0] * 10.0,
        CANVAS[3] - rows[1] * 10.0,
        CANVAS[0] + cols[1] * 10.0,
        CANVAS[3] - rows[0] * 10.0,
    )


def test_a_warm_render_after_one_with_data_everywhere_has_none_where_its_tiles_have_none(
    world: World,
) -> None:
    # Both windows are 128 x 128 px, so the second render's typed arrays reuse the first's
    # memory: where no tile lies (canvas rows and columns 64-128) it must read 0, not the
    # first window's values.
    context, account = _context(world)
    full, gaps = (
        process_body(SCRIPT, collection=world.main_id, bbox=_window(rows, cols), size=(128, 128))
        for rows, cols in (((256, 384), (0, 128)), ((64, 192), (64, 192)))
    )
    mosaic = simple_mosaic(world.tiles, "B1")[0]
    assert (mosaic[256:384, 0:128] > 0).all()
    expected = mosaic[64:192, 64:192]
    assert (expected[:64, :64] == 0).all()
    assert (expected > 0).any()
    for _ in range(2):
        pixels, _ = read_tiff(render(context, account, full, warm=True).outputs[0].data)
        np.testing.assert_array_equal(pixels[0], mosaic[256:384, 0:128])
        pixels, _ = read_tiff(render(context, account, gaps, warm=True).outputs[0].data)
        np.testing.assert_array_equal(pixels[0], expected)

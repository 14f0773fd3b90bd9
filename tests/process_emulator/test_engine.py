"""`render`, the entry point Batch shares: called directly with a context, no HTTP."""

from __future__ import annotations

import numpy as np
import pytest
from rasterio.io import MemoryFile
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process.engine import RenderResult, render

from tests.process_emulator.conftest import (
    CANVAS,
    CRS84,
    GEO_BOUNDS,
    UTM_CRS,
    World,
    process_body,
    read_tiff,
    simple_mosaic,
)

SCRIPT = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1, sampleType: "UINT16"}}; }
function evaluatePixel(s) { return [s.B1]; }
"""


def _context(world: World) -> tuple[EmulatorContext, str]:
    emu = world.emulator
    context = emu._running_context()  # the running emulator's own context: no HTTP in between
    client = context.clients.get_client(emu.client_id)
    assert client is not None
    return context, client.account_id


def test_render_returns_encoded_outputs_and_units(world: World) -> None:
    context, account = _context(world)
    body = process_body(
        SCRIPT,
        collection=world.main_id,
        responses=[
            {"identifier": "default", "format": {"type": "image/tiff"}},
            {"identifier": "userdata", "format": {"type": "application/json"}},
        ],
    )
    result = render(context, account, body)
    assert isinstance(result, RenderResult)
    assert [(o.identifier, o.mime_type) for o in result.outputs] == [
        ("default", "image/tiff"),
        ("userdata", "application/json"),
    ]
    pixels, _ = read_tiff(result.outputs[0].data)
    np.testing.assert_array_equal(pixels[0], simple_mosaic(world.tiles, "B1")[0])
    assert result.outputs[1].data == b"null"
    assert result.processing_units == pytest.approx(0.75 / 3)


def test_render_raises_api_errors(world: World) -> None:
    context, account = _context(world)
    with pytest.raises(ApiError) as caught:
        render(context, "another-account", process_body(SCRIPT, collection=world.main_id))
    assert caught.value.status == 400
    assert caught.value.violations[0].parameter == "input->data->0->type"
    body = process_body(SCRIPT, collection=world.main_id, size=(3000, 10))
    with pytest.raises(ApiError):
        render(context, account, body)
    # Batch-sized outputs pass with a larger max_size (and no Process schema check).
    result = render(context, account, body, max_size=10000, schema=None)
    assert result.outputs[0].mime_type == "image/tiff"


@pytest.mark.parametrize(
    ("crs", "bbox", "sample_type", "bands"),
    [
        (UTM_CRS, CANVAS, "UINT16", 1),
        (UTM_CRS, CANVAS, "FLOAT32", 3),
        (CRS84, GEO_BOUNDS, "UINT8", 2),
    ],
)
def test_an_image_output_says_what_its_tiff_holds(
    world: World, crs: str, bbox: tuple[float, ...], sample_type: str, bands: int
) -> None:
    # Batch writes a tile's TIFF as the engine made it when `grid` and `bands` match the tile;
    # they must describe the bytes exactly.
    context, account = _context(world)
    output_spec = f'{{bands: {bands}, sampleType: "{sample_type}"}}'
    script = f"""//VERSION=3
function setup() {{ return {{input: ["B1"], output: {output_spec}}}; }}
function evaluatePixel(s) {{ return Array({bands}).fill(s.B1 % 200); }}
"""
    body = process_body(script, collection=world.main_id, crs=crs, bbox=bbox, size=(64, 48))
    output = render(context, account, body).outputs[0]
    assert output.grid is not None
    assert output.bands is not None
    with MemoryFile(output.data) as memfile, memfile.open() as dataset:
        assert output.bands == (dataset.count, dataset.dtypes[0])
        assert (
            (output.grid.width, output.grid.height) == (dataset.width, dataset.height) == (64, 48)
        )
        assert dataset.crs is not None
        assert output.grid.epsg == dataset.crs.to_epsg()
        assert output.grid.transform.almost_equals(dataset.transform, precision=1e-9)


def test_userdata_has_no_grid(world: World) -> None:
    context, account = _context(world)
    body = process_body(
        SCRIPT,
        collection=world.main_id,
        responses=[{"identifier": "userdata", "format": {"type": "application/json"}}],
    )
    (output,) = render(context, account, body).outputs
    assert (output.grid, output.bands) == (None, None)

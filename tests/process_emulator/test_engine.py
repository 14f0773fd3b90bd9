"""`render`, the entry point Batch shares: called directly with a context, no HTTP."""

from __future__ import annotations

import numpy as np
import pytest
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.core.errors import ApiError
from sentinelhub_emulator.process.engine import RenderResult, render

from tests.process_emulator.conftest import World, process_body, read_tiff, simple_mosaic

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

"""The few calls into V8 a request makes keep the hooks' behaviour: ``userData`` is read only
when a response asks for it, and hooks an evalscript defines late are still found."""

from __future__ import annotations

import numpy as np
from sentinelhub_emulator.process.engine import render

from tests.process_emulator.conftest import World, process_body, read_tiff, simple_mosaic
from tests.process_emulator.test_engine import _context

TIFF = [{"identifier": "default", "format": {"type": "image/tiff"}}]
USERDATA = {"identifier": "userdata", "format": {"type": "application/json"}}


def test_user_data_is_serialised_only_when_a_response_asks_for_it(world: World) -> None:
    context, account = _context(world)
    script = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1, sampleType: "UINT16"}}; }
function evaluatePixel(s) { return [s.B1]; }
function updateOutputMetadata(scenes, inputMetadata, outputMetadata) {
  const loop = {}; loop.self = loop;  // JSON cannot carry it
  outputMetadata.userData = loop;
}
"""
    result = render(
        context, account, process_body(script, collection=world.main_id, responses=TIFF)
    )
    pixels, _ = read_tiff(result.outputs[0].data)
    np.testing.assert_array_equal(pixels[0], simple_mosaic(world.tiles, "B1")[0])


def test_hooks_defined_after_setup_still_run(world: World) -> None:
    context, account = _context(world)
    # updateOutputMetadata appears only while evaluatePixel runs; updateOutput is defined by
    # setup() itself.
    script = """//VERSION=3
function setup() {
  globalThis.updateOutput = function (outputs) { outputs.default.bands = 2; };
  return {input: ["B1"], output: {bands: 1, sampleType: "UINT16"}};
}
function evaluatePixel(s) {
  globalThis.updateOutputMetadata = function (scenes, inputMetadata, outputMetadata) {
    outputMetadata.userData = {late: true};
  };
  return [s.B1, s.B1 + 1];
}
"""
    body = process_body(script, collection=world.main_id, responses=[*TIFF, USERDATA])
    result = render(context, account, body)
    pixels, _ = read_tiff(result.outputs[0].data)
    expected = simple_mosaic(world.tiles, "B1")[0]
    assert pixels.shape[0] == 2
    np.testing.assert_array_equal(pixels[0], expected)
    assert result.outputs[1].data == b'{"late":true}'

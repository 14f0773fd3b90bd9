"""Bad requests and failing evalscripts: 400 with the field or the JavaScript line, never 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator

from tests.emulator.conftest import assert_error
from tests.process_emulator.conftest import CANVAS, World, build_world, process_body

OK_SCRIPT = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1, sampleType: "UINT16"}}; }
function evaluatePixel(s) { return [s.B1]; }
"""


def _post(world: World, body: Any, **kwargs: Any) -> httpx.Response:
    with world.client() as client:
        return client.post("/api/v1/process", json=body, **kwargs)


def _with(world: World, change: Any) -> dict[str, Any]:
    body = process_body(OK_SCRIPT, collection=world.main_id)
    change(body)
    return body


@pytest.mark.parametrize(
    ("change", "parameter"),
    [
        (lambda b: b["output"].update(width=3000), "output->width"),
        (lambda b: b["output"].update(resx=10, resy=10), "output->resx"),
        (
            lambda b: (
                [b["output"].pop(k) for k in ("width", "height")]
                and b["output"].update(resx=0.5, resy=0.5)
            ),
            "output->resx",
        ),
        (lambda b: b["input"]["bounds"].update(bbox=[1, 2, 0, 3]), "input->bounds->bbox"),
        (lambda b: b["input"]["bounds"].pop("bbox"), "input->bounds"),
        (
            lambda b: b["input"]["bounds"]["properties"].update(crs="EPSG:999999"),
            "input->bounds->properties->crs",
        ),
        (
            lambda b: b["input"]["bounds"]["properties"].update(crs="urn:made:up"),
            "input->bounds->properties->crs",
        ),
        (
            lambda b: b["input"]["bounds"].update(
                geometry={"type": "Point", "coordinates": [1, 2]}
            ),
            "input->bounds->geometry->type",
        ),
        (lambda b: b["input"].update(data=[]), "input->data"),
        (lambda b: b["input"]["data"][0].update(type="sentinel-2-l2a"), "input->data->0->type"),
        (
            lambda b: b["input"]["data"][0].update(
                type="byoc-" + "0" * 8 + "-0000-0000-0000-" + "0" * 12
            ),
            "input->data->0->type",
        ),
        (
            lambda b: b["input"]["data"][0].update(dataFilter={"mosaickingOrder": "leastCC"}),
            "input->data->0->dataFilter->mosaickingOrder",
        ),
        (
            lambda b: b["input"]["data"][0].update(
                dataFilter={"timeRange": {"from": "2024-01-01", "to": "2024-01-02T00:00:00Z"}}
            ),
            "input->data->0->dataFilter->timeRange->from",
        ),
        (
            lambda b: b["input"]["data"][0].update(processing={"upsampling": "LANCZOS"}),
            "input->data->0->processing->upsampling",
        ),
        (
            lambda b: b["input"]["data"][0].update(processing={"orthorectify": True}),
            "input->data->0->processing->orthorectify",
        ),
        (
            lambda b: b["output"].update(responses=[{"identifier": "other"}]),
            "output->responses->0->identifier",
        ),
        (
            lambda b: b["output"].update(
                responses=[{"identifier": "default", "format": {"type": "image/webp"}}]
            ),
            "output->responses->0->format->type",
        ),
        (
            lambda b: b["output"].update(
                responses=[{"identifier": "default", "format": {"type": "image/jpeg"}}]
            ),
            "output->responses->0->format->type",  # UINT16 cannot be a JPEG
        ),
        (lambda b: b.update(evalscript="return 1;"), "evalscript"),
        (
            lambda b: b.update(evalscript=OK_SCRIPT.replace('"B1"]', '"NOPE"]')),
            "input->data->0->type",
        ),
    ],
)
def test_bad_requests_name_the_field(world: World, change: Any, parameter: str) -> None:
    response = _post(world, _with(world, change))
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


def test_several_responses_need_a_tar(world: World) -> None:
    body = process_body(
        OK_SCRIPT,
        collection=world.main_id,
        responses=[
            {"identifier": "default", "format": {"type": "image/tiff"}},
            {"identifier": "userdata", "format": {"type": "application/json"}},
        ],
    )
    response = _post(world, body, headers={"Accept": "image/tiff"})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "Accept")


def test_empty_and_unauthenticated_requests(world: World) -> None:
    with world.client() as client:
        empty = client.post("/api/v1/process", content=b"")
        assert_error(empty, 400, "COMMON_BAD_PAYLOAD")
    anonymous = httpx.post(
        world.emulator.base_url + "/api/v1/process",
        json=process_body(OK_SCRIPT, collection=world.main_id),
    )
    assert_error(anonymous, 401, "COMMON_UNAUTHORIZED")


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        (
            '//VERSION=3\nfunction setup() {\n  return {input: ["B1"], output: {bands: 1}};\n'
            "}\nfunction evaluatePixel(s) { return [s.B1 +; }\n",
            "SyntaxError: Unexpected token ';' (evalscript line 5)",
        ),
        (
            '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1}}; }\n'
            "function evaluatePixel(s) {\n  return [s.nothing.value];\n}\n",
            "TypeError: Cannot read properties of undefined (reading 'value') (evalscript line 4)",
        ),
        (
            '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 2}}; }\n'
            "function evaluatePixel(s) { return [s.B1]; }\n",
            "evaluatePixel returned 1 value(s) for output 'default', which has 2 band(s)",
        ),
        (
            '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1}}; }\n',
            "The evalscript defines no evaluatePixel() function.",
        ),
        (
            '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1,'
            ' sampleType: "INT32"}}; }\nfunction evaluatePixel(s) { return [1]; }\n',
            "setup().output.sampleType 'INT32' is not one of",
        ),
        (
            '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1}};}\n'
            "function evaluatePixel(s) { return 5; }\n",
            "evaluatePixel must return an array of numbers or an object keyed by output id",
        ),
    ],
)
def test_evalscript_errors_are_renderer_exceptions(
    world: World, script: str, expected: str
) -> None:
    body = process_body(script, collection=world.main_id, size=(16, 16))
    error = assert_error(_post(world, body), 400, "RENDERER_EXCEPTION")
    assert expected in error["message"]


@pytest.fixture(scope="module")
def limited(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    """An emulator whose evalscripts may run 3 s and use 64 MB."""
    root: Path = tmp_path_factory.mktemp("limited")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SH_EMULATOR_SCRIPT_TIMEOUT", "3")
        patch.setenv("SH_EMULATOR_SCRIPT_MEMORY_MB", "64")
        with Emulator(root) as emu:
            yield build_world(emu, root)


@pytest.mark.parametrize(
    ("body_code", "expected"),
    [
        ("while (true) {}", "ran longer than the emulator allows (3 s)"),
        ("const keep = []; while (true) keep.push(new Array(1000).fill(1.5));",
         "used more memory than the emulator allows (64 MB)"),
        ("const big = new Float64Array(50 * 1024 * 1024);",
         "exceeds the evalscript memory limit"),
    ],
)  # fmt: skip
def test_evalscripts_run_with_time_and_memory_limits(
    limited: World, body_code: str, expected: str
) -> None:
    script = (
        '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1}}; }\n'
        f"function evaluatePixel(s) {{ {body_code} return [1]; }}\n"
    )
    body = process_body(script, collection=limited.main_id, size=(4, 4), bbox=CANVAS)
    error = assert_error(_post(limited, body), 400, "RENDERER_EXCEPTION")
    assert expected in error["message"]
    # The emulator still renders afterwards.
    assert _post(limited, process_body(OK_SCRIPT, collection=limited.main_id)).status_code == 200


def test_requests_beyond_the_raster_budget_are_refused(world: World) -> None:
    script = (
        '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1}}; }\n'
        "function updateOutput(outputs) { outputs.default.bands = 1000; }\n"
        "function evaluatePixel(s) { return [1]; }\n"
    )
    body = process_body(script, collection=world.main_id, size=(2500, 2500))
    error = assert_error(_post(world, body), 400, "COMMON_BAD_PAYLOAD", "output")
    assert "MB of rasters" in error["message"]


@pytest.mark.parametrize("use", ["valueMap(s.B1, [1], [2])", "blueRed[0]"])
def test_unsupported_helpers_say_so(world: World, use: str) -> None:
    script = (
        '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1}}; }\n'
        f"function evaluatePixel(s) {{ return [{use}]; }}\n"
    )
    body = process_body(script, collection=world.main_id, size=(4, 4))
    error = assert_error(_post(world, body), 400, "RENDERER_EXCEPTION")
    assert "is not supported by the emulator" in error["message"]

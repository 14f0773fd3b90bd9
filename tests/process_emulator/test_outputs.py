"""Outputs: sample types, PNG, JPEG, userdata JSON, tar, multipart bodies, Accept, units."""

from __future__ import annotations

import io
import json
import tarfile

import numpy as np
import pytest
from PIL import Image

from tests.process_emulator.conftest import World, process_body, read_tiff, simple_mosaic

SCALED = """//VERSION=3
function setup() {
  return {input: ["B1", "dataMask"], output: {bands: 1, sampleType: "%s"}};
}
function evaluatePixel(s) { return [%s]; }
"""


def _expected(values: np.ndarray, sample_type: str) -> np.ndarray:
    """The documented conversion: round half up, clamp; AUTO stretches 0..1 to 0..255."""
    if sample_type == "AUTO":
        return np.clip(np.floor(values * 255 + 0.5), 0, 255).astype(np.uint8)
    dtype = np.dtype(sample_type.lower())
    info = np.iinfo(dtype)
    return np.clip(np.floor(values + 0.5), info.min, info.max).astype(dtype)


@pytest.mark.parametrize(
    ("sample_type", "expression", "transform"),
    [
        ("UINT8", "s.B1 / 3.7", lambda b1: b1 / 3.7),
        ("INT8", "s.B1 / 2 - 300", lambda b1: b1 / 2 - 300),
        ("INT16", "s.B1 * -40.25", lambda b1: b1 * -40.25),
        ("UINT16", "s.B1 * 70.5", lambda b1: b1 * 70.5),
        ("AUTO", "s.B1 / 900 - 0.05", lambda b1: b1 / 900 - 0.05),
    ],
)
def test_sample_types_round_and_clamp(
    world: World, sample_type: str, expression: str, transform: object
) -> None:
    script = SCALED % (sample_type, expression)
    with world.client() as client:
        response = client.post(
            "/api/v1/process", json=process_body(script, collection=world.main_id)
        )
    assert response.status_code == 200, response.text
    pixels, profile = read_tiff(response.content)
    b1, _ = simple_mosaic(world.tiles, "B1")
    expected = _expected(transform(b1), sample_type)  # type: ignore[operator]
    assert profile["dtype"] == expected.dtype.name
    np.testing.assert_array_equal(pixels[0], expected)
    assert float(response.headers["x-processingunits-spent"]) == 0.75 / 3


def test_png_rgba_and_single_band_uint16(world: World) -> None:
    script = """//VERSION=3
function setup() {
  return {input: ["B1", "B2", "dataMask"], output: [
    {id: "rgba", bands: 4, sampleType: "UINT8"}, {id: "grey", bands: 1, sampleType: "UINT16"}]};
}
function evaluatePixel(s) {
  return {rgba: [s.B1 % 256, s.B2 % 256, 7, s.dataMask * 255], grey: [s.B2]};
}
"""
    responses = [
        {"identifier": "rgba", "format": {"type": "image/png"}},
        {"identifier": "grey", "format": {"type": "image/png"}},
    ]
    with world.client() as client:
        response = client.post(
            "/api/v1/process",
            json=process_body(script, collection=world.main_id, responses=responses),
            headers={"Accept": "application/x-tar"},
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/x-tar"
    with tarfile.open(fileobj=io.BytesIO(response.content)) as archive:
        assert sorted(archive.getnames()) == ["grey.png", "rgba.png"]
        rgba = np.asarray(Image.open(io.BytesIO(archive.extractfile("rgba.png").read())))  # type: ignore[union-attr]
        grey = np.asarray(Image.open(io.BytesIO(archive.extractfile("grey.png").read())))  # type: ignore[union-attr]
    b1, mask = simple_mosaic(world.tiles, "B1")
    b2, _ = simple_mosaic(world.tiles, "B2")
    assert rgba.shape == (384, 512, 4)
    np.testing.assert_array_equal(rgba[..., 0], b1 % 256)
    np.testing.assert_array_equal(rgba[..., 1], b2 % 256)
    np.testing.assert_array_equal(rgba[..., 2], 7)
    np.testing.assert_array_equal(rgba[..., 3], mask * 255)
    np.testing.assert_array_equal(grey.astype(np.int64), b2.astype(np.int64))


def test_jpeg_honours_quality(world: World) -> None:
    script = SCALED % ("AUTO", "s.B1 / 1000")
    sizes = {}
    b1, _ = simple_mosaic(world.tiles, "B1")
    expected = _expected(b1 / 1000, "AUTO").astype(np.float64)
    for quality in (20, 95):
        responses = [
            {"identifier": "default", "format": {"type": "image/jpeg", "quality": quality}}
        ]
        with world.client() as client:
            response = client.post(
                "/api/v1/process",
                json=process_body(script, collection=world.main_id, responses=responses),
            )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "image/jpeg"
        decoded = np.asarray(Image.open(io.BytesIO(response.content))).astype(np.float64)
        assert decoded.shape == (384, 512)
        error = np.abs(decoded - expected).mean()
        assert error < (40 if quality == 20 else 8), error
        sizes[quality] = len(response.content)
    assert sizes[20] < sizes[95]


def test_userdata_and_tiff_in_a_tar(world: World) -> None:
    script = """//VERSION=3
function setup() { return {input: ["B1", "dataMask"], output: {bands: 1, sampleType: "UINT16"}}; }
var total = 0, count = 0;
function evaluatePixel(s) { if (s.dataMask) { total += s.B1; count++; } return [s.B1]; }
function updateOutputMetadata(scenes, inputMetadata, outputMetadata) {
  outputMetadata.userData = {count: count, total: total, norm: inputMetadata.normalizationFactor};
}
"""
    responses = [
        {"identifier": "default", "format": {"type": "image/tiff"}},
        {"identifier": "userdata", "format": {"type": "application/json"}},
    ]
    with world.client() as client:
        response = client.post(
            "/api/v1/process",
            json=process_body(script, collection=world.main_id, responses=responses),
            headers={"Accept": "application/tar"},
        )
    assert response.status_code == 200, response.text
    with tarfile.open(fileobj=io.BytesIO(response.content)) as archive:
        assert sorted(archive.getnames()) == ["default.tif", "userdata.json"]
        userdata = json.loads(archive.extractfile("userdata.json").read())  # type: ignore[union-attr]
        tiff = archive.extractfile("default.tif").read()  # type: ignore[union-attr]
    b1, mask = simple_mosaic(world.tiles, "B1")
    assert userdata == {"count": int(mask.sum()), "total": int(b1.sum()), "norm": 1}
    pixels, _ = read_tiff(tiff)
    np.testing.assert_array_equal(pixels[0], b1)


def test_userdata_alone_is_json(world: World) -> None:
    script = """//VERSION=3
function setup() { return {input: ["B1"], output: {bands: 1}}; }
var top = 0;
function evaluatePixel(s) { top = Math.max(top, s.B1); }
function updateOutputMetadata(scenes, im, om) { om.userData = {max: top}; }
"""
    responses = [{"identifier": "userdata", "format": {"type": "application/json"}}]
    with world.client() as client:
        response = client.post(
            "/api/v1/process",
            json=process_body(script, collection=world.main_id, responses=responses),
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    b1, _ = simple_mosaic(world.tiles, "B1")
    assert response.json() == {"max": int(b1.max())}


def test_multipart_body_and_accept_override(world: World) -> None:
    script = SCALED % ("UINT16", "s.B1")
    body = process_body(script, collection=world.main_id)
    body["output"]["responses"] = [{"identifier": "default", "format": {"type": "image/png"}}]
    request = {k: v for k, v in body.items() if k != "evalscript"}
    with world.client() as client:
        response = client.post(
            "/api/v1/process",
            files={
                "request": (None, json.dumps(request), "application/json"),
                "evalscript": (None, script, "text/plain"),
            },
            headers={"Accept": "image/tiff"},
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/tiff"
    pixels, _ = read_tiff(response.content)
    b1, _ = simple_mosaic(world.tiles, "B1")
    np.testing.assert_array_equal(pixels[0], b1)


def test_octet_stream_costs_more(world: World) -> None:
    script = SCALED % ("UINT8", "1")
    with world.client() as client:
        response = client.post(
            "/api/v1/process",
            json=process_body(script, collection=world.main_id, size=(256, 256)),
            headers={"Accept": "application/octet-stream"},
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/octet-stream"
    pixels, _ = read_tiff(response.content)
    assert (pixels == 1).all()
    # A quarter of 512 x 512, one band of three, x1.4 for octet-stream.
    assert float(response.headers["x-processingunits-spent"]) == pytest.approx(0.25 / 3 * 1.4)


def test_units_follow_the_documented_example(world: World) -> None:
    script = """//VERSION=3
function setup() { return {input: ["B1", "B2"], output: {bands: 1, sampleType: "UINT8"}}; }
function evaluatePixel(s) { return [1]; }
"""
    with world.client() as client:
        response = client.post(
            "/api/v1/process", json=process_body(script, collection=world.main_id, size=(20, 20))
        )
    assert response.status_code == 200, response.text
    # 20 x 20 px counts as the 0.01 minimum area; two bands: 0.01 x 2 / 3.
    assert float(response.headers["x-processingunits-spent"]) == pytest.approx(0.01 * 2 / 3)


def test_documented_helpers(world: World) -> None:
    script = """//VERSION=3
function setup() { return {input: ["B1", "B2"], output: {bands: 5, sampleType: "FLOAT32"}}; }
const ramp = new ColorRampVisualizer([[0, 0x000000], [1000, 0xff0000]]);
function evaluatePixel(s) {
  return [index(s.B1, s.B2), valueInterpolate(s.B1, [100, 600], [-1, 1]), ...ramp.process(s.B1)];
}
"""
    with world.client() as client:
        response = client.post(
            "/api/v1/process", json=process_body(script, collection=world.main_id)
        )
    assert response.status_code == 200, response.text
    pixels, _ = read_tiff(response.content)
    b1, _ = simple_mosaic(world.tiles, "B1")
    b2, _ = simple_mosaic(world.tiles, "B2")
    total = b1 + b2
    ndi = np.divide(b1 - b2, total, out=np.zeros_like(total), where=total != 0)
    np.testing.assert_allclose(pixels[0], ndi, rtol=1e-6)
    np.testing.assert_allclose(pixels[1], np.interp(b1, [100, 600], [-1, 1]), rtol=1e-6)
    np.testing.assert_allclose(pixels[2], b1 / 1000, rtol=1e-6)
    np.testing.assert_array_equal(pixels[3:], 0)

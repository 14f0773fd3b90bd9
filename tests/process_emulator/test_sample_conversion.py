"""The pixel loop converts samples in V8: it must give exactly what `convert_samples` gives.

Edge values (NaN, infinities, halves, values just below a half, out of range, signed zero) go
through the JavaScript converter of each sample type and, end to end, through `render` into a
GeoTIFF; both must equal numpy's conversion of the same float64 values, bit for bit.
"""

from __future__ import annotations

import json

import numpy as np
import numpy.typing as npt
import pytest
from py_mini_racer import MiniRacer
from sentinelhub_emulator.core.context import EmulatorContext
from sentinelhub_emulator.process.encode import (
    convert_samples,
    js_sample_converter,
    sample_dtype,
)
from sentinelhub_emulator.process.engine import evaluate, render

from tests.process_emulator.conftest import CANVAS, World, process_body, read_tiff

SAMPLE_TYPES = ("UINT8", "INT8", "UINT16", "INT16", "FLOAT32", "AUTO")
_EDGES = [
    0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, 0.49999999999999994, -0.49999999999999994,
    0.4, 0.6, -0.4, -0.6, 126.5, 127.5, 127.49, -128.5, -128.51, -129.0, 254.5, 255.49,
    255.5, 256.0, 32766.5, 32767.5, -32768.5, -32769.0, 65534.5, 65535.49, 65535.5,
    65536.0, 1e300, -1e300, 3.4028235e38, 3.5e38, 1e-320, -1e-320, 1 / 255, 0.5 / 255,
    1.5 / 255, 254.5 / 255, 1.0, 1.002, -0.002,
]  # fmt: skip
_JS_SPECIALS = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def _values() -> tuple[list[str], npt.NDArray[np.float64]]:
    rng = np.random.default_rng(25)
    numbers = [
        *_EDGES,
        *rng.uniform(-1.5, 1.5, 200),
        *rng.uniform(-70000, 70000, 200),
        *(np.floor(rng.uniform(-300, 300, 100)) + 0.5),
    ]
    literals = [repr(float(v)) for v in numbers] + list(_JS_SPECIALS)
    values = np.array([*map(float, numbers), *_JS_SPECIALS.values()], dtype=np.float64)
    return literals, values


@pytest.mark.parametrize("sample_type", SAMPLE_TYPES)
def test_the_javascript_converter_equals_convert_samples(sample_type: str) -> None:
    literals, values = _values()
    dtype = sample_dtype(sample_type)
    typed = {
        "uint8": "Uint8Array",
        "int8": "Int8Array",
        "uint16": "Uint16Array",
        "int16": "Int16Array",
        "float32": "Float32Array",
    }[dtype.name]
    ctx = MiniRacer()
    try:
        ctx.eval(js_sample_converter(sample_type, "conv"))
        out = ctx.eval(
            f"(function () {{ const v = [{', '.join(literals)}];"
            f" const o = new {typed}(v.length); for (let i = 0; i < v.length; i++)"
            " o[i] = conv(+v[i]); return JSON.stringify(Array.from(o, (x) => String(x))); })()"
        )
    finally:
        ctx.close()
    assert isinstance(out, str)
    got = np.array([float(x) for x in json.loads(out)]).astype(dtype)
    with np.errstate(over="ignore"):  # beyond float32: inf, as the Float32Array store gives
        expected = convert_samples(values, sample_type)
    assert expected.dtype == dtype
    assert got.tobytes() == expected.tobytes() or (
        dtype.kind == "f" and np.array_equal(got, expected, equal_nan=True)
    )


_RENDERED = """//VERSION=3
function setup() {
  return {input: ["B1"], output: [
    {id: "u8", bands: 2, sampleType: "UINT8"}, {id: "i8", bands: 2, sampleType: "INT8"},
    {id: "u16", bands: 2, sampleType: "UINT16"}, {id: "i16", bands: 2, sampleType: "INT16"},
    {id: "f32", bands: 2, sampleType: "FLOAT32"}, {id: "auto", bands: 2, sampleType: "AUTO"}]};
}
const V = [%s];
function pick(s, k) { return V[(s.B1 * 7 + k * 13) %% V.length]; }
function evaluatePixel(s) {
  const v = [pick(s, 0), pick(s, 1)];
  return {u8: v, i8: v, u16: v, i16: v, f32: v, auto: v};
}
"""
_IDS = {"u8": "UINT8", "i8": "INT8", "u16": "UINT16", "i16": "INT16", "f32": "FLOAT32"}


def _context(world: World) -> tuple[EmulatorContext, str]:
    emu = world.emulator
    context = emu._running_context()
    client = context.clients.get_client(emu.client_id)
    assert client is not None
    return context, client.account_id


def test_rendered_samples_equal_numpys_conversion_of_the_raw_values(world: World) -> None:
    """Every sample type end to end (planar buffers, several outputs): the TIFF of each output
    equals `convert_samples` of what `evaluate` returns raw for the same request."""
    literals, _ = _values()
    script = _RENDERED % ", ".join(literals)
    ids = {**_IDS, "auto": "AUTO"}
    body = process_body(
        script,
        collection=world.main_id,
        size=(64, 48),
        bbox=CANVAS,
        responses=[{"identifier": oid, "format": {"type": "image/tiff"}} for oid in ids],
    )
    context, account = _context(world)
    rendered = render(context, account, body)
    raw = evaluate(context, account, body)
    assert [o.identifier for o in rendered.outputs] == list(ids)
    for output in rendered.outputs:
        sample_type = ids[output.identifier]
        got, _ = read_tiff(output.data)
        with np.errstate(over="ignore"):
            expected = convert_samples(raw.outputs[output.identifier], sample_type)
        assert got.dtype == expected.dtype, output.identifier
        assert got.shape == expected.shape == (2, 48, 64)
        if sample_type == "FLOAT32":
            np.testing.assert_array_equal(got, expected)
        else:
            assert got.tobytes() == expected.tobytes(), output.identifier
    # The raw values hold every kind of edge value, NaN included.
    assert np.isnan(raw.outputs["u8"]).any()
    assert np.isinf(raw.outputs["u8"]).any()

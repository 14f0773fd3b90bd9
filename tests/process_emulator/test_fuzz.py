"""Random Process requests, valid and not: the emulator answers 200 or a 4xx envelope, never 5xx."""

from __future__ import annotations

from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.emulator.conftest import assert_matches
from tests.process_emulator.conftest import CANVAS, CRS84, UTM_CRS, World

SCRIPTS = [
    '//VERSION=3\nfunction setup() { return {input: ["B1", "dataMask"], output: {bands: 2}}; }\n'
    "function evaluatePixel(s) { return [s.B1 / 1000, s.dataMask]; }\n",
    '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1, sampleType: '
    '"FLOAT32"}, mosaicking: "TILE"}; }\nfunction evaluatePixel(s) { return [s.length]; }\n',
    '//VERSION=3\nfunction setup() { return {input: ["B1"], output: [{id: "a", bands: 1}, '
    '{id: "b", bands: 3, sampleType: "UINT16"}]}; }\n'
    "function evaluatePixel(s) { return {a: [1], b: [s.B1, NaN, Infinity]}; }\n",
    "//VERSION=3\nfunction setup() { return 42; }\nfunction evaluatePixel() {}\n",
    "//VERSION=3\nthis is not javascript",
    "not an evalscript",
]

numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False, width=32), st.integers(-(10**9), 10**9)
)
bbox = st.one_of(
    st.just(list(CANVAS)),
    st.lists(numbers, min_size=4, max_size=4),
    st.lists(numbers, min_size=0, max_size=6),
)
crs = st.sampled_from(
    [UTM_CRS, CRS84, "http://www.opengis.net/def/crs/EPSG/0/3857", "EPSG:4326", "x"]
)
formats = st.sampled_from(["image/png", "image/jpeg", "image/tiff", "application/json", "text/csv"])
responses = st.lists(
    st.fixed_dictionaries(
        {
            "identifier": st.sampled_from(["default", "a", "b", "userdata"]),
            "format": st.fixed_dictionaries({"type": formats}),
        }
    ),
    max_size=3,
)
size = st.one_of(st.integers(-2, 40), st.just(2501), st.none())


@st.composite
def bodies(draw: st.DrawFn, collection: str) -> dict[str, Any]:
    output: dict[str, Any] = {}
    for key in ("width", "height"):
        value = draw(size)
        if value is not None:
            output[key] = value
    if draw(st.booleans()):
        output["resx"], output["resy"] = draw(numbers), draw(numbers)
    picked = draw(responses)
    if picked:
        output["responses"] = picked
    data = {"type": draw(st.sampled_from([f"byoc-{collection}", "byoc-123", "sentinel-2-l2a"]))}
    if draw(st.booleans()):
        start = draw(st.sampled_from(["2024-01-01T00:00:00Z", "2024-01-01", "x"]))
        order = draw(st.sampled_from(["mostRecent", "leastRecent", "leastCC", "x"]))
        data["dataFilter"] = {
            "mosaickingOrder": order,
            "timeRange": {"from": start, "to": "2024-12-31T00:00:00Z"},
        }
    if draw(st.booleans()):
        data["processing"] = {"upsampling": draw(st.sampled_from(["BILINEAR", "BICUBIC", "x"]))}
    return {
        "input": {"bounds": {"bbox": draw(bbox), "properties": {"crs": draw(crs)}}, "data": [data]},
        "output": output,
        "evalscript": draw(st.sampled_from(SCRIPTS)),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_requests_never_get_5xx(world: World, data: st.DataObject) -> None:
    body = data.draw(bodies(world.main_id))
    accept = data.draw(st.sampled_from([None, "image/png", "application/x-tar", "multipart/mixed"]))
    headers = {"Accept": accept} if accept else {}
    with httpx.Client(
        base_url=world.emulator.base_url,
        headers={"Authorization": f"Bearer {world.token}", **headers},
        timeout=60,
    ) as client:
        response = client.post("/api/v1/process", json=body)
    assert response.status_code in (200, 400), response.text
    if response.status_code == 400:
        assert_matches("ErrorEnvelope", response.json())

"""Bad requests are 400s naming the parameter, never 5xx; no token is a 401."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from .conftest import EVALSCRIPT, World, stats_body

Body = dict[str, Any]

NO_MASK = EVALSCRIPT.replace(', {id: "dataMask", bands: 1}', "").replace(
    ", dataMask: [s.dataMask]", ""
)
ONLY_MASK = """//VERSION=3
function setup() { return {input: ["dataMask"], output: {id: "dataMask", bands: 1}}; }
function evaluatePixel(s) { return [s.dataMask]; }
"""
THREE_MASKS = EVALSCRIPT.replace('{id: "dataMask", bands: 1}', '{id: "dataMask", bands: 3}')


def agg(**changes: Any) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        body["aggregation"].update(changes)

    return change


def calc(calculations: Any) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        body["calculations"] = calculations

    return change


def interval(**changes: Any) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        body["aggregation"]["aggregationInterval"].update(changes)

    return change


def time_range(**changes: Any) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        body["aggregation"]["timeRange"].update(changes)

    return change


def data(**changes: Any) -> Callable[[Body], None]:
    def change(body: Body) -> None:
        body["input"]["data"][0].update(changes)

    return change


CASES: list[tuple[str, Callable[[Body], None], str]] = [
    ("no dataMask", agg(evalscript=NO_MASK), "aggregation->evalscript"),
    ("only dataMask", agg(evalscript=ONLY_MASK), "aggregation->evalscript"),
    ("dataMask bands", agg(evalscript=THREE_MASKS), "aggregation->evalscript"),
    ("width and resx", agg(resx=10, resy=10), "aggregation->resx"),
    ("width too large", agg(width=2501), "aggregation->width"),
    (
        "resx gives too many pixels",
        agg(width=None, height=None, resx=0.5, resy=10),
        "aggregation->resx",
    ),
    ("bad duration", interval(of="1D"), "aggregation->aggregationInterval->of"),
    ("zero duration", interval(of="P0D"), "aggregation->aggregationInterval->of"),
    ("too many intervals", interval(of="PT1M"), "aggregation->aggregationInterval->of"),
    ("bad behaviour", interval(lastIntervalBehavior="DROP"), "aggregation->aggregationInterval"),
    ("from after to", time_range(**{"from": "2024-02-01T00:00:00Z"}), "aggregation->timeRange"),
    ("bare date", time_range(to="2024-01-04"), "aggregation->timeRange->to"),
    ("no evalscript", agg(evalscript=None), "aggregation"),
    ("not V3", agg(evalscript="return [B04];"), "aggregation->evalscript"),
    (
        "nBins and binWidth",
        calc({"default": {"histograms": {"default": {"nBins": 4, "binWidth": 2}}}}),
        "calculations->default->histograms->default",
    ),
    (
        "no bins at all",
        calc({"default": {"histograms": {"B0": {"lowEdge": 0}}}}),
        "calculations->default->histograms->B0",
    ),
    (
        "low edge above high edge",
        calc({"data": {"histograms": {"B0": {"nBins": 4, "lowEdge": 5, "highEdge": 1}}}}),
        "calculations->data->histograms->B0->highEdge",
    ),
    (
        "decreasing bins",
        calc({"data": {"histograms": {"B0": {"bins": [1, 3, 2]}}}}),
        "calculations->data->histograms->B0->bins",
    ),
    (
        "unknown output",
        calc({"nope": {"statistics": {"default": {}}}}),
        "calculations->nope",
    ),
    (
        "statistics of dataMask",
        calc({"dataMask": {"statistics": {"default": {}}}}),
        "calculations->dataMask",
    ),
    (
        "unknown band",
        calc({"data": {"statistics": {"B7": {}}}}),
        "calculations->data->statistics->B7",
    ),
    (
        "percentile above 100",
        calc({"data": {"statistics": {"B0": {"percentiles": {"k": [150]}}}}}),
        "calculations->data->statistics->B0->percentiles->k",
    ),
    (
        "unknown interpolation",
        calc(
            {"data": {"statistics": {"B0": {"percentiles": {"k": [5], "interpolation": "cubic"}}}}}
        ),
        "calculations->data->statistics->B0->percentiles->interpolation",
    ),
    (
        "unknown collection",
        data(type="byoc-00000000-0000-0000-0000-000000000000"),
        "input->data->0->type",
    ),
    ("Sentinel-2", data(type="sentinel-2-l2a"), "input->data->0->type"),
]


@pytest.mark.parametrize(("change", "parameter"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_requests(world: World, change: Callable[[Body], None], parameter: str) -> None:
    body = stats_body(collection=world.main_id)
    change(body)
    body["aggregation"] = {k: v for k, v in body["aggregation"].items() if v is not None}
    with world.client() as client:
        response = client.post("/api/v1/statistics", json=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    parameters = [e["parameter"] for e in error.get("errors", [])]
    assert any(p.startswith(parameter) for p in parameters), (parameters, error["message"])


@pytest.mark.parametrize("content", [b"", b"{", b"[]", b'{"input": 1}'])
def test_malformed_bodies(world: World, content: bytes) -> None:
    with world.client() as client:
        response = client.post(
            "/api/v1/statistics", content=content, headers={"content-type": "application/json"}
        )
    assert response.status_code == 400, response.text


def test_evalscript_syntax_error_is_a_400(world: World) -> None:
    body = stats_body(collection=world.main_id, evalscript="//VERSION=3\nfunction setup( {")
    with world.client() as client:
        response = client.post("/api/v1/statistics", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "RENDERER_EXCEPTION"


@pytest.mark.parametrize("path", ["/api/v1/statistics", "/statistics/v1"])
def test_no_token_is_401(world: World, path: str) -> None:
    response = httpx.post(world.emulator.base_url + path, json=stats_body(collection=world.main_id))
    assert response.status_code == 401

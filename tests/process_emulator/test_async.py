"""Async Process: accepted as RUNNING, 200 while running and 404 after, files delivered into the
bucket folder (default layout and templates), error.json on failure, 429 beyond the limit."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import numpy as np
import pytest
from sentinelhub_emulator import Emulator

from tests.emulator.conftest import assert_error
from tests.process_emulator.conftest import (
    World,
    build_world,
    process_body,
    read_tiff,
    simple_mosaic,
)

ASYNC_PATHS = ("/api/v1/async/process", "/async/v1/process")

SLOW = """//VERSION=3
function setup() {
  const until = Date.now() + %d;
  while (Date.now() < until) {}
  return {input: ["B1", "dataMask"], output: {bands: 1, sampleType: "UINT16"}};
}
function evaluatePixel(s) { return [s.B1]; }
function updateOutputMetadata(scenes, im, om) { om.userData = {done: true}; }
"""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("async")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SH_EMULATOR_ASYNC_MAX_RUNNING", "2")
        with Emulator(root) as emu:
            yield build_world(emu, root)


def _async_body(world: World, url: str, script: str, **kwargs: Any) -> dict[str, Any]:
    body = process_body(script, collection=world.main_id, **kwargs)
    body["output"]["delivery"] = {"s3": {"url": url, "accessKey": "k", "secretAccessKey": "s"}}
    return body


def _wait_finished(client: httpx.Client, path: str, request_id: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        response = client.get(f"{path}/{request_id}")
        if response.status_code == 404:
            return
        assert response.status_code == 200, response.text
        assert response.json() == {"id": request_id, "status": "RUNNING"}
        assert time.monotonic() < deadline, "the async request did not finish in 30 s"
        time.sleep(0.05)


@pytest.mark.parametrize("path", ASYNC_PATHS)
def test_lifecycle_and_default_layout(world: World, path: str) -> None:
    body = _async_body(world, "s3://out/results", SLOW % 800)
    with world.client() as client:
        response = client.post(path, json=body)
        assert response.status_code == 200, response.text
        started = response.json()
        request_id = started["id"]
        assert started == {"id": str(uuid.UUID(request_id)), "status": "RUNNING"}
        running = client.get(f"{path}/{request_id}")
        assert running.status_code == 200, running.text
        _wait_finished(client, path, request_id)
    folder = world.out_dir / "results" / request_id
    assert sorted(p.name for p in folder.iterdir()) == ["default.tif"]
    pixels, profile = read_tiff((folder / "default.tif").read_bytes())
    b1, _ = simple_mosaic(world.tiles, "B1")
    assert profile["dtype"] == "uint16"
    np.testing.assert_array_equal(pixels[0], b1)


def test_templates_and_several_outputs(world: World) -> None:
    responses = [
        {"identifier": "default", "format": {"type": "image/png"}},
        {"identifier": "userdata", "format": {"type": "application/json"}},
    ]
    body = _async_body(
        world, "s3://out/tmpl/<REQUEST_ID>/x-<OUTPUT>", SLOW % 0, responses=responses
    )
    body["output"].update(width=5000, height=10)  # above the 2500 of Process, fine for Async
    with world.client() as client:
        response = client.post(ASYNC_PATHS[1], json=body)
        assert response.status_code == 200, response.text
        request_id = response.json()["id"]
        _wait_finished(client, ASYNC_PATHS[1], request_id)
    folder = world.out_dir / "tmpl" / request_id
    assert sorted(p.name for p in folder.iterdir()) == ["x-default.png", "x-userdata.json"]
    assert json.loads((folder / "x-userdata.json").read_text()) == {"done": True}


def test_failures_land_in_error_json(world: World) -> None:
    script = (
        '//VERSION=3\nfunction setup() { return {input: ["B1"], output: {bands: 1}}; }\n'
        "function evaluatePixel(s) { throw new Error('no ' + 'luck'); }\n"
    )
    with world.client() as client:
        response = client.post(ASYNC_PATHS[0], json=_async_body(world, "s3://out/failing", script))
        assert response.status_code == 200, response.text
        request_id = response.json()["id"]
        _wait_finished(client, ASYNC_PATHS[0], request_id)
    error = json.loads((world.out_dir / "failing" / request_id / "error.json").read_text())
    assert error["error"]["code"] == "RENDERER_EXCEPTION"
    assert "Error: no luck (evalscript line 3)" in error["error"]["message"]


def test_evalscript_reference_is_read_from_the_bucket(world: World) -> None:
    (world.data_dir / "scripts").mkdir(exist_ok=True)
    (world.data_dir / "scripts" / "b1.js").write_text(SLOW % 0)
    body = _async_body(world, "s3://out/referenced", SLOW % 0)
    del body["evalscript"]
    body["evalscriptReference"] = {"s3": {"url": "s3://data/scripts/b1.js"}}
    with world.client() as client:
        response = client.post(ASYNC_PATHS[0], json=body)
        assert response.status_code == 200, response.text
        request_id = response.json()["id"]
        _wait_finished(client, ASYNC_PATHS[0], request_id)
    pixels, _ = read_tiff((world.out_dir / "referenced" / request_id / "default.tif").read_bytes())
    np.testing.assert_array_equal(pixels[0], simple_mosaic(world.tiles, "B1")[0])


def test_too_many_running_requests_get_429(world: World) -> None:
    with world.client() as client:
        ids = []
        for _ in range(2):
            response = client.post(
                ASYNC_PATHS[0], json=_async_body(world, "s3://out/busy", SLOW % 1500)
            )
            assert response.status_code == 200, response.text
            ids.append(response.json()["id"])
        refused = client.post(ASYNC_PATHS[0], json=_async_body(world, "s3://out/busy", SLOW % 0))
        assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
        assert int(refused.headers["Retry-After"]) > 0
        for request_id in ids:
            _wait_finished(client, ASYNC_PATHS[0], request_id)
        again = client.post(ASYNC_PATHS[0], json=_async_body(world, "s3://out/busy", SLOW % 0))
        assert again.status_code == 200, again.text
        _wait_finished(client, ASYNC_PATHS[0], again.json()["id"])


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("s3://out/../data/x", "output->delivery->s3->url"),
        ("s3://missing-bucket/x", "output->delivery->s3->url"),
        ("https://example.com/x", "output->delivery->s3->url"),
    ],
)
def test_bad_delivery_is_refused_at_once(world: World, url: str, parameter: str) -> None:
    with world.client() as client:
        response = client.post(ASYNC_PATHS[0], json=_async_body(world, url, SLOW % 0))
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", parameter)


def test_bad_requests_are_refused_at_once(world: World) -> None:
    body = _async_body(world, "s3://out/x", SLOW % 0)
    body["output"]["width"] = 10001
    gcs = _async_body(world, "s3://out/x", SLOW % 0)
    gcs["output"]["delivery"] = {"gs": {"url": "gs://b/x", "credentials": "e30="}}
    no_delivery = process_body(SLOW % 0, collection=world.main_id)
    with world.client() as client:
        assert_error(
            client.post(ASYNC_PATHS[0], json=body), 400, "COMMON_BAD_PAYLOAD", "output->width"
        )
        assert_error(
            client.post(ASYNC_PATHS[0], json=gcs), 400, "COMMON_BAD_PAYLOAD", "output->delivery->gs"
        )
        assert_error(client.post(ASYNC_PATHS[0], json=no_delivery), 400, "COMMON_BAD_PAYLOAD")
        unknown = client.get(f"{ASYNC_PATHS[0]}/{uuid.uuid4()}")
        assert_error(unknown, 404, "COMMON_NOT_FOUND")
        assert_error(client.get(f"{ASYNC_PATHS[0]}/not-a-uuid"), 400, "COMMON_BAD_PAYLOAD")
    anonymous = httpx.post(world.emulator.base_url + ASYNC_PATHS[0], json=body)
    assert_error(anonymous, 401, "COMMON_UNAUTHORIZED")

"""Fixtures for the batch service: an emulator whose batch tiles render with a stand-in
renderer (`renderers.CoordinateRenderer`), an authorised client, request bodies, polling."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.process import engine

from tests.support.emulator import fetch_token
from tests.support.spec import json_schema

from .renderers import CoordinateRenderer

BASE = "/api/v1/batch"
BUCKET = "results"
#: A small area in UTM zone 33N (around 14.4 E 46.4 N) that four 10 km cells cover.
UTM_AREA = (450_000.0 + 5_000, 5_140_000.0 + 5_000, 450_000.0 + 15_000, 5_140_000.0 + 15_000)
EVALSCRIPT = "//VERSION=3\nfunction setup() { return {input: ['B1'], output: {bands: 2}}; }\n"


def batch_client(emu: Emulator, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=emu.base_url + BASE, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def admin(emu: Emulator) -> httpx.Client:
    return httpx.Client(
        base_url=emu.base_url + "/_emulator/batch",
        headers={"Authorization": f"Bearer {emu.admin_token}"},
        timeout=30,
    )


def request_body(
    *,
    bbox: tuple[float, ...] = UTM_AREA,
    crs: str = "http://www.opengis.net/def/crs/EPSG/0/32633",
    grid: int = 1,
    resolution: float = 20.0,
    responses: list[dict[str, Any]] | None = None,
    output: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    process_request: dict[str, Any] = {
        "input": {
            "bounds": {"bbox": list(bbox), "properties": {"crs": crs}},
            "data": [{"type": "byoc-00000000-0000-0000-0000-000000000000"}],
        },
        "evalscript": EVALSCRIPT,
    }
    if responses is not None:
        process_request["output"] = {"responses": responses}
    body: dict[str, Any] = {
        "processRequest": process_request,
        "tilingGrid": {"id": grid, "resolution": resolution},
        "output": output if output is not None else {"defaultTilePath": f"s3://{BUCKET}/out"},
        "description": "test request",
        **extra,
    }
    return body


def assert_matches(schema_name: str, body: Any) -> None:
    """The body fits the spec's (response) schema ``schema_name``."""
    errors = list(Draft202012Validator(json_schema(schema_name)).iter_errors(body))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def create(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/process", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert isinstance(created, dict)
    assert_matches("BatchRequest", created)
    return created


def wait_for(
    client: httpx.Client, request_id: str, statuses: tuple[str, ...], timeout: float = 20.0
) -> dict[str, Any]:
    """Poll the request until its status is one of ``statuses``."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/process/{request_id}").json()
        assert_matches("BatchRequest", body)
        if body["status"] in statuses:
            assert isinstance(body, dict)
            return body
        assert time.monotonic() < deadline, f"still {body['status']} after {timeout} s"
        time.sleep(0.02)


def all_tiles(client: httpx.Client, request_id: str, **params: Any) -> list[dict[str, Any]]:
    tiles: list[dict[str, Any]] = []
    url: str | None = f"/process/{request_id}/tiles"
    query: dict[str, Any] = {"count": 3, **params}
    while url is not None:
        response = client.get(url, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert_matches("BatchTilePage", page)
        tiles.extend(page["data"])
        token = page["links"].get("nextToken")
        url, query = (url, {**query, "viewtoken": token}) if token else (None, {})
    return tiles


@pytest.fixture(scope="module")
def renderer() -> Iterator[CoordinateRenderer]:
    """The stand-in renderer, in place of the engine for every emulator of the module."""
    stand_in = CoordinateRenderer()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine, "render", stand_in)
        yield stand_in


@pytest.fixture(scope="module")
def emulator(
    tmp_path_factory: pytest.TempPathFactory, renderer: CoordinateRenderer
) -> Iterator[Emulator]:
    """One emulator per module; tests isolate themselves by their own requests (and accounts
    where they list)."""
    root = tmp_path_factory.mktemp("batch")
    (root / "buckets" / BUCKET).mkdir(parents=True)
    with Emulator(root) as emu:
        yield emu


@pytest.fixture(scope="module")
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with batch_client(emulator, fetch_token(emulator)) as http:
        yield http


@pytest.fixture
def fresh_client(emulator: Emulator) -> Iterator[httpx.Client]:
    """A client of a new account, which owns nothing yet."""
    client_id = f"client-{uuid.uuid4().hex[:12]}"
    emulator.add_client(client_id, "secret-of-" + client_id)
    with batch_client(emulator, fetch_token(emulator, client_id, "secret-of-" + client_id)) as http:
        yield http


@pytest.fixture
def faults(emulator: Emulator) -> Iterator[httpx.Client]:
    """The admin client for batch faults; the faults are cleared after the test."""
    with admin(emulator) as control:
        yield control
        control.delete("/faults")


@pytest.fixture
def bucket(emulator: Emulator) -> Path:
    return emulator.data_dir / "buckets" / BUCKET

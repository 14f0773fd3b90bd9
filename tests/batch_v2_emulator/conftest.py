"""Fixtures for Batch v2 on the emulator: an emulator whose tiles render with Batch v1's stand-in
renderer (`tests.batch_emulator.renderers.CoordinateRenderer`: each pixel holds its own centre),
an authorised client, request bodies, polling."""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.db import DATABASE_FILENAME
from sentinelhub_emulator.process import engine

from tests.batch_emulator.renderers import CoordinateRenderer
from tests.support.emulator import fetch_token
from tests.support.spec import json_schema

BASE = "/api/v2/batch"
BUCKET = "results"
#: A small area in UTM zone 33N that four 10 km cells of grid 1 cover.
UTM_AREA = (450_000.0 + 5_000, 5_140_000.0 + 5_000, 450_000.0 + 15_000, 5_140_000.0 + 15_000)
EVALSCRIPT = "//VERSION=3\nfunction setup() { return {input: ['B1'], output: {bands: 2}}; }\n"
FINAL = ("DONE", "FAILED", "STOPPED")


def batch_client(emu: Emulator, token: str) -> httpx.Client:
    return httpx.Client(
        base_url=emu.base_url + BASE, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def request_body(
    *,
    bbox: tuple[float, ...] = UTM_AREA,
    crs: str = "http://www.opengis.net/def/crs/EPSG/0/32633",
    grid: int = 1,
    resolution: float = 20.0,
    buffer: tuple[int, int] | None = None,
    responses: list[dict[str, Any]] | None = None,
    url: str | None = None,
    **output: Any,
) -> dict[str, Any]:
    """A create body; ``url`` defaults to a fresh folder of the results bucket."""
    process_request: dict[str, Any] = {
        "input": {
            "bounds": {"bbox": list(bbox), "properties": {"crs": crs}},
            "data": [{"type": "byoc-00000000-0000-0000-0000-000000000000"}],
        },
        "evalscript": EVALSCRIPT,
    }
    if responses is not None:
        process_request["output"] = {"responses": responses}
    grid_input: dict[str, Any] = {"type": "tiling-grid", "id": grid, "resolution": resolution}
    if buffer is not None:
        grid_input.update(bufferX=buffer[0], bufferY=buffer[1])
    delivery_url = url or f"s3://{BUCKET}/{uuid.uuid4().hex[:8]}"
    return {
        "processRequest": process_request,
        "input": grid_input,
        "output": {"type": "raster", "delivery": {"s3": {"url": delivery_url}}, **output},
        "description": "test request",
    }


def assert_matches(schema_name: str, body: Any) -> None:
    """The body fits the spec's (response) schema ``schema_name``."""
    errors = list(Draft202012Validator(json_schema(schema_name)).iter_errors(body))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def create(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/process", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert isinstance(created, dict)
    assert_matches("BatchV2Request", created)
    return created


def wait_for(
    client: httpx.Client, request_id: str, statuses: tuple[str, ...], timeout: float = 20.0
) -> dict[str, Any]:
    """Poll the request until its status is one of ``statuses``."""
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(f"/process/{request_id}").json()
        assert_matches("BatchV2Request", body)
        if body["status"] in statuses:
            assert isinstance(body, dict)
            return body
        assert time.monotonic() < deadline, f"still {body['status']} after {timeout} s"
        time.sleep(0.02)


def job_folder(bucket: Path, body: dict[str, Any], request_id: str) -> Path:
    """``<root>/<requestId>`` of a body whose URL is a folder."""
    url = body["output"]["delivery"]["s3"]["url"]
    return bucket / url.split("/", 3)[3] / request_id


@contextmanager
def held_renders(renderer: CoordinateRenderer) -> Iterator[None]:
    """Inside the block every render waits; ``renderer.waiting`` (cleared on entry) says when
    one began. Renders go on when the block ends, however it ends."""
    gate = threading.Event()
    renderer.waiting.clear()
    renderer.gate = gate
    try:
        yield
    finally:
        renderer.gate = None
        gate.set()


def analysed_offline(root: Path, body: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """Create and analyse ``body`` on an emulator over ``root``, then stop that emulator: the
    request as created and the token (valid for the next emulator over ``root``)."""
    with Emulator(root) as emu:
        token = fetch_token(emu)
        with batch_client(emu, token) as client:
            created = create(client, body)
            client.post(f"/process/{created['id']}/analyse")
            wait_for(client, created["id"], ("ANALYSIS_DONE",))
    return created, token


def crash_mid_processing(root: Path, request_id: str) -> list[str]:
    """Leave the request's rows as a kill -9 in the middle of processing does: the request
    PROCESSING, its four tiles (by name) DONE, PROCESSING, SCHEDULED, SCHEDULED. The names."""
    with sqlite3.connect(root / DATABASE_FILENAME) as conn:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM batch_v2_tiles WHERE request_id = ? ORDER BY name", (request_id,)
            )
        ]
        conn.execute(
            "UPDATE batch_v2_requests SET status = 'PROCESSING', user_action = 'START'"
            " WHERE id = ?",
            (request_id,),
        )
        for name, status in zip(
            names, ["DONE", "PROCESSING", "SCHEDULED", "SCHEDULED"], strict=True
        ):
            conn.execute(
                "UPDATE batch_v2_tiles SET status = ? WHERE request_id = ? AND name = ?",
                (status, request_id, name),
            )
    return names


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
    root = tmp_path_factory.mktemp("batch-v2")
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
def bucket(emulator: Emulator) -> Path:
    return emulator.data_dir / "buckets" / BUCKET

"""An S3 endpoint that is down: the emulator answers 4xx and fails ingestion with a cause,
never a 5xx, and no credential appears in what it says."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.core.buckets import BucketUnavailableError, S3Bucket, parse_s3_location

from tests.s3_emulator.conftest import S3World
from tests.support.emulator import fetch_token


def _dead_endpoint() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there now


@pytest.fixture(scope="module")
def dead(s3_world: S3World, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    # s3_world: the test credentials are in the environment
    with Emulator(
        tmp_path_factory.mktemp("dead"),
        buckets={"gone": "s3://gone"},
        s3_endpoint=_dead_endpoint(),
    ) as emu:
        yield emu


def test_bucket_operations_raise_a_clear_error(s3_world: S3World) -> None:
    bucket = S3Bucket(parse_s3_location("s3://gone/prefix"), endpoint_url=_dead_endpoint())
    assert not bucket.available()
    with pytest.raises(BucketUnavailableError) as caught:
        bucket.stat("a.tif")
    message = str(caught.value)
    assert "s3://gone/prefix" in message
    assert s3_world.server.secret_access_key not in message
    assert s3_world.server.secret_access_key not in repr(bucket)


def test_ingestion_fails_with_a_cause_and_requests_get_400(dead: Emulator, tmp_path: Path) -> None:
    token = fetch_token(dead)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=dead.base_url, headers=headers, timeout=60) as client:
        created = client.post("/api/v1/byoc/collections", json={"name": "x", "s3Bucket": "gone"})
        assert created.status_code == 201, created.text
        collection = created.json()["data"]["id"]
        tile = client.post(
            f"/api/v1/byoc/collections/{collection}/tiles", json={"path": "a/(BAND).tif"}
        )
        assert tile.status_code == 201, tile.text
        tile_id = tile.json()["data"]["id"]
        deadline = time.monotonic() + 30
        while (
            state := client.get(f"/api/v1/byoc/collections/{collection}/tiles/{tile_id}").json()
        )["data"]["status"] not in ("FAILED", "INGESTED"):
            assert time.monotonic() < deadline, state
            time.sleep(0.05)
        assert state["data"]["status"] == "FAILED"
        assert "Bucket 'gone'" in state["data"]["additionalData"]["failedIngestionCause"]
        body = {
            "input": {
                "bounds": {"bbox": [14, 45, 14.01, 45.01]},
                "data": [{"type": f"byoc-{collection}"}],
            },
            "output": {
                "width": 8,
                "height": 8,
                "delivery": {"s3": {"url": "s3://gone/out"}},
            },
            "evalscript": "//VERSION=3\nfunction setup() { return {input: ['B1'], output: "
            "{bands: 1}}; }\nfunction evaluatePixel(s) { return [s.B1]; }",
        }
        for path in ("/api/v1/process", "/api/v1/async/process"):
            response = client.post(path, json=body)
            assert response.status_code == 400, response.text
            assert "gone" in response.text

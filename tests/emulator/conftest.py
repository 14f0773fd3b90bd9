"""Fixtures for the emulator tests: running emulators, tokens, BYOC clients on both path styles.

Most tests share one emulator per module and isolate themselves by creating their own
collections; tests that need special settings (token lifetime, faults, delays) start their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token
from tests.support.spec import json_schema

BYOC_PREFIXES = ("/api/v1/byoc", "/byoc/v1")
PLANET_BUCKET = "planet"


def byoc_client(emu: Emulator, token: str, prefix: str = BYOC_PREFIXES[0]) -> httpx.Client:
    return httpx.Client(
        base_url=emu.base_url + prefix, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def assert_matches(schema_name: str, body: Any) -> None:
    """The body fits the spec's (response) schema ``schema_name``."""
    errors = list(Draft202012Validator(json_schema(schema_name)).iter_errors(body))
    assert not errors, [e.message for e in errors]


def assert_error(
    response: httpx.Response, status: int, code: str, parameter: str | None = None
) -> dict[str, Any]:
    """The response is the service's error envelope with this status and code."""
    assert response.status_code == status, response.text
    body = response.json()
    assert_matches("ErrorEnvelope", body)
    error = body["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert error["reason"]
    assert error["message"]
    if parameter is not None:
        assert parameter in [e["parameter"] for e in error["errors"]], error
    return error  # type: ignore[no-any-return]


def new_collection(client: httpx.Client, **fields: Any) -> dict[str, Any]:
    body = {"name": "test collection", "s3Bucket": "bucket", **fields}
    response = client.post("/collections", json=body)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(tmp_path_factory.mktemp("emulator"), planet_buckets=[PLANET_BUCKET]) as emu:
        yield emu


@pytest.fixture(scope="module")
def token(emulator: Emulator) -> str:
    return fetch_token(emulator)


@pytest.fixture(scope="module", params=BYOC_PREFIXES, ids=["api-v1-byoc", "byoc-v1"])
def byoc(emulator: Emulator, token: str, request: pytest.FixtureRequest) -> Iterator[httpx.Client]:
    """A BYOC client on each path style in turn."""
    with byoc_client(emulator, token, request.param) as client:
        yield client


@pytest.fixture(scope="module")
def api(emulator: Emulator, token: str) -> Iterator[httpx.Client]:
    """A BYOC client on the /api/v1/byoc path style only."""
    with byoc_client(emulator, token) as client:
        yield client


@pytest.fixture(scope="module")
def bucket_root(emulator: Emulator) -> Path:
    return emulator.data_dir / "buckets"

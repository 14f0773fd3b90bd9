"""Schemathesis against the Batch v2 operations of our spec: no 5xx, JSON where JSON is
declared, and every answer that the spec describes fits its schema.

Each operation gets schemathesis's coverage cases and a few fuzzed ones; three in four cases
with well-formed ids are pointed at a seeded request, so that the success answers get checked
too. Actions on the seeded request may move it along (analyse, start, stop): every state's
answer must fit the schema as well.
"""

from __future__ import annotations

import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

from .conftest import batch_client, create, request_body

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "sentinelhub.yaml"
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]

_CONFIG = schemathesis.Config.from_dict({"generation": {"deterministic": True, "database": "none"}})
schema = schemathesis.openapi.from_path(SPEC_PATH, config=_CONFIG).include(
    path_regex=r"^/api/v2/batch/"
)


@pytest.fixture(scope="module")
def seeded(emulator: Emulator) -> Iterator[tuple[str, dict[str, Any]]]:
    token = fetch_token(emulator)
    with batch_client(emulator, token) as client:
        request = create(client, request_body())
        yield token, {"requestId": request["id"], "gridId": 1}


def _aim(case: schemathesis.Case, ids: dict[str, Any]) -> None:
    params = case.path_parameters if case.path_parameters is not None else {}
    if not params:
        return
    hashed = zlib.crc32(repr((case.method, case.path, params, case.body)).encode())
    if hashed % 4 == 0:
        return
    for name, value in list(params.items()):
        if name == "requestId":
            try:
                uuid.UUID(str(value))
            except ValueError:
                continue
        if name in ids:
            params[name] = ids[name]


@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_batch_v2_operation_conforms(
    case: schemathesis.Case, emulator: Emulator, seeded: tuple[str, dict[str, Any]]
) -> None:
    token, ids = seeded
    _aim(case, ids)
    case.call_and_validate(
        base_url=emulator.base_url,
        headers={"Authorization": f"Bearer {token}"},
        checks=CHECKS,
        timeout=30,
    )


def test_every_batch_v2_operation_of_the_spec_is_served(emulator: Emulator) -> None:
    operations = [
        (method.upper(), path)
        for path, item in schema.raw_schema["paths"].items()
        if path.startswith("/api/v2/batch/")
        for method in item
        if method in ("get", "post", "put", "delete")
    ]
    assert len(operations) == 9
    with httpx.Client(base_url=emulator.base_url) as anonymous:
        for method, path in operations:
            concrete = path.replace("{requestId}", str(uuid.uuid4())).replace("{gridId}", "1")
            response = anonymous.request(method, concrete)
            assert response.status_code == 401, (method, path, response.status_code)

"""No input makes the batch service answer 5xx: hand-picked bad requests get a 400 naming the
field, and Hypothesis mutates valid bodies (every field replaced by arbitrary JSON) and sends
arbitrary path segments, checking that every answer is a success or a 4xx error envelope."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

from .conftest import BUCKET, assert_matches, batch_client, request_body

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


def _assert_client_error(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert_matches("ErrorEnvelope", response.json())
        error = response.json()["error"]
        assert error["status"] == response.status_code
        assert error["message"]


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    body = request_body()
    target: Any = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("body", "parameter"),
    [
        (_with(("tilingGrid", "id"), 42), "tilingGrid->id"),
        (_with(("tilingGrid", "resolution"), 15.0), "tilingGrid->resolution"),
        (_with(("tilingGrid",), {"id": 1, "resolution": 10, "bufferX": -1}), "tilingGrid->bufferX"),
        (_with(("processRequest", "evalscript"), "  "), "processRequest->evalscript"),
        (
            _with(("processRequest", "input", "bounds", "properties", "crs"), "EPSG:32633"),
            "processRequest->input->bounds->properties->crs",
        ),
        (
            _with(
                ("processRequest", "input", "bounds", "properties", "crs"),
                "http://www.opengis.net/def/crs/EPSG/0/999999",
            ),
            "processRequest->input->bounds->properties->crs",
        ),
        (
            _with(("processRequest", "input", "bounds", "bbox"), [5, 5, 1, 1]),
            "processRequest->input->bounds->bbox",
        ),
        (
            _with(("processRequest", "input", "bounds"), {"bbox": [-180, -80, 180, 80]})
            | {"tilingGrid": {"id": 1, "resolution": 10}},
            "processRequest->input->bounds",
        ),
        (
            _with(("processRequest", "input", "bounds"), {"properties": {"crs": CRS84}}),
            "processRequest->input->bounds",
        ),
        (
            _with(
                ("processRequest", "input", "bounds"),
                {"bbox": [1e12, 1e12, 2e12, 2e12]},
            ),
            "processRequest->input->bounds",
        ),
        (
            _with(
                ("processRequest", "output"),
                {"responses": [{"identifier": "a/../b", "format": {"type": "image/tiff"}}]},
            ),
            "processRequest->output->responses->0->identifier",
        ),
        (
            _with(
                ("processRequest", "output"),
                {"responses": [{"identifier": "z", "format": {"type": "zarr/array"}}]},
            ),
            "processRequest->output->responses->0->format->type",
        ),
        (_with(("zarrOutput",), {"path": "s3://x", "group": {}}), "zarrOutput"),
        (_with(("processRequest",), "not an object"), "processRequest"),
    ],
)
def test_bad_requests_are_400_naming_the_field(
    client: httpx.Client, body: dict[str, Any], parameter: str
) -> None:
    response = client.post("/process", json=body)
    assert response.status_code == 400, response.text
    parameters = [e["parameter"] for e in response.json()["error"].get("errors", [])]
    assert parameter in parameters, response.json()


def test_raw_bodies(client: httpx.Client) -> None:
    for raw in (b"", b"{", b"[]", b"null", b'{"processRequest": {}}', "é".encode("latin-1")):
        response = client.post(
            "/process", content=raw, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 400, (raw, response.text)
    for path in ("/process/abc", "/process/abc/tiles", "/collections/abc"):
        assert client.get(path).status_code == 400
    assert client.get("/process", params={"count": 0}).status_code == 400
    assert client.get("/process", params={"sort": "name"}).status_code == 400
    assert client.get("/process", params={"viewtoken": "garbage"}).status_code == 400


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.extend(_paths(value, (*prefix, index)))
    return found


_VALID = request_body()
_FIELDS = _paths(_VALID)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(field=st.sampled_from(_FIELDS), value=_JSON, action=st.sampled_from(["analyse", "start"]))
def test_mutated_bodies_never_give_5xx(
    client: httpx.Client, field: tuple[Any, ...], value: Any, action: str
) -> None:
    body = copy.deepcopy(_VALID)
    target: Any = body
    for key in field[:-1]:
        target = target[key]
    target[field[-1]] = value
    response = client.post("/process", json=body)
    _assert_client_error(response)
    if response.status_code == 201:
        request_id = response.json()["id"]
        _assert_client_error(client.post(f"/process/{request_id}/{action}"))
        _assert_client_error(client.put(f"/process/{request_id}", json={"output": value}))
        _assert_client_error(client.get(f"/process/{request_id}/tiles"))


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    segment=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=30
    ).map(lambda text: quote(text, safe="")),
    body=_JSON,
)
def test_arbitrary_ids_and_collection_bodies_never_give_5xx(
    client: httpx.Client, segment: str, body: Any
) -> None:
    for path in (
        f"/process/{segment}",
        f"/process/{segment}/tiles/{segment}",
        f"/tilinggrids/{segment}",
        f"/collections/{segment}",
    ):
        _assert_client_error(client.get(path))
    _assert_client_error(client.post("/collections", json=body))
    _assert_client_error(client.post("/process", json=body))


def test_admin_faults_need_the_admin_token(tmp_path: Path) -> None:
    (tmp_path / "buckets" / BUCKET).mkdir(parents=True)
    with Emulator(tmp_path) as emu:
        with batch_client(emu, fetch_token(emu)) as user:
            # A user token is not the admin token.
            answer = httpx.post(
                emu.base_url + "/_emulator/batch/faults",
                json={"failFraction": 1},
                headers={"Authorization": user.headers["Authorization"]},
            )
            assert answer.status_code == 401
        admin_headers = {"Authorization": f"Bearer {emu.admin_token}"}
        for bad in ({"failFraction": 2}, {"failTiles": "x"}, {"seed": "s"}, {"other": 1}, []):
            refused = httpx.post(
                emu.base_url + "/_emulator/batch/faults", json=bad, headers=admin_headers
            )
            assert refused.status_code == 400, bad

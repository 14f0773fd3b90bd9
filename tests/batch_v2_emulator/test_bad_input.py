"""Bad create bodies are a 400 that names the field; nothing gives a 5xx."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .conftest import BUCKET, request_body


def _with(path: str, value: Any) -> dict[str, Any]:
    body = request_body()
    target = body
    *parents, leaf = path.split(".")
    for part in parents:
        target = target[part]
    if value is _DROP:
        del target[leaf]
    else:
        target[leaf] = value
    return body


_DROP = object()

CASES = [
    ("input.id", 42, "input->id"),
    ("input.resolution", 15, "input->resolution"),
    ("input.bufferX", -1, "input->bufferX"),
    ("input.type", "geopackage", "input"),
    ("output.type", "zarr", "output"),
    ("output.delivery", {"s3": {"url": "http://elsewhere/x"}}, "output->delivery->s3->url"),
    ("output.delivery", {"s3": {"url": "s3://no-such-bucket/x"}}, "output->delivery->s3->url"),
    (
        "output.delivery",
        {"s3": {"url": f"s3://{BUCKET}/x/<requestId>/<nope>"}},
        "output->delivery->s3->url",
    ),
    ("output.cogParameters", {"blockxsize": 100}, "output->cogParameters"),
    ("output.cogParameters", {"blockxsize": 256, "blockysize": 512}, "output->cogParameters"),
    ("output.collectionId", "00000000-0000-0000-0000-000000000000", "output->collectionId"),
    ("processRequest.evalscript", " ", "processRequest->evalscript"),
    ("processRequest.input.bounds", _DROP, "processRequest->input->bounds"),
    ("input", _DROP, "input"),
]


@pytest.mark.parametrize(("path", "value", "field"), CASES, ids=[c[0] for c in CASES])
def test_a_bad_field_is_named(client: httpx.Client, path: str, value: Any, field: str) -> None:
    response = client.post("/process", json=_with(path, value))
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "COMMON_BAD_PAYLOAD"
    parameters = [e["parameter"] for e in error.get("errors", [])]
    assert any(p.startswith(field) for p in parameters), (parameters, error["message"])


def test_a_missing_geopackage_and_zarr_output_are_400(client: httpx.Client) -> None:
    body = request_body()
    body["input"] = {"type": "geopackage", "features": {"s3": {"url": f"s3://{BUCKET}/f.gpkg"}}}
    response = client.post("/process", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["parameter"] == "input->features->s3->url"
    # Zarr output on a UTM grid (the default body's grid 1): only grids 3, 6 and 7 take it.
    body = request_body(responses=[{"identifier": "default", "format": {"type": "zarr/array"}}])
    body["output"] = {
        "type": "zarr",
        "delivery": {"s3": {"url": f"s3://{BUCKET}/z"}},
        "group": {"zarr_format": 2},
        "arrayParameters": {"dtype": "<f4", "order": "C", "chunks": [1, 500, 500], "fill_value": 0},
    }
    response = client.post("/process", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["errors"][0]["parameter"] == "input->id"


def test_garbage_bodies_are_400(client: httpx.Client) -> None:
    for content in (b"", b"[]", b"{", b'{"processRequest": 1}', b"null"):
        response = client.post(
            "/process", content=content, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, (content, response.text)
    bad_id = client.get("/process/not-a-uuid")
    assert bad_id.status_code in (400, 404)
    update = client.put("/process/00000000-0000-0000-0000-000000000001", json={"description": "x"})
    assert update.status_code == 404

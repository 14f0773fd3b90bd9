"""Query strings the service would not take: more than 1,000 query parameters (400 naming
``query``, for every path) and a tile ``path`` filter longer than any tile path can be (400
naming ``path``)."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
from sentinelhub_emulator import Emulator
from sentinelhub_emulator.byoc.ingest import MAX_PATH_CHARS
from sentinelhub_emulator.core.params import MAX_QUERY_PARAMS

from .conftest import assert_error, new_collection


def _raw_get(emulator: Emulator, token: str, target: str) -> tuple[int, dict[str, Any]]:
    """GET with http.client, which (unlike httpx) sends URLs longer than 64 KiB."""
    url = urlsplit(emulator.base_url)
    connection = http.client.HTTPConnection(url.hostname or "", url.port, timeout=30)
    try:
        connection.request("GET", target, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def test_ten_thousand_query_parameters_are_400(api: httpx.Client) -> None:
    collection = new_collection(api)
    query = "&".join("a=1" for _ in range(10_000))
    for path in ("/collections", f"/collections/{collection['id']}/tiles"):
        response = api.get(f"{path}?{query}")
        error = assert_error(response, 400, "COMMON_BAD_PAYLOAD", "query")
        assert "10000 query parameters" in error["message"]
        assert response.headers["SH-Request-Id"]


def test_up_to_the_limit_is_fine(api: httpx.Client) -> None:
    query = "&".join(f"p{i}=1" for i in range(MAX_QUERY_PARAMS - 1))
    response = api.get(f"/collections?count=5&{query}")
    assert response.status_code == 200, response.text


def test_a_path_filter_longer_than_any_tile_path_is_400(
    emulator: Emulator, token: str, byoc: httpx.Client
) -> None:
    collection = new_collection(byoc)
    tiles = f"{byoc.base_url.path.rstrip('/')}/collections/{collection['id']}/tiles"
    status, body = _raw_get(emulator, token, f"{tiles}?path={'a' * 100_000}")
    assert status == 400, body
    assert body["error"]["code"] == "COMMON_BAD_PAYLOAD"
    assert [e["parameter"] for e in body["error"]["errors"]] == ["path"]
    longest = byoc.get(
        f"/collections/{collection['id']}/tiles", params={"path": "a" * MAX_PATH_CHARS}
    )
    assert longest.status_code == 200, longest.text
    assert longest.json()["data"] == []

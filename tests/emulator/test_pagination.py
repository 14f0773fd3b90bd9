"""Keyset pagination: thousands of tiles, count bounds, view tokens, links, cost of late pages."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest
from sentinelhub_emulator import Emulator

from tests.support.emulator import fetch_token

from .conftest import assert_error, byoc_client, new_collection

TILES = 2500


@pytest.fixture(scope="module")
def big(emulator: Emulator, api: httpx.Client) -> dict[str, Any]:
    collection = new_collection(api, name="big")
    emulator.store.create_tiles(
        collection["id"], [(f"tile/{i:05d}", None, None) for i in range(TILES)], status="INGESTED"
    )
    return collection


def _walk(client: httpx.Client, url: str, follow: str, **params: Any) -> list[dict[str, Any]]:
    """Every page, following ``nextToken`` (as sentinelhub-py) or ``next`` (as byoc-tool)."""
    pages = []
    response = client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append(page)
        links = page["links"]
        if "nextToken" not in links:
            assert "next" not in links
            return pages
        if follow == "token":
            response = client.get(url, params={**params, "viewtoken": links["nextToken"]})
        else:
            response = client.get(links["next"])


@pytest.mark.parametrize("follow", ["token", "next"])
def test_walk_every_page(byoc: httpx.Client, big: dict[str, Any], follow: str) -> None:
    pages = _walk(byoc, f"/collections/{big['id']}/tiles", follow)
    assert [len(p["data"]) for p in pages] == [100] * (TILES // 100)
    paths = [t["path"] for p in pages for t in p["data"]]
    assert paths == [f"tile/{i:05d}" for i in range(TILES)]


def test_walk_backwards_with_small_pages(api: httpx.Client, big: dict[str, Any]) -> None:
    pages = _walk(api, f"/collections/{big['id']}/tiles", "token", count=7, sort="created:desc")
    paths = [t["path"] for p in pages for t in p["data"]]
    assert paths == [f"tile/{i:05d}" for i in reversed(range(TILES))]
    assert len(pages[-1]["data"]) == TILES % 7


@pytest.mark.parametrize("count", [1, 99, 100])
def test_count_bounds(api: httpx.Client, big: dict[str, Any], count: int) -> None:
    page = api.get(f"/collections/{big['id']}/tiles", params={"count": count}).json()
    assert len(page["data"]) == count


@pytest.mark.parametrize("count", ["0", "101", "-1", "ten", "1.5", ""])
def test_count_out_of_range_is_400(api: httpx.Client, big: dict[str, Any], count: str) -> None:
    response = api.get(f"/collections/{big['id']}/tiles", params={"count": count})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "count")


def test_links_of_a_middle_page(emulator: Emulator, api: httpx.Client, big: dict[str, Any]) -> None:
    url = f"/collections/{big['id']}/tiles"
    first = api.get(url, params={"count": 10, "status": "INGESTED"}).json()
    second = api.get(
        url, params={"count": 10, "status": "INGESTED", "viewtoken": first["links"]["nextToken"]}
    ).json()
    links = second["links"]
    assert links["currentToken"] == first["links"]["nextToken"]
    assert links["@id"].startswith(emulator.base_url)
    assert "viewtoken=" in links["@id"]
    assert links["next"].startswith(emulator.base_url + "/api/v1/byoc" + url)
    assert "count=10" in links["next"]
    assert "status=INGESTED" in links["next"]
    assert f"viewtoken={links['nextToken']}" in links["next"]
    assert second["data"][0]["path"] == "tile/00010"


def test_last_page_has_no_next(api: httpx.Client, big: dict[str, Any]) -> None:
    page = api.get(f"/collections/{big['id']}/tiles", params={"path": "tile/00042"}).json()
    assert len(page["data"]) == 1
    assert "nextToken" not in page["links"]
    assert "next" not in page["links"]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "viewtoken",
    [
        "garbage",
        "!!!",
        _b64("v1:-5"),
        _b64("v2:10"),
        _b64("v1:abc"),
        _b64("v1:" + "9" * 30),
        _b64("v1:" + "9" * 19),
        "====",
    ],
)
def test_garbage_viewtoken_is_400(api: httpx.Client, big: dict[str, Any], viewtoken: str) -> None:
    response = api.get(f"/collections/{big['id']}/tiles", params={"viewtoken": viewtoken})
    assert_error(response, 400, "COMMON_BAD_PAYLOAD", "viewtoken")


def test_garbage_viewtoken_on_collections_is_400(api: httpx.Client) -> None:
    assert_error(
        api.get("/collections", params={"viewtoken": "garbage"}),
        400,
        "COMMON_BAD_PAYLOAD",
        "viewtoken",
    )


@pytest.mark.parametrize("descending", [False, True])
def test_late_pages_use_the_index(
    emulator: Emulator, big: dict[str, Any], descending: bool
) -> None:
    """The store's page query is an index seek on (collection_id, seq): no scan, no sort."""
    conn = emulator.store.db.connection()
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        page = emulator.store.list_tiles(big["id"], after=2400, count=100, descending=descending)
    finally:
        conn.set_trace_callback(None)
    assert page.items
    [query] = [sql for sql in statements if "FROM tiles" in sql]
    plan = conn.execute("EXPLAIN QUERY PLAN " + query).fetchall()
    details = " ".join(row["detail"] for row in plan)
    assert "USING INDEX tiles_by_collection" in details, details
    assert "TEMP B-TREE" not in details, details


def test_collections_paginate(emulator: Emulator) -> None:
    emulator.add_client("pager", "pager-secret")
    with byoc_client(emulator, fetch_token(emulator, "pager", "pager-secret")) as client:
        for i in range(5):
            new_collection(client, name=f"page-{i}")
        pages = _walk(client, "/collections", "next", count=2)
        assert [len(p["data"]) for p in pages] == [2, 2, 1]
        assert [c["name"] for p in pages for c in p["data"]] == [f"page-{i}" for i in range(5)]
        searched = _walk(client, "/collections", "token", count=1, search="page-1|page-3")
        assert [c["name"] for p in searched for c in p["data"]] == ["page-1", "page-3"]

"""The Catalog's documents over raw HTTP: landing page, conformance, collections, queryables,
the items of a collection and one item; who may read them."""

from __future__ import annotations

from typing import Any

import httpx
import pystac
import pytest
from shapely.geometry import box
from shapely.ops import unary_union

from .conftest import API, MAIN_TILES, World, stranger_token

STAC_ITEM_SEARCH = "https://api.stacspec.org/v1.0.0/item-search"
REQUIRED_CONFORMANCE = {
    "https://api.stacspec.org/v1.0.0/core",
    "https://api.stacspec.org/v1.0.0/collections",
    "https://api.stacspec.org/v1.0.0/ogcapi-features",
    STAC_ITEM_SEARCH,
    "https://api.stacspec.org/v1.0.0/item-search#fields",
    "https://api.stacspec.org/v1.0.0/item-search#context",
    "https://api.stacspec.org/v1.0.0/item-search#filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
}


def _rels(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    rels: dict[str, list[dict[str, Any]]] = {}
    for link in document["links"]:
        assert link["href"].startswith("http"), link  # absolute
        rels.setdefault(link["rel"], []).append(link)
    return rels


@pytest.mark.parametrize("prefix", ["/api/v1/catalog/1.0.0", "/catalog/v1"])
@pytest.mark.parametrize("slash", ["", "/"])
def test_landing_page_needs_no_token(world: World, prefix: str, slash: str) -> None:
    response = httpx.get(world.emulator.base_url + prefix + slash)
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["type"] == "Catalog"
    assert page["stac_version"] == "1.0.0"
    assert page["id"]
    assert page["description"]
    assert set(page["conformsTo"]) >= REQUIRED_CONFORMANCE
    rels = _rels(page)
    assert {"self", "root", "conformance", "data", "search"} <= set(rels)
    assert {link.get("method") for link in rels["search"]} == {"GET", "POST"}
    assert rels["data"][0]["href"] == world.emulator.base_url + prefix + "/collections"
    catalog = pystac.Catalog.from_dict(page)
    assert catalog.id == page["id"]


def test_conformance_needs_no_token(world: World) -> None:
    response = httpx.get(world.url + "/conformance")
    assert response.status_code == 200
    assert set(response.json()["conformsTo"]) >= REQUIRED_CONFORMANCE


@pytest.mark.parametrize(
    "path",
    [
        "/collections",
        "/queryables",
        "/collections/byoc-00000000-0000-0000-0000-000000000000",
        "/collections/byoc-00000000-0000-0000-0000-000000000000/items",
        "/search",
    ],
)
def test_the_rest_needs_a_token(world: World, path: str) -> None:
    response = httpx.get(world.url + path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "COMMON_UNAUTHORIZED"


def test_collections_list_the_accounts_byoc_collections(world: World, api: httpx.Client) -> None:
    answer = api.get("/collections").json()
    assert [c["id"] for c in answer["collections"]] == [world.main, world.other]
    assert {"self", "root"} <= set(_rels(answer))
    for document in answer["collections"]:
        pystac.Collection.from_dict(document, migrate=False)


def test_collection_document(world: World, api: httpx.Client) -> None:
    response = api.get(f"/collections/{world.main}")
    assert response.status_code == 200
    document = response.json()
    assert document["type"] == "Collection"
    assert document["stac_version"] == "1.0.0"
    assert document["id"] == world.main
    assert document["title"] == "main"
    assert document["license"] == "proprietary"
    assert document["description"]
    [bbox] = document["extent"]["spatial"]["bbox"]
    union = unary_union([box(*to_bounds(spec)) for spec in MAIN_TILES])
    assert bbox == pytest.approx(list(union.bounds), abs=1e-6)
    sensed = sorted(s.sensing for s in MAIN_TILES if s.sensing)
    assert document["extent"]["temporal"]["interval"] == [[sensed[0], sensed[-1]]]
    rels = _rels(document)
    assert {"self", "root", "parent", "items"} <= set(rels)
    collection = pystac.Collection.from_dict(document, migrate=False)
    assert collection.title == "main"
    assert collection.extent.spatial.bboxes == [bbox]
    assert collection.extent.temporal.intervals[0][0] is not None


def to_bounds(spec: Any) -> tuple[float, float, float, float]:
    """The WGS84 bounds BYOC reports for a tile: its cover's (files' extent without one)."""
    return tuple(spec.wgs84.bounds)  # type: ignore[no-any-return]


def test_queryables(world: World, api: httpx.Client) -> None:
    for path in (f"/collections/{world.main}/queryables", "/queryables"):
        response = api.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/schema+json")
        schema = response.json()
        assert schema["type"] == "object"
        assert {"id", "collection", "datetime", "geometry", "proj:epsg"} <= set(
            schema["properties"]
        )


def test_items_of_a_collection_page_with_next_links(world: World, api: httpx.Client) -> None:
    url: str | None = f"/collections/{world.main}/items?limit=4"
    ids = []
    while url is not None:
        response = api.get(url)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert answer["type"] == "FeatureCollection"
        assert answer["numberReturned"] == len(answer["features"])
        ids += [f["id"] for f in answer["features"]]
        nexts = [link["href"] for link in answer["links"] if link["rel"] == "next"]
        url = nexts[0] if nexts else None
    assert world.names([{"id": i} for i in ids]) == [s.name for s in MAIN_TILES]


def test_items_of_a_collection_by_bbox_and_datetime(world: World, api: httpx.Client) -> None:
    response = api.get(
        f"/collections/{world.main}/items",
        params={"bbox": "15.9,44.9,16.5,45.5", "datetime": "2024-01-01T00:00:00Z/.."},
    )
    assert world.names(response.json()["features"]) == ["d"]


def test_one_item(world: World, api: httpx.Client) -> None:
    tile_id = world.tile_ids["c"]
    response = api.get(f"/collections/{world.main}/items/{tile_id}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    item = pystac.Item.from_dict(response.json(), migrate=False)
    assert item.id == tile_id
    assert item.datetime is not None
    assert item.datetime.isoformat() == "2024-02-01T10:00:00+00:00"


@pytest.mark.parametrize(
    "path",
    [
        "/collections/byoc-00000000-0000-0000-0000-000000000000",
        "/collections/sentinel-2-l2a",
        "/collections/byoc-not-a-uuid/items",
        "/collections/{main}/items/{broken}",  # FAILED: not an item
        "/collections/{main}/items/{o}",  # another collection's tile
        "/collections/{main}/items/nope",
    ],
)
def test_unknown_things_are_404(world: World, api: httpx.Client, path: str) -> None:
    url = path.format(main=world.main, broken=world.tile_ids["broken"], o=world.tile_ids["o"])
    response = api.get(url)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "COMMON_NOT_FOUND"


def test_another_account_sees_none_of_it(world: World) -> None:
    with world.client(stranger_token(world.emulator)) as stranger:
        assert stranger.get("/collections").json()["collections"] == []
        assert stranger.get(f"/collections/{world.main}").status_code == 404
        assert stranger.get(f"/collections/{world.main}/items").status_code == 404
        item = f"/collections/{world.main}/items/{world.tile_ids['a']}"
        assert stranger.get(item).status_code == 404


def test_the_published_base_path_answers_the_same(world: World, api: httpx.Client) -> None:
    with httpx.Client(
        base_url=world.emulator.base_url + "/catalog/v1",
        headers={"Authorization": f"Bearer {world.token}"},
    ) as published:
        answer = published.post("/search", json={"collections": [world.main], "limit": 100})
    assert answer.status_code == 200
    features = answer.json()["features"]
    assert world.names(features) == [s.name for s in MAIN_TILES]
    assert all("/catalog/v1/collections/" in f["links"][1]["href"] for f in features)
    assert API not in str(answer.json())

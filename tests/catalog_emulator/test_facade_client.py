"""Our Catalog clients against the emulator: typed items equal to the tiles, several collections
in one search, lazy pages, CQL2 in both encodings, a UTM bbox transformed to WGS84, pystac
conversion, the async twin and the CLI."""

from __future__ import annotations

import json
from typing import Any

import anyio
import pystac
import pytest
from sentinelhub_client import (
    CRS,
    AsyncSentinelHubCatalog,
    BBox,
    DataCollection,
    NotFoundError,
    RetryPolicy,
    SentinelHub,
    SentinelHubCatalog,
    SentinelHubValidationError,
    SHConfig,
    StacItem,
)
from shapely.geometry import shape

from .conftest import MAIN_TILES, OTHER_TILES, World

JANUARY = ("2024-01-01T00:00:00Z", "2024-01-31T23:59:59Z")
SPECS = {spec.name: spec for spec in (*MAIN_TILES, *OTHER_TILES)}


@pytest.fixture(scope="module")
def config(world: World) -> SHConfig:
    emu = world.emulator
    return SHConfig(
        sh_client_id=emu.client_id,
        sh_client_secret=emu.client_secret,
        sh_base_url=emu.base_url,
        sh_token_url=emu.token_url,
        retry=RetryPolicy(backoff=0),
    )


@pytest.fixture(scope="module")
def catalog(config: SHConfig) -> Any:
    with SentinelHubCatalog(config) as client:
        yield client


def names(world: World, items: list[StacItem]) -> list[str]:
    by_id = {tile_id: name for name, tile_id in world.tile_ids.items()}
    return [by_id[item.id] for item in items]


def test_items_are_the_tiles(world: World, catalog: SentinelHubCatalog) -> None:
    items = list(catalog.search(world.main_id))  # a bare BYOC id names byoc-<id>
    assert sorted(names(world, items)) == ["a", "b", "c", "d", "e", "f"]  # not the FAILED tile
    for item in items:
        spec = SPECS[names(world, [item])[0]]
        assert item.collection == world.main
        assert item.geometry is not None
        assert (
            shape(item.geometry).equals_exact(spec.wgs84, tolerance=1e-9)
            or shape(item.geometry).symmetric_difference(spec.wgs84).area < 1e-12
        )
        expected = None if spec.sensing is None else spec.sensing.replace("Z", "+00:00")
        assert (item.datetime.isoformat() if item.datetime else None) == expected
        assert item["properties"] is item.properties  # reads like the dict it came as


def test_several_collections_time_and_bbox_in_one_search(
    world: World, catalog: SentinelHubCatalog
) -> None:
    search = catalog.search(
        collections=[DataCollection.define_byoc(world.main_id), world.other],
        bbox=BBox((15.9, 44.9, 16.5, 45.5), crs=CRS.WGS84),
        time=JANUARY,
    )
    assert sorted(names(world, list(search))) == ["d", "o"]


def test_a_utm_bbox_is_transformed_and_pages_come_lazily(
    world: World, catalog: SentinelHubCatalog
) -> None:
    area = BBox((499_000, 4_999_000, 513_000, 5_003_000), crs=CRS.UTM_33N)  # tiles a and b
    search = catalog.search(world.main, bbox=area, limit=1)
    pages = list(search.pages())
    assert [len(page) for page in pages] == [1, 1]
    assert sorted(names(world, [item for page in pages for item in page])) == ["a", "b"]
    assert catalog.search(world.main, bbox=area, limit=1, max_items=1).get_ids() == [
        world.tile_ids["a"]
    ]


@pytest.mark.parametrize(
    "cql",
    [
        "datetime >= TIMESTAMP('2024-01-06T00:00:00Z')",
        {"op": ">=", "args": [{"property": "datetime"}, {"timestamp": "2024-01-06T00:00:00Z"}]},
    ],
)
def test_cql2_filters_in_both_encodings(
    world: World, catalog: SentinelHubCatalog, cql: str | dict[str, Any]
) -> None:
    found = catalog.search(world.main, filter=cql).get_timestamps()
    expected = sorted(s.sensing for s in MAIN_TILES if s.sensing and s.sensing >= "2024-01-06")
    assert sorted(t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in found) == expected


def test_documents_features_and_pystac(world: World, catalog: SentinelHubCatalog) -> None:
    assert any(link["rel"] == "search" for link in catalog.get_info()["links"])
    assert any("item-search" in c for c in catalog.get_conformance()["conformsTo"])
    assert [c.id for c in catalog.get_collections()] == [world.main, world.other]
    collection = catalog.get_collection(world.main)
    assert collection.title == "main"
    start, end = collection.temporal_extent or (None, None)
    assert start is not None
    assert end is not None
    assert (start.date().isoformat(), end.date().isoformat()) == ("2024-01-01", "2024-02-01")
    item = catalog.get_feature(world.main, world.tile_ids["c"])
    as_stac = item.to_pystac()
    assert isinstance(as_stac, pystac.Item)
    assert as_stac.id == world.tile_ids["c"]
    assert isinstance(collection.to_pystac(), pystac.Collection)
    with pytest.raises(NotFoundError):
        catalog.get_feature(world.main, "00000000-0000-0000-0000-000000000000")


def test_bad_arguments_are_refused_before_sending(catalog: SentinelHubCatalog) -> None:
    with pytest.raises(SentinelHubValidationError, match="collection"):
        catalog.search()
    triangle = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}
    with pytest.raises(SentinelHubValidationError, match="not both"):
        catalog.search("sentinel-2-l2a", bbox=(0, 0, 1, 1), geometry=triangle)
    with pytest.raises(SentinelHubValidationError, match="limit"):
        catalog.search("sentinel-2-l2a", limit=0)


def test_the_async_twin_and_the_hub(world: World, config: SHConfig) -> None:
    async def main() -> list[str]:
        async with AsyncSentinelHubCatalog(config) as client:
            return await client.search(world.main, time=JANUARY, limit=2).get_ids()

    ids = anyio.run(main)
    with SentinelHub(config) as sh:
        assert sorted(ids) == sorted(sh.catalog.search(world.main, time=JANUARY).get_ids())
    assert sorted(names(world, [StacItem(id=i) for i in ids])) == ["a", "b", "d", "f"]


def test_shc_catalog_search_prints_json_lines(world: World) -> None:
    from tests.cli.conftest import Shc

    shc = Shc(world.emulator)
    result = shc("catalog", "search", "--collection", world.main, "--collection", world.other,
                 "--datetime", "2024-01-01/2024-01-31", "--limit", "2")  # fmt: skip
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(names(world, [StacItem.from_dict(f) for f in lines])) == ["a", "b", "d", "f", "o"]
    table = shc("catalog", "search", "--collection", world.main, "--filter",
                "datetime IS NULL", "--table")  # fmt: skip
    assert world.tile_ids["e"] in table.stdout
    listed = shc("catalog", "collections", "--json")
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == [
        world.main,
        world.other,
    ]

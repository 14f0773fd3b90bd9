"""Unchanged third-party clients against the emulated Catalog: pystac-client and sentinelhub-py
3.12's ``SentinelHubCatalog`` (its OAuth session needs ``OAUTHLIB_INSECURE_TRANSPORT=1`` over
plain http, set here as a user would against a local emulator)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pystac_client import Client
from sentinelhub import CRS, BBox, DataCollection, SentinelHubCatalog, SHConfig
from shapely.geometry import shape

from .conftest import MAIN_TILES, World

JANUARY = ("2024-01-01T00:00:00Z", "2024-01-31T23:59:59Z")


def _january(name: str) -> bool:
    sensing = next(s.sensing for s in MAIN_TILES if s.name == name)
    return sensing is not None and JANUARY[0] <= sensing <= JANUARY[1]


# ---------------------------------------------------------------------- pystac-client


@pytest.fixture
def stac(world: World) -> Client:
    return Client.open(world.url, headers={"Authorization": f"Bearer {world.token}"})


def test_pystac_client_opens_and_lists(world: World, stac: Client) -> None:
    assert stac.conforms_to("ITEM_SEARCH")
    assert stac.conforms_to("FILTER")
    assert stac.conforms_to("FIELDS")
    assert [c.id for c in stac.get_collections()] == [world.main, world.other]
    collection = stac.get_collection(world.main)
    assert collection.title == "main"


def test_pystac_client_search_pages_through_everything(world: World, stac: Client) -> None:
    search = stac.search(
        collections=[world.main],
        bbox=[14.0, 44.0, 17.0, 46.0],
        datetime="2024-01-01T00:00:00Z/2024-01-31T23:59:59Z",
        limit=2,
    )
    pages = list(search.pages())
    assert len(pages) == 2  # a, b | d, f
    items = list(search.items())
    assert world.names([{"id": i.id} for i in items]) == [
        s.name for s in MAIN_TILES if _january(s.name)
    ]
    collection = search.item_collection()
    assert len(collection) == len(items)
    for item in items:
        spec = world.specs[world.names([{"id": item.id}])[0]]
        assert item.datetime == datetime.fromisoformat(spec.sensing or "").astimezone(UTC)
        assert shape(item.geometry).hausdorff_distance(spec.wgs84) < 1e-9


def test_pystac_client_search_with_get(world: World, stac: Client) -> None:
    search = stac.search(method="GET", collections=[world.main, world.other], limit=3)
    assert len(list(search.pages())) == 3
    assert world.names([{"id": i.id} for i in search.items()]) == [
        *(s.name for s in MAIN_TILES),
        "o",
    ]


@pytest.mark.parametrize(
    ("method", "search_filter", "lang"),
    [
        ("POST", "proj:epsg = 4326", None),  # converted to cql2-json by pystac-client
        ("POST", "proj:epsg = 4326", "cql2-text"),
        ("POST", {"op": "=", "args": [{"property": "proj:epsg"}, 4326]}, "cql2-json"),
        ("GET", "proj:epsg = 4326", None),
        ("GET", {"op": "=", "args": [{"property": "proj:epsg"}, 4326]}, None),  # to cql2-text
    ],
)
def test_pystac_client_filters(
    world: World,
    stac: Client,
    method: str,
    search_filter: str | dict[str, object],
    lang: str | None,
) -> None:
    search = stac.search(
        method=method, collections=[world.main], filter=search_filter, filter_lang=lang
    )
    assert world.names([{"id": i.id} for i in search.items()]) == ["d", "e"]


# ---------------------------------------------------------------------- sentinelhub-py


@pytest.fixture
def catalog(world: World, monkeypatch: pytest.MonkeyPatch) -> SentinelHubCatalog:
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    config = SHConfig(
        sh_base_url=world.emulator.base_url,
        sh_client_id=world.emulator.client_id,
        sh_client_secret=world.emulator.client_secret,
        sh_token_url=world.emulator.token_url,
        max_download_attempts=1,
    )
    return SentinelHubCatalog(config=config)


def test_sentinelhub_py_reads_the_documents(world: World, catalog: SentinelHubCatalog) -> None:
    info = catalog.get_info()
    assert info["type"] == "Catalog"
    assert "https://api.stacspec.org/v1.0.0/item-search" in catalog.get_conformance()["conformsTo"]
    assert [c["id"] for c in catalog.get_collections()] == [world.main, world.other]
    assert catalog.get_collection(world.main)["title"] == "main"
    collection = DataCollection.define_byoc(world.main_id)
    assert catalog.get_collection(collection)["id"] == world.main
    feature = catalog.get_feature(collection, world.tile_ids["b"])
    assert feature["properties"]["datetime"] == "2024-01-05T10:00:00Z"


def test_sentinelhub_py_search(world: World, catalog: SentinelHubCatalog) -> None:
    collection = DataCollection.define_byoc(world.main_id)
    search = catalog.search(
        collection,
        bbox=BBox((14.0, 44.0, 17.0, 46.0), crs=CRS.WGS84),
        time=("2024-01-01", "2024-01-31"),
        limit=2,  # three pages, read through context.next
    )
    wanted = [s.name for s in MAIN_TILES if _january(s.name)]
    assert world.names([{"id": i} for i in search.get_ids()]) == wanted
    assert [t.isoformat() for t in search.get_timestamps()] == [
        datetime.fromisoformat(world.specs[n].sensing or "").isoformat() for n in wanted
    ]
    for name, geometry in zip(wanted, search.get_geometries(), strict=True):
        assert geometry.crs is CRS.WGS84
        assert geometry.geometry.hausdorff_distance(world.specs[name].wgs84) < 1e-9


# sentinelhub-py's BBox.transform_bounds calls shapely.ops.transform, deprecated in shapely 2.1.
@pytest.mark.filterwarnings("ignore:The 'shapely.ops.transform:DeprecationWarning")
def test_sentinelhub_py_search_in_utm_with_filter_and_fields(
    world: World, catalog: SentinelHubCatalog
) -> None:
    collection = DataCollection.define_byoc(world.main_id)
    search = catalog.search(
        collection,
        bbox=BBox((499_000, 4_999_000, 523_000, 5_003_000), crs=CRS.UTM_33N),
        time=("2024-01-01", "2024-02-28"),
        filter="proj:epsg = 32633 AND datetime < TIMESTAMP('2024-01-10T00:00:00Z')",
        fields={"include": ["id", "properties.datetime"], "exclude": ["geometry", "links"]},
    )
    features = list(search)
    assert world.names(features) == ["a", "b"]
    assert all(set(f) >= {"id", "properties"} and "geometry" not in f for f in features)


def test_sentinelhub_py_search_with_cql2_json_and_distinct(
    world: World, catalog: SentinelHubCatalog
) -> None:
    collection = DataCollection.define_byoc(world.main_id)
    search = catalog.search(
        collection,
        time=("2024-01-01", "2024-12-31"),
        filter={"op": "=", "args": [{"property": "proj:epsg"}, 4326]},
        filter_lang="cql2-json",
    )
    assert world.names(list(search)) == ["d"]
    dates = catalog.search(collection, time=("2024-01-01", "2024-01-31"), distinct="date")
    assert list(dates) == ["2024-01-01", "2024-01-05", "2024-01-10", "2024-01-20"]

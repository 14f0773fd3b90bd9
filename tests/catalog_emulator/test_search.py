"""Item search over raw HTTP: which tiles each parameter selects, what the items hold, paging,
``fields``, ``distinct``, and a 400 naming the parameter for every bad input."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pystac
import pytest
from shapely.geometry import box, shape

from .conftest import MAIN_TILES, OTHER_TILES, UTM, World, stranger_token, to_wgs84

# ---------------------------------------------------------------------- expectations


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def expected(
    world: World,
    *,
    collections: tuple[str, ...] = ("main",),
    bbox: tuple[float, float, float, float] | None = None,
    start: str | None = None,
    end: str | None = None,
    ids: set[str] | None = None,
) -> list[str]:
    """The tile names a search should answer, from the fixture's own numbers."""
    tiles = {"main": MAIN_TILES, "other": OTHER_TILES}
    names = []
    for collection in collections:
        for spec in tiles[collection]:
            if ids is not None and world.tile_ids[spec.name] not in ids:
                continue
            if bbox is not None and not spec.wgs84.intersects(box(*bbox)):
                continue
            if start is not None or end is not None:
                if spec.sensing is None:
                    continue
                moment = _when(spec.sensing)
                if start is not None and moment < _when(start):
                    continue
                if end is not None and moment > _when(end):
                    continue
            names.append(spec.name)
    return names


def search(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/search", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/geo+json")
    answer = response.json()
    assert isinstance(answer, dict)
    return answer


def search_all(api: httpx.Client, **body: Any) -> list[dict[str, Any]]:
    """Every feature of a POST search, following ``context.next`` as sentinelhub-py does."""
    features: list[dict[str, Any]] = []
    while True:
        answer = search(api, **body)
        features += answer["features"]
        following = answer["context"].get("next")
        if following is None:
            return features
        body = {**body, "next": following}


# ---------------------------------------------------------------------- items


def test_items_hold_the_tiles(world: World, api: httpx.Client) -> None:
    features = search_all(api, collections=[world.main], limit=100)
    assert world.names(features) == [spec.name for spec in MAIN_TILES]  # never "broken"
    for feature in features:
        spec = world.specs[world.names([feature])[0]]
        assert feature["type"] == "Feature"
        assert feature["stac_version"] == "1.0.0"
        assert feature["collection"] == world.main
        assert feature["assets"] == {}
        geometry = shape(feature["geometry"])
        assert "crs" not in feature["geometry"]
        assert geometry.hausdorff_distance(spec.wgs84) < 1e-9, spec.name
        assert feature["bbox"] == pytest.approx(list(spec.wgs84.bounds), abs=1e-9)
        properties = feature["properties"]
        assert properties["datetime"] == spec.sensing
        assert properties["proj:epsg"] == spec.epsg
        if spec.cover is None:
            assert properties["proj:bbox"] == pytest.approx(list(spec.bounds))
        rels = {link["rel"]: link["href"] for link in feature["links"]}
        assert set(rels) >= {"self", "parent", "collection", "root"}
        assert rels["self"].endswith(f"/collections/{world.main}/items/{feature['id']}")
        item = pystac.Item.from_dict(feature, migrate=False)
        assert item.id == feature["id"]
        assert item.collection_id == world.main
        round_trip = item.to_dict(include_self_link=False, transform_hrefs=False)
        assert round_trip["geometry"] == feature["geometry"]
        assert round_trip["properties"] == properties


def test_a_tile_without_sensing_time_has_a_null_datetime_and_an_interval(
    world: World, api: httpx.Client
) -> None:
    [feature] = search(api, collections=[world.main], ids=[world.tile_ids["e"]])["features"]
    properties = feature["properties"]
    assert properties["datetime"] is None
    assert properties["start_datetime"] == properties["end_datetime"]
    assert _when(properties["start_datetime"]) <= datetime.now(UTC)
    item = pystac.Item.from_dict(feature, migrate=False)
    assert item.datetime is None
    assert item.common_metadata.start_datetime is not None


# ---------------------------------------------------------------------- selection


@pytest.mark.parametrize(
    "bbox",
    [
        (14.9, 45.1, 15.1, 45.2),  # a and b
        (15.9, 44.9, 16.2, 45.1),  # d and e
        (15.0, 45.0, 16.5, 46.0),  # everything
        (10.0, 10.0, 11.0, 11.0),  # nothing
        (15.26, 45.16, 15.27, 45.17),  # a corner near f
    ],
)
def test_bbox_selects_the_tiles_it_touches(
    world: World, api: httpx.Client, bbox: tuple[float, float, float, float]
) -> None:
    features = search_all(api, collections=[world.main], bbox=list(bbox), limit=100)
    assert world.names(features) == expected(world, bbox=bbox)


def test_bbox_outside_a_cover_triangle_leaves_the_tile_out(world: World, api: httpx.Client) -> None:
    f = world.specs["f"]
    west, south, east, north = to_wgs84(box(*f.bounds), f.epsg).bounds
    corner = (west, north - 0.1 * (north - south), west + 0.1 * (east - west), north)
    assert not f.wgs84.intersects(box(*corner))  # inside the files' extent, not the cover
    names = world.names(search(api, collections=[world.main], bbox=list(corner))["features"])
    assert "f" not in names


def test_six_number_bbox_is_read_as_its_horizontal_box(world: World, api: httpx.Client) -> None:
    features = search(api, collections=[world.main], bbox=[14.9, 45.1, 0, 15.1, 45.2, 100])
    assert world.names(features["features"]) == expected(world, bbox=(14.9, 45.1, 15.1, 45.2))


@pytest.mark.parametrize(
    ("interval", "start", "end"),
    [
        (
            "2024-01-01T00:00:00Z/2024-01-31T23:59:59Z",
            "2024-01-01T00:00:00Z",
            "2024-01-31T23:59:59Z",
        ),
        ("2024-01-05T10:00:00Z", "2024-01-05T10:00:00Z", "2024-01-05T10:00:00Z"),
        ("2024-01-10T00:00:00Z/..", "2024-01-10T00:00:00Z", None),
        ("../2024-01-05T10:00:00Z", None, "2024-01-05T10:00:00Z"),
        ("/2024-01-05T10:00:00Z", None, "2024-01-05T10:00:00Z"),
        (
            "2024-01-05T11:00:00+01:00/2024-01-10T10:00:00Z",
            "2024-01-05T10:00:00Z",
            "2024-01-10T10:00:00Z",
        ),
        (
            "2023-01-01T00:00:00Z/2023-12-31T00:00:00Z",
            "2023-01-01T00:00:00Z",
            "2023-12-31T00:00:00Z",
        ),
    ],
)
def test_datetime_selects_by_sensing_time(
    world: World, api: httpx.Client, interval: str, start: str | None, end: str | None
) -> None:
    features = search_all(api, collections=[world.main], datetime=interval, limit=100)
    names = world.names(features)
    assert names == expected(world, start=start, end=end)
    assert "e" not in names  # no sensing time: never in a timed search


def test_ids_select_those_tiles(world: World, api: httpx.Client) -> None:
    wanted = {world.tile_ids["a"], world.tile_ids["d"], world.tile_ids["broken"], "nope"}
    features = search(api, collections=[world.main], ids=sorted(wanted))["features"]
    assert world.names(features) == expected(world, ids=wanted) == ["a", "d"]


def test_parameters_combine(world: World, api: httpx.Client) -> None:
    bbox = (14.9, 45.0, 16.05, 45.2)
    features = search(
        api,
        collections=[world.main],
        bbox=list(bbox),
        datetime="2024-01-02T00:00:00Z/2024-01-31T00:00:00Z",
        filter="proj:epsg = 32633",
        limit=100,
    )["features"]
    wanted = expected(world, bbox=bbox, start="2024-01-02T00:00:00Z", end="2024-01-31T00:00:00Z")
    assert (
        world.names(features) == [n for n in wanted if world.specs[n].epsg == 32633] == ["b", "f"]
    )


def test_intersects_selects_by_geometry(world: World, api: httpx.Client) -> None:
    f = world.specs["f"]
    point = f.wgs84.centroid
    geometry = {"type": "Point", "coordinates": [point.x, point.y]}
    assert world.names(search(api, collections=[world.main], intersects=geometry)["features"]) == [
        "f"
    ]


FILTERS = [
    ("cql2-text", "proj:epsg = 4326", lambda s: s.epsg == 4326),
    ("cql2-json", {"op": "=", "args": [{"property": "proj:epsg"}, 32633]}, lambda s: s.epsg == UTM),
    (
        "cql2-text",
        "datetime > TIMESTAMP('2024-01-06T00:00:00Z')",
        lambda s: s.sensing is not None and s.sensing > "2024-01-06",
    ),
    ("cql2-text", "datetime IS NULL", lambda s: s.sensing is None),
    (
        "cql2-json",
        {
            "op": "and",
            "args": [
                {"op": "=", "args": [{"property": "proj:epsg"}, 32633]},
                {
                    "op": "<",
                    "args": [{"property": "datetime"}, {"timestamp": "2024-01-10T00:00:00Z"}],
                },
            ],
        },
        lambda s: s.epsg == UTM and s.sensing is not None and s.sensing < "2024-01-10",
    ),
    (
        "cql2-text",
        "S_INTERSECTS(geometry, "
        "POLYGON((15.9 44.9, 16.05 44.9, 16.05 45.1, 15.9 45.1, 15.9 44.9)))",
        lambda s: s.name == "d",
    ),
]


@pytest.mark.parametrize(("lang", "expression", "keep"), FILTERS)
def test_filter_selects_what_the_expression_says(
    world: World, api: httpx.Client, lang: str, expression: Any, keep: Any
) -> None:
    features = search_all(
        api, collections=[world.main], filter=expression, **{"filter-lang": lang}, limit=100
    )
    assert world.names(features) == [s.name for s in MAIN_TILES if keep(s)]


def test_filter_by_id_and_collection(world: World, api: httpx.Client) -> None:
    text = f"id = '{world.tile_ids['c']}' OR collection = '{world.other}'"
    features = search(api, collections=[world.main, world.other], filter=text)["features"]
    assert world.names(features) == ["c", "o"]


def test_get_search_takes_cql2_text_by_default(world: World, api: httpx.Client) -> None:
    response = api.get(
        "/search", params={"collections": world.main, "filter": "proj:epsg = 4326", "limit": 50}
    )
    assert response.status_code == 200, response.text
    assert world.names(response.json()["features"]) == ["d", "e"]


def test_several_collections_at_once(world: World, api: httpx.Client) -> None:
    bbox = (15.9, 44.9, 16.5, 45.5)
    features = search(api, collections=[world.main, world.other], bbox=list(bbox))["features"]
    assert world.names(features) == expected(world, collections=("main", "other"), bbox=bbox)
    assert {f["collection"] for f in features} == {world.main, world.other}


# ---------------------------------------------------------------------- pages


def test_post_pages_follow_context_next_and_the_next_link(world: World, api: httpx.Client) -> None:
    first = search(api, collections=[world.main], limit=4)
    assert first["context"] == {"limit": 4, "returned": 4, "next": 4}
    [link] = [link for link in first["links"] if link["rel"] == "next"]
    assert link["method"] == "POST"
    assert link["merge"] is False
    assert link["body"] == {"collections": [world.main], "limit": 4, "next": 4}
    second = api.post(link["href"], json=link["body"]).json()
    assert second["context"] == {"limit": 4, "returned": 2}
    assert not [link for link in second["links"] if link["rel"] == "next"]
    assert world.names(first["features"] + second["features"]) == expected(world)


def test_get_pages_follow_the_next_href(world: World, api: httpx.Client) -> None:
    url: str | None = f"/search?collections={world.main}&limit=2"
    names = []
    pages = 0
    while url is not None:
        answer = api.get(url).json()
        names += world.names(answer["features"])
        nexts = [link["href"] for link in answer["links"] if link["rel"] == "next"]
        url = nexts[0] if nexts else None
        pages += 1
    assert pages == 3
    assert names == expected(world)


def test_limit_above_the_maximum_gives_the_maximum(world: World, api: httpx.Client) -> None:
    answer = search(api, collections=[world.main], limit=5000)
    assert answer["context"]["limit"] == 100
    assert answer["context"]["returned"] == len(MAIN_TILES)


def test_default_limit_is_ten(world: World, api: httpx.Client) -> None:
    assert search(api, collections=[world.main])["context"]["limit"] == 10


def test_next_beyond_the_end_is_an_empty_page(world: World, api: httpx.Client) -> None:
    answer = search(api, collections=[world.main], next=1000)
    assert answer["features"] == []
    assert "next" not in answer["context"]


# ---------------------------------------------------------------------- fields and distinct


def test_fields_include_adds_to_a_minimal_item(world: World, api: httpx.Client) -> None:
    [feature] = search(
        api,
        collections=[world.main],
        ids=[world.tile_ids["a"]],
        fields={"include": ["properties.proj:epsg"], "exclude": ["links", "geometry"]},
    )["features"]
    assert set(feature) == {
        "type", "stac_version", "stac_extensions", "id", "collection", "bbox", "assets",
        "properties",
    }  # fmt: skip
    assert feature["properties"] == {"datetime": "2024-01-01T10:00:00Z", "proj:epsg": 32633}


def test_fields_exclude_only_removes(world: World, api: httpx.Client) -> None:
    [feature] = search(
        api,
        collections=[world.main],
        ids=[world.tile_ids["a"]],
        fields={"exclude": ["properties.proj:geometry", "links"]},
    )["features"]
    assert "links" not in feature
    assert "geometry" in feature
    assert "proj:geometry" not in feature["properties"]
    assert feature["properties"]["proj:epsg"] == 32633


def test_fields_in_get_form(world: World, api: httpx.Client) -> None:
    response = api.get(
        "/search",
        params={"collections": world.main, "ids": world.tile_ids["a"], "fields": "+id,-geometry"},
    )
    [feature] = response.json()["features"]
    assert "geometry" not in feature
    assert feature["id"] == world.tile_ids["a"]
    assert feature["properties"] == {"datetime": "2024-01-01T10:00:00Z"}


def test_distinct_dates(world: World, api: httpx.Client) -> None:
    answer = search(api, collections=[world.main], distinct="date")
    dates = sorted({s.sensing[:10] for s in MAIN_TILES if s.sensing})
    assert answer["features"] == dates
    assert answer["context"]["returned"] == len(dates)


def test_distinct_of_a_property(world: World, api: httpx.Client) -> None:
    answer = search(api, collections=[world.main, world.other], distinct="proj:epsg")
    assert answer["features"] == [4326, 32633]


# ---------------------------------------------------------------------- bad input


BAD_BODIES = [
    ({}, "collections"),
    ({"collections": []}, "collections"),
    ({"collections": "byoc-x"}, "collections"),
    ({"collections": ["sentinel-2-l2a"]}, "collections"),
    ({"collections": ["byoc-00000000-0000-0000-0000-000000000000"]}, "collections"),
    ({"bbox": [1, 2, 3]}, "bbox"),
    ({"bbox": [1, 2, "3", 4]}, "bbox"),
    ({"bbox": [0, 50, 1, 40]}, "bbox"),
    ({"bbox": [0, 0, 200, 1]}, "bbox"),
    ({"bbox": [0, 0, 1, 1], "intersects": {"type": "Point", "coordinates": [0, 0]}}, "intersects"),
    ({"intersects": {"type": "Polygon", "coordinates": "x"}}, "intersects"),
    ({"intersects": {"type": "Circle"}}, "intersects"),
    ({"datetime": "yesterday"}, "datetime"),
    ({"datetime": "2024-01-01"}, "datetime"),
    ({"datetime": "../.."}, "datetime"),
    ({"datetime": "2024-02-01T00:00:00Z/2024-01-01T00:00:00Z"}, "datetime"),
    ({"datetime": "2024-01-01T00:00:00Z/2024-01-02T00:00:00Z/2024-01-03T00:00:00Z"}, "datetime"),
    ({"datetime": 20240101}, "datetime"),
    ({"ids": "abc"}, "ids"),
    ({"limit": 0}, "limit"),
    ({"limit": -3}, "limit"),
    ({"limit": "10"}, "limit"),
    ({"limit": True}, "limit"),
    ({"next": -1}, "next"),
    ({"next": "abc"}, "next"),
    ({"filter": "proj:epsg = "}, "filter"),
    ({"filter": "eo:cloud_cover < 10"}, "filter"),
    ({"filter": {"op": "=", "args": [1]}}, "filter"),
    ({"filter": {"op": "="}, "filter-lang": "cql2-json"}, "filter"),
    ({"filter": "proj:epsg = 1", "filter-lang": "cql2-json"}, "filter"),
    ({"filter": "proj:epsg = 1", "filter-lang": "ecql"}, "filter-lang"),
    ({"filter": "proj:epsg = 1", "filter-crs": "EPSG:3857"}, "filter-crs"),
    ({"fields": ["id"]}, "fields"),
    ({"fields": {"include": "id"}}, "fields->include"),
    ({"distinct": "colour"}, "distinct"),
    ({"query": {"proj:epsg": {"eq": 4326}}}, "query"),
    ({"sortby": [{"field": "datetime", "direction": "desc"}]}, "sortby"),
    ({"filter_lang": "cql2-text"}, "filter_lang"),
]


@pytest.mark.parametrize(("body", "parameter"), BAD_BODIES)
def test_bad_search_bodies_are_a_400_naming_the_parameter(
    world: World, api: httpx.Client, body: dict[str, Any], parameter: str
) -> None:
    full = {"collections": [world.main], **body} if "collections" not in body else body
    if body == {}:
        full = {}
    response = api.post("/search", json=full)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "COMMON_BAD_PAYLOAD"
    assert [e["parameter"] for e in error["errors"]] == [parameter]


SLOW_FOR_CQL2 = [
    "(" * 20 + "id = " + ")" * 20,  # cql2's parser backtracks exponentially on these
    "id = " + "(" * 20 + "'x'",
    "a = b = c = d = e = f",  # and its JSON Schema validation on these
    "id = 'x' AND " * 400 + "id = 'y'",
]


@pytest.mark.parametrize("text", SLOW_FOR_CQL2)
def test_filters_that_would_take_cql2_long_are_refused_fast(
    world: World, api: httpx.Client, text: str
) -> None:
    started = time.monotonic()
    response = api.post("/search", json={"collections": [world.main], "filter": text})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["errors"][0]["parameter"] == "filter"
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    "expression",
    [
        {"op": "frob", "args": [1]},
        {"op": "=", "args": [{"op": "=", "args": [{"property": "id"}, "a"]}, True]},
        {"op": "not", "args": []},
        {"op": "s_intersects", "args": [{"property": "geometry"}, "x"]},
        {
            "op": "t_after",
            "args": [{"property": "datetime"}, {"timestamp": "2024-13-01T00:00:00Z"}],
        },
        {"op": "in", "args": [{"property": "id"}, "x"]},
        "not an expression",
        5,
    ],
)
def test_malformed_cql2_json_is_a_400(world: World, api: httpx.Client, expression: Any) -> None:
    body = {"collections": [world.main], "filter": expression, "filter-lang": "cql2-json"}
    response = api.post("/search", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["errors"][0]["parameter"] == "filter"


def test_a_one_argument_and_is_accepted_as_sentinelhub_py_sends_it(
    world: World, api: httpx.Client
) -> None:
    expression = {"op": "and", "args": [{"op": "=", "args": [{"property": "proj:epsg"}, 4326]}]}
    features = search(api, collections=[world.main], filter=expression)["features"]
    assert world.names(features) == ["d", "e"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({}, "collections"),
        ({"bbox": "1,2,x,4"}, "bbox"),
        ({"limit": "ten"}, "limit"),
        ({"next": "1.5"}, "next"),
        ({"intersects": "{not json"}, "intersects"),
        ({"filter": "((", "filter-lang": "cql2-text"}, "filter"),
        ({"filter": "{", "filter-lang": "cql2-json"}, "filter"),
        ({"datetime": "2024-13-01T00:00:00Z"}, "datetime"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_get_searches_are_a_400_naming_the_parameter(
    world: World, api: httpx.Client, params: dict[str, str], parameter: str
) -> None:
    query = {"collections": world.main, **params} if params else {}
    response = api.get("/search", params=query)
    assert response.status_code == 400, response.text
    assert [e["parameter"] for e in response.json()["error"]["errors"]] == [parameter]


@pytest.mark.parametrize("raw", [b"", b"[1, 2]", b"{not json", b'{"limit": NaN}'])
def test_a_body_that_is_no_json_object_is_a_400(api: httpx.Client, raw: bytes) -> None:
    response = api.post("/search", content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["errors"][0]["parameter"] == "body"


def test_search_needs_a_token(world: World) -> None:
    for method in ("GET", "POST"):
        response = httpx.request(method, world.url + "/search", json={"collections": [world.main]})
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "COMMON_UNAUTHORIZED"


def test_another_account_cannot_search_a_collection(world: World) -> None:
    with world.client(stranger_token(world.emulator)) as stranger:
        response = stranger.post("/search", json={"collections": [world.main]})
        assert response.status_code == 400
        assert response.json()["error"]["errors"][0]["parameter"] == "collections"

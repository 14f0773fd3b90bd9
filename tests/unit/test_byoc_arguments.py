"""Arguments refused before anything is sent (naming the argument), extra query parameters passed
on, plain-dict listings, and the recovery of an interrupted tile create, sync and async."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from sentinelhub_client import (
    ByocCollection,
    ByocTile,
    ConflictError,
    SentinelHubBYOC,
    SentinelHubValidationError,
    SHConfig,
)
from sentinelhub_client.byoc.calls import (
    MAX_TILE_NAME_BYTES,
    MAX_TILE_PATH_CHARS,
    check_destination,
    check_file_list,
)

from .conftest import BYOC, COLLECTION_ID, TILE_ID, Twin, envelope, page, tile_json

pytestmark = pytest.mark.anyio

COLLECTION = f"{BYOC}/collections/{COLLECTION_ID}"
TILES = f"{COLLECTION}/tiles"
A_TILE = ByocTile("a/b.tif", tile_id=TILE_ID)
A_COLLECTION = ByocCollection("n", "b", collection_id=COLLECTION_ID)


async def refused(byoc: Twin, api: respx.MockRouter, name: str, *args: Any, **kwargs: Any) -> str:
    """Call a method that must refuse its arguments at once (listings too, before iterating);
    return the message. Nothing is sent."""
    with pytest.raises(SentinelHubValidationError) as caught:
        await byoc.call(name, *args, **kwargs)
    assert isinstance(caught.value, ValueError)
    assert [call.request.url.path for call in api.calls] == []
    return str(caught.value)


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        (
            "get_collection",
            (A_TILE,),
            "collection: expected a ByocCollection, a collection id or a dict, got ByocTile",
        ),
        ("get_collection", (12345,), "collection: expected a ByocCollection, a collection id"),
        ("delete_collection", (True,), "collection: expected"),
        ("get_tile", (A_TILE, A_COLLECTION), "collection: expected a ByocCollection"),
        (
            "get_tile",
            (COLLECTION_ID, A_COLLECTION),
            "tile: expected a ByocTile, a tile id or a dict, got ByocCollection",
        ),
        ("get_tile", (COLLECTION_ID, {"name": "n", "s3Bucket": "b"}), "this dict is a collection"),
        ("get_collection", ({"path": "a/b.tif", "id": TILE_ID},), "this dict is a tile"),
        ("delete_tile", (COLLECTION_ID, 3.5), "tile: expected a ByocTile, a tile id"),
        ("reingest_tile", (COLLECTION_ID, None), "tile: expected"),
        ("copy_tiles", (COLLECTION_ID, A_TILE), "to_collection: expected a ByocCollection"),
        ("create_collection", (A_TILE,), "collection: expected a ByocCollection or a dict"),
        ("create_collection", ("my-collection",), "collection: expected a ByocCollection"),
        ("update_collection", ({"path": "a"},), "this dict is a tile"),
        ("create_tile", (COLLECTION_ID, A_COLLECTION), "tile: expected a ByocTile or a dict"),
        ("create_tile", (COLLECTION_ID, "a/b.tif"), "tile: expected a ByocTile or a dict, got str"),
        ("create_tile", (A_TILE, ByocTile("x")), "collection: expected a ByocCollection"),
        ("update_tile", (COLLECTION_ID, {"name": "n", "s3Bucket": "b"}), "collection"),
        ("iter_tiles", (A_TILE,), "collection: expected a ByocCollection"),
        ("iter_collections", (5,), "search: expected a string"),
        ("wait_for_tiles", (A_TILE,), "collection: expected a ByocCollection"),
        ("wait_for_tiles", (COLLECTION_ID, [A_COLLECTION]), "tiles: expected a ByocTile"),
    ],
)
async def test_wrong_arguments_are_refused_naming_them(
    byoc: Twin, api: respx.MockRouter, name: str, args: tuple[Any, ...], message: str
) -> None:
    assert message in await refused(byoc, api, name, *args)


async def test_a_callback_that_is_not_callable_is_refused(
    byoc: Twin, api: respx.MockRouter
) -> None:
    message = await refused(byoc, api, "wait_for_tiles", COLLECTION_ID, [TILE_ID], callback="x")
    assert "callback: expected a function" in message


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("", "empty"),
        ("../x", "'..'"),
        ("a/../../x", "'..'"),
        ("a\\b.tif", "backslash"),
        ("a\x00b.tif", "NUL"),
        ("/a/b.tif", "did you mean 'a/b.tif'"),
        ("a//b.tif", "did you mean 'a/b.tif'"),
        ("a/", "did you mean 'a'"),
        ("C:/data/b.tif", "absolute"),
        ("a/" * (MAX_TILE_PATH_CHARS // 2) + "b", f"at most {MAX_TILE_PATH_CHARS}"),
        ("é" * (MAX_TILE_NAME_BYTES // 2 + 1), "bytes long"),
        ("x" * (MAX_TILE_NAME_BYTES + 1) + "/b.tif", f"at most {MAX_TILE_NAME_BYTES}"),
    ],
)
async def test_tile_paths_are_checked_by_the_emulators_rule(
    byoc: Twin, api: respx.MockRouter, path: str, problem: str
) -> None:
    message = await refused(byoc, api, "create_tile", COLLECTION_ID, ByocTile(path))
    assert "tile.path" in message
    assert problem in message
    assert problem in await refused(
        byoc, api, "update_tile", COLLECTION_ID, {"path": path, "id": TILE_ID}
    )
    assert problem in await refused(byoc, api, "iter_tiles", COLLECTION_ID, path=path)


async def test_the_longest_path_is_sent(byoc: Twin, api: respx.MockRouter) -> None:
    path = "/".join([*["x" * MAX_TILE_NAME_BYTES] * 3, "x" * (MAX_TILE_NAME_BYTES - 1), "y"])
    assert len(path) == MAX_TILE_PATH_CHARS
    route = api.post(TILES).respond(201, json={"data": tile_json(path)})
    tile = await byoc.call("create_tile", COLLECTION_ID, ByocTile(path))
    assert tile.path == path
    assert json.loads(route.calls.last.request.content) == {"path": path}


@pytest.mark.parametrize(
    ("tile", "field"),
    [
        (
            {"path": "a", "coverGeometry": {"type": "Polygon", "coordinates": [[[0, math.nan]]]}},
            "cover_geometry",
        ),
        (
            {"path": "a", "coverGeometry": {"type": "Polygon", "coordinates": [[[0, math.inf]]]}},
            "cover_geometry",
        ),
        ({"path": "a", "coverGeometry": {"type": "Polygon", "coordinates": "x"}}, "cover_geometry"),
        ({"path": "a", "coverGeometry": {"type": "Polygon"}}, "cover_geometry"),
        (
            {"path": "a", "coverGeometry": {"type": "Point", "coordinates": [0, 0]}},
            "cover_geometry",
        ),
        ({"path": "a", "sensingTime": "soon"}, "sensing_time"),
        ({"path": "a", "futureField": -math.inf}, "futureField"),
    ],
)
async def test_bad_tile_content_is_refused_naming_the_field(
    byoc: Twin, api: respx.MockRouter, tile: dict[str, Any], field: str
) -> None:
    assert field in await refused(byoc, api, "create_tile", COLLECTION_ID, tile)


@pytest.mark.parametrize(
    ("collection", "field"),
    [
        ({"name": "n", "s3Bucket": "b", "noData": math.nan}, "no_data"),
        (
            {
                "name": "n",
                "s3Bucket": "b",
                "additionalData": {"bands": {"B1": {"noData": math.inf}}},
            },
            "ByocCollectionBand.no_data",
        ),
        ({"name": "n", "s3Bucket": 5}, "s3_bucket"),
        (
            {"name": "n", "s3Bucket": "b", "additionalData": {"bands": {"B1": {"bitDepth": "16"}}}},
            "ByocCollectionBand.bit_depth",
        ),
    ],
)
async def test_bad_collection_content_is_refused_naming_the_field(
    byoc: Twin, api: respx.MockRouter, collection: dict[str, Any], field: str
) -> None:
    assert field in await refused(byoc, api, "create_collection", collection)


async def test_a_model_given_nan_is_refused_at_once() -> None:
    with pytest.raises(SentinelHubValidationError, match="cover_geometry"):
        ByocTile("a", cover_geometry={"type": "Polygon", "coordinates": [[[0, math.nan]]]})


def test_a_file_list_must_be_a_list() -> None:
    with pytest.raises(SentinelHubValidationError, match="a string is not a list of files"):
        check_file_list("a.tif")
    with pytest.raises(SentinelHubValidationError, match="files: expected a list of file paths"):
        check_file_list(["a.tif", 3])
    with pytest.raises(SentinelHubValidationError, match="files: expected"):
        check_file_list(7)
    assert check_file_list(("a.tif", "b/c.tif")) == ["a.tif", "b/c.tif"]
    assert check_file_list(None) is None


def test_a_destination_must_be_a_path(tmp_path: Path) -> None:
    for bad in (None, "", 5, b"a.tif"):
        with pytest.raises(SentinelHubValidationError, match="destination: expected a file path"):
            check_destination(bad)
    assert check_destination(tmp_path / "a.tif") == tmp_path / "a.tif"
    assert check_destination("a.tif", "directory") == "a.tif"


# -- sentinelhub-py's **kwargs on the listings ------------------------------------------------


async def test_extra_keywords_of_the_listings_are_query_parameters(
    byoc: Twin, api: respx.MockRouter
) -> None:
    tiles = api.get(TILES).mock(return_value=page([tile_json()]))
    collections = api.get(f"{BYOC}/collections").mock(return_value=page([]))
    await byoc.collect(
        byoc.client.iter_tiles(
            COLLECTION_ID, "created:asc", fields="id,path", flag=True, many=[1, 2]
        )
    )
    await byoc.collect(byoc.client.iter_collections("forest", withStats="yes", skip=None))
    sent = tiles.calls.last.request.url.params
    assert sent.get("sort") == "created:asc"
    assert sent.get("fields") == "id,path"
    assert sent.get("flag") == "true"
    assert sent.get_list("many") == ["1", "2"]
    assert dict(collections.calls.last.request.url.params) == {
        "count": "100",
        "search": "forest",
        "withStats": "yes",
    }


async def test_typed_parameters_are_not_taken_as_extra_ones(
    byoc: Twin, api: respx.MockRouter
) -> None:
    message = await refused(byoc, api, "iter_collections", status="x")
    assert "status: pass it as the keyword argument status=" in message
    assert "expected a query value" in await refused(
        byoc, api, "iter_tiles", COLLECTION_ID, extra={"a": 1}
    )


# -- plain dicts -------------------------------------------------------------------------------


async def test_listings_give_plain_dicts_on_request(byoc: Twin, api: respx.MockRouter) -> None:
    first = tile_json("a", extra={"x": 1})
    api.get(TILES).mock(side_effect=[page([first], "t2"), page([tile_json("b")])])
    dicts = await byoc.collect(byoc.client.iter_tiles(COLLECTION_ID, max_items=2).as_dicts())
    assert dicts == [first, tile_json("b")]
    assert all(type(item) is dict for item in dicts)


# -- recovering an interrupted create ------------------------------------------------------------


def later(seconds: float = 1.0) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)).isoformat()


SENT = ByocTile(
    "x/y.tif",
    sensing_time=dt.datetime(2024, 5, 1, 10, tzinfo=dt.UTC),
    cover_geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
)


async def test_recovery_returns_the_tile_this_call_made(byoc: Twin, api: respx.MockRouter) -> None:
    made = {**SENT.to_dict(), "id": TILE_ID, "status": "WAITING", "created": later()}
    create = api.post(TILES).mock(side_effect=[httpx.ReadTimeout("lost"), envelope({}, 201)])
    api.get(TILES).mock(return_value=page([made]))
    tile = await byoc.call("create_tile", COLLECTION_ID, SENT)
    assert tile.tile_id == TILE_ID
    assert create.call_count == 1


@pytest.mark.parametrize(
    ("found", "reason"),
    [
        ({"created": "2020-01-01T00:00:00Z"}, "before this call"),
        ({"created": None}, "no creation time"),
        ({"sensingTime": "2023-01-01T00:00:00Z"}, "another sensingTime"),
        ({"sensingTime": None}, "another sensingTime"),
        (
            {
                "coverGeometry": {
                    "type": "Polygon",
                    "coordinates": [[[5, 5], [6, 5], [6, 6], [5, 5]]],
                }
            },
            "another coverGeometry",
        ),
    ],
)
@pytest.mark.parametrize("failure", ["dropped", "500"])
async def test_a_tile_this_call_did_not_make_is_a_conflict(
    byoc: Twin, api: respx.MockRouter, found: dict[str, Any], reason: str, failure: str
) -> None:
    other = {**SENT.to_dict(), "id": TILE_ID, "status": "INGESTED", "created": later(), **found}
    first: Any = (
        httpx.RemoteProtocolError("dropped") if failure == "dropped" else httpx.Response(500)
    )
    create = api.post(TILES).mock(side_effect=[first, httpx.Response(409)])
    lookup = api.get(TILES).mock(return_value=page([other]))
    with pytest.raises(ConflictError, match=reason) as caught:
        await byoc.call("create_tile", COLLECTION_ID, SENT)
    assert caught.value.status == 409
    assert "x/y.tif" in str(caught.value)
    assert create.call_count == 1
    assert dict(lookup.calls.last.request.url.params) == {"path": "x/y.tif", "count": "1"}


async def test_recovery_after_a_lost_answer_and_a_conflicting_retry(
    byoc: Twin, api: respx.MockRouter
) -> None:
    # The lookup ran before the first attempt was stored; the retry conflicts with it.
    made = {**SENT.to_dict(), "id": TILE_ID, "created": later()}
    create = api.post(TILES).mock(side_effect=[httpx.ReadTimeout("lost"), httpx.Response(409)])
    api.get(TILES).mock(side_effect=[page([]), page([made])])
    tile = await byoc.call("create_tile", COLLECTION_ID, SENT)
    assert tile.tile_id == TILE_ID
    assert create.call_count == 2


async def test_recovery_allows_what_the_service_normalises(
    byoc: Twin, api: respx.MockRouter
) -> None:
    # Fewer digits of a second, and a crs member the service added to the cover geometry.
    sent = ByocTile(
        "x/y.tif",
        sensing_time=dt.datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=dt.UTC),
        cover_geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    )
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC::CRS84"}}
    made = {
        "path": "x/y.tif",
        "id": TILE_ID,
        "created": later(),
        "sensingTime": "2024-05-01T10:00:00Z",
        "coverGeometry": {**sent.to_dict()["coverGeometry"], "crs": crs},
    }
    api.post(TILES).mock(side_effect=[httpx.ReadTimeout("lost")])
    api.get(TILES).mock(return_value=page([made]))
    tile = await byoc.call("create_tile", COLLECTION_ID, sent)
    assert tile.tile_id == TILE_ID


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.download_tile(COLLECTION_ID, TILE_ID, "out", files="a.tif"), "files"),
        (lambda c: c.download_tile(COLLECTION_ID, TILE_ID, None), "directory"),
        (lambda c: c.download_tile_file(COLLECTION_ID, TILE_ID, "a.tif", None), "destination"),
        (lambda c: c.download_tile_file(COLLECTION_ID, TILE_ID, "a.tif", ""), "destination"),
    ],
)
def test_download_arguments_are_refused_before_sending(
    config: SHConfig, api: respx.MockRouter, call: Any, message: str
) -> None:
    with SentinelHubBYOC(config) as byoc, pytest.raises(SentinelHubValidationError, match=message):
        call(byoc)
    assert not [r for r in api.calls if "/files" in str(r.request.url)]
